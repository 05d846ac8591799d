"""Build the keyword arguments of one chat-completions request from the merged create params.

Pure functions (no I/O, no openai import except to learn the SDK's parameter names): model-family
adaptations (reasoning models, Mistral), structured output, streaming usage, and dropping keys the
SDK would reject with a TypeError.
"""

from __future__ import annotations

import functools
import inspect
import re
import threading
import warnings
from typing import Any

from .structured import to_request_format

__all__ = [
    "REASONING_UNSUPPORTED",
    "adapt_for_reasoning",
    "add_streaming_usage",
    "build_chat_request",
    "deepseek_reasoner_messages",
    "is_legacy_completion_model",
    "is_reasoning_model",
    "sdk_keywords",
]

# Sampling parameters the reasoning models reject.
REASONING_UNSUPPORTED = (
    "temperature",
    "top_p",
    "presence_penalty",
    "frequency_penalty",
    "logprobs",
    "top_logprobs",
    "logit_bias",
)

_REASONING = re.compile(r"^(o1|o3|o4)(-|$)|^gpt-5(?!.*chat)")
_EARLY_O1 = re.compile(r"^o1-(mini|preview)")
_LEGACY_COMPLETION = re.compile(r"(-instruct($|-)|^(text-)?(davinci|babbage|curie|ada)(-|$))")

# Entry fields that configure a client, not a request: never sent, never warned about.
CLIENT_ONLY_KEYS = frozenset(
    {
        "hide_tools",
        "client_host",
        "native_tool_calls",
        "supports_system_prompts",
        "voice",
        "azure_endpoint",
        "azure_deployment",
        "description",
    }
)

_warned: set[tuple[str, tuple[str, ...]]] = set()
_warn_lock = threading.Lock()
_sdk_params: dict[Any, frozenset[str]] = {}
_takes_any_keyword: dict[Any, bool] = {}


def _base_name(model: str) -> str:
    return model.rsplit("/", 1)[-1].lower()


@functools.lru_cache(maxsize=256)
def is_reasoning_model(model: str | None) -> bool:
    """True for the o1/o3/o4 and gpt-5 reasoning families (not ``gpt-5-chat``)."""
    return bool(model) and bool(_REASONING.search(_base_name(model)))


@functools.lru_cache(maxsize=256)
def is_legacy_completion_model(model: str | None) -> bool:
    """True for models served only by the legacy completions endpoint (``-instruct``, davinci...)."""
    return bool(model) and bool(_LEGACY_COMPLETION.search(_base_name(model)))


def _warn_once(key: tuple[str, tuple[str, ...]], message: str) -> None:
    with _warn_lock:
        if key in _warned:
            return
        _warned.add(key)
    warnings.warn(message, UserWarning, stacklevel=4)


def sdk_parameter_names(method: Any) -> frozenset[str]:
    """Keyword names accepted by an SDK ``create`` method (cached per method)."""
    key = getattr(method, "__func__", None)  # the same function for every client instance
    if key is None:
        key = f"{getattr(method, '__module__', '')}.{getattr(method, '__qualname__', '')}"
    names = _sdk_params.get(key)
    if names is None:
        sig = inspect.signature(method)
        names = frozenset(p for p in sig.parameters if p != "self")
        _sdk_params[key] = names
    return names


def sdk_keywords(method: Any) -> frozenset[str] | None:
    """The keyword names an SDK method takes, or None when it takes any (``**kwargs``, or a stand-in whose
    signature cannot be read). Read once per bound method's function (``inspect.signature`` costs more than
    the rest of a request's preparation)."""
    func = getattr(method, "__func__", None)
    takes_any = _takes_any_keyword.get(func) if func is not None else None
    if takes_any is None:
        try:
            parameters = inspect.signature(method).parameters.values()
        except (TypeError, ValueError):
            return None
        takes_any = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters)
        if func is not None:
            _takes_any_keyword[func] = takes_any
    return None if takes_any else sdk_parameter_names(method)


def add_streaming_usage(request: dict[str, Any]) -> None:
    """Ask a streamed request for the closing usage chunk (``stream_options.include_usage``), in place;
    other stream options, and an ``include_usage`` already chosen, are kept."""
    if request.get("stream"):
        request["stream_options"] = {"include_usage": True, **(request.get("stream_options") or {})}


