"""Factories for the httpx clients the remote agent talks through, and `MockClient` for tests."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any, Protocol
from uuid import uuid4

import httpx
from a2a.compat.v0_3.types import AgentCapabilities, AgentCard, DataPart, Message, Part, Role, TextPart
from a2a.utils.constants import AGENT_CARD_WELL_KNOWN_PATH
from google.protobuf.json_format import MessageToDict

from .utils import EXTENDED_AGENT_CARD_PATH, PREV_AGENT_CARD_WELL_KNOWN_PATH, to_core_agent_card, to_core_message

__all__ = ["ClientFactory", "EmptyClientFactory", "HttpxClientFactory", "MockClient"]

# httpx's own defaults
_DEFAULT_TIMEOUT = httpx.Timeout(5.0)
_DEFAULT_LIMITS = httpx.Limits(max_connections=100, max_keepalive_connections=20)


class ClientFactory(Protocol):
    """Makes a new httpx client per exchange (the remote agent closes each one it gets)."""

    def __call__(self) -> httpx.AsyncClient: ...

    def make_sync(self) -> httpx.Client: ...


class HttpxClientFactory(ClientFactory):
    """Makes ``httpx.AsyncClient`` (and ``httpx.Client``) instances with the given options.

    Every keyword of ``httpx.AsyncClient`` is accepted (``auth``, ``headers``, ``timeout``,
    ``transport``, ``base_url``, ...); ``options`` holds them and may be changed between exchanges.
    A test can serve an app in-process with ``HttpxClientFactory(transport=httpx.ASGITransport(app))``.
    """

    def __init__(
        self,
        *,
        auth: Any = None,
        params: Any = None,
        headers: Any = None,
        cookies: Any = None,
        verify: Any = True,
        cert: Any = None,
        http1: bool = True,
        http2: bool = False,
        proxy: Any = None,
        mounts: Mapping[str, Any] | None = None,
        timeout: Any = _DEFAULT_TIMEOUT,
        follow_redirects: bool = False,
        limits: httpx.Limits = _DEFAULT_LIMITS,
        max_redirects: int = 20,
        event_hooks: Mapping[str, list[Callable[..., Any]]] | None = None,
        base_url: httpx.URL | str = "",
        transport: httpx.AsyncBaseTransport | None = None,
        trust_env: bool = True,
        default_encoding: str | Callable[[bytes], str] = "utf-8",
        **kwargs: Any,
    ) -> None:
        self.options: dict[str, Any] = {
            "auth": auth,
            "params": params,
            "headers": headers,
            "cookies": cookies,
            "verify": verify,
            "cert": cert,
            "http1": http1,
            "http2": http2,
            "proxy": proxy,
            "mounts": mounts,
            "timeout": timeout,
            "follow_redirects": follow_redirects,
            "limits": limits,
            "max_redirects": max_redirects,
            "event_hooks": event_hooks,
            "base_url": base_url,
            "transport": transport,
            "trust_env": trust_env,
            "default_encoding": default_encoding,
            **kwargs,
        }

    def __call__(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(**self.options)

    def make_sync(self) -> httpx.Client:
        return httpx.Client(**self.options)


class EmptyClientFactory(ClientFactory):
    """Plain clients with a 30 s timeout (the remote agent's default)."""

    def __call__(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(timeout=30.0)

    def make_sync(self) -> httpx.Client:
        return httpx.Client(timeout=30.0)


def _card_json(card: AgentCard) -> bytes:
    return json.dumps(MessageToDict(to_core_agent_card(card))).encode()


def MockClient(
    response_message: str | dict[str, Any] | TextPart | DataPart | Part,
    *,
    extended_agent_card: AgentCard | None = None,
) -> HttpxClientFactory:
    """A client factory whose transport plays a non-streaming A2A agent answering every message
    with ``response_message`` (text, a message dict, or an A2A part); it serves ``extended_agent_card``
    to clients asking for the extended card, when given. For tests: ``A2aRemoteAgent(url=...,
    name=..., client=MockClient("hi"))``."""
    if isinstance(response_message, Part):
        parts = [response_message]
    elif isinstance(response_message, (TextPart, DataPart)):
        parts = [Part(root=response_message)]
    elif isinstance(response_message, str):
        parts = [Part(root=DataPart(data={"role": "assistant", "content": response_message}))]
    elif isinstance(response_message, dict):
        parts = [Part(root=DataPart(data={"role": "assistant", **response_message}))]
    else:
        raise ValueError(f"Invalid message type: {type(response_message)}")  # noqa: TRY004 - as in ag2

    public_card = AgentCard(
        name="mock_agent",
        description="mock_agent",
        url="http://localhost:8000",
        version="0.1.0",
        capabilities=AgentCapabilities(streaming=False),
        default_input_modes=["text"],
        default_output_modes=["text"],
        skills=[],
        supports_authenticated_extended_card=extended_agent_card is not None,
    )

    def handle(request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path in (AGENT_CARD_WELL_KNOWN_PATH, PREV_AGENT_CARD_WELL_KNOWN_PATH):
            return httpx.Response(200, content=_card_json(public_card))
        if path in (EXTENDED_AGENT_CARD_PATH, "/agent/authenticatedExtendedCard"):
            if extended_agent_card is None:
                return httpx.Response(404)
            return httpx.Response(200, content=_card_json(extended_agent_card))
        try:
            rpc = json.loads(request.content or b"{}")
        except ValueError:
            rpc = {}
        reply = Message(message_id=uuid4().hex, role=Role.agent, parts=parts)
        if "/" in str(rpc.get("method", "")):  # an A2A 0.3 call ("message/send")
            result: dict[str, Any] = reply.model_dump(mode="json", by_alias=True, exclude_none=True)
        else:  # A2A 1.x ("SendMessage")
            result = {"message": MessageToDict(to_core_message(reply))}
        return httpx.Response(200, json={"jsonrpc": "2.0", "id": rpc.get("id"), "result": result})

    return HttpxClientFactory(transport=httpx.MockTransport(handle))
