"""One model client for the providers whose own SDKs speak OpenAI's chat-completions wire format.

Groq (``groq``), Cerebras (``cerebras_cloud_sdk``) and Together.AI (``together``) each ship a Stainless
SDK with the same shape: ``Client(api_key=, base_url=, max_retries=, ...)``, ``client.chat.completions
.create(...)`` returning an OpenAI-like completion or a stream of chunks, and the same exception classes
(``RateLimitError``, ``AuthenticationError``, ``APIConnectionError``...). So one client class does the
work, parametrized by a :class:`ChatSDKProvider` (which SDK, which parameters with which defaults and
ranges, which price table); :mod:`autogen.oai.groq`, :mod:`autogen.oai.cerebras` and
:mod:`autogen.oai.together` each declare one and subclass :class:`ChatSDKClient` under ag2's name.

The SDK is imported on the first request (a missing one is an ImportError naming the extra); SDK
clients are shared per endpoint (one per process, one per event loop for async) with the SDK's own
retries off, so the wrapper retries, honouring ``retry-after``. Any chat history is sent as a request
these APIs accept (see :func:`to_chat_messages`).
"""

from __future__ import annotations

import inspect
import json
import os
import re
import sys
import time
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from ..import_utils import optional_import
from ._response_cost import store_cost
from .client_utils import HIDE_TOOLS_VALUES, should_hide_tools, validate_parameter
from .endpoints import ClientRegistry, on_registry_clear, secret_value
from .errors import FailureKind, MissingAPIKeyError, register_failure_classifier
from .openai_client import _with_usage, completion_messages, completion_usage
from .pricing import normalize_price, response_cost
from .request import sdk_parameter_names
from .streaming import StreamAssembler, openai_finish_reason, stream_sender

__all__ = ["ChatSDKClient", "ChatSDKProvider", "ParamRule", "register_provider", "to_chat_messages"]


@dataclass(frozen=True)
class ParamRule:
    """How one request parameter is read from the params: :func:`validate_parameter`'s arguments."""

    name: str
    types: Any
    default: Any = None
    bounds: tuple[float | None, float | None] | None = None
    allowed: list[Any] | None = None
    allow_none: bool = True
    only_if_given: bool = False
    """Read (and sent) only when the params have the key."""

    def read(self, params: Mapping[str, Any]) -> Any:
        """The checked value (the default, with a warning, when it fails a check)."""
        return validate_parameter(
            params, self.name, self.types, self.allow_none, self.default, self.bounds, self.allowed
        )


@dataclass(frozen=True)
class ChatSDKProvider:
    """What differs between the OpenAI-wire-compatible SDKs."""

    api_type: str
    label: str
    """The provider's name in ag2's messages ("Groq", "Cerebras", "Together.AI")."""
    format_label: str
    """The provider's name in the "response_format is not supported for ..." warning."""
    extra: str
    """The ``pip install "ag2[<extra>]"`` that brings the SDK."""
    module: str
    """The SDK's import path."""
    sync_class: str
    async_class: str
    key_env: str
    rules: tuple[ParamRule, ...]
    cost: Callable[[int, int, str], float]
    """ag2's cost helper: ``cost(input_tokens, output_tokens, model)`` in USD (warns for unknown models)."""
    route_prefix: Callable[[Any], str] = lambda sdk: "/v1"
    """The path the SDK's route puts before ``/chat/completions`` (given the SDK module): a ``base_url``
    ending in it (the provider's OpenAI-compatible URL) has it cut off, since the SDK adds it again."""
    forwarded: frozenset[str] = frozenset()
    """Further request fields sent as given when present in the params."""
    keep_names: bool = False
    """Send the messages' ``name`` (ag2 drops it for Groq and Cerebras)."""
    stream_with_tools: bool = True
    """Whether a request offering tools may stream (Together's client turns streaming off then)."""
    client_options: Mapping[str, Any] = field(default_factory=dict)
    """SDK constructor options, passed when the installed SDK takes them."""

    @property
    def package(self) -> str:
        """The top-level package the SDK's exceptions live in."""
        return self.module.partition(".")[0]

    def sdk(self) -> Any:
        """The SDK module, imported now (ImportError naming the extra when missing)."""
        return optional_import(
            self.module, self.extra, feature=f"The {self.label} model client (api_type='{self.api_type}')"
        )


