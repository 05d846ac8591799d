"""How to reach a Jupyter server: connection details and the protocol of things that provide them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

__all__ = ["JupyterConnectable", "JupyterConnectionInfo"]


@dataclass
class JupyterConnectionInfo:
    """Address and credentials of a Jupyter (kernel gateway) server.

    ``host`` is a host name or IP address without scheme; ``port`` None means the scheme's
    default; ``token`` None means the server needs no authentication.
    """

    host: str
    use_https: bool
    port: int | None = None
    token: str | None = None

    @property
    def base_url(self) -> str:
        """``http(s)://host[:port]`` of the server."""
        scheme = "https" if self.use_https else "http"
        return f"{scheme}://{self.host}" + (f":{self.port}" if self.port else "")

    @property
    def ws_url(self) -> str:
        """``ws(s)://host[:port]`` of the server's websocket endpoints."""
        scheme = "wss" if self.use_https else "ws"
        return f"{scheme}://{self.host}" + (f":{self.port}" if self.port else "")


@runtime_checkable
class JupyterConnectable(Protocol):
    """Anything that can tell how to connect to a Jupyter server (e.g. a server it started)."""

    @property
    def connection_info(self) -> JupyterConnectionInfo:
        """Where the server is and how to authenticate."""
        ...  # pragma: no cover
