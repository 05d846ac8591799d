"""`SocietyOfMindAgent` (deprecated in ag2, kept for 0.2 scripts): an agent whose reply is an inner
group chat, answered with a response prepared from that chat's transcript.

The inner chat runs as a step of the agent's reply flow (``yield from`` the chat's own flow), so
it works alike in sync and async chats and does not deepen the stack.
"""

from __future__ import annotations

import copy
import traceback
import warnings
from collections.abc import Callable
from typing import Any, Literal

from ..._effects import Call, Flow
from ..agent import Agent
from ..conversable.chats import chat_flow
from ..conversable.messaging import send_flow
from ..conversable.stock import register_stock_flow
from ..conversable_agent import ConversableAgent
from ..groupchat import GroupChat, GroupChatManager

__all__ = ["SocietyOfMindAgent"]

#: The default prompt turning the inner transcript into the answer, when the agent has an LLM.
DEFAULT_RESPONSE_PROMPT = (
    "Write the final answer to the original request as a standalone reply, without referring to the "
    "discussion that led to it."
)
_TRANSCRIPT_INTRO = "You were asked to fulfil a request, and worked on it with your team. This is the transcript of that work:"


def _last_message_preparer(agent: SocietyOfMindAgent, messages: list[dict[str, Any]]) -> str:
    """Without an LLM: the inner chat's last message, without its TERMINATE marker."""
    return str(messages[-1].get("content") or "").replace("TERMINATE", "").strip()


