"""The viewer's readers: runtime logs of a real group chat and of a session of several chats (retries,
fallbacks, failing tools, a pattern with a handoff and a guardrail, code execution, a nested chat, a
call that gives up), from SQLite and JSON lines; OTLP/JSON traces (written by hand and by the
OpenTelemetry SDK), a ChatResult, and logs with tables, columns and events this version does not know."""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
from pathlib import Path

import pytest
from viewer_logs import (
    FEATURE_RUNS,
    SELECTIONS,
    TRANSCRIPT,
    run_group_chat,
    run_pattern_chat,
    run_tool_chat_with_retry_and_fallback,
)

from autogen import ChatResult, ConversableAgent, runtime_logging
from autogen.testing import FakeLLMServer
from autogen.viewer import detect_kind, load, show
from autogen.viewer.model import filter_items, page
from autogen.viewer.otlp import parse_otlp

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def messages(run):
    return [(i["agent"], i["content"]) for i in run["items"] if i["kind"] == "message"]


def of_kind(run, kind):
    return [i for i in run["items"] if i["kind"] == kind]


def tools_of(run):
    return of_kind(run, "tool")


@pytest.mark.parametrize("kind", ["sqlite", "jsonl"])
def test_a_logged_group_chat_reads_back_as_its_transcript(group_chat_logs, kind):
    path = group_chat_logs[kind]
    assert detect_kind(path) == kind
    log = load(path)
    assert log["kind"] == kind
    [run] = log["runs"]
    assert messages(run) == TRANSCRIPT
    assert run["title"] == TRANSCRIPT[0][1]

    planner_call = next(i for i in run["items"] if i["kind"] == "message" and i["agent"] == "planner")
    assert [(c["name"], json.loads(c["arguments"])) for c in planner_call["tool_calls"]] == [
        ("add", {"a": 1, "b": 2}),
        ("add", {"a": 3, "b": 4}),
    ]
    results = next(i for i in run["items"] if i.get("tool_responses"))
    assert results["tool_responses"] == [{"id": "call_1", "content": "3"}, {"id": "call_2", "content": "7"}]
    tools = [(i["agent"], i["name"], i["arguments"], i["result"]) for i in run["items"] if i["kind"] == "tool"]
    assert tools == [("user", "add", {"a": 1, "b": 2}, "3"), ("user", "add", {"a": 3, "b": 4}, "7")]

    # Seven LLM calls: four speaker selections, two by the planner, one by the writer.
    calls = run["calls"]
    assert [c["agent"] for c in calls] == [
        "speaker_selection_agent", "planner", "speaker_selection_agent", "speaker_selection_agent", "planner",
        "speaker_selection_agent", "writer",
    ]  # fmt: skip
    assert [c.get("selected") for c in calls if c.get("purpose") == "speaker selection"] == [
        "planner",
        "user",
        "planner",
        "writer",
    ]
    first = calls[1]
    assert first["request"]["messages"] == [
        {"content": "You plan.", "role": "system"},
        {"content": TRANSCRIPT[0][1], "role": "user", "name": "user"},
    ]
    assert [t["function"]["name"] for t in first["request"]["tools"]] == ["add"]
    assert first["request"]["params"]["model"] == "fake-model"
    assert first["model"] == "fake-model" and first["client"] == "OpenAIClient"
    assert first["usage"]["prompt"] > 0 and first["usage"]["completion"] > 0
    assert first["cost"] == pytest.approx((first["usage"]["prompt"] * 0.5 + first["usage"]["completion"] * 1.5) / 1000)
    assert first["latency"] is not None and first["latency"] >= 0
    assert first["reply"][0]["tool_calls"][0]["id"] == "call_1"
    # The writer saw the whole conversation, tool results included.
    writer_context = calls[6]["request"]["messages"]
    assert writer_context[0] == {"content": "You write reports.", "role": "system"}
    assert any(m.get("tool_calls") for m in writer_context)

    # Each message an LLM produced points at its call; the timeline items point at the calls too.
    assert planner_call["from_call"] == 1
    assert [i["call"] for i in run["items"] if i["kind"] == "llm_call"] == list(range(7))

    totals = run["totals"]
    assert totals["agents"]["planner"]["calls"] == 2 and totals["agents"]["planner"]["messages"] == 2
    assert totals["agents"]["speaker_selection_agent"]["calls"] == 4
    assert totals["models"]["fake-model"]["calls"] == 7
    assert totals["all"]["cost"] == pytest.approx(sum(c["cost"] for c in calls)) and totals["all"]["cost"] > 0
    assert totals["all"]["messages"] == len(TRANSCRIPT)
    names = {a["name"]: a["class"] for a in run["agents"]}
    assert names["chat_manager"] == "GroupChatManager" and names["planner"] == "ConversableAgent"

    # The chat record: kind, participants, termination.
    assert run["chat_kind"] == "group" and run["chat"]["initiator"] == "user"
    assert run["chat"]["participants"][:2] == ["user", "chat_manager"]
    assert run["termination_code"] == "termination_message"
    assert run["termination"] == "Termination message condition on the GroupChatManager 'chat_manager' met"
    assert run["items"][-1]["kind"] == "termination" and run["items"][-1]["code"] == "termination_message"
    assert run["notes"] == []
    # Each auto selection: its round, candidates, the LLM's choice; right after the selector's call.
    speakers = [i for i in run["items"] if i["kind"] == "speaker"]
    assert [(s["round"], s["selected"], s["reason"], s["attempts"]) for s in speakers] == [
        (1, "planner", "llm", 1),
        (2, "user", "single_candidate", None),  # only the tool executor may answer the tool calls
        (3, "user", "llm", 1),
        (4, "planner", "llm", 1),
        (5, "writer", "llm", 1),
    ]
    assert {s["method"] for s in speakers} == {"auto"}
    assert speakers[0]["candidates"] == ["user", "planner", "writer"] and speakers[0]["previous"] == "user"
    assert speakers[0]["data"]["llm"]["answer"] == "planner"
    by_llm = [s for s in speakers if s["reason"] == "llm"]
    assert [s["selected"] for s in by_llm] == SELECTIONS
    for s in by_llm:
        before = run["items"][s["i"] - 1]
        assert before["kind"] == "llm_call" and before["purpose"] == "speaker selection"
    assert {(t["call_id"], t["success"]) for t in tools_of(run)} == {("call_1", True), ("call_2", True)}


