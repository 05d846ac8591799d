"""A durable chat survives SIGKILL of the worker running it: relaunched, it resumes from its last
completed step, repeats no completed model call, tool call or code execution, and ends with the same
transcript, summary and cost as an uninterrupted run (same scripted LLM). Real worker processes, on
SQLite and on PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

import durable_app
from durable_helpers import BOTH_BACKENDS, wait_for

from autogen import durable


def _same_as(reference: dict, result: dict, ref_tag: str, tag: str) -> None:
    assert json.loads(json.dumps(reference).replace(ref_tag, tag)) == json.loads(json.dumps(result))


def _effects(log_dir: Path, tag: str) -> list[str]:
    path = log_dir / "effects.log"
    lines = path.read_text().splitlines() if path.exists() else []
    return [line.split(" ", 1)[1] for line in lines if line.startswith(tag + " ")]


@BOTH_BACKENDS
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


@BOTH_BACKENDS
def test_kill_during_a_tool_call(client, workers, llm, responder, log_dir):
    ref, tag = "tools-ref2", "tools-cut2"
    (log_dir / "hold-tool-2").touch()
    reference = durable.enqueue(durable_app.tool_chat, llm.base_url, ref, str(log_dir), chat_id=ref)
    workers.start("w1")
    wait_for(lambda: _effects(log_dir, ref)[-1:] == ["tool start 2"], what="the reference's held tool call")
    (log_dir / "hold-tool-2").unlink()
    reference_result = reference.result(timeout=60)
    (log_dir / "hold-tool-2").touch()
    chat = durable.enqueue(durable_app.tool_chat, llm.base_url, tag, str(log_dir), chat_id=tag)
    wait_for(lambda: _effects(log_dir, tag)[-1:] == ["tool start 2"], what="the held tool call")
    workers.kill("w1")
    (log_dir / "hold-tool-2").unlink()
    workers.start("w1")
    _same_as(reference_result, chat.result(timeout=60), ref, tag)
    assert responder.repeated(tag) == {}  # the tool call was cut off, no model call
    # the first tool call is not run again; the one cut off is
    assert _effects(log_dir, tag) == ["tool start 1", "tool end 1", "tool start 2", "tool start 2", "tool end 2"]


def test_kill_during_code_execution(client, workers, llm, responder, log_dir):
    ref, tag = "code-ref3", "code-cut3"
    responder.code_log_dirs.update({ref: str(log_dir), tag: str(log_dir)})
    reference = durable.enqueue(durable_app.code_chat, llm.base_url, ref, str(log_dir), chat_id=ref)
    workers.start("w1")
    reference_result = reference.result(timeout=120)
    (log_dir / "hold-code-2").touch()
    chat = durable.enqueue(durable_app.code_chat, llm.base_url, tag, str(log_dir), chat_id=tag)
    wait_for(lambda: _effects(log_dir, tag)[-1:] == ["code start 2"], what="the held code block")
    workers.kill("w1")
    (log_dir / "hold-code-2").unlink()
    workers.start("w1")
    _same_as(reference_result, chat.result(timeout=120), ref, tag)
    assert "block 2 ran" in json.dumps(reference_result)
    assert responder.repeated(tag) == {}
    # block 1 is not run again; block 2 was cut off and runs again (the killed worker's own child
    # process may still finish it: SIGKILL does not reach the code's subprocess)
    effects = _effects(log_dir, tag)
    assert effects[:3] == ["code start 1", "code end 1", "code start 2"]
    assert effects.count("code start 1") == 1 and effects.count("code start 2") == 2 and "code end 2" in effects


def test_kill_a_group_chat_during_speaker_selection(client, workers, llm, responder, log_dir):
    ref, tag = "group-ref4", "group-cut4"
    reference = durable.enqueue(durable_app.group_chat, llm.base_url, ref, str(log_dir), chat_id=ref)
    workers.start("w1")
    reference_result = reference.result(timeout=60)
    selections = sorted(k[2] for k in responder.calls if k[0] == ref and k[1] == "selector")
    assert len(selections) >= 3  # auto selection asked the LLM every round
    held = (tag, "selector", selections[2])
    responder.hold[held] = 120
    chat = durable.enqueue(durable_app.group_chat, llm.base_url, tag, str(log_dir), chat_id=tag)
    wait_for(lambda: responder.entered(held), what="the held selection call")
    workers.kill("w1")
    responder.hold.clear()
    workers.start("w1")
    _same_as(reference_result, chat.result(timeout=60), ref, tag)
    assert responder.repeated(tag) == {held: 2}
    assert responder.count(tag) == responder.count(ref) + 1


@BOTH_BACKENDS
def test_kill_a_pattern_chat_after_a_tool_changed_context(client, workers, llm, responder, log_dir):
    ref, tag = "pattern-ref5", "pattern-cut5"
    reference = durable.enqueue(durable_app.pattern_chat, llm.base_url, ref, str(log_dir), chat_id=ref)
    workers.start("w1")
    reference_result = reference.result(timeout=60)
    assert reference_result["context"] == {"start": 1, "x": 5}
    assert "x is 5" in json.dumps(reference_result["history"])
    (log_dir / "hold-read_x").touch()
    chat = durable.enqueue(durable_app.pattern_chat, llm.base_url, tag, str(log_dir), chat_id=tag)
    wait_for(lambda: _effects(log_dir, tag)[-1:] == ["read_x"], what="the held read_x tool")
    workers.kill("w1")
    (log_dir / "hold-read_x").unlink()
    workers.start("w1")
    # route (which set x) is not run again, yet read_x sees x = 5: the recorded context change was replayed
    _same_as(reference_result, chat.result(timeout=60), ref, tag)
    assert _effects(log_dir, tag) == ["route 5", "read_x", "read_x"]
    assert responder.repeated(tag) == {}


def test_kill_an_async_chat_during_an_llm_call(client, workers, llm, responder, log_dir):
    ref, tag = "tools-ref6", "tools-asy6"
    held = (tag, "assistant", 6)  # the last model call
    responder.hold[held] = 120
    reference = durable.enqueue(durable_app.async_tool_chat, llm.base_url, ref, str(log_dir), chat_id=ref)
    chat = durable.enqueue(durable_app.async_tool_chat, llm.base_url, tag, str(log_dir), chat_id=tag)
    workers.start("w1")
    wait_for(lambda: responder.entered(held), what="the held LLM call")
    workers.kill("w1")
    responder.hold.clear()
    workers.start("w1")
    _same_as(reference.result(timeout=60), chat.result(timeout=60), ref, tag)
    assert responder.repeated(tag) == {held: 2}
    assert _effects(log_dir, tag) == ["tool start 1", "tool end 1", "tool start 2", "tool end 2"]


@BOTH_BACKENDS
def test_a_chat_waiting_for_human_input_survives_a_restart(client, workers, llm, responder, log_dir):
    tag = "human-wait7"
    chat = durable.enqueue(durable_app.human_chat, llm.base_url, tag, str(log_dir), chat_id=tag)
    workers.start("w1")
    wait_for(lambda: chat.input_prompt() is not None, what="the first prompt")
    assert "Provide feedback to assistant" in chat.input_prompt()
    workers.kill("w1")
    workers.start("w1")
    durable.send_input(tag, "tell me more")
    wait_for(lambda: responder.count(tag) == 2, what="the second model call")
    wait_for(lambda: chat.input_prompt() is not None, what="the second prompt")
    workers.kill("w1")  # killed again, while waiting; the answer is sent while no worker runs
    durable.send_input(tag, "exit")
    workers.start("w1")
    result = chat.result(timeout=60)
    assert result["human_input"] == ["tell me more", "exit"]
    assert [m["content"] for m in result["history"]] == [
        f"[chat:{tag}] help me",
        "helper answer 2",
        "tell me more",
        "helper answer 4",
    ]
    assert responder.repeated(tag) == {} and responder.count(tag) == 2
