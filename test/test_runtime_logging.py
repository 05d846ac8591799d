"""Runtime logging (spec §11.1): SQLite and JSON-lines loggers fed by real agents over real HTTP."""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
from typing import Annotated, Any

import pytest

from autogen import AssistantAgent, UserProxyAgent, register_function, runtime_logging
from autogen.cache import Cache
from autogen.logger import BaseLogger, FileLogger, LoggerFactory, SqliteLogger
from autogen.logger.logger_utils import REDACTED, SecretScrubber, to_json, to_jsonable
from autogen.oai.client import OpenAIWrapper
from autogen.testing import FakeLLMServer, tool_call

SECRET = "sk-test-very-secret-0123456789abcdef"
TABLES = {"chat_completions", "agents", "oai_wrappers", "oai_clients", "events", "function_calls", "version"}


@pytest.fixture(autouse=True)
def _logging_off_after_test():
    yield
    runtime_logging.stop()


def llm_config(server: FakeLLMServer) -> dict[str, Any]:
    config = server.llm_config
    config["config_list"][0]["api_key"] = SECRET
    config["config_list"][0]["price"] = [1.0, 2.0]  # per 1k prompt / completion tokens
    return config


def run_tool_chat(server: FakeLLMServer) -> tuple[AssistantAgent, UserProxyAgent]:
    def add(a: Annotated[int, "first"], b: int) -> int:
        return a + b

    asst = AssistantAgent("asst", llm_config=llm_config(server))
    user = UserProxyAgent(
        "user",
        human_input_mode="NEVER",
        code_execution_config=False,
        is_termination_msg=lambda m: "TERMINATE" in (m.get("content") or ""),
    )
    register_function(add, caller=asst, executor=user, description="add two ints")
    user.initiate_chat(asst, message="what is 1+2", silent=True)
    return asst, user


def rows(con: sqlite3.Connection, query: str) -> list[dict[str, Any]]:
    con.row_factory = sqlite3.Row
    return [dict(r) for r in con.execute(query).fetchall()]