def test_the_sqlite_and_file_logs_of_the_same_chat_agree(group_chat_logs):
    a, b = (load(group_chat_logs[k])["runs"][0] for k in ("sqlite", "jsonl"))
    strip = lambda run: [
        {k: v for k, v in i.items() if k not in ("ts", "latency", "duration_ms")} for i in run["items"]
    ]
    assert strip(a) == strip(b)


def test_several_sessions_in_one_database_are_separate_runs(group_chat_logs, tmp_path):
    db = str(tmp_path / "two.db")
    try:
        ids = []
        for _ in range(2):
            ids.append(runtime_logging.start(config={"dbname": db}))
            run_group_chat()
            runtime_logging.stop()
    finally:
        runtime_logging.stop()
    runs = load(db)["runs"]
    assert [r["session"] for r in runs] == ids  # one chat each; the run is the chat
    assert [messages(r) for r in runs] == [TRANSCRIPT, TRANSCRIPT]  # placed by their session and chat ids
    assert all(r["notes"] == [] for r in runs)


@pytest.mark.parametrize("kind", ["sqlite", "jsonl"])
def test_a_session_of_several_chats_is_one_run_per_chat(feature_logs, kind):
    runs = load(feature_logs[kind])["runs"]
    assert [(r["title"], r["chat_kind"], r["termination_code"]) for r in runs] == FEATURE_RUNS
    assert len({r["session"] for r in runs}) == 1 and len({r["id"] for r in runs}) == len(runs)
    tools_run, pattern_run, code_run, nested_run, failing_run = runs
    for run in runs:
        assert run["termination"] and run["items"][-1]["kind"] == "termination"
        assert run["start"] <= run["end"]
    assert tools_run["termination"] == "Termination message condition on agent 'user' met"
    assert [a["name"] for a in tools_run["agents"]] == ["user", "asst"]

    # Failed attempts: 503, retried; 503 again, fallback; later the first server's script is used up (400).
    failures = of_kind(tools_run, "llm_failure")
    assert [(f["attempt"], f["max_attempts"], f["config_index"], f["action"], f["error_type"]) for f in failures] == [
        (1, 2, 0, "retry", "InternalServerError"),
        (2, 2, 0, "fallback", "InternalServerError"),
        (1, 2, 0, "fallback", "BadRequestError"),
    ]
    retry, fallback, later = failures
    assert retry["next"].startswith("retry after ") and 0 < retry["wait_seconds"] <= 0.02
    assert fallback["next"] == "fall back to config 1" and fallback["next_config_index"] == 1
    assert "503" in retry["error"] and retry["error"].startswith("InternalServerError: ")
    assert retry["model"] == "fake-model" and retry["base_url"].startswith("http://127.0.0.1:")
    assert retry["agent"] == "asst"
    # ...attached to the LLM call of the same invocation, which comes right after them.
    assert retry["call"] == fallback["call"] == 0 and later["call"] == 1
    calls = tools_run["calls"]
    assert [len(c["failures"]) for c in calls] == [2, 1]
    assert calls[0]["failures"][0]["invocation_id"] == calls[0]["invocation_id"]
    first_call = next(i for i in tools_run["items"] if i["kind"] == "llm_call")
    assert first_call["failed_attempts"] == 2 and first_call["i"] == fallback["i"] + 1
    assert all(f["error"] for f in failures)
    totals = tools_run["totals"]
    assert totals["all"]["failures"] == 3 and totals["all"]["errors"] == 0
    assert totals["agents"]["asst"]["failures"] == 3 and totals["models"]["fake-model"]["failures"] == 3

    # Tool calls: the model's call ids, outcome, error, duration.
    tools = {t["call_id"]: t for t in tools_of(tools_run)}
    assert tools["call_add"]["success"] is True and "error" not in tools["call_add"]
    assert tools["call_div"]["success"] is False
    assert tools["call_div"]["error"] == "ZeroDivisionError: division by zero"
    assert all(t["duration_ms"] >= 0 for t in tools.values())

    # The pattern: handoffs with their reasons, the guardrail, the end chosen by the group's after-work.
    handoffs = of_kind(pattern_run, "handoff")
    assert [(h["reason"], h["source"], h["target"]) for h in handoffs] == [
        ("initial_agent", "user", "triage"),
        ("tool_call", "triage", "_Group_Tool_Executor"),
        ("llm_handoff", "triage", "tech"),
        ("guardrail", "tech", "security"),
        ("group_after_work", "security", "Terminate"),
    ]
    assert handoffs[2]["target_type"] == "AgentTarget" and handoffs[-1]["target_type"] == "TerminateTarget"
    assert handoffs[-1]["chosen"] is None
    [guardrail] = of_kind(pattern_run, "guardrail")
    assert (guardrail["guardrail"], guardrail["target"]) == ("secrets", "security")
    assert guardrail["activation_message"] == "Secret blocked."
    assert guardrail["justification"] == "Match found -> password"
    assert pattern_run["termination"] == "Terminate chosen by group_after_work after 'security'"
    assert pattern_run["chat"]["info"]["pattern"] == "DefaultPattern"
    [transfer] = tools_of(pattern_run)
    assert transfer["agent"] == "_Group_Tool_Executor" and transfer["call_id"] == "call_h" and transfer["success"]

    # Code executions: language, code, exit code, output, executor, duration; no duplicate from events.
    code = of_kind(code_run, "code")
    assert [(c["language"], c["code"], c["exit_code"], c["output"]) for c in code] == [
        ("python", "print(6 * 7)", 0, "42\n"),
        ("python", "raise SystemExit(3)", 3, ""),
    ]
    assert {c["executor"] for c in code} == {"LocalCommandLineCodeExecutor"} and code[0]["duration_ms"] > 0
    assert "error" not in code[0] and code[1]["error"] == "exit code 3"

    # A nested chat: inside its parent's run, one level deeper, between its start and end.
    kinds = [(i["kind"], i.get("depth", 0), i["agent"]) for i in nested_run["items"]]
    assert kinds == [
        ("message", 0, "outer"), ("chat", 0, "host"), ("message", 1, "host"), ("llm_call", 1, "inner"),
        ("message", 1, "inner"), ("chat", 0, "host"), ("message", 0, "host"), ("termination", 0, "host"),
    ]  # fmt: skip
    start, end = of_kind(nested_run, "chat")
    assert (start["edge"], start["recipient"], end["edge"]) == ("start", "inner", "end")
    assert end["reason"] == "Maximum turns (1) reached" and start["chat_id"] == end["chat_id"] != nested_run["id"]
    assert [a["name"] for a in nested_run["agents"]] == ["outer", "host", "inner"]

    # A call that gives up: its attempt is the error, there is no answer, the chat ended with the error.
    [gave_up] = of_kind(failing_run, "llm_failure")
    assert gave_up["action"] == "give_up" and gave_up["error_type"] == "AuthenticationError" and "call" not in gave_up
    assert gave_up["next"] == "give up: the error reached the caller"
    assert failing_run["calls"] == [] and failing_run["totals"]["all"]["errors"] == 1
    assert "AuthenticationError" in failing_run["termination"]


