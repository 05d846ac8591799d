"""LiteLLmConfigFactory: the LiteLLM settings (``provider="<api_type>/<model>"``, ``api_token``, ...) that
crawl4ai takes, built from the first entry of an ag2 LLM config.

crawl4ai before 0.5 took them all as keyword arguments of its extraction strategy; from 0.5 on the
connection settings go into its ``LLMConfig`` and the rest stays with the strategy. The adapter offers both.
"""

from __future__ import annotations

import os
import re
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata
from typing import Any, ClassVar, TypeVar

from ...llm_config.utils import get_first_llm_config

__all__ = ["LiteLLmConfigAdapter", "LiteLLmConfigFactory"]

T = TypeVar("T", bound="LiteLLmConfigFactory")

# The settings that crawl4ai >= 0.5 takes in its LLMConfig rather than as strategy arguments.
_CONNECTION_KEYS = ("provider", "api_token", "base_url", "api_base", "api_version")


@dataclass(frozen=True)
class LiteLLmConfigAdapter:
    """One LiteLLM configuration in the two shapes crawl4ai versions take."""

    legacy_config: dict[str, Any]
    """Everything, as keyword arguments of the extraction strategy (crawl4ai < 0.5)."""
    llm_config_kwargs: dict[str, Any]
    """``provider``, ``api_token`` and ``base_url``: the arguments of crawl4ai's ``LLMConfig`` (>= 0.5)."""
    strategy_kwargs: dict[str, Any]
    """The rest (and ``api_version``), for the extraction strategy beside that ``LLMConfig`` (>= 0.5)."""

    def as_legacy_kwargs(self) -> dict[str, Any]:
        """A copy of :attr:`legacy_config`."""
        return dict(self.legacy_config)

    def as_llm_config_kwargs(self) -> dict[str, Any]:
        """A copy of :attr:`llm_config_kwargs`."""
        return dict(self.llm_config_kwargs)

    def as_strategy_kwargs(self) -> dict[str, Any]:
        """A copy of :attr:`strategy_kwargs`."""
        return dict(self.strategy_kwargs)


def get_crawl4ai_version() -> str | None:
    """The installed crawl4ai version, or None when it is not installed."""
    try:
        return metadata.version("crawl4ai")
    except (metadata.PackageNotFoundError, OSError, ValueError):  # absent or broken metadata: ask the module
        pass
    try:
        import crawl4ai
    except ImportError:
        return None
    version = getattr(crawl4ai, "__version__", None)
    return version if isinstance(version, str) else None


def is_crawl4ai_v05_or_higher() -> bool:
    """Whether the installed crawl4ai is 0.5.0 or newer (False when absent or its version is unreadable)."""
    version = get_crawl4ai_version()
    if version is None:
        return False
    parts = []
    for part in version.split(".")[:3]:
        digits = re.match(r"\d+", part)
        if digits is None:
            return False
        parts.append(int(digits.group()))
    return parts >= [0, 5, 0]


