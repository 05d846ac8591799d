"""``OpenAICompletionsClient`` (``api_type="openai_v2"``): the chat completions API answering with a
:class:`UnifiedResponse`.

Reasoning (the ``reasoning`` / ``reasoning_content`` field OpenAI-compatible servers send), text,
tool calls, URL citations (``annotations``), audio, refusals, parsed structured output and any message
field unknown here (as :class:`GenericContent`) become content blocks.

Built by ``OpenAIWrapper`` for a config entry, the client resolves its endpoint and shares the openai
SDK client with every config of that endpoint (:mod:`autogen.oai.endpoints`; SDK retries off, the
wrapper retries). Built directly, ``OpenAICompletionsClient(api_key=..., base_url=...)``, it makes its
own ``openai.OpenAI`` client on first use, as ag2 did. The openai SDK is imported on the first request.
"""

from __future__ import annotations

import asyncio
import warnings
from collections.abc import Mapping
from typing import Any, ClassVar

from ..import_utils import optional_import
from ..oai.endpoints import CLIENT_KWARGS, OPENAI_CLIENT_KWARGS, get_async_client, get_sync_client, resolve_endpoint
from ..oai.openai_client import _a_post, _post, _raise_if_name_error, _with_usage
from ..oai.pricing import lookup_price, normalize_price
from ..oai.request import build_chat_request, sdk_keywords
from ..oai.streaming import StreamAssembler, stream_sender
from ..oai.structured import is_model_class
from .client_v2 import RESPONSE_USAGE_KEYS, chat_completion_dict, retrieve_messages, usage_of
from .models import (
    AudioContent,
    BaseContent,
    CitationContent,
    GenericContent,
    ReasoningContent,
    TextContent,
    ToolCallContent,
    UnifiedMessage,
    UnifiedResponse,
    normalize_role,
)

__all__ = ["OpenAICompletionsClient"]

# ag2's v2 client prices a model missing from the price table like GPT-4 Turbo (USD per 1K tokens).
DEFAULT_PRICE_1K = (0.01, 0.03)
_CLIENT_ONLY = CLIENT_KWARGS - {"timeout"}
# Message fields read into their own blocks; any other field with a value becomes a GenericContent.
_KNOWN_FIELDS = frozenset(
    {"role", "content", "reasoning", "reasoning_content", "tool_calls", "citations", "annotations", "audio",
     "name", "function_call", "parsed", "refusal"}
)  # fmt: skip
_warned_unpriced: set[str] = set()


def __getattr__(name: str) -> Any:
    # ``OpenAI``: the SDK client class a directly built client uses (resolved on use; patchable).
    if name == "OpenAI":
        return _openai().OpenAI
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _openai() -> Any:
    return optional_import("openai", "openai", feature="OpenAICompletionsClient (api_type='openai_v2')")


def _sdk_class() -> Any:
    cls = globals().get("OpenAI")
    return cls if cls is not None else _openai().OpenAI


