"""`run`, `a_run` and `run_iter`: a chat in the background with an event stream (part of `ConversableAgent`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..._effects import Flow, run_async, run_sync
from ..chat import ChatResult
from .chats import DEFAULT_SUMMARY_METHOD, chat_flow

if TYPE_CHECKING:
    from ...tools.tool import Tool
    from ..conversable_agent import ConversableAgent

__all__ = ["Runs"]


class Runs:
    """run / a_run / run_iter (part of `ConversableAgent`)."""

    run_executor: Any
    _tools: list[Any]

    def _run_plan(
        self,
        recipient: ConversableAgent | None,
        tools: Any,
        executor_kwargs: dict[str, Any] | None,
        user_input: bool,
        msg_to: str,
    ) -> tuple[ConversableAgent, ConversableAgent, list[Tool]]:
        """Who initiates and who receives, plus tools added to this agent's LLM for the run only."""
        if recipient is not None:
            return self, recipient, []
        from ...tools.tool import Tool

        extra = [t if isinstance(t, Tool) else Tool(func_or_tool=t) for t in (tools or [])]
        if self.run_executor is None:
            from ..conversable_agent import ConversableAgent

            self.run_executor = ConversableAgent(
                name="user",
                human_input_mode="ALWAYS" if user_input else "NEVER",
                is_termination_msg=lambda m: "TERMINATE" in str(m.get("content") or ""),
                **(executor_kwargs or {}),
            )
        executor = self.run_executor
        for tool in [*self._tools, *extra]:
            executor.register_for_execution(serialize=True, silent_override=True)(tool)
        added = [t for t in extra if t.name not in {x.name for x in self._tools}]
        for tool in added:
            self._register_tool_for_llm(tool, silent_override=True)
        if msg_to == "agent":
            return executor, self, added
        if msg_to == "user":
            return self, executor, added
        raise ValueError("msg_to must be 'agent' or 'user'.")

    @staticmethod
    def _run_result(initiator: ConversableAgent, receiver: ConversableAgent, result: ChatResult) -> dict[str, Any]:
        history = result.chat_history
        last_speaker = None
        if history:
            last = history[-1]
            last_speaker = last.get("name") or (initiator.name if last.get("role") == "assistant" else receiver.name)
        return {
            "summary": result.summary,
            "history": history,
            "cost": result.cost,
            "last_speaker": last_speaker,
            "context_variables": initiator.context_variables,
        }

    def _run_flow(
        self, initiator: ConversableAgent, receiver: ConversableAgent, added: list[Tool], chat_kwargs: dict[str, Any]
    ) -> Flow[dict[str, Any]]:
        try:
            result = yield from chat_flow(initiator, receiver, **chat_kwargs)
        finally:
            for tool in added:  # tools given to run() were offered for this run only
                self.remove_tool_for_llm(tool)
        return self._run_result(initiator, receiver, result)

    def run(
        self,
        recipient: ConversableAgent | None = None,
        clear_history: bool = True,
        silent: bool | None = False,
        cache: Any = None,
        max_turns: int | None = None,
        summary_method: str | Callable[..., Any] | None = DEFAULT_SUMMARY_METHOD,
        summary_args: dict[str, Any] | None = {},
        message: dict[str, Any] | str | Callable[..., Any] | None = None,
        executor_kwargs: dict[str, Any] | None = None,
        tools: Any = None,
        user_input: bool = False,
        msg_to: str = "agent",
        **kwargs: Any,
    ) -> Any:
        """Run a chat in a background thread; returns a `RunResponse` whose events you iterate
        (or `process()`), answering input requests with ``event.content.respond(text)``."""
        from ...io.run_response import RunResponse

        initiator, receiver, added = self._run_plan(recipient, tools, executor_kwargs, user_input, msg_to)
        chat_kwargs = dict(
            kwargs, clear_history=clear_history, silent=silent, cache=cache, max_turns=max_turns,
            summary_method=summary_method, summary_args=summary_args, message=message,
        )  # fmt: skip
        return RunResponse.start(
            lambda: run_sync(self._run_flow(initiator, receiver, added, chat_kwargs)), agents=[initiator, receiver]
        )

    async def a_run(
        self,
        recipient: ConversableAgent | None = None,
        clear_history: bool = True,
        silent: bool | None = False,
        cache: Any = None,
        max_turns: int | None = None,
        summary_method: str | Callable[..., Any] | None = DEFAULT_SUMMARY_METHOD,
        summary_args: dict[str, Any] | None = {},
        message: dict[str, Any] | str | Callable[..., Any] | None = None,
        executor_kwargs: dict[str, Any] | None = None,
        tools: Any = None,
        user_input: bool = False,
        msg_to: str = "agent",
        **kwargs: Any,
    ) -> Any:
        """Async twin of `run`: the chat runs as a task; returns an `AsyncRunResponse`."""
        from ...io.run_response import AsyncRunResponse

        initiator, receiver, added = self._run_plan(recipient, tools, executor_kwargs, user_input, msg_to)
        chat_kwargs = dict(
            kwargs, clear_history=clear_history, silent=silent, cache=cache, max_turns=max_turns,
            summary_method=summary_method, summary_args=summary_args, message=message,
        )  # fmt: skip
        return AsyncRunResponse.start(
            lambda: run_async(self._run_flow(initiator, receiver, added, chat_kwargs)), agents=[initiator, receiver]
        )

    def run_iter(self, recipient: ConversableAgent | None = None, *, yield_on: Any = None, **kwargs: Any) -> Any:
        """Stepped `run`: the chat advances only as you iterate its events."""
        from ...io.run_response import RunIterResponse

        tools = kwargs.pop("tools", None)
        executor_kwargs = kwargs.pop("executor_kwargs", None)
        user_input = kwargs.pop("user_input", False)
        msg_to = kwargs.pop("msg_to", "agent")
        initiator, receiver, added = self._run_plan(recipient, tools, executor_kwargs, user_input, msg_to)
        return RunIterResponse(
            lambda: run_sync(self._run_flow(initiator, receiver, added, kwargs)), agents=[initiator, receiver], yield_on=yield_on
        )