def test_the_sqlite_and_file_logs_of_several_chats_agree(feature_logs):
    volatile = {"ts", "latency", "duration_ms", "wait_seconds", "next", "invocation_id", "chat_id"}
    a, b = (load(feature_logs[k])["runs"] for k in ("sqlite", "jsonl"))

    def strip(run):  # what differs between two runs of the same chats: times, ids, the fake servers' ports
        items = [{k: v for k, v in i.items() if k not in volatile} for i in run["items"]]
        return re.sub(r"127\.0\.0\.1:\d+", "127.0.0.1:PORT", json.dumps(items))

    assert [strip(r) for r in a] == [strip(r) for r in b]


def test_a_chat_that_never_ended(feature_logs, tmp_path):
    """A process that died mid-chat: the chat has no end; its run says so and is still shown."""
    db = tmp_path / "died.db"
    shutil.copy(feature_logs["sqlite"], db)
    con = sqlite3.connect(db)
    con.execute(
        "UPDATE chats SET end_time = NULL, termination_code = NULL, termination_reason = NULL"
        " WHERE initiator = 'user' AND kind = 'pattern'"
    )
    con.commit()
    con.close()
    pattern_run = load(str(db))["runs"][1]
    assert pattern_run["termination"] is None and pattern_run["items"][-1]["kind"] != "termination"
    assert any("no end" in n for n in pattern_run["notes"])
    assert len(of_kind(pattern_run, "handoff")) == 5