_PROVIDERS: dict[str, ChatSDKProvider] = {}


def register_provider(provider: ChatSDKProvider) -> ChatSDKProvider:
    """Make ``provider`` known to the shared SDK-client registry and teach the wrapper its SDK's errors."""
    _PROVIDERS[provider.api_type] = provider
    register_failure_classifier(provider.package, _classifier(provider))
    return provider


# ---- shared SDK clients -------------------------------------------------------------------------


def _build_sdk_client(key: tuple[Any, ...], for_async: bool) -> Any:
    api_type, api_key, base_url, headers, http_client = key
    provider = _PROVIDERS[api_type]
    cls = getattr(provider.sdk(), provider.async_class if for_async else provider.sync_class)
    kwargs: dict[str, Any] = {"api_key": api_key, "max_retries": 0}  # the wrapper retries, visibly
    if base_url:
        kwargs["base_url"] = base_url
    if headers:
        kwargs["default_headers"] = dict(headers)
    if http_client is not None and hasattr(http_client, "aclose") == for_async:
        kwargs["http_client"] = http_client
    accepted = inspect.signature(cls.__init__).parameters
    kwargs.update({k: v for k, v in provider.client_options.items() if k in accepted})
    return cls(**kwargs)


_clients = ClientRegistry(_build_sdk_client)
on_registry_clear(_clients.clear)


# ---- errors -------------------------------------------------------------------------------------


def _classifier(provider: ChatSDKProvider) -> Callable[[BaseException], FailureKind | None]:
    def classify(exc: BaseException) -> FailureKind | None:
        sdk = sys.modules.get(provider.module)
        if sdk is None or not isinstance(exc, getattr(sdk, "APIError", ())):
            return None
        if isinstance(exc, sdk.APITimeoutError):
            return FailureKind.TIMEOUT
        if isinstance(exc, (sdk.APIConnectionError, sdk.APIResponseValidationError)):
            return FailureKind.RETRY
        if isinstance(exc, sdk.APIStatusError):
            status = exc.status_code
            if status == 429 or status >= 500 or status in (408, 409):  # rate limit (retry-after), overload
                return FailureKind.RETRY
            return FailureKind.NEXT  # auth, permission, bad request, not found: retrying cannot help
        return FailureKind.NEXT

    return classify


# ---- messages -----------------------------------------------------------------------------------

_NAME_CHARS = re.compile(r"[^a-zA-Z0-9_-]")


def _text(content: Any) -> str:
    """A message content as plain text (text parts joined, other parts as JSON)."""
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        pieces = []
        for part in content:
            if isinstance(part, Mapping) and part.get("type") == "text":
                pieces.append(str(part.get("text", "")))
            else:
                pieces.append(json.dumps(part, default=str))
        return "\n".join(pieces)
    return json.dumps(content, default=str)


def _arguments(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value if value is not None else {}, default=str)


def _call(call: Mapping[str, Any]) -> dict[str, Any]:
    function = call.get("function") or {}
    return {
        "id": str(call.get("id")),
        "type": "function",
        "function": {"name": str(function.get("name", "")), "arguments": _arguments(function.get("arguments"))},
    }


def _answered_calls(messages: list[Any]) -> dict[int, set[str]]:
    """Per assistant message (by index): the ids of its tool calls answered by the tool messages right after it."""
    answered: dict[int, set[str]] = {}
    for i, message in enumerate(messages):
        if not isinstance(message, Mapping) or message.get("role") != "assistant" or not message.get("tool_calls"):
            continue
        ids = {str(c.get("id")) for c in message["tool_calls"] if isinstance(c, Mapping)}
        found: set[str] = set()
        j = i + 1
        while j < len(messages) and isinstance(messages[j], Mapping) and messages[j].get("role") == "tool":
            found.add(str(messages[j].get("tool_call_id")))
            j += 1
        answered[i] = ids & found
    return answered


