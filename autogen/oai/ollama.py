"""The Ollama model client (``api_type="ollama"``): local models through the ``ollama`` SDK's ``/api/chat``.

Config entry, as in ag2::

    {"api_type": "ollama", "model": "llama3.1:8b"}  # + "client_host": "http://gpu-box:11434"

The host is ``client_host``, else ``base_url`` (a trailing ``/v1`` of Ollama's OpenAI-compatible address
is dropped), else the ``OLLAMA_HOST`` environment variable, else http://localhost:11434. No key is
needed; an ``api_key`` is sent as a bearer token (for hosted Ollama). Model settings travel in Ollama's
``options`` (``num_ctx``, ``num_predict``, ``repeat_penalty``, ``seed``, ``temperature``, ``top_k``,
``top_p``); ``response_format`` becomes Ollama's ``format`` (structured output).

Tools: with ``native_tool_calls`` (the default for a plain dict entry) the tools are sent to Ollama and
its tool calls come back as OpenAI tool calls; with ``native_tool_calls=False`` the functions are
described in the system message and the JSON the model answers with is read back as tool calls
(prompts overridable with ``manual_tool_call_instruction`` / ``manual_tool_call_step1`` /
``manual_tool_call_step2``). Either way the history's tool calls and results reach the model as text
(:mod:`autogen.oai.ollama_convert`). ``hide_tools`` ("if_all_run" / "if_any_run") stops offering tools
once they ran. Local models are free: cost is 0 unless the entry gives a ``price``.

The SDK is imported on the first request, never at ``import autogen``; without it the first request
raises an ImportError naming the extra (``pip install "ag2[ollama]"``). SDK clients are shared per host.
"""

from __future__ import annotations

import contextvars
import os
import warnings
from collections.abc import Mapping
from typing import Any, ClassVar

from ..import_utils import optional_import
from ..llm_config.entry import OllamaLLMConfigEntry
from ._response_cost import store_cost
from .client_utils import FormatterProtocol, should_hide_tools, validate_parameter
from .endpoints import ClientRegistry, on_registry_clear
from .errors import FailureKind, register_failure_classifier
from .ollama_convert import (
    TOOL_CALL_MANUAL_INSTRUCTION,
    TOOL_CALL_MANUAL_STEP1,
    TOOL_CALL_MANUAL_STEP2,
    build_options,
    completion_dict,
    is_valid_tool_call_item,
    ollama_format,
    response_to_tool_call,
    to_ollama_messages,
)
from .openai_client import completion_messages, completion_usage
from .pricing import normalize_price
from .streaming import stream_sender

__all__ = ["OllamaClient", "OllamaLLMConfigEntry", "is_valid_tool_call_item", "response_to_tool_call"]

DEFAULT_HOST = "http://localhost:11434"
CONNECTION_KEYS = frozenset({"api_key", "base_url", "default_headers", "http_client"})

# Headers of the last 429 answer seen in this context (the SDK's ResponseError keeps none), so the
# wrapper can honour the server's retry-after.
_rate_limit_headers: contextvars.ContextVar[Any] = contextvars.ContextVar("ollama_429_headers", default=None)


# ---- shared SDK clients -------------------------------------------------------------------------


def _sdk() -> Any:
    return optional_import("ollama", "ollama", feature="The Ollama model client (api_type='ollama')")


def _remember_429(response: Any) -> None:
    if response.status_code == 429:
        _rate_limit_headers.set(response.headers)


async def _a_remember_429(response: Any) -> None:
    _remember_429(response)


def _build_sdk_client(key: tuple[Any, ...], for_async: bool) -> Any:
    sdk = _sdk()
    host, api_key, headers, timeout = key
    all_headers = dict(headers)
    if api_key:
        all_headers.setdefault("authorization", f"Bearer {api_key}")
    hook = _a_remember_429 if for_async else _remember_429
    cls = sdk.AsyncClient if for_async else sdk.Client
    return cls(host=host, headers=all_headers, timeout=timeout, event_hooks={"response": [hook]})


_clients = ClientRegistry(_build_sdk_client, close_on_clear=True)


def clear_ollama_clients() -> None:
    """Forget every shared Ollama SDK client (new ones are built on the next call)."""
    _clients.clear()


# ---- errors -------------------------------------------------------------------------------------


def _classify_ollama_error(exc: BaseException) -> FailureKind | None:
    """How the wrapper treats an ``ollama.ResponseError`` (an HTTP error status, or an error line in a stream)."""
    import sys

    sdk = sys.modules.get("ollama")
    if sdk is None or not isinstance(exc, sdk.ResponseError):
        return None
    status = exc.status_code
    if status == 429 or status >= 500 or status in (-1, 408):  # -1: an error reported inside a stream
        return FailureKind.RETRY
    return FailureKind.NEXT  # bad request, auth, unknown model: retrying cannot help


