"""The classic group chat, ``autogen.agentchat.groupchat``: re-exports `GroupChat` (``chat``) and
`GroupChatManager` (``manager``), and the names this module held before it became a package (the
private ones, marked ``noqa: F401``, for code that reached into them).

Parts, one job each: ``chat`` (settings, members, transcript), ``transitions`` (who may follow whom),
``selection`` (candidates; manual, random, round robin and custom selection), ``auto_selection``
(the LLM exchange), ``eligibility`` (policies), ``guardrails``, ``manager`` (the chat loop),
``relay`` (broadcasting), ``resume``, ``members`` (what is asked about members and messages).
"""

from ...exception_utils import AgentNameConflictError, NoEligibleSpeakerError, UndefinedNextAgentError
from ..agent import Agent
from ..conversable.events import emit as _emit  # noqa: F401
from ..conversable_agent import ConversableAgent
from .auto_selection import CHOICE_RULES as _CHOICE_RULES  # noqa: F401
from .auto_selection import (
    SELECT_SPEAKER_AUTO_MULTIPLE_TEMPLATE,
    SELECT_SPEAKER_AUTO_NONE_TEMPLATE,
    SELECT_SPEAKER_MESSAGE_TEMPLATE,
    SELECT_SPEAKER_PROMPT_TEMPLATE,
)
from .auto_selection import reply_text as _reply_text  # noqa: F401
from .chat import (
    GroupChat,
    logger,  # noqa: F401
)
from .eligibility import AgentEligibilityPolicy, SelectionContext
from .manager import GroupChatManager
from .members import called_functions as _called_functions  # noqa: F401
from .members import can_execute as _can_execute  # noqa: F401
from .members import content_text as _content_str  # noqa: F401
from .members import is_in as _is_in  # noqa: F401
from .members import offered_functions as _offered_functions  # noqa: F401
from .relay import RECEIVE_ATTRS as _RECEIVE_ATTRS  # noqa: F401
from .relay import SEND_ATTRS as _SEND_ATTRS  # noqa: F401
from .resume import json_default as _json_default  # noqa: F401
from .selection import MANUAL_PROMPT as _MANUAL_PROMPT  # noqa: F401
from .selection import MANUAL_TRIES as _MANUAL_TRIES  # noqa: F401
from .selection import METHODS as _METHODS  # noqa: F401

__all__ = [
    "SELECT_SPEAKER_AUTO_MULTIPLE_TEMPLATE",
    "SELECT_SPEAKER_AUTO_NONE_TEMPLATE",
    "SELECT_SPEAKER_MESSAGE_TEMPLATE",
    "SELECT_SPEAKER_PROMPT_TEMPLATE",
    "Agent",
    "AgentEligibilityPolicy",
    "AgentNameConflictError",
    "ConversableAgent",
    "GroupChat",
    "GroupChatManager",
    "NoEligibleSpeakerError",
    "SelectionContext",
    "UndefinedNextAgentError",
]
