"""`A2aAgentServer`: an AG2 agent served over A2A (JSON-RPC, streaming) as a Starlette app."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from a2a.compat.v0_3.types import AgentCapabilities, AgentCard, AgentExtension, AgentSkill
from a2a.server.request_handlers import DefaultRequestHandler
from a2a.server.routes import create_agent_card_routes, create_jsonrpc_routes
from a2a.server.tasks import InMemoryTaskStore
from pydantic import Field
from starlette.applications import Starlette

from .agent_executor import AutogenAgentExecutor
from .utils import make_async_card_modifier, make_async_extended_card_modifier, to_core_agent_card

if TYPE_CHECKING:
    from a2a.server.agent_execution import RequestContextBuilder
    from a2a.server.context import ServerCallContext
    from a2a.server.request_handlers import RequestHandler
    from a2a.server.routes import ServerCallContextBuilder
    from a2a.server.tasks import PushNotificationConfigStore, PushNotificationSender, TaskStore

    from ..agentchat.conversable_agent import ConversableAgent

__all__ = ["A2aAgentServer", "CardSettings"]

_DEFAULT_URL = "http://localhost:8000"


class CardSettings(AgentCard):
    """An A2A `AgentCard` whose fields may be left out: the server fills them from the agent."""

    name: str | None = None  # type: ignore[assignment]
    """Shown name; the agent's name when unset."""

    description: str | None = None  # type: ignore[assignment]
    """What the agent does; the agent's description when unset."""

    url: str | None = None  # type: ignore[assignment]
    """Endpoint of the agent; the server's ``url`` when unset (when set, it wins over it)."""

    version: str = "0.1.0"
    """The agent's own version."""

    default_input_modes: list[str] = Field(default_factory=lambda: ["text"])
    """Input MIME types accepted by every skill unless the skill says otherwise."""

    default_output_modes: list[str] = Field(default_factory=lambda: ["text"])
    """Output MIME types produced by every skill unless the skill says otherwise."""

    capabilities: AgentCapabilities = Field(default_factory=lambda: AgentCapabilities(streaming=True))
    """Optional protocol features; streaming is on."""

    skills: list[AgentSkill] = Field(default_factory=list)
    """What the agent can do, for clients choosing an agent."""


def _build_card(
    agent: ConversableAgent, url: str | None, settings: CardSettings, *, extended: bool | None, which: str
) -> AgentCard:
    if settings.url and url != _DEFAULT_URL:
        warnings.warn(
            f"You can't use `{which}.url` and `url` options in the same time. "
            f"`{which}.url` has a higher priority, so `{settings.url}` will be used.",
            RuntimeWarning,
            stacklevel=3,
        )
    base: dict[str, Any] = {"name": agent.name, "description": agent.description, "url": url}
    if extended is not None:
        base["supports_authenticated_extended_card"] = extended
    card = AgentCard.model_validate({**base, **settings.model_dump(exclude_none=True)})
    if not card.skills:  # A2A 1.x requires at least one skill: the agent itself
        card.skills = [AgentSkill(id=card.name, name=card.name, description=card.description, tags=["ag2"])]
    return card


