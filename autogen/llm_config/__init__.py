"""LLM configuration: ``LLMConfig``, config entries, config-list helpers and the ``ModelClient`` protocol."""

from .client import ModelClient
from .config import LLMConfig
from .entry import LLMConfigEntry

__all__ = ["LLMConfig", "LLMConfigEntry", "ModelClient"]
