from .websurfer import WebSurferAgent

__all__ = ["WebSurferAgent"]
