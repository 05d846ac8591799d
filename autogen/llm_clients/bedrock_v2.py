"""``BedrockV2Client`` (``api_type="bedrock_v2"``): Amazon Bedrock's Converse API answering with a
:class:`UnifiedResponse`.

Converse content blocks become typed blocks: ``text`` :class:`TextContent`, ``reasoningContent``
:class:`ReasoningContent` (its signature kept in ``extra``), ``toolUse`` :class:`ToolCallContent`,
``image`` :class:`ImageContent` (bytes as a data URI), ``citationsContent`` :class:`CitationContent`,
and any other block a :class:`GenericContent` of type ``"unknown"`` that keeps the block whole.

Everything else is the v1 client's (:mod:`autogen.oai.bedrock`, :mod:`autogen.oai.bedrock_convert`):
request building and history repair, structured output through the ``__structured_output`` tool, the
price table, and the error classification. Built by ``OpenAIWrapper`` the client uses the boto3 client
shared per endpoint and credentials (botocore retries off: the wrapper retries); built directly,
``BedrockV2Client(aws_region=..., ...)``, it makes its own boto3 client on first use, with botocore's
retries as configured (``total_max_attempts`` / ``max_attempts`` / ``mode``), as ag2's does.
"""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Mapping
from typing import Any, ClassVar, Literal

from typing_extensions import Required

from ..llm_config.entry import BedrockV2LLMConfigEntry
from ..oai.bedrock import BedrockClient, BedrockEntryKeys, MalformedResponseError, _clients
from ..oai.bedrock_convert import STRUCTURED_OUTPUT_TOOL, convert_stop_reason_to_finish_reason
from ..oai.pricing import normalize_price
from .client_v2 import RESPONSE_USAGE_KEYS, chat_completion_dict, retrieve_messages, usage_of
from .models import (
    BaseContent,
    CitationContent,
    GenericContent,
    ImageContent,
    ReasoningContent,
    TextContent,
    ToolCallContent,
    UnifiedMessage,
    UnifiedResponse,
    UserRoleEnum,
)

__all__ = ["BedrockV2Client", "BedrockV2EntryDict", "BedrockV2LLMConfigEntry"]

_FEATURE = "The Amazon Bedrock v2 client (api_type='bedrock_v2')"


def __getattr__(name: str) -> Any:
    # ``boto3``: the module a directly built client makes its boto3 client with (imported on use; patchable)
    if name == "boto3":
        from ..import_utils import optional_import

        return optional_import("boto3", "bedrock", feature=_FEATURE)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _boto3() -> Any:
    module = globals().get("boto3")
    return module if module is not None else __getattr__("boto3")


class BedrockV2EntryDict(BedrockEntryKeys, total=False):
    """The keys of a ``bedrock_v2`` config entry (ag2's typed form)."""

    api_type: Literal["bedrock_v2"]
    aws_region: Required[str]


