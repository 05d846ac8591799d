"""Durable chats for the tests: imported by the test process and by worker processes
(``python -m autogen.durable worker --import durable_app``).

Every chat takes the fake LLM's base URL, a tag (in the first message, so the server can tell the
chats apart) and a directory where its tools and code write what they did, so a test can count
side effects across killed and relaunched processes. A file ``hold-<what>`` in that directory
makes the named tool call or code block wait until the file is removed (a test kills the worker then).
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from autogen import AssistantAgent, ConversableAgent, GroupChat, GroupChatManager, UserProxyAgent, durable
from autogen.agentchat import initiate_group_chat
from autogen.agentchat.group import AgentTarget, ContextVariables, ReplyResult
from autogen.agentchat.group.patterns import DefaultPattern


def llm_config(base_url: str) -> dict[str, Any]:
    # a price, so cost is counted (and compared between an interrupted and an uninterrupted run)
    return {
        "config_list": [{"model": "fake-model", "base_url": base_url, "api_key": "sk-fake", "price": [1.0, 2.0]}],
        "cache_seed": None,
    }


def _log(log_dir: str, line: str) -> None:
    with open(Path(log_dir) / "effects.log", "a") as f:
        f.write(f"{line}\n")
        f.flush()
        os.fsync(f.fileno())


def _wait_while_held(log_dir: str, what: str) -> None:
    hold = Path(log_dir) / f"hold-{what}"
    while hold.exists():
        time.sleep(0.02)


def summary(result: Any) -> dict[str, Any]:
    """What a test compares between runs (the ChatResult's random chat_id left out)."""
    return {
        "history": result.chat_history,
        "summary": result.summary,
        "cost": result.cost,
        "human_input": result.human_input,
    }


@durable.chat
def tool_chat(base_url: str, tag: str, log_dir: str) -> dict[str, Any]:
    """Two agents: the assistant calls ``note`` twice, then ends."""
    assistant = AssistantAgent("assistant", system_message="agent=assistant", llm_config=llm_config(base_url))
    user = UserProxyAgent(
        "user",
        human_input_mode="NEVER",
        code_execution_config=False,
        is_termination_msg=lambda m: "TERMINATE" in (m.get("content") or ""),
    )

    @user.register_for_execution()
    @assistant.register_for_llm(description="Write a note.")
    def note(i: int) -> str:
        _log(log_dir, f"{tag} tool start {i}")
        _wait_while_held(log_dir, f"tool-{i}")
        _log(log_dir, f"{tag} tool end {i}")
        return f"noted {i}"

    result = user.initiate_chat(assistant, message=f"[chat:{tag}] take notes", max_turns=6, silent=True)
    return summary(result)


@durable.chat
async def async_tool_chat(base_url: str, tag: str, log_dir: str) -> dict[str, Any]:
    """`tool_chat`, async."""
    assistant = AssistantAgent("assistant", system_message="agent=assistant", llm_config=llm_config(base_url))
    user = UserProxyAgent(
        "user",
        human_input_mode="NEVER",
        code_execution_config=False,
        is_termination_msg=lambda m: "TERMINATE" in (m.get("content") or ""),
    )

    @user.register_for_execution()
    @assistant.register_for_llm(description="Write a note.")
    async def note(i: int) -> str:
        _log(log_dir, f"{tag} tool start {i}")
        _wait_while_held(log_dir, f"tool-{i}")
        _log(log_dir, f"{tag} tool end {i}")
        return f"noted {i}"

    result = await user.a_initiate_chat(assistant, message=f"[chat:{tag}] take notes", max_turns=6, silent=True)
    return summary(result)


@durable.chat
def code_chat(base_url: str, tag: str, log_dir: str) -> dict[str, Any]:
    """The assistant writes two code blocks; the user proxy runs them in a local executor."""
    from autogen.coding import LocalCommandLineCodeExecutor

    assistant = AssistantAgent("assistant", system_message="agent=coder", llm_config=llm_config(base_url))
    work = Path(log_dir) / "work"
    work.mkdir(exist_ok=True)
    user = UserProxyAgent(
        "user",
        human_input_mode="NEVER",
        code_execution_config={"executor": LocalCommandLineCodeExecutor(work_dir=work, timeout=120)},
        is_termination_msg=lambda m: "TERMINATE" in (m.get("content") or ""),
    )
    result = user.initiate_chat(assistant, message=f"[chat:{tag}] run code", max_turns=6, silent=True)
    return summary(result)


def code_block(log_dir: str, tag: str, i: int) -> str:
    """A code block that logs its start and end and waits while ``hold-code-<i>`` exists."""
    log = Path(log_dir) / "effects.log"
    hold = Path(log_dir) / f"hold-code-{i}"
    return (
        "```python\nimport os, time\n"
        f"open({str(log)!r}, 'a').write('{tag} code start {i}\\n')\n"
        f"while os.path.exists({str(hold)!r}):\n    time.sleep(0.02)\n"
        f"open({str(log)!r}, 'a').write('{tag} code end {i}\\n')\n"
        f"print('block {i} ran')\n```"
    )


@durable.chat
def group_chat(base_url: str, tag: str, log_dir: str) -> dict[str, Any]:
    """Three agents and a manager that lets the LLM pick each speaker ("auto")."""
    agents = [
        ConversableAgent(
            name, system_message=f"agent={name}", llm_config=llm_config(base_url), human_input_mode="NEVER"
        )
        for name in ("alice", "bob", "carol")
    ]
    group = GroupChat(agents, messages=[], max_round=5, speaker_selection_method="auto")
    manager = GroupChatManager(group, llm_config=llm_config(base_url))
    result = agents[0].initiate_chat(manager, message=f"[chat:{tag}] plan a trip", silent=True)
    return summary(result)


@durable.chat
def pattern_chat(base_url: str, tag: str, log_dir: str) -> dict[str, Any]:
    """A DefaultPattern chat: a's tool writes a context variable and hands over to b, whose tool reads it."""

    def read_x(context_variables: ContextVariables) -> str:
        """Read x."""
        _log(log_dir, f"{tag} read_x")
        _wait_while_held(log_dir, "read_x")
        return f"x is {context_variables.get('x')}"

    b = ConversableAgent("b", system_message="agent=b", llm_config=llm_config(base_url), functions=[read_x])

    def route(x: int, context_variables: ContextVariables) -> ReplyResult:
        """Route the request."""
        _log(log_dir, f"{tag} route {x}")
        context_variables["x"] = x
        # changed in place only (not returned): the durable record of the step must carry the change
        return ReplyResult(message=f"routed {x}", target=AgentTarget(b))

    a = ConversableAgent("a", system_message="agent=a", llm_config=llm_config(base_url), functions=[route])
    pattern = DefaultPattern(initial_agent=a, agents=[a, b], context_variables=ContextVariables({"start": 1}))
    result, context, last = initiate_group_chat(pattern=pattern, messages=f"[chat:{tag}] route it", max_rounds=8)
    return {**summary(result), "context": context.to_dict(), "last": last.name}


@durable.chat
def human_chat(base_url: str, tag: str, log_dir: str) -> dict[str, Any]:
    """The user proxy asks the human after every assistant reply ("exit" ends the chat)."""
    assistant = AssistantAgent("assistant", system_message="agent=helper", llm_config=llm_config(base_url))
    user = UserProxyAgent("user", human_input_mode="ALWAYS", code_execution_config=False)
    result = user.initiate_chat(assistant, message=f"[chat:{tag}] help me", max_turns=10, silent=True)
    return summary(result)


@durable.chat
def plain_chat(base_url: str, tag: str, log_dir: str) -> dict[str, Any]:
    """Two agents, three assistant replies (for the queue tests)."""
    assistant = AssistantAgent("assistant", system_message="agent=plain", llm_config=llm_config(base_url))
    user = UserProxyAgent("user", human_input_mode="NEVER", code_execution_config=False, default_auto_reply="go on")
    result = user.initiate_chat(assistant, message=f"[chat:{tag}] talk", max_turns=3, silent=True)
    _log(log_dir, f"{tag} done pid={os.getpid()}")
    return summary(result)