def to_chat_messages(messages: list[Any], *, keep_names: bool = False) -> list[dict[str, Any]]:
    """The history as chat-completions messages these APIs accept (the given messages are not changed).

    Each message keeps only the fields its role takes (Groq refuses any other property). A tool call
    is sent only when a tool message right after it answers it; an unanswered call is told in the
    assistant's text instead, and a tool result without its call (or a legacy ``function`` result)
    becomes a user message ``(tool result: ...)``. Missing contents become "" (an assistant message
    with calls keeps ``None``); system and tool contents are plain text. Names are dropped unless
    ``keep_names``, then reduced to the characters OpenAI-style APIs allow.
    """
    answered = _answered_calls(messages)
    pending: set[str] = set()  # answered call ids whose result has not been sent yet
    out: list[dict[str, Any]] = []
    for i, message in enumerate(messages):
        if not isinstance(message, Mapping):
            out.append({"role": "user", "content": str(message)})
            continue
        role = message.get("role") or "user"
        content = message.get("content")
        if role == "tool":
            call_id = str(message.get("tool_call_id"))
            if call_id in pending:
                pending.discard(call_id)
                out.append({"role": "tool", "tool_call_id": call_id, "content": _text(content)})
            else:
                out.append({"role": "user", "content": f"(tool result: {_text(content)})"})
            continue
        if role == "function":
            out.append({"role": "user", "content": f"(result of {message.get('name', 'function')}: {_text(content)})"})
            continue
        pending = set()
        if role == "developer":
            role = "system"
        elif role not in ("system", "user", "assistant"):
            role = "user"
        converted: dict[str, Any] = {"role": role}
        if role == "assistant":
            calls = [c for c in message.get("tool_calls") or [] if isinstance(c, Mapping)]
            sent = [_call(c) for c in calls if str(c.get("id")) in answered.get(i, ())]
            notes = [
                f"(called tool {c['function']['name']} with {c['function']['arguments']})"
                for c in map(_call, calls)
                if c["id"] not in answered.get(i, ())
            ]
            legacy = message.get("function_call")
            if isinstance(legacy, Mapping):
                notes.append(f"(called function {legacy.get('name')} with {_arguments(legacy.get('arguments'))})")
            text = "\n".join(t for t in [_text(content), *notes] if t)
            converted["content"] = text if text or not sent else None
            if sent:
                converted["tool_calls"] = sent
                pending = {c["id"] for c in sent}
        elif role == "system" or content is None:
            converted["content"] = _text(content)
        else:
            converted["content"] = content if isinstance(content, (str, list)) else _text(content)
        name = message.get("name")
        if keep_names and isinstance(name, str) and name:
            converted["name"] = _NAME_CHARS.sub("_", name)[:64]
        out.append(converted)
    return out


# ---- the client ---------------------------------------------------------------------------------


def _call_kwargs(method: Any, request: dict[str, Any], timeout: Any) -> dict[str, Any]:
    """``create`` keyword arguments: fields this SDK version has no parameter for travel in ``extra_body``."""
    accepted = sdk_parameter_names(method)
    kwargs: dict[str, Any] = {}
    extra_body: dict[str, Any] = dict(request.get("extra_body") or {})
    for key, value in request.items():
        if key != "extra_body":
            (kwargs if key in accepted else extra_body)[key] = value
    if extra_body:
        kwargs["extra_body"] = extra_body
    if timeout is not None:
        kwargs["timeout"] = timeout
    return kwargs


def _dump(obj: Any) -> dict[str, Any]:
    if isinstance(obj, Mapping):
        return dict(obj)
    return obj.model_dump()


