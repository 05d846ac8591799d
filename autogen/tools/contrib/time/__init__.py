from .time import TimeTool

__all__ = ["TimeTool"]
