"""Relaying (part of `GroupChatManager`): the manager sends every message of the group to every
member but its author.

Messages are shared, not copied: when the manager sends and a member receives the stock way, the
relayed message is built once per round and every member's history holds that object; members
with their own ``send``/``receive`` get a real send.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ... import runtime_logging
from ..._effects import Flow
from .._messages import normalize_message, restamped
from ..agent import Agent
from ..conversable.messaging import Messaging, send_flow
from ..conversable.stock import is_stock

if TYPE_CHECKING:
    from .chat import GroupChat

__all__ = ["RECEIVE_ATTRS", "SEND_ATTRS", "Relay"]

# What a broadcast checks to append the shared message directly instead of re-normalising it
# once per member: that the member receives, and the manager sends, the stock way.
RECEIVE_ATTRS = ("receive", "a_receive", "_receive_flow", "_process_received_message", "_append_oai_message")
SEND_ATTRS = ("send", "a_send", "_send_flow", "_outgoing", "_append_oai_message", "_process_message_before_send")


class Relay:
    """_broadcast_flow and the shared-message fast path (part of `GroupChatManager`)."""

    name: str
    hook_lists: dict[str, list[Any]]
    _oai_messages: dict[Agent, list[dict[str, Any]]]

    def _broadcast_flow(
        self,
        message: dict[str, Any] | str,
        exclude: Agent | None,
        groupchat: GroupChat,
        plain: dict[int, bool] | None = None,
    ) -> Flow[None]:
        """Send ``message`` from the manager to every member but ``exclude``, without asking for replies.

        Members with the stock receive get it now (see `_relay`); the flow returned sends to the
        others (``()`` when there are none, the usual case: no generator per round)."""
        # Class-qualified calls: the manager's chat loop also runs on a plain agent that registered
        # GroupChatManager.run_chat as a reply function (ag2's "plugin" use).
        slow = Relay._relay(self, message, exclude, groupchat, plain)
        return Relay._send_each(self, slow) if slow else ()

    def _send_each(self, deliveries: list[tuple[Agent, Any]]) -> Flow[None]:
        for agent, outgoing in deliveries:
            yield from send_flow(self, outgoing, agent, False, True)

    def _relay(
        self, message: dict[str, Any] | str, exclude: Agent | None, groupchat: GroupChat, plain: dict[int, bool] | None
    ) -> list[tuple[Agent, Any]]:
        """Deliver ``message`` to the members using the stock send/receive (they get the same stored
        dict, built once, not one copy each); return the (member, message) pairs that need a real send.

        ``plain`` memoises, for one run, which members use the stock receive.
        """
        fast_sender = is_stock(self, Messaging, SEND_ATTRS) and not self.hook_lists["process_message_before_send"]
        # Relays are silent unless the manager itself was made talkative (manager.silent = False),
        # in which case the stock receive shows every member's copy: so does the fast path.
        shown = self.silent is not None and not self.silent
        if plain is None:
            plain = {}
        mine: dict[str, Any] | None = None
        theirs: dict[str, Any] | None = None
        guarded = bool(groupchat._inter_agent_guardrails) and exclude is not None
        slow: list[tuple[Agent, Any]] = []
        records = self._oai_messages
        for agent in groupchat.agents:
            if agent is exclude:
                continue
            outgoing: Any = message
            if guarded:
                replacement = groupchat._run_inter_agent_guardrails(
                    src_agent_name=exclude.name,
                    dst_agent_name=agent.name,
                    message_content=message,  # type: ignore[union-attr]
                )
                if replacement is not None:
                    outgoing = (
                        replacement if isinstance(replacement, dict) else {"content": replacement, "name": exclude.name}
                    )  # type: ignore[union-attr]
            stock = plain.get(id(agent))
            if stock is None:
                stock = plain[id(agent)] = is_stock(agent, Messaging, RECEIVE_ATTRS)
            if outgoing is message and fast_sender and stock:
                if mine is None:
                    mine, theirs = Relay._relayed_forms(self, message)
                records[agent].append(mine)
                agent._oai_messages[self].append(theirs)  # type: ignore[attr-defined]
                if shown:
                    agent._print_received_message(message, self)  # type: ignore[attr-defined]
                if runtime_logging.is_logging:  # what the stock receive records
                    runtime_logging.log_event(agent, "received_message", message=message, sender=self.name, valid=True)
            else:
                slow.append((agent, outgoing))
        return slow

    def _relayed_forms(self, message: dict[str, Any] | str) -> tuple[dict[str, Any], dict[str, Any]]:
        """The manager's record of a relayed message and each member's, sharing the transcript entry
        (read-only) wherever normalising it would give an equal dict."""
        if isinstance(message, dict):
            forms = restamped(message, "assistant", "user")
            if forms is not None:
                return forms[0], forms[1]
        mine, theirs = normalize_message(message, "assistant", self.name), normalize_message(message, "user", self.name)
        if mine is None or theirs is None:
            raise ValueError(
                "Message can't be converted into a valid ChatCompletion message. "
                "Either content or function_call must be provided."
            )
        if isinstance(message, dict):
            theirs = message if theirs == message else theirs
            mine = message if mine == message else mine
        return mine, theirs
