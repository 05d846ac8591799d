"""The Amazon Bedrock model client (``api_type="bedrock"``): any Bedrock model through the Converse API
of ``boto3``'s ``bedrock-runtime`` client.

Config entry, as in ag2::

    {"api_type": "bedrock", "model": "anthropic.claude-3-5-sonnet-20241022-v2:0", "aws_region": "us-east-1",
     "aws_access_key": "...", "aws_secret_key": "...", "price": [0.003, 0.015]}

Without ``aws_access_key`` / ``aws_secret_key`` boto3's default credential chain is used (environment,
``aws_profile_name``, instance roles). ``base_url`` (or ``endpoint_url``) points the client at another
endpoint. boto3 is imported on the first request, never at ``import autogen``; without it that request
raises an ImportError naming the extra (``pip install "ag2[bedrock]"``). boto3 clients are shared per
endpoint and credentials; botocore's own retries are off (the wrapper retries, honouring
``retry-after``); ``total_max_attempts`` / ``max_attempts`` / ``mode`` are kept for ag2 compatibility
but do not reach botocore. Requests and responses are converted by :mod:`autogen.oai.bedrock_convert`.
The original does not stream (``stream=True`` warns and is ignored); neither does this client.
"""

from __future__ import annotations

import json
import os
import warnings
from collections.abc import Mapping
from types import SimpleNamespace
from typing import Any, ClassVar, Literal, TypedDict

from ..import_utils import optional_import
from ..llm_config.entry import BedrockLLMConfigEntry
from ._response_cost import store_cost
from .bedrock_convert import (
    STRUCTURED_OUTPUT_TOOL,
    convert_stop_reason_to_finish_reason,
    extract_system_messages,
    format_tool_calls,
    format_tools,
    normalize_schema,
    oai_messages_to_bedrock_messages,
    parse_content_parts,
    parse_image,
    response_to_completion_dict,
    to_bedrock_messages,
    tool_choice,
)
from .endpoints import ClientRegistry, on_registry_clear, secret_value
from .errors import FailureKind, MissingAPIKeyError, register_failure_classifier
from .openai_client import completion_messages, completion_usage
from .pricing import normalize_price, response_cost, warn_unpriced_once
from .structured import format_structured_content, is_model_class

__all__ = [
    "PRICES_PER_K_TOKENS",
    "BedrockClient",
    "BedrockEntryDict",
    "BedrockLLMConfigEntry",
    "MalformedResponseError",
    "calculate_cost",
    "convert_stop_reason_to_finish_reason",
    "extract_system_messages",
    "format_tool_calls",
    "format_tools",
    "oai_messages_to_bedrock_messages",
    "parse_content_parts",
    "parse_image",
]


class BedrockEntryKeys(TypedDict, total=False):
    """The keys the Bedrock config entries (``bedrock`` and ``bedrock_v2``) share: all but api_type and aws_region."""

    model: str
    aws_access_key: str | None
    aws_secret_key: str | None
    aws_session_token: str | None
    aws_profile_name: str | None
    top_k: int | None
    k: int | None
    seed: int | None
    cache_seed: int | None
    supports_system_prompts: bool
    price: list[float] | None
    timeout: int | None
    additional_model_request_fields: dict[str, Any] | None
    total_max_attempts: int | None
    max_attempts: int | None
    mode: Literal["standard", "adaptive", "legacy"]


class BedrockEntryDict(BedrockEntryKeys, total=False):
    """The keys of a Bedrock config entry (ag2's typed form)."""

    api_type: Literal["bedrock"]
    aws_region: str


