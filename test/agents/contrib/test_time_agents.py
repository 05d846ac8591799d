"""TimeReplyAgent (a reply function, no model) and TimeToolAgent (its model calls the TimeTool)."""

from __future__ import annotations

from datetime import datetime

from autogen import ConversableAgent, UserProxyAgent
from autogen.agents.contrib import TimeReplyAgent, TimeToolAgent
from autogen.testing import FakeLLMServer, tool_call


def test_the_reply_agent_answers_with_the_time_without_a_model():
    asker = ConversableAgent("asker", llm_config=False, human_input_mode="NEVER")
    clock = TimeReplyAgent(name="clock", date_time_format="%Y")
    result = asker.initiate_chat(clock, message="What time is it?", max_turns=1)
    assert result.summary == f"Tick, tock, the current date/time is {datetime.now().year}."
    custom = TimeReplyAgent(name="clock2", output_prefix="It is ", date_time_format="%Y")
    assert asker.initiate_chat(custom, message="Time?", max_turns=1).summary == f"It is {datetime.now().year}."
    assert clock.system_message == TimeReplyAgent.DEFAULT_SYSTEM_MESSAGE


def test_the_tool_agent_offers_the_time_tool_to_its_model():
    script = [{"tool_calls": [tool_call("date_time", {"date_time_format": "%Y"})]}, "Tick, tock, it is now."]
    with FakeLLMServer(script) as llm:
        clock = TimeToolAgent(name="clock", llm_config=llm.llm_config, date_time_format="%d.%m.%Y")
        user = UserProxyAgent("user", human_input_mode="NEVER", code_execution_config=False)
        clock._time_tool.register_for_execution(user)
        user.initiate_chat(clock, message="What time is it?", max_turns=2)
        first, second = llm.requests
    offered = first.body["tools"][0]["function"]
    assert offered["name"] == "date_time"
    assert offered["parameters"]["properties"]["date_time_format"]["default"] == "%d.%m.%Y"
    assert first.messages[0]["content"].startswith("You are a calendar agent that uses tools")
    assert second.messages[-1] == {
        "role": "tool",
        "tool_call_id": second.messages[-2]["tool_calls"][0]["id"],
        "content": str(datetime.now().year),
    }
