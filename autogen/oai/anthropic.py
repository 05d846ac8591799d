"""The Anthropic model client (``api_type="anthropic"``): Claude through the ``anthropic`` SDK.

Config entry, as in ag2::

    {"api_type": "anthropic", "model": "claude-sonnet-4-5", "api_key": os.environ["ANTHROPIC_API_KEY"]}

On AWS Bedrock give ``aws_region`` (+ ``aws_access_key`` / ``aws_secret_key`` / ``aws_session_token``)
instead of ``api_key``; on Vertex AI give ``gcp_region`` and ``gcp_project_id`` (+ ``gcp_auth_token``).

The SDK is imported on the first request, never at ``import autogen``; without it the first request
raises an ImportError naming the extra (``pip install "ag2[anthropic]"``). SDK clients are shared per
endpoint (one per process, one per event loop for async), the SDK's own retries are off (the wrapper
retries, honouring ``retry-after``), and requests/responses are converted by
:mod:`autogen.oai.anthropic_convert`.
"""

from __future__ import annotations

import inspect
import logging
import os
import re
from collections.abc import Mapping
from typing import Any, ClassVar

from ..import_utils import optional_import
from ..llm_config.entry import AnthropicLLMConfigEntry
from ._response_cost import store_cost
from ._sdk_names import SDKNames
from .anthropic_convert import (
    build_messages_request,
    convert_tools,
    extract_json_text,
    image_block,
    response_to_completion_dict,
    strict_schema,
    supports_native_structured_outputs,
    to_anthropic_messages,
    usage_parts,
)
from .endpoints import ClientRegistry, on_registry_clear, secret_value
from .errors import FailureKind, MissingAPIKeyError, register_failure_classifier
from .openai_client import completion_messages, completion_usage
from .pricing import normalize_price, response_cost, warn_unpriced_once
from .request import sdk_parameter_names
from .streaming import stream_sender

__all__ = [
    "ANTHROPIC_PRICING_1k",
    "AnthropicClient",
    "AnthropicLLMConfigEntry",
    "has_messages_parse_api",
    "oai_messages_to_anthropic_messages",
    "process_image_content",
    "process_message_content",
    "supports_native_structured_outputs",
    "transform_schema_for_anthropic",
]

logger = logging.getLogger(__name__)

# USD per 1K tokens (input, output), from Anthropic's public price list. Prompt-cache writes cost
# 1.25x the input price and cache reads 0.1x.
ANTHROPIC_PRICING_1k: dict[str, tuple[float, float]] = {
    "claude-3-haiku": (0.00025, 0.00125),
    "claude-3-5-haiku": (0.0008, 0.004),
    "claude-haiku-4-5": (0.001, 0.005),
    "claude-3-sonnet": (0.003, 0.015),
    "claude-3-5-sonnet": (0.003, 0.015),
    "claude-3-7-sonnet": (0.003, 0.015),
    "claude-sonnet-4": (0.003, 0.015),
    "claude-sonnet-4-5": (0.003, 0.015),
    "claude-3-opus": (0.015, 0.075),
    "claude-opus-4": (0.015, 0.075),
    "claude-opus-4-1": (0.015, 0.075),
    "claude-opus-4-5": (0.005, 0.025),
    "claude-opus-4-6": (0.005, 0.025),
}
_CACHE_WRITE_FACTOR, _CACHE_READ_FACTOR = 1.25, 0.1
# dated / versioned names share their family's price: claude-sonnet-4-5-20250929, -latest, Bedrock's
# "anthropic.claude-3-5-sonnet-20240620-v1:0", Vertex's "claude-3-5-sonnet@20240620"
_NAME_SUFFIX = re.compile(r"(@\d{8}|-\d{8})?(-v\d+(:\d+)?)?(-latest)?$")
_warned: set[str] = set()