def build_chat_request(
    params: dict[str, Any],
    *,
    accepted: frozenset[str] | None = None,
    extra_body_keys: frozenset[str] = frozenset(),
) -> dict[str, Any]:
    """Turn create params into chat-completions kwargs.

    ``accepted`` is the set of keyword names the SDK method takes. Keys in ``extra_body_keys`` (a
    provider's own request fields, e.g. Together's ``top_k``) are sent in the request body; other
    unknown keys are dropped with one warning per key set (pass such fields through ``extra_body``).
    """
    # None means "not set" here; sending an explicit null upsets some servers
    request = {k: v for k, v in params.items() if v is not None}
    model = str(request.get("model") or "")

    if "prompt" in request and "messages" not in request:
        request["messages"] = [{"role": "user", "content": request.pop("prompt")}]
    else:
        request.pop("prompt", None)

    for key in ("tools", "functions"):
        if key in request and not request[key]:
            del request[key]
    if "tools" not in request:
        request.pop("tool_choice", None)
        request.pop("parallel_tool_calls", None)

    if "response_format" in request:
        request["response_format"] = to_request_format(request["response_format"])

    if request.get("stream"):
        add_streaming_usage(request)
    else:
        request.pop("stream", None)
        request.pop("stream_options", None)

    if is_reasoning_model(model):
        dropped = adapt_for_reasoning(request, model)
        if dropped:
            _warn_once(
                (model, dropped),
                f"Model {model!r} is a reasoning model and does not accept {', '.join(dropped)}; "
                "these parameters were removed from the request.",
            )
    if "mistral" in model.lower() and "messages" in request:
        request["messages"] = _demote_late_system_messages(request["messages"])
    if _base_name(model) == "deepseek-reasoner" and request.get("messages"):
        request["messages"] = deepseek_reasoner_messages(request["messages"])

    for key in CLIENT_ONLY_KEYS & request.keys():
        del request[key]
    provider_fields = {k: request.pop(k) for k in extra_body_keys & request.keys()}
    if provider_fields:
        request["extra_body"] = {**provider_fields, **(request.get("extra_body") or {})}
    if accepted is not None and not request.keys() <= accepted:
        unknown = tuple(sorted(k for k in request if k not in accepted))
        if unknown:
            for k in unknown:
                del request[k]
            _warn_once(
                ("unknown", unknown),
                f"Ignoring config keys the chat completions API does not take: {', '.join(unknown)}. "
                "Put provider-specific request fields in 'extra_body'.",
            )
    return request


def adapt_for_reasoning(request: dict[str, Any], model: str) -> tuple[str, ...]:
    """Shape ``request`` (in place) for a reasoning model; returns the sampling parameters removed.

    ``max_tokens`` becomes ``max_completion_tokens``, and o1-mini / o1-preview get their system
    messages as user messages starting "System message: " (the message dicts are replaced, not changed).
    """
    dropped = tuple(k for k in REASONING_UNSUPPORTED if k in request)
    for k in dropped:
        del request[k]
    if "max_tokens" in request:
        value = request.pop("max_tokens")
        request.setdefault("max_completion_tokens", value)
    if _EARLY_O1.match(_base_name(model)) and request.get("messages"):
        # o1-mini / o1-preview reject the system role
        request["messages"] = [
            {**m, "role": "user", "content": f"System message: {m.get('content')}"} if m.get("role") == "system" else m
            for m in request["messages"]
        ]
    return dropped


def _demote_late_system_messages(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    # Mistral models reject a system message after the conversation has started.
    out: list[dict[str, Any]] = []
    started = False
    for m in messages:
        if m.get("role") == "system" and started:
            m = {**m, "role": "user"}
        elif m.get("role") != "system":
            started = True
        out.append(m)
    return out


def deepseek_reasoner_messages(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The history in the shape ``deepseek-reasoner`` accepts (the given messages are not changed).

    That model wants the system message first, user and assistant turns alternating, and a user
    turn last. So the first system message moves to the front, a message repeating the previous
    user/assistant role takes the other one, and a closing ``{"role": "user", "content": "continue"}``
    is added when needed. Messages without a role are passed through as they are.
    """
    out = list(messages)
    for i, m in enumerate(out):
        if m.get("role") == "system":
            out.insert(0, out.pop(i))
            break
    previous = None
    for i, m in enumerate(out):
        role = m.get("role")
        if role is None:
            continue
        if role == previous and role in ("user", "assistant"):
            role = "assistant" if role == "user" else "user"
            out[i] = {**m, "role": role}
        previous = role
    if out and out[-1].get("role") != "user":
        out.append({"role": "user", "content": "continue"})
    return out
