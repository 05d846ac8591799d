"""LangChainChatModelFactory: a LangChain chat model built from the first entry of an ag2 LLM config.

Used by tools that drive a LangChain-based agent (browser-use). Each factory handles one ``api_type`` and
imports its LangChain integration package when it builds a model (extra ``browser-use``).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import Any, ClassVar, TypeVar

from ...import_utils import optional_import
from ...llm_config.utils import get_first_llm_config

__all__ = ["LangChainChatModelFactory"]

T = TypeVar("T", bound="LangChainChatModelFactory")

_EXTRA = "browser-use"


def _chat_model_class(module: str, name: str) -> Any:
    """The LangChain chat model class ``module.name``, or the ImportError naming the ``browser-use`` extra."""
    return getattr(optional_import(module, _EXTRA, feature=f"LangChainChatModelFactory ({name})"), name)


class LangChainChatModelFactory(ABC):
    """Base and registry of the per-``api_type`` factories; call :meth:`create_base_chat_model`."""

    _factories: ClassVar[list[LangChainChatModelFactory]] = []

    @classmethod
    def create_base_chat_model(cls, llm_config: Any) -> Any:
        """The LangChain ``BaseChatModel`` for the first entry of ``llm_config`` (an LLMConfig or a dict)."""
        first_llm_config = get_first_llm_config(llm_config)
        for factory in LangChainChatModelFactory._factories:
            if factory.accepts(first_llm_config):
                return factory.create(first_llm_config)
        raise ValueError("Could not find a factory for the given config.")

    @classmethod
    def register_factory(cls) -> Callable[[type[T]], type[T]]:
        """Class decorator adding (an instance of) a factory to the ones tried in order."""

        def decorator(factory: type[T]) -> type[T]:
            cls._factories.append(factory())
            return factory

        return decorator

    @classmethod
    def prepare_config(cls, first_llm_config: dict[str, Any]) -> dict[str, Any]:
        """Drop the ag2-only keys that LangChain models do not take."""
        for key in ("api_type", "response_format"):
            first_llm_config.pop(key, None)
        return first_llm_config

    @classmethod
    @abstractmethod
    def create(cls, first_llm_config: dict[str, Any]) -> Any:
        """The chat model for ``first_llm_config`` (which the factory may change)."""

    @classmethod
    @abstractmethod
    def get_api_type(cls) -> str:
        """The ``api_type`` this factory handles."""

    @classmethod
    def accepts(cls, first_llm_config: dict[str, Any]) -> bool:
        """Whether this factory handles the entry (``api_type`` defaults to "openai")."""
        return first_llm_config.get("api_type", "openai") == cls.get_api_type()


@LangChainChatModelFactory.register_factory()
class ChatOpenAIFactory(LangChainChatModelFactory):
    """``api_type="openai"`` -> ``langchain_openai.ChatOpenAI``."""

    @classmethod
    def create(cls, first_llm_config: dict[str, Any]) -> Any:
        return _chat_model_class("langchain_openai", "ChatOpenAI")(**cls.prepare_config(first_llm_config))

    @classmethod
    def get_api_type(cls) -> str:
        return "openai"


@LangChainChatModelFactory.register_factory()
class DeepSeekFactory(ChatOpenAIFactory):
    """``api_type="deepseek"`` -> ``ChatOpenAI`` at the entry's ``base_url`` (required)."""

    @classmethod
    def create(cls, first_llm_config: dict[str, Any]) -> Any:
        if "base_url" not in first_llm_config:
            raise ValueError("base_url is required for deepseek api type.")
        return super().create(first_llm_config)

    @classmethod
    def get_api_type(cls) -> str:
        return "deepseek"


@LangChainChatModelFactory.register_factory()
class ChatAnthropicFactory(LangChainChatModelFactory):
    """``api_type="anthropic"`` -> ``langchain_anthropic.ChatAnthropic``."""

    @classmethod
    def create(cls, first_llm_config: dict[str, Any]) -> Any:
        return _chat_model_class("langchain_anthropic", "ChatAnthropic")(**cls.prepare_config(first_llm_config))

    @classmethod
    def get_api_type(cls) -> str:
        return "anthropic"


@LangChainChatModelFactory.register_factory()
class ChatGoogleGenerativeAIFactory(LangChainChatModelFactory):
    """``api_type="google"`` -> ``langchain_google_genai.ChatGoogleGenerativeAI`` (AI Studio, API key).

    For Vertex AI with Google Cloud credentials use ``api_type="google_vertex"``.
    """

    @classmethod
    def create(cls, first_llm_config: dict[str, Any]) -> Any:
        model_class = _chat_model_class("langchain_google_genai", "ChatGoogleGenerativeAI")
        return model_class(**cls.prepare_config(first_llm_config))

    @classmethod
    def get_api_type(cls) -> str:
        return "google"


@LangChainChatModelFactory.register_factory()
class ChatVertexAIFactory(LangChainChatModelFactory):
    """``api_type="google_vertex"`` -> ``langchain_google_vertexai.ChatVertexAI`` (``project_id`` -> ``project``)."""

    @classmethod
    def create(cls, first_llm_config: dict[str, Any]) -> Any:
        config = cls.prepare_config(first_llm_config)
        if "project_id" in config:
            project_id = config.pop("project_id")
            config.setdefault("project", project_id)
        return _chat_model_class("langchain_google_vertexai", "ChatVertexAI")(**config)

    @classmethod
    def get_api_type(cls) -> str:
        return "google_vertex"


@LangChainChatModelFactory.register_factory()
class AzureChatOpenAIFactory(LangChainChatModelFactory):
    """``api_type="azure"`` -> ``langchain_openai.AzureChatOpenAI`` (``base_url`` becomes ``azure_endpoint``)."""

    @classmethod
    def create(cls, first_llm_config: dict[str, Any]) -> Any:
        config = cls.prepare_config(first_llm_config)
        for key in ("base_url", "api_version"):
            if key not in config:
                raise ValueError(f"{key} is required for azure api type.")
        config["azure_endpoint"] = config.pop("base_url")
        return _chat_model_class("langchain_openai", "AzureChatOpenAI")(**config)

    @classmethod
    def get_api_type(cls) -> str:
        return "azure"


@LangChainChatModelFactory.register_factory()
class ChatOllamaFactory(LangChainChatModelFactory):
    """``api_type="ollama"`` -> ``langchain_ollama.ChatOllama`` (``client_host`` becomes ``base_url``)."""

    @classmethod
    def create(cls, first_llm_config: dict[str, Any]) -> Any:
        config = cls.prepare_config(first_llm_config)
        config["base_url"] = config.pop("client_host", None)
        config.setdefault("num_ctx", 32000)  # the context size browser-use's examples use
        return _chat_model_class("langchain_ollama", "ChatOllama")(**config)

    @classmethod
    def get_api_type(cls) -> str:
        return "ollama"
