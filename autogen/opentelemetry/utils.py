"""Conversions to the OpenTelemetry GenAI conventions (messages, usage, provider names) and the
span-making helpers the instrumentators share."""

from __future__ import annotations

import json
from collections.abc import Callable, Generator
from typing import Any

from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.trace import SpanKind, Status, StatusCode
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

__all__ = [
    "API_TYPE_TO_PROVIDER",
    "TRACE_PROPAGATOR",
    "aggregate_usage",
    "get_model_from_config_list",
    "get_model_name",
    "get_provider_from_config_list",
    "get_provider_name",
    "message_to_otel",
    "messages_to_otel",
    "reply_to_otel_message",
    "set_llm_request_params",
]

#: W3C trace-context propagator (``traceparent`` headers) used across process boundaries.
TRACE_PROPAGATOR = TraceContextTextMapPropagator()

# ---------------------------------------------------------------------------------------- messages


def _parsed_arguments(arguments: Any) -> Any:
    if isinstance(arguments, str):
        try:
            return json.loads(arguments)
        except ValueError:
            return arguments
    return arguments


def message_to_otel(message: dict[str, Any]) -> dict[str, Any]:
    """One AG2 (OpenAI-style) message as a GenAI-convention message: ``{"role", "parts"}`` where a
    part is text, a tool call (arguments parsed from JSON when they are JSON) or a tool call
    response; multimodal content parts other than strings are kept as they are."""
    role = message.get("role", "user")
    parts: list[dict[str, Any]] = []
    tool_calls = message.get("tool_calls")
    content = message.get("content")
    if tool_calls:
        for call in tool_calls:
            function = call.get("function") or {}
            parts.append(
                {
                    "type": "tool_call",
                    "id": call.get("id", ""),
                    "name": function.get("name", ""),
                    "arguments": _parsed_arguments(function.get("arguments", "{}")),
                }
            )
    elif role == "tool" and "tool_call_id" in message:
        parts.append({"type": "tool_call_response", "id": message.get("tool_call_id", ""), "response": content or ""})
    elif isinstance(content, str) and content:
        parts.append({"type": "text", "content": content})
    elif isinstance(content, list):
        for item in content:
            if isinstance(item, str):
                parts.append({"type": "text", "content": item})
            elif isinstance(item, dict):
                parts.append(item)
    return {"role": role, "parts": parts}