# USD per 1K tokens (input, output), from AWS's Bedrock price list (on-demand, us-east-1). Prices change
# and vary by region: give ``price`` in the config entry to be exact. Claude models use the Anthropic table.
PRICES_PER_K_TOKENS: dict[str, tuple[float, float]] = {
    "meta.llama3-8b-instruct-v1:0": (0.0003, 0.0006),
    "meta.llama3-70b-instruct-v1:0": (0.00265, 0.0035),
    "meta.llama3-1-8b-instruct-v1:0": (0.00022, 0.00022),
    "meta.llama3-1-70b-instruct-v1:0": (0.00072, 0.00072),
    "mistral.mistral-7b-instruct-v0:2": (0.00015, 0.0002),
    "mistral.mixtral-8x7b-instruct-v0:1": (0.00045, 0.0007),
    "mistral.mistral-large-2402-v1:0": (0.004, 0.012),
    "mistral.mistral-small-2402-v1:0": (0.001, 0.003),
    "amazon.nova-micro-v1:0": (0.000035, 0.00014),
    "amazon.nova-lite-v1:0": (0.00006, 0.00024),
    "amazon.nova-pro-v1:0": (0.0008, 0.0032),
}
_REGION_PREFIXES = ("us.", "eu.", "apac.", "us-gov.", "global.", "jp.", "au.", "ca.")
_warned: set[str] = set()

# Config keys that configure the connection: never request fields, never part of a cache key.
CONNECTION_KEYS = frozenset({
    "api_key", "base_url", "endpoint_url", "default_headers", "timeout",
    "aws_region", "aws_access_key", "aws_secret_key", "aws_session_token", "aws_profile_name",
    "total_max_attempts", "max_attempts", "mode",
})  # fmt: skip
# keys of a config that are never inference parameters (ag2's list)
_CONFIG_ONLY = CONNECTION_KEYS | {"api_type", "model", "supports_system_prompts", "price", "messages", "tools",
                                  "response_format"}  # fmt: skip


def bedrock_price(model_id: str) -> tuple[float, float] | None:
    """``(input, output)`` USD per 1K tokens for a Bedrock model id, or None when unknown."""
    name = model_id or ""
    if name in PRICES_PER_K_TOKENS:
        return PRICES_PER_K_TOKENS[name]
    for prefix in _REGION_PREFIXES:  # cross-region inference profiles cost what the model costs
        if name.startswith(prefix):
            name = name[len(prefix) :]
            break
    if name in PRICES_PER_K_TOKENS:
        return PRICES_PER_K_TOKENS[name]
    if name.startswith("anthropic."):
        from .anthropic import anthropic_price

        return anthropic_price(name)
    return None


def calculate_cost(input_tokens: int, output_tokens: int, model_id: str) -> float:
    """USD cost of a call (ag2's helper); an unknown model costs 0, with one warning per model."""
    price = bedrock_price(model_id)
    if price is None:
        warn_unpriced_once(
            _warned,
            model_id,
            f"Cannot get the costs for {model_id}. The cost will be 0. In your config_list, add field "
            '{"price" : [prompt_price_per_1k, completion_token_price_per_1k]} for customized pricing.',
            stacklevel=2,
        )
        return 0.0
    return (input_tokens * price[0] + output_tokens * price[1]) / 1000


# ---- shared boto3 clients -------------------------------------------------------------------------


def clear_bedrock_clients() -> None:
    """Forget every shared ``bedrock-runtime`` client (new ones are built on the next call)."""
    _clients.clear()


def _build_sdk_client(key: tuple[Any, ...], for_async: bool) -> Any:
    boto3 = optional_import("boto3", "bedrock", feature="The Amazon Bedrock client (api_type='bedrock')")
    from botocore.config import Config

    from ..version import __version__

    region, access, secret, token, profile, endpoint, timeout = key
    config = Config(
        region_name=region,
        signature_version="v4",
        retries={"total_max_attempts": 1, "mode": "standard"},  # the wrapper's retry policy makes every attempt visible
        read_timeout=timeout,
        user_agent_extra=f"ag2/{__version__}",
    )
    if access and secret:
        session = boto3.Session(
            aws_access_key_id=access, aws_secret_access_key=secret, aws_session_token=token, profile_name=profile
        )
    else:  # boto3's default credential chain (environment, profile, instance role, ...)
        session = boto3.Session(profile_name=profile)
    kwargs: dict[str, Any] = {"config": config}
    if endpoint:
        kwargs["endpoint_url"] = endpoint
    return session.client("bedrock-runtime", **kwargs)