# Config keys that configure the connection: never request fields, never part of a cache key.
CONNECTION_KEYS = frozenset({
    "api_key", "base_url", "default_headers", "http_client", "max_retries",
    "aws_access_key", "aws_secret_key", "aws_session_token", "aws_region", "aws_profile",
    "gcp_project_id", "gcp_region", "gcp_auth_token",
})  # fmt: skip


def anthropic_price(model: str) -> tuple[float, float] | None:
    """``(input, output)`` USD per 1K tokens for a Claude model name, or None when unknown."""
    name = (model or "").rsplit("/", 1)[-1].lower().removeprefix("anthropic.").removeprefix("us.")
    if name in ANTHROPIC_PRICING_1k:
        return ANTHROPIC_PRICING_1k[name]
    return ANTHROPIC_PRICING_1k.get(_NAME_SUFFIX.sub("", name, count=1))


def _calculate_cost(input_tokens: int, output_tokens: int, model: str) -> float:
    """USD cost of ``input_tokens`` + ``output_tokens`` on ``model`` (ag2's helper); unknown model -> 0 with a warning."""
    price = anthropic_price(model)
    if price is None:
        warn_unpriced_once(
            _warned,
            model,
            f"Cost calculation not available for model {model}: set 'price': [input_per_1k, output_per_1k] "
            "in its config entry to track cost.",
            stacklevel=2,
        )
        return 0.0
    return (input_tokens * price[0] + output_tokens * price[1]) / 1000


# ---- shared SDK clients -------------------------------------------------------------------------


def clear_anthropic_clients() -> None:
    """Forget every shared Anthropic SDK client (new ones are built on the next call)."""
    _clients.clear()


def _sdk() -> Any:
    return optional_import("anthropic", "anthropic", feature="The Anthropic model client (api_type='anthropic')")


# ag2's module-level SDK names (autogen.oai.anthropic.Anthropic, ...), imported on first use
_SDK = SDKNames(
    globals(),
    {
        "Anthropic": ("anthropic", "Anthropic"),
        "AnthropicBedrock": ("anthropic", "AnthropicBedrock"),
        "AnthropicVertex": ("anthropic", "AnthropicVertex"),
        "BadRequestError": ("anthropic", "BadRequestError"),
        "anthropic_version": ("anthropic", "__version__"),
        "transform_schema": ("anthropic", "transform_schema"),
        "Message": ("anthropic.types", "Message"),
        "TextBlock": ("anthropic.types", "TextBlock"),
        "ThinkingBlock": ("anthropic.types", "ThinkingBlock"),
        "ToolUseBlock": ("anthropic.types", "ToolUseBlock"),
    },
    extra="anthropic",
    feature="The Anthropic model client (api_type='anthropic')",
    optional=frozenset({"transform_schema"}),
)
_SYNC_CLASS = {"direct": "Anthropic", "bedrock": "AnthropicBedrock", "vertex": "AnthropicVertex"}
_ASYNC_CLASS = {"direct": "AsyncAnthropic", "bedrock": "AsyncAnthropicBedrock", "vertex": "AsyncAnthropicVertex"}


def __getattr__(name: str) -> Any:
    return _SDK.module_getattr(name)


def _build_sdk_client(key: tuple[Any, ...], for_async: bool) -> Any:
    # the key starts with the sync SDK class in use (a class replaced on this module gets its own clients)
    sync_cls, kind, api_key, base_url, headers, aws, gcp = key
    sdk = _sdk()
    from ..version import __version__

    common: dict[str, Any] = {
        "max_retries": 0,  # the wrapper's retry policy makes every attempt visible
        "default_headers": {"User-Agent": f"ag2/{__version__} Anthropic/Python {sdk.__version__}", **dict(headers)},
    }
    if base_url:
        common["base_url"] = base_url
    cls = getattr(sdk, _ASYNC_CLASS[kind]) if for_async else sync_cls
    if kind == "bedrock":
        access, secret, token, region = aws
        return cls(aws_access_key=access, aws_secret_key=secret, aws_session_token=token, aws_region=region, **common)
    if kind == "vertex":
        project, region, token = gcp
        return cls(project_id=project, region=region, access_token=token, **common)
    return cls(api_key=api_key, **common)