def test_a_chat_result_shows_its_history_and_cost(group_chat_logs):
    result = group_chat_logs["result"]
    log = load(result)
    assert log["kind"] == "chat_result"
    [run] = log["runs"]
    assert messages(run) == TRANSCRIPT
    assert run["calls"] == []
    html = show(result).data
    assert html.startswith('<div class="ag2-viewer"><iframe srcdoc=') and "ag2-viewer-data" in html
    assert "https://" not in html and "http://" not in html  # nothing to fetch


def test_a_chat_result_with_usage_fills_the_model_totals():
    result = ChatResult(
        chat_id=7,
        chat_history=[
            {"role": "user", "content": "hi", "name": "a"},
            {"role": "assistant", "content": "yo", "name": "b"},
        ],
        summary="yo",
        cost={
            "usage_including_cached_inference": {
                "total_cost": 0.25,
                "gpt-4o": {"cost": 0.25, "prompt_tokens": 100, "completion_tokens": 20, "total_tokens": 120},
            },
            "usage_excluding_cached_inference": {},
        },
    )
    [run] = load(result)["runs"]
    assert run["totals"]["models"]["gpt-4o"]["prompt_tokens"] == 100
    assert run["totals"]["all"]["cost"] == 0.25 and run["summary"] == "yo"
    assert messages(run) == [("a", "hi"), ("b", "yo")]


@pytest.mark.parametrize("with_chats", [True, False], ids=["this-library", "ag2-style"])
def test_unknown_tables_columns_and_events_are_shown_not_fatal(group_chat_logs, tmp_path, with_chats):
    """Columns, tables and events no version of the logger writes; an ag2-style database (no chat
    records, rows without ids) is one run whose termination is found among its events."""
    db = tmp_path / "richer.db"
    shutil.copy(group_chat_logs["sqlite"], db)
    con = sqlite3.connect(db)
    session, chat = con.execute("SELECT session_id, chat_id FROM chat_completions LIMIT 1").fetchone()
    last = con.execute("SELECT max(timestamp) FROM events").fetchone()[0]
    if not with_chats:
        for table in ("chats", "speaker_selections", "model_call_failures", "code_executions"):
            con.execute(f"DROP TABLE {table}")
        for table in ("chat_completions", "events", "function_calls"):
            con.execute(f"UPDATE {table} SET chat_id = NULL")
        chat = None
    con.execute("ALTER TABLE chat_completions ADD COLUMN error TEXT")
    con.execute("ALTER TABLE chat_completions ADD COLUMN attempt INTEGER")
    con.execute(
        "INSERT INTO chat_completions (session_id, chat_id, source_name, request, response, is_cached, cost, start_time,"
        " end_time, error, attempt) VALUES (?, ?, 'writer', ?, NULL, 0, 0, ?, ?, 'RateLimitError: slow down', 1)",
        (session, chat, json.dumps({"messages": [{"role": "user", "content": "x"}], "model": "m"}), last, last),
    )
    con.execute("CREATE TABLE retries (session_id TEXT, chat_id TEXT, timestamp TEXT, attempt INTEGER, delay REAL)")
    con.execute("INSERT INTO retries VALUES (?, ?, ?, 1, 0.5)", (session, chat, last))
    for name, state in [
        ("speaker_selected", {"selected": "writer", "candidates": ["planner", "writer"]}),
        ("handoff", {"target": "writer"}),
        ("termination", {"reason": "Termination message condition met"}),
        ("something_new", {"x": 1}),
    ]:  # ag2's columns only: no session or chat id
        con.execute(
            "INSERT INTO events (event_name, source_id, source_name, json_state, timestamp) VALUES (?, 1, 'chat_manager', ?, ?)",
            (name, json.dumps(state), last),
        )
    con.commit()
    con.close()

    [run] = load(str(db))["runs"]
    assert messages(run) == TRANSCRIPT
    failed = run["calls"][-1]
    assert failed["error"] == "RateLimitError: slow down" and failed["extra"] == {"attempt": 1}
    assert run["totals"]["all"]["errors"] == 1
    by_name = {i.get("name"): i for i in run["items"] if i.get("name")}
    assert by_name["speaker_selected"]["kind"] == "speaker" and by_name["speaker_selected"]["selected"] == "writer"
    assert by_name["handoff"]["kind"] == "handoff" and by_name["handoff"]["target"] == "writer"
    assert by_name["termination"]["reason"] == "Termination message condition met"
    events = [i for i in run["items"] if i["kind"] == "event"]
    assert {e["name"] for e in events} == {"retries", "something_new"}
    assert next(e for e in events if e["name"] == "retries")["data"]["delay"] == 0.5
    if with_chats:  # the chat record says how it ended; the id-less events were placed by their time
        assert run["termination"].startswith("Termination message condition on the GroupChatManager")
        assert run["items"][-1]["kind"] == "termination" and run["items"][-1]["code"] == "termination_message"
        assert any("placed in the chat running at their time" in n for n in run["notes"])
    else:
        assert run["termination"] == "Termination message condition met"
        assert "chat" not in run and len(of_kind(run, "speaker")) == 1