def test_sqlite_logs_every_table_for_a_tool_chat(tmp_path):
    db = tmp_path / "run.db"
    replies = [{"tool_calls": [tool_call("add", {"a": 1, "b": 2}, id="call_1")]}, "The answer is 3 TERMINATE"]
    with FakeLLMServer(replies) as server:
        session_id = runtime_logging.start(config={"dbname": str(db)})
        assert runtime_logging.logging_enabled()
        assert isinstance(runtime_logging.get_connection(), sqlite3.Connection)
        asst, _user = run_tool_chat(server)
        runtime_logging.stop()
    assert not runtime_logging.logging_enabled()

    con = sqlite3.connect(db)
    names = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert TABLES <= names
    assert con.execute("SELECT id, version_number FROM version").fetchall() == [(1, 1)]

    agents = {r["name"]: r for r in rows(con, "SELECT * FROM agents")}
    assert set(agents) == {"asst", "user"}
    assert agents["asst"]["class"] == "AssistantAgent" and agents["user"]["class"] == "UserProxyAgent"
    assert agents["asst"]["session_id"] == session_id and agents["asst"]["agent_id"] == id(asst)
    assert agents["user"]["wrapper_id"] is None
    asst_args = json.loads(agents["asst"]["init_args"])
    assert asst_args["name"] == "asst"
    assert asst_args["llm_config"]["config_list"][0]["api_key"] == REDACTED
    assert asst_args["llm_config"]["config_list"][0]["base_url"] == server.base_url
    assert json.loads(agents["user"]["init_args"])["human_input_mode"] == "NEVER"

    # registering the tool rebuilt the agent's wrapper: both wrappers are logged
    wrappers = rows(con, "SELECT * FROM oai_wrappers ORDER BY id")
    assert [w["wrapper_id"] for w in wrappers][-1] == id(asst.client)
    assert agents["asst"]["wrapper_id"] == wrappers[0]["wrapper_id"]
    assert json.loads(wrappers[0]["init_args"])["config_list"][0]["model"] == server.model
    assert "add" in json.dumps(json.loads(wrappers[-1]["init_args"])["base_config"]["tools"])
    clients = rows(con, f"SELECT * FROM oai_clients WHERE wrapper_id = {id(asst.client)}")
    assert len(clients) == 1 and clients[0]["class"] == "OpenAIClient" and clients[0]["session_id"] == session_id

    calls = rows(con, "SELECT * FROM chat_completions ORDER BY id")
    assert len(calls) == 2
    assert {c["source_name"] for c in calls} == {"asst"}
    assert all(c["is_cached"] == 0 and c["cost"] > 0 and c["start_time"] <= c["end_time"] for c in calls)
    assert all(c["client_id"] == clients[0]["client_id"] and c["wrapper_id"] == id(asst.client) for c in calls)
    assert len({c["invocation_id"] for c in calls}) == 2
    first_request = json.loads(calls[0]["request"])
    assert first_request["messages"][-1]["content"] == "what is 1+2"
    assert first_request["tools"][0]["function"]["name"] == "add"
    first_response = json.loads(calls[0]["response"])
    assert first_response["choices"][0]["message"]["tool_calls"][0]["function"]["name"] == "add"
    second_response = json.loads(calls[1]["response"])
    assert second_response["choices"][0]["message"]["content"] == "The answer is 3 TERMINATE"
    assert json.loads(calls[1]["request"])["messages"][-1] == {"tool_call_id": "call_1", "role": "tool", "content": "3"}

    events = rows(con, "SELECT * FROM events ORDER BY id")
    received = [e for e in events if e["event_name"] == "received_message"]
    assert [(e["source_name"], json.loads(e["json_state"])["sender"]) for e in received][:2] == [
        ("asst", "user"),
        ("user", "asst"),
    ]
    assert json.loads(received[0]["json_state"]) == {"message": "what is 1+2", "sender": "user", "valid": True}
    assert received[0]["agent_class_name"] == "AssistantAgent"
    assert received[0]["agent_module"] == "autogen.agentchat.assistant_agent"
    executed = [json.loads(e["json_state"]) for e in events if e["event_name"] == "reply_func_executed"]
    final_funcs = [e["reply_func_name"] for e in executed if e["final"]]
    assert "generate_oai_reply" in final_funcs and "generate_tool_calls_reply" in final_funcs
    tool_reply = next(e for e in executed if e["final"] and e["reply_func_name"] == "generate_tool_calls_reply")
    assert tool_reply["reply"]["tool_responses"][0]["content"] == "3"

    functions = rows(con, "SELECT * FROM function_calls")
    assert len(functions) == 1
    assert functions[0]["source_name"] == "user" and functions[0]["function_name"] == "add"
    assert json.loads(functions[0]["args"]) == {"a": 1, "b": 2}
    assert json.loads(functions[0]["returns"]) == "3"

    dump = "\n".join(con.iterdump())
    con.close()
    assert SECRET not in dump
    assert SECRET.encode() not in db.read_bytes()


def test_cache_hits_are_logged_with_is_cached(tmp_path):
    db = tmp_path / "cache.db"
    with FakeLLMServer(["cached answer"]) as server:
        runtime_logging.start(config={"dbname": str(db)})
        wrapper = OpenAIWrapper(**llm_config(server))
        with Cache.in_memory(cache_seed=7) as cache:
            first = wrapper.create(messages=[{"role": "user", "content": "hi"}], cache=cache)
            second = wrapper.create(messages=[{"role": "user", "content": "hi"}], cache=cache, agent="someone")
        assert len(server.requests) == 1
        con = runtime_logging.get_connection()
        calls = rows(con, "SELECT is_cached, cost, source_name, response FROM chat_completions ORDER BY id")
    assert [c["is_cached"] for c in calls] == [0, 1]
    assert calls[1]["source_name"] == "someone" and calls[0]["source_name"] is None
    assert [c["cost"] for c in calls] == [first.cost, second.cost]
    assert json.loads(calls[1]["response"])["choices"][0]["message"]["content"] == "cached answer"