_clients = ClientRegistry(_build_sdk_client)


# ---- errors -------------------------------------------------------------------------------------


def _classify_anthropic_error(exc: BaseException) -> FailureKind | None:
    """How the wrapper treats an ``anthropic`` SDK exception (see :func:`autogen.oai.errors.classify_failure`)."""
    import sys

    sdk = sys.modules.get("anthropic")
    if sdk is None or not isinstance(exc, sdk.AnthropicError):
        return None
    if isinstance(exc, sdk.APITimeoutError):
        return FailureKind.TIMEOUT
    if isinstance(exc, (sdk.APIConnectionError, sdk.APIResponseValidationError)):
        return FailureKind.RETRY
    if isinstance(exc, sdk.APIStatusError):
        status = exc.status_code
        if status == 429 or status >= 500 or status in (408, 409):  # rate limit, overloaded (529), 5xx
            return FailureKind.RETRY
        return FailureKind.NEXT  # auth, permission, bad request, not found: retrying cannot help
    if isinstance(exc, sdk.APIError):
        return FailureKind.NEXT
    return FailureKind.PROPAGATE


register_failure_classifier("anthropic", _classify_anthropic_error)
on_registry_clear(clear_anthropic_clients)


# ---- streaming ----------------------------------------------------------------------------------


_USAGE_KEYS = ("input_tokens", "output_tokens", "cache_creation_input_tokens", "cache_read_input_tokens")


def _field(obj: Any, name: str, default: Any = None) -> Any:
    return obj.get(name, default) if isinstance(obj, Mapping) else getattr(obj, name, default)


def _usage_dict(usage: Any) -> dict[str, int]:
    """The token counts of a (possibly partial) usage object."""
    out = {}
    for key in _USAGE_KEYS:
        value = _field(usage, key) if usage is not None else None
        if isinstance(value, int):
            out[key] = value
    return out


def _block_dict(block: Any) -> dict[str, Any]:
    """A content block opened by ``content_block_start`` as a dict the deltas complete."""
    kind = _field(block, "type")
    if kind == "text":
        return {"type": "text", "text": _field(block, "text", "") or ""}
    if kind == "tool_use":
        return {"type": "tool_use", "id": _field(block, "id", ""), "name": _field(block, "name", ""), "input": {}}
    if kind == "thinking":
        return {"type": "thinking", "thinking": _field(block, "thinking", "") or "",
                "signature": _field(block, "signature", "") or ""}  # fmt: skip
    dump = getattr(block, "model_dump", None)
    return dump() if callable(dump) else {"type": kind}


class _StreamAssembler:
    """Collects the events of a streamed Messages response into one ``Message``-shaped dict."""

    def __init__(self) -> None:
        self.message: dict[str, Any] = {"id": "", "content": [], "stop_reason": None, "usage": {}}
        self._json: dict[int, str] = {}

    def add(self, event: Any) -> str | None:
        """Take one event; returns the text it adds (to show to the user), if any."""
        kind = _field(event, "type")
        if kind == "content_block_delta":
            delta, index = event.delta, event.index
            block = self._block(index)
            delta_type = _field(delta, "type")
            if delta_type == "text_delta":
                block["text"] = block.get("text", "") + delta.text
                return delta.text
            if delta_type == "input_json_delta":
                self._json[index] = self._json.get(index, "") + delta.partial_json
            elif delta_type == "thinking_delta":
                block["thinking"] = block.get("thinking", "") + delta.thinking
            elif delta_type == "signature_delta":
                block["signature"] = block.get("signature", "") + delta.signature
            elif delta_type == "citations_delta":
                citation = delta.citation
                cited = citation.model_dump(exclude_none=True) if hasattr(citation, "model_dump") else dict(citation)
                block["citations"] = [*(block.get("citations") or ()), cited]
        elif kind == "content_block_start":
            self._block(event.index)
            self.message["content"][event.index] = _block_dict(event.content_block)
        elif kind == "message_start":
            self.message["id"] = _field(event.message, "id", "") or ""
            self.message["usage"] = _usage_dict(_field(event.message, "usage"))
        elif kind == "message_delta":
            self.message["stop_reason"] = _field(_field(event, "delta"), "stop_reason")
            self.message["usage"].update({k: v for k, v in _usage_dict(_field(event, "usage")).items() if v})
        return None

    def _block(self, index: int) -> dict[str, Any]:
        content = self.message["content"]
        while len(content) <= index:
            content.append({"type": "unknown"})
        return content[index]

    def result(self) -> dict[str, Any]:
        """The assembled message (tool inputs parsed from their JSON pieces)."""
        import json

        for index, raw in self._json.items():
            try:
                self.message["content"][index]["input"] = json.loads(raw) if raw else {}
            except ValueError:
                self.message["content"][index]["input"] = {"raw_arguments": raw}
        return self.message


