"""The protocol of a source of Google OAuth credentials."""

from typing import TYPE_CHECKING, Optional, Protocol, runtime_checkable

if TYPE_CHECKING:
    from google.oauth2.credentials import Credentials

__all__ = ["GoogleCredentialsProvider"]


@runtime_checkable
class GoogleCredentialsProvider(Protocol):
    """Gives Google credentials, obtained through a host and port (where the OAuth flow is answered)."""

    def get_credentials(self) -> Optional["Credentials"]:
        """The credentials (``google.oauth2.credentials.Credentials``)."""
        ...

    @property
    def host(self) -> str:
        """The host the credentials are obtained from."""
        ...

    @property
    def port(self) -> int:
        """The port the credentials are obtained from."""
        ...
