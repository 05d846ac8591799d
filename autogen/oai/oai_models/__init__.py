"""ag2's import path for the chat-completion response types: here they are the openai SDK's own
(openai is a core dependency), re-exported per module as ag2 laid them out."""

from .chat_completion import ChatCompletion, Choice
from .chat_completion_message import ChatCompletionMessage
from .chat_completion_message_tool_call import (
    ChatCompletionMessageCustomToolCall,
    ChatCompletionMessageFunctionToolCall,
    ChatCompletionMessageToolCall,
)
from .completion_usage import CompletionUsage

__all__ = [
    "ChatCompletion",
    "ChatCompletionMessage",
    "ChatCompletionMessageCustomToolCall",
    "ChatCompletionMessageFunctionToolCall",
    "ChatCompletionMessageToolCall",
    "Choice",
    "CompletionUsage",
]