def test_a_file_log_with_unknown_lines_and_garbage(group_chat_logs, tmp_path):
    path = tmp_path / "runtime.log"
    lines = Path(group_chat_logs["jsonl"]).read_text(encoding="utf-8").splitlines()
    session = json.loads(lines[0])["session_id"]
    lines.append(
        json.dumps({"type": "retry", "session_id": session, "timestamp": "9999-01-01 00:00:00.0", "attempt": 2})
    )
    lines.append("not json")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    run, outside = load(str(path))["runs"]  # the line has no chat id: it happened outside the chat
    assert messages(run) == TRANSCRIPT
    assert outside["id"] == f"{session}:outside" and outside["title"].startswith("outside any chat")
    assert [(i["kind"], i["name"]) for i in outside["items"]] == [("event", "retry")]
    assert any("not JSON" in n for n in run["notes"])


def test_the_kind_is_told_by_content_not_name(tmp_path, group_chat_logs):
    renamed = tmp_path / "trace.json"
    shutil.copy(group_chat_logs["sqlite"], renamed)
    assert detect_kind(str(renamed)) == "sqlite"
    other = tmp_path / "notes.txt"
    other.write_text("hello\n")
    with pytest.raises(ValueError, match="neither"):
        load(str(other))


# ---------------------------------------------------------------------------------------------- OTLP


def _attr(key, value):
    if isinstance(value, bool):
        v = {"boolValue": value}
    elif isinstance(value, int):
        v = {"intValue": str(value)}
    elif isinstance(value, float):
        v = {"doubleValue": value}
    elif isinstance(value, list):
        v = {"arrayValue": {"values": [{"stringValue": x} for x in value]}}
    else:
        v = {"stringValue": value}
    return {"key": key, "value": v}


def _span(span_id, parent, name, start, end, **attrs):
    return {
        "traceId": "5b8efff798038103d269b633813fc60c",
        "spanId": span_id,
        "parentSpanId": parent,
        "name": name,
        "kind": 1,
        "startTimeUnixNano": str(1_700_000_000_000_000_000 + start * 1_000_000),
        "endTimeUnixNano": str(1_700_000_000_000_000_000 + end * 1_000_000),
        "attributes": [_attr(k.replace("__", "."), v) for k, v in attrs.items()],
        "status": {},
    }


def _parts(role, text=None, **extra):
    parts = [{"type": "text", "content": text}] if text is not None else []
    return {"role": role, "parts": parts, **extra}


