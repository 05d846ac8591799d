"""Namespace for third-party extensions of ag2 (empty in ag2 0.13.4 as well)."""

__all__: list[str] = []
