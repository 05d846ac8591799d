"""`instrument_llm_wrapper`: a ``chat {model}`` client span for every LLM call an agent makes."""

from __future__ import annotations

import json
from typing import Any

from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.trace import SpanKind

from ...oai import client as oai_client_module
from ...oai.client import FAILURE_OBSERVERS, STOCK_A_CREATE, STOCK_CREATE, OpenAIWrapper
from ..consts import SpanType
from ..setup import get_tracer
from ..utils import (
    fail,
    forwarder,
    get_model_from_config_list,
    get_provider_from_config_list,
    is_wrapped,
    mark_wrapped,
    message_to_otel,
    messages_to_otel,
    set_llm_request_params,
    to_json,
    traced_flow,
)

__all__ = ["instrument_llm_wrapper", "uninstrument_llm_wrapper"]

# What the wrappers read on every call: the latest instrument_llm_wrapper call's settings.
_settings: dict[str, Any] = {"tracer": None, "capture_messages": False}
# The methods instrument_llm_wrapper replaced, to restore them.
_replaced: dict[str, Any] = {}


def instrument_llm_wrapper(*, tracer_provider: Any, capture_messages: bool = False) -> None:
    """Trace every ``OpenAIWrapper.create`` / ``a_create`` call (every LLM call of every agent) as a
    ``chat {model}`` span of kind CLIENT: provider, requested and answering model, sampling
    parameters, token usage, cost, finish reasons, ``error.type`` when the call fails after the
    wrapper's retries and fallbacks. Made inside an agent's reply, it is a child of that reply's
    ``invoke_agent`` span.

    The request and response messages are recorded only with ``capture_messages=True`` (they may
    hold private data); API keys and other connection settings never are. The wrapper class is
    patched once; calling this again only switches the provider and ``capture_messages``.
    `uninstrument_llm_wrapper` undoes it.
    """
    _settings["tracer"] = get_tracer(tracer_provider)
    _settings["capture_messages"] = capture_messages
    # The library's own create / a_create run the wrapper's call plan, which agents' LLM replies
    # also enter directly (no driver per call): the plan is traced, and create / a_create become
    # marked forwarders, so those replies stay on that path. A create replaced by the user (a
    # mock, a subclass's) is traced around instead.
    for name, stock, traced in (
        ("create", STOCK_CREATE, _traced_create),
        ("a_create", STOCK_A_CREATE, _traced_a_create),
    ):
        method = getattr(OpenAIWrapper, name)
        if is_wrapped(method):
            continue
        _replaced.setdefault(name, method)
        if method is stock:
            if not is_wrapped(OpenAIWrapper._plan):
                _replaced.setdefault("_plan", OpenAIWrapper._plan)
                OpenAIWrapper._plan = _traced_plan(OpenAIWrapper._plan)  # type: ignore[method-assign]
            setattr(OpenAIWrapper, name, forwarder(method, is_async=name == "a_create"))
        else:
            setattr(OpenAIWrapper, name, traced(method))
    oai_client_module.OpenAIWrapper = OpenAIWrapper  # the same class: patched for every importer
    if _record_failed_attempt not in FAILURE_OBSERVERS:
        FAILURE_OBSERVERS.append(_record_failed_attempt)


def uninstrument_llm_wrapper() -> None:
    """Give ``OpenAIWrapper`` back the ``create`` / ``a_create`` it had before `instrument_llm_wrapper`."""
    for name, method in _replaced.items():
        setattr(OpenAIWrapper, name, method)
    _replaced.clear()
    _settings["tracer"] = None
    if _record_failed_attempt in FAILURE_OBSERVERS:
        FAILURE_OBSERVERS.remove(_record_failed_attempt)


#: The span event of one failed attempt inside a ``chat`` span (retried, fallen back from, or final).
FAILED_ATTEMPT_EVENT = "ag2.llm.attempt_failed"
# Record fields left out of the event: the base URL (it may carry credentials in its query) and the
# start time (the event has its own timestamp).
_NOT_IN_EVENT = frozenset({"base_url", "start_time", "error_type"})


def _record_failed_attempt(record: dict[str, Any]) -> None:
    """A ``FAILURE_OBSERVERS`` entry: the failed attempt as an event of the current (``chat``) span,
    ``error.type`` plus ``ag2.llm.failure.*`` (attempt, max_attempts, config_index, model,
    error_message, failure_kind, action, wait_seconds, next_config_index)."""
    span = trace.get_current_span()
    if not span.is_recording():
        return
    attributes: dict[str, Any] = {"error.type": str(record.get("error_type") or "Exception")}
    for key, value in record.items():
        if value is not None and key not in _NOT_IN_EVENT:
            attributes[f"ag2.llm.failure.{key}"] = value
    span.add_event(FAILED_ATTEMPT_EVENT, attributes)


