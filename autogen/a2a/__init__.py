"""AG2 agents over the A2A protocol (extra ``ag2[a2a]``).

Serve an agent with ``A2aAgentServer(agent, url=...).build()`` (an ASGI app), and use an agent
served elsewhere with ``A2aRemoteAgent(url=..., name=...)`` in any chat, group chat or pattern.
Not imported by ``import autogen``.
"""

import warnings

from ..import_utils import optional_import

optional_import("a2a.compat.v0_3.types", "a2a", feature="autogen.a2a")
optional_import("httpx", "a2a", feature="autogen.a2a")
optional_import("starlette", "a2a", feature="autogen.a2a (the server side)")

from a2a.compat.v0_3.types import AgentCard

from .agent_executor import AutogenAgentExecutor
from .client import A2aRemoteAgent
from .client_factory import HttpxClientFactory, MockClient
from .server import A2aAgentServer, CardSettings

warnings.warn(
    "AG2 Implementation for A2A support is in experimental mode and is subjected to breaking changes. "
    "Once it's stable enough the experimental mode will be removed. Your feedback is welcome.",
    ImportWarning,
    stacklevel=2,
)

__all__ = (
    "A2aAgentServer",
    "A2aRemoteAgent",
    "AgentCard",
    "AutogenAgentExecutor",
    "CardSettings",
    "HttpxClientFactory",
    "MockClient",
)