# ---- the client ---------------------------------------------------------------------------------


class AnthropicClient:
    """A ``ModelClient`` for Anthropic's Messages API that answers with OpenAI-shaped ChatCompletions.

    Built as ag2 builds it, ``AnthropicClient(**config_entry)``: a missing credential raises ``ValueError``
    at once and the SDK client is made. Built by ``OpenAIWrapper`` (``from_wrapper_config``) nothing is
    imported or connected until the first call, which reports a missing credential (so building agents
    never fails).
    """

    RESPONSE_USAGE_KEYS: ClassVar[list[str]] = ["prompt_tokens", "completion_tokens", "total_tokens", "cost", "model"]
    CONNECTION_KEYS: ClassVar[frozenset[str]] = CONNECTION_KEYS

    def __init__(self, **kwargs: Any) -> None:
        defer = kwargs.pop("_defer_credential_check", False)
        self._config_index = kwargs.pop("_config_index", 0)
        self._config = kwargs
        # a Vertex AI project in the entry outweighs a key that is only in the environment
        env_key = None if kwargs.get("gcp_project_id") else os.getenv("ANTHROPIC_API_KEY")
        self._api_key = secret_value(kwargs.get("api_key")) or env_key
        self._aws_access_key = kwargs.get("aws_access_key") or os.getenv("AWS_ACCESS_KEY")
        self._aws_secret_key = kwargs.get("aws_secret_key") or os.getenv("AWS_SECRET_KEY")
        self._aws_session_token = kwargs.get("aws_session_token")
        self._aws_region = kwargs.get("aws_region") or os.getenv("AWS_REGION")
        self._gcp_project_id = kwargs.get("gcp_project_id")
        self._gcp_region = kwargs.get("gcp_region") or os.getenv("GCP_REGION")
        self._gcp_auth_token = kwargs.get("gcp_auth_token")
        self._base_url = str(kwargs["base_url"]) if kwargs.get("base_url") else None
        self._response_format = kwargs.get("response_format")
        self._price = normalize_price(kwargs.get("price"))
        self._key: tuple[Any, ...] | None = None
        self._credential_error: str | None = self._check_credentials()
        if self._credential_error and not defer:
            raise ValueError(self._credential_error)
        if not defer:
            self.sdk_client()  # built as ag2 builds it: with the client (the wrapper connects at the first call)

    @classmethod
    def from_wrapper_config(
        cls, config: Mapping[str, Any], *, response_format: Any = None, config_index: int = 0
    ) -> AnthropicClient:
        """The client ``OpenAIWrapper`` builds for one config entry (credentials checked at the first call)."""
        return cls(
            **{**config, "response_format": response_format},
            _defer_credential_check=True,
            _config_index=config_index,
        )

    def _check_credentials(self) -> str | None:
        if self._api_key:
            return None
        if self._aws_region:
            if self._aws_access_key and self._aws_secret_key:
                return None
            return "API key or AWS credentials are required to use the Anthropic API."
        if self._gcp_region:
            if self._gcp_project_id:
                return None
            return "API key or GCP credentials are required to use the Anthropic API."
        return (
            "API key or AWS credentials or GCP credentials are required to use the Anthropic API: set the "
            "ANTHROPIC_API_KEY environment variable or put 'api_key' in the config entry."
        )

    # ---- ag2's read-only attributes ----

    @property
    def api_key(self) -> str | None:
        return self._api_key

    @property
    def aws_access_key(self) -> str | None:
        return self._aws_access_key

    @property
    def aws_secret_key(self) -> str | None:
        return self._aws_secret_key

    @property
    def aws_session_token(self) -> str | None:
        return self._aws_session_token

    @property
    def aws_region(self) -> str | None:
        return self._aws_region

    @property
    def gcp_project_id(self) -> str | None:
        return self._gcp_project_id

    @property
    def gcp_region(self) -> str | None:
        return self._gcp_region

    @property
    def gcp_auth_token(self) -> str | None:
        return self._gcp_auth_token

    @property
    def model(self) -> str | None:
        """The configured model."""
        return self._config.get("model")

    @property
    def base_url(self) -> str | None:
        """The configured endpoint URL (None: the SDK default)."""
        return self._base_url

    # ---- connection ----

    def _endpoint_key(self) -> tuple[Any, ...]:
        if self._key is None:
            if self._credential_error:
                model = self._config.get("model")
                raise MissingAPIKeyError(
                    f"config entry {self._config_index} (model={model!r}, api_type='anthropic'): {self._credential_error}"
                )
            headers = tuple(sorted((self._config.get("default_headers") or {}).items()))
            if self._api_key:
                kind = "direct"
            elif self._aws_region:
                kind = "bedrock"
            else:
                kind = "vertex"
            aws = (self._aws_access_key, self._aws_secret_key, self._aws_session_token, self._aws_region)
            gcp = (self._gcp_project_id, self._gcp_region, self._gcp_auth_token)
            self._key = (_SDK.get(_SYNC_CLASS[kind]), kind, self._api_key, self._base_url, headers, aws, gcp)
        return self._key

    def sdk_client(self) -> Any:
        """The process-wide ``anthropic.Anthropic`` (or Bedrock / Vertex) client for this endpoint."""
        return _clients.sync_client(self._endpoint_key())

    @property
    def _client(self) -> Any:
        """The sync SDK client (ag2's attribute name)."""
        return self.sdk_client()

    def async_sdk_client(self) -> Any:
        """The async SDK client for this endpoint and the running event loop."""
        return _clients.async_client(self._endpoint_key())

    def __getstate__(self) -> dict[str, Any]:
        return self.__dict__.copy()  # holds no SDK client: copies share the registry

    # ---- requests ----
    #
    # create() picks the way as ag2 does: no response_format -> _create_standard (which streams through
    # _create_streaming when asked); a response_format -> native structured outputs on models that
    # have them (messages.parse for a pydantic model without tools, else output_config), falling back
    # to JSON mode (the schema in the system prompt, the reply between <json_response> tags) when the
    # native request is refused; older models -> JSON mode.

    def _route(self, params: dict[str, Any]) -> tuple[dict[str, Any], str]:
        response_format = params.get("response_format") or self._response_format
        if not response_format:
            return params, "plain"
        self._response_format = response_format
        params = {**params, "response_format": response_format}
        native = supports_native_structured_outputs(str(params.get("model") or "")) and has_messages_parse_api()
        return params, "native" if native else "json_mode"

    def _fallback_errors(self) -> tuple[type[BaseException], ...]:
        return (_SDK.get("BadRequestError"), AttributeError, ValueError)

    def _log_fallback(self, exc: BaseException, params: dict[str, Any]) -> None:
        status = getattr(exc, "status_code", None)
        logger.warning(
            "Native structured output failed for %s (%s%s: %s); falling back to JSON mode.",
            params.get("model"), type(exc).__name__, f" {status}" if status else "", exc,
        )  # fmt: skip

    def create(self, params: dict[str, Any]) -> Any:
        """Send one Messages request and return an OpenAI-shaped ChatCompletion (with ``.cost``)."""
        params, mode = self._route(params)
        if mode == "plain":
            return self._create_standard(params)
        if mode == "native":
            try:
                return self._create_with_native_structured_output(params)
            except self._fallback_errors() as e:
                self._log_fallback(e, params)
        return self._create_with_json_mode(params)

    def _create_standard(self, params: dict[str, Any]) -> Any:
        """A plain request (no structured output); streamed when ``params["stream"]`` is set."""
        if params.get("stream"):
            return self._create_streaming(params)
        return self._send(self._client, params, "plain")

    def _create_streaming(self, params: dict[str, Any]) -> Any:
        """A streamed plain request: text pieces go to the IOStream as they come, the reply is assembled."""
        return self._send(self._client, params, "plain", stream=True)

    def _create_with_native_structured_output(self, params: dict[str, Any]) -> Any:
        """A request answered by constrained decoding to the ``response_format`` schema."""
        return self._send(self._client, params, "native")

    def _create_with_json_mode(self, params: dict[str, Any]) -> Any:
        """A request asking for JSON between ``<json_response>`` tags (models without native outputs)."""
        return self._send(self._client, params, "json_mode")

    def _request(
        self, client: Any, params: dict[str, Any], mode: str, stream: bool
    ) -> tuple[dict[str, Any], Any, dict[str, Any]]:
        """``(request, SDK method, keyword arguments)`` for one call."""
        if mode != "plain" and params.get("response_format") is None and self._response_format is not None:
            params = {**params, "response_format": self._response_format}
        request, mode = build_messages_request(params, mode=mode)
        timeout = params.get("timeout", self._config.get("timeout"))
        method = client.messages.create
        response_format = params.get("response_format")
        if mode == "native" and isinstance(response_format, type) and not request.get("tools"):
            # a pydantic model without tools: messages.parse validates the reply into the model
            method = client.messages.parse
            request = {k: v for k, v in request.items() if k != "output_config"}
            kwargs = _call_kwargs(method, request, False, timeout)
            kwargs["output_format"] = response_format
            return request, method, kwargs
        return request, method, _call_kwargs(method, request, stream, timeout)

    def _send(self, client: Any, params: dict[str, Any], mode: str, *, stream: bool = False) -> Any:
        request, method, kwargs = self._request(client, params, mode, stream)
        if not stream:
            return self._completion(method(**kwargs), request, mode)
        assembler = _StreamAssembler()
        send = stream_sender()
        for event in method(**kwargs):
            text = assembler.add(event)
            if text:
                send(text)
        return self._completion(assembler.result(), request, mode)

    async def _a_send(self, client: Any, params: dict[str, Any], mode: str, *, stream: bool = False) -> Any:
        request, method, kwargs = self._request(client, params, mode, stream)
        if not stream:
            return self._completion(await method(**kwargs), request, mode)
        assembler = _StreamAssembler()
        send = stream_sender()
        async for event in await method(**kwargs):
            text = assembler.add(event)
            if text:
                send(text)
        return self._completion(assembler.result(), request, mode)

    async def a_create(self, params: dict[str, Any]) -> Any:
        """Async twin of :meth:`create`, on the loop's ``AsyncAnthropic`` client."""
        client = self.async_sdk_client()
        params, mode = self._route(params)
        if mode == "plain":
            return await self._a_send(client, params, "plain", stream=bool(params.get("stream")))
        if mode == "native":
            try:
                return await self._a_send(client, params, "native")
            except self._fallback_errors() as e:
                self._log_fallback(e, params)
        return await self._a_send(client, params, "json_mode")

    def _completion(self, message: Any, request: dict[str, Any], mode: str) -> Any:
        from .oai_models import ChatCompletion

        data = response_to_completion_dict(message, request["model"], mode=mode)
        parsed = getattr(message, "parsed_output", None)  # messages.parse: the validated model
        reply = data["choices"][0]["message"]
        if parsed is not None and not reply["content"] and not reply["tool_calls"]:
            dump = getattr(parsed, "model_dump_json", None)
            reply["content"] = dump() if callable(dump) else str(parsed)
        response = ChatCompletion.model_validate(data)
        usage = message.get("usage") if isinstance(message, dict) else getattr(message, "usage", None)
        store_cost(response, self._cost_of(request["model"], usage_parts(usage)))
        return response

    # ---- ModelClient protocol ----

    def _cost_of(self, model: str, parts: tuple[int, int, int, int]) -> float:
        fresh, cache_write, cache_read, output = parts
        if self._price is not None:
            # an entry's own price counts every prompt token at the prompt price
            return (self._price[0] * (fresh + cache_write + cache_read) + self._price[1] * output) / 1000
        price = anthropic_price(model)
        if price is None:
            return _calculate_cost(fresh, output, model)  # 0.0, with the one-time warning
        prompt = fresh + _CACHE_WRITE_FACTOR * cache_write + _CACHE_READ_FACTOR * cache_read
        return (price[0] * prompt + price[1] * output) / 1000

    def cost(self, response: Any) -> float:
        """USD cost of ``response`` (set when it was built: the entry's ``price`` or the Claude price table)."""
        return response_cost(response, lambda model, prompt, output: self._cost_of(model, (prompt, 0, 0, output)))

    def message_retrieval(self, response: Any) -> list[Any]:
        """Per choice: the message object when it calls tools, else its text (formatted for a
        ``response_format`` model with ``format()`` set on the config entry)."""
        return completion_messages(response, self._response_format)

    @staticmethod
    def get_usage(response: Any) -> dict[str, Any]:
        """Token counts, cost and model of ``response`` (the ModelClient usage keys)."""
        return completion_usage(response)

    # ---- ag2's helpers, for code that calls them ----

    def load_config(self, params: dict[str, Any]) -> dict[str, Any]:
        """The Anthropic request settings read from ``params`` (ag2's shape: unset ones are None)."""
        if not params.get("model"):
            raise ValueError("Please provide a `model` in the config_list to use the Anthropic API.")
        out = {
            "model": params["model"],
            "temperature": params.get("temperature", 1.0),
            "max_tokens": params.get("max_tokens") or 4096,
            "timeout": params.get("timeout"),
            "top_k": params.get("top_k"),
            "top_p": params.get("top_p"),
            "stop_sequences": params.get("stop_sequences"),
            "stream": bool(params.get("stream", False)),
            "tool_choice": params.get("tool_choice") if isinstance(params.get("tool_choice"), dict) else None,
        }
        if "thinking" in params:
            out["thinking"] = params["thinking"]
        return out

    @staticmethod
    def openai_func_to_anthropic(openai_func: dict[str, Any]) -> dict[str, Any]:
        """One OpenAI function spec as an Anthropic tool (``parameters`` -> ``input_schema``)."""
        return convert_tools([], [openai_func])[0]

    @staticmethod
    def convert_tools_to_functions(tools: list[Any]) -> list[dict[str, Any]]:
        """The function specs of OpenAI ``tools`` (``$ref``s into a property's own ``$defs`` rebased)."""
        specs = convert_tools(tools)
        out = []
        for spec in specs:
            fn = {"name": spec["name"], "parameters": spec["input_schema"]}
            if "description" in spec:
                fn = {"description": spec["description"], **fn}
            out.append(fn)
        return out

    def _extract_json_response(self, response: Any) -> Any:
        """The structured reply of a JSON-mode response, validated by the ``response_format`` model."""
        import json

        if not self._response_format:
            return response
        text = ""
        for block in getattr(response, "content", None) or ():
            if getattr(block, "type", None) in ("text", "thinking"):
                text = getattr(block, "text", None) or getattr(block, "thinking", "")
                break
        raw = extract_json_text(text)
        try:
            data = json.loads(raw)
            if isinstance(self._response_format, dict):
                return raw
            return self._response_format.model_validate(data)
        except Exception as e:
            raise ValueError(
                f"Failed to parse response as valid JSON matching the schema for Structured Output: {e!s}"
            ) from e


