"""What a Google toolkit offers besides its tools."""

from typing import Protocol, runtime_checkable

__all__ = ["GoogleToolkitProtocol"]


@runtime_checkable
class GoogleToolkitProtocol(Protocol):
    """A Google toolkit names the OAuth scopes its tools need."""

    @classmethod
    def recommended_scopes(cls) -> list[str]:
        """The OAuth scopes to request for this toolkit."""
        ...
