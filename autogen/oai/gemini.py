"""The Gemini model client (``api_type="google"``): Gemini through the ``google-genai`` SDK.

Config entry, as in ag2::

    {"api_type": "google", "model": "gemini-2.5-flash", "api_key": os.environ["GOOGLE_GEMINI_API_KEY"]}

``base_url`` (or ``http_options``) points the SDK at another endpoint; ``api_version`` picks the API
version. The SDK is imported on the first request, never at ``import autogen``; without it the first
request raises an ImportError naming the extra (``pip install "ag2[gemini]"``). SDK clients are
shared per endpoint, the SDK's own retries are off (the wrapper retries, honouring ``retry-after``),
and requests/responses are converted by :mod:`autogen.oai.gemini_convert`.

Vertex AI (no api key; ``project_id`` / ``location`` / ``credentials``) is not supported yet.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Mapping
from typing import Any, ClassVar

from ..import_utils import optional_import
from ..llm_config.entry import GeminiLLMConfigEntry
from ._response_cost import store_cost
from .endpoints import ClientRegistry, on_registry_clear
from .errors import FailureKind, MissingAPIKeyError, register_failure_classifier
from .gemini_convert import build_generate_request, response_to_completion_dict, usage_counts
from .openai_client import completion_messages, completion_usage
from .pricing import normalize_price

__all__ = ["GEMINI_PRICING_1M", "GeminiClient", "GeminiLLMConfigEntry", "calculate_gemini_cost"]

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
        if model_name not in _warned:
            _warned.add(model_name)
            warnings.warn(
                f"Cost calculation is not implemented for model {model_name}. Cost will be calculated zero.",
                UserWarning,
                stacklevel=2,
            )
        return 0.0
    return (input_tokens * price[0] + output_tokens * price[1]) / 1e6


# ---- shared SDK clients -------------------------------------------------------------------------

def clear_gemini_clients() -> None:
    """Forget every shared google-genai client (new ones are built on the next call)."""
    _clients.clear()


def _sdk() -> Any:
    return optional_import("google.genai", "gemini", feature="The Gemini model client (api_type='google')")


def _build_sdk_client(key: tuple[Any, ...], for_async: bool) -> Any:
    # one genai.Client serves both worlds (its async side is `.aio`); an async caller gets one per loop
    genai = _sdk()
    api_key, base_url, api_version, proxy, headers = key
    from ..version import __version__

    http_options: dict[str, Any] = {"headers": {"x-goog-api-client": f"ag2/{__version__}", **dict(headers)}}
    if base_url:
        http_options["base_url"] = base_url
    if api_version:
        http_options["api_version"] = api_version
    if proxy:
        http_options["client_args"] = {"proxy": proxy}
        http_options["async_client_args"] = {"proxy": proxy}
    return genai.Client(api_key=api_key, http_options=http_options)


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


def _stream_sender() -> Any:
    from ..events.client_events import StreamEvent
    from ..io.base import IOStream

    stream = IOStream.get_default()
    return lambda text: stream.send(StreamEvent(content=text))


class _StreamAssembler:
    """Joins the chunks of a streamed response into one response dict."""

    def __init__(self) -> None:
        self.parts: list[Any] = []
        self.text: list[str] = []
        self.last: Any = None
        self.finish: Any = None

    def add(self, chunk: Any) -> str:
        self.last = chunk
        out = []
        for candidate in (chunk.candidates or [])[:1]:
            if candidate.finish_reason is not None:
                self.finish = candidate.finish_reason
            for part in (candidate.content.parts if candidate.content else None) or []:
                if part.function_call is not None:
                    self.parts.append({"function_call": part.function_call})
                elif part.text and not part.thought:
                    self.text.append(part.text)
                    out.append(part.text)
        return "".join(out)

    def result(self) -> dict[str, Any]:
        parts = ([{"text": "".join(self.text)}] if self.text else []) + self.parts
        last = self.last
        return {
            "candidates": [{"content": {"parts": parts}, "finish_reason": self.finish}],
            "usage_metadata": getattr(last, "usage_metadata", None),
            "response_id": getattr(last, "response_id", None),
            "model_version": getattr(last, "model_version", None),
        }


# ---- the client ---------------------------------------------------------------------------------


class GeminiClient:
    """A ``ModelClient`` for the Gemini API that answers with OpenAI-shaped ChatCompletions.

    Built as ag2 builds it, ``GeminiClient(**config_entry)``; nothing is imported or connected here.
    """

    RESPONSE_USAGE_KEYS: ClassVar[list[str]] = ["prompt_tokens", "completion_tokens", "total_tokens", "cost", "model"]
    CONNECTION_KEYS: ClassVar[frozenset[str]] = CONNECTION_KEYS
    PARAMS_MAPPING: ClassVar[dict[str, str]] = {
        "max_tokens": "max_output_tokens", "seed": "seed", "stop_sequences": "stop_sequences",
        "temperature": "temperature", "top_p": "top_p", "top_k": "top_k", "max_output_tokens": "max_output_tokens",
    }  # fmt: skip

    def __init__(self, **kwargs: Any) -> None:
        self._config_index = kwargs.pop("_config_index", 0)
        self._config = kwargs
        self.api_key = _secret(kwargs.get("api_key")) or os.getenv("GOOGLE_GEMINI_API_KEY")
        self.use_vertexai = not self.api_key
        self.api_version = kwargs.get("api_version")
        self.proxy = kwargs.get("proxy")
        http_options = kwargs.get("http_options") or {}
        if not isinstance(http_options, Mapping):
            http_options = http_options.model_dump(exclude_none=True)
        self._base_url = str(kwargs["base_url"]) if kwargs.get("base_url") else http_options.get("base_url")
        self._headers = {**dict(http_options.get("headers") or {}), **dict(kwargs.get("default_headers") or {})}
        self._response_format = kwargs.get("response_format")
        self._price = normalize_price(kwargs.get("price"))

    @classmethod
    def from_wrapper_config(
        cls, config: Mapping[str, Any], *, response_format: Any = None, config_index: int = 0
    ) -> GeminiClient:
        """The client ``OpenAIWrapper`` builds for one config entry."""
        return cls(**{**config, "response_format": response_format}, _config_index=config_index)

    @property
    def model(self) -> str | None:
        return self._config.get("model")

    @property
    def base_url(self) -> str | None:
        return self._base_url

    def _endpoint_key(self) -> tuple[Any, ...]:
        if self.use_vertexai:
            model = self._config.get("model")
            raise MissingAPIKeyError(
                f"config entry {self._config_index} (model={model!r}, api_type='google'): an API key is required: "
                "set the GOOGLE_GEMINI_API_KEY environment variable or put 'api_key' in the config entry "
                "(Vertex AI credentials are not supported by this client yet)."
            )
        headers = tuple(sorted(self._headers.items()))
        return (self.api_key, self._base_url, self.api_version, self.proxy, headers)

    def sdk_client(self) -> Any:
        """The process-wide ``google.genai.Client`` for this endpoint."""
        return _clients.sync_client(self._endpoint_key())

    def async_sdk_client(self) -> Any:
        """The ``client.aio`` for this endpoint and the running event loop."""
        return _clients.async_client(self._endpoint_key()).aio

    def __getstate__(self) -> dict[str, Any]:
        return self.__dict__.copy()

    # ---- requests ----

    def _prepare(self, params: dict[str, Any]) -> tuple[str, list[dict[str, Any]], dict[str, Any], bool]:
        merged = {**{k: v for k, v in self._config.items() if k not in CONNECTION_KEYS}, **params}
        if merged.get("response_format") is None and self._response_format is not None:
            merged["response_format"] = self._response_format
        if (merged.get("n") or 1) > 1:
            warnings.warn("Gemini only supports `n=1` for now. We only generate one response.", UserWarning)
        model, contents, config = build_generate_request(merged)
        timeout = merged.get("timeout")
        if timeout:
            config["http_options"] = {"timeout": int(float(timeout) * 1000)}
        return model, contents, config, bool(merged.get("stream"))

    def create(self, params: dict[str, Any]) -> Any:
        """One ``generateContent`` call, returned as an OpenAI-shaped ChatCompletion (with ``.cost``)."""
        models = self.sdk_client().models
        model, contents, config, stream = self._prepare(params)
        if not stream:
            return self._completion(models.generate_content(model=model, contents=contents, config=config), model)
        assembler, send = _StreamAssembler(), _stream_sender()
        for chunk in models.generate_content_stream(model=model, contents=contents, config=config):
            text = assembler.add(chunk)
            if text:
                send(text)
        return self._completion(assembler.result(), model)

    async def a_create(self, params: dict[str, Any]) -> Any:
        """Async twin of :meth:`create`, on the loop's ``client.aio``."""
        models = self.async_sdk_client().models
        model, contents, config, stream = self._prepare(params)
        if not stream:
            response = await models.generate_content(model=model, contents=contents, config=config)
            return self._completion(response, model)
        assembler, send = _StreamAssembler(), _stream_sender()
        async for chunk in await models.generate_content_stream(model=model, contents=contents, config=config):
            text = assembler.add(chunk)
            if text:
                send(text)
        return self._completion(assembler.result(), model)

    def _completion(self, response: Any, model: str) -> Any:
        from .oai_models import ChatCompletion

        completion = ChatCompletion.model_validate(response_to_completion_dict(response, model))
        prompt, output = usage_counts(response)
        store_cost(completion, self._cost_of(model, prompt, output))
        return completion

    # ---- ModelClient protocol ----

    def _cost_of(self, model: str, prompt: int, output: int) -> float:
        if self._price is not None:
            return (self._price[0] * prompt + self._price[1] * output) / 1000
        return calculate_gemini_cost(False, prompt, output, model)

    def cost(self, response: Any) -> float:
        cost = getattr(response, "cost", None)
        if isinstance(cost, (int, float)):
            return float(cost)
        usage = getattr(response, "usage", None)
        if usage is None:
            return 0.0
        return self._cost_of(str(response.model), usage.prompt_tokens or 0, usage.completion_tokens or 0)

    def message_retrieval(self, response: Any) -> list[Any]:
        """Per choice: the message object when it calls tools, else its text (formatted for a
        ``response_format`` model)."""
        return completion_messages(response, self._response_format)

    @staticmethod
    def get_usage(response: Any) -> dict[str, Any]:
        """Token counts, cost and model of ``response`` (the ModelClient usage keys)."""
        return completion_usage(response)


def _secret(value: Any) -> Any:
    getter = getattr(value, "get_secret_value", None)
    return getter() if callable(getter) else value
