"""Google credentials from a token file, refreshed, or obtained by the installed-app OAuth flow in a browser."""

import os
from typing import TYPE_CHECKING, Optional

from ..._external import require_package
from .credentials_provider import GoogleCredentialsProvider

if TYPE_CHECKING:
    from google.oauth2.credentials import Credentials

__all__ = ["GoogleCredentialsLocalProvider"]

_FEATURE = "GoogleCredentialsLocalProvider"


class GoogleCredentialsLocalProvider(GoogleCredentialsProvider):
    """Credentials for ``scopes`` from ``token_file`` when valid; otherwise refreshed, or obtained by the OAuth
    flow of ``client_secret_file`` answered on ``localhost:port``, and saved to ``token_file`` when given."""

    def __init__(
        self, client_secret_file: str, scopes: list[str], token_file: str | None = None, port: int = 8080
    ) -> None:
        """Create the provider.

        Args:
            client_secret_file: the OAuth client's secret file (JSON, from the Google Cloud console).
            scopes: the scopes to request, e.g. ``["https://www.googleapis.com/auth/drive.readonly"]``.
            token_file: where the credentials are kept between runs; not saved without it.
            port: the local port that receives the OAuth redirect.
        """
        self.client_secret_file = client_secret_file
        self.scopes = scopes
        self.token_file = token_file
        self._port = port

    @property
    def host(self) -> str:
        """Always ``localhost``."""
        return "localhost"

    @property
    def port(self) -> int:
        """The port that receives the OAuth redirect."""
        return self._port

    def _refresh_or_get_new_credentials(self, creds: Optional["Credentials"]) -> "Credentials":
        require_package("google_auth_httplib2", "google-api", _FEATURE)
        if creds and creds.expired and creds.refresh_token:
            creds.refresh(require_package("google.auth.transport.requests", "google-api", _FEATURE).Request())
            return creds
        flow = require_package("google_auth_oauthlib.flow", "google-api", _FEATURE).InstalledAppFlow
        return flow.from_client_secrets_file(self.client_secret_file, self.scopes).run_local_server(
            host=self.host, port=self.port
        )

    def get_credentials(self) -> "Credentials":
        """Valid credentials, from the token file, a refresh or a new OAuth flow."""
        require_package("google_auth_oauthlib", "google-api", _FEATURE)
        credentials_module = require_package("google.oauth2.credentials", "google-api", _FEATURE)
        creds = None
        if self.token_file and os.path.exists(self.token_file):
            creds = credentials_module.Credentials.from_authorized_user_file(self.token_file)
        if not creds or not creds.valid:
            creds = self._refresh_or_get_new_credentials(creds)
            if self.token_file:
                with open(self.token_file, "w", encoding="utf-8") as f:
                    f.write(creds.to_json())
        return creds
