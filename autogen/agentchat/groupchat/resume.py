"""Resuming a group chat (part of `GroupChatManager`): saved messages are replayed into every
member's history and the transcript, so the chat can go on from the last one; and saving them as
JSON for that.

Resume is one flow (see ``autogen/_effects.py``) shared by `resume` and `a_resume`.
"""

from __future__ import annotations

import copy
import json
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..._effects import Flow, run_async, run_sync
from .._messages import normalize_message
from ..agent import Agent
from ..conversable.events import emit
from ..conversable.messaging import send_flow
from ..conversable.termination import is_termination
from ..conversable_agent import ConversableAgent
from .members import called_functions, can_execute, offered_functions

if TYPE_CHECKING:
    from .chat import GroupChat

__all__ = ["Resume"]

logger = logging.getLogger(__package__)  # the group chat's one logger, "autogen.agentchat.groupchat"


def json_default(value: Any) -> Any:
    """How `messages_to_string` writes what JSON cannot: pydantic models dumped, the rest as str."""
    dump = getattr(value, "model_dump", None)
    if callable(dump):
        return dump()
    return str(value)


class Resume:
    """resume / a_resume and saving messages (part of `GroupChatManager`)."""

    name: str
    _groupchat: GroupChat

    def _resume_author(self, message: dict[str, Any], previous: dict[str, Any] | None) -> Agent:
        """Who said ``message``: a member, or the manager (for the manager's and the admin's messages).

        Tool-call messages and tool results saved from a ChatResult carry no name; they belong to
        the member offered those tools, and to the member able to execute the calls, respectively.
        """
        groupchat = self._groupchat
        name = message.get("name")
        if name:
            return groupchat.agent_by_name(name) or self  # type: ignore[return-value]
        calls = called_functions(message)
        if calls:
            for agent in groupchat.agents:
                if set(calls) <= offered_functions(agent):
                    return agent
        elif message.get("role") in ("tool", "function") or message.get("tool_responses"):
            asked = called_functions(previous) if previous else []
            for agent in groupchat.agents:
                if asked and can_execute(agent, asked):
                    return agent
        return self  # type: ignore[return-value]

    def _resume_flow(
        self,
        messages: list[dict[str, Any]] | str,
        remove_termination_string: str | Callable[[str], str] | None,
        silent: bool | None,
    ) -> Flow[tuple[Agent, dict[str, Any]]]:
        if isinstance(messages, str):
            messages = self.messages_from_string(messages)
        elif isinstance(messages, list) and all(isinstance(m, dict) for m in messages):
            messages = copy.deepcopy(messages)
        else:
            raise Exception("resume() takes a list of message dicts or the JSON string made by messages_to_string().")  # noqa: TRY002
        # Check before clearing anything, so a bad call loses nothing.
        self._valid_resume_messages(messages)
        groupchat = self._groupchat
        for agent in groupchat.agents:
            if isinstance(agent, ConversableAgent):
                agent.clear_history()
        self.clear_history()
        groupchat.reset()

        authors = []
        previous = None
        for message in messages:
            authors.append(self._resume_author(message, previous))
            previous = message
        for message, author in zip(messages[:-1], authors[:-1]):
            if author is self:
                yield from self._broadcast_flow(message, None, groupchat)
                stored = normalize_message(message, "user", message.get("name") or self.name)
                if stored is not None:
                    if message.get("name") and message["name"] != self.name:
                        groupchat.messages.append(stored)  # the admin: keep its own name
                    else:
                        groupchat._append(stored, self)  # type: ignore[arg-type]
            else:
                yield from send_flow(author, message, self, False, True)  # type: ignore[arg-type]
                stored = self.last_message(author)
                entry = groupchat._append(stored, author)  # type: ignore[arg-type]
                yield from self._broadcast_flow(entry, author, groupchat)

        last_message = messages[-1]
        last_agent = authors[-1]
        if "name" not in last_message and not (last_message.get("tool_calls") or last_message.get("function_call")):
            last_message["name"] = last_agent.name
        self._process_resume_termination(remove_termination_string, messages)
        if not silent:
            emit(
                "GroupChatResumeEvent",
                last_speaker_name=last_message.get("name") or last_agent.name,
                events=messages,
                silent=silent,
            )
        groupchat.send_introductions = False  # the members already met
        return last_agent, last_message

    def resume(
        self,
        messages: list[dict[str, Any]] | str,
        remove_termination_string: str | Callable[[str], str] | None = None,
        silent: bool | None = False,
    ) -> tuple[ConversableAgent, dict[str, Any]]:
        """Load saved group messages (a list or `messages_to_string` JSON) so the chat can go on.

        Every member's history and the transcript are rebuilt from all messages but the last.
        Returns ``(last_agent, last_message)``; continue with
        ``last_agent.initiate_chat(manager, message=last_message, clear_history=False)``.
        ``remove_termination_string`` (a str, or a function of the content) cleans the last message
        so the chat does not stop at once.
        """
        return run_sync(self._resume_flow(messages, remove_termination_string, silent))  # type: ignore[return-value]

    async def a_resume(
        self,
        messages: list[dict[str, Any]] | str,
        remove_termination_string: str | Callable[[str], str] | None = None,
        silent: bool | None = False,
    ) -> tuple[ConversableAgent, dict[str, Any]]:
        """Async twin of `resume`."""
        return await run_async(self._resume_flow(messages, remove_termination_string, silent))  # type: ignore[return-value]

    def _valid_resume_messages(self, messages: list[dict[str, Any]]) -> None:
        if not messages:
            raise Exception("Cannot resume a group chat without messages; start a new chat with initiate_chat instead.")  # noqa: TRY002
        known = set(self._groupchat.agent_names) | {self._groupchat.admin_name, self.name}
        for message in messages:
            name = message.get("name")
            if name and name not in known:
                raise Exception(  # noqa: TRY002
                    f"A message to resume is by '{name}', who is not in the group chat (members: {self._groupchat.agent_names})."
                )

    def _process_resume_termination(
        self, remove_termination_string: str | Callable[[str], str] | None, messages: list[dict[str, Any]]
    ) -> None:
        last = messages[-1]
        if isinstance(remove_termination_string, str):
            text = remove_termination_string

            def remove(content: str) -> str:
                return content.replace(text, "")

        else:
            remove = remove_termination_string  # type: ignore[assignment]
        if remove is not None and isinstance(last.get("content"), str) and last["content"]:
            last["content"] = remove(last["content"])
        if is_termination(self, last):
            logger.warning(
                "WARNING: Last message meets termination criteria and this may terminate the chat. "
                "(Pass remove_termination_string to resume() to strip the termination text.)"
            )

    # ------------------------------------------------------------------ saving

    def messages_to_string(self, messages: list[dict[str, Any]]) -> str:
        """The messages as a JSON string, for saving and a later `resume`."""
        return json.dumps(messages, default=json_default)

    def messages_from_string(self, message_string: str) -> list[dict[str, Any]]:
        """The messages saved by `messages_to_string`."""
        try:
            state = json.loads(message_string)
        except json.JSONDecodeError as e:
            raise Exception(f"The saved messages are not valid JSON: {e}") from e  # noqa: TRY002
        if not isinstance(state, list):
            raise Exception("The saved messages must be a JSON list of message objects.")  # noqa: TRY002, TRY004
        return state
