"""`LLamaIndexConversableAgent`: a ConversableAgent whose replies come from a llama-index agent.

llama-index (extra ``neo4j``, as in ag2) is imported when the agent is built, never at module import.
"""

from __future__ import annotations

import logging
from typing import Any

from ..._effects import run_coroutine_sync
from ...import_utils import optional_import
from ...oai.client import OpenAIWrapper
from ..agent import Agent
from ..conversable_agent import ConversableAgent

__all__ = ["LLamaIndexConversableAgent"]

logger = logging.getLogger(__name__)

_EXTRA = "neo4j"


class LLamaIndexConversableAgent(ConversableAgent):
    """Replies by handing the last message, with the earlier user/assistant turns as history, to a llama-index
    agent: a legacy ``AgentRunner`` (``chat`` / ``achat`` returning an object with ``.response``) or a
    workflow agent of llama-index 0.13+ (``FunctionAgent``, ``ReActAgent``, ``CodeActAgent``: an awaitable
    ``run(user_msg=..., chat_history=...)`` whose result carries ``.response``).

    Args:
        name: the agent's name.
        llama_index_agent: the llama-index agent that writes the replies.
        description: what the agent does (required: group chat managers choose speakers by it).
        **kwargs: passed to `ConversableAgent`.
    """

    def __init__(self, name: str, llama_index_agent: Any, description: str | None = None, **kwargs: Any) -> None:
        optional_import("llama_index.core", _EXTRA, feature="LLamaIndexConversableAgent")
        if llama_index_agent is None:
            raise ValueError("llama_index_agent must be provided")
        if not description or not description.strip():
            raise ValueError("description must be provided")
        super().__init__(name, description=description, **kwargs)
        self._llama_index_agent = llama_index_agent
        self.replace_reply_func(ConversableAgent.generate_oai_reply, LLamaIndexConversableAgent._generate_oai_reply)
        self.replace_reply_func(ConversableAgent.a_generate_oai_reply, LLamaIndexConversableAgent._a_generate_oai_reply)

    def _generate_oai_reply(
        self,
        messages: list[dict[str, Any]] | None = None,
        sender: Agent | None = None,
        config: OpenAIWrapper | None = None,
    ) -> tuple[bool, str | dict[str, Any] | None]:
        """The llama-index agent's reply; a workflow agent's async ``run`` is driven to completion here."""
        user_message, history = self._extract_message_and_history(messages=messages, sender=sender)
        if hasattr(self._llama_index_agent, "chat"):
            return True, self._llama_index_agent.chat(message=user_message, chat_history=history).response
        return True, run_coroutine_sync(self._run_workflow_agent(user_message, history))

    async def _a_generate_oai_reply(
        self,
        messages: list[dict[str, Any]] | None = None,
        sender: Agent | None = None,
        config: OpenAIWrapper | None = None,
    ) -> tuple[bool, str | dict[str, Any] | None]:
        """The async twin of `_generate_oai_reply`."""
        user_message, history = self._extract_message_and_history(messages=messages, sender=sender)
        if hasattr(self._llama_index_agent, "achat"):
            response = await self._llama_index_agent.achat(message=user_message, chat_history=history)
            return True, response.response
        return True, await self._run_workflow_agent(user_message, history)

    async def _run_workflow_agent(self, user_message: str, history: list[Any]) -> str:
        """One turn of a workflow agent: the text of its result's ``response`` (a ChatMessage's ``content``
        when it has one), else the result as a string."""
        result = await self._llama_index_agent.run(user_msg=user_message, chat_history=history)
        response = getattr(result, "response", None)
        if response is None:
            return str(result)
        content = getattr(response, "content", None)
        return str(content) if content is not None else str(response)

    def _extract_message_and_history(
        self, messages: list[dict[str, Any]] | None = None, sender: Agent | None = None
    ) -> tuple[str, list[Any]]:
        """The last message's content and the earlier user/assistant turns as llama-index ChatMessages
        (``messages`` defaults to the conversation with ``sender``)."""
        if not messages:
            messages = self._oai_messages[sender]
        if not messages:
            return "", []
        types = optional_import("llama_index.core.base.llms.types", _EXTRA, feature="LLamaIndexConversableAgent")
        history = []
        for m in messages[:-1]:
            role = m.get("role", "user")  # a message without a role counts as the user's
            if role in ("user", "assistant"):
                history.append(types.ChatMessage(content=m.get("content", ""), role=role, additional_kwargs={}))
        return messages[-1].get("content", ""), history
