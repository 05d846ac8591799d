"""Real chats for the viewer tests: a group chat with a tool call, run against the fake
OpenAI server with runtime logging on (SQLite and JSON lines)."""

from __future__ import annotations

from typing import Annotated, Any

from autogen import (
    AssistantAgent,
    ConversableAgent,
    GroupChat,
    GroupChatManager,
    UserProxyAgent,
    register_function,
)
from autogen.agentchat.group import AgentTarget, OnCondition, StringLLMCondition
from autogen.agentchat.group.guardrails import RegexGuardrail
from autogen.agentchat.group.multi_agent_chat import initiate_group_chat
from autogen.agentchat.group.patterns import DefaultPattern
from autogen.coding import LocalCommandLineCodeExecutor
from autogen.testing import FakeLLMServer, Fault, tool_call

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


# ------------------------------------------------------------------ a session of several chats


def add(a: int, b: int) -> int:
    """Add two numbers."""
    return a + b


def divide(a: int, b: int) -> float:
    """Divide a by b."""
    return a / b


def _done(message: dict[str, Any]) -> bool:
    return "TERMINATE" in (message.get("content") or "")


def run_tool_chat_with_retry_and_fallback() -> Any:
    """Two agents; the first config fails twice with HTTP 503 (a retry, then a fallback to the second
    config); the model calls two tools, one of which raises."""
    with (
        FakeLLMServer([Fault.server_error(503), Fault.server_error(503)]) as flaky,
        FakeLLMServer(
            [
                {
                    "tool_calls": [
                        tool_call("add", {"a": 2, "b": 3}, id="call_add"),
                        tool_call("divide", {"a": 1, "b": 0}, id="call_div"),
                    ]
                },
                "5, and 1/0 fails. TERMINATE",
            ]
        ) as good,
    ):
        first = {**flaky.config_list[0], "max_retries": 1, "retry_base_delay": 0.01, "retry_max_delay": 0.01}
        asst = AssistantAgent("asst", llm_config={"config_list": [first, good.config_list[0]]})
        user = UserProxyAgent("user", human_input_mode="NEVER", code_execution_config=False, is_termination_msg=_done)
        for f in (add, divide):
            asst.register_for_llm(description=f.__doc__)(f)
            user.register_for_execution()(f)
        return user.initiate_chat(asst, message="add 2 and 3, then divide 1 by 0", silent=True)


def run_pattern_chat(prepare: Any = None) -> Any:
    """A pattern chat: triage hands off to tech through an LLM condition; tech's output trips a guardrail
    that hands the chat to security; the group's after-work then ends it. ``prepare(pattern)`` runs
    before the chat (to instrument it)."""
    with FakeLLMServer(
        [{"tool_calls": [tool_call("transfer_to_tech_1", {}, id="call_h")]}, "Your password is hunter2."]
    ) as server:
        triage = ConversableAgent("triage", llm_config=server.llm_config, system_message="Route questions.")
        tech = ConversableAgent("tech", llm_config=server.llm_config, system_message="Fix computers.")
        security = ConversableAgent(
            "security", llm_config=False, human_input_mode="NEVER", default_auto_reply="Redacted."
        )
        triage.handoffs.add_llm_condition(
            OnCondition(target=AgentTarget(tech), condition=StringLLMCondition("When it is a tech question."))
        )
        tech.register_output_guardrail(
            RegexGuardrail(
                "secrets", condition="password", target=AgentTarget(security), activation_message="Secret blocked."
            )
        )
        user = ConversableAgent("user", llm_config=False, human_input_mode="NEVER")
        pattern = DefaultPattern(initial_agent=triage, agents=[triage, tech, security], user_agent=user)
        if prepare is not None:
            prepare(pattern)
        result, _, _ = initiate_group_chat(pattern, "My wifi is down.", max_rounds=8)
        return result


def run_code_chat(work_dir: str) -> Any:
    """The assistant writes code twice; the user proxy runs it (exit codes 0 and 3)."""
    with FakeLLMServer(
        ["Run this:\n```python\nprint(6 * 7)\n```", "```python\nraise SystemExit(3)\n```", "TERMINATE"]
    ) as server:
        asst = AssistantAgent("asst", llm_config=server.llm_config)
        executor = LocalCommandLineCodeExecutor(work_dir=work_dir, timeout=30)
        user = UserProxyAgent(
            "user", human_input_mode="NEVER", code_execution_config={"executor": executor}, is_termination_msg=_done
        )
        return user.initiate_chat(asst, message="compute 6*7", silent=True)


def run_nested_chat() -> Any:
    """host answers outer through a nested chat with inner."""
    with FakeLLMServer(default_reply="inner answer") as server:
        inner = ConversableAgent("inner", llm_config=server.llm_config)
        host = ConversableAgent("host", llm_config=False, human_input_mode="NEVER")
        host.register_nested_chats([{"recipient": inner, "message": "think", "max_turns": 1}], trigger=lambda s: True)
        outer = ConversableAgent("outer", llm_config=False, human_input_mode="NEVER", default_auto_reply="ok")
        return outer.initiate_chat(host, message="hi", max_turns=1, silent=True)


def run_failing_chat() -> None:
    """The only config refuses the key (HTTP 401): the wrapper gives up and the chat ends with the error."""
    with FakeLLMServer([Fault.error(401, "bad key")]) as server:
        asst = AssistantAgent("asst", llm_config=server.llm_config)
        user = UserProxyAgent("user", human_input_mode="NEVER", code_execution_config=False)
        try:
            user.initiate_chat(asst, message="hello?", silent=True)
        except Exception as e:  # noqa: BLE001 - the chat is meant to fail
            assert "bad key" in str(e)
        else:
            raise AssertionError("the chat should have failed")


#: The chats of :func:`run_all_features`, in order: (first message, kind, termination code).
FEATURE_RUNS = [
    ("add 2 and 3, then divide 1 by 0", "two_agent", "termination_message"),
    ("My wifi is down.", "pattern", "terminate_target"),
    ("compute 6*7", "two_agent", "termination_message"),
    ("hi", "two_agent", "max_turns"),
    ("hello?", "two_agent", "error"),
]


def run_all_features(work_dir: str) -> None:
    """Every chat above, one after the other (one logging session)."""
    run_tool_chat_with_retry_and_fallback()
    run_pattern_chat()
    run_code_chat(work_dir)
    run_nested_chat()
    run_failing_chat()