class BedrockV2Client(BedrockClient):
    """The Bedrock Converse API as a v2 client: ``create`` returns a :class:`UnifiedResponse`.

    Args:
        aws_region: the AWS region (default: ``AWS_REGION`` / ``AWS_DEFAULT_REGION``); required.
        aws_access_key: access key id (default: the ``AWS_ACCESS_KEY`` variable, else boto3's credential chain).
        aws_secret_key: secret key (default: ``AWS_SECRET_KEY``).
        aws_session_token: session token (default: ``AWS_SESSION_TOKEN``).
        aws_profile_name: an AWS profile to take credentials from.
        timeout: read timeout in seconds (default 60).
        total_max_attempts: botocore's retry setting (a directly built client).
        max_attempts: botocore's retry setting (a directly built client).
        mode: botocore's retry mode (a directly built client).
        response_format: default structured-output format (pydantic model class or JSON-schema dict).
        **kwargs: other config keys of the v1 client (``model``, ``price``, ``base_url``...).
    """

    RESPONSE_USAGE_KEYS: ClassVar[list[str]] = RESPONSE_USAGE_KEYS

    def __init__(
        self,
        aws_region: str | None = None,
        aws_access_key: str | None = None,
        aws_secret_key: str | None = None,
        aws_session_token: str | None = None,
        aws_profile_name: str | None = None,
        timeout: int | None = None,
        total_max_attempts: int = 5,
        max_attempts: int = 5,
        mode: Literal["standard", "adaptive", "legacy"] = "standard",
        response_format: Any = None,
        **kwargs: Any,
    ) -> None:
        wrapper_built = bool(kwargs.get("_defer_region_check"))
        given = {
            "aws_region": aws_region,
            "aws_access_key": aws_access_key,
            "aws_secret_key": aws_secret_key,
            "aws_session_token": aws_session_token,
            "aws_profile_name": aws_profile_name,
            "timeout": timeout,
            "response_format": response_format,
        }
        kwargs.update({k: v for k, v in given.items() if v is not None})
        kwargs.setdefault("total_max_attempts", total_max_attempts)
        kwargs.setdefault("max_attempts", max_attempts)
        kwargs.setdefault("mode", mode)
        super().__init__(**kwargs)
        self._own_client = not wrapper_built  # built directly: a boto3 client of its own, as ag2's had
        self._price_per_1k_tokens: tuple[float, float] | None = self._price

    # ---- connection ----

    def _own_runtime(self) -> Any:
        from botocore.config import Config

        config = Config(
            region_name=self._aws_region,
            signature_version="v4",
            retries=self._retry_config,
            read_timeout=self._timeout,
        )
        boto3 = _boto3()
        kwargs: dict[str, Any] = {"service_name": "bedrock-runtime", "config": config}
        if self._endpoint_url:
            kwargs["endpoint_url"] = self._endpoint_url
        if self._aws_access_key and self._aws_secret_key:
            session = boto3.Session(
                aws_access_key_id=self._aws_access_key,
                aws_secret_access_key=self._aws_secret_key,
                aws_session_token=self._aws_session_token,
                profile_name=self._aws_profile_name,
            )
            return session.client(**kwargs)
        if self._aws_profile_name:
            return boto3.Session(profile_name=self._aws_profile_name).client(**kwargs)
        return boto3.client(**kwargs)  # an attached role (Lambda, EC2, ECS...) or the environment

    def _runtime_for(self, timeout: Any = None) -> Any:
        if self._runtime is None and self._own_client:
            self._runtime = self._own_runtime()
        if self._runtime is not None:
            return self._runtime
        return _clients.sync_client(self._endpoint_key(timeout))

    @property
    def bedrock_runtime(self) -> Any:
        """The boto3 ``bedrock-runtime`` client requests go through."""
        return self._runtime_for()

    @bedrock_runtime.setter
    def bedrock_runtime(self, client: Any) -> None:
        self._runtime = client

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        if self._own_client:
            state["_runtime"] = None  # copies make their own
        return state

    # ---- parameters (ag2's helpers) ----

    def parse_custom_params(self, params: Mapping[str, Any]) -> None:
        """Read this client's own settings from ``params``: ``supports_system_prompts`` and ``price``."""
        super().parse_custom_params(params)
        price = params.get("price")
        if isinstance(price, (list, tuple)) and len(price) == 2:
            self._price = normalize_price(price)
            self._price_per_1k_tokens = self._price

    # ---- requests ----

    def create(self, params: dict[str, Any]) -> UnifiedResponse:  # type: ignore[override]
        """One Converse call; the answer as a :class:`UnifiedResponse` (with ``cost``)."""
        params = dict(params)
        if not params.get("model"):
            if not self.model:
                raise ValueError("Please provide the 'model' in the config_list to use Amazon Bedrock")
            params["model"] = self.model
        self.parse_custom_params(params)
        response_format = params.get("response_format")
        if response_format is None:
            response_format = self._response_format
        request = self._request(params, response_format)
        response = self._runtime_for(params.get("timeout")).converse(**request)
        if response is None:
            raise RuntimeError(f"Failed to get response from Bedrock after retrying {self._retries} times.")
        if not isinstance(response, Mapping) or "output" not in response or "stopReason" not in response:
            model = request["modelId"]
            raise MalformedResponseError(f"Bedrock answered {model!r} without output or stopReason (malformed body).")
        return self._transform_response(response, str(request["modelId"]), response_format)

    # ---- the unified response ----

    def _structured_text(self, content: list[Any], response_format: Any) -> str | None:
        """The reply of a ``__structured_output`` call as JSON text (None when there is none)."""
        if response_format is None:
            return None
        calls = [b["toolUse"] for b in content if isinstance(b, Mapping) and isinstance(b.get("toolUse"), Mapping)]
        for call in calls:
            if call.get("name") == STRUCTURED_OUTPUT_TOOL:
                data = call.get("input")
                if isinstance(data, str):
                    try:
                        data = json.loads(data)
                    except ValueError as e:
                        raise ValueError(f"Failed to parse structured output from tool call: {e!s}") from e
                return self._validate_and_format_structured_output(data)
        return None

    def _transform_response(
        self, response: Mapping[str, Any], model: str, response_format: Any = None
    ) -> UnifiedResponse:
        """A Converse response as a :class:`UnifiedResponse`, its cost included."""
        message = (response.get("output") or {}).get("message") or {}
        content = [b for b in message.get("content") or [] if isinstance(b, Mapping)]
        structured = self._structured_text(content, response_format)
        blocks: list[BaseContent] = []
        for block in content:
            blocks.extend(_blocks(block, structured))
        if structured is not None and not any(isinstance(b, TextContent) and b.text for b in blocks):
            blocks.insert(0, TextContent(text=structured))
        if not blocks:
            blocks.append(TextContent(text=""))
        stop_reason = response.get("stopReason")
        finish = convert_stop_reason_to_finish_reason(stop_reason)
        has_calls = any(isinstance(b, ToolCallContent) for b in blocks)
        if finish == "tool_calls" and not has_calls:
            finish = "stop"  # the only call was the structured reply
        elif has_calls:
            finish = "tool_calls"
        usage = response.get("usage") or {}
        prompt, output = int(usage.get("inputTokens", 0) or 0), int(usage.get("outputTokens", 0) or 0)
        counts: dict[str, int | float] = {
            "prompt_tokens": prompt,
            "completion_tokens": output,
            "total_tokens": int(usage.get("totalTokens", prompt + output) or 0),
        }
        for source, target in (
            ("cacheReadInputTokens", "cache_read_input_tokens"),
            ("cacheWriteInputTokens", "cache_creation_input_tokens"),
        ):
            if usage.get(source):
                counts[target] = int(usage[source])
        request_id = (response.get("ResponseMetadata") or {}).get("RequestId") or f"bedrock-{int(time.time())}"
        unified = UnifiedResponse(
            id=str(request_id),
            model=model,
            provider="bedrock",
            messages=[UnifiedMessage(role=UserRoleEnum.ASSISTANT, content=blocks)],
            usage=counts,
            finish_reason=finish,
            status="completed",
            provider_metadata={
                "stopReason": stop_reason,
                "amazonBedrockInvocationMetrics": response.get("amazonBedrockInvocationMetrics"),
                "metrics": response.get("metrics"),
            },
        )
        unified.cost = self.cost(unified)
        return unified

    # ---- ModelClient protocol ----

    def create_v1_compatible(self, params: dict[str, Any]) -> dict[str, Any]:
        """Send one request; the answer flattened to a ``chat.completion`` dict with ``cost`` (ag2's form)."""
        response = self.create(params)
        data = chat_completion_dict(response)
        data["created"] = int(time.time())
        return data

    def message_retrieval(self, response: Any) -> list[Any]:  # type: ignore[override]
        """Per message: its text (formatted for a ``response_format`` model with ``format()``), or an
        OpenAI message dict when it calls tools or carries images."""
        if not isinstance(response, UnifiedResponse):
            return super().message_retrieval(response)
        return retrieve_messages(response, self._response_format)

    def cost(self, response: Any) -> float:
        """USD cost of ``response``: the entry's (or the call's) ``price``, else the Bedrock price table."""
        if not isinstance(response, UnifiedResponse):
            return super().cost(response)
        usage = response.usage
        if not usage:
            return 0.0
        return self._cost_of(response.model, int(usage.get("prompt_tokens", 0)), int(usage.get("completion_tokens", 0)))

    @staticmethod
    def get_usage(response: Any) -> dict[str, Any]:
        """Token counts, cost and model of ``response``."""
        if isinstance(response, UnifiedResponse):
            return usage_of(response)
        return BedrockClient.get_usage(response)