HAND_WRITTEN = {
    "resourceSpans": [
        {
            "resource": {"attributes": [_attr("service.name", "demo")]},
            "scopeSpans": [
                {
                    "scope": {"name": "opentelemetry.instrumentation.ag2"},
                    "spans": [
                        _span(
                            "a1", "", "conversation user", 0, 100,
                            **{"gen_ai.operation.name": "conversation", "ag2.span.type": "conversation",
                               "gen_ai.agent.name": "user",
                               "gen_ai.input.messages": json.dumps([_parts("user", "what is 2+2?")])},
                        ),
                        _span(
                            "a2", "a1", "invoke_agent assistant", 10, 60,
                            **{"gen_ai.operation.name": "invoke_agent", "gen_ai.agent.name": "assistant",
                               "gen_ai.output.messages": json.dumps([{"role": "assistant", "parts": [
                                   {"type": "tool_call", "id": "c1", "name": "add", "arguments": {"a": 2, "b": 2}}]}])},
                        ),
                        _span(
                            "a3", "a2", "chat gpt-4o", 11, 50,
                            **{"gen_ai.operation.name": "chat", "gen_ai.agent.name": "assistant",
                               "gen_ai.request.model": "gpt-4o", "gen_ai.response.model": "gpt-4o-2024",
                               "gen_ai.request.temperature": 0.5, "gen_ai.usage.input_tokens": 30,
                               "gen_ai.usage.output_tokens": 7, "gen_ai.usage.cost": 0.001,
                               "gen_ai.input.messages": json.dumps(
                                   [_parts("system", "You add."), _parts("user", "what is 2+2?")]),
                               "gen_ai.output.messages": json.dumps([{"role": "assistant", "parts": [
                                   {"type": "tool_call", "id": "c1", "name": "add", "arguments": {"a": 2, "b": 2}}]}])},
                        ),
                        _span(
                            "a4", "a1", "execute_tool add", 61, 62,
                            **{"gen_ai.operation.name": "execute_tool", "gen_ai.agent.name": "user",
                               "gen_ai.tool.name": "add", "gen_ai.tool.call.id": "c1",
                               "gen_ai.tool.call.arguments": '{"a": 2, "b": 2}', "gen_ai.tool.call.result": "4"},
                        ),
                        _span(
                            "a5", "a1", "speaker_selection", 63, 64,
                            **{"gen_ai.operation.name": "speaker_selection", "ag2.speaker_selection.selected": "assistant",
                               "ag2.speaker_selection.candidates": '["user", "assistant"]'},
                        ),
                        _span(
                            "a6", "a1", "invoke_agent assistant", 65, 90,
                            **{"gen_ai.operation.name": "invoke_agent", "gen_ai.agent.name": "assistant",
                               "gen_ai.output.messages": json.dumps([_parts("assistant", "It is 4.")])},
                        ),
                        _span("a7", "a1", "some.other.work", 91, 92, custom="yes"),
                    ],
                }
            ],
        }
    ]
}  # fmt: skip


def test_a_hand_written_otlp_file(tmp_path):
    path = tmp_path / "trace.json"
    path.write_text(json.dumps(HAND_WRITTEN, indent=1), encoding="utf-8")
    assert detect_kind(str(path)) == "otlp"
    [run] = load(str(path))["runs"]
    assert run["id"] == "5b8efff798038103d269b633813fc60c"
    kinds = [(i["kind"], i["agent"]) for i in run["items"]]
    assert kinds == [
        ("message", "user"), ("llm_call", "assistant"), ("message", "assistant"), ("tool", "user"),
        ("speaker", ""), ("message", "assistant"), ("event", ""),
    ]  # fmt: skip
    assert messages(run) == [("user", "what is 2+2?"), ("assistant", ""), ("assistant", "It is 4.")]
    assert run["items"][2]["tool_calls"] == [{"id": "c1", "name": "add", "arguments": '{"a": 2, "b": 2}'}]
    [call] = run["calls"]
    assert call["request"]["messages"] == [
        {"role": "system", "content": "You add."},
        {"role": "user", "content": "what is 2+2?"},
    ]
    assert call["request"]["params"] == {"model": "gpt-4o", "temperature": 0.5}
    assert call["usage"] == {"prompt": 30, "completion": 7, "total": 37}
    assert call["cost"] == 0.001 and call["model"] == "gpt-4o-2024" and call["latency"] == pytest.approx(0.039)
    tool = run["items"][3]
    assert (tool["name"], tool["arguments"], tool["result"]) == ("add", {"a": 2, "b": 2}, "4")
    assert run["items"][4]["selected"] == "assistant" and run["items"][4]["candidates"] == ["user", "assistant"]
    assert run["totals"]["agents"]["assistant"]["calls"] == 1
    assert run["totals"]["models"]["gpt-4o-2024"]["prompt_tokens"] == 30
    # One request per line (the collector's file exporter) reads the same.
    lines = tmp_path / "trace.jsonl"
    lines.write_text(json.dumps(HAND_WRITTEN) + "\n" + json.dumps({"resourceSpans": []}) + "\n", encoding="utf-8")
    assert load(str(lines))["runs"][0]["items"] == run["items"]


