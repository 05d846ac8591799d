"""Deprecated aliases of ``autogen.events.agent_events`` under their 0.7-era ``*Message`` names."""

from typing import Any
from uuid import UUID

from ..events.agent_events import (
    ClearAgentsHistoryEvent as ClearAgentsHistoryMessage,
)
from ..events.agent_events import (
    ClearConversableAgentHistoryEvent as ClearConversableAgentHistoryMessage,
)
from ..events.agent_events import (
    ClearConversableAgentHistoryWarningEvent as ClearConversableAgentHistoryWarningMessage,
)
from ..events.agent_events import (
    ConversableAgentUsageSummaryEvent as ConversableAgentUsageSummaryMessage,
)
from ..events.agent_events import (
    ConversableAgentUsageSummaryNoCostIncurredEvent as ConversableAgentUsageSummaryNoCostIncurredMessage,
)
from ..events.agent_events import (
    ExecuteCodeBlockEvent as ExecuteCodeBlockMessage,
)
from ..events.agent_events import (
    ExecutedFunctionEvent as ExecutedFunctionMessage,
)
from ..events.agent_events import (
    ExecuteFunctionEvent as ExecuteFunctionMessage,
)
from ..events.agent_events import (
    FunctionCall,
    ToolCall,
    ToolResponse,
    create_received_event_model,
)
from ..events.agent_events import (
    FunctionCallEvent as FunctionCallMessage,
)
from ..events.agent_events import (
    FunctionResponseEvent as FunctionResponseMessage,
)
from ..events.agent_events import (
    GenerateCodeExecutionReplyEvent as GenerateCodeExecutionReplyMessage,
)
from ..events.agent_events import (
    GroupChatResumeEvent as GroupChatResumeMessage,
)
from ..events.agent_events import (
    GroupChatRunChatEvent as GroupChatRunChatMessage,
)
from ..events.agent_events import (
    PostCarryoverProcessingEvent as PostCarryoverProcessingMessage,
)
from ..events.agent_events import (
    SelectSpeakerEvent as SelectSpeakerMessage,
)
from ..events.agent_events import (
    SelectSpeakerInvalidInputEvent as SelectSpeakerInvalidInputMessage,
)
from ..events.agent_events import (
    SelectSpeakerTryCountExceededEvent as SelectSpeakerTryCountExceededMessage,
)
from ..events.agent_events import (
    SpeakerAttemptFailedMultipleAgentsEvent as SpeakerAttemptFailedMultipleAgentsMessage,
)
from ..events.agent_events import (
    SpeakerAttemptFailedNoAgentsEvent as SpeakerAttemptFailedNoAgentsMessage,
)
from ..events.agent_events import (
    SpeakerAttemptSuccessfulEvent as SpeakerAttemptSuccessfulMessage,
)
from ..events.agent_events import (
    TerminationAndHumanReplyNoInputEvent as TerminationAndHumanReplyMessage,
)
from ..events.agent_events import (
    TerminationEvent as TerminationMessage,
)
from ..events.agent_events import (
    TextEvent as TextMessage,
)
from ..events.agent_events import (
    ToolCallEvent as ToolCallMessage,
)
from ..events.agent_events import (
    ToolResponseEvent as ToolResponseMessage,
)
from ..events.agent_events import (
    UsingAutoReplyEvent as UsingAutoReplyMessage,
)

__all__ = [
    "ClearAgentsHistoryMessage",
    "ClearConversableAgentHistoryMessage",
    "ClearConversableAgentHistoryWarningMessage",
    "ConversableAgentUsageSummaryMessage",
    "ConversableAgentUsageSummaryNoCostIncurredMessage",
    "ExecuteCodeBlockMessage",
    "ExecuteFunctionMessage",
    "ExecutedFunctionMessage",
    "FunctionCall",
    "FunctionCallMessage",
    "FunctionResponseMessage",
    "GenerateCodeExecutionReplyMessage",
    "GroupChatResumeMessage",
    "GroupChatRunChatMessage",
    "PostCarryoverProcessingMessage",
    "SelectSpeakerInvalidInputMessage",
    "SelectSpeakerMessage",
    "SelectSpeakerTryCountExceededMessage",
    "SpeakerAttemptFailedMultipleAgentsMessage",
    "SpeakerAttemptFailedNoAgentsMessage",
    "SpeakerAttemptSuccessfulMessage",
    "TerminationAndHumanReplyMessage",
    "TerminationAndHumanReplyNoInputMessage",
    "TerminationMessage",
    "TextMessage",
    "ToolCall",
    "ToolCallMessage",
    "ToolResponse",
    "ToolResponseMessage",
    "UsingAutoReplyMessage",
    "create_received_message_model",
]

# ag2 >= 0.8 spells it with "NoInput", like the event; the shorter 0.7 name is kept too
TerminationAndHumanReplyNoInputMessage = TerminationAndHumanReplyMessage


def create_received_message_model(
    *, uuid: UUID | None = None, message: dict[str, Any], sender: Any, recipient: Any
) -> Any:
    """Old name of ``create_received_event_model`` (takes ``message=`` instead of ``event=``)."""
    return create_received_event_model(uuid=uuid, event=message, sender=sender, recipient=recipient)
