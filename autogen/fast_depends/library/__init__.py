"""Base class for parameters filled in from the call's other arguments (headers, contexts, ...)."""

from .model import CustomField

__all__ = ("CustomField",)