def test_an_otlp_file_from_the_opentelemetry_sdk(tmp_path):
    """Spans made with the SDK, encoded by its OTLP exporter code, written as OTLP/JSON."""
    pytest.importorskip("opentelemetry.sdk.trace")
    encoder = pytest.importorskip("opentelemetry.exporter.otlp.proto.common.trace_encoder")
    json_format = pytest.importorskip("google.protobuf.json_format")
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
    from opentelemetry.trace import Status, StatusCode

    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    tracer = provider.get_tracer("opentelemetry.instrumentation.ag2")
    first = json.dumps([_parts("user", "hello")])
    with tracer.start_as_current_span("conversation alice", attributes={  # noqa: SIM117 - one span in another
        "gen_ai.operation.name": "conversation", "gen_ai.agent.name": "alice", "gen_ai.input.messages": first,
    }):  # fmt: skip
        with tracer.start_as_current_span("invoke_agent bob", attributes={
            "gen_ai.operation.name": "invoke_agent", "gen_ai.agent.name": "bob",
        }) as agent_span:  # fmt: skip
            with tracer.start_as_current_span("chat m1", attributes={
                "gen_ai.operation.name": "chat", "gen_ai.agent.name": "bob", "gen_ai.request.model": "m1",
                "gen_ai.input.messages": first,
            }) as llm:  # fmt: skip
                llm.set_attribute("gen_ai.usage.input_tokens", 5)
                llm.set_attribute("gen_ai.usage.output_tokens", 2)
                llm.set_status(Status(StatusCode.ERROR, "rate limited"))
            agent_span.set_attribute("gen_ai.output.messages", json.dumps([_parts("assistant", "hi alice")]))
    request = encoder.encode_spans(exporter.get_finished_spans())
    path = tmp_path / "sdk.json"
    path.write_text(json.dumps(json_format.MessageToDict(request)), encoding="utf-8")

    [run] = load(str(path))["runs"]
    assert messages(run) == [("alice", "hello"), ("bob", "hi alice")]
    [call] = run["calls"]
    assert call["agent"] == "bob" and call["model"] == "m1" and call["usage"]["prompt"] == 5
    assert call["error"] == "rate limited"
    assert run["items"][1]["error"] == "rate limited"


class _Traced:
    """An SDK tracer provider recording to memory, with the LLM wrapper instrumented and runtime
    logging on at once (to SQLite); ``write()`` stores the spans as an OTLP/JSON file."""

    def __init__(self, tmp_path: Path) -> None:
        pytest.importorskip("opentelemetry.sdk.trace")
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import SimpleSpanProcessor
        from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

        self.exporter = InMemorySpanExporter()
        self.provider = TracerProvider()
        self.provider.add_span_processor(SimpleSpanProcessor(self.exporter))
        self.db = tmp_path / "log.db"
        self.trace_file = tmp_path / "trace.json"

    def __enter__(self) -> _Traced:  # noqa: PYI034
        from autogen.opentelemetry import instrument_llm_wrapper

        instrument_llm_wrapper(tracer_provider=self.provider)
        runtime_logging.start(config={"dbname": str(self.db)})
        return self

    def __exit__(self, *exc: object) -> None:
        from autogen.opentelemetry import uninstrument_llm_wrapper

        runtime_logging.stop()
        uninstrument_llm_wrapper()

    def write(self) -> Path:
        encoder = pytest.importorskip("opentelemetry.exporter.otlp.proto.common.trace_encoder")
        json_format = pytest.importorskip("google.protobuf.json_format")
        request = encoder.encode_spans(self.exporter.get_finished_spans())
        self.trace_file.write_text(json.dumps(json_format.MessageToDict(request)), encoding="utf-8")
        return self.trace_file


def test_failed_attempts_in_a_trace_read_as_in_the_runtime_log(tmp_path):
    """The chat with a retry and a fallback, traced by the LLM-wrapper instrumentation (failed attempts
    become events of the ``chat`` span) and logged at once: the OTLP file and the runtime log give the
    viewer the same failed attempts, attached to the same calls."""
    with (
        _Traced(tmp_path) as traced_chat,
        traced_chat.provider.get_tracer("test").start_as_current_span(
            "conversation user", attributes={"gen_ai.operation.name": "conversation"}
        ),
    ):
        run_tool_chat_with_retry_and_fallback()

    def failures(run):
        return [
            (f["attempt"], f["max_attempts"], f["config_index"], f["action"], f["error_type"], f["call"], f["next"])
            for f in of_kind(run, "llm_failure")
        ]

    [traced] = load(str(traced_chat.write()))["runs"]
    logged = load(str(traced_chat.db))["runs"][0]
    assert failures(traced) == failures(logged)
    assert [f[:5] for f in failures(traced)] == [
        (1, 2, 0, "retry", "InternalServerError"),
        (2, 2, 0, "fallback", "InternalServerError"),
        (1, 2, 0, "fallback", "BadRequestError"),
    ]
    retry = of_kind(traced, "llm_failure")[0]
    assert retry["agent"] == "asst" and retry["model"] == "fake-model" and "503" in retry["error"]
    assert 0 < retry["wait_seconds"] <= 0.02 and retry["base_url"] is None  # URLs stay out of traces
    assert [len(c["failures"]) for c in traced["calls"]] == [2, 1]
    assert traced["totals"]["all"]["failures"] == logged["totals"]["all"]["failures"] == 3
    # Each failed attempt comes right before the call it belongs to.
    items = traced["items"]
    for item in of_kind(traced, "llm_failure"):
        after = next(i for i in items[item["i"] + 1 :] if i["kind"] == "llm_call")
        assert after["call"] == item["call"]