def _call_kwargs(method: Any, request: dict[str, Any], stream: bool, timeout: Any) -> dict[str, Any]:
    """Keyword arguments for the SDK's ``messages.create``: request fields this SDK version has no
    parameter for (newer SDKs dropped ``temperature``/``top_p``/``top_k``) travel in ``extra_body``."""
    accepted = sdk_parameter_names(method)
    kwargs: dict[str, Any] = {}
    extra_body: dict[str, Any] = {}
    for key, value in request.items():
        (kwargs if key in accepted else extra_body)[key] = value
    if extra_body and _takes_any_keyword(method):
        kwargs.update(extra_body)
    elif extra_body:
        kwargs["extra_body"] = extra_body
    if stream:
        kwargs["stream"] = True
    if timeout is not None:
        kwargs["timeout"] = timeout
    return kwargs


def _takes_any_keyword(method: Any) -> bool:
    try:
        parameters = inspect.signature(method).parameters.values()
    except (TypeError, ValueError):
        return False
    return any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters)


def oai_messages_to_anthropic_messages(params: dict[str, Any]) -> list[dict[str, Any]]:
    """ag2's conversion entry point: the Anthropic messages for ``params["messages"]``; the system text,
    if any, is stored in ``params["system"]``."""
    tools = convert_tools(params.get("tools"), params.get("functions"))
    system, messages = to_anthropic_messages(params.get("messages") or [], with_tools=bool(tools))
    if system:
        params["system"] = f"{params['system']}\n\n{system}" if params.get("system") else system
    return messages


