"""LangChain interoperability: LangChain tools as ag2 tools, and LangChain chat models from an ag2 LLM config."""

from .langchain_chat_model_factory import LangChainChatModelFactory
from .langchain_tool import LangChainInteroperability

__all__ = ["LangChainChatModelFactory", "LangChainInteroperability"]
