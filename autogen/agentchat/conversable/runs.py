"""`run`, `a_run`, `run_iter`, `a_run_iter` and `sequential_run`: chats in the background with an
event stream (part of `ConversableAgent`)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from ..._effects import Flow, run_async, run_sync
from ..chat import ChatResult
from ..utils import consolidate_chat_info
from .chats import DEFAULT_SUMMARY_METHOD, chat_flow

if TYPE_CHECKING:
    from ...tools.tool import Tool
    from ..conversable_agent import ConversableAgent

__all__ = ["Runs"]


class Runs:
    """run / a_run / run_iter / a_run_iter / sequential_run (part of `ConversableAgent`)."""

    run_executor: Any
    _tools: list[Any]
    _finished_chats: list[ChatResult]

    @contextmanager
    def _create_or_get_executor(
        self,
        executor_kwargs: dict[str, Any] | None = None,
        tools: Tool | Iterable[Tool] | None = None,
        agent_name: str = "executor",
        agent_human_input_mode: str = "NEVER",
    ) -> Iterator[ConversableAgent]:
        """The agent that stands in for the user when `run` has no recipient (``run_executor``,
        made on first use from ``executor_kwargs``; its default ``is_termination_msg`` looks for
        "TERMINATE" anywhere in the content). It can run this agent's tools and ``tools``; those of
        ``tools`` the LLM was not offered yet are offered for the duration of the block only."""
        from ..conversable_agent import ConversableAgent

        if self.run_executor is None:
            kwargs = dict(executor_kwargs or {})
            kwargs.setdefault("is_termination_msg", _mentions_terminate)
            self.run_executor = ConversableAgent(name=agent_name, human_input_mode=agent_human_input_mode, **kwargs)
        executor = self.run_executor
        passed = _as_tools(tools)
        for tool in [*self._tools, *(t for t in passed if t not in self._tools)]:
            executor.register_for_execution(silent_override=True)(tool)
        offered = {t["function"]["name"] for t in ((self.llm_config or {}).get("tools") or []) if isinstance(t, dict) and isinstance(t.get("function"), dict)}  # type: ignore[attr-defined]
        added: list[Tool] = []
        try:
            for tool in passed:
                if tool.name not in offered:
                    self._register_tool_for_llm(tool, silent_override=True)  # type: ignore[attr-defined]
                    offered.add(tool.name)
                    added.append(tool)
            yield executor
        finally:
            for tool in added:  # withdrawn again (ag2 leaves them in `agent.tools`)
                self.remove_tool_for_llm(tool)  # type: ignore[attr-defined]

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
        self, recipient: ConversableAgent | None, executor_plan: dict[str, Any], msg_to: str, chat_kwargs: dict[str, Any]
    ) -> Flow[dict[str, Any]]:
        """The chat of a run, with ``recipient`` or else with the run's executor agent."""
        if recipient is not None:
            result = yield from chat_flow(self, recipient, **chat_kwargs)
            return self._run_result(self, recipient, result)  # type: ignore[arg-type]
        with self._create_or_get_executor(**executor_plan) as executor:
            initiator, receiver = (executor, self) if msg_to == "agent" else (self, executor)
            result = yield from chat_flow(initiator, receiver, **chat_kwargs)
        return self._run_result(initiator, receiver, result)  # type: ignore[arg-type]

    @staticmethod
    def _executor_plan(recipient: Any, msg_to: str | None, executor_kwargs: dict[str, Any] | None, tools: Any, user_input: bool | None) -> dict[str, Any]:
        if recipient is None and msg_to not in ("agent", "user"):
            raise ValueError("msg_to must be 'agent' or 'user'.")
        return {
            "executor_kwargs": executor_kwargs, "tools": tools, "agent_name": "user",
            "agent_human_input_mode": "ALWAYS" if user_input else "NEVER",
        }  # fmt: skip

    def _run_flow_maker(
        self,
        recipient: ConversableAgent | None,
        msg_to: str,
        executor_kwargs: dict[str, Any] | None,
        tools: Any,
        user_input: bool,
        kwargs: dict[str, Any],
        **chat_options: Any,
    ) -> Callable[[], Flow[Any]]:
        """What `run`, `a_run`, `run_iter` and `a_run_iter` share: the executor plan (checked now)
        and a maker of the chat's flow (run later, by whichever driver the caller picks)."""
        plan = self._executor_plan(recipient, msg_to, executor_kwargs, tools, user_input)
        chat_kwargs = dict(kwargs, **chat_options)
        return lambda: self._run_flow(recipient, plan, msg_to, chat_kwargs)

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

        flow = self._run_flow_maker(
            recipient, msg_to, executor_kwargs, tools, user_input, kwargs, clear_history=clear_history,
            silent=silent, cache=cache, max_turns=max_turns, summary_method=summary_method,
            summary_args=summary_args, message=message,
        )  # fmt: skip
        return RunResponse.start(
            lambda: run_sync(flow()), agents=_run_agents(self, recipient)
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

        flow = self._run_flow_maker(
            recipient, msg_to, executor_kwargs, tools, user_input, kwargs, clear_history=clear_history,
            silent=silent, cache=cache, max_turns=max_turns, summary_method=summary_method,
            summary_args=summary_args, message=message,
        )  # fmt: skip
        return AsyncRunResponse.start(
            lambda: run_async(flow()), agents=_run_agents(self, recipient)
        )

    def run_iter(
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
        yield_on: Sequence[type] | None = None,
        **kwargs: Any,
    ) -> Any:
        """Stepped `run`: the chat (in a worker thread, started on the first step) advances only
        as you iterate its events; only events of the ``yield_on`` types are yielded (all when
        None), input requests always. Results are on the response once iteration ended."""
        from ...io.run_response import RunIterResponse

        flow = self._run_flow_maker(
            recipient, msg_to, executor_kwargs, tools, user_input, kwargs, clear_history=clear_history,
            silent=silent, cache=cache, max_turns=max_turns, summary_method=summary_method,
            summary_args=summary_args, message=message,
        )  # fmt: skip
        return RunIterResponse(
            lambda: run_sync(flow()),
            agents=_run_agents(self, recipient),
            yield_on=yield_on,
        )

    def a_run_iter(
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
        yield_on: Sequence[type] | None = None,
        **kwargs: Any,
    ) -> Any:
        """`run_iter` for ``async for``: the chat runs as an async chat (async reply functions and
        tools are awaited) on its own event loop in a worker thread, started on the first step;
        waiting for the next event never blocks the caller's loop. (A plain method, as in ag2:
        ``async for event in agent.a_run_iter(...)``.)"""
        from ...io.run_response import AsyncRunIterResponse

        flow = self._run_flow_maker(
            recipient, msg_to, executor_kwargs, tools, user_input, kwargs, clear_history=clear_history,
            silent=silent, cache=cache, max_turns=max_turns, summary_method=summary_method,
            summary_args=summary_args, message=message,
        )  # fmt: skip
        return AsyncRunIterResponse(
            lambda: asyncio.run(run_async(flow())),
            agents=_run_agents(self, recipient),
            yield_on=yield_on,
        )

    # ------------------------------------------------------------------ sequences of chats

    def _sequence_flow(self, chat_queue: list[dict[str, Any]], streams: list[Any]) -> Flow[None]:
        """`initiate_chats` with one IO stream per chat: each chat runs with its stream as the
        default and ends it with the chat's ``RunCompletionEvent``."""
        from ...io.base import IOStream
        from ...io.run_response import completion_event
        from ..chat import _add_carryover, _chat_kwargs, _emit_carryover, _validate_recipients

        consolidate_chat_info(chat_queue)
        _validate_recipients(chat_queue)
        finished: list[ChatResult] = []
        for chat_info, stream in zip(chat_queue, streams):
            with IOStream.set_default(stream):
                excluded = set(chat_info.get("finished_chat_indexes_to_exclude_from_carryover", []))
                _add_carryover(chat_info, [r.summary for i, r in enumerate(finished) if i not in excluded])
                _emit_carryover(chat_info)
                sender = chat_info["sender"]
                result = yield from chat_flow(sender, **_chat_kwargs(chat_info))
                stream.send(completion_event(self._run_result(sender, chat_info["recipient"], result)))
            finished.append(result)
        self._finished_chats = finished

    def _sequence_agents(self, chat_queue: list[dict[str, Any]]) -> list[list[Any]]:
        self._check_chat_queue_for_sender(chat_queue)  # type: ignore[attr-defined]
        return [[chat["sender"], *([chat["recipient"]] if chat.get("recipient") is not None else [])] for chat in chat_queue]

    def sequential_run(self, chat_queue: list[dict[str, Any]]) -> list[Any]:
        """`initiate_chats` as a run: the chats run one after another in a background thread (each
        with the summaries of the earlier ones as carryover) and each has its own `RunResponse`,
        in queue order; consume them in that order (``for r in responses: r.process()``)."""
        from ...io.run_response import RunResponse

        agents = self._sequence_agents(chat_queue)
        return RunResponse.start_sequence(lambda streams: run_sync(self._sequence_flow(chat_queue, streams)), agents)

    async def a_sequential_run(self, chat_queue: list[dict[str, Any]]) -> list[Any]:
        """Async twin of `sequential_run`: the chats run in order (``prerequisites`` are not used)
        as one task; returns one `AsyncRunResponse` per chat."""
        from ...io.run_response import AsyncRunResponse

        agents = self._sequence_agents(chat_queue)
        return AsyncRunResponse.start_sequence(lambda streams: run_async(self._sequence_flow(chat_queue, streams)), agents)


def _run_agents(agent: Any, recipient: Any) -> list[Any]:
    return [agent, recipient] if recipient is not None else [agent]


def _as_tools(tools: Any) -> list[Tool]:
    from ...tools.tool import Tool

    if tools is None:
        return []
    if isinstance(tools, Tool) or callable(tools):
        tools = [tools]
    return [t if isinstance(t, Tool) else Tool(func_or_tool=t) for t in tools]


def _mentions_terminate(message: dict[str, Any]) -> bool:
    """The run executor's default termination test: "TERMINATE" anywhere in the content."""
    content = message.get("content")
    if content is None or isinstance(content, str):
        return "TERMINATE" in (content or "")
    if isinstance(content, list):
        from ...code_utils import content_str

        try:
            return "TERMINATE" in content_str(content)
        except (TypeError, ValueError):
            pass
    return "TERMINATE" in str(content)
