"""Base class of the response models: the openai SDK's own (extra fields kept, as ag2's does)."""

from openai._models import BaseModel

__all__ = ["BaseModel"]