@pytest.mark.parametrize("ending", ["max_turns", "termination_message"])
def test_a_traced_chat_tells_why_it_ended_as_the_runtime_log_does(tmp_path, ending):
    from autogen.opentelemetry import instrument_agent

    replies = ["one", "two TERMINATE" if ending == "termination_message" else "two", "three"]
    with _Traced(tmp_path) as traced_chat, FakeLLMServer(replies) as llm:
        alice = ConversableAgent(
            "alice",
            llm_config=False,
            human_input_mode="NEVER",
            is_termination_msg=lambda m: "TERMINATE" in m["content"],
        )
        bob = ConversableAgent("bob", llm_config=llm.llm_config)
        for agent in (alice, bob):
            instrument_agent(agent, tracer_provider=traced_chat.provider)
        alice.initiate_chat(bob, message="count", max_turns=3)
    [traced] = load(str(traced_chat.write()))["runs"]
    logged = load(str(traced_chat.db))["runs"][0]
    assert traced["termination_code"] == logged["termination_code"] == ending
    assert traced["termination"] == logged["termination"]
    assert traced["termination"] == (
        "Maximum turns (3) reached" if ending == "max_turns" else "Termination message condition on agent 'alice' met"
    )


def test_a_traced_pattern_chat_shows_its_handoffs_as_the_runtime_log_does(tmp_path):
    """A pattern's transitions (an LLM handoff, a guardrail, the after-work that ends it) are not spans:
    the instrumentation records each as an event of the manager's span, and the viewer reads them back
    as the same handoff items, in the same order, as from the runtime log of the same chat."""
    from autogen.opentelemetry import instrument_pattern

    with _Traced(tmp_path) as traced_chat:
        run_pattern_chat(lambda pattern: instrument_pattern(pattern, tracer_provider=traced_chat.provider))
    [traced] = load(str(traced_chat.write()))["runs"]
    logged = load(str(traced_chat.db))["runs"][0]

    def moves(run):
        return [
            (i["kind"], i["round"], i["method"], i["reason"], i.get("source"), i.get("target"), i.get("selected"))
            for i in run["items"]
            if i["kind"] in ("handoff", "speaker")
        ]

    assert moves(traced) == moves(logged)
    reasons = [m[3] for m in moves(traced)]
    assert "llm_handoff" in reasons and "guardrail" in reasons
    assert traced["termination_code"] == logged["termination_code"]
    assert traced["termination"] == logged["termination"]
    # each handoff sits between the messages around it, not at the end of the manager's long span
    kinds = [i["kind"] for i in traced["items"]]
    assert kinds.index("handoff") < len(kinds) - 3


def test_otlp_without_captured_messages_says_so():
    spans = [s for s in HAND_WRITTEN["resourceSpans"][0]["scopeSpans"][0]["spans"] if s["spanId"] == "a3"]
    spans = [{**spans[0], "attributes": [a for a in spans[0]["attributes"] if "messages" not in a["key"]]}]
    [run] = parse_otlp(json.dumps({"resourceSpans": [{"scopeSpans": [{"spans": spans}]}]}))
    assert run["calls"][0]["request"]["messages"] == []
    assert any("capture_messages" in n for n in run["notes"])


# ---------------------------------------------------------------------------------------- big logs


def test_items_filter_and_page():
    items = [{"i": n, "kind": "message" if n % 2 else "llm_call", "content": f"m{n}"} for n in range(10)]
    assert [i["i"] for i in filter_items(items, ["message"], "")] == [1, 3, 5, 7, 9]
    assert [i["i"] for i in filter_items(items, None, "M7")] == [7]
    p = page(items, 8, 5)
    assert p["total"] == 10 and [i["i"] for i in p["items"]] == [8, 9]
