"""LiteLLM configuration (as crawl4ai takes it) built from an ag2 LLM config."""

from .litellm_config_factory import LiteLLmConfigAdapter, LiteLLmConfigFactory

__all__ = ["LiteLLmConfigAdapter", "LiteLLmConfigFactory"]