def _blocks(block: Mapping[str, Any], structured: str | None) -> list[BaseContent]:
    """The unified blocks of one Converse content block (a structured-output call gives none)."""
    if "text" in block:
        text = block.get("text") or ""
        if structured is not None and not text.strip():
            text = structured
        return [TextContent(text=text)] if text else []
    if "reasoningContent" in block:
        reasoning = block.get("reasoningContent") or {}
        text_part = reasoning.get("reasoningText") or {}
        extra: dict[str, Any] = {}
        if text_part.get("signature"):
            extra["signature"] = text_part["signature"]
        if reasoning.get("redactedContent") is not None:
            extra["redacted_content"] = reasoning["redactedContent"]
        return [ReasoningContent(reasoning=str(text_part.get("text") or ""), extra=extra)]
    if "toolUse" in block:
        call = block.get("toolUse") or {}
        if structured is not None and call.get("name") == STRUCTURED_OUTPUT_TOOL:
            return []
        arguments = call.get("input", {})
        return [
            ToolCallContent(
                id=str(call.get("toolUseId") or ""),
                name=str(call.get("name") or ""),
                arguments=arguments if isinstance(arguments, str) else json.dumps(arguments),
            )
        ]
    if "image" in block:
        image = block.get("image") or {}
        kind = image.get("format") or "jpeg"
        source = image.get("source") or {}
        if "bytes" in source:
            data = source["bytes"]
            encoded = base64.b64encode(data).decode() if isinstance(data, (bytes, bytearray)) else str(data)
            return [ImageContent(data_uri=f"data:image/{kind};base64,{encoded}")]
        location = source.get("s3Location") or {}
        url = source.get("url") or location.get("uri")
        if url:
            return [ImageContent(image_url=str(url))]
    if "citationsContent" in block:
        return _citation_blocks(block["citationsContent"] or {})
    return [GenericContent(type="unknown", **dict(block))]


def _citation_blocks(citations: Mapping[str, Any]) -> list[BaseContent]:
    """The generated text and the sources of a ``citationsContent`` block."""
    out: list[BaseContent] = []
    text = "".join(str(part.get("text") or "") for part in citations.get("content") or [] if isinstance(part, Mapping))
    if text:
        out.append(TextContent(text=text))
    for citation in citations.get("citations") or []:
        if not isinstance(citation, Mapping):
            continue
        location = citation.get("location") or {}
        where = next(iter(location.values()), {}) if isinstance(location, Mapping) and location else {}
        url = (where.get("url") if isinstance(where, Mapping) else None) or citation.get("url") or ""
        snippet = "".join(
            str(part.get("text") or "") for part in citation.get("sourceContent") or [] if isinstance(part, Mapping)
        )
        out.append(
            CitationContent(
                url=str(url),
                title=str(citation.get("title") or url),
                snippet=snippet,
                extra={"location": location} if location else {},
            )
        )
    return out
