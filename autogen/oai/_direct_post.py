"""Posting chat requests through the openai SDK client without its per-message transform.

The SDK's ``chat.completions.create`` walks every message through its type-driven transform before
sending: ~0.3 ms per message, so a 400-message history costs ~130 ms per call and a long chat grows
quadratically. Our requests are already plain JSON-ready dicts, so they are posted as they are
through the same client (same auth, retries off, timeouts, Azure deployment routing, response
parsing), using the SDK's private ``post`` and ``make_request_options``. This module is the only
place that leans on them; test_direct_post.py pins what it relies on, and if the SDK's private
surface ever differs, the first failure switches back to ``create`` for good.
"""

from __future__ import annotations

import functools
import logging
from typing import Any

__all__ = ["post_chat"]

logger = logging.getLogger("autogen.oai.openai_client")

_DIRECT_POST: dict[str, Any] = {"enabled": True}
_OPTION_KEYS = ("extra_headers", "extra_query", "timeout")


@functools.cache
def _sdk_parts() -> tuple[Any, Any, Any, dict[str, Any], Any]:
    """(make_request_options, ChatCompletion, (sync, async) chunk stream types, per-request auth
    options, plain options); imported once, on the first direct post."""
    import inspect

    from openai import AsyncStream, Stream
    from openai._base_client import make_request_options
    from openai.types.chat import ChatCompletion, ChatCompletionChunk

    # openai >= 3 names the auth scheme per request
    security = (
        {"security": {"bearer_auth": True}} if "security" in inspect.signature(make_request_options).parameters else {}
    )
    streams = (Stream[ChatCompletionChunk], AsyncStream[ChatCompletionChunk])
    return make_request_options, ChatCompletion, streams, security, make_request_options(**security)


@functools.lru_cache(maxsize=64)
def _is_async_client(cls: type) -> bool:
    return cls.__name__.startswith("Async")


def _direct_args(request: dict[str, Any], stream: bool) -> tuple[dict[str, Any], dict[str, Any], Any, Any]:
    make_request_options, completion_cls, stream_classes, security, plain = _sdk_parts()
    body = {k: v for k, v in request.items() if k not in _OPTION_KEYS and k != "extra_body"}
    body.update(request.get("extra_body") or {})
    option_kwargs = {k: request[k] for k in _OPTION_KEYS if request.get(k) is not None}
    # the usual case, no per-request options: a copy of the same options every time
    options = make_request_options(**option_kwargs, **security) if option_kwargs else dict(plain)
    return body, options, completion_cls, stream_classes


def post_chat(client: Any, method: Any, request: dict[str, Any], stream: bool) -> Any:
    """Send a chat request with ``client`` (sync or async SDK client): posted directly when possible,
    else through ``method`` (the SDK's ``create``). Returns what ``method(**request)`` would (for an
    async client, an awaitable)."""
    if not _DIRECT_POST["enabled"] or getattr(method, "__name__", "") != "create" or "messages" not in request:
        return method(**request)
    try:
        body, options, completion_cls, (stream_cls, async_stream_cls) = _direct_args(request, stream)
        is_async = _is_async_client(type(client))
        post = client.post
    except (ImportError, AttributeError, TypeError) as e:  # SDK internals moved: use the public method
        logger.debug("direct posting disabled: %s", e)
        _DIRECT_POST["enabled"] = False
        return method(**request)
    return post(
        "/chat/completions",
        body=body,
        options=options,
        cast_to=completion_cls,
        stream=stream,
        stream_cls=async_stream_cls if is_async else stream_cls,
    )
