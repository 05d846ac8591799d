from .credentials_local_provider import GoogleCredentialsLocalProvider
from .credentials_provider import GoogleCredentialsProvider

__all__ = ["GoogleCredentialsLocalProvider", "GoogleCredentialsProvider"]
