"""Serving an agent to remote clients: the protocol-neutral request/response messages and the
`AgentService` that turns one request into a stream of replies (used by `autogen.a2a` and friends)."""

from .agent_service import AgentService
from .errors import RemoteAgentError, RemoteAgentNotFoundError
from .protocol import RequestMessage, ResponseMessage, ServiceResponse

__all__ = (
    "AgentService",
    "RemoteAgentError",
    "RemoteAgentNotFoundError",
    "RequestMessage",
    "ResponseMessage",
    "ServiceResponse",
)
