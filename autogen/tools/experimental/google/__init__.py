"""Google Workspace toolkits (Drive) and the providers of their OAuth credentials (extra ``google-api``)."""

from .authentication import GoogleCredentialsLocalProvider, GoogleCredentialsProvider
from .drive import GoogleDriveToolkit
from .toolkit_protocol import GoogleToolkitProtocol

__all__ = ["GoogleCredentialsLocalProvider", "GoogleCredentialsProvider", "GoogleDriveToolkit", "GoogleToolkitProtocol"]