def test_file_logger_writes_json_lines(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    replies = [{"tool_calls": [tool_call("add", {"a": 2, "b": 2}, id="c")]}, "4 TERMINATE"]
    with FakeLLMServer(replies) as server:
        session_id = runtime_logging.start(logger_type="file", config={"filename": "run.log"})
        assert runtime_logging.logging_enabled() and runtime_logging.get_connection() is None
        run_tool_chat(server)
        runtime_logging.stop()
    path = tmp_path / "autogen_logs" / "run.log"
    text = path.read_text(encoding="utf-8")
    assert SECRET not in text
    records = [json.loads(line) for line in text.splitlines()]
    assert all(r["session_id"] == session_id for r in records)
    kinds = {r["type"] for r in records}
    assert {"new_agent", "new_wrapper", "new_client", "chat_completion", "event", "function_call"} <= kinds
    completions = [r for r in records if r["type"] == "chat_completion"]
    assert len(completions) == 2 and completions[1]["response"]["choices"][0]["message"]["content"] == "4 TERMINATE"
    call = next(r for r in records if r["type"] == "function_call")
    # nested states are JSON text inside the line, as in ag2's file log
    assert call["function_name"] == "add" and json.loads(call["input_args"]) == {"a": 2, "b": 2}
    assert json.loads(call["returns"]) == "4"
    agent = next(r for r in records if r["type"] == "new_agent")
    assert agent["agent_name"] and agent["agent_type"] and isinstance(agent["args"], dict)


def test_default_sqlite_file_is_logs_db_in_cwd(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    session_id = runtime_logging.start()
    UserProxyAgent("solo", code_execution_config=False)
    runtime_logging.stop()
    con = sqlite3.connect(tmp_path / "logs.db")
    assert con.execute("SELECT name, session_id FROM agents").fetchall() == [("solo", session_id)]
    con.close()


def test_logging_enabled_toggles_and_restart_stops_previous(tmp_path):
    assert not runtime_logging.logging_enabled() and runtime_logging.get_connection() is None
    first = runtime_logging.start(config={"dbname": str(tmp_path / "a.db")})
    con = runtime_logging.get_connection()
    second = runtime_logging.start(config={"dbname": str(tmp_path / "b.db")})
    assert first != second and runtime_logging.logging_enabled()
    with pytest.raises(sqlite3.ProgrammingError):  # the first session's connection was closed
        con.execute("SELECT 1")
    runtime_logging.stop()
    assert not runtime_logging.logging_enabled() and runtime_logging.get_connection() is None
    runtime_logging.stop()  # stopping twice is harmless


def test_bad_dbname_is_logged_not_raised(tmp_path, caplog):
    bad = tmp_path / "missing-dir" / "logs.db"
    with caplog.at_level(logging.ERROR, logger="autogen.runtime_logging"):
        session_id = runtime_logging.start(config={"dbname": str(bad)})
    assert isinstance(session_id, str)
    assert not runtime_logging.logging_enabled()
    assert any("start failed" in r.getMessage() and "unable to open database" in r.getMessage() for r in caplog.records)
    UserProxyAgent("still_works", code_execution_config=False)  # agents work while logging is off
    assert not bad.exists()


def test_unknown_logger_type_names_the_choices():
    with pytest.raises(ValueError, match="'sqlite', 'file'"):
        runtime_logging.start(logger_type="postgres")
    assert not runtime_logging.logging_enabled()


def test_nothing_is_written_when_logging_is_off(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with FakeLLMServer([{"tool_calls": [tool_call("add", {"a": 1, "b": 1})]}, "2 TERMINATE"]) as server:
        run_tool_chat(server)
    assert list(tmp_path.iterdir()) == []


class RecordingLogger(BaseLogger):
    def __init__(self) -> None:
        self.calls: list[tuple[str, tuple[Any, ...]]] = []
        self.started = self.stopped = False

    def start(self) -> str:
        self.started = True
        return "custom-session"

    def log_chat_completion(self, *args: Any) -> None:
        self.calls.append(("chat_completion", args))

    def log_new_agent(self, agent: Any, init_args: dict[str, Any]) -> None:
        self.calls.append(("new_agent", (agent, init_args)))

    def log_event(self, source: Any, name: str, **kwargs: Any) -> None:
        self.calls.append(("event", (source, name, kwargs)))

    def log_new_wrapper(self, wrapper: Any, init_args: dict[str, Any]) -> None:
        self.calls.append(("new_wrapper", (wrapper, init_args)))

    def log_new_client(self, client: Any, wrapper: Any, init_args: dict[str, Any]) -> None:
        self.calls.append(("new_client", (client, wrapper, init_args)))

    def log_function_use(self, source: Any, function: Any, args: Any, returns: Any) -> None:
        raise RuntimeError("broken custom logger")  # must not break the chat

    def stop(self) -> None:
        self.stopped = True

    def get_connection(self) -> None:
        return None


def test_custom_logger_receives_the_hooks_and_its_errors_are_contained(caplog):
    custom = RecordingLogger()
    with FakeLLMServer([{"tool_calls": [tool_call("add", {"a": 5, "b": 5})]}, "10 TERMINATE"]) as server:
        assert runtime_logging.start(logger=custom) == "custom-session"
        with caplog.at_level(logging.ERROR, logger="autogen.runtime_logging"):
            asst, user = run_tool_chat(server)
        runtime_logging.stop()
    assert custom.started and custom.stopped
    assert user.chat_messages[asst][-1]["content"] == "10 TERMINATE"
    assert any("log_function_use failed" in r.getMessage() for r in caplog.records)
    kinds = [k for k, _ in custom.calls]
    assert kinds.count("chat_completion") == 2 and kinds.count("new_wrapper") == 2  # tool registration rebuilds it
    new_agents = {args[0].name: args[1] for k, args in custom.calls if k == "new_agent"}
    assert new_agents["asst"]["self"] is asst  # the hook passes the constructor's locals()
    invocation_id, _client_id, wrapper_id, source = next(a for k, a in custom.calls if k == "chat_completion")[:4]
    assert source is asst and wrapper_id == id(asst.client) and invocation_id is not None


def test_logger_factory_and_concurrent_writes(tmp_path):
    assert isinstance(LoggerFactory.get_logger("file", {"filename": str(tmp_path / "f.log")}), FileLogger)
    sqlite_logger = LoggerFactory.get_logger("sqlite", {"dbname": str(tmp_path / "t.db")})
    assert isinstance(sqlite_logger, SqliteLogger)
    runtime_logging.start(logger=sqlite_logger)

    def work(n: int) -> None:
        for i in range(25):
            runtime_logging.log_event(f"thread{n}", "tick", i=i, payload={"obj": object()})

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    con = runtime_logging.get_connection()
    assert con.execute("SELECT COUNT(*) FROM events WHERE event_name = 'tick'").fetchone() == (100,)
    state = json.loads(con.execute("SELECT json_state FROM events LIMIT 1").fetchone()[0])
    assert state["payload"]["obj"].startswith("<object object at")  # non-serialisable -> str()


def test_secret_redaction_rules():
    scrubber = SecretScrubber()
    data = {
        "api_key": SECRET,
        "nested": [{"azure_ad_token": "tok-0123456789abcdef0123"}, {"default_headers": {"Authorization": "Bearer x"}}],
        "max_tokens": 10,
        "api_key_unset": None,
    }
    out = to_jsonable(data, scrubber)
    assert out["api_key"] == REDACTED and out["nested"][0]["azure_ad_token"] == REDACTED
    assert out["nested"][1]["default_headers"]["Authorization"] == REDACTED
    assert out["max_tokens"] == 10 and out["api_key_unset"] is None
    # the same key appearing later in free text (an error message) is scrubbed too
    assert SECRET not in to_json({"error": f"bad key {SECRET}"}, scrubber)