def process_image_content(content_item: dict[str, Any]) -> dict[str, Any]:
    """An OpenAI ``image_url`` part as an Anthropic image block (other parts unchanged)."""
    if content_item.get("type") != "image_url":
        return content_item
    return image_block(content_item["image_url"]["url"]) or content_item


def process_message_content(message: dict[str, Any]) -> str | list[dict[str, Any]]:
    """A message's content for Anthropic: text as is; a list of parts with images as image blocks."""
    content = message.get("content", "")
    if not isinstance(content, list):
        return content
    out: list[dict[str, Any]] = []
    for item in content:
        if item.get("type") == "text":
            out.append({"type": "text", "text": item["text"]})
        elif item.get("type") == "image_url":
            out.append(process_image_content(item))
    return out


def transform_schema_for_anthropic(schema: dict[str, Any]) -> dict[str, Any]:
    """A JSON schema reduced to what Anthropic's structured outputs accept (see ``strict_schema``)."""
    return strict_schema(schema)


def _block_type(block: Any) -> Any:
    return block.get("type") if isinstance(block, Mapping) else getattr(block, "type", None)


def _is_text_block(block: Any) -> bool:
    """Whether a response content block (SDK object, beta or not, or dict) is a text block."""
    return _block_type(block) == "text"


def _is_thinking_block(block: Any) -> bool:
    """Whether a response content block is an extended-thinking block."""
    return _block_type(block) == "thinking"


def _is_tool_use_block(block: Any) -> bool:
    """Whether a response content block is a tool call (``tool_use``)."""
    return _block_type(block) == "tool_use"


def has_messages_parse_api() -> bool:
    """Whether the installed SDK has ``messages.parse`` (structured outputs here use ``output_config``)."""
    try:
        from anthropic.resources.messages import Messages
    except ImportError:
        return False
    return hasattr(Messages, "parse")
