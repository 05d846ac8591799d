"""ToolsCapability registers its tools on one agent for both the LLM and execution."""

from autogen import ConversableAgent
from autogen.agentchat.contrib.capabilities.tools_capability import ToolsCapability
from autogen.tools import Tool


def test_tools_are_proposed_and_executed_by_the_same_agent() -> None:
    def add(a: int, b: int) -> int:
        return a + b

    agent = ConversableAgent("solo", llm_config={"config_list": [{"model": "m", "api_key": "k"}]})
    ToolsCapability([Tool(name="add", description="Add two numbers.", func_or_tool=add)]).add_to_agent(agent)
    assert [t["function"]["name"] for t in agent.llm_config["tools"]] == ["add"]
    assert agent.function_map["add"](a=2, b=3) == "5"  # results go back to the model as text
