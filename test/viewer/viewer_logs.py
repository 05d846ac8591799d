"""Real chats for the viewer tests: a group chat with a tool call, run against the fake
OpenAI server with runtime logging on (SQLite and JSON lines)."""

from __future__ import annotations

from typing import Annotated, Any

from autogen import ConversableAgent, GroupChat, GroupChatManager, register_function
from autogen.testing import FakeLLMServer, tool_call

#: What the agents say, in order (the selector's answers come from a second server).
AGENT_REPLIES = [
    {"tool_calls": [tool_call("add", {"a": 1, "b": 2}, id="call_1"), tool_call("add", {"a": 3, "b": 4}, id="call_2")]},
    "The sums are 3 and 7.",
    "Report: 1+2=3 and 3+4=7. TERMINATE",
]
SELECTIONS = ["planner", "user", "planner", "writer"]
#: The chat's transcript as (speaker, text shown) pairs.
TRANSCRIPT = [
    ("user", "add 1 and 2, and 3 and 4, then write a report"),
    ("planner", ""),  # the tool calls
    ("user", "3\n\n7"),  # the tool results
    ("user", ""),  # the executor, picked again, has nothing to say
    ("planner", "The sums are 3 and 7."),
    ("writer", "Report: 1+2=3 and 3+4=7. TERMINATE"),
]


def run_group_chat() -> Any:
    """A three-agent group chat: auto speaker selection, two parallel tool calls, a termination message."""

    def add(a: Annotated[int, "first"], b: int) -> int:
        return a + b

    with FakeLLMServer(list(SELECTIONS)) as selector, FakeLLMServer(list(AGENT_REPLIES)) as model:
        selector_config = selector.llm_config
        selector_config["config_list"][0]["price"] = [1.0, 2.0]
        agents_config = model.llm_config
        agents_config["config_list"][0]["price"] = [0.5, 1.5]
        user = ConversableAgent("user", llm_config=False, human_input_mode="NEVER", code_execution_config=False)
        planner = ConversableAgent("planner", llm_config=agents_config, system_message="You plan.")
        writer = ConversableAgent("writer", llm_config=agents_config, system_message="You write reports.")
        register_function(add, caller=planner, executor=user, description="add two ints")
        gc = GroupChat([user, planner, writer], max_round=8)
        manager = GroupChatManager(
            gc, llm_config=selector_config, is_termination_msg=lambda m: "TERMINATE" in (m.get("content") or "")
        )
        result = user.initiate_chat(manager, message=TRANSCRIPT[0][1], silent=True)
        assert model.remaining_replies == 0 and selector.remaining_replies == 0
        return result
