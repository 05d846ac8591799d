"""The Mistral AI model client (``api_type="mistral"``): Mistral's chat API through the ``mistralai`` SDK.

Config entry, as in ag2::

    {"api_type": "mistral", "model": "mistral-small-latest", "api_key": os.environ["MISTRAL_API_KEY"]}

``base_url`` points the SDK at another server (a trailing ``/v1`` is dropped: the SDK adds it). The SDK
is imported on the first request, never at ``import autogen``; without it the first request raises an
ImportError naming the extra (``pip install "ag2[mistral]"``). SDK clients are shared per endpoint, the
SDK's own retries are off (the wrapper retries, honouring ``retry-after``).

The API is stricter than OpenAI's about histories; :func:`oai_messages_to_mistral_messages` makes any
chat history acceptable: tool call ids become Mistral's 9 alphanumeric characters (the same id always
maps to the same Mistral id, in calls and results alike; ids Mistral made are kept), every call is
answered right after it (see :mod:`autogen.oai.openai_history`), a ``system`` message after the
conversation started is sent as ``user``, consecutive messages of one role are joined, an assistant
turn bridges tool results and a following user message, and the request ends with a user or tool turn.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections.abc import Mapping
from typing import Any, ClassVar

from ..import_utils import optional_import
from ..llm_config.entry import MistralLLMConfigEntry
from ._provider_common import KeyedNativeClient
from ._response_cost import store_cost
from .endpoints import ClientRegistry, on_registry_clear
from .errors import FailureKind, register_failure_classifier
from .openai_client import completion_messages, completion_usage
from .openai_history import content_text, paired_history
from .pricing import response_cost, warn_unpriced_once
from .streaming import stream_sender
from .structured import to_request_format

__all__ = [
    "MISTRAL_PRICING_1K",
    "MistralAIClient",
    "MistralLLMConfigEntry",
    "calculate_mistral_cost",
    "mistral_tool_call_id",
    "oai_messages_to_mistral_messages",
    "tool_def_to_mistral",
]

# USD per 1K tokens (input, output): ag2's table, from Mistral's price list of the time.
MISTRAL_PRICING_1K: dict[str, tuple[float, float]] = {
    "open-mistral-7b": (0.00025, 0.00025),
    "open-mixtral-8x7b": (0.0007, 0.0007),
    "open-mixtral-8x22b": (0.002, 0.006),
    "mistral-small-latest": (0.001, 0.003),
    "mistral-medium-latest": (0.00275, 0.0081),
    "mistral-large-latest": (0.0003, 0.0003),
    "mistral-large-2407": (0.0003, 0.0003),
    "open-mistral-nemo-2407": (0.0003, 0.0003),
    "codestral-2405": (0.001, 0.003),
}
_warned: set[str] = set()

CONNECTION_KEYS = frozenset({"api_key", "base_url", "server_url", "default_headers", "http_client", "max_retries"})

_MISTRAL_ID = re.compile(r"^[a-zA-Z0-9]{9}$")
_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
_FINISH = {"stop": "stop", "length": "length", "model_length": "length", "tool_calls": "tool_calls", "error": "stop"}
_BRIDGE = "Understood."  # the assistant turn between tool results and a following user message
_CONTINUE = "Please continue."


def calculate_mistral_cost(input_tokens: int, output_tokens: int, model_name: str) -> float:
    """USD cost of a call on ``model_name`` (ag2's helper); unknown model -> 0 with a one-time warning."""
    price = MISTRAL_PRICING_1K.get((model_name or "").rsplit("/", 1)[-1])
    if price is None:
        warn_unpriced_once(
            _warned, model_name, f"Cost calculation is not implemented for model {model_name}, will return $0."
        )
        return 0.0
    return (input_tokens * price[0] + output_tokens * price[1]) / 1000


def mistral_tool_call_id(call_id: str) -> str:
    """The id Mistral accepts for ``call_id``: itself when it is 9 letters/digits, else 9 letters/digits
    derived from it (always the same for the same id)."""
    if _MISTRAL_ID.match(call_id):
        return call_id
    number = int.from_bytes(hashlib.sha256(call_id.encode()).digest()[:8], "big")
    chars = []
    for _ in range(9):
        number, digit = divmod(number, len(_ALPHABET))
        chars.append(_ALPHABET[digit])
    return "".join(chars)


# ---- request conversion -------------------------------------------------------------------------


def _user_content(content: Any) -> str | list[dict[str, Any]]:
    """A user message content: text, or Mistral chunks when it has images."""
    if not isinstance(content, list) or not any(
        isinstance(p, Mapping) and p.get("type") == "image_url" for p in content
    ):
        return content_text(content)
    chunks: list[dict[str, Any]] = []
    for part in content:
        if not isinstance(part, Mapping):
            continue
        if part.get("type") == "image_url":
            image = part.get("image_url")
            url = image.get("url") if isinstance(image, Mapping) else image
            if url:
                chunks.append({"type": "image_url", "image_url": str(url)})
        elif part.get("type", "text") == "text" and str(part.get("text") or "").strip():
            chunks.append({"type": "text", "text": str(part["text"])})
    return chunks


def _is_empty(content: Any) -> bool:
    return not content if isinstance(content, list) else not str(content or "").strip()


def _join(first: Any, second: Any) -> Any:
    if isinstance(first, list) or isinstance(second, list):
        as_chunks = [c if isinstance(c, list) else [{"type": "text", "text": c}] for c in (first, second)]
        return as_chunks[0] + as_chunks[1]
    return f"{first}\n\n{second}"


def oai_messages_to_mistral_messages(messages: list[Any]) -> list[dict[str, Any]]:
    """Mistral chat messages (plain dicts) for an OpenAI-style history; see the module docstring."""
    out: list[dict[str, Any]] = []
    started = False  # a non-system message was sent: later system messages travel as user messages

    def add(message: dict[str, Any]) -> None:
        last = out[-1] if out else None
        role = message["role"]
        if last is not None and last["role"] == role and role in ("user", "system"):
            last["content"] = _join(last["content"], message["content"])
            return
        if last is not None and last["role"] == "assistant" and role == "assistant" and not last.get("tool_calls"):
            if message.get("tool_calls"):  # earlier text joins the turn that calls tools
                message = {
                    **message,
                    "content": _join(last["content"], message.get("content") or "")
                    if message.get("content")
                    else last["content"],
                }
                out[-1] = message
            else:
                last["content"] = _join(last["content"], message["content"])
            return
        if last is not None and last["role"] == "tool" and role == "user":
            out.append({"role": "assistant", "content": _BRIDGE})
        out.append(message)

    for message in paired_history(messages):
        role = message["role"]
        if role == "system" and not started:
            text = content_text(message.get("content"))
            if text.strip():
                add({"role": "system", "content": text})
            continue
        started = True
        if role in ("system", "user"):
            content = _user_content(message.get("content"))
            if not _is_empty(content):
                add({"role": "user", "content": content})
        elif role == "assistant":
            text = content_text(message.get("content"))
            entry: dict[str, Any] = {"role": "assistant", "content": text if text.strip() else None}
            if message.get("tool_calls"):
                entry["tool_calls"] = [
                    {
                        "id": mistral_tool_call_id(c["id"]),
                        "type": "function",
                        "function": {"name": c["function"]["name"], "arguments": c["function"]["arguments"]},
                    }
                    for c in message["tool_calls"]
                ]
            if entry["content"] is not None or entry.get("tool_calls"):
                add(entry)
        else:  # tool
            add(
                {
                    "role": "tool",
                    "tool_call_id": mistral_tool_call_id(message["tool_call_id"]),
                    "name": message.get("name") or "",
                    "content": message.get("content") or "",
                }
            )
    if not out or out[-1]["role"] not in ("user", "tool"):
        out.append({"role": "user", "content": _CONTINUE})
    return out


def tool_def_to_mistral(tool_definitions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """OpenAI function tools as Mistral tools (same shape; a missing description or schema is filled in)."""
    tools = []
    for tool in tool_definitions or []:
        fn = tool.get("function") if isinstance(tool, Mapping) else None
        if not isinstance(fn, Mapping) or not fn.get("name"):
            continue
        spec: dict[str, Any] = {
            "name": fn["name"],
            "description": fn.get("description") or "",
            "parameters": fn.get("parameters") or {"type": "object", "properties": {}},
        }
        tools.append({"type": "function", "function": spec})
    return tools


def _should_hide_tools(messages: list[Any], tools: list[Any], hide_tools: str | None) -> bool:
    """ag2's ``hide_tools``: stop offering tools once any ("if_any_run") / all ("if_all_run") have run."""
    if hide_tools not in ("if_any_run", "if_all_run"):
        return False
    called = {
        (call.get("function") or {}).get("name")
        for m in messages
        if isinstance(m, Mapping)
        for call in m.get("tool_calls") or []
        if isinstance(call, Mapping)
    }
    names = {(t.get("function") or {}).get("name") for t in tools if isinstance(t, Mapping)}
    return bool(called & names) if hide_tools == "if_any_run" else bool(names) and names <= called


def _tool_choice(choice: Any) -> Any:
    if choice == "required":
        return "any"
    return choice


# ---- response conversion ------------------------------------------------------------------------


def _as_dict(obj: Any) -> dict[str, Any]:
    if isinstance(obj, Mapping):
        return dict(obj)
    dump = getattr(obj, "model_dump", None)
    return dump() if callable(dump) else dict(vars(obj))


def _text(content: Any) -> str | None:
    """Message text from a Mistral content (a str, or chunks of which the text ones count)."""
    if content is None or isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(str(c.get("text", "")) for c in content if isinstance(c, Mapping) and c.get("type") == "text")
    return str(content)


def _arguments(raw: Any) -> str:
    return raw if isinstance(raw, str) else json.dumps(raw if raw is not None else {})


def response_to_completion_dict(response: Any) -> dict[str, Any]:
    """A Mistral chat completion (SDK object or dict) as an OpenAI ChatCompletion dict."""
    data = _as_dict(response)
    choices = []
    for choice in data.get("choices") or []:
        message = choice.get("message") or {}
        calls = [
            {
                "id": c.get("id"),
                "type": "function",
                "function": {"name": c["function"]["name"], "arguments": _arguments(c["function"].get("arguments"))},
            }
            for c in message.get("tool_calls") or []
        ]
        out: dict[str, Any] = {"role": "assistant", "content": _text(message.get("content"))}
        if calls:
            out["tool_calls"] = calls
        finish = "tool_calls" if calls else _FINISH.get(str(choice.get("finish_reason")), "stop")
        choices.append({"index": choice.get("index", 0), "message": out, "finish_reason": finish, "logprobs": None})
    usage = data.get("usage") or {}
    prompt, completion = int(usage.get("prompt_tokens") or 0), int(usage.get("completion_tokens") or 0)
    return {
        "id": data.get("id") or "",
        "object": "chat.completion",
        "created": int(data.get("created") or time.time()),
        "model": data.get("model") or "",
        "choices": choices,
        "usage": {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion},
    }


class _StreamAssembler:
    """Joins the chunks of a streamed Mistral completion into one completion dict."""

    def __init__(self) -> None:
        self.data: dict[str, Any] = {}
        self.text: list[str] = []
        self.calls: list[dict[str, Any]] = []
        self.finish: Any = None

    def add(self, event: Any) -> str:
        """Take one stream event (or chunk); returns the text it adds."""
        chunk = _as_dict(getattr(event, "data", event))
        for key in ("id", "model", "created"):
            self.data.setdefault(key, chunk.get(key))
        if chunk.get("usage"):
            self.data["usage"] = chunk["usage"]
        new = []
        for choice in (chunk.get("choices") or [])[:1]:
            if choice.get("finish_reason"):
                self.finish = choice["finish_reason"]
            delta = choice.get("delta") or {}
            text = _text(delta.get("content"))
            if text:
                self.text.append(text)
                new.append(text)
            for call in delta.get("tool_calls") or []:
                call_id = call.get("id") if call.get("id") not in (None, "", "null") else None
                entry = next((c for c in self.calls if call_id and c["id"] == call_id), None)
                if entry is None and call_id is None and self.calls:
                    entry = self.calls[-1]
                if entry is None:
                    entry = {"id": call_id, "function": {"name": "", "arguments": ""}}
                    self.calls.append(entry)
                fn = call.get("function") or {}
                if fn.get("name") and not entry["function"]["name"]:
                    entry["function"]["name"] = fn["name"]
                args = fn.get("arguments")
                if isinstance(args, str):
                    entry["function"]["arguments"] += args
                elif args is not None:
                    entry["function"]["arguments"] = json.dumps(args)
        return "".join(new)

    def result(self) -> dict[str, Any]:
        message = {"role": "assistant", "content": "".join(self.text) or None, "tool_calls": self.calls}
        return {**self.data, "choices": [{"index": 0, "message": message, "finish_reason": self.finish}]}


# ---- shared SDK clients -------------------------------------------------------------------------


def clear_mistral_clients() -> None:
    """Forget every shared Mistral SDK client (new ones are built on the next call)."""
    _clients.clear()


def _sdk() -> Any:
    return optional_import("mistralai.client", "mistral", feature="The Mistral client (api_type='mistral')")


def _build_sdk_client(key: tuple[Any, ...], for_async: bool) -> Any:
    # one Mistral object serves both worlds (complete / complete_async); async callers get one per loop
    sdk = _sdk()
    api_key, server_url = key
    from mistralai.client.utils import BackoffStrategy, RetryConfig

    no_retries = RetryConfig("none", BackoffStrategy(1, 1, 1.0, 1), False)  # the wrapper retries
    return sdk.Mistral(api_key=api_key, server_url=server_url, retry_config=no_retries)


_clients = ClientRegistry(_build_sdk_client, close_on_clear=False)


def _classify_mistral_error(exc: BaseException) -> FailureKind | None:
    """How the wrapper treats a ``mistralai`` exception (None: the generic rules decide)."""
    status = getattr(exc, "status_code", None)
    if isinstance(status, int):
        if status == 429 or status >= 500 or status in (408, 409):
            return FailureKind.RETRY
        return FailureKind.NEXT  # auth, bad request, validation (422): retrying cannot help
    if type(exc).__name__ in ("NoResponseError", "ResponseValidationError"):
        return FailureKind.RETRY
    return None


register_failure_classifier("mistralai", _classify_mistral_error)
on_registry_clear(clear_mistral_clients)


# ---- the client ---------------------------------------------------------------------------------

_MISSING_KEY = (
    "Please specify the 'api_key' in your config list entry for Mistral or set the MISTRAL_API_KEY env variable."
)


class MistralAIClient(KeyedNativeClient):
    """A ``ModelClient`` for Mistral's chat API that answers with OpenAI-shaped ChatCompletions.

    Built as ag2 builds it, ``MistralAIClient(**config_entry)``; nothing is imported or connected here.
    A missing key raises ``AssertionError`` at once (ag2's behaviour) unless ``OpenAIWrapper`` builds the
    client, which reports it at the first call instead.
    """

    RESPONSE_USAGE_KEYS: ClassVar[list[str]] = ["prompt_tokens", "completion_tokens", "total_tokens", "cost", "model"]
    CONNECTION_KEYS: ClassVar[frozenset[str]] = CONNECTION_KEYS
    API_TYPE: ClassVar[str] = "mistral"
    KEY_ENV: ClassVar[str] = "MISTRAL_API_KEY"
    MISSING_KEY: ClassVar[str] = _MISSING_KEY

    def __init__(self, **kwargs: Any) -> None:
        self._take_config(kwargs)
        base_url = kwargs.get("base_url") or kwargs.get("server_url")
        self._base_url = re.sub(r"/v1/?$", "", str(base_url).rstrip("/")) if base_url else None

    def _endpoint_key(self) -> tuple[Any, ...]:
        return (self._checked_api_key(), self._base_url)

    def sdk_client(self) -> Any:
        """The process-wide ``mistralai`` client for this endpoint."""
        return _clients.sync_client(self._endpoint_key())

    def async_sdk_client(self) -> Any:
        """The ``mistralai`` client for this endpoint and the running event loop."""
        return _clients.async_client(self._endpoint_key())

    # ---- requests ----

    def parse_params(self, params: dict[str, Any]) -> dict[str, Any]:
        """The Mistral request (keyword arguments of ``chat.complete``) for create ``params``."""
        model = params.get("model") or self.model
        if not model:
            raise AssertionError(
                "Please specify the 'model' in your config list entry to nominate the Mistral.ai model to use."
            )
        request: dict[str, Any] = {"model": model, "temperature": params.get("temperature", 0.7)}
        for key in (
            "top_p",
            "max_tokens",
            "random_seed",
            "stop",
            "presence_penalty",
            "frequency_penalty",
            "parallel_tool_calls",
            "n",
        ):
            if params.get(key) is not None:
                request[key] = params[key]
        if "random_seed" not in request and params.get("seed") is not None:
            request["random_seed"] = params["seed"]
        if request["temperature"] is None:
            del request["temperature"]
        request["safe_prompt"] = bool(params.get("safe_prompt", False))
        messages = params.get("messages") or []
        request["messages"] = oai_messages_to_mistral_messages(messages)
        tools = params.get("tools")
        if tools and not _should_hide_tools(messages, tools, params.get("hide_tools")):
            request["tools"] = tool_def_to_mistral(tools)
            if params.get("tool_choice") is not None:
                request["tool_choice"] = _tool_choice(params["tool_choice"])
        response_format = params.get("response_format") or self._response_format
        if response_format is not None:
            request["response_format"] = to_request_format(response_format)
        return request

    def _prepare(self, params: dict[str, Any]) -> tuple[dict[str, Any], bool, dict[str, Any]]:
        request = self.parse_params(params)
        extra: dict[str, Any] = {}
        timeout = params.get("timeout", self._config.get("timeout"))
        if timeout:
            extra["timeout_ms"] = int(float(timeout) * 1000)
        headers = self._config.get("default_headers")
        if headers:
            extra["http_headers"] = {str(k): str(v) for k, v in headers.items()}
        return request, bool(params.get("stream")), extra

    def create(self, params: dict[str, Any]) -> Any:
        """One chat completion (streamed when ``stream`` is set), as an OpenAI ChatCompletion with ``.cost``."""
        chat = self.sdk_client().chat
        request, stream, extra = self._prepare(params)
        if not stream:
            return self._completion(chat.complete(**request, **extra))
        assembler, send = _StreamAssembler(), stream_sender()
        for event in chat.stream(**request, **extra):
            text = assembler.add(event)
            if text:
                send(text)
        return self._completion(assembler.result())

    async def a_create(self, params: dict[str, Any]) -> Any:
        """Async twin of :meth:`create`."""
        chat = self.async_sdk_client().chat
        request, stream, extra = self._prepare(params)
        if not stream:
            return self._completion(await chat.complete_async(**request, **extra))
        assembler, send = _StreamAssembler(), stream_sender()
        async for event in await chat.stream_async(**request, **extra):
            text = assembler.add(event)
            if text:
                send(text)
        return self._completion(assembler.result())

    def _completion(self, response: Any) -> Any:
        from .oai_models import ChatCompletion

        data = response_to_completion_dict(response)
        if not data["model"]:
            data["model"] = self.model or ""
        completion = ChatCompletion.model_validate(data)
        usage = data["usage"]
        store_cost(completion, self._cost_of(data["model"], usage["prompt_tokens"], usage["completion_tokens"]))
        return completion

    # ---- ModelClient protocol ----

    def _cost_of(self, model: str, prompt: int, completion: int) -> float:
        if self._price is not None:
            return (self._price[0] * prompt + self._price[1] * completion) / 1000
        return calculate_mistral_cost(prompt, completion, model)

    def cost(self, response: Any) -> float:
        """USD cost of ``response`` (the entry's ``price``, else Mistral's price table)."""
        return response_cost(response, self._cost_of)

    def message_retrieval(self, response: Any) -> list[Any]:
        """Per choice: the message object when it calls tools, else its text."""
        return completion_messages(response, self._response_format)

    @staticmethod
    def get_usage(response: Any) -> dict[str, Any]:
        """Token counts, cost and model of ``response`` (the ModelClient usage keys)."""
        return completion_usage(response)
