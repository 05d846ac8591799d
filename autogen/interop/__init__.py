"""Interoperability: tools of other frameworks (LangChain, CrewAI, PydanticAI) as ag2 tools, and ag2 LLM
configs as other frameworks' model settings (LangChain chat models, LiteLLM).

The frameworks themselves are imported only when a converter or factory is used.
"""

from .crewai import CrewAIInteroperability
from .interoperability import Interoperability
from .interoperable import Interoperable
from .langchain import LangChainChatModelFactory, LangChainInteroperability
from .litellm import LiteLLmConfigAdapter, LiteLLmConfigFactory
from .pydantic_ai import PydanticAIInteroperability
from .registry import register_interoperable_class

__all__ = [
    "CrewAIInteroperability",
    "Interoperability",
    "Interoperable",
    "LangChainChatModelFactory",
    "LangChainInteroperability",
    "LiteLLmConfigAdapter",
    "LiteLLmConfigFactory",
    "PydanticAIInteroperability",
    "register_interoperable_class",
]
