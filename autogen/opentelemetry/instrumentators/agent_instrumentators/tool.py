"""``execute_tool`` spans: one per function or tool call an agent runs."""

from __future__ import annotations

import json
from typing import Any

from opentelemetry.trace import Tracer

from ...consts import SpanType
from ...utils import agent_attributes, is_wrapped, mark_wrapped, traced_call, traced_flow

__all__ = ["instrument_execute_function"]


def _tool_attributes(agent: Any, func_call: dict[str, Any], call_id: str | None) -> dict[str, Any]:
    name = func_call.get("name", "") or ""
    attrs = agent_attributes(SpanType.TOOL.value, "execute_tool", getattr(agent, "name", None))
    attrs["gen_ai.tool.name"] = name
    attrs["gen_ai.tool.type"] = "function"
    if call_id:
        attrs["gen_ai.tool.call.id"] = call_id
    arguments = func_call.get("arguments", "{}")
    attrs["gen_ai.tool.call.arguments"] = (
        arguments if isinstance(arguments, str) else json.dumps(arguments, default=str)
    )
    return attrs


def _record_result(span: Any, outcome: Any) -> None:
    success, result = outcome
    if success:
        content = result.get("content", "") if isinstance(result, dict) else result
        span.set_attribute("gen_ai.tool.call.result", str(content))
    else:
        span.set_attribute("error.type", "ExecutionError")


def _call_parts(args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[dict[str, Any], str | None]:
    func_call = args[0] if args else kwargs.get("func_call", {})
    call_id = args[1] if len(args) > 1 else kwargs.get("call_id")
    return func_call, call_id


def instrument_execute_function(agent: Any, *, tracer: Tracer) -> Any:
    """Make every function/tool call ``agent`` runs an ``execute_tool {function}`` span with the
    call's id, arguments and result (``error.type`` "ExecutionError" when the call failed).

    Agents of this library run calls through one step (``_execute_function_flow``: tool calls,
    legacy function calls, ``execute_function``); that step is wrapped, so parallel calls of an
    async chat each get their span in their own task. Other agents get ``execute_function`` /
    ``a_execute_function`` wrapped."""
    flow_step = getattr(agent, "_execute_function_flow", None)
    if flow_step is not None:
        if not is_wrapped(flow_step):

            def execute_function_flow(func_call: dict[str, Any], call_id: str | None, verbose: bool) -> Any:
                name = f"execute_tool {func_call.get('name', '') or ''}"
                attributes = _tool_attributes(agent, func_call, call_id)
                return traced_flow(tracer, name, attributes, flow_step(func_call, call_id, verbose), _record_result)

            agent._execute_function_flow = mark_wrapped(execute_function_flow)
        # The public methods go through the step: mark them as instrumented (no second span).
        for method in ("execute_function", "a_execute_function"):
            old = getattr(agent, method, None)
            if old is not None and not is_wrapped(old):
                setattr(agent, method, mark_wrapped(_forward(old)))
        return agent

    def name(args: tuple[Any, ...], kwargs: dict[str, Any]) -> str:
        return f"execute_tool {_call_parts(args, kwargs)[0].get('name', '') or ''}"

    def attributes(args: tuple[Any, ...], kwargs: dict[str, Any]) -> dict[str, Any]:
        return _tool_attributes(agent, *_call_parts(args, kwargs))

    def finish(span: Any, outcome: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        _record_result(span, outcome)

    for method, is_async in (("a_execute_function", True), ("execute_function", False)):
        old = getattr(agent, method, None)
        if old is not None and not is_wrapped(old):
            wrapper = traced_call(tracer, old, is_async=is_async, name=name, attributes=attributes, finish=finish)
            setattr(agent, method, wrapper)
    return agent


def _forward(method: Any) -> Any:
    def forward(*args: Any, **kwargs: Any) -> Any:
        return method(*args, **kwargs)

    forward.__name__ = getattr(method, "__name__", "forward")
    forward.__doc__ = getattr(method, "__doc__", None)
    return forward
