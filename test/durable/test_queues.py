"""Queued chats run exactly once across worker processes, and a killed worker changes nothing in the
results once it is restarted (smaller than the issue's 3 workers x 60 chats: 3 x 24, to keep the suite
short; bench/bench_durable.py runs the larger counts)."""

from __future__ import annotations

import subprocess
import sys

import durable_app
import pytest
from durable_helpers import ROOT, Workers, wait_for

from autogen import durable


@pytest.fixture
def database_url(postgres_url: str) -> str:  # many processes: PostgreSQL
    return postgres_url


def test_three_workers_run_each_queued_chat_once(client, workers: Workers, llm, responder, log_dir):
    llm.delay = 0.05
    tags = [f"plain-q{i:02d}" for i in range(24)]
    for w in ("w1", "w2", "w3"):
        workers.start(w, concurrency=2)
    workers.wait_ready("w1", "w2", "w3")  # all polling before the work arrives: each gets a share
    handles = [durable.enqueue(durable_app.plain_chat, llm.base_url, t, str(log_dir), chat_id=t) for t in tags]
    seen: set[str] = set()  # the workers that took chats (a chat a killed worker held may end elsewhere)

    def quarter_done() -> bool:
        seen.update(c.executor_id for c in durable.list_chats() if c.status in ("PENDING", "SUCCESS"))
        return sum(h.status() == "SUCCESS" for h in handles) >= 6

    wait_for(quarter_done, what="a quarter of the chats")
    running = {c.chat_id for c in durable.list_chats() if c.status == "PENDING" and c.executor_id == "w2"}
    workers.kill("w2")  # mid-run
    workers.start("w2", concurrency=2)  # back with its id: resumes the chats it was running
    results = {h.chat_id: h.result(timeout=120) for h in handles}

    assert all(len(r["history"]) == 6 for r in results.values())
    for tag in tags:
        expected = [f"[chat:{tag}] talk", "plain answer 2", "go on", "plain answer 4", "go on", "plain answer 6"]
        assert [m["content"] for m in results[tag]["history"]] == expected
    # no model call repeated, except one cut off in a chat the killed worker was running
    repeated = {tag: responder.repeated(tag) for tag in tags if responder.repeated(tag)}
    assert set(repeated) <= running
    assert all(len(calls) == 1 and set(calls.values()) == {2} for calls in repeated.values())
    # each chat ended, and only once unless the killed worker held it: the "done" line is written by the
    # chat's own code after its last step, which a recovery runs again if the kill came before the chat's
    # end was recorded. The work was spread over the three workers.
    done = [line.split()[0] for line in (log_dir / "effects.log").read_text().splitlines()]
    assert set(done) == set(tags)
    assert {tag for tag in tags if done.count(tag) > 1} <= running
    seen.update(c.executor_id for c in durable.list_chats() if c.chat_id in results)
    assert seen == {"w1", "w2", "w3"}


def test_status_lists_the_chats(client, workers: Workers, llm, log_dir):
    durable.enqueue(durable_app.plain_chat, llm.base_url, "plain-s1", str(log_dir), chat_id="plain-s1")
    queued = subprocess.run(
        [sys.executable, "-m", "autogen.durable", "status", "--database-url", client],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    ).stdout
    assert "plain-s1" in queued and "ENQUEUED" in queued and "durable_app.plain_chat" in queued
    workers.start("w1")
    durable.retrieve("plain-s1").result(timeout=60)
    done = subprocess.run(
        [sys.executable, "-m", "autogen.durable", "status", "--database-url", client],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    ).stdout
    assert "SUCCESS" in done and "1 chat(s)" in done


def test_a_single_sqlite_worker_runs_queued_chats(sqlite_url, tmp_path, llm, responder, log_dir):
    durable.launch(sqlite_url, queues=[], executor_id="pytest-sqlite")
    w = Workers(sqlite_url, log_dir)
    try:
        tags = [f"plain-l{i}" for i in range(5)]
        handles = [durable.enqueue(durable_app.plain_chat, llm.base_url, t, str(log_dir), chat_id=t) for t in tags]
        w.start("solo", concurrency=2)
        assert all(len(h.result(timeout=60)["history"]) == 6 for h in handles)
        assert all(responder.count(t) == 3 for t in tags)
    finally:
        w.stop_all()
        durable.shutdown()
