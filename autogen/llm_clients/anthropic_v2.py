"""``AnthropicV2Client`` (``api_type="anthropic_v2"``): Claude's Messages API answering with a
:class:`UnifiedResponse`.

Extended-thinking blocks become :class:`ReasoningContent`, ``tool_use`` blocks
:class:`ToolCallContent`, the citations of a text block :class:`CitationContent` (after the text they
support), structured output a ``"parsed"`` :class:`GenericContent` next to its JSON text, and blocks of
other types (server tool results...) :class:`GenericContent`.

The request side is the v1 client's (:mod:`autogen.oai.anthropic`, :mod:`autogen.oai.anthropic_convert`):
message conversion, credentials (API key, Bedrock, Vertex), SDK clients shared per endpoint when built by
``OpenAIWrapper``, prices. Structured output uses native structured outputs (the beta Messages API with
``output_config``) on models that have them, falling back to the ``<json_response>`` prompt ("JSON mode")
when the API refuses, and JSON mode on older models.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Mapping
from typing import Any, ClassVar

from ..llm_config.entry import AnthropicV2LLMConfigEntry
from ..oai.anthropic import (
    AnthropicClient,
    _call_kwargs,
    _is_text_block,
    _is_thinking_block,
    _is_tool_use_block,
    _sdk,
    _StreamAssembler,
    has_messages_parse_api,
    supports_native_structured_outputs,
)
from ..oai.anthropic_convert import (
    _FINISH,
    build_messages_request,
    extract_json_text,
    json_mode_instructions,
    response_schema,
    strict_schema,
    usage_parts,
)
from ..oai.request import sdk_keywords
from ..oai.streaming import stream_sender
from ..oai.structured import is_model_class
from .client_v2 import RESPONSE_USAGE_KEYS, chat_completion_dict, retrieve_messages, usage_of
from .models import (
    BaseContent,
    CitationContent,
    GenericContent,
    ReasoningContent,
    TextContent,
    ToolCallContent,
    UnifiedMessage,
    UnifiedResponse,
    UserRoleEnum,
)

__all__ = ["AnthropicV2Client", "AnthropicV2LLMConfigEntry"]

logger = logging.getLogger(__name__)

STRUCTURED_OUTPUTS_BETA = "structured-outputs-2025-11-13"
# Constructor arguments of a directly built client that go to its own anthropic.Anthropic client.
_SDK_ARGS = frozenset({"max_retries", "default_headers", "default_query", "http_client", "auth_token"})


def __getattr__(name: str) -> Any:
    # ``Anthropic``: the SDK client class a directly built client uses (resolved on use; patchable).
    if name == "Anthropic":
        return _sdk().Anthropic
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _sdk_class() -> Any:
    cls = globals().get("Anthropic")
    return cls if cls is not None else _sdk().Anthropic


def _get(obj: Any, key: str, default: Any = None) -> Any:
    return obj.get(key, default) if isinstance(obj, Mapping) else getattr(obj, key, default)


def _as_dict(value: Any) -> dict[str, Any]:
    if isinstance(value, Mapping):
        return dict(value)
    dump = getattr(value, "model_dump", None)
    data = dump() if callable(dump) else None
    return data if isinstance(data, dict) else {k: v for k, v in vars(value).items() if not k.startswith("_")}


class AnthropicV2Client(AnthropicClient):
    """Claude's Messages API as a v2 client: ``create`` returns a :class:`UnifiedResponse`.

    Args:
        api_key: the API key (default: the ``ANTHROPIC_API_KEY`` environment variable).
        base_url: another endpoint for the API.
        timeout: request timeout in seconds.
        response_format: default structured-output format (pydantic model class or JSON-schema dict).
        **kwargs: ``anthropic.Anthropic`` arguments (``max_retries``, ``default_headers``...), or the
            config keys of the v1 client (``aws_region``, ``gcp_project_id``, ``price``...).
    """

    RESPONSE_USAGE_KEYS: ClassVar[list[str]] = RESPONSE_USAGE_KEYS

    def __init__(
        self,
        api_key: str | None = None,
        base_url: str | None = None,
        timeout: int | None = None,
        response_format: Any = None,
        **kwargs: Any,
    ) -> None:
        wrapper_built = bool(kwargs.pop("_defer_credential_check", False))
        sdk_args = {k: kwargs.pop(k) for k in _SDK_ARGS & kwargs.keys()} if not wrapper_built else {}
        given = {"api_key": api_key, "base_url": base_url, "timeout": timeout, "response_format": response_format}
        kwargs.update({k: v for k, v in given.items() if v is not None})
        super().__init__(**kwargs, _defer_credential_check=True)
        if self._credential_error and not wrapper_built:
            raise ValueError(self._credential_error)
        # built directly: an SDK client of its own (made on first use), as ag2's client had
        self._own_sdk_args: dict[str, Any] | None = None if wrapper_built else sdk_args
        self._own_client: Any = None

    def _check_credentials(self) -> str | None:
        problem = super()._check_credentials()
        if problem and not (self._aws_region or self._gcp_region):
            return (
                "API key is required to use the Anthropic API. Set api_key parameter or ANTHROPIC_API_KEY "
                "environment variable (or give AWS / GCP credentials)."
            )
        return problem

    # ---- connection ----

    def sdk_client(self) -> Any:
        """The SDK client requests go through: shared per endpoint when built by ``OpenAIWrapper``,
        the client's own otherwise."""
        if self._own_client is not None:
            return self._own_client
        if self._own_sdk_args is None or self._endpoint_key()[1] != "direct":  # key: (sdk class, kind, ...)
            return super().sdk_client()
        args: dict[str, Any] = {"api_key": self._api_key, **self._own_sdk_args}
        if self._base_url:
            args["base_url"] = self._base_url
        if self._config.get("timeout"):
            args["timeout"] = self._config["timeout"]
        self._own_client = _sdk_class()(**args)
        return self._own_client

    @property
    def _client(self) -> Any:
        """The anthropic SDK client (ag2's attribute name)."""
        return self.sdk_client()

    @_client.setter
    def _client(self, value: Any) -> None:
        self._own_client = value

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        state["_own_client"] = None  # copies make their own (or use the shared one)
        return state

    # ---- requests ----

    def _plan(self, params: dict[str, Any]) -> tuple[dict[str, Any], str, Any, bool, Any]:
        """(request, mode, response_format, stream, timeout) for one call; mode is "plain", "native" or
        "json_mode"."""
        response_format = params.get("response_format") or self._response_format
        base = {**params, "response_format": None}
        if not base.get("model") and self.model:
            base["model"] = self.model
        request, _ = build_messages_request(base)
        timeout = params.get("timeout", self._config.get("timeout"))
        if response_format is None:
            return request, "plain", None, bool(params.get("stream")), timeout
        schema = response_schema(response_format)
        if supports_native_structured_outputs(str(request["model"])) and has_messages_parse_api():
            request["output_config"] = {"format": {"type": "json_schema", "schema": strict_schema(schema)}}
            return request, "native", response_format, False, timeout
        return self._json_mode(request, schema), "json_mode", response_format, False, timeout

    @staticmethod
    def _json_mode(request: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
        request = {k: v for k, v in request.items() if k != "output_config"}
        note = json_mode_instructions(schema)
        request["system"] = f"{request['system']}\n\n{note}" if request.get("system") else note
        return request

    @staticmethod
    def _route(client: Any, request: dict[str, Any], mode: str) -> tuple[Any, dict[str, Any]]:
        """The SDK method for a request (the beta API for native structured output and strict tools)."""
        if mode == "native" or any(t.get("strict") for t in request.get("tools") or ()):
            return client.beta.messages.create, {**request, "betas": [STRUCTURED_OUTPUTS_BETA]}
        return client.messages.create, request

    @staticmethod
    def _kwargs(method: Any, request: dict[str, Any], stream: bool, timeout: Any) -> dict[str, Any]:
        if sdk_keywords(method) is not None:
            return _call_kwargs(method, request, stream, timeout)
        kwargs = dict(request)
        if stream:
            kwargs["stream"] = True
        if timeout is not None:
            kwargs["timeout"] = timeout
        return kwargs

    def _log_fallback(self, error: Exception, model: Any, response_format: Any) -> None:
        logger.warning(
            "Native structured output failed for %s (%s: %s; response_format=%s). Falling back to JSON Mode.",
            model,
            type(error).__name__,
            error,
            getattr(response_format, "__name__", type(response_format).__name__),
        )

    def create(self, params: dict[str, Any]) -> UnifiedResponse:  # type: ignore[override]
        """Send one Messages request; the answer as a :class:`UnifiedResponse` (with ``cost``)."""
        client = self.sdk_client()
        request, mode, response_format, stream, timeout = self._plan(params)
        method, body = self._route(client, request, mode)
        kwargs = self._kwargs(method, body, stream, timeout)
        if mode == "native":
            try:
                message = method(**kwargs)
            except (_sdk().BadRequestError, AttributeError, ValueError) as e:
                self._log_fallback(e, request["model"], response_format)
                request, mode = self._json_mode(request, response_schema(response_format)), "json_mode"
                method, body = self._route(client, request, mode)
                message = method(**self._kwargs(method, body, False, timeout))
        elif stream:
            assembler = _StreamAssembler()
            send = stream_sender()
            for event in method(**kwargs):
                text = assembler.add(event)
                if text:
                    send(text)
            message = assembler.result()
        else:
            message = method(**kwargs)
        return self._transform_response(message, request["model"], mode, response_format)

    async def a_create(self, params: dict[str, Any]) -> UnifiedResponse:
        """Async :meth:`create` (on the shared AsyncAnthropic client of the running loop)."""
        if self._own_sdk_args is not None or self._own_client is not None:
            return await asyncio.to_thread(self.create, params)
        client = self.async_sdk_client()
        request, mode, response_format, stream, timeout = self._plan(params)
        method, body = self._route(client, request, mode)
        kwargs = self._kwargs(method, body, stream, timeout)
        if mode == "native":
            try:
                message = await method(**kwargs)
            except (_sdk().BadRequestError, AttributeError, ValueError) as e:
                self._log_fallback(e, request["model"], response_format)
                request, mode = self._json_mode(request, response_schema(response_format)), "json_mode"
                method, body = self._route(client, request, mode)
                message = await method(**self._kwargs(method, body, False, timeout))
        elif stream:
            assembler = _StreamAssembler()
            send = stream_sender()
            async for event in await method(**kwargs):
                text = assembler.add(event)
                if text:
                    send(text)
            message = assembler.result()
        else:
            message = await method(**kwargs)
        return self._transform_response(message, request["model"], mode, response_format)

    # ---- the unified response ----

    def _text_blocks(self, text: str, mode: str, response_format: Any) -> list[BaseContent]:
        """The blocks of a text reply: in structured modes the parsed object and its JSON text."""
        if mode == "json_mode":
            raw = extract_json_text(text)
            try:
                data = json.loads(raw)
                if not is_model_class(response_format):
                    return [TextContent(text=raw)]
                return [TextContent(text=response_format.model_validate(data).model_dump_json())]
            except Exception as e:
                raise ValueError(
                    f"Failed to parse response as valid JSON matching the schema for Structured Output: {e!s}"
                ) from e
        if mode == "native" and is_model_class(response_format):
            try:
                parsed = response_format.model_validate(json.loads(text))
            except ValueError as e:  # JSONDecodeError and pydantic's ValidationError are ValueErrors
                logger.warning("Failed to parse structured output JSON: %s", e)
                return [TextContent(text=text)]
            return [
                GenericContent(type="parsed", parsed=parsed.model_dump()),
                TextContent(text=parsed.model_dump_json()),
            ]
        return [TextContent(text=text)]

    def _transform_response(
        self, message: Any, model: str, mode: str = "plain", response_format: Any = None
    ) -> UnifiedResponse:
        """An Anthropic ``Message`` (SDK object or dict) as a :class:`UnifiedResponse`, its cost included."""
        blocks: list[BaseContent] = []
        for block in _get(message, "content") or ():
            if _is_thinking_block(block):
                signature = _get(block, "signature")
                blocks.append(
                    ReasoningContent(
                        reasoning=_get(block, "thinking") or "", extra={"signature": signature} if signature else {}
                    )
                )
            elif _is_tool_use_block(block):
                blocks.append(
                    ToolCallContent(
                        id=_get(block, "id") or "",
                        name=_get(block, "name") or "",
                        arguments=json.dumps(_get(block, "input") or {}),
                    )
                )
            elif _is_text_block(block):
                blocks.extend(self._text_blocks(_get(block, "text") or "", mode, response_format))
                blocks.extend(_citation(c) for c in _get(block, "citations") or ())
            else:
                data = _as_dict(block)
                blocks.append(GenericContent(**{**data, "type": data.get("type") or "unknown"}))
        usage = _get(message, "usage")
        fresh, cache_write, cache_read, output = usage_parts(usage)
        prompt = fresh + cache_write + cache_read
        counts: dict[str, int | float] = {
            "prompt_tokens": prompt,
            "completion_tokens": output,
            "total_tokens": prompt + output,
        }
        if cache_write:
            counts["cache_creation_input_tokens"] = cache_write
        if cache_read:
            counts["cache_read_input_tokens"] = cache_read
        stop_reason = _get(message, "stop_reason")
        finish = _FINISH.get(stop_reason or "end_turn", "stop")
        if finish == "stop" and any(isinstance(b, ToolCallContent) for b in blocks):
            finish = "tool_calls"
        response = UnifiedResponse(
            id=_get(message, "id") or "",
            model=model,
            provider="anthropic",
            messages=[UnifiedMessage(role=UserRoleEnum.ASSISTANT, content=blocks)],
            usage=counts,
            finish_reason=finish,
            status="completed",
            provider_metadata={"stop_reason": stop_reason, "stop_sequence": _get(message, "stop_sequence")},
        )
        response.cost = self.cost(response)
        return response

    # ---- ModelClient protocol ----

    def create_v1_compatible(self, params: dict[str, Any]) -> Any:
        """Send one request; the answer as an OpenAI-shaped ChatCompletion (thinking shown as a leading
        ``[Thinking]`` section, as the v1 client does)."""
        from ..oai._response_cost import store_cost
        from ..oai.oai_models import ChatCompletion

        response = self.create(params)
        message = response.messages[0] if response.messages else UnifiedMessage(role="assistant", content=[])
        thinking = "\n\n".join(r.reasoning for r in message.get_reasoning())
        text = "\n\n".join(b.text for b in message.content if isinstance(b, TextContent))
        if thinking:
            text = f"[Thinking]\n{thinking}" + (f"\n\n{text}" if text else "")
        data = chat_completion_dict(response, content=text or ("" if not message.get_tool_calls() else None))
        data["created"] = data["created"] or int(time.time())
        data["choices"][0]["finish_reason"] = response.finish_reason or "stop"
        data["usage"] = {
            k: int(response.usage.get(k, 0)) for k in ("prompt_tokens", "completion_tokens", "total_tokens")
        }
        data.pop("cost")
        completion = ChatCompletion.model_validate(data)
        store_cost(completion, response.cost or 0.0)
        return completion

    def message_retrieval(self, response: UnifiedResponse) -> list[Any]:  # type: ignore[override]
        """Per message: its text (formatted for a ``response_format`` model with ``format()``), or a
        ChatCompletionMessage when it calls tools."""
        from ..oai.oai_models import ChatCompletionMessage

        out: list[Any] = []
        for item in retrieve_messages(response, self._response_format):
            if isinstance(item, dict) and item.get("role") == "assistant" and not isinstance(item.get("content"), list):
                item = ChatCompletionMessage.model_validate({k: v for k, v in item.items() if k != "name"})
            out.append(item)
        return out

    def cost(self, response: Any) -> float:  # type: ignore[override]
        """USD cost of ``response``: the entry's ``price``, else the Claude price table (prompt-cache
        writes and reads at their own rates)."""
        if not isinstance(response, UnifiedResponse):
            return super().cost(response)
        usage = response.usage
        if not usage:
            return 0.0
        write = int(usage.get("cache_creation_input_tokens", 0))
        read = int(usage.get("cache_read_input_tokens", 0))
        fresh = int(usage.get("prompt_tokens", 0)) - write - read
        return self._cost_of(response.model, (fresh, write, read, int(usage.get("completion_tokens", 0))))

    @staticmethod
    def get_usage(response: Any) -> dict[str, Any]:  # type: ignore[override]
        """Token counts, cost and model of ``response``."""
        if isinstance(response, UnifiedResponse):
            return usage_of(response)
        return AnthropicClient.get_usage(response)


def _citation(citation: Any) -> BaseContent:
    """A citation of a text block: web search results by URL, document passages by their title."""
    data = _as_dict(citation)
    return CitationContent(
        url=str(data.get("url") or ""),
        title=str(data.get("title") or data.get("document_title") or ""),
        snippet=str(data.get("cited_text") or ""),
        extra={k: v for k, v in data.items() if k not in ("url", "title", "cited_text") and v is not None},
    )
