"""Re-export of ``openai.types.chat.chat_completion_message_tool_call`` (ag2's module path)."""

from openai.types.chat.chat_completion_message_custom_tool_call import ChatCompletionMessageCustomToolCall
from openai.types.chat.chat_completion_message_function_tool_call import (
    ChatCompletionMessageFunctionToolCall,
    Function,
)

# ag2 0.13 (like openai >= 1.99) names the function tool call ChatCompletionMessageToolCall too
ChatCompletionMessageToolCall = ChatCompletionMessageFunctionToolCall

__all__ = [
    "ChatCompletionMessageCustomToolCall",
    "ChatCompletionMessageFunctionToolCall",
    "ChatCompletionMessageToolCall",
    "Function",
]
