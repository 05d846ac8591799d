"""A durable chat survives SIGKILL of the worker running it: relaunched, it resumes from its last
completed step, repeats no completed model call, tool call or code execution, and ends with the same
transcript, summary and cost as an uninterrupted run (same scripted LLM). Real worker processes, on
SQLite and on PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

import durable_app
from conftest import wait_for

import autogen.durable as durable


def _same_as(reference: dict, result: dict, ref_tag: str, tag: str) -> None:
    assert json.loads(json.dumps(reference).replace(ref_tag, tag)) == json.loads(json.dumps(result))


def _effects(log_dir: Path, tag: str) -> list[str]:
    path = log_dir / "effects.log"
    lines = path.read_text().splitlines() if path.exists() else []
    return [line.split(" ", 1)[1] for line in lines if line.startswith(tag + " ")]


def test_kill_during_an_llm_call(client, workers, llm, responder, log_dir):
    ref, tag = "tools-ref1", "tools-llm1"
    held = (tag, "assistant", 4)  # the second model call (after the first tool call)
    responder.hold[held] = 120
    reference = durable.enqueue(durable_app.tool_chat, llm.base_url, ref, str(log_dir), chat_id=ref)
    chat = durable.enqueue(durable_app.tool_chat, llm.base_url, tag, str(log_dir), chat_id=tag)
    workers.start("w1")
    wait_for(lambda: responder.entered(held), what="the held LLM call")
    workers.kill("w1")
    assert chat.status() == "PENDING"
    responder.hold.clear()
    workers.start("w1")  # the same executor id: it resumes the killed worker's chats
    result = chat.result(timeout=60)
    _same_as(reference.result(timeout=60), result, ref, tag)
    assert responder.repeated(tag) == {held: 2}  # only the call that was cut off is made again
    assert _effects(log_dir, tag) == ["tool start 1", "tool end 1", "tool start 2", "tool end 2"]