class OpenAICompletionsClient:
    """The OpenAI chat completions API as a v2 client: ``create`` returns a :class:`UnifiedResponse`.

    Args:
        api_key: the API key (default: the ``OPENAI_API_KEY`` environment variable).
        base_url: another OpenAI-compatible endpoint.
        timeout: request timeout in seconds.
        response_format: default structured-output format (a pydantic model class is answered through
            the SDK's ``chat.completions.parse``; a dict is sent as is).
        **kwargs: further ``openai.OpenAI`` arguments (``organization``, ``default_headers``...).
    """

    RESPONSE_USAGE_KEYS: ClassVar[list[str]] = RESPONSE_USAGE_KEYS
    CONNECTION_KEYS: ClassVar[frozenset[str]] = CLIENT_KWARGS

    def __init__(
        self,
        api_key: str | None = None,
        base_url: str | None = None,
        timeout: float = 60.0,
        response_format: Any = None,
        **kwargs: Any,
    ) -> None:
        sdk_kwargs = {k: v for k, v in kwargs.items() if k in OPENAI_CLIENT_KWARGS}
        config = {k: v for k, v in kwargs.items() if k not in OPENAI_CLIENT_KWARGS}
        sdk_kwargs.update(api_key=api_key, base_url=base_url, timeout=timeout)
        self._setup({"api_type": "openai_v2", **config, **sdk_kwargs}, response_format, 0)
        self._sdk_kwargs: dict[str, Any] | None = sdk_kwargs

    @classmethod
    def from_wrapper_config(
        cls, config: Mapping[str, Any], *, response_format: Any = None, config_index: int = 0
    ) -> OpenAICompletionsClient:
        """The client ``OpenAIWrapper`` builds for one config entry (SDK client shared per endpoint)."""
        self = cls.__new__(cls)
        self._setup(dict(config), response_format, config_index)
        self._sdk_kwargs = None
        return self

    def _setup(self, config: dict[str, Any], response_format: Any, config_index: int) -> None:
        self._config = config
        self._config_index = config_index
        self._default_response_format = response_format
        self._price = normalize_price(config.get("price"))
        self._own_client: Any = None
        self._endpoint: Any = None

    # ---- connection ----

    @property
    def model(self) -> str | None:
        """The configured model."""
        return self._config.get("model")

    @property
    def base_url(self) -> str | None:
        """The configured endpoint URL (None: the SDK default)."""
        url = self._config.get("base_url")
        return str(url) if url else None

    @property
    def client(self) -> Any:
        """The openai SDK client requests go through."""
        if self._own_client is not None:
            return self._own_client
        if self._sdk_kwargs is not None:
            self._own_client = _sdk_class()(**{k: v for k, v in self._sdk_kwargs.items() if v is not None})
            return self._own_client
        return get_sync_client(self._resolve())

    @client.setter
    def client(self, value: Any) -> None:
        self._own_client = value

    def _resolve(self) -> Any:
        if self._endpoint is None:
            self._endpoint = resolve_endpoint(self._config, config_index=self._config_index)
        return self._endpoint

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        if self._sdk_kwargs is not None:
            state["_own_client"] = None  # a copy makes its own SDK client when it needs one
        return state

    # ---- requests ----

    def _is_pydantic_model(self, obj: Any) -> bool:
        """Whether ``obj`` is a pydantic model class (answered through ``chat.completions.parse``)."""
        return is_model_class(obj)

    def _request(self, method: Any, params: dict[str, Any]) -> dict[str, Any]:
        params = {k: v for k, v in params.items() if k not in _CLIENT_ONLY}
        if params.get("timeout") is None and self._sdk_kwargs is None and self._config.get("timeout") is not None:
            params["timeout"] = self._config["timeout"]
        return build_chat_request(params, accepted=sdk_keywords(method))

    def _plan(self, params: dict[str, Any]) -> tuple[dict[str, Any], Any]:
        params = dict(params)
        if self._default_response_format is not None and params.get("response_format") is None:
            params["response_format"] = self._default_response_format
        if not params.get("model") and self.model:
            params["model"] = self.model
        parse_format = params.get("response_format") if self._is_pydantic_model(params.get("response_format")) else None
        if parse_format is not None:
            params = {k: v for k, v in params.items() if k not in ("response_format", "stream", "stream_options")}
        return params, parse_format

    def create(self, params: dict[str, Any]) -> UnifiedResponse:  # type: ignore[override]
        """Send one chat completions request; the answer as a :class:`UnifiedResponse` (with ``cost``)."""
        params, parse_format = self._plan(params)
        client = self.client
        if parse_format is not None:
            method = client.chat.completions.parse
            request = {**self._request(method, params), "response_format": parse_format}
            try:
                raw = method(**request)
            except Exception as e:
                _raise_if_name_error(e)
                raise
            return self._transform_response(raw, request.get("model", "unknown"), use_parse=True, request=request)
        method = client.chat.completions.create
        request = self._request(method, params)
        stream = bool(request.get("stream"))
        raw = _post(client, method, request, stream)
        if stream:
            assembler = StreamAssembler()
            send = stream_sender()
            for chunk in raw:
                text = assembler.add(chunk)
                if text:
                    send(text)
            raw = _with_usage(assembler.result(), request)
        return self._transform_response(raw, request.get("model", "unknown"), request=request)

    async def a_create(self, params: dict[str, Any]) -> UnifiedResponse:
        """Async :meth:`create` (on the shared AsyncOpenAI client of the running loop)."""
        if self._sdk_kwargs is not None or self._own_client is not None:
            return await asyncio.to_thread(self.create, params)
        params, parse_format = self._plan(params)
        client = get_async_client(self._resolve())
        if parse_format is not None:
            method = client.chat.completions.parse
            request = {**self._request(method, params), "response_format": parse_format}
            try:
                raw = await method(**request)
            except Exception as e:
                _raise_if_name_error(e)
                raise
            return self._transform_response(raw, request.get("model", "unknown"), use_parse=True, request=request)
        method = client.chat.completions.create
        request = self._request(method, params)
        stream = bool(request.get("stream"))
        raw = await _a_post(client, method, request, stream)
        if stream:
            assembler = StreamAssembler()
            send = stream_sender()
            async for chunk in raw:
                text = assembler.add(chunk)
                if text:
                    send(text)
            raw = _with_usage(assembler.result(), request)
        return self._transform_response(raw, request.get("model", "unknown"), request=request)

    # ---- the unified response ----

    def _transform_response(
        self, openai_response: Any, model: str, use_parse: bool = False, request: dict[str, Any] | None = None
    ) -> UnifiedResponse:
        """A chat completion (SDK object) as a :class:`UnifiedResponse`, its cost included."""
        messages = [self._message(choice.message, use_parse, request or {}) for choice in openai_response.choices]
        usage: dict[str, int | float] = {}
        raw_usage = getattr(openai_response, "usage", None)
        if raw_usage is not None:
            usage = {
                "prompt_tokens": raw_usage.prompt_tokens or 0,
                "completion_tokens": raw_usage.completion_tokens or 0,
                "total_tokens": raw_usage.total_tokens or 0,
            }
        choices = openai_response.choices
        response = UnifiedResponse(
            id=openai_response.id or "",
            model=openai_response.model or model,
            provider="openai",
            messages=messages,
            usage=usage,
            finish_reason=choices[0].finish_reason if choices else None,
            status="completed",
            provider_metadata={
                "created": getattr(openai_response, "created", None),
                "system_fingerprint": getattr(openai_response, "system_fingerprint", None),
                "service_tier": getattr(openai_response, "service_tier", None),
            },
        )
        response.cost = self.cost(response)
        return response

    def _message(self, message: Any, use_parse: bool, request: dict[str, Any]) -> UnifiedMessage:
        blocks: list[BaseContent] = []
        reasoning = getattr(message, "reasoning", None) or getattr(message, "reasoning_content", None)
        if isinstance(reasoning, str) and reasoning:
            blocks.append(ReasoningContent(reasoning=reasoning))
        parsed = getattr(message, "parsed", None) if use_parse else None
        if parsed is not None:
            blocks.append(GenericContent(type="parsed", parsed=_as_dict(parsed)))
        refusal = getattr(message, "refusal", None)
        if isinstance(refusal, str) and refusal:
            blocks.append(GenericContent(type="refusal", refusal=refusal))
        content = message.content
        if content:
            blocks.append(TextContent(text=content))
        for call in getattr(message, "tool_calls", None) or ():
            function = getattr(call, "function", None)
            if function is not None:
                blocks.append(ToolCallContent(id=call.id or "", name=function.name, arguments=function.arguments or ""))
            else:  # a custom (free-form) tool call
                blocks.append(GenericContent(type=getattr(call, "type", None) or "tool_call", **_as_dict(call)))
        for citation in getattr(message, "citations", None) or ():
            blocks.append(_citation(citation))
        for annotation in getattr(message, "annotations", None) or ():
            blocks.append(_annotation_block(annotation, content or ""))
        audio = getattr(message, "audio", None)
        if audio is not None:
            blocks.append(_audio_block(audio, request))
        dump = message.model_dump(warnings=False) if hasattr(message, "model_dump") else {}
        for field, value in dump.items() if isinstance(dump, dict) else ():
            if field not in _KNOWN_FIELDS and value is not None:
                blocks.append(GenericContent(type=field, **{field: value}))
        return UnifiedMessage(
            role=normalize_role(getattr(message, "role", None)),
            content=blocks,
            name=getattr(message, "name", None),
        )

    # ---- ModelClient protocol ----

    def create_v1_compatible(self, params: dict[str, Any]) -> dict[str, Any]:
        """Send one request; the answer flattened to a ``chat.completion`` dict (reasoning, citations and
        other blocks reduced to text)."""
        return chat_completion_dict(self.create(params))

    def message_retrieval(self, response: UnifiedResponse) -> list[Any]:  # type: ignore[override]
        """Per message: its text, or an OpenAI message dict when it calls tools or carries media."""
        return retrieve_messages(response, self._default_response_format)

    def cost(self, response: UnifiedResponse) -> float:  # type: ignore[override]
        """USD cost of ``response``: the entry's ``price``, else the OpenAI price table (models missing
        from it are priced like GPT-4 Turbo, as ag2 does)."""
        if not response.usage:
            return 0.0
        price = self._price or lookup_price(response.model)
        if price is None:
            price = DEFAULT_PRICE_1K
            if response.model not in _warned_unpriced:
                _warned_unpriced.add(response.model)
                warnings.warn(
                    f"Model {response.model!r} is not in the price table; its cost is estimated at GPT-4 Turbo "
                    "rates. Set 'price': [prompt_price_per_1k, completion_price_per_1k] in its config entry.",
                    UserWarning,
                    stacklevel=2,
                )
        prompt = response.usage.get("prompt_tokens", 0) or 0
        completion = response.usage.get("completion_tokens", 0) or 0
        return (prompt * price[0] + completion * price[1]) / 1000

    @staticmethod
    def get_usage(response: UnifiedResponse) -> dict[str, Any]:  # type: ignore[override]
        """Token counts, cost and model of ``response``."""
        return usage_of(response)


