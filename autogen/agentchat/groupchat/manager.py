"""`GroupChatManager`: the agent that runs a `GroupChat`. Its chat loop relays each message to
every member, picks the next speaker and asks it to reply, until a stop condition is met.

The loop is one flow (see ``autogen/_effects.py``) shared by `run_chat` and `a_run_chat`: members'
stock steps are entered by delegation, user code is an effect run by the sync or the async driver,
and the loop keeps the stack flat however many rounds it runs. Relaying is in ``relay``, resuming
in ``resume``.
"""

from __future__ import annotations

import logging
import sys
from typing import Any, Literal

from ... import runtime_logging
from ..._effects import Flow, run_async, run_sync
from ...exception_utils import NoEligibleSpeakerError
from ..agent import Agent
from ..conversable.events import emit
from ..conversable.messaging import reply_flow, send_flow
from ..conversable.stock import register_stock_flow
from ..conversable.termination import is_termination, termination_code
from ..conversable_agent import ConversableAgent
from .chat import GroupChat
from .relay import Relay
from .resume import Resume

__all__ = ["GroupChatManager"]

logger = logging.getLogger(__package__)  # the group chat's one logger, "autogen.agentchat.groupchat"


class GroupChatManager(Relay, Resume, ConversableAgent):
    """An agent that runs a `GroupChat`: it relays each message to every member, picks the next
    speaker and asks it to reply, until a stop condition is met."""

    def __init__(
        self,
        groupchat: GroupChat,
        name: str | None = "chat_manager",
        max_consecutive_auto_reply: int | None = sys.maxsize,
        human_input_mode: Literal["ALWAYS", "NEVER", "TERMINATE"] = "NEVER",
        system_message: str | list[Any] | None = "Group chat manager.",
        silent: bool = False,
        **kwargs: Any,
    ) -> None:
        if not isinstance(groupchat, GroupChat):
            raise TypeError(f"GroupChatManager needs a GroupChat, got {type(groupchat).__name__}.")
        llm_config = kwargs.get("llm_config")
        if isinstance(llm_config, dict) and (llm_config.get("functions") or llm_config.get("tools")):
            raise ValueError(
                "GroupChatManager does not make function or tool calls: remove 'functions'/'tools' from its llm_config "
                "and register them on the member agents."
            )
        super().__init__(
            name=name or "chat_manager",
            max_consecutive_auto_reply=max_consecutive_auto_reply,
            human_input_mode=human_input_mode,
            system_message=system_message,
            **kwargs,
        )
        self._groupchat = groupchat
        self._last_speaker: Agent | None = None
        self._silent = silent
        self.register_reply(Agent, GroupChatManager.run_chat, config=groupchat, reset_config=GroupChat.reset)
        self.register_reply(
            Agent,
            GroupChatManager.a_run_chat,
            config=groupchat,
            reset_config=GroupChat.reset,
            ignore_async_in_sync_chat=True,
        )
        # register_reply keeps a shallow copy of a config; the chat must run on the live GroupChat
        # (resume() and users change its settings after construction).
        for entry in self._reply_func_list[:2]:
            entry["config"] = groupchat

    @property
    def groupchat(self) -> GroupChat:
        """The group chat this manager runs."""
        return self._groupchat

    @property
    def last_speaker(self) -> Agent | None:
        """The agent whose message the manager relayed last (the real author of what members receive)."""
        return self._last_speaker

    def chat_messages_for_summary(self, agent: Agent) -> list[dict[str, Any]]:
        """The whole group transcript (summaries cover the group chat, not one member's view)."""
        return self._groupchat.messages

    def _prepare_chat(
        self,
        recipient: ConversableAgent,
        clear_history: bool,
        prepare_recipient: bool = True,
        reply_at_receive: bool = True,
    ) -> None:
        super()._prepare_chat(recipient, clear_history, prepare_recipient, reply_at_receive)
        if clear_history:
            self._groupchat.reset()
        for agent in self._groupchat.agents:
            if (agent is not recipient or prepare_recipient) and isinstance(agent, ConversableAgent):
                agent._prepare_chat(self, clear_history, False, reply_at_receive)
                if clear_history:
                    self.clear_history(agent)

    def _raise_exception_on_async_reply_functions(self) -> None:
        super()._raise_exception_on_async_reply_functions()
        for agent in self._groupchat.agents:
            check = getattr(agent, "_raise_exception_on_async_reply_functions", None)
            if check is not None:
                check()

    # ------------------------------------------------------------------ the chat loop

    def _run_chat_flow(
        self, messages: list[dict[str, Any]] | None, sender: Agent | None, config: GroupChat | None
    ) -> Flow[tuple[bool, None]]:
        groupchat = config if isinstance(config, GroupChat) else self._groupchat
        if messages is None:
            messages = self._oai_messages[sender]  # type: ignore[index]
        if not messages:
            return True, None
        message: dict[str, Any] = messages[-1]
        speaker: Agent | None = sender
        silent = getattr(self, "_silent", False)  # (self may be a plain agent: see run_chat)
        reason: str | None = None
        plain: dict[int, bool] = {}  # which members use the stock receive (see _broadcast_flow)
        if groupchat.send_introductions:
            yield from Relay._broadcast_flow(self, groupchat.introductions_msg(), None, groupchat)
        # Members use the manager's cache for this run; their own is put back afterwards (kept here,
        # not in previous_cache, which the two-agent chat of the initiator is using).
        saved_caches: list[tuple[Any, Any]] = []
        if self.client_cache is not None:
            for agent in groupchat.agents:
                if hasattr(agent, "client_cache"):
                    saved_caches.append((agent, agent.client_cache))  # type: ignore[attr-defined]
                    agent.client_cache = self.client_cache  # type: ignore[attr-defined]
        logged = (
            runtime_logging.begin_chat(
                "group",
                sender,
                self,
                participants=list(groupchat.agents),
                groupchat=groupchat,
                info={"max_round": groupchat.max_round, "speaker_selection_method": _method_name(groupchat)},
            )
            if runtime_logging.is_logging
            else None
        )
        try:
            for i in range(groupchat.max_round):
                self._last_speaker = speaker
                message = groupchat._append(message, speaker)  # type: ignore[arg-type]
                yield from Relay._broadcast_flow(self, message, speaker, groupchat, plain)
                if is_termination(self, message):
                    reason = f"Termination message condition on the GroupChatManager '{self.name}' met"
                    break
                if i == groupchat.max_round - 1:
                    reason = f"Maximum rounds ({groupchat.max_round}) reached"
                    break
                guardrail_reply = None
                previous, selecting = speaker, True
                try:
                    speaker = yield from groupchat._select_speaker_flow(speaker, self)  # type: ignore[arg-type]
                    selecting = False
                    if runtime_logging.noting_selections():
                        _log_selection(self, groupchat, i + 1, previous, speaker, None)
                    if not silent:
                        emit("GroupChatRunChatEvent", speaker=speaker, silent=silent)
                    if getattr(speaker, "input_guardrails", None):
                        guardrail_reply = groupchat._run_input_guardrails(speaker, speaker._oai_messages[self])  # type: ignore[union-attr]
                    if guardrail_reply is not None:
                        reply: Any = guardrail_reply
                    else:
                        reply = yield from reply_flow(speaker, None, self)
                except KeyboardInterrupt:
                    admin = groupchat.agent_by_name(groupchat.admin_name)
                    if admin is None:
                        raise
                    speaker = admin
                    reply = yield from reply_flow(admin, None, self)
                except NoEligibleSpeakerError as e:
                    if selecting and runtime_logging.noting_selections():
                        _log_selection(self, groupchat, i + 1, previous, None, e)
                    reason = "No next speaker selected"
                    break
                if reply is None:
                    reason = "No reply generated"
                    break
                if guardrail_reply is None and getattr(speaker, "output_guardrails", None):
                    replaced = groupchat._run_output_guardrails(speaker, reply)  # type: ignore[arg-type]
                    if replaced is not None:
                        reply = replaced
                if (
                    groupchat.enable_clear_history
                    and isinstance(reply, dict)
                    and isinstance(reply.get("content"), str)
                    and "CLEAR HISTORY" in reply["content"].upper()
                ):
                    reply = dict(reply)
                    reply["content"] = GroupChatManager.clear_agents_history(self, reply, groupchat)  # type: ignore[arg-type]
                yield from send_flow(speaker, reply, self, False, silent)
                message = self.last_message(speaker)  # type: ignore[assignment]
            else:
                reason = f"Maximum rounds ({groupchat.max_round}) reached"
        except BaseException as e:
            if logged is not None:
                runtime_logging.end_chat(logged, e)
                logged = None
            raise
        finally:
            for agent, cache in saved_caches:
                agent.client_cache = cache
        # A pattern run that failed (bad handoff, expression...) states its own, more precise reason.
        override, self._termination_override = getattr(self, "_termination_override", None), None
        emit("TerminationEvent", termination_reason=override or reason, sender=self, recipient=speaker)
        if runtime_logging.noting_terminations():
            text = override or reason or "The group chat ended"
            runtime_logging.note_termination("run_error" if override else termination_code(text), text)
        if logged is not None:
            runtime_logging.end_chat(logged)
        return True, None

    def run_chat(
        self, messages: list[dict[str, Any]] | None = None, sender: Agent | None = None, config: GroupChat | None = None
    ) -> tuple[bool, None]:
        """Run the group chat from the last message of ``sender`` (registered as a reply function).

        Any agent can run a group chat this way: ``agent.register_reply(Agent, GroupChatManager.run_chat,
        config=groupchat)`` (``self`` need not be a GroupChatManager)."""
        return run_sync(GroupChatManager._run_chat_flow(self, messages, sender, config))  # type: ignore[arg-type]

    async def a_run_chat(
        self, messages: list[dict[str, Any]] | None = None, sender: Agent | None = None, config: GroupChat | None = None
    ) -> tuple[bool, None]:
        """Async twin of `run_chat`."""
        return await run_async(GroupChatManager._run_chat_flow(self, messages, sender, config))  # type: ignore[arg-type]

    # ------------------------------------------------------------------ clear history command

    def clear_agents_history(self, reply: dict[str, Any], groupchat: GroupChat) -> str:
        """Carry out a ``clear history [agent] [n]`` command found in ``reply`` and return the reply text
        without it.

        Without an agent name every member's history and the transcript are cleared; with one, only
        that agent's. ``n`` keeps the last n messages (at least 1 when the reply answers tool calls,
        so a tool response never loses its call).
        """
        words = reply["content"].split()
        clear_index = max((i for i, w in enumerate(words) if w.upper() == "CLEAR"), default=None)
        if clear_index is None:
            return reply["content"]
        keep: int | None = None
        keep_given = False
        target: Agent | None = None
        for word in words[clear_index + 2 : clear_index + 4]:
            stripped = word[:-1] if word and not word[-1].isalnum() and word[-1] != "_" else word
            if word.isdigit() or stripped.isdigit():
                keep = int(word if word.isdigit() else stripped)
                keep_given = True
            elif target is None:
                target = next((a for a in groupchat.agents if a.name in (word, stripped)), None)
        if reply.get("tool_responses") and not keep:
            keep = 1
            logger.warning("Keeping the last message so the tool response keeps its tool call.")
        emit("ClearAgentsHistoryEvent", agent=target, nr_events_to_preserve=keep)
        if target is not None:
            target.clear_history(nr_messages_to_preserve=keep)  # type: ignore[attr-defined]
        else:
            kept = groupchat.messages[-keep:] if keep else []
            groupchat.messages[:] = kept
            for agent in groupchat.agents:
                agent.clear_history(nr_messages_to_preserve=keep)  # type: ignore[attr-defined]
        skip = 2 + int(target is not None) + int(keep_given)
        return " ".join(words[:clear_index] + words[clear_index + skip :])