class A2aAgentServer:
    """Serve an AG2 `ConversableAgent` through the A2A protocol.

    ``A2aAgentServer(agent, url=...).build()`` gives an ASGI app (run it with uvicorn) publishing the
    agent card at ``/.well-known/agent-card.json`` and answering JSON-RPC (A2A 1.x and 0.3) at ``/``.
    """

    def __init__(
        self,
        agent: ConversableAgent,
        *,
        url: str | None = _DEFAULT_URL,
        agent_card: CardSettings | None = None,
        card_modifier: Callable[[AgentCard], AgentCard] | None = None,
        extended_agent_card: CardSettings | None = None,
        extended_card_modifier: Callable[[AgentCard, ServerCallContext], AgentCard] | None = None,
    ) -> None:
        """Args:
        agent: the agent to serve.
        url: the public base URL of the server (written into the card).
        agent_card: card fields overriding those taken from the agent.
        card_modifier: called on the public card for each card request.
        extended_agent_card: fields of the card shown to authenticated clients (enables it).
        extended_card_modifier: called on the extended card with the call context, per request.
        """
        self.agent = agent
        self.card = _build_card(
            agent, url, agent_card or CardSettings(), extended=extended_agent_card is not None, which="agent_card"
        )
        self.extended_agent_card: AgentCard | None = None
        if extended_agent_card is not None:
            self.extended_agent_card = _build_card(
                agent, url, extended_agent_card, extended=None, which="extended_agent_card"
            )
        self._declare_a2ui_extension()
        self.card_modifier = card_modifier
        self.extended_card_modifier = extended_card_modifier
        self.middlewares: list[tuple[Any, dict[str, Any]]] = []

    def _declare_a2ui_extension(self) -> None:
        """Advertise the A2UI extension when the agent is an ``A2UIAgent`` (when that module exists)."""
        try:
            from autogen.agents.experimental.a2ui import A2UIAgent  # type: ignore[import-not-found]
            from autogen.agents.experimental.a2ui.a2a_helpers import A2UI_EXTENSION_URI  # type: ignore[import-not-found]
        except ImportError:
            return
        if not isinstance(self.agent, A2UIAgent):
            return
        extensions = list(self.card.capabilities.extensions or [])
        if not any(e.uri == A2UI_EXTENSION_URI for e in extensions):
            extensions.append(
                AgentExtension(
                    uri=A2UI_EXTENSION_URI,
                    description="Provides agent-driven UI using the A2UI v0.9 JSON format.",
                    params={"supportedCatalogIds": [self.agent.catalog_id]},
                )
            )
            self.card.capabilities.extensions = extensions

    def add_middleware(self, middleware: Any, **kwargs: Any) -> None:
        """Add a Starlette middleware (class and options) to the apps built from now on."""
        self.middlewares.append((middleware, kwargs))

    @property
    def executor(self) -> AutogenAgentExecutor:
        """A fresh executor for the agent (an A2UI executor for an ``A2UIAgent``)."""
        try:
            from autogen.agents.experimental.a2ui import A2UIAgent  # type: ignore[import-not-found]
            from autogen.agents.experimental.a2ui.a2a_executor import A2UIAgentExecutor  # type: ignore[import-not-found]
        except ImportError:
            return AutogenAgentExecutor(self.agent)
        if isinstance(self.agent, A2UIAgent):
            return A2UIAgentExecutor(  # type: ignore[no-any-return]
                self.agent, delimiter=self.agent._response_delimiter, version_string=self.agent.protocol_version
            )
        return AutogenAgentExecutor(self.agent)

    def build_request_handler(
        self,
        *,
        task_store: TaskStore | None = None,
        queue_manager: Any | None = None,
        push_config_store: PushNotificationConfigStore | None = None,
        push_sender: PushNotificationSender | None = None,
        request_context_builder: RequestContextBuilder | None = None,
    ) -> RequestHandler:
        """The SDK request handler running this agent (tasks kept in memory unless ``task_store``).

        ``queue_manager`` is accepted for compatibility; A2A SDK 1.x handlers no longer use one.
        """
        options: dict[str, Any] = {}
        if queue_manager is not None:
            options["queue_manager"] = queue_manager
        return DefaultRequestHandler(
            agent_executor=self.executor,
            task_store=task_store or InMemoryTaskStore(),
            agent_card=to_core_agent_card(self.card),
            push_config_store=push_config_store,
            push_sender=push_sender,
            request_context_builder=request_context_builder,
            extended_agent_card=(
                to_core_agent_card(self.extended_agent_card) if self.extended_agent_card is not None else None
            ),
            extended_card_modifier=(
                make_async_extended_card_modifier(self.extended_card_modifier)
                if self.extended_card_modifier is not None
                else None
            ),
            **options,
        )

    def build_starlette_app(
        self,
        *,
        request_handler: RequestHandler | None = None,
        context_builder: ServerCallContextBuilder | None = None,
    ) -> Starlette:
        """The ASGI app: agent card routes plus the JSON-RPC endpoint at ``/``."""
        handler = request_handler or self.build_request_handler()
        routes = list(
            create_agent_card_routes(
                to_core_agent_card(self.card),
                card_modifier=make_async_card_modifier(self.card_modifier) if self.card_modifier else None,
            )
        )
        routes.extend(
            create_jsonrpc_routes(handler, rpc_url="/", context_builder=context_builder, enable_v0_3_compat=True)
        )
        app = Starlette(routes=routes)
        for middleware, kwargs in self.middlewares:
            app.add_middleware(middleware, **kwargs)
        return app

    build = build_starlette_app
