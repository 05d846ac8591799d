"""autogen.testing.messages: scripted tool calls, as the fake LLM server replies with them."""

import json

from autogen import ConversableAgent
from autogen.testing import FakeLLMServer
from autogen.testing.messages import ToolCall, tools_message


def test_tool_call_message_shape() -> None:
    call = ToolCall("add", a=1, b=2)
    message = call.to_message()
    assert message["content"] is None
    (tc,) = message["tool_calls"]
    assert tc["id"].startswith("call_") and tc["type"] == "function"
    assert tc["function"]["name"] == "add" and json.loads(tc["function"]["arguments"]) == {"a": 1, "b": 2}
    assert len(tools_message(call, ToolCall("sub", a=2))["tool_calls"]) == 2


def test_tool_call_runs_through_an_agent() -> None:
    with FakeLLMServer([tools_message(ToolCall("add", a=1, b=2)), "done"]) as server:
        assistant = ConversableAgent("assistant", llm_config=server.llm_config)
        user = ConversableAgent("user", human_input_mode="NEVER", llm_config=False)

        @user.register_for_execution()
        @assistant.register_for_llm(description="add")
        def add(a: int, b: int) -> int:
            return a + b

        result = user.initiate_chat(assistant, message="1+2?", max_turns=2)
    tool_reply = next(m for m in result.chat_history if m.get("tool_responses"))
    assert tool_reply["tool_responses"][0]["content"] == "3"