def _as_dict(value: Any) -> dict[str, Any]:
    if isinstance(value, Mapping):
        return dict(value)
    dump = getattr(value, "model_dump", None)
    if callable(dump):
        data = dump()
        if isinstance(data, dict):
            return data
    return {"value": str(value)}


def _citation(citation: Any) -> BaseContent:
    data = _as_dict(citation)
    return CitationContent(
        url=str(data.get("url") or ""),
        title=str(data.get("title") or ""),
        snippet=str(data.get("snippet") or ""),
        relevance_score=data.get("relevance_score"),
    )


def _annotation_block(annotation: Any, text: str) -> BaseContent:
    # chat completions' web-search citations: {"type": "url_citation", "url_citation": {url, title, start_index, end_index}}
    data = _as_dict(annotation)
    cited = data.get("url_citation")
    if data.get("type") != "url_citation" or not isinstance(cited, Mapping):
        return GenericContent(type="annotation", **data)
    start, end = cited.get("start_index"), cited.get("end_index")
    snippet = text[start:end] if isinstance(start, int) and isinstance(end, int) else ""
    return CitationContent(
        url=str(cited.get("url") or ""),
        title=str(cited.get("title") or ""),
        snippet=snippet,
        extra={"start_index": start, "end_index": end},
    )


def _audio_block(audio: Any, request: dict[str, Any]) -> BaseContent:
    data = _as_dict(audio)
    wanted = request.get("audio")
    fmt = wanted.get("format") if isinstance(wanted, Mapping) else None
    encoded = data.get("data")
    return AudioContent(
        data_uri=f"data:audio/{fmt or 'wav'};base64,{encoded}" if encoded else None,
        transcript=data.get("transcript"),
        extra={k: data[k] for k in ("id", "expires_at") if data.get(k) is not None},
    )