def _method_name(groupchat: GroupChat) -> str:
    method = groupchat.speaker_selection_method
    return method if isinstance(method, str) else f"custom:{getattr(method, '__qualname__', type(method).__name__)}"


def _log_selection(
    manager: Any, groupchat: GroupChat, round_: int, previous: Any, chosen: Any, error: BaseException | None
) -> None:
    """Report one speaker selection, with what the selection steps noted, to the runtime log and to
    ``runtime_logging.SELECTION_OBSERVERS`` (only called when `noting_selections` says so)."""
    note = groupchat.__dict__.pop("_selection_log", None) or {}
    details = dict(note.get("details") or {})
    ended_by_pattern = (details.get("transition") or {}).get("chosen", "") is None  # a TerminateTarget: no error
    if error is not None and not ended_by_pattern:
        details["error"] = f"{type(error).__name__}: {error}"
    selection = {
        "round": round_,
        "previous_speaker": getattr(previous, "name", None),
        "method": note.get("method") or _method_name(groupchat),
        "candidates": note.get("candidates") or [],
        "chosen": getattr(chosen, "name", None),
        "attempts": note.get("attempts"),
        "reason": note.get("reason") or ("no_eligible_speaker" if chosen is None else None),
        "details": details,
    }
    if runtime_logging.is_logging:
        runtime_logging.log_speaker_selection(manager, selection)
    for observer in runtime_logging.SELECTION_OBSERVERS:
        observer(selection)


register_stock_flow(GroupChatManager.run_chat, GroupChatManager.a_run_chat, "_run_chat_flow")