_clients = ClientRegistry(_build_sdk_client)


# ---- errors ---------------------------------------------------------------------------------------

_RETRY_CODES = frozenset({
    "ThrottlingException", "TooManyRequestsException", "ServiceUnavailableException", "InternalServerException",
    "ModelNotReadyException", "RequestTimeout", "RequestTimeoutException",
})  # fmt: skip


def _classify_botocore_error(exc: BaseException) -> FailureKind | None:
    """How the wrapper treats a botocore exception: throttling and server errors are retried, a model
    timeout counts as a timeout, credentials / validation / not-found errors fail this config at once."""
    import sys

    errors = sys.modules.get("botocore.exceptions")
    if errors is None:
        return None
    if isinstance(exc, errors.ClientError):
        response = exc.response if isinstance(exc.response, Mapping) else {}
        code = str((response.get("Error") or {}).get("Code", ""))
        status = (response.get("ResponseMetadata") or {}).get("HTTPStatusCode") or 0
        if code == "ModelTimeoutException":
            return FailureKind.TIMEOUT
        if code in _RETRY_CODES or status == 429 or status >= 500:
            return FailureKind.RETRY
        return FailureKind.NEXT  # AccessDenied, UnrecognizedClient, Validation, ResourceNotFound, quota ...
    if isinstance(exc, (errors.ReadTimeoutError, errors.ConnectTimeoutError)):
        return FailureKind.TIMEOUT
    if isinstance(exc, (errors.EndpointConnectionError, errors.ConnectionClosedError, errors.HTTPClientError)):
        return FailureKind.RETRY
    return FailureKind.PROPAGATE  # missing credentials, invalid parameters, unknown profile: not a model failure


register_failure_classifier("botocore", _classify_botocore_error)
on_registry_clear(clear_bedrock_clients)


class MalformedResponseError(ConnectionError):
    """Bedrock's answer had no ``output`` / ``stopReason`` (a truncated or non-JSON body); retried like a
    dropped connection."""


def _checked(params: Mapping[str, Any], name: str, types: tuple[type, ...]) -> Any:
    value = params.get(name)
    if value is None or not isinstance(value, types):
        expected = ", ".join(t.__name__ for t in types)
        reason = "cannot be None" if value is None else f"must be of type ({expected})"
        warnings.warn(f"Config error - {name} {reason}, defaulting to None.", UserWarning, stacklevel=3)
        return None
    return value


# ---- the client -----------------------------------------------------------------------------------


