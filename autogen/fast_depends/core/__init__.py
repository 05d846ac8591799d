"""Building a call model from a function, and solving it."""

from .build import build_call_model
from .model import CallModel

__all__ = ("CallModel", "build_call_model")