class LiteLLmConfigFactory(ABC):
    """Base and registry of the per-``api_type`` factories; call :meth:`create_lite_llm_config`."""

    _factories: ClassVar[list[LiteLLmConfigFactory]] = []
    _fallback: ClassVar[bool] = False
    """A fallback factory accepts most api types; it is tried after all the others."""

    @classmethod
    def create_lite_llm_config(cls, llm_config: Any) -> LiteLLmConfigAdapter:
        """The adapter for the first entry of ``llm_config`` (an LLMConfig or a dict)."""
        first_llm_config = get_first_llm_config(llm_config)
        for factory in sorted(LiteLLmConfigFactory._factories, key=lambda f: f._fallback):
            if factory.accepts(first_llm_config):
                return cls._create_adapter(factory.create(first_llm_config))
        raise ValueError("Could not find a factory for the given config.")

    @classmethod
    def _create_adapter(cls, base_config: dict[str, Any]) -> LiteLLmConfigAdapter:
        """Split a LiteLLM config into crawl4ai's LLMConfig arguments and the strategy's."""
        connection = {key: base_config[key] for key in _CONNECTION_KEYS if key in base_config}
        strategy = {key: value for key, value in base_config.items() if key not in _CONNECTION_KEYS}
        llm_config_kwargs = {key: connection[key] for key in ("provider", "api_token") if key in connection}
        base_url = connection.get("base_url", connection.get("api_base"))
        if "base_url" in connection or "api_base" in connection:
            llm_config_kwargs["base_url"] = base_url
        if "api_version" in connection:  # crawl4ai's LLMConfig has no api_version; LiteLLM takes it per call
            strategy["api_version"] = connection["api_version"]
        return LiteLLmConfigAdapter(
            legacy_config=dict(base_config), llm_config_kwargs=llm_config_kwargs, strategy_kwargs=strategy
        )

    @classmethod
    def register_factory(cls) -> Callable[[type[T]], type[T]]:
        """Class decorator adding (an instance of) a factory to the ones tried."""

        def decorator(factory: type[T]) -> type[T]:
            cls._factories.append(factory())
            return factory

        return decorator

    @classmethod
    def create(cls, first_llm_config: dict[str, Any]) -> dict[str, Any]:
        """Replace ``model`` and ``api_type`` (default "openai") by LiteLLM's ``provider="<api_type>/<model>"``."""
        model = first_llm_config.pop("model")
        api_type = first_llm_config.pop("api_type", "openai")
        first_llm_config["provider"] = f"{api_type}/{model}"
        return first_llm_config

    @classmethod
    @abstractmethod
    def get_api_type(cls) -> str:
        """The ``api_type`` this factory handles."""

    @classmethod
    def accepts(cls, first_llm_config: dict[str, Any]) -> bool:
        """Whether this factory handles the entry (``api_type`` defaults to "openai")."""
        return first_llm_config.get("api_type", "openai") == cls.get_api_type()


def _require_api_key(first_llm_config: dict[str, Any]) -> None:
    if "api_key" not in first_llm_config:
        raise ValueError("API key is required.")


@LiteLLmConfigFactory.register_factory()
class DefaultLiteLLmConfigFactory(LiteLLmConfigFactory):
    """Every api type LiteLLM names as ag2 does (openai, azure, anthropic, deepseek, ...): ``api_key`` ->
    ``api_token`` (for openai, default ``$OPENAI_API_KEY``)."""

    _fallback = True

    @classmethod
    def get_api_type(cls) -> str:
        raise NotImplementedError("DefaultLiteLLmConfigFactory does not have an API type.")

    @classmethod
    def accepts(cls, first_llm_config: dict[str, Any]) -> bool:
        return first_llm_config.get("api_type", "openai") not in ("google", "ollama")

    @classmethod
    def create(cls, first_llm_config: dict[str, Any]) -> dict[str, Any]:
        if first_llm_config.get("api_type", "openai") != "openai":
            _require_api_key(first_llm_config)
        first_llm_config["api_token"] = first_llm_config.pop("api_key", os.getenv("OPENAI_API_KEY"))
        return super().create(first_llm_config)


@LiteLLmConfigFactory.register_factory()
class GoogleLiteLLmConfigFactory(LiteLLmConfigFactory):
    """``api_type`` "google" (or "gemini"): LiteLLM calls it ``gemini``."""

    @classmethod
    def get_api_type(cls) -> str:
        return "google"

    @classmethod
    def accepts(cls, first_llm_config: dict[str, Any]) -> bool:
        return first_llm_config.get("api_type", "") in (cls.get_api_type(), "gemini")

    @classmethod
    def create(cls, first_llm_config: dict[str, Any]) -> dict[str, Any]:
        _require_api_key(first_llm_config)
        first_llm_config["api_type"] = "gemini"
        first_llm_config["api_token"] = first_llm_config.pop("api_key")
        return super().create(first_llm_config)


@LiteLLmConfigFactory.register_factory()
class OllamaLiteLLmConfigFactory(LiteLLmConfigFactory):
    """``api_type`` "ollama": no key; ``client_host`` becomes LiteLLM's ``api_base``."""

    @classmethod
    def get_api_type(cls) -> str:
        return "ollama"

    @classmethod
    def create(cls, first_llm_config: dict[str, Any]) -> dict[str, Any]:
        first_llm_config = super().create(first_llm_config)
        if "client_host" in first_llm_config:
            first_llm_config["api_base"] = first_llm_config.pop("client_host")
        return first_llm_config
