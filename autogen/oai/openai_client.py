"""The model client for OpenAI, Azure OpenAI and every OpenAI-compatible server.

Constructing an :class:`OpenAIClient` only stores its config. The shared SDK client is looked up
(and the API key checked) on the first request, so building agents costs nothing and a missing key
is reported when it matters, naming the variable to set.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
import logging
import re
import warnings
from collections.abc import Callable, Mapping
from typing import Any, ClassVar

from ._direct_post import _is_async_client, post_chat
from .endpoints import (
    CLIENT_KWARGS,
    Endpoint,
    get_async_client,
    get_sync_client,
    provider_for,
    registry_generation,
    resolve_endpoint,
)
from .errors import UnsupportedAPITypeError
from .pricing import cost_from_tokens, normalize_price
from .request import (
    adapt_for_reasoning,
    add_streaming_usage,
    build_chat_request,
    deepseek_reasoner_messages,
    is_legacy_completion_model,
    sdk_keywords,
)
from .streaming import StreamAssembler, stream_sender
from .structured import format_structured_content

__all__ = ["OpenAIClient"]

_CLIENT_ONLY = CLIENT_KWARGS - {"timeout"}  # client construction settings, never request fields
logger = logging.getLogger(__name__)


class OpenAIClient:
    """A ``ModelClient`` that talks chat completions through the (shared) openai SDK client.

    Args:
        config: the merged config entry (connection keys, ``api_type``, ``price``...), or an openai SDK
            client (``OpenAI``/``AzureOpenAI`` or their async twins) to send every request with.
        response_format: the structured-output format set on the config entry itself; replies to
            a model class with a ``format()`` method are returned formatted.
        config_index: position in the wrapper's config list (for error messages).
    """

    RESPONSE_USAGE_KEYS: ClassVar[list[str]] = ["prompt_tokens", "completion_tokens", "total_tokens", "cost", "model"]

    def __init__(self, config: Mapping[str, Any] | Any, response_format: Any = None, *, config_index: int = 0) -> None:
        # ag2's form, OpenAIClient(openai.OpenAI(...)), brings its own SDK client: used as given
        own_client: Any = None
        if not isinstance(config, Mapping):
            own_client, config = config, {}
        self._config = dict(config)
        self._config_index = config_index
        self._response_format = response_format
        self._price = normalize_price(config.get("price"))
        self._endpoint: Endpoint | None = None
        self._sdk_client: tuple[int, Any] | None = None  # (registry generation, shared SDK client)
        # a client given to the constructor or set as `_oai_client`, used instead of the shared one
        self._own_client: Any = own_client
        self._unsupported: UnsupportedAPITypeError | None = None
        self._body_fields: frozenset[str] = frozenset()
        try:
            self._family, provider = provider_for(config.get("api_type"))
            if provider is not None:
                self._body_fields = provider.body_fields
        except UnsupportedAPITypeError as e:
            # reported on the first call, so that building an agent never fails for it
            self._family = "unsupported"
            self._unsupported = e

    # ---- connection ----------------------------------------------------------------------------

    @property
    def model(self) -> str | None:
        """The configured model (Azure: the deployment name)."""
        return self._config.get("model")

    @property
    def base_url(self) -> str | None:
        """The configured endpoint URL (None: the provider default)."""
        url = self._config.get("base_url") or self._config.get("azure_endpoint")
        return str(url) if url else None

    def endpoint(self) -> Endpoint:
        """Resolve (once) the endpoint this client talks to; checks the API key."""
        if self._unsupported is not None:
            raise self._unsupported
        if self._endpoint is None:
            self._endpoint = resolve_endpoint(self._config, config_index=self._config_index)
        return self._endpoint

    def __getstate__(self) -> dict[str, Any]:
        # copies and pickles refer to the shared SDK client through the registry, never hold their own
        state = self.__dict__.copy()
        state["_sdk_client"] = None
        return state

    def sdk_client(self) -> Any:
        """The process-wide sync openai SDK client shared by every config with the same endpoint."""
        if self._own_client is not None:
            return self._own_client
        cached = self._sdk_client
        if cached is not None and cached[0] == registry_generation():
            return cached[1]
        client = get_sync_client(self.endpoint())
        self._sdk_client = (registry_generation(), client)
        return client

    @property
    def _oai_client(self) -> Any:
        """The openai SDK client (ag2's attribute name; GPTAssistantAgent and old scripts read it)."""
        return self.sdk_client()

    @_oai_client.setter
    def _oai_client(self, client: Any) -> None:
        """Send this client's requests through ``client`` (an openai SDK client, sync or async, or an
        object with its ``chat.completions.create``) instead of the shared one; None undoes it."""
        self._own_client = client

    def async_sdk_client(self) -> Any:
        """The async openai SDK client for this endpoint and the running event loop."""
        if self._own_client is not None:
            return self._own_client
        return get_async_client(self.endpoint())

    # ---- requests ------------------------------------------------------------------------------

    def _prepare(self, client: Any, params: dict[str, Any]) -> tuple[Any, dict[str, Any], bool]:
        # (the given dict is never changed; OpenAIWrapper has usually dropped client settings already)
        if not params.keys().isdisjoint(_CLIENT_ONLY):
            params = {k: v for k, v in params.items() if k not in _CLIENT_ONLY}
        if params.get("timeout") is None and self._config.get("timeout") is not None:
            params = {**params, "timeout": self._config["timeout"]}
        if "prompt" in params and "messages" not in params and is_legacy_completion_model(params.get("model")):
            method = client.completions.create
            accepted = sdk_keywords(method)
            request = {
                k: v
                for k, v in params.items()
                if (accepted is None or k in accepted) and k != "stream" and v is not None
            }
            return method, request, False
        method = client.chat.completions.create
        request = build_chat_request(params, accepted=sdk_keywords(method), extra_body_keys=self._body_fields)
        if "response_format" in request or self._response_format is not None:
            # as in ag2, a structured-output request is not streamed
            request.pop("stream", None)
            request.pop("stream_options", None)
        if not request.get("model"):
            raise ValueError(
                f'config entry {self._config_index} has no \'model\': add "model": "<model or deployment name>" to it.'
            )
        return method, request, bool(request.get("stream"))

    def create(self, params: dict[str, Any]) -> Any:
        """Send one request and return a ChatCompletion (streamed replies are assembled)."""
        client = self.sdk_client()
        method, request, stream = self._prepare(client, params)
        result = _post(client, method, request, stream)
        if not stream:
            return result
        assembler = StreamAssembler()
        send = stream_sender()
        for chunk in result:
            text = assembler.add(chunk)
            if text:
                send(text)
        return _with_usage(assembler.result(), request)

    async def a_create(self, params: dict[str, Any]) -> Any:
        """Async twin of :meth:`create`, on the loop's AsyncOpenAI client."""
        own = self._own_client
        if own is not None and not (
            _is_async_client(type(own)) or inspect.iscoroutinefunction(own.chat.completions.create)
        ):
            # a sync client set by the user: its blocking call runs in a worker thread
            return await asyncio.to_thread(self.create, params)
        client = own if own is not None else self.async_sdk_client()
        method, request, stream = self._prepare(client, params)
        result = await _a_post(client, method, request, stream)
        if not stream:
            return result
        assembler = StreamAssembler()
        send = stream_sender()
        async for chunk in result:
            text = assembler.add(chunk)
            if text:
                send(text)
        return _with_usage(assembler.result(), request)

    # ---- ag2's message helpers (kept for code that calls them; requests are adapted in request.py) ----

    @staticmethod
    def _convert_system_role_to_user(messages: list[dict[str, Any]]) -> None:
        """Give every system message the user role, in place."""
        for m in messages:
            if m.get("role") == "system":
                m["role"] = "user"

    @staticmethod
    def _move_system_message_to_beginning(messages: list[dict[str, Any]]) -> None:
        """Move the first system message to the front of ``messages``, in place."""
        for i, m in enumerate(messages):
            if m.get("role") == "system":
                messages.insert(0, messages.pop(i))
                return

    @staticmethod
    def _patch_messages_for_deepseek_reasoner(**kwargs: Any) -> dict[str, Any]:
        """``kwargs`` with its messages reshaped for ``model="deepseek-reasoner"`` (else unchanged)."""
        if kwargs.get("model") == "deepseek-reasoner" and kwargs.get("messages"):
            kwargs["messages"] = deepseek_reasoner_messages(kwargs["messages"])
        return kwargs

    @staticmethod
    def _add_streaming_usage_to_params(params: dict[str, Any]) -> None:
        """Ask a streamed request (``params["stream"]``) for its usage chunk, in place."""
        add_streaming_usage(params)

    def _process_reasoning_model_params(self, params: dict[str, Any]) -> None:
        """Shape ``params`` for a reasoning model in place, warning once per removed sampling parameter."""
        model = params.get("model")
        for name in adapt_for_reasoning(params, str(model or "")):
            warnings.warn(
                f"`{name}` is not supported with {model} model and will be ignored.", UserWarning, stacklevel=2
            )

    @staticmethod
    def _is_agent_name_error_message(message: str) -> bool:
        """Whether an API error message says a message ``name`` (an agent name) has a bad format."""
        return _NAME_ERROR.match(message) is not None

    @staticmethod
    def _handle_openai_bad_request_error(func: Callable[..., Any]) -> Callable[..., Any]:
        """Wrap ``func`` so that a bad-request error about an agent name becomes a ``ValueError`` saying so."""

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            kwargs = OpenAIClient._patch_messages_for_deepseek_reasoner(**kwargs)
            try:
                return func(*args, **kwargs)
            except Exception as e:
                _raise_if_name_error(e)
                raise

        return wrapper

    # ---- ModelClient protocol ------------------------------------------------------------------

    def message_retrieval(self, response: Any) -> list[Any]:
        """Per choice: the message object when it calls tools/functions, else its text."""
        return completion_messages(response, self._response_format)

    def cost(self, response: Any) -> float:
        """USD cost of ``response``: the entry's ``price`` if set, else the built-in price table."""
        usage = getattr(response, "usage", None)
        if usage is None:
            return 0.0
        return cost_from_tokens(
            str(getattr(response, "model", "") or self.model or ""),
            getattr(usage, "prompt_tokens", 0) or 0,
            getattr(usage, "completion_tokens", 0) or 0,
            self._price,
        )

    @staticmethod
    def get_usage(response: Any) -> dict[str, Any]:
        """Token counts, cost and model of ``response`` (the ModelClient usage keys)."""
        return completion_usage(response)


# What every client returning an OpenAI-shaped ChatCompletion (this one, and the native provider
# clients, which convert their replies to it) answers for the ModelClient protocol.


def completion_messages(response: Any, response_format: Any) -> list[Any]:
    """Per choice of a ChatCompletion: the message object when it calls tools/functions, else its
    text (a refusal when there is no content; formatted for a ``response_format`` model)."""
    out: list[Any] = []
    for choice in response.choices:
        message = getattr(choice, "message", None)
        if message is None:  # legacy completions
            out.append(getattr(choice, "text", None))
        elif getattr(message, "tool_calls", None) or getattr(message, "function_call", None):
            out.append(message)
        elif message.content is None and getattr(message, "refusal", None):
            out.append(message.refusal)
        else:
            out.append(format_structured_content(response_format, message.content))
    return out


def completion_usage(response: Any) -> dict[str, Any]:
    """Token counts, cost and model of a ChatCompletion (the ModelClient usage keys)."""
    usage = getattr(response, "usage", None)
    return {
        "prompt_tokens": getattr(usage, "prompt_tokens", 0) or 0,
        "completion_tokens": getattr(usage, "completion_tokens", 0) or 0,
        "total_tokens": getattr(usage, "total_tokens", 0) or 0,
        "cost": getattr(response, "cost", 0.0) or 0.0,
        "model": getattr(response, "model", None),
    }


_NAME_ERROR = re.compile(r"Invalid 'messages\[\d+\]\.name': string does not match pattern")


def _raise_if_name_error(error: BaseException) -> None:
    """Raise a ValueError explaining the cause when ``error`` is the API rejecting an agent name."""
    if type(error).__name__ != "BadRequestError":
        return
    messages = []
    for source in (getattr(error, "body", None), _response_json(error)):
        if isinstance(source, Mapping):
            inner = source.get("error", source)
            if isinstance(inner, Mapping) and isinstance(inner.get("message"), str):
                messages.append(inner["message"])
    if any(_NAME_ERROR.match(m) for m in messages):
        raise ValueError(
            "The model API rejected a message name. This error typically occurs when the agent name contains "
            "invalid characters, such as spaces or special symbols. Use only letters, digits, '_' and '-' "
            f"in agent names. The API said: {getattr(error, 'message', error)}"
        ) from error


def _response_json(error: BaseException) -> Any:
    try:
        return error.response.json()  # type: ignore[attr-defined]
    except Exception:  # noqa: BLE001 - no JSON body: nothing to read the cause from
        return None


def _with_usage(response: Any, request: dict[str, Any]) -> Any:
    """A streamed response whose server sent no usage gets an estimate, so cost tracking keeps working."""
    if response.usage is not None:
        return response
    try:
        from openai.types import CompletionUsage

        from ..token_count_utils import count_token

        model = str(request.get("model") or "")
        try:
            prompt = count_token(request.get("messages") or [], model=model)
        except (NotImplementedError, KeyError):
            prompt = count_token(request.get("messages") or [], model="gpt-4o")
        completion = sum(count_token(c.message.content or "", model=model) for c in response.choices)
        response.usage = CompletionUsage(
            prompt_tokens=prompt, completion_tokens=completion, total_tokens=prompt + completion
        )
    except Exception as e:  # noqa: BLE001 - an estimate is a convenience; never lose the answer over it
        logger.debug("Could not estimate usage of a streamed response: %s", e)
    return response


def _post(client: Any, method: Any, request: dict[str, Any], stream: bool) -> Any:
    """Post a chat request: text the wire cannot carry is scrubbed and sent again; an API error about a
    bad agent name becomes a ValueError saying so."""
    try:
        try:
            return post_chat(client, method, request, stream)
        except UnicodeEncodeError:
            return post_chat(client, method, _without_lone_surrogates(request), stream)
    except Exception as e:
        _raise_if_name_error(e)
        raise


async def _a_post(client: Any, method: Any, request: dict[str, Any], stream: bool) -> Any:
    """Async twin of `_post`."""
    try:
        try:
            return await post_chat(client, method, request, stream)
        except UnicodeEncodeError:
            return await post_chat(client, method, _without_lone_surrogates(request), stream)
    except Exception as e:
        _raise_if_name_error(e)
        raise


def _without_lone_surrogates(value: Any) -> Any:
    """``value`` with every unpaired UTF-16 surrogate in its strings replaced by U+FFFD.

    JSON escapes such as ``"\\udc80"`` in a model's reply or tool arguments decode to lone surrogates,
    which end up in tool results and replies and cannot be encoded as UTF-8 for the next request.
    Only called after encoding a request failed, so the common path pays nothing."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return value.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
        return value
    if isinstance(value, dict):
        return {k: _without_lone_surrogates(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_without_lone_surrogates(v) for v in value]
    return value
