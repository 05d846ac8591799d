"""Test doubles for LLMs: a real OpenAI-compatible HTTP server and an in-process model client.

Both answer from a script, so tests and benchmarks need no internet and get exact, repeatable replies::

    from autogen.testing import FakeLLMServer, Fault, tool_call

    with FakeLLMServer(["Hello!", {"tool_calls": [tool_call("add", {"a": 1, "b": 2})]}]) as server:
        llm_config = server.llm_config  # point agents (or openai.OpenAI(base_url=server.base_url)) here
        ...
        assert server.requests[0].messages[-1]["content"] == "hi"

Only the standard library is imported here.
"""

from .model_client import FakeChatCompletion, FakeLLMError, FakeMessage, FakeModelClient
from .recorded import RecordedRequest
from .replies import FakeReply, Fault, Reply, tool_call
from .script import ScriptExhaustedError
from .server import FakeLLMServer
from .test_agent import TestAgent, ToolCall, tools_message

__all__ = [
    "FakeChatCompletion",
    "FakeLLMError",
    "FakeLLMServer",
    "FakeMessage",
    "FakeModelClient",
    "FakeReply",
    "Fault",
    "RecordedRequest",
    "Reply",
    "ScriptExhaustedError",
    "TestAgent",
    "ToolCall",
    "tool_call",
    "tools_message",
]