def _classify_transport_error(exc: BaseException) -> FailureKind | None:
    """httpx errors the ollama SDK lets through (a streamed request that cannot connect, a dropped answer)."""
    import sys

    httpx = sys.modules.get("httpx")
    if httpx is None:
        return None
    if isinstance(exc, httpx.TimeoutException):
        return FailureKind.TIMEOUT
    if isinstance(exc, httpx.TransportError):
        return FailureKind.RETRY
    return None


register_failure_classifier("ollama", _classify_ollama_error)
register_failure_classifier("httpx", _classify_transport_error)
on_registry_clear(clear_ollama_clients)


def _explained(exc: BaseException, model: str, host: str) -> BaseException:
    """``exc`` made clearer where the SDK's message is terse (an exception that classifies alike)."""
    import sys

    httpx = sys.modules.get("httpx")
    refused = type(exc) is ConnectionError or (httpx is not None and isinstance(exc, httpx.ConnectError))
    if refused:
        return ConnectionError(
            f"Could not connect to Ollama at {host}. Is Ollama running there? "
            "Set 'client_host' in the config entry to use another server."
        )
    sdk = _sdk()
    if not isinstance(exc, sdk.ResponseError):
        return exc
    if exc.status_code == 404:
        if "model" in str(exc.error).lower():
            hint = f"Check the model name or pull it first: `ollama pull {model}`"
        else:
            hint = f"Is {host} an Ollama server (it has no POST /api/chat)?"
        return sdk.ResponseError(f"{exc.error}. {hint}", 404)
    if exc.status_code == 429:
        headers = _rate_limit_headers.get()
        if headers is not None:
            exc.response = _HeadersOnly(headers)  # read by autogen.oai.errors.retry_after_seconds
    return exc


class _HeadersOnly:
    def __init__(self, headers: Any) -> None:
        self.headers = headers


class _Answer:
    """One answer assembled from a response or from the chunks of a stream."""

    def __init__(self) -> None:
        self.text: list[str] = []
        self.calls: list[dict[str, Any]] = []
        self.prompt_tokens = 0
        self.completion_tokens = 0
        self.done_reason: str | None = None
        self.created_at: str | None = None

    def add(self, part: Any) -> str:
        """Take one ``ChatResponse`` (whole or a chunk); returns the text it adds."""
        message = part.message
        piece = message.content or ""
        if piece:
            self.text.append(piece)
        for call in message.tool_calls or ():
            self.calls.append({"name": call.function.name, "arguments": dict(call.function.arguments or {})})
        self.created_at = part.created_at or self.created_at
        if part.done:
            self.done_reason = part.done_reason
            self.prompt_tokens = part.prompt_eval_count or 0
            self.completion_tokens = part.eval_count or 0
        return piece


# ---- the client ---------------------------------------------------------------------------------


