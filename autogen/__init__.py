"""AutoGen / AG2 compatible multi-agent framework.

Public names are exported lazily (PEP 562): ``import autogen`` loads only this file and a few
light modules; the module behind a name is imported the first time the name is used.
"""

from __future__ import annotations

import importlib
import logging
from typing import TYPE_CHECKING, Any

from .exception_utils import (
    AgentNameConflict,  # pyautogen 0.2 names of the same classes
    AgentNameConflictError,
    InvalidCarryOverType,
    InvalidCarryOverTypeError,
    NoEligibleSpeaker,
    NoEligibleSpeakerError,
    SenderRequired,
    SenderRequiredError,
    UndefinedNextAgent,
    UndefinedNextAgentError,
)
from .version import __version__

logger = logging.getLogger(__name__)
if logger.level == logging.NOTSET:
    logger.setLevel(logging.INFO)

DEFAULT_MODEL = "gpt-5"
FAST_MODEL = "gpt-5-nano"

# public name -> module that defines it
_LAZY: dict[str, str] = {
    "Agent": "autogen.agentchat.agent",
    "LLMAgent": "autogen.agentchat.agent",
    "ConversableAgent": "autogen.agentchat.conversable_agent",
    "register_function": "autogen.agentchat.conversable_agent",
    "UpdateSystemMessage": "autogen.agentchat.update_system_message",
    "AssistantAgent": "autogen.agentchat.assistant_agent",
    "UserProxyAgent": "autogen.agentchat.user_proxy_agent",
    "GroupChat": "autogen.agentchat.groupchat",
    "GroupChatManager": "autogen.agentchat.groupchat",
    "ChatResult": "autogen.agentchat.chat",
    "initiate_chats": "autogen.agentchat.chat",
    "a_initiate_chats": "autogen.agentchat.chat",
    "gather_usage_summary": "autogen.agentchat.utils",
    "OpenAIWrapper": "autogen.oai.client",
    "ModelClient": "autogen.llm_config.client",
    "LLMConfig": "autogen.llm_config.config",
    "Cache": "autogen.cache.cache",
    "config_list_from_json": "autogen.llm_config.utils",
    "filter_config": "autogen.llm_config.utils",
    "config_list_from_dotenv": "autogen.llm_config.utils",
    "config_list_from_models": "autogen.llm_config.utils",
    "config_list_gpt4_gpt35": "autogen.llm_config.utils",
    "config_list_openai_aoai": "autogen.llm_config.utils",
    "get_config_list": "autogen.llm_config.utils",
    "ContextExpression": "autogen.agentchat.group.context_expression",
    "a_initiate_swarm_chat": "autogen.agentchat.contrib.swarm_agent",
    "run_swarm": "autogen.agentchat.contrib.swarm_agent",
    "a_run_swarm": "autogen.agentchat.contrib.swarm_agent",
    "AgentEligibilityPolicy": "autogen.agentchat.groupchat.eligibility",
    "AgentDescriptionGuard": "autogen.agentchat.groupchat.eligibility",
    "SelectionContext": "autogen.agentchat.groupchat.eligibility",
}

_SUBMODULES = {
    "agentchat", "cache", "code_utils", "coding", "events", "exception_utils", "io", "llm_config", "oai",
    "runtime_logging", "token_count_utils", "tools", "testing", "retrieve", "retrieve_utils", "graph_utils",
    "function_utils", "logger", "messages", "local",
}

__all__ = [
    *_LAZY,
    "AgentNameConflictError",
    "InvalidCarryOverTypeError",
    "NoEligibleSpeakerError",
    "SenderRequiredError",
    "UndefinedNextAgentError",
    "DEFAULT_MODEL",
    "FAST_MODEL",
    "__version__",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is not None:
        value = getattr(importlib.import_module(module), name)
    elif name in _SUBMODULES:
        value = importlib.import_module(f"{__name__}.{name}")
    else:
        raise AttributeError(f"module 'autogen' has no attribute {name!r}")
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__) | _SUBMODULES)


def _install_default_iostream() -> None:
    # As the original does: `import autogen` makes the console the process-wide IO stream.
    try:
        from .io.base import IOStream
        from .io.console import IOConsole
    except ImportError:  # io package not built yet in a partial checkout
        return
    IOStream.set_global_default(IOConsole())


_install_default_iostream()

if TYPE_CHECKING:  # pragma: no cover - names for type checkers and IDEs only
    from .agentchat.agent import Agent, LLMAgent
    from .agentchat.assistant_agent import AssistantAgent
    from .agentchat.chat import ChatResult, a_initiate_chats, initiate_chats
    from .agentchat.conversable_agent import ConversableAgent, register_function
    from .agentchat.groupchat import GroupChat, GroupChatManager
    from .agentchat.user_proxy_agent import UserProxyAgent
    from .agentchat.utils import gather_usage_summary
    from .cache.cache import Cache
    from .llm_config.client import ModelClient
    from .llm_config.config import LLMConfig
    from .llm_config.utils import (
        config_list_from_dotenv,
        config_list_from_json,
        config_list_from_models,
        config_list_gpt4_gpt35,
        config_list_openai_aoai,
        filter_config,
        get_config_list,
    )
    from .oai.client import OpenAIWrapper
