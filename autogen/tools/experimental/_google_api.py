"""A Google API service object (``googleapiclient``) built from the discovery document the package ships."""

from __future__ import annotations

from typing import Any

from ._external import require_package

__all__ = ["build_service"]

# Root URL of the Google APIs; None is the service's own. Tests point it at a local server.
_api_endpoint: str | None = None


def build_service(
    service: str, version: str, feature: str, *, extra: str = "google-search", builder: Any = None, **kwargs: Any
) -> Any:
    """``googleapiclient.discovery.build(serviceName=service, version=version, **kwargs)`` (or ``builder``'s),
    from the discovery document the package ships; ImportError naming ``extra`` without the package."""
    if builder is None:
        builder = require_package("googleapiclient.discovery", extra, feature).build
    if _api_endpoint is not None:
        kwargs["client_options"] = {"api_endpoint": _api_endpoint}
    return builder(serviceName=service, version=version, **kwargs)