class SocietyOfMindAgent(ConversableAgent):
    """Runs a group chat as its inner monologue and replies with what ``response_preparer`` makes of it.

    Args:
        name: the agent's name.
        chat_manager: the manager of the inner group chat.
        response_preparer: ``f(agent, messages) -> str`` over the inner chat's messages, or a prompt
            (str) for the agent's LLM to write the answer from the transcript. Default: a prompt of
            this module when the agent has an LLM, else the inner chat's last message.

    The other arguments are `ConversableAgent`'s (``human_input_mode`` defaults to "TERMINATE",
    ``llm_config`` to False, ``code_execution_config`` to False).
    """

    def __init__(
        self,
        name: str,
        chat_manager: GroupChatManager,
        response_preparer: str | Callable[..., Any] | None = None,
        is_termination_msg: Callable[[dict[str, Any]], bool] | None = None,
        max_consecutive_auto_reply: int | None = None,
        human_input_mode: Literal["ALWAYS", "NEVER", "TERMINATE"] = "TERMINATE",
        function_map: dict[str, Callable[..., Any]] | None = None,
        code_execution_config: dict[str, Any] | Literal[False] = False,
        llm_config: Any = False,
        default_auto_reply: str | dict[str, Any] | None = "",
        **kwargs: Any,
    ) -> None:
        warnings.warn(
            "SocietyOfMindAgent is deprecated and will be removed in v0.14; use group chat patterns for "
            "multi-agent orchestration instead.",
            DeprecationWarning,
            stacklevel=2,
        )
        super().__init__(
            name=name,
            system_message="",
            is_termination_msg=is_termination_msg,
            max_consecutive_auto_reply=max_consecutive_auto_reply,
            human_input_mode=human_input_mode,
            function_map=function_map,
            code_execution_config=code_execution_config,
            llm_config=llm_config,
            default_auto_reply=default_auto_reply,
            **kwargs,
        )
        self.update_chat_manager(chat_manager)
        if response_preparer is None:
            response_preparer = DEFAULT_RESPONSE_PROMPT if self.client is not None else _last_message_preparer
        self.response_preparer: Callable[..., Any]
        # A prompt is answered inside the reply flow (the model call is a step of it, async in async chats).
        self._prompt_preparer: tuple[str, Callable[..., Any]] | None = None
        if isinstance(response_preparer, str):
            prompt = response_preparer
            self.response_preparer = lambda agent, messages: agent._llm_response_preparer(prompt, messages)
            self._prompt_preparer = (prompt, self.response_preparer)
        else:
            self.response_preparer = response_preparer
        # The inner monologue replaces the LLM reply; code, function calls and termination stay.
        self._reply_func_list = []
        self.register_reply([Agent, None], SocietyOfMindAgent.generate_inner_monologue_reply)
        self.register_reply([Agent, None], ConversableAgent.generate_code_execution_reply)
        self.register_reply([Agent, None], ConversableAgent.generate_function_call_reply)
        self.register_reply([Agent, None], ConversableAgent.check_termination_and_human_reply)

    @property
    def chat_manager(self) -> GroupChatManager | None:
        """The manager of the inner group chat."""
        return self._chat_manager

    def update_chat_manager(self, chat_manager: GroupChatManager | None) -> None:
        """Run the inner monologue with ``chat_manager`` (None: no inner chat; the agent falls back
        to its other reply functions)."""
        self._chat_manager = chat_manager
        self._group_chat: GroupChat | None = getattr(chat_manager, "groupchat", None) if chat_manager is not None else None

    # ------------------------------------------------------------------ preparing the answer

    def _transcript_request(self, prompt: str, messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The request asking the LLM for the answer: the inner transcript as user turns, then ``prompt``."""
        request: list[dict[str, Any]] = [{"role": "system", "content": _TRANSCRIPT_INTRO}]
        for message in messages:
            message = copy.deepcopy(message)
            message["role"] = "user"
            message.setdefault("content", "")
            message.pop("tool_calls", None)
            message.pop("tool_responses", None)
            call = message.pop("function_call", None)
            if call and not message["content"]:
                message["content"] = f"{call.get('name', '')}({call.get('arguments', '')})"
            if message["content"] is None:
                message["content"] = ""
            request.append(message)
        request.append({"role": "system", "content": prompt})
        return request

    def _llm_answer_flow(self, prompt: str, messages: list[dict[str, Any]]) -> Flow[str]:
        answer = yield from self._llm_flow(self.client, self._transcript_request(prompt, messages), None, self.client_cache)
        if answer is None or isinstance(answer, str):
            return answer or ""
        return str(answer)

    def _llm_response_preparer(self, prompt: str, messages: list[dict[str, Any]]) -> str:
        """The answer the agent's LLM writes from the inner transcript, asked with ``prompt``."""
        from ..._effects import run_sync

        return run_sync(self._llm_answer_flow(prompt, messages))

    # ------------------------------------------------------------------ the reply

    def _inner_monologue_flow(self, messages: list[dict[str, Any]] | None, sender: Agent | None, config: Any) -> Flow[tuple[bool, Any]]:
        manager, groupchat = self.chat_manager, self._group_chat
        if manager is None or groupchat is None:
            return False, None
        if messages is None:
            messages = self._oai_messages[sender]
        manager.reset()
        # Every inner agent starts from the outer conversation so far (all but its last message).
        for agent in groupchat.agents:
            agent.reset()
            for message in messages[:-1]:
                attributed = dict(message)
                if "name" not in attributed:
                    attributed["name"] = self.name if attributed.get("role") == "assistant" else getattr(sender, "name", None)
                yield from send_flow(manager, attributed, agent, False, True)
        try:
            yield from chat_flow(self, manager, message=messages[-1], clear_history=False)
        except Exception:  # noqa: BLE001 - as the original: the answer is made from whatever was said
            traceback.print_exc()
        if self._prompt_preparer is not None and self.response_preparer is self._prompt_preparer[1]:
            answer = yield from self._llm_answer_flow(self._prompt_preparer[0], groupchat.messages)
        else:
            answer = yield Call(self.response_preparer, None, self, groupchat.messages)
        return True, answer

    def generate_inner_monologue_reply(
        self, messages: list[dict[str, Any]] | None = None, sender: Agent | None = None, config: Any = None
    ) -> tuple[bool, str | dict[str, Any] | None]:
        """Run the inner group chat on the latest message and reply with the prepared answer."""
        from ..conversable.stock import run_reply_step

        return run_reply_step(self._inner_monologue_flow(messages, sender, config))

    async def a_generate_inner_monologue_reply(
        self, messages: list[dict[str, Any]] | None = None, sender: Agent | None = None, config: Any = None
    ) -> tuple[bool, str | dict[str, Any] | None]:
        """Async twin of `generate_inner_monologue_reply`."""
        from ..conversable.stock import a_run_reply_step

        return await a_run_reply_step(self._inner_monologue_flow(messages, sender, config))


register_stock_flow(
    SocietyOfMindAgent.generate_inner_monologue_reply, SocietyOfMindAgent.a_generate_inner_monologue_reply, "_inner_monologue_flow"
)
