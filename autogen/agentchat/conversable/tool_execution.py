"""Executing the model's function and tool calls (part of `ConversableAgent`).

One path runs every call, in two-agent chats and in the group tool executor of pattern chats:
`_tool_call_flow` applies the ``safeguard_tool_inputs`` hooks, runs the function (user code, an
effect) and applies the ``safeguard_tool_outputs`` hooks. Bad input from a model — arguments that
are not JSON, not a JSON object, an unknown function, a function that raises — becomes the content
of the answer, so every call is answered and the chat goes on.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from ... import runtime_logging
from ..._effects import Call, Flow, Parallel, run_async, run_sync
from .._messages import repair_json_arguments
from ..agent import Agent
from .events import emit
from .stock import a_run_reply_step, register_stock_flow, run_reply_step

__all__ = ["STRUCTURED_OUTPUT_TOOL", "ToolExecution", "parse_arguments"]

#: The pseudo-tool through which a model returns a structured answer (not a call to run).
STRUCTURED_OUTPUT_TOOL = "__structured_output"


def parse_arguments(raw: Any, func_name: str) -> tuple[dict[str, Any] | None, str | None]:
    """A call's arguments as a dict, or (None, the error to answer the model with)."""
    if raw is None or raw == "" or raw == "{}":  # argument-less tools (e.g. handoffs): no parse needed
        return {}, None
    if isinstance(raw, dict):  # some clients hand over parsed arguments
        return raw, None
    try:
        arguments = json.loads(repair_json_arguments(raw))
    except json.JSONDecodeError as e:
        return None, f"Error: {e}\n The argument must be in JSON format."
    except (ValueError, TypeError, RecursionError) as e:  # e.g. nesting too deep to parse
        return None, f"Error: the arguments of {func_name} could not be parsed ({type(e).__name__}: {e}). The argument must be in JSON format."
    if not isinstance(arguments, dict):
        kind = "null" if arguments is None else type(arguments).__name__
        return None, f"Error: the arguments of {func_name} must be a JSON object, got {kind}."
    return arguments, None