def messages_to_otel(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """`message_to_otel` of each message."""
    return [message_to_otel(m) for m in messages]


def reply_to_otel_message(reply: str | dict[str, Any] | None) -> list[dict[str, Any]]:
    """An agent's reply as the list of GenAI output messages ([] for no reply)."""
    if isinstance(reply, str):
        return [{"role": "assistant", "parts": [{"type": "text", "content": reply}], "finish_reason": "stop"}]
    if isinstance(reply, dict):
        return [message_to_otel({"role": "assistant", **reply})]
    return []


def to_json(value: Any) -> str:
    """``value`` as JSON text (objects JSON cannot hold are written with ``str``)."""
    return json.dumps(value, default=str)


# ------------------------------------------------------------------------------- usage, providers


def aggregate_usage(usage_by_model: dict[str, dict[str, Any]]) -> tuple[str, int, int] | None:
    """(model names joined by ", ", input tokens, output tokens) summed over a usage summary's
    models; None when it has none."""
    if not usage_by_model:
        return None
    models = ", ".join(usage_by_model)
    prompt = sum(u.get("prompt_tokens", 0) for u in usage_by_model.values())
    completion = sum(u.get("completion_tokens", 0) for u in usage_by_model.values())
    return models, prompt, completion


#: AG2 ``api_type`` -> ``gen_ai.provider.name`` (the convention's names where it has one).
API_TYPE_TO_PROVIDER = {
    "openai": "openai",
    "azure": "azure.ai.openai",
    "anthropic": "anthropic",
    "bedrock": "aws.bedrock",
    "google": "gcp.gemini",
    "mistral": "mistral_ai",
    "groq": "groq",
    "cohere": "cohere",
    "deepseek": "deepseek",
    "together": "together",
    "ollama": "ollama",
    "cerebras": "cerebras",
}


def _entry_value(entry: Any, key: str) -> Any:
    """An agent's config entry field: the attribute, else ``entry.get(key)`` (dict-like entries)."""
    value = None if isinstance(entry, dict) else getattr(entry, key, None)
    if value is None and callable(getattr(entry, "get", None)):
        value = entry.get(key)
    return value


def _config_value(entry: Any, key: str) -> Any:
    """A wrapper's config field: the key of a dict, else the attribute."""
    return entry.get(key) if isinstance(entry, dict) else getattr(entry, key, None)


def _first_entry(agent: Any) -> Any:
    llm_config = getattr(agent, "llm_config", None)
    if not llm_config:
        return None
    config_list = getattr(llm_config, "config_list", None)
    if config_list is None and isinstance(llm_config, dict):
        config_list = llm_config.get("config_list")
    return config_list[0] if config_list else None


def get_provider_name(agent: Any) -> str | None:
    """``gen_ai.provider.name`` for ``agent``'s first LLM config entry (None without an LLM or api_type)."""
    entry = _first_entry(agent)
    api_type = _entry_value(entry, "api_type") if entry is not None else None
    if not api_type:
        return None
    return API_TYPE_TO_PROVIDER.get(api_type, api_type)


def get_model_name(agent: Any) -> str | None:
    """The model of ``agent``'s first LLM config entry (None without an LLM)."""
    entry = _first_entry(agent)
    return _entry_value(entry, "model") if entry is not None else None


def get_provider_from_config_list(config_list: list[Any]) -> str | None:
    """``gen_ai.provider.name`` of a wrapper's first config ("openai" when it names no api_type)."""
    api_type = _config_value(config_list[0], "api_type") if config_list else None
    if not api_type:
        return "openai"
    return API_TYPE_TO_PROVIDER.get(api_type, api_type)


def get_model_from_config_list(config_list: list[Any]) -> str | None:
    """The model of a wrapper's first config (None when there is none)."""
    return _config_value(config_list[0], "model") if config_list else None


_REQUEST_PARAMS = (
    ("temperature", "gen_ai.request.temperature"),
    ("max_tokens", "gen_ai.request.max_tokens"),
    ("top_p", "gen_ai.request.top_p"),
    ("frequency_penalty", "gen_ai.request.frequency_penalty"),
    ("presence_penalty", "gen_ai.request.presence_penalty"),
)


def set_llm_request_params(span: Any, config: dict[str, Any]) -> None:
    """Set the ``gen_ai.request.*`` sampling parameters found (not None) in ``config`` on ``span``."""
    for key, attribute in _REQUEST_PARAMS:
        value = config.get(key)
        if value is not None:
            span.set_attribute(attribute, value)


# ------------------------------------------------------------------------------------ span helpers


def forwarder(method: Callable[..., Any], *, is_async: bool) -> Callable[..., Any]:
    """A function that only calls ``method``, marked as an instrumentation wrapper and as a flow
    pass-through (``FLOW_PASSTHROUGH``): set where a stock method was, after the method's flow was
    traced in place, it keeps the chat loops on their fast path (they enter the traced flow)."""
    from ..agentchat.conversable.stock import FLOW_PASSTHROUGH

    if is_async:

        async def forward_async(*args: Any, **kwargs: Any) -> Any:
            return await method(*args, **kwargs)

        forwarded: Any = forward_async
    else:

        def forward(*args: Any, **kwargs: Any) -> Any:
            return method(*args, **kwargs)

        forwarded = forward
    forwarded.__doc__ = method.__doc__
    setattr(forwarded, FLOW_PASSTHROUGH, True)
    return mark_wrapped(forwarded)


def mark_wrapped(func: Any) -> Any:
    """Flag ``func`` as an instrumentation wrapper (instrumenting twice never wraps twice)."""
    func.__otel_wrapped__ = True
    return func


def is_wrapped(func: Any) -> bool:
    return hasattr(func, "__otel_wrapped__")


def fail(span: Any, error: BaseException) -> None:
    """Record ``error`` on ``span``: ``error.type``, an exception event and an error status."""
    span.set_attribute("error.type", type(error).__qualname__)
    span.record_exception(error)
    span.set_status(Status(StatusCode.ERROR, str(error)))


def traced_call(
    tracer: trace.Tracer,
    old: Callable[..., Any],
    *,
    is_async: bool,
    name: Callable[[tuple[Any, ...], dict[str, Any]], str],
    attributes: Callable[[tuple[Any, ...], dict[str, Any]], dict[str, Any]],
    finish: Callable[[Any, Any, tuple[Any, ...], dict[str, Any]], None] | None = None,
    kind: SpanKind = SpanKind.INTERNAL,
) -> Callable[..., Any]:
    """A wrapper of ``old`` (awaited when ``is_async``) that runs it inside a span named
    ``name(args, kwargs)`` started with ``attributes(args, kwargs)``; ``finish(span, result, args,
    kwargs)`` adds what the result tells. An exception sets ``error.type`` and is re-raised.

    (The span is made current with attach/detach directly: this runs for every reply.)"""
    attach, detach, in_context = otel_context.attach, otel_context.detach, trace.set_span_in_context

    if is_async:

        async def traced_async(*args: Any, **kwargs: Any) -> Any:
            span = tracer.start_span(name(args, kwargs), kind=kind, attributes=attributes(args, kwargs))
            token = attach(in_context(span))
            try:
                result = await old(*args, **kwargs)
                if finish is not None and span.is_recording():
                    finish(span, result, args, kwargs)
                return result
            except Exception as e:
                fail(span, e)
                raise
            finally:
                detach(token)
                span.end()

        return mark_wrapped(traced_async)

    def traced(*args: Any, **kwargs: Any) -> Any:
        span = tracer.start_span(name(args, kwargs), kind=kind, attributes=attributes(args, kwargs))
        token = attach(in_context(span))
        try:
            result = old(*args, **kwargs)
            if finish is not None and span.is_recording():  # sampled out or no-op: nothing to add
                finish(span, result, args, kwargs)
            return result
        except Exception as e:
            fail(span, e)
            raise
        finally:
            detach(token)
            span.end()

    return mark_wrapped(traced)


def traced_flow(
    tracer: trace.Tracer,
    name: str,
    attributes: dict[str, Any],
    flow: Generator[Any, Any, Any],
    finish: Callable[[Any, Any], None] | None = None,
    kind: SpanKind = SpanKind.INTERNAL,
) -> Generator[Any, Any, Any]:
    """``flow`` (a step of an effect-driven routine, see ``autogen._effects``) run inside a span.

    The span is the current one while the flow runs, so the effects it yields (user code: a tool,
    an async tool in its own task) run as its children; drivers send every value of one flow from
    the same thread or task, so the context is attached and detached there."""
    span = tracer.start_span(name, kind=kind, attributes=attributes)
    token = otel_context.attach(trace.set_span_in_context(span))
    try:
        result = yield from flow
    except GeneratorExit:
        raise
    except BaseException as e:
        fail(span, e)
        raise
    else:
        if finish is not None and span.is_recording():
            finish(span, result)
        return result
    finally:
        otel_context.detach(token)
        span.end()


def agent_attributes(span_type: str, operation: str, agent_name: str | None) -> dict[str, Any]:
    """The attributes every AG2 span starts with."""
    attributes: dict[str, Any] = {"ag2.span.type": span_type, "gen_ai.operation.name": operation}
    if agent_name is not None:
        attributes["gen_ai.agent.name"] = agent_name
    return attributes


def llm_attributes(attributes: dict[str, Any], agent: Any) -> dict[str, Any]:
    """``attributes`` with the provider and model of ``agent``'s LLM config (when it has one);
    worked out once per config object the agent holds."""
    llm_config = getattr(agent, "llm_config", None)
    cache = getattr(agent, "__dict__", None)
    cached = cache.get("_otel_llm_attributes") if cache is not None else None
    if cached is None or cached[0] is not llm_config:
        found: dict[str, Any] = {}
        provider = get_provider_name(agent)
        if provider:
            found["gen_ai.provider.name"] = provider
        model = get_model_name(agent)
        if model:
            found["gen_ai.request.model"] = model
        cached = (llm_config, found)
        if cache is not None:
            cache["_otel_llm_attributes"] = cached
    attributes.update(cached[1])
    return attributes
