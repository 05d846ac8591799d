"""Runtime logging of whole chats: failed model calls, retries and fallbacks, tool calls, code
executions, speaker selections and termination reasons, in a real SQLite file and a real log file.

Every chat talks to FakeLLMServer over HTTP through the openai SDK; nothing is mocked.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from autogen import AssistantAgent, ConversableAgent, GroupChat, GroupChatManager, UserProxyAgent, runtime_logging
from autogen.agentchat.group import AgentTarget, OnCondition, StringLLMCondition
from autogen.agentchat.group.multi_agent_chat import initiate_group_chat
from autogen.agentchat.group.patterns import DefaultPattern
from autogen.coding import LocalCommandLineCodeExecutor
from autogen.logger import BaseLogger
from autogen.testing import FakeLLMServer, Fault, tool_call

# ------------------------------------------------------------------------------------ helpers


class Logs:
    """Rows of one logging session, read back from the SQLite file or the JSON-lines file."""

    def __init__(self, kind: str, path: Path) -> None:
        self.kind = kind
        self.path = path

    def rows(self, table: str) -> list[dict[str, Any]]:
        if self.kind == "sqlite":
            con = sqlite3.connect(self.path)
            con.row_factory = sqlite3.Row
            try:
                return [dict(r) for r in con.execute(f"SELECT * FROM {table} ORDER BY rowid")]
            finally:
                con.close()
        lines = [json.loads(line) for line in self.path.read_text().splitlines() if line.strip()]
        if table == "chats":  # the end line holds the final state of each chat
            return [line for line in lines if line["type"] == "chat_end"]
        file_type = {
            "function_calls": "function_call",
            "model_call_failures": "model_call_failure",
            "code_executions": "code_execution",
            "speaker_selections": "speaker_selection",
            "chat_completions": "chat_completion",
            "events": "event",
        }[table]
        return [line for line in lines if line["type"] == file_type]

    def lines(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.path.read_text().splitlines() if line.strip()]


def as_list(value: Any) -> Any:
    """A JSON column (text in SQLite, already a value in the file's chat records)."""
    return json.loads(value) if isinstance(value, str) else value


@pytest.fixture(params=["sqlite", "file"])
def logs(request, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    if request.param == "sqlite":
        path = tmp_path / "runtime.db"
        runtime_logging.start(logger_type="sqlite", config={"dbname": str(path)})
    else:
        path = tmp_path / "autogen_logs" / "runtime.log"
        runtime_logging.start(logger_type="file", config={"filename": "runtime.log"})
    assert runtime_logging.is_logging
    try:
        yield Logs(request.param, path)
    finally:
        runtime_logging.stop()


def add(a: int, b: int) -> int:
    """Add two numbers."""
    return a + b


def divide(a: int, b: int) -> float:
    """Divide a by b."""
    return a / b


def is_done(message: dict[str, Any]) -> bool:
    return "TERMINATE" in (message.get("content") or "")


# ------------------------------------------------------------------------------------ two-agent chat


def test_two_agent_tool_chat_logs_tools_retries_fallback_and_termination(stream, logs):
    replies = [
        Fault.server_error(503),  # config 0, attempt 1: retried
        Fault.server_error(503),  # config 0, attempt 2: give up on config 0, fall back to config 1
    ]
    with (
        FakeLLMServer(replies) as flaky,
        FakeLLMServer(
            [
                {
                    "tool_calls": [
                        tool_call("add", {"a": 2, "b": 3}, id="call_add"),
                        tool_call("divide", {"a": 1, "b": 0}, id="call_div"),
                    ]
                },
                {"tool_calls": [tool_call("nosuch", {}, id="call_missing")]},
                "5, and 1/0 fails. TERMINATE",
            ]
        ) as good,
    ):
        first = {**flaky.config_list[0], "max_retries": 1, "retry_base_delay": 0.01, "retry_max_delay": 0.01}
        llm_config = {"config_list": [first, good.config_list[0]]}
        asst = AssistantAgent("asst", llm_config=llm_config)
        user = UserProxyAgent("user", human_input_mode="NEVER", code_execution_config=False, is_termination_msg=is_done)
        for f in (add, divide):
            asst.register_for_llm(description=f.__doc__)(f)
            user.register_for_execution()(f)
        user.initiate_chat(asst, message="add 2 and 3, then divide 1 by 0")

    chats = logs.rows("chats")
    assert len(chats) == 1
    chat = chats[0]
    chat_id = chat["chat_id"]
    assert chat["kind"] == "two_agent"
    assert chat["initiator"] == "user" and chat["recipient"] == "asst"
    assert chat["termination_code"] == "termination_message"
    assert "Termination message condition on agent 'user' met" in chat["termination_reason"]
    assert chat["start_time"] <= chat["end_time"]
    assert chat["parent_chat_id"] is None
    assert chat["message_count"] == 6

    failures = logs.rows("model_call_failures")
    # the later calls find the flaky server's script used up (HTTP 400): straight to the next config
    assert [(f["config_index"], f["attempt"], f["action"], f["failure_kind"]) for f in failures] == [
        (0, 1, "retry", "retry"),
        (0, 2, "fallback", "retry"),
        (0, 1, "fallback", "next"),
        (0, 1, "fallback", "next"),
    ]
    retry, fallback = failures[:2]
    assert retry["error_type"] == "InternalServerError" and "503" in retry["error_message"]
    assert failures[2]["error_type"] == "BadRequestError"
    assert retry["wait_seconds"] is not None and 0 < retry["wait_seconds"] <= 0.02
    assert fallback["next_config_index"] == 1 and fallback["wait_seconds"] is None
    assert retry["base_url"] == flaky.base_url and retry["model"] == flaky.model
    assert retry["max_attempts"] == 2
    assert {f["chat_id"] for f in failures} == {chat_id}
    assert retry["source_name"] == "asst"
    # the answer that came after the fallback shares the failures' invocation id
    completions = logs.rows("chat_completions")
    assert len(completions) == 3
    assert completions[0]["invocation_id"] == retry["invocation_id"] == fallback["invocation_id"]
    assert [c["invocation_id"] for c in completions[1:]] == [f["invocation_id"] for f in failures[2:]]
    assert {c["chat_id"] for c in completions} == {chat_id}

    calls = {c["call_id"]: c for c in logs.rows("function_calls")}
    assert set(calls) == {"call_add", "call_div", "call_missing"}
    ok = calls["call_add"]
    assert ok["source_name"] == "user" and ok["function_name"] == "add"
    assert as_list(ok["args" if logs.kind == "sqlite" else "input_args"]) == {"a": 2, "b": 3}
    assert as_list(ok["returns"]) == "5"  # what the model is answered: the text of the result
    assert ok["is_success"] in (1, True) and ok["error"] is None
    assert ok["duration_ms"] >= 0 and ok["start_time"] <= ok["end_time"]
    failed = calls["call_div"]
    assert failed["is_success"] in (0, False) and failed["error"].startswith("ZeroDivisionError")
    missing = calls["call_missing"]
    assert missing["is_success"] in (0, False) and "not found" in missing["error"]
    assert {c["chat_id"] for c in calls.values()} == {chat_id}
    assert {c["session_id"] for c in calls.values()} == {chat["session_id"]}


def test_a_failed_call_that_gives_up_is_logged_and_the_chat_ends_with_the_error(stream, logs):
    with FakeLLMServer([Fault.error(401, "bad key sk-this-is-not-a-real-key")]) as server:
        asst = AssistantAgent("asst", llm_config=server.llm_config)
        user = UserProxyAgent("user", human_input_mode="NEVER", code_execution_config=False)
        with pytest.raises(Exception, match="bad key"):
            user.initiate_chat(asst, message="hello")
    (failure,) = logs.rows("model_call_failures")
    assert failure["action"] == "give_up" and failure["failure_kind"] == "next"
    assert failure["error_type"] == "AuthenticationError" and failure["attempt"] == 1
    (chat,) = logs.rows("chats")
    assert chat["termination_code"] == "error" and "AuthenticationError" in chat["termination_reason"]
    assert failure["chat_id"] == chat["chat_id"]


def test_max_turns_and_async_chats_are_logged(stream, logs):
    with FakeLLMServer(default_reply="more") as server:
        a = ConversableAgent("a", llm_config=server.llm_config)
        b = ConversableAgent("b", llm_config=server.llm_config)
        a.initiate_chat(b, message="go", max_turns=2)
        asyncio.run(a.a_initiate_chat(b, message="again", max_turns=1))
    chats = logs.rows("chats")
    assert [c["termination_code"] for c in chats] == ["max_turns", "max_turns"]
    assert chats[0]["termination_reason"] == "Maximum turns (2) reached"
    assert len({c["chat_id"] for c in chats}) == 2
    completions = logs.rows("chat_completions")
    assert [c["chat_id"] for c in completions] == [chats[0]["chat_id"]] * 3 + [chats[1]["chat_id"]]


# ------------------------------------------------------------------------------------ classic group chat


def test_group_chat_with_auto_selection(stream, logs):
    with FakeLLMServer(
        [
            "bob",  # selection after alice: bob
            "Bob's plan.",
            "I choose carol and bob",  # selection after bob: two names -> retried
            "carol",
            "Carol agrees. TERMINATE",
        ]
    ) as server:
        alice = ConversableAgent("alice", llm_config=False, human_input_mode="NEVER", default_auto_reply="plans")
        bob = ConversableAgent("bob", llm_config=server.llm_config, description="plans things")
        carol = ConversableAgent("carol", llm_config=server.llm_config, description="reviews plans")
        gc = GroupChat(agents=[alice, bob, carol], messages=[], max_round=6, speaker_selection_method="auto")
        manager = GroupChatManager(gc, llm_config=server.llm_config, is_termination_msg=is_done)
        alice.initiate_chat(manager, message="Let's plan.")

    (chat,) = logs.rows("chats")
    assert chat["kind"] == "group"
    assert as_list(chat["participants"])[:2] == ["alice", "chat_manager"]
    assert set(as_list(chat["participants"])) == {"alice", "chat_manager", "bob", "carol"}
    assert chat["termination_code"] == "termination_message"
    assert "GroupChatManager 'chat_manager'" in chat["termination_reason"]
    assert chat["message_count"] == 3 and chat["last_speaker"] == "carol"
    assert as_list(chat["info"])["speaker_selection_method"] == "auto"

    selections = logs.rows("speaker_selections")
    assert [(s["round"], s["previous_speaker"], s["chosen"]) for s in selections] == [
        (1, "alice", "bob"),
        (2, "bob", "carol"),
    ]
    first, second = selections
    assert first["method"] == "auto" and first["reason"] == "llm" and first["attempts"] == 1
    assert as_list(first["candidates"]) == ["alice", "bob", "carol"]
    assert second["attempts"] == 2 and as_list(second["details"])["llm"]["answer"] == "carol"
    assert first["source_name"] == "chat_manager"
    assert {s["chat_id"] for s in selections} == {chat["chat_id"]}
    # the selection LLM calls belong to the chat too
    assert {c["chat_id"] for c in logs.rows("chat_completions")} == {chat["chat_id"]}


def test_group_chat_round_robin_ends_at_max_rounds(stream, logs):
    agents = [
        ConversableAgent(n, llm_config=False, human_input_mode="NEVER", default_auto_reply=f"{n} here") for n in "xyz"
    ]
    gc = GroupChat(agents=agents, messages=[], max_round=3, speaker_selection_method="round_robin")
    manager = GroupChatManager(gc, llm_config=False)
    agents[0].initiate_chat(manager, message="start")
    (chat,) = logs.rows("chats")
    assert chat["termination_code"] == "max_rounds" and chat["termination_reason"] == "Maximum rounds (3) reached"
    selections = logs.rows("speaker_selections")
    assert [(s["chosen"], s["method"], s["reason"]) for s in selections] == [
        ("y", "round_robin", "round_robin"),
        ("z", "round_robin", "round_robin"),
    ]


# ------------------------------------------------------------------------------------ pattern chat


def test_pattern_chat_with_a_handoff(stream, logs):
    with FakeLLMServer(
        [
            {"tool_calls": [tool_call("transfer_to_tech_1", {}, id="call_h")]},  # triage hands off
            "Restart the router.",  # tech answers; the group after-work (terminate) ends the chat
        ]
    ) as server:
        triage = ConversableAgent("triage", llm_config=server.llm_config, system_message="Route questions.")
        tech = ConversableAgent("tech", llm_config=server.llm_config, system_message="Fix computers.")
        triage.handoffs.add_llm_condition(
            OnCondition(target=AgentTarget(tech), condition=StringLLMCondition("When it is a tech question."))
        )
        user = ConversableAgent("user", llm_config=False, human_input_mode="NEVER")
        pattern = DefaultPattern(initial_agent=triage, agents=[triage, tech], user_agent=user)
        _, _, last = initiate_group_chat(pattern, "My wifi is down.", max_rounds=6)
        assert last is tech

    (chat,) = logs.rows("chats")
    assert chat["kind"] == "pattern"
    assert as_list(chat["info"])["pattern"] == "DefaultPattern"
    assert {"triage", "tech", "user"} <= set(as_list(chat["participants"]))
    assert chat["termination_code"] == "terminate_target"
    assert "after 'tech'" in chat["termination_reason"]

    selections = logs.rows("speaker_selections")
    got = [(s["reason"], s["chosen"], as_list(s["details"])["transition"].get("target")) for s in selections]
    assert got == [
        ("initial_agent", "triage", None),
        ("tool_call", "_Group_Tool_Executor", None),
        ("llm_handoff", "tech", "tech"),
        ("group_after_work", None, "Terminate"),
    ]
    assert all(s["method"] == "pattern" for s in selections)
    handoff = as_list(selections[2]["details"])["transition"]
    assert handoff["source_agent"] == "triage" and handoff["target_type"] == "AgentTarget"
    assert as_list(selections[3]["details"])["transition"]["target_type"] == "TerminateTarget"

    (call,) = logs.rows("function_calls")
    assert call["function_name"] == "transfer_to_tech_1" and call["call_id"] == "call_h"
    assert call["source_name"] == "_Group_Tool_Executor" and call["is_success"] in (1, True)
    assert call["chat_id"] == chat["chat_id"]
    assert {s["chat_id"] for s in selections} == {chat["chat_id"]}


# ------------------------------------------------------------------------------------ code execution


@pytest.mark.parametrize("mode", ["legacy", "executor"])
def test_code_execution_chat(stream, logs, tmp_path, mode):
    if mode == "legacy":
        config: dict[str, Any] = {"work_dir": str(tmp_path / "work"), "use_docker": False, "timeout": 20}
    else:
        config = {"executor": LocalCommandLineCodeExecutor(work_dir=tmp_path / "work", timeout=20)}
    code = "print(6 * 7)"
    with FakeLLMServer(
        [f"Run this:\n```python\n{code}\n```", "```python\nraise SystemExit(3)\n```", "TERMINATE"]
    ) as server:
        asst = AssistantAgent("asst", llm_config=server.llm_config)
        user = UserProxyAgent(
            "user", human_input_mode="NEVER", code_execution_config=config, is_termination_msg=is_done
        )
        user.initiate_chat(asst, message="compute 6*7")

    runs = logs.rows("code_executions")
    assert len(runs) == 2
    ok, bad = runs
    assert ok["language"] == "python" and ok["code"] == code and ok["exit_code"] == 0 and "42" in ok["output"]
    assert as_list(ok["code_blocks"]) == [["python", code]]
    assert ok["executor"] == ("legacy:local" if mode == "legacy" else "LocalCommandLineCodeExecutor")
    assert ok["duration_ms"] > 0 and ok["error"] is None and ok["source_name"] == "user"
    assert bad["exit_code"] == 3
    (chat,) = logs.rows("chats")
    assert {r["chat_id"] for r in runs} == {chat["chat_id"]}


# ------------------------------------------------------------------------------------ nesting, custom loggers, old databases


def test_nested_chat_rows_name_their_parent(stream, logs):
    with FakeLLMServer(default_reply="inner answer") as server:
        inner = ConversableAgent("inner", llm_config=server.llm_config)
        host = ConversableAgent("host", llm_config=False, human_input_mode="NEVER")
        host.register_nested_chats([{"recipient": inner, "message": "think", "max_turns": 1}], trigger=lambda s: True)
        outer = ConversableAgent("outer", llm_config=False, human_input_mode="NEVER", default_auto_reply="ok")
        outer.initiate_chat(host, message="hi", max_turns=1)
    chats = {c["recipient"]: c for c in logs.rows("chats")}
    assert set(chats) == {"host", "inner"}
    assert chats["inner"]["parent_chat_id"] == chats["host"]["chat_id"]
    (completion,) = logs.rows("chat_completions")
    assert completion["chat_id"] == chats["inner"]["chat_id"]


class AG2StyleLogger(BaseLogger):
    """A logger written against ag2's BaseLogger: only its abstract methods."""

    def __init__(self) -> None:
        self.events: list[tuple[str, dict[str, Any]]] = []
        self.functions: list[tuple[str, Any, Any]] = []

    def start(self) -> str:
        return "session"

    def log_chat_completion(self, *args: Any, **kwargs: Any) -> None:
        pass

    def log_new_agent(self, agent: Any, init_args: dict[str, Any]) -> None:
        pass

    def log_event(self, source: Any, name: str, **kwargs: Any) -> None:
        self.events.append((name, kwargs))

    def log_new_wrapper(self, wrapper: Any, init_args: dict[str, Any]) -> None:
        pass

    def log_new_client(self, client: Any, wrapper: Any, init_args: dict[str, Any]) -> None:
        pass

    def log_function_use(self, source: Any, function: Any, args: dict[str, Any], returns: Any) -> None:
        self.functions.append((function, args, returns))

    def stop(self) -> None:
        pass

    def get_connection(self) -> None:
        return None


def test_a_logger_written_for_ag2_gets_the_new_records_as_events(stream):
    custom = AG2StyleLogger()
    runtime_logging.start(logger=custom)
    try:
        with FakeLLMServer([{"tool_calls": [tool_call("add", {"a": 1, "b": 1}, id="c1")]}, "2 TERMINATE"]) as server:
            asst = AssistantAgent("asst", llm_config=server.llm_config)
            user = UserProxyAgent(
                "user", human_input_mode="NEVER", code_execution_config=False, is_termination_msg=is_done
            )
            asst.register_for_llm(description="add")(add)
            user.register_for_execution()(add)
            user.initiate_chat(asst, message="1+1")
    finally:
        runtime_logging.stop()
    names = [name for name, _ in custom.events]
    assert names[0] == "chat_start" and names[-1] == "chat_end"
    assert custom.events[-1][1]["termination_code"] == "termination_message"
    assert custom.functions == [("add", {"a": 1, "b": 1}, "2")]


def test_an_ag2_database_is_extended_in_place(tmp_path):
    path = tmp_path / "old.db"
    con = sqlite3.connect(path)
    con.execute(
        "CREATE TABLE function_calls (source_id INTEGER, source_name TEXT, function_name TEXT, args TEXT DEFAULT NULL,"
        " returns TEXT DEFAULT NULL, timestamp DATETIME DEFAULT CURRENT_TIMESTAMP)"
    )
    con.execute("INSERT INTO function_calls (source_name, function_name) VALUES ('old', 'f')")
    con.commit()
    con.close()
    runtime_logging.start(config={"dbname": str(path)})
    try:
        runtime_logging.log_tool_call(
            "agent", "g", "call_1", {"x": 1}, "ok", is_success=True, error=None,
            start_time=runtime_logging.get_current_ts(), duration_ms=1.5, ran=True,
        )  # fmt: skip
    finally:
        runtime_logging.stop()
    con = sqlite3.connect(path)
    rows = con.execute(
        "SELECT source_name, function_name, call_id, duration_ms FROM function_calls ORDER BY rowid"
    ).fetchall()
    tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    con.close()
    assert rows == [("old", "f", None, None), ("agent", "g", "call_1", 1.5)]
    assert {"chats", "model_call_failures", "code_executions", "speaker_selections"} <= tables
