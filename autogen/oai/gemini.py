"""The Gemini model client (``api_type="google"`` / ``"google_vertex"``): Gemini through ``google-genai``.

Config entries, as in ag2::

    {"api_type": "google", "model": "gemini-2.5-flash", "api_key": os.environ["GOOGLE_GEMINI_API_KEY"]}
    # Vertex AI: no api key (or api_type "google_vertex"); credentials from the entry or the environment
    {"api_type": "google", "model": "gemini-2.5-flash", "project_id": "my-project", "location": "us-central1",
     "credentials": google_auth_credentials}  # or "google_application_credentials": "key.json"

``base_url`` (or ``http_options``) points the SDK at another endpoint; ``api_version`` picks the API
version. The SDK is imported on the first request, never at ``import autogen``; without it the first
request raises an ImportError naming the extra (``pip install "ag2[gemini]"``). SDK clients are
shared per endpoint, the SDK's own retries are off (the wrapper retries, honouring ``retry-after``),
and requests/responses are converted by :mod:`autogen.oai.gemini_convert`. As in ag2 a request goes
through the SDK's chat API (``client.chats.create(...).send_message``, ``send_message_stream`` when
streaming) and the SDK names ag2 imports here (``genai``, ``types``, ``GenerateContentConfig``, ...)
are this module's attributes, loaded on first use.

Gemini 3 models sign their function calls (``thought_signature``) and want the signature back with
the call in the history: it is kept per client and also rides on the tool call dict (base64), so it
survives a hand-over to another agent.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import warnings
from collections.abc import Mapping
from typing import Any, ClassVar

from ..import_utils import optional_import
from ..llm_config.entry import GeminiLLMConfigEntry
from ._response_cost import store_cost
from ._sdk_names import SDKNames
from .endpoints import ClientRegistry, on_registry_clear, secret_value
from .errors import FailureKind, MissingAPIKeyError, register_failure_classifier
from .gemini_convert import (
    build_generate_request,
    candidate_parts,
    completion_dict,
    convert_tools,
    function_declaration,
    gemini_schema,
    has_prebuilt_google_search,
    message_parts,
    part_text,
    part_tool_call,
    resolve_refs,
    to_gemini_contents,
    usage_counts,
)
from .openai_client import completion_messages, completion_usage
from .pricing import normalize_price, response_cost, warn_unpriced_once

__all__ = [
    "GEMINI_PRICING_1M",
    "GeminiClient",
    "GeminiConfigError",
    "GeminiLLMConfigEntry",
    "calculate_gemini_cost",
]

logger = logging.getLogger(__name__)

_FEATURE = "The Gemini model client (api_type='google')"
_TYPES = (
    "Content", "FinishReason", "FunctionCall", "FunctionDeclaration", "FunctionResponse", "GenerateContentConfig",
    "GenerateContentResponse", "GoogleSearch", "HarmBlockThreshold", "HarmCategory", "HttpOptions", "Part",
    "SafetySetting", "Schema", "ThinkingConfig", "Tool", "Type",
)  # fmt: skip
# ag2's module-level names (autogen.oai.gemini.genai, .types, .GenerateContentConfig, ...), loaded on first use
_SDK = SDKNames(
    globals(),
    {
        "genai": ("google.genai", None),
        "types": ("google.genai.types", None),
        "IOStream": ("autogen.io.base", "IOStream"),
        **{name: ("google.genai.types", name) for name in _TYPES},
    },
    extra="gemini",
    feature=_FEATURE,
)


def __getattr__(name: str) -> Any:
    return _SDK.module_getattr(name)


class GeminiConfigError(ValueError, AssertionError):
    """A Gemini config entry that contradicts itself (an AssertionError too, as ag2 raised one)."""


# USD per 1M tokens (input, output) from Google's published prices; for the "pro" models prompts over
# 200K tokens cost the second pair. Looked up by the longest name prefix (dated/preview names share it).
GEMINI_PRICING_1M: dict[str, tuple[tuple[float, float], tuple[float, float] | None]] = {
    "gemini-3.1-pro": ((2.0, 12.0), (4.0, 18.0)),
    "gemini-3-pro": ((2.0, 12.0), (4.0, 18.0)),
    "gemini-3.1-flash-lite": ((0.25, 1.5), None),
    "gemini-3-flash": ((0.5, 3.0), None),
    "gemini-2.5-pro": ((1.25, 10.0), (2.5, 15.0)),
    "gemini-2.5-flash-lite": ((0.1, 0.4), None),
    "gemini-2.5-flash": ((0.3, 2.5), None),
    "gemini-2.0-flash-lite": ((0.075, 0.3), None),
    "gemini-2.0-flash": ((0.1, 0.4), None),
}
_warned: set[str] = set()

CONNECTION_KEYS = frozenset({
    "api_key", "base_url", "http_options", "api_version", "proxy", "default_headers",
    "project_id", "location", "google_application_credentials", "credentials",
})  # fmt: skip
_NOT_REQUEST = frozenset({"api_type", "price", "tags", "model_client_cls"})


def gemini_price(model: str, input_tokens: int = 0) -> tuple[float, float] | None:
    """``(input, output)`` USD per 1M tokens for a Gemini model name, or None when unknown."""
    name = (model or "").rsplit("/", 1)[-1].lower()
    for prefix in sorted(GEMINI_PRICING_1M, key=len, reverse=True):
        if name.startswith(prefix):
            small, large = GEMINI_PRICING_1M[prefix]
            return large if large is not None and input_tokens > 200_000 else small
    return None


def calculate_gemini_cost(use_vertexai: bool, input_tokens: int, output_tokens: int, model_name: str) -> float:
    """USD cost of a call (ag2's helper; Vertex AI and the Gemini API price text alike). Unknown model -> 0
    with a one-time warning."""
    price = gemini_price(model_name, input_tokens)
    if price is None:
        warn_unpriced_once(
            _warned,
            model_name,
            f"Cost calculation is not implemented for model {model_name}. Cost will be calculated zero.",
            stacklevel=2,
        )
        return 0.0
    return (input_tokens * price[0] + output_tokens * price[1]) / 1e6


# ---- shared SDK clients -------------------------------------------------------------------------


def clear_gemini_clients() -> None:
    """Forget every shared google-genai client (new ones are built on the next call)."""
    _clients.clear()


def _build_sdk_client(key: tuple[Any, ...], for_async: bool) -> Any:
    # one genai.Client serves both worlds (its async side is `.aio`); an async caller gets one per loop.
    # The key starts with the Client class in use (a class replaced on genai gets clients of its own).
    client_cls, vertex, api_key, project, location, credentials, base_url, api_version, proxy, headers = key
    from ..version import __version__

    options: dict[str, Any] = {"headers": {"x-goog-api-client": f"ag2/{__version__}", **dict(headers)}}
    if base_url:
        options["base_url"] = base_url
    if api_version:
        options["api_version"] = api_version
    if proxy:
        options["client_args"] = {"proxy": proxy}
        options["async_client_args"] = {"proxy": proxy}
    kwargs: dict[str, Any] = {"http_options": _SDK.get("HttpOptions")(**options)}
    if vertex:
        kwargs["vertexai"] = True
        given = {"project": project, "location": location, "credentials": credentials, "api_key": api_key}
        kwargs.update({k: v for k, v in given.items() if v is not None})
    else:
        kwargs["api_key"] = api_key
    return client_cls(**kwargs)


_clients = ClientRegistry(_build_sdk_client, close_on_clear=False)


# ---- errors -------------------------------------------------------------------------------------


def _classify_gemini_error(exc: BaseException) -> FailureKind | None:
    """How the wrapper treats a ``google.genai`` exception (None: not one; the generic rules decide)."""
    import sys

    errors = sys.modules.get("google.genai.errors")
    if errors is None or not isinstance(exc, errors.APIError):
        return None
    status = exc.code if isinstance(exc.code, int) else 0
    if status == 429 or status >= 500 or status == 408:
        return FailureKind.RETRY
    return FailureKind.NEXT  # auth, permission, bad request, not found: retrying cannot help


register_failure_classifier("google", _classify_gemini_error)
on_registry_clear(clear_gemini_clients)


class _Reply:
    """Builds one answer from a response or from the chunks of a streamed one."""

    def __init__(self, client: GeminiClient, model: str, iostream: Any = None) -> None:
        self.client, self.model, self.iostream = client, model, iostream
        self.text: list[str] = []
        self.tool_calls: list[Any] = []
        self.finish: str | None = None
        self.prompt = self.output = 0
        self.response_id: Any = None

    def add(self, response: Any) -> None:
        parts, finish = self.client._extract_parts_from_response(response)
        self.finish = finish or self.finish
        text, _, _, _ = self.client._process_parts(parts, self.tool_calls, self.iostream)
        self.text.append(text)
        prompt, output = usage_counts(response)
        self.prompt = prompt or self.prompt  # a stream's later chunks carry the running totals
        self.output = output or self.output
        self.response_id = getattr(response, "response_id", None) or self.response_id

    def completion(self) -> Any:
        return self.client._build_chat_completion(
            "".join(self.text), self.tool_calls, self.finish, self.prompt, self.output, self.model, self.response_id
        )


# ---- the client ---------------------------------------------------------------------------------


class GeminiClient:
    """A ``ModelClient`` for Gemini (Gemini API or Vertex AI) that answers with OpenAI-shaped ChatCompletions.

    Built as ag2 builds it, ``GeminiClient(**config_entry)``; nothing is imported or connected here.
    Without an API key (the entry's or ``GOOGLE_GEMINI_API_KEY``), or with ``api_type="google_vertex"``,
    it talks to Vertex AI with the entry's ``project_id`` / ``location`` / ``credentials`` (else the
    environment's application default credentials).
    """

    RESPONSE_USAGE_KEYS: ClassVar[list[str]] = ["prompt_tokens", "completion_tokens", "total_tokens", "cost", "model"]
    CONNECTION_KEYS: ClassVar[frozenset[str]] = CONNECTION_KEYS
    PARAMS_MAPPING: ClassVar[dict[str, str]] = {
        "max_tokens": "max_output_tokens", "seed": "seed", "stop_sequences": "stop_sequences",
        "temperature": "temperature", "top_p": "top_p", "top_k": "top_k", "max_output_tokens": "max_output_tokens",
    }  # fmt: skip

    def __init__(self, **kwargs: Any) -> None:
        self._config_index = kwargs.pop("_config_index", 0)
        defer = kwargs.pop("_defer_checks", False)
        self._config = kwargs
        self.api_type = str(kwargs.get("api_type") or "google")
        key = secret_value(kwargs.get("api_key"))
        if self.api_type == "google_vertex":
            self.api_key, self.use_vertexai = key, True  # an explicit key here is Vertex AI express mode
        else:
            # a Vertex project/location in the entry outweighs a key that is only in the environment
            vertex_entry = bool(kwargs.get("project_id") or kwargs.get("location"))
            self.api_key = key or (None if vertex_entry else os.getenv("GOOGLE_GEMINI_API_KEY"))
            self.use_vertexai = not self.api_key
        self.project_id = kwargs.get("project_id")
        self.location = kwargs.get("location")
        self.credentials = kwargs.get("credentials")
        self._config_error: str | None = None
        if self.api_key and (self.project_id or self.location):
            self._config_error = "Google Cloud project and compute location cannot be set when using an API Key!"
            if not defer:
                raise GeminiConfigError(self._config_error)
        if self.use_vertexai and kwargs.get("google_application_credentials"):
            # a service account key file: found by the application default credentials, as in ag2
            os.environ["GOOGLE_APPLICATION_CREDENTIALS"] = str(kwargs["google_application_credentials"])
        self.api_version = kwargs.get("api_version")
        self.proxy = kwargs.get("proxy")
        http_options = kwargs.get("http_options") or {}
        if not isinstance(http_options, Mapping):
            http_options = http_options.model_dump(exclude_none=True)
        self._base_url = str(kwargs["base_url"]) if kwargs.get("base_url") else http_options.get("base_url")
        self._headers = {**dict(http_options.get("headers") or {}), **dict(kwargs.get("default_headers") or {})}
        self._response_format = kwargs.get("response_format")
        self._price = normalize_price(kwargs.get("price"))
        self._loaded_credentials: Any = None
        # tool call id -> function name (to name function responses) and -> thought signature (Gemini 3)
        self.tool_call_function_map: dict[str, str] = {}
        self.tool_call_thought_signatures: dict[str, bytes] = {}

    @classmethod
    def from_wrapper_config(
        cls, config: Mapping[str, Any], *, response_format: Any = None, config_index: int = 0
    ) -> GeminiClient:
        """The client ``OpenAIWrapper`` builds for one config entry (config problems reported at the first call)."""
        return cls(**{**config, "response_format": response_format}, _config_index=config_index, _defer_checks=True)

    @property
    def model(self) -> str | None:
        return self._config.get("model")

    @property
    def base_url(self) -> str | None:
        return self._base_url

    # ---- connection ----

    def _where(self) -> str:
        return f"config entry {self._config_index} (model={self._config.get('model')!r}, api_type={self.api_type!r})"

    def _vertex_credentials(self) -> Any:
        if isinstance(self.credentials, str):  # a key file path
            if self._loaded_credentials is None:
                service_account = optional_import("google.oauth2.service_account", "gemini", feature=_FEATURE)
                self._loaded_credentials = service_account.Credentials.from_service_account_file(
                    self.credentials, scopes=["https://www.googleapis.com/auth/cloud-platform"]
                )
            return self._loaded_credentials
        return self.credentials

    def _endpoint_key(self, proxy: Any = None) -> tuple[Any, ...]:
        client_cls = _SDK.get("genai").Client
        if self._config_error:
            raise GeminiConfigError(f"{self._where()}: {self._config_error}")
        headers = tuple(sorted(self._headers.items()))
        connection = (self._base_url, self.api_version, proxy or self.proxy, headers)
        if not self.use_vertexai:
            return (client_cls, False, self.api_key, None, None, None, *connection)
        found = self.api_key or self.project_id or self.credentials is not None
        if not found and not (os.getenv("GOOGLE_CLOUD_PROJECT") or os.getenv("GOOGLE_APPLICATION_CREDENTIALS")):
            raise MissingAPIKeyError(
                f"{self._where()}: an API key is required: set the GOOGLE_GEMINI_API_KEY environment variable or "
                "put 'api_key' in the config entry; for Vertex AI give 'project_id' and 'location' (and "
                "'credentials' or 'google_application_credentials', or set GOOGLE_CLOUD_PROJECT and use "
                "application default credentials)."
            )
        return (client_cls, True, self.api_key, self.project_id, self.location, self._vertex_credentials(), *connection)

    def sdk_client(self, proxy: Any = None) -> Any:
        """The process-wide ``google.genai.Client`` for this endpoint."""
        return _clients.sync_client(self._endpoint_key(proxy))

    def async_sdk_client(self, proxy: Any = None) -> Any:
        """The ``client.aio`` for this endpoint and the running event loop."""
        return _clients.async_client(self._endpoint_key(proxy)).aio

    def __getstate__(self) -> dict[str, Any]:
        return self.__dict__.copy()

    # ---- requests ----

    def _prepare(self, params: dict[str, Any]) -> tuple[str, list[Any], list[Any], Any, bool]:
        """``(model, history, message parts, GenerateContentConfig, stream)`` for one call."""
        merged = {k: v for k, v in self._config.items() if k not in CONNECTION_KEYS and k not in _NOT_REQUEST}
        merged.update(params)
        if not self.use_vertexai and (params.get("project_id") or params.get("location")):
            raise GeminiConfigError("Google Cloud project and compute location cannot be set when using an API Key!")
        if merged.get("response_format") is not None:
            self._response_format = merged["response_format"]
        elif self._response_format is not None:
            merged["response_format"] = self._response_format
        model = merged.get("model")
        if model == "gemini-pro-vision":
            raise ValueError(
                "Gemini 1.0 Pro vision ('gemini-pro-vision') has been deprecated, please consider switching to a "
                "different model, for example 'gemini-2.5-flash'."
            )
        if (merged.get("n") or 1) > 1:
            warnings.warn("Gemini only supports `n=1` for now. We only generate one response.", UserWarning)
        model, contents, config = build_generate_request(
            merged,
            vertexai=self.use_vertexai,
            names=self.tool_call_function_map,
            signatures=self.tool_call_thought_signatures,
        )
        content_cls = _SDK.get("Content")
        turns = [content_cls.model_validate(turn) for turn in contents]
        return (
            model,
            turns[:-1],
            list(turns[-1].parts),
            self._generation_config(merged, config),
            bool(merged.get("stream")),
        )

    def _generation_config(self, params: dict[str, Any], config: dict[str, Any]) -> Any:
        kwargs = {k: v for k, v in config.items() if k != "thinking_config"}
        # as ag2 does, a ThinkingConfig always goes out (empty when no thinking setting is given)
        thinking = _SDK.get("ThinkingConfig")(
            include_thoughts=params.get("include_thoughts"), thinking_budget=params.get("thinking_budget")
        )
        level = params.get("thinking_level")
        level_type = getattr(_SDK.get("types"), "ThinkingLevel", None)
        if level is not None and level_type is not None:
            thinking.thinking_level = level_type(level)
        kwargs["thinking_config"] = thinking
        if self.use_vertexai and kwargs.get("safety_settings"):
            kwargs["safety_settings"] = self._to_vertexai_safety_settings(kwargs["safety_settings"])
        kwargs["automatic_function_calling"] = {"disable": True}  # tools are declarations; agents run them
        from ..version import __version__

        # per request, so the SDK's chat usage label is added to ours rather than replacing it
        options: dict[str, Any] = {"headers": {"x-goog-api-client": f"ag2/{__version__}"}}
        timeout = params.get("timeout")
        if timeout:
            options["timeout"] = int(float(timeout) * 1000)
        kwargs["http_options"] = options
        return _SDK.get("GenerateContentConfig")(**kwargs)

    def create(self, params: dict[str, Any]) -> Any:
        """One ``generateContent`` call (through the SDK's chat API), returned as an OpenAI-shaped
        ChatCompletion with ``.cost``."""
        model, history, message, config, stream = self._prepare(params)
        chat = self.sdk_client(params.get("proxy")).chats.create(model=model, config=config, history=history)
        if stream:
            return self._process_streaming_response(
                chat.send_message_stream(message=message), model, self.use_vertexai, []
            )
        return self._process_non_streaming_response(chat.send_message(message=message), model, [])

    async def a_create(self, params: dict[str, Any]) -> Any:
        """Async twin of :meth:`create`, on the loop's ``client.aio``."""
        model, history, message, config, stream = self._prepare(params)
        chat = self.async_sdk_client(params.get("proxy")).chats.create(model=model, config=config, history=history)
        if not stream:
            return self._process_non_streaming_response(await chat.send_message(message=message), model, [])
        reply = _Reply(self, model, _SDK.get("IOStream").get_default())
        async for chunk in await chat.send_message_stream(message=message):
            reply.add(chunk)
        return reply.completion()

    # ---- responses (ag2's steps) ----

    def _extract_parts_from_response(self, response: Any) -> tuple[list[Any], str | None]:
        """``(parts, finish reason)`` of a response (chunk)."""
        return candidate_parts(response)

    def _process_parts(
        self, parts: list[Any], autogen_tool_calls: list[Any], iostream: Any = None
    ) -> tuple[str, list[Any], list[dict[str, Any]], None]:
        """Text and tool calls of ``parts``: tool calls are appended to ``autogen_tool_calls`` (their thought
        signatures remembered), text pieces sent to ``iostream`` when given. Returns ``(text,
        autogen_tool_calls, the new tool call dicts, None)``."""
        from ..events.client_events import StreamEvent
        from .oai_models import ChatCompletionMessageToolCall

        text: list[str] = []
        calls: list[dict[str, Any]] = []
        for part in parts:
            call = part_tool_call(part)
            if call is not None:
                if "thought_signature" in call:
                    self.tool_call_thought_signatures[call["id"]] = base64.b64decode(call["thought_signature"])
                autogen_tool_calls.append(ChatCompletionMessageToolCall.model_validate(call))
                calls.append(call)
                continue
            piece = part_text(part)
            if piece:
                if iostream is not None:
                    iostream.send(StreamEvent(content=piece))
                text.append(piece)
        return "".join(text), autogen_tool_calls, calls, None

    def _process_non_streaming_response(self, response: Any, model_name: str, autogen_tool_calls: list[Any]) -> Any:
        reply = _Reply(self, model_name)
        reply.tool_calls = autogen_tool_calls
        reply.add(response)
        return reply.completion()

    def _process_streaming_response(
        self, response_stream: Any, model_name: str, use_vertexai: bool, autogen_tool_calls: list[Any]
    ) -> Any:
        """Text pieces go to the default IOStream as they come; the chunks make one answer."""
        reply = _Reply(self, model_name, _SDK.get("IOStream").get_default())
        reply.tool_calls = autogen_tool_calls
        for chunk in response_stream:
            reply.add(chunk)
        return reply.completion()

    def _build_chat_completion(
        self, ans: str, autogen_tool_calls: list[Any], finish_reason: str | None, prompt_tokens: int,
        completion_tokens: int, model_name: str, response_id: Any = None,
    ) -> Any:  # fmt: skip
        from .oai_models import ChatCompletion

        calls = [call.model_dump(exclude_none=True) for call in autogen_tool_calls]
        data = completion_dict(ans, calls, finish_reason, prompt_tokens, completion_tokens, model_name, response_id)
        completion = ChatCompletion.model_validate(data)
        store_cost(completion, self._cost_of(model_name, prompt_tokens, completion_tokens))
        return completion

    # ---- ModelClient protocol ----

    def _cost_of(self, model: str, prompt: int, output: int) -> float:
        if self._price is not None:
            return (self._price[0] * prompt + self._price[1] * output) / 1000
        return calculate_gemini_cost(self.use_vertexai, prompt, output, model)

    def cost(self, response: Any) -> float:
        return response_cost(response, self._cost_of)

    def message_retrieval(self, response: Any) -> list[Any]:
        """Per choice: the message object when it calls tools, else its text (formatted for a
        ``response_format`` model)."""
        return completion_messages(response, self._response_format)

    @staticmethod
    def get_usage(response: Any) -> dict[str, Any]:
        """Token counts, cost and model of ``response`` (the ModelClient usage keys)."""
        return completion_usage(response)

    # ---- ag2's conversion helpers, as SDK objects ----

    def _oai_content_to_gemini_content(self, message: dict[str, Any]) -> tuple[list[Any], str]:
        """``(parts, kind)`` of one message as SDK ``Part``s (see ``gemini_convert.message_parts``)."""
        parts, kind = message_parts(message, self.tool_call_function_map, self.tool_call_thought_signatures)
        part_cls = _SDK.get("Part")
        return [part_cls.model_validate(p) for p in parts], kind

    def _oai_messages_to_gemini_messages(self, messages: list[dict[str, Any]]) -> list[Any]:
        """The SDK ``Content`` turns of a message list (system messages as user turns)."""
        _, turns = to_gemini_contents(
            messages,
            extract_system=False,
            names=self.tool_call_function_map,
            signatures=self.tool_call_thought_signatures,
        )
        content_cls = _SDK.get("Content")
        return [content_cls.model_validate(turn) for turn in turns]

    def _extract_system_instruction(self, messages: list[dict[str, Any]] | None) -> str | None:
        """Pops a leading system message off ``messages`` and returns its (stripped) text, None if blank."""
        if not messages or messages[0].get("role") != "system":
            return None
        content = messages.pop(0)["content"]
        text = content[0].get("text", "") if isinstance(content, list) else content
        return text.strip() or None

    def _convert_json_response(self, response: str) -> Any:
        """A structured reply parsed (and validated by a pydantic ``response_format``)."""
        if not self._response_format:
            return response
        try:
            data = json.loads(response)
            return data if isinstance(self._response_format, dict) else self._response_format.model_validate(data)
        except Exception as e:
            raise ValueError(
                f"Failed to parse response as valid JSON matching the schema for Structured Output: {e!s}"
            ) from e

    def _tools_to_gemini_tools(self, tools: list[dict[str, Any]]) -> list[Any]:
        """OpenAI tools as SDK ``Tool``s (Google Search for ``prebuilt_google_search``)."""
        tool_cls = _SDK.get("Tool")
        return [tool_cls.model_validate(tool) for tool in convert_tools(tools)]

    @staticmethod
    def _check_if_prebuilt_google_search_tool_exists(tools: list[dict[str, Any]]) -> bool:
        return has_prebuilt_google_search(tools)

    @staticmethod
    def _create_gemini_function_declaration(tool: dict[str, Any]) -> Any:
        return _SDK.get("FunctionDeclaration").model_validate(function_declaration(tool["function"]))

    @staticmethod
    def _create_gemini_function_declaration_schema(json_data: dict[str, Any]) -> Any:
        schema = gemini_schema(json_data)
        if "type" not in schema and "anyOf" not in schema:
            schema["type"] = "string"
        return _SDK.get("Schema").model_validate(schema)

    @staticmethod
    def _unwrap_references(function_parameters: dict[str, Any]) -> dict[str, Any]:
        """``function_parameters`` with the ``$defs`` a property carries written into that property."""
        properties = function_parameters.get("properties")
        if not isinstance(properties, dict):
            return function_parameters
        unwrapped = {name: resolve_refs(prop) if "$defs" in prop else prop for name, prop in properties.items()}
        return {**function_parameters, "properties": unwrapped}

    @staticmethod
    def _create_gemini_function_parameters(function_parameter: dict[str, Any]) -> dict[str, Any]:
        """A parameters schema in the upper-case type form (titles and defaults dropped)."""
        out = dict(GeminiClient._unwrap_references(function_parameter))
        if isinstance(out.get("type"), str):
            out["type"] = out["type"].upper()
            out.pop("title", None)
        if isinstance(out.get("properties"), dict):
            out["properties"] = {
                k: GeminiClient._create_gemini_function_parameters(v) for k, v in out["properties"].items()
            }
        if isinstance(out.get("items"), dict):
            out["items"] = GeminiClient._create_gemini_function_parameters(out["items"])
        out.pop("default", None)
        return out

    @staticmethod
    def _convert_type_null_to_nullable(schema: Any) -> Any:
        if isinstance(schema, dict):
            if schema == {"type": "null"}:
                return {"nullable": True}
            return {k: GeminiClient._convert_type_null_to_nullable(v) for k, v in schema.items()}
        if isinstance(schema, list):
            return [GeminiClient._convert_type_null_to_nullable(v) for v in schema]
        return schema

    @staticmethod
    def _to_vertexai_safety_settings(safety_settings: Any) -> Any:
        """A list of ``{"category", "threshold"}`` dicts as SDK ``SafetySetting``s (unknown names logged and
        left out); anything else unchanged."""
        if not isinstance(safety_settings, list) or not all(type(s) is dict for s in safety_settings):
            return safety_settings
        categories, thresholds = _SDK.get("HarmCategory"), _SDK.get("HarmBlockThreshold")
        setting_cls = _SDK.get("SafetySetting")
        out = []
        for setting in safety_settings:
            category, threshold = str(setting.get("category")), str(setting.get("threshold"))
            if category not in categories.__members__:
                logger.error("Safety setting category %s is invalid", category)
            elif threshold not in thresholds.__members__:
                logger.error("Safety threshold %s is invalid", threshold)
            else:
                out.append(setting_cls(category=categories[category], threshold=thresholds[threshold]))
        return out

    @staticmethod
    def _to_json_or_str(data: str) -> Any:
        try:
            return json.loads(data)
        except (TypeError, ValueError):
            return data