def _start(wrapper: Any, config: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    config_list = getattr(wrapper, "_config_list", None) or []
    model = config.get("model") or get_model_from_config_list(config_list)
    attributes: dict[str, Any] = {"ag2.span.type": SpanType.LLM.value, "gen_ai.operation.name": "chat"}
    provider = get_provider_from_config_list(config_list)
    if provider:
        attributes["gen_ai.provider.name"] = provider
    if model:
        attributes["gen_ai.request.model"] = model
    agent = config.get("agent")
    name = getattr(agent, "name", None) if agent is not None else None
    if isinstance(name, str):
        attributes["gen_ai.agent.name"] = name
    set_llm_request_params(_AttributeSink(attributes), config)
    if _settings["capture_messages"] and config.get("messages"):
        attributes["gen_ai.input.messages"] = to_json(messages_to_otel(list(config["messages"])))
    return (f"chat {model}" if model else "chat"), attributes


class _AttributeSink:
    """Collects ``set_attribute`` calls into a dict (attributes given when the span starts)."""

    __slots__ = ("attributes",)

    def __init__(self, attributes: dict[str, Any]) -> None:
        self.attributes = attributes

    def set_attribute(self, key: str, value: Any) -> None:
        self.attributes[key] = value


def _traced_plan(original: Any) -> Any:
    """``OpenAIWrapper._plan`` (one LLM call: configs, retries, fallbacks) run inside its ``chat`` span."""

    def _plan(self: Any, config: dict[str, Any]) -> Any:
        tracer = _settings["tracer"]
        if tracer is None:
            return original(self, config)
        name, attributes = _start(self, config)
        return traced_flow(tracer, name, attributes, original(self, config), _finish_chat, kind=SpanKind.CLIENT)

    _plan.__doc__ = original.__doc__
    return mark_wrapped(_plan)


def _finish_chat(span: Any, response: Any) -> None:
    """What the response tells its ``chat`` span (traced plan and traced create alike)."""
    span.set_attributes(_response_attributes(response, _settings["capture_messages"]))


def _traced_create(original: Any) -> Any:
    def create(self: Any, **config: Any) -> Any:
        tracer = _settings["tracer"]
        if tracer is None:
            return original(self, **config)
        name, attributes = _start(self, config)
        span = tracer.start_span(name, kind=SpanKind.CLIENT, attributes=attributes)
        token = otel_context.attach(trace.set_span_in_context(span))
        try:
            response = original(self, **config)
            if span.is_recording():  # a sampled-out or no-op span: nothing to work out
                _finish_chat(span, response)
            return response
        except Exception as e:
            fail(span, e)
            raise
        finally:
            otel_context.detach(token)
            span.end()

    create.__doc__ = original.__doc__
    return mark_wrapped(create)


def _traced_a_create(original: Any) -> Any:
    async def a_create(self: Any, **config: Any) -> Any:
        tracer = _settings["tracer"]
        if tracer is None:
            return await original(self, **config)
        name, attributes = _start(self, config)
        span = tracer.start_span(name, kind=SpanKind.CLIENT, attributes=attributes)
        token = otel_context.attach(trace.set_span_in_context(span))
        try:
            response = await original(self, **config)
            if span.is_recording():  # a sampled-out or no-op span: nothing to work out
                _finish_chat(span, response)
            return response
        except Exception as e:
            fail(span, e)
            raise
        finally:
            otel_context.detach(token)
            span.end()

    a_create.__doc__ = original.__doc__
    return mark_wrapped(a_create)


def _set_llm_response_attributes(span: Any, response: Any, capture_messages: bool = False) -> None:
    """What an LLM response tells its span: model, id, token usage, finish reasons, cost and (when
    ``capture_messages``) the output messages."""
    for key, value in _response_attributes(response, capture_messages).items():
        span.set_attribute(key, value)


def _response_attributes(response: Any, capture_messages: bool) -> dict[str, Any]:
    attributes: dict[str, Any] = {}
    model = getattr(response, "model", None)
    if model:
        attributes["gen_ai.response.model"] = model
    response_id = getattr(response, "id", None)
    if isinstance(response_id, str) and response_id:
        attributes["gen_ai.response.id"] = response_id
    usage = getattr(response, "usage", None)
    if usage:
        prompt_tokens = getattr(usage, "prompt_tokens", None)
        if prompt_tokens is not None:
            attributes["gen_ai.usage.input_tokens"] = prompt_tokens
        if hasattr(usage, "completion_tokens"):
            attributes["gen_ai.usage.output_tokens"] = usage.completion_tokens or 0
    choices = getattr(response, "choices", None) or []
    reasons = [str(c.finish_reason) for c in choices if getattr(c, "finish_reason", None)]
    if reasons:
        attributes["gen_ai.response.finish_reasons"] = json.dumps(reasons)
    cost = getattr(response, "cost", None)
    if cost is not None:
        attributes["gen_ai.usage.cost"] = cost
    if capture_messages:
        outputs = []
        for choice in choices:
            message = getattr(choice, "message", None)
            if not message:
                continue
            out: dict[str, Any] = {"role": "assistant", "content": getattr(message, "content", "") or ""}
            calls = getattr(message, "tool_calls", None)
            if calls:
                out["tool_calls"] = [
                    {"id": c.id, "function": {"name": c.function.name, "arguments": c.function.arguments}}
                    for c in calls
                ]
            outputs.append(message_to_otel(out))
        if outputs:
            attributes["gen_ai.output.messages"] = to_json(outputs)
    return attributes
