"""``execute_code`` spans (the code executor's reply step) and instrumentation of the executor
agent that ``run`` makes for an agent."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from opentelemetry.trace import Tracer

from ...consts import SpanType
from ...utils import agent_attributes, is_wrapped, mark_wrapped

__all__ = ["instrument_code_execution", "instrument_create_or_get_executor"]

#: The code-execution reply functions (by name) whose entries in ``_reply_func_list`` get a span.
_CODE_REPLY_NAMES = ("_generate_code_execution_reply_using_executor",)
_MAX_OUTPUT = 4096


def _record_execution(span: Any, result: Any) -> None:
    """Exit code and output from a reply of the form "exitcode: N (status)\\nCode output: ..."."""
    if not isinstance(result, str) or not result.startswith("exitcode:"):
        return
    head, _, rest = result.partition("\n")
    try:
        exit_code = int(head[len("exitcode:") :].split("(", 1)[0].strip())
    except ValueError:
        exit_code = None
    if exit_code is not None:
        span.set_attribute("ag2.code_execution.exit_code", exit_code)
        if exit_code != 0:
            span.set_attribute("error.type", "CodeExecutionError")
    if rest:
        output = rest.removeprefix("Code output: ").strip()
        if len(output) > _MAX_OUTPUT:
            output = output[:_MAX_OUTPUT] + "... (truncated)"
        span.set_attribute("ag2.code_execution.output", output)


def instrument_code_execution(agent: Any, *, tracer: Tracer) -> Any:
    """Give the code executor's reply step of ``agent`` an ``execute_code {agent}`` span (exit code,
    output truncated to 4 KiB, ``error.type`` "CodeExecutionError" for a non-zero exit code).

    The step is a registered reply function, so its entry in ``_reply_func_list`` is replaced."""
    entries = getattr(agent, "_reply_func_list", None)
    if not entries:
        return agent
    for entry in entries:
        original = entry.get("reply_func")
        if getattr(original, "__name__", None) not in _CODE_REPLY_NAMES or is_wrapped(original):
            continue

        def generate_code_execution_reply_traced(
            self_agent: Any,
            messages: list[dict[str, Any]] | None = None,
            sender: Any = None,
            config: Any = None,
            _original: Any = original,
        ) -> tuple[bool, str | None]:
            if self_agent._code_execution_config is False:
                return False, None
            attributes = agent_attributes(SpanType.CODE_EXECUTION.value, "execute_code", self_agent.name)
            with tracer.start_as_current_span(f"execute_code {self_agent.name}", attributes=attributes) as span:
                final, result = _original(self_agent, messages, sender, config)
                if final:
                    _record_execution(span, result)
                return final, result

        entry["reply_func"] = mark_wrapped(generate_code_execution_reply_traced)
        break
    return agent


def instrument_create_or_get_executor(agent: Any, *, instrumentator: Callable[[Any], Any]) -> Any:
    """Instrument (with ``instrumentator``) the executor agent ``agent.run`` chats with."""
    old = getattr(agent, "_create_or_get_executor", None)
    if old is None or is_wrapped(old):
        return agent

    @contextmanager
    def create_or_get_executor_traced(*args: Any, **kwargs: Any) -> Iterator[Any]:
        with old(*args, **kwargs) as executor:
            instrumentator(executor)
            yield executor

    agent._create_or_get_executor = mark_wrapped(create_or_get_executor_traced)
    return agent