class ToolExecution:
    """execute_function and the function/tool-call replies (part of `ConversableAgent`)."""

    _function_map: dict[str, Callable[..., Any]]
    _oai_messages: dict[Agent, list[dict[str, Any]]]
    hook_lists: dict[str, list[Any]]

    #: ag2's name for the repair of model-written JSON arguments (raw newlines and tabs escaped).
    _format_json_str = staticmethod(repair_json_arguments)

    def _execute_function_flow(self, func_call: dict[str, Any], call_id: str | None, verbose: bool) -> Flow[tuple[bool, dict[str, Any]]]:
        func_name = func_call.get("name", "") or ""
        func = self._function_map.get(func_name)
        success = False
        arguments: dict[str, Any] | None = None
        logged = _ToolCallLog(func_call) if runtime_logging.is_logging else None
        if func is None:
            content: Any = f"Error: Function {func_name} not found."
        else:
            arguments, error = parse_arguments(func_call.get("arguments"), func_name)
            if arguments is None:
                content = error
            else:
                emit("ExecuteFunctionEvent", func_name=func_name, call_id=call_id, arguments=arguments, recipient=self)
                if logged is not None:
                    logged.ran = True
                try:
                    content = yield Call.of_kind("tool", func, None, **arguments)  # user code: sync, or awaited
                    success = True
                except Exception as e:  # the model gets the error and can correct itself
                    content = f"Error: {e}"
                    if logged is not None:
                        logged.error = f"{type(e).__name__}: {e}"
        if logged is not None:
            logged.done(self, func_name, call_id, arguments, content, success)
        emit(
            "ExecutedFunctionEvent",
            func_name=func_name,
            call_id=call_id,
            arguments=arguments,
            content=content,
            recipient=self,
            is_exec_success=success,
        )
        return success, {"name": func_name, "role": "function", "content": content}

    def execute_function(
        self, func_call: dict[str, Any], call_id: str | None = None, verbose: bool = False
    ) -> tuple[bool, dict[str, Any]]:
        """Run one function call; errors become the content of the result, never an exception."""
        return run_sync(self._execute_function_flow(func_call, call_id, verbose))

    async def a_execute_function(
        self, func_call: dict[str, Any], call_id: str | None = None, verbose: bool = False
    ) -> tuple[bool, dict[str, Any]]:
        """Async twin of `execute_function`."""
        return await run_async(self._execute_function_flow(func_call, call_id, verbose))

    # ------------------------------------------------------------------ legacy function calls

    def _function_call_flow(self, messages: list[dict[str, Any]] | None, sender: Agent | None, config: Any) -> Any:
        """The legacy function-call reply step (a result, or a flow when there is a call to run)."""
        if messages is None:
            messages = self._oai_messages[sender]  # type: ignore[index]
        func_call = messages[-1].get("function_call") if messages else None
        if not func_call:
            return False, None
        return self._answer_function_call(func_call)

    def _answer_function_call(self, func_call: dict[str, Any]) -> Flow[tuple[bool, Any]]:
        _, result = yield from self._execute_function_flow(func_call, None, False)
        return True, result

    def generate_function_call_reply(
        self, messages: list[dict[str, Any]] | None = None, sender: Agent | None = None, config: Any | None = None
    ) -> tuple[bool, dict[str, Any] | None]:
        """Answer a legacy ``function_call`` in the last message."""
        return run_reply_step(self._function_call_flow(messages, sender, config))

    async def a_generate_function_call_reply(
        self, messages: list[dict[str, Any]] | None = None, sender: Agent | None = None, config: Any | None = None
    ) -> tuple[bool, dict[str, Any] | None]:
        """Async twin of `generate_function_call_reply`."""
        return await a_run_reply_step(self._function_call_flow(messages, sender, config))

    # ------------------------------------------------------------------ tool calls

    def _tool_call_flow(self, tool_call: dict[str, Any]) -> Flow[tuple[bool, dict[str, Any]]]:
        """Run one tool call through the safeguard hooks; (success, the tool message answering it)."""
        call_id = tool_call.get("id")
        function_call = tool_call.get("function") or {}
        if self.hook_lists["safeguard_tool_inputs"]:
            function_call = self._run_safeguard("safeguard_tool_inputs", dict(function_call), "tool input")  # type: ignore[attr-defined]
        success, result = yield from self._execute_function_flow(function_call, call_id, False)
        if self.hook_lists["safeguard_tool_outputs"]:
            result = self._run_safeguard("safeguard_tool_outputs", result, "tool output")  # type: ignore[attr-defined]
        response = {"tool_call_id": call_id, "role": "tool", "content": result.get("content")}
        if call_id is None:
            del response["tool_call_id"]
        return success, response

    def _tool_calls_reply_flow(self, messages: list[dict[str, Any]] | None, sender: Agent | None, config: Any) -> Any:
        """The tool-call reply step (a result, or a flow when there are calls to run)."""
        if messages is None:
            messages = self._oai_messages[sender]  # type: ignore[index]
        calls = messages[-1].get("tool_calls") if messages else None
        if not calls:
            return False, None
        structured = _structured_output(calls)
        if structured is not None:  # the model's final, structured answer: nothing to run
            return True, structured
        return self._answer_tool_calls(calls)

    def _answer_tool_calls(self, calls: list[dict[str, Any]]) -> Flow[tuple[bool, Any]]:
        if len(calls) == 1:
            results = [(yield from self._tool_call_flow(calls[0]))]
        else:  # independent calls: the async driver runs them concurrently
            results = yield Parallel([self._tool_call_flow(call) for call in calls])
        responses = [response for _, response in results]
        return True, {
            "role": "tool",
            "tool_responses": responses,
            "content": "\n\n".join(str(r["content"]) for r in responses),
        }

    def generate_tool_calls_reply(
        self, messages: list[dict[str, Any]] | None = None, sender: Agent | None = None, config: Any | None = None
    ) -> tuple[bool, dict[str, Any] | None]:
        """Run every tool call of the last message, in order; one tool response per call."""
        return run_reply_step(self._tool_calls_reply_flow(messages, sender, config))

    async def a_generate_tool_calls_reply(
        self, messages: list[dict[str, Any]] | None = None, sender: Agent | None = None, config: Any | None = None
    ) -> tuple[bool, dict[str, Any] | None]:
        """Async twin of `generate_tool_calls_reply`: the calls run concurrently."""
        return await a_run_reply_step(self._tool_calls_reply_flow(messages, sender, config))


class _ToolCallLog:
    """Timing and outcome of one call, kept only while runtime logging is on."""

    __slots__ = ("error", "ran", "raw", "start", "start_ts")

    def __init__(self, func_call: dict[str, Any]) -> None:
        import time

        self.raw = func_call.get("arguments")
        self.ran = False
        self.error: str | None = None
        self.start = time.perf_counter()
        self.start_ts = runtime_logging.get_current_ts()

    def done(self, agent: Any, func_name: str, call_id: str | None, arguments: Any, content: Any, success: bool) -> None:
        import time

        error = self.error
        if not self.ran and error is None:  # not run: unknown function or unusable arguments
            error = str(content)
        runtime_logging.log_tool_call(
            agent,
            func_name,
            call_id,
            arguments if arguments is not None else {"__raw_arguments__": self.raw},
            content,
            is_success=success,
            error=error,
            start_time=self.start_ts,
            duration_ms=(time.perf_counter() - self.start) * 1000.0,
            ran=self.ran,
        )


def _structured_output(calls: list[dict[str, Any]]) -> Any:
    """The arguments of a structured-output pseudo call among ``calls`` (checked before any call
    runs, so no tool runs for an answer that ends the exchange), else None."""
    for call in calls:
        function = call.get("function") or {}
        if function.get("name") == STRUCTURED_OUTPUT_TOOL:
            return function.get("arguments", {})
    return None


register_stock_flow(ToolExecution.generate_tool_calls_reply, ToolExecution.a_generate_tool_calls_reply, "_tool_calls_reply_flow")
register_stock_flow(
    ToolExecution.generate_function_call_reply, ToolExecution.a_generate_function_call_reply, "_function_call_flow"
)
