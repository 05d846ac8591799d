"""The viewer's web server and command line: the JSON API over real logs, a 10,000-message log
served page by page, the page itself (no remote resources), and ``--export``."""

from __future__ import annotations

import datetime
import json
import re
import sqlite3
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from viewer_logs import FEATURE_RUNS, TRANSCRIPT

from autogen.logger import SqliteLogger
from autogen.viewer import ViewerServer, export, load, serve

N_MESSAGES = 10_000


def get(url: str):
    with urllib.request.urlopen(url, timeout=30) as r:
        body = r.read()
        return r.headers.get("Content-Type"), (json.loads(body) if "json" in r.headers["Content-Type"] else body)


def test_the_api_serves_runs_pages_and_calls(group_chat_logs):
    with serve(group_chat_logs["sqlite"]) as server:
        assert server.url.startswith("http://127.0.0.1:")
        kind, log = get(server.url + "api/log")
        assert kind.startswith("application/json")
        assert log["kind"] == "sqlite" and log["source"] == group_chat_logs["sqlite"]
        [summary] = log["runs"]
        assert "items" not in summary and "calls" not in summary
        assert summary["counts"]["message"] == len(TRANSCRIPT) and summary["n_calls"] == 7
        assert summary["totals"]["agents"]["planner"]["calls"] == 2
        assert get(server.url + "api/runs/0")[1] == summary

        _, first = get(server.url + "api/runs/0/items?offset=0&limit=5")
        assert first["total"] == summary["n_items"] and [i["i"] for i in first["items"]] == [0, 1, 2, 3, 4]
        _, only = get(server.url + "api/runs/0/items?kinds=message&limit=100")
        assert [(i["agent"], i["content"]) for i in only["items"]] == TRANSCRIPT
        _, found = get(server.url + "api/runs/0/items?q=SUMS+ARE")
        assert [i["kind"] for i in found["items"]] == ["llm_call", "message"]

        _, call = get(server.url + "api/runs/0/calls/1")
        assert call["agent"] == "planner" and call["request"]["messages"][0] == {
            "content": "You plan.",
            "role": "system",
        }
        for bad in ("api/runs/1", "api/runs/0/calls/99", "api/nothing", "favicon.ico", "api/runs/x/items"):
            with pytest.raises(urllib.error.HTTPError) as e:
                get(server.url + bad)
            assert e.value.code == 404
        with pytest.raises(urllib.error.HTTPError) as e:
            get(server.url + "api/runs/0/items?offset=abc")
        assert e.value.code == 400


def test_the_api_serves_each_chat_as_a_run(feature_logs):
    with serve(feature_logs["jsonl"]) as server:
        _, log = get(server.url + "api/log")
        assert [(r["title"], r["chat_kind"], r["termination_code"]) for r in log["runs"]] == FEATURE_RUNS
        first = log["runs"][0]
        assert first["counts"]["llm_failure"] == 3 and first["totals"]["all"]["failures"] == 3
        assert first["chat"]["participants"] == ["user", "asst"]
        _, failed = get(server.url + "api/runs/0/items?kinds=llm_failure,tool&q=error")
        assert [i["kind"] for i in failed["items"]] == ["llm_failure", "llm_failure", "tool", "llm_failure"]
        _, call = get(server.url + "api/runs/0/calls/0")
        assert [f["action"] for f in call["failures"]] == ["retry", "fallback"]
        _, code = get(server.url + "api/runs/2/items?kinds=code")
        assert [i["exit_code"] for i in code["items"]] == [0, 3]


def test_the_page_loads_nothing_from_elsewhere(group_chat_logs):
    with serve(group_chat_logs["jsonl"]) as server:
        kind, page = get(server.url)
    assert kind.startswith("text/html")
    text = page.decode("utf-8")
    assert "<script>" in text and "<style>" in text
    # No src=/href= pointing anywhere but data: (the favicon), no fetch of an absolute URL.
    assert re.findall(r'(?:src|href)="([^"]*)"', text) == ["data:,"]
    assert "http://" not in text and "https://" not in text and "@import" not in text