class BedrockClient:
    """A ``ModelClient`` for the Bedrock Converse API that answers with OpenAI-shaped ChatCompletions.

    Built as ag2 builds it, ``BedrockClient(**config_entry)``; nothing is imported or connected here. A
    missing region raises ``ValueError`` at once (ag2's behaviour) unless the client is built by
    ``OpenAIWrapper``, which reports it at the first call instead.
    """

    RESPONSE_USAGE_KEYS: ClassVar[list[str]] = ["prompt_tokens", "completion_tokens", "total_tokens", "cost", "model"]
    CONNECTION_KEYS: ClassVar[frozenset[str]] = CONNECTION_KEYS
    _retries = 5

    def __init__(self, **kwargs: Any) -> None:
        defer = kwargs.pop("_defer_region_check", False)
        self._config_index = kwargs.pop("_config_index", 0)
        self._config = kwargs
        self._aws_access_key = secret_value(kwargs.get("aws_access_key")) or os.getenv("AWS_ACCESS_KEY")
        self._aws_secret_key = secret_value(kwargs.get("aws_secret_key")) or os.getenv("AWS_SECRET_KEY")
        self._aws_session_token = secret_value(kwargs.get("aws_session_token")) or os.getenv("AWS_SESSION_TOKEN")
        self._aws_region = kwargs.get("aws_region") or os.getenv("AWS_REGION") or os.getenv("AWS_DEFAULT_REGION")
        self._aws_profile_name = kwargs.get("aws_profile_name")
        self._timeout = kwargs.get("timeout") or 60
        self._total_max_attempts = kwargs.get("total_max_attempts", 5)
        self._max_attempts = kwargs.get("max_attempts", 5)
        self._mode = kwargs.get("mode", "standard")
        self._retry_config = {
            "total_max_attempts": self._total_max_attempts,
            "max_attempts": self._max_attempts,
            "mode": self._mode,
        }
        endpoint = kwargs.get("endpoint_url") or kwargs.get("base_url")
        self._endpoint_url = str(endpoint) if endpoint else None
        self._response_format = kwargs.get("response_format")
        self._supports_system_prompts = kwargs.get("supports_system_prompts", True)
        self._price = normalize_price(kwargs.get("price"))
        self._model_id: str | None = kwargs.get("model")
        self._runtime: Any = None  # a client set by hand (ag2's tests replace ``bedrock_runtime``)
        if self._aws_region is None and not defer:
            raise ValueError("Region is required to use the Amazon Bedrock API.")

    @classmethod
    def from_wrapper_config(
        cls, config: Mapping[str, Any], *, response_format: Any = None, config_index: int = 0
    ) -> BedrockClient:
        """The client ``OpenAIWrapper`` builds for one config entry (the region is checked at the first call)."""
        return cls(
            **{**config, "response_format": response_format}, _defer_region_check=True, _config_index=config_index
        )

    @property
    def model(self) -> str | None:
        """The configured model id."""
        return self._config.get("model")

    @property
    def base_url(self) -> str | None:
        """The configured endpoint URL (None: the region's Bedrock endpoint)."""
        return self._endpoint_url

    # ---- connection ----

    def _endpoint_key(self, timeout: Any = None) -> tuple[Any, ...]:
        if self._aws_region is None:
            raise MissingAPIKeyError(
                f"config entry {self._config_index} (model={self.model!r}, api_type='bedrock'): Region is required "
                "to use the Amazon Bedrock API: put 'aws_region' in the config entry or set the AWS_REGION "
                "environment variable."
            )
        return (
            self._aws_region,
            self._aws_access_key or None,
            self._aws_secret_key or None,
            self._aws_session_token or None,
            self._aws_profile_name,
            self._endpoint_url,
            timeout or self._timeout,
        )

    @property
    def bedrock_runtime(self) -> Any:
        """The process-wide boto3 ``bedrock-runtime`` client for this endpoint and these credentials."""
        if self._runtime is not None:
            return self._runtime
        return _clients.sync_client(self._endpoint_key())

    @bedrock_runtime.setter
    def bedrock_runtime(self, client: Any) -> None:
        self._runtime = client

    def __getstate__(self) -> dict[str, Any]:
        return self.__dict__.copy()  # holds no boto3 client: copies share the registry

    # ---- parameters (ag2's helpers) ----

    def parse_custom_params(self, params: Mapping[str, Any]) -> None:
        """Read this client's own settings from ``params`` (``supports_system_prompts``)."""
        self._supports_system_prompts = params.get(
            "supports_system_prompts", self._config.get("supports_system_prompts", True)
        )

    def parse_params(self, params: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
        """``(inferenceConfig, additionalModelRequestFields)`` from ``params``: only the settings given are
        included (no defaults: they differ per model); a value of the wrong type warns and becomes None."""
        self._model_id = params.get("model")
        assert self._model_id, "Please provide the 'model' in the config_list to use Amazon Bedrock"
        base: dict[str, Any] = {}
        for name, target, types in (
            ("temperature", "temperature", (float, int)),
            ("top_p", "topP", (float, int)),
            ("max_tokens", "maxTokens", (int,)),
        ):
            if name in params:
                base[target] = _checked(params, name, types)
        additional: dict[str, Any] = {}
        for name in ("top_k", "k", "seed", "cache_seed"):
            if name in params:
                additional[name] = _checked(params, name, (int,))
        fields = params.get("additional_model_request_fields")
        if isinstance(fields, dict):
            additional.update({k: v for k, v in fields.items() if k not in _CONFIG_ONLY})
        if params.get("stream", False):
            warnings.warn(
                "Streaming is not currently supported, streaming will be disabled.", UserWarning, stacklevel=2
            )
        return base, additional

    # ---- structured output (ag2's helpers) ----

    def _get_response_format_schema(self, response_format: Any) -> dict[str, Any]:
        """The JSON schema of a ``response_format`` (model class or schema dict), as an object schema."""
        if isinstance(response_format, dict):
            schema = dict(response_format)
            if schema.get("type") == "json_schema" and isinstance(schema.get("json_schema"), dict):
                schema = dict(schema["json_schema"].get("schema") or {})
        else:
            schema = response_format.model_json_schema()
        if "type" not in schema:
            schema["type"] = "object"
        elif schema["type"] != "object":
            schema = {"type": "object", "properties": {"data": schema}, "required": ["data"]}
        schema.setdefault("properties", {})
        schema.setdefault("required", [])
        return schema

    def _normalize_pydantic_schema_to_dict(self, schema: Any) -> dict[str, Any]:
        """A model class's (or a schema dict's) JSON schema with its ``$ref``s inlined and ``$defs`` removed."""
        if is_model_class(schema):
            schema = schema.model_json_schema()
        elif not isinstance(schema, dict):
            raise ValueError(f"Schema must be a Pydantic model class or dict, got {type(schema)}")
        return normalize_schema(schema)

    def _create_structured_output_tool(self, response_format: Any) -> dict[str, Any]:
        """The ``__structured_output`` tool the model is asked to call with the structured reply."""
        schema = self._normalize_pydantic_schema_to_dict(self._get_response_format_schema(response_format))
        return {
            "type": "function",
            "function": {
                "name": STRUCTURED_OUTPUT_TOOL,
                "description": "Generate structured output matching the specified schema",
                "parameters": schema,
            },
        }

    def _merge_tools_with_structured_output(
        self, user_tools: list[dict[str, Any]] | None, structured_output_tool: dict[str, Any]
    ) -> dict[Literal["tools"], list[dict[str, Any]]]:
        """The ``toolConfig`` of the user's tools plus the structured-output tool."""
        return format_tools([*(user_tools or []), structured_output_tool])

    def _extract_structured_output_from_tool_call(self, tool_calls: list[Any]) -> dict[str, Any] | None:
        """The arguments of the ``__structured_output`` call among ``tool_calls`` (None when absent)."""
        for call in tool_calls or []:
            if call.function.name == STRUCTURED_OUTPUT_TOOL:
                try:
                    return json.loads(call.function.arguments)
                except json.JSONDecodeError as e:
                    raise ValueError(f"Failed to parse structured output from tool call: {e!s}") from e
        return None

    def _validate_and_format_structured_output(self, structured_data: dict[str, Any]) -> str:
        """The structured reply as JSON text (the message content; ``format()`` applies when it is read)."""
        return json.dumps(structured_data)

    # ---- requests ----

    def _request(self, params: Mapping[str, Any], response_format: Any) -> dict[str, Any]:
        base, additional = self.parse_params(params)
        tools = [t for t in params.get("tools") or [] if isinstance(t, dict)]
        tools += [{"type": "function", "function": f} for f in params.get("functions") or [] if isinstance(f, dict)]
        if response_format is not None:
            tool_config = self._merge_tools_with_structured_output(
                tools, self._create_structured_output_tool(response_format)
            )
        else:
            tool_config = format_tools(tools)
        has_tools = bool(tool_config["tools"])
        supports_system = params.get("supports_system_prompts", self._config.get("supports_system_prompts", True))
        system, messages = to_bedrock_messages(
            list(params.get("messages") or []), has_tools=has_tools, supports_system_prompts=supports_system
        )
        request: dict[str, Any] = {"modelId": params["model"], "messages": messages}
        inference = {k: v for k, v in base.items() if v is not None}
        stop = params.get("stop_sequences") or params.get("stop")
        if stop:
            inference["stopSequences"] = [stop] if isinstance(stop, str) else list(stop)
        if inference:
            request["inferenceConfig"] = inference
        additional = {k: v for k, v in additional.items() if v is not None}
        if additional:
            request["additionalModelRequestFields"] = additional
        if system:
            request["system"] = system
        if has_tools:
            names = [t["toolSpec"]["name"] for t in tool_config["tools"]]
            choice = tool_choice(params.get("tool_choice"), names)
            request["toolConfig"] = {**tool_config, "toolChoice": choice} if choice else tool_config
        return request

    def create(self, params: dict[str, Any]) -> Any:
        """One Converse call, returned as an OpenAI-shaped ChatCompletion (with ``.cost``)."""
        from .oai_models import ChatCompletion

        self.parse_custom_params(params)
        response_format = params.get("response_format")
        if response_format is None:
            response_format = self._response_format
        request = self._request(params, response_format)
        model = str(request["modelId"])
        runtime = self._runtime or _clients.sync_client(self._endpoint_key(params.get("timeout")))
        response = runtime.converse(**request)
        if response is None:
            raise RuntimeError(f"Failed to get response from Bedrock after retrying {self._retries} times.")
        if not isinstance(response, Mapping) or "output" not in response or "stopReason" not in response:
            # botocore reads a body that is not JSON as an empty response: a truncated answer, worth a retry
            raise MalformedResponseError(f"Bedrock answered {model!r} without output or stopReason (malformed body).")
        structured = None
        if response_format is not None and response.get("stopReason") == "tool_use":
            content = ((response.get("output") or {}).get("message") or {}).get("content") or []
            data = self._extract_structured_output_from_tool_call(format_tool_calls(content))
            if data is not None:
                structured = self._validate_and_format_structured_output(data)
        completion = ChatCompletion.model_validate(
            response_to_completion_dict(response, model, structured_text=structured)
        )
        usage = completion.usage
        store_cost(completion, self._cost_of(model, usage.prompt_tokens, usage.completion_tokens))
        return completion

    # ---- ModelClient protocol ----

    def _cost_of(self, model: str, prompt: int, output: int) -> float:
        if self._price is not None:
            return (self._price[0] * prompt + self._price[1] * output) / 1000
        return calculate_cost(prompt, output, model)

    def cost(self, response: Any) -> float:
        """USD cost of ``response`` (the entry's ``price``, else the Bedrock price table)."""
        return response_cost(response, self._cost_of)

    def message_retrieval(self, response: Any) -> list[Any]:
        """Per choice: the message object when it calls tools, else its text. A structured-output call is
        read as the reply's text (formatted by the ``response_format`` model's ``format()``, if any)."""
        out: list[Any] = []
        for choice in response.choices:
            message = getattr(choice, "message", None)
            calls = getattr(message, "tool_calls", None) or []
            if any(call.function.name == STRUCTURED_OUTPUT_TOOL for call in calls):
                others = [call for call in calls if call.function.name != STRUCTURED_OUTPUT_TOOL]
                if others:
                    out.append(message.model_copy(update={"tool_calls": others}))
                else:
                    out.append(format_structured_content(self._response_format, message.content))
                continue
            out.extend(completion_messages(SimpleNamespace(choices=[choice]), self._response_format))
        return out

    @staticmethod
    def get_usage(response: Any) -> dict[str, Any]:
        """Token counts, cost and model of ``response`` (the ModelClient usage keys)."""
        return completion_usage(response)