class ChatSDKClient:
    """A ``ModelClient`` over an OpenAI-wire-compatible provider SDK; answers OpenAI ChatCompletions.

    Built as ag2 builds it, ``Client(**config_entry)``: a missing key is an AssertionError at once
    (ag2's behaviour) unless ``OpenAIWrapper`` builds it, which reports a MissingAPIKeyError naming the
    environment variable at the first call instead. Nothing is imported or connected here.
    """

    PROVIDER: ClassVar[ChatSDKProvider]
    RESPONSE_USAGE_KEYS: ClassVar[list[str]] = ["prompt_tokens", "completion_tokens", "total_tokens", "cost", "model"]
    CONNECTION_KEYS: ClassVar[frozenset[str]] = frozenset(
        {"api_key", "base_url", "default_headers", "http_client", "max_retries"}
    )

    def __init__(self, **kwargs: Any) -> None:
        defer = kwargs.pop("_defer_credential_check", False)
        self._config_index = kwargs.pop("_config_index", 0)
        self._config = kwargs
        provider = self.PROVIDER
        self.api_key: str | None = secret_value(kwargs.get("api_key")) or os.getenv(provider.key_env)
        if not self.api_key and not defer:
            raise AssertionError(self._missing_key_message())
        self.base_url: str | None = str(kwargs["base_url"]) if kwargs.get("base_url") else None
        if kwargs.get("response_format") is not None:
            warnings.warn(
                f"response_format is not supported for {provider.format_label}, it will be ignored.", UserWarning
            )
        self._price = normalize_price(kwargs.get("price"))
        self._key: tuple[Any, ...] | None = None

    @classmethod
    def from_wrapper_config(
        cls, config: Mapping[str, Any], *, response_format: Any = None, config_index: int = 0
    ) -> ChatSDKClient:
        """The client ``OpenAIWrapper`` builds for one config entry (the key is checked at the first call)."""
        return cls(
            **{**config, "response_format": response_format}, _defer_credential_check=True, _config_index=config_index
        )

    def _missing_key_message(self) -> str:
        p = self.PROVIDER
        return (
            f"Please include the api_key in your config list entry for {p.label} or set the {p.key_env} env variable."
        )

    @property
    def model(self) -> str | None:
        """The configured model."""
        return self._config.get("model")

    # ---- connection ----

    def _endpoint_key(self) -> tuple[Any, ...]:
        if self._key is None:
            provider = self.PROVIDER
            if not self.api_key:
                raise MissingAPIKeyError(
                    f"config entry {self._config_index} (model={self.model!r}, api_type={provider.api_type!r}): "
                    + self._missing_key_message()
                )
            base_url = None
            if self.base_url:
                base_url = self.base_url.rstrip("/")
                prefix = provider.route_prefix(provider.sdk())
                if prefix and base_url.endswith(prefix):
                    base_url = base_url[: -len(prefix)]
            headers = tuple(sorted((self._config.get("default_headers") or {}).items()))
            self._key = (provider.api_type, self.api_key, base_url, headers, self._config.get("http_client"))
        return self._key

    def sdk_client(self) -> Any:
        """The process-wide SDK client (``groq.Groq``, ``cerebras.cloud.sdk.Cerebras``...) for this endpoint."""
        return _clients.sync_client(self._endpoint_key())

    def async_sdk_client(self) -> Any:
        """The async SDK client for this endpoint and the running event loop."""
        return _clients.async_client(self._endpoint_key())

    def __getstate__(self) -> dict[str, Any]:
        return self.__dict__.copy()  # holds no SDK client: copies share the registry

    # ---- requests ----

    def parse_params(self, params: dict[str, Any]) -> dict[str, Any]:
        """The provider's request settings read from ``params``, checked (types, ranges) with defaults set."""
        provider = self.PROVIDER
        out: dict[str, Any] = {"model": params.get("model")}
        if not out["model"]:
            raise AssertionError(
                f"Please specify the 'model' in your config list entry to nominate the {provider.label} model to use."
            )
        for rule in provider.rules:
            if not rule.only_if_given or rule.name in params:
                out[rule.name] = rule.read(params)
        if not provider.stream_with_tools and out.get("stream") and "tools" in params:
            warnings.warn("Streaming is not supported when using tools, streaming will be disabled.", UserWarning)
            out["stream"] = False
        return out

    def _request(self, params: dict[str, Any]) -> tuple[dict[str, Any], bool, Any]:
        provider = self.PROVIDER
        messages = params.get("messages")
        if messages is None and params.get("prompt") is not None:
            messages = [{"role": "user", "content": params["prompt"]}]
        chat = to_chat_messages(list(messages or []), keep_names=provider.keep_names)
        request = self.parse_params(params)
        tools = params.get("tools")
        if tools:
            hide = validate_parameter(params, "hide_tools", str, False, "never", None, HIDE_TOOLS_VALUES)
            if not should_hide_tools(chat, tools, hide):
                request["tools"] = tools
        request["messages"] = chat
        for key in provider.forwarded | {"extra_body", "extra_headers"}:
            if key in params and key not in request:
                request[key] = params[key]
        request = {k: v for k, v in request.items() if v is not None}
        if "tools" not in request:
            request.pop("tool_choice", None)
            request.pop("parallel_tool_calls", None)
        stream = bool(request.pop("stream", False))
        if stream:
            request["stream"] = True
        return request, stream, params.get("timeout", self._config.get("timeout"))

    def create(self, params: dict[str, Any]) -> Any:
        """Send one chat request and return an OpenAI ChatCompletion (with ``.cost``); streams are assembled."""
        client = self.sdk_client()
        request, stream, timeout = self._request(params)
        method = client.chat.completions.create
        result = method(**_call_kwargs(method, request, timeout))
        if not stream:
            return self._completion(_dump(result), request)
        collector = _Collector()
        for chunk in result:
            collector.add(chunk)
        return self._streamed(collector, request)

    async def a_create(self, params: dict[str, Any]) -> Any:
        """Async twin of :meth:`create`, on the loop's async SDK client."""
        client = self.async_sdk_client()
        request, stream, timeout = self._request(params)
        method = client.chat.completions.create
        result = await method(**_call_kwargs(method, request, timeout))
        if not stream:
            return self._completion(_dump(result), request)
        collector = _Collector()
        async for chunk in result:
            collector.add(chunk)
        return self._streamed(collector, request)

    def _completion(self, data: dict[str, Any], request: dict[str, Any]) -> Any:
        from .oai_models import ChatCompletion

        data = {**data, "model": request["model"], "object": "chat.completion"}
        data.setdefault("created", int(time.time()))
        choices = []
        for choice in data.get("choices") or []:
            choice = dict(choice)
            message = {**(choice.get("message") or {}), "role": "assistant"}
            if not message.get("tool_calls"):
                message.pop("tool_calls", None)
            choice["message"] = message
            choice["finish_reason"] = openai_finish_reason(choice.get("finish_reason"), "tool_calls" in message)
            if not isinstance(choice.get("logprobs"), (dict, type(None))):
                choice["logprobs"] = None  # Together's plain-number logprobs
            choices.append(choice)
        data["choices"] = choices
        response = ChatCompletion.model_validate(data)
        return self._priced(response)

    def _streamed(self, collector: _Collector, request: dict[str, Any]) -> Any:
        response = collector.result()
        response.model = request["model"]
        return self._priced(_with_usage(response, request))

    def _priced(self, response: Any) -> Any:
        usage = response.usage
        prompt = getattr(usage, "prompt_tokens", 0) or 0
        completion = getattr(usage, "completion_tokens", 0) or 0
        store_cost(response, self._cost_of(str(response.model), prompt, completion))
        return response

    # ---- ModelClient protocol ----

    def _cost_of(self, model: str, prompt_tokens: int, completion_tokens: int) -> float:
        if self._price is not None:
            return (self._price[0] * prompt_tokens + self._price[1] * completion_tokens) / 1000
        return self.PROVIDER.cost(prompt_tokens, completion_tokens, model)

    def cost(self, response: Any) -> float:
        """USD cost of ``response`` (set when it was built: the entry's ``price`` or the provider's prices)."""
        return response_cost(response, self._cost_of)

    def message_retrieval(self, response: Any) -> list[Any]:
        """Per choice: the message object when it calls tools, else its text."""
        return completion_messages(response, None)

    @staticmethod
    def get_usage(response: Any) -> dict[str, Any]:
        """Token counts, cost and model of ``response`` (the ModelClient usage keys)."""
        return completion_usage(response)