def synthetic_log(path: str, n_messages: int) -> str:
    """A runtime-log database of one two-agent chat of ``n_messages`` messages (half of them
    answered by a logged LLM call), written through SqliteLogger's schema."""
    logger = SqliteLogger({"dbname": path})
    session = logger.start()
    logger.stop()
    t0 = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)

    def ts(n: int) -> str:
        return (t0 + datetime.timedelta(milliseconds=n)).strftime("%Y-%m-%d %H:%M:%S.%f")

    con = sqlite3.connect(path)
    con.executemany(
        "INSERT INTO agents (agent_id, session_id, name, class, init_args, timestamp) VALUES (?, ?, ?, ?, '{}', ?)",
        [(1, session, "alice", "ConversableAgent", ts(0)), (2, session, "bob", "AssistantAgent", ts(0))],
    )
    events, completions = [], []
    for n in range(n_messages):
        sender, recipient = ("alice", "bob") if n % 2 == 0 else ("bob", "alice")
        text = f"message {n} " + "words " * (n % 50)
        if sender == "bob":
            request = {"messages": [{"role": "user", "content": f"message {n - 1}"}], "model": "big-model"}
            response = {"model": "big-model", "choices": [{"message": {"role": "assistant", "content": text}}]}
            response["usage"] = {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15}
            completions.append(
                (session, "bob", json.dumps(request), json.dumps(response), 0.001, ts(10 * n + 1), ts(10 * n + 5))
            )
        state = {"message": {"content": text, "role": "user", "name": sender}, "sender": sender, "valid": True}
        events.append(("received_message", 1, recipient, json.dumps(state), ts(10 * n + 6)))
    con.executemany(
        "INSERT INTO chat_completions (session_id, source_name, request, response, is_cached, cost, start_time,"
        " end_time) VALUES (?, ?, ?, ?, 0, ?, ?, ?)",
        completions,
    )
    con.executemany(
        "INSERT INTO events (event_name, source_id, source_name, json_state, timestamp) VALUES (?, ?, ?, ?, ?)", events
    )
    con.commit()
    con.close()
    return session


def test_a_10000_message_log_is_served_page_by_page(tmp_path):
    db = str(tmp_path / "big.db")
    session = synthetic_log(db, N_MESSAGES)
    with serve(db) as server:
        _, log = get(server.url + "api/log")
        [summary] = log["runs"]
        assert summary["id"] == session
        assert summary["counts"] == {"message": N_MESSAGES, "llm_call": N_MESSAGES // 2}
        assert summary["totals"]["all"]["cost"] == pytest.approx(0.001 * N_MESSAGES / 2)
        seen, offset = [], 0
        while True:
            _, pg = get(server.url + f"api/runs/0/items?kinds=message&offset={offset}&limit=500")
            assert len(pg["items"]) <= 500 and pg["total"] == N_MESSAGES
            if not pg["items"]:
                break
            seen += [int(i["content"].split()[1]) for i in pg["items"]]
            offset += len(pg["items"])
        assert seen == list(range(N_MESSAGES))
        _, last = get(server.url + "api/runs/0/items?offset=14950&limit=200")
        assert len(last["items"]) == 50 and last["items"][-1]["i"] == 14999
        _, call = get(server.url + f"api/runs/0/calls/{N_MESSAGES // 2 - 1}")
        assert call["reply"][0]["content"].startswith(f"message {N_MESSAGES - 1} ")
        # An unpaged request is capped, not the whole run at once.
        _, capped = get(server.url + "api/runs/0/items?limit=1000000")
        assert len(capped["items"]) == 2000


def test_the_command_line_serves_on_a_free_port_and_exports(group_chat_logs, tmp_path):
    proc = subprocess.Popen(
        [sys.executable, "-m", "autogen.viewer", group_chat_logs["sqlite"]],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        proc.stdout.readline()
        line = proc.stdout.readline()
        url = re.search(r"http://127\.0\.0\.1:\d+/", line).group(0)
        _, log = get(url + "api/log")
        assert log["runs"][0]["counts"]["message"] == len(TRANSCRIPT)
    finally:
        proc.terminate()
        proc.wait(timeout=30)

    out = tmp_path / "run.html"
    done = subprocess.run(
        [sys.executable, "-m", "autogen.viewer", group_chat_logs["jsonl"], "--export", str(out)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "wrote" in done.stdout
    html = out.read_text(encoding="utf-8")
    data = re.search(r'<script type="application/json" id="ag2-viewer-data">(.*?)</script>', html, re.DOTALL).group(1)
    embedded = json.loads(data)
    assert embedded == json.loads(json.dumps(load(group_chat_logs["jsonl"])))

    bad = subprocess.run(
        [sys.executable, "-m", "autogen.viewer", str(out)], capture_output=True, text=True, check=False
    )
    assert bad.returncode == 2 and "neither" in bad.stderr


def test_embedded_text_cannot_close_the_script(tmp_path):
    log = {"kind": "messages", "source": "x", "runs": load([{"role": "user", "content": "</script><b>hi</b>"}])["runs"]}
    path = export(log, str(tmp_path / "x.html"))
    html = Path(path).read_text(encoding="utf-8")
    assert html.count("</script>") == 2  # the data's and the code's own
    assert json.loads(re.search(r'id="ag2-viewer-data">(.*?)</script>', html, re.DOTALL).group(1)) == log


def test_a_port_can_be_chosen(group_chat_logs):
    probe = ViewerServer(load(group_chat_logs["sqlite"]))
    port = probe.httpd.server_address[1]
    probe.stop()
    with ViewerServer(load(group_chat_logs["sqlite"]), port=port) as server:
        assert server.url == f"http://127.0.0.1:{port}/"