class OllamaClient:
    """A ``ModelClient`` for Ollama's chat API that answers with OpenAI-shaped ChatCompletions.

    Built as ag2 builds it, ``OllamaClient(**config_entry)`` (no key needed); nothing is imported or
    connected here.
    """

    RESPONSE_USAGE_KEYS: ClassVar[list[str]] = ["prompt_tokens", "completion_tokens", "total_tokens", "cost", "model"]
    CONNECTION_KEYS: ClassVar[frozenset[str]] = CONNECTION_KEYS
    TOOL_CALL_MANUAL_INSTRUCTION: ClassVar[str] = TOOL_CALL_MANUAL_INSTRUCTION
    TOOL_CALL_MANUAL_STEP1: ClassVar[str] = TOOL_CALL_MANUAL_STEP1
    TOOL_CALL_MANUAL_STEP2: ClassVar[str] = TOOL_CALL_MANUAL_STEP2

    def __init__(self, response_format: Any = None, **kwargs: Any) -> None:
        self._config_index = kwargs.pop("_config_index", 0)
        self._config = kwargs
        self._response_format = response_format
        self._price = normalize_price(kwargs.get("price"))
        # what the last request decided (ag2 keeps these on the client; create() itself uses locals)
        self._native_tool_calls = True
        self._tools_in_conversation = False
        self._should_hide_tools = False
        self._manual_tool_call_instruction = self.TOOL_CALL_MANUAL_INSTRUCTION
        self._manual_tool_call_step1 = self.TOOL_CALL_MANUAL_STEP1
        self._manual_tool_call_step2 = self.TOOL_CALL_MANUAL_STEP2

    @classmethod
    def from_wrapper_config(
        cls, config: Mapping[str, Any], *, response_format: Any = None, config_index: int = 0
    ) -> OllamaClient:
        """The client ``OpenAIWrapper`` builds for one config entry."""
        rest = {k: v for k, v in config.items() if k != "response_format"}
        if response_format is None:
            response_format = config.get("response_format")
        return cls(response_format=response_format, **rest, _config_index=config_index)

    @property
    def model(self) -> str | None:
        return self._config.get("model")

    @property
    def base_url(self) -> str:
        """The Ollama host requests go to."""
        return self._host(self._config)

    def _host(self, params: Mapping[str, Any]) -> str:
        host = params.get("client_host") or self._config.get("client_host")
        if not host:
            base = params.get("base_url") or self._config.get("base_url")
            if base:
                host = str(base).rstrip("/").removesuffix("/v1").removesuffix("/api")
        return str(host or os.environ.get("OLLAMA_HOST") or DEFAULT_HOST).rstrip("/")

    def _endpoint_key(self, params: Mapping[str, Any]) -> tuple[Any, ...]:
        key = self._config.get("api_key")
        key = key.get_secret_value() if hasattr(key, "get_secret_value") else key
        headers = tuple(sorted((self._config.get("default_headers") or {}).items()))
        timeout = params.get("timeout", self._config.get("timeout"))
        return (self._host(params), key or None, headers, timeout)

    def sdk_client(self, params: Mapping[str, Any] | None = None) -> Any:
        """The process-wide ``ollama.Client`` for this host."""
        return _clients.sync_client(self._endpoint_key(params or {}))

    def async_sdk_client(self, params: Mapping[str, Any] | None = None) -> Any:
        """The ``ollama.AsyncClient`` for this host and the running event loop."""
        return _clients.async_client(self._endpoint_key(params or {}))

    def __getstate__(self) -> dict[str, Any]:
        return self.__dict__.copy()

    # ---- requests ----

    def _plan(self, params: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
        """(the keyword arguments of ``chat``, what reading the answer needs) for one request."""
        messages = params.get("messages") or []
        tools = params.get("tools") or None
        hide = False
        if tools:
            mode = validate_parameter(
                params, "hide_tools", str, False, "never", None, ["if_all_run", "if_any_run", "never"]
            )
            hide = should_hide_tools(messages, tools, mode)
        native = validate_parameter(params, "native_tool_calls", bool, False, True, None, None)
        manual = bool(tools) and not native and not hide
        self._native_tool_calls, self._tools_in_conversation, self._should_hide_tools = native, bool(tools), hide
        prompts = {
            "instruction": validate_parameter(
                params, "manual_tool_call_instruction", str, False, self.TOOL_CALL_MANUAL_INSTRUCTION, None, None
            ),
            "step1": validate_parameter(params, "manual_tool_call_step1", str, False, self.TOOL_CALL_MANUAL_STEP1, None, None),
            "step2": validate_parameter(params, "manual_tool_call_step2", str, False, self.TOOL_CALL_MANUAL_STEP2, None, None),
        }  # fmt: skip
        request = self._request(params, native=native, tools_in_conversation=bool(tools), hide=hide)
        request["messages"] = to_ollama_messages(messages, manual_tools=tools if manual else None, **prompts)
        return request, {"manual": manual}

    def _request(
        self, params: Mapping[str, Any], *, native: bool, tools_in_conversation: bool, hide: bool
    ) -> dict[str, Any]:
        model = params.get("model")
        assert model, "Please specify the 'model' in your config list entry to nominate the Ollama model to use."
        request: dict[str, Any] = {"model": model}
        request["stream"] = bool(validate_parameter(params, "stream", bool, True, False, None, None))
        options = build_options(params)
        if native and tools_in_conversation and not hide:
            request["tools"] = params["tools"]
            if request["stream"]:
                warnings.warn(
                    "Streaming is not supported when using tools and 'Native' tool calling, streaming will be disabled.",
                    UserWarning,
                    stacklevel=3,
                )
                request["stream"] = False
        if not native and tools_in_conversation:
            request["format"] = ""  # the manual protocol asks for JSON only in step 1: no forced JSON mode
        if options:
            request["options"] = options
        response_format = self._response_format or params.get("response_format")
        if response_format:
            request["format"] = ollama_format(response_format)
        for key in ("keep_alive", "think"):
            if params.get(key) is not None:
                request[key] = params[key]
        return request

    def parse_params(self, params: dict[str, Any]) -> dict[str, Any]:
        """The ``chat`` arguments for ``params`` except the messages (ag2's method; reads the tool
        settings of the client's last request)."""
        return self._request(
            params,
            native=self._native_tool_calls,
            tools_in_conversation=self._tools_in_conversation,
            hide=self._should_hide_tools,
        )

    def oai_messages_to_ollama_messages(self, messages: list[dict[str, Any]], tools: Any) -> list[dict[str, Any]]:
        """The Ollama messages for an OpenAI-style history; ``tools`` given in manual tool-call mode
        adds the manual protocol (ag2's method)."""
        manual = tools is not None and not self._native_tool_calls
        return to_ollama_messages(
            messages,
            manual_tools=tools if manual else None,
            instruction=self._manual_tool_call_instruction,
            step1=self._manual_tool_call_step1,
            step2=self._manual_tool_call_step2,
        )

    def create(self, params: dict[str, Any]) -> Any:
        """One ``/api/chat`` call, returned as an OpenAI-shaped ChatCompletion (with ``.cost``)."""
        request, reading = self._plan(params)
        client = self.sdk_client(params)
        answer = _Answer()
        try:
            if not request["stream"]:
                answer.add(client.chat(**request))
            else:
                send = None if reading["manual"] else stream_sender()
                for chunk in client.chat(**request):
                    piece = answer.add(chunk)
                    if piece and send is not None:
                        send(piece)
        except Exception as e:
            better = _explained(e, request["model"], self._host(params))
            if better is e:
                raise
            raise better from e
        return self._completion(answer, request, reading)

    async def a_create(self, params: dict[str, Any]) -> Any:
        """Async twin of :meth:`create`, on the loop's ``ollama.AsyncClient``."""
        request, reading = self._plan(params)
        client = self.async_sdk_client(params)
        answer = _Answer()
        try:
            if not request["stream"]:
                answer.add(await client.chat(**request))
            else:
                send = None if reading["manual"] else stream_sender()
                async for chunk in await client.chat(**request):
                    piece = answer.add(chunk)
                    if piece and send is not None:
                        send(piece)
        except Exception as e:
            better = _explained(e, request["model"], self._host(params))
            if better is e:
                raise
            raise better from e
        return self._completion(answer, request, reading)

    def _completion(self, answer: _Answer, request: dict[str, Any], reading: Mapping[str, Any]) -> Any:
        from .oai_models import ChatCompletion

        content: str | None = "".join(answer.text)
        calls = answer.calls
        prefix = "ollama_func_"
        if reading["manual"] and not calls:
            found = response_to_tool_call(content or "")
            if found is not None:
                calls, content, prefix = found, "", "ollama_manual_func_"
        data = completion_dict(
            model=request["model"],
            content=content,
            calls=calls,
            prompt_tokens=answer.prompt_tokens,
            completion_tokens=answer.completion_tokens,
            done_reason=answer.done_reason,
            response_id=answer.created_at,
            id_prefix=prefix,
        )
        response = ChatCompletion.model_validate(data)
        store_cost(response, self._cost_of(answer.prompt_tokens, answer.completion_tokens))
        return response

    # ---- ModelClient protocol ----

    def _cost_of(self, prompt: int, output: int) -> float:
        if self._price is None:
            return 0.0  # local models are free
        return (self._price[0] * prompt + self._price[1] * output) / 1000

    def cost(self, response: Any) -> float:
        """USD cost of ``response``: 0 for a local model, or by the entry's ``price``."""
        cost = getattr(response, "cost", None)
        return float(cost) if isinstance(cost, (int, float)) else 0.0

    def message_retrieval(self, response: Any) -> list[Any]:
        """Per choice: the message object when it calls tools, else its text (formatted for a
        ``response_format`` model with ``format()``)."""
        return completion_messages(response, self._response_format)

    @staticmethod
    def get_usage(response: Any) -> dict[str, Any]:
        """Token counts, cost and model of ``response`` (the ModelClient usage keys)."""
        return completion_usage(response)

    def _convert_json_response(self, response: str) -> Any:
        """The structured reply ``response`` validated by the ``response_format`` model (a dict format:
        the text unchanged); ValueError when it does not match."""
        if not self._response_format or isinstance(self._response_format, Mapping):
            return response
        try:
            return self._response_format.model_validate_json(response)
        except Exception as e:
            raise ValueError(
                f"Failed to parse response as valid JSON matching the schema for Structured Output: {e!s}"
            ) from e


def _format_json_response(response: Any, original_answer: str) -> str:
    """The text of a structured reply: the model's ``format()`` when it has one, else the JSON as given."""
    return response.format() if isinstance(response, FormatterProtocol) else original_answer
