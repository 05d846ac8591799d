"""A provider of credentials from a hosted service: not implemented (as in the original)."""

from typing import TYPE_CHECKING

from .credentials_provider import GoogleCredentialsProvider

if TYPE_CHECKING:
    from google.oauth2.credentials import Credentials

__all__ = ["GoogleCredenentialsHostedProvider"]


class GoogleCredenentialsHostedProvider(GoogleCredentialsProvider):  # the original's spelling
    """Placeholder of the original: constructing it raises NotImplementedError."""

    def __init__(self, host: str, port: int = 8080, *, kwargs: dict[str, str]) -> None:
        self._host = host
        self._port = port
        self._kwargs = kwargs
        raise NotImplementedError("This class is not implemented yet.")

    @property
    def host(self) -> str:
        """The host the credentials are obtained from."""
        return self._host

    @property
    def port(self) -> int:
        """The port the credentials are obtained from."""
        return self._port

    def get_credentials(self) -> "Credentials":
        """Not implemented."""
        raise NotImplementedError("This class is not implemented yet.")