class _Collector:
    """A streamed reply: text pieces shown as they come, chunks assembled into one ChatCompletion.
    Groq reports a stream's usage in the last chunk's ``x_groq`` instead of ``usage``."""

    def __init__(self) -> None:
        self._assembler = StreamAssembler()
        self._send = stream_sender()
        self._usage: Any = None

    def add(self, chunk: Any) -> None:
        # read as plain JSON: an SDK may parse a chunk into a type that keeps its delta as a dict
        # (Cerebras' union type when a field is missing)
        data = _dump(chunk)
        text = self._assembler.add(_Fields(data))
        if text:
            self._send(text)
        usage = (data.get("x_groq") or {}).get("usage")
        if usage is not None:
            self._usage = usage

    def result(self) -> Any:
        response = self._assembler.result()
        if response.usage is None and self._usage is not None:
            from .oai_models import CompletionUsage

            response.usage = CompletionUsage.model_validate(_dump(self._usage))
        return response


class _Fields(dict):
    """A JSON object read by attribute, as the stream assembler reads chunks (a missing field is None)."""

    def __getattr__(self, name: str) -> Any:
        value = self.get(name)
        if isinstance(value, dict):
            return _Fields(value)
        if isinstance(value, list):
            return [_Fields(v) if isinstance(v, dict) else v for v in value]
        return value
