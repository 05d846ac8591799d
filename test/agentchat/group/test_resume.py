"""Stop a pattern chat (even with SIGKILL) and resume it from its saved state, in a new process,
with the same outcome as an uninterrupted run."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from autogen.agentchat.group import GroupChatState
from autogen.agentchat.group.multi_agent_chat import a_resume_group_chat, initiate_group_chat, resume_group_chat
from autogen.testing import FakeLLMServer, tool_call

CHILD = Path(__file__).with_name("resume_child.py")
ROOT = Path(__file__).resolve().parents[3]


def deterministic_reply(request):
    """The reply depends only on the request: which agent asks, and what it sees."""
    system = request.messages[0]["content"]
    n = len(request.messages)
    last = request.messages[-1]
    if system.startswith("[agent:a]"):
        if last.get("role") == "tool":
            return f"a read: {last['content']}"
        return {"tool_calls": [tool_call("add", {"n": n}, id=f"add_{n}")]}
    if system.startswith("[agent:b]"):
        return {"content": f"b routes after {n}", "tool_calls": [tool_call("transfer_to_c_1", {}, id=f"t_{n}")]}
    return f"c comments on {n} messages"


def run_child(log: Path, *args: str, wait: bool = True) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with open(log, "w") as out:
        proc = subprocess.Popen([sys.executable, str(CHILD), *args], stdout=out, stderr=subprocess.STDOUT, env=env)
    if wait:
        proc.wait(timeout=60)
        assert proc.returncode == 0, log.read_text()[-3000:]
    return proc


def test_sigkilled_chat_resumes_in_a_new_process_with_the_same_outcome(tmp_path):
    with FakeLLMServer(deterministic_reply) as server:
        full_out = tmp_path / "full.json"
        run_child(tmp_path / "full.log", "full", server.base_url, str(tmp_path / "full_state.json"), str(full_out))
        full = json.loads(full_out.read_text())

        state_file = tmp_path / "state.json"
        kill_at = 9
        log = tmp_path / "kill.log"
        proc = run_child(log, "kill", server.base_url, str(state_file), str(tmp_path / "never.json"), str(kill_at), wait=False)
        ready = Path(str(state_file) + ".ready")
        try:
            deadline = time.monotonic() + 30
            while not ready.exists():
                assert proc.poll() is None, log.read_text()[-3000:]
                assert time.monotonic() < deadline, "the child never reached the kill point"
                time.sleep(0.02)
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
        finally:
            if proc.poll() is None:
                proc.kill()
        assert proc.returncode == -signal.SIGKILL
        assert not (tmp_path / "never.json").exists()
        saved = GroupChatState.load(state_file)
        assert len(saved.messages) == kill_at
        assert saved.context_variables["total"] > 0  # the kill happened mid-chat, after tools ran

        resumed_out = tmp_path / "resumed.json"
        run_child(tmp_path / "resume.log", "resume", server.base_url, str(state_file), str(resumed_out))
        resumed = json.loads(resumed_out.read_text())

    assert len(full["transcript"]) > kill_at + 5
    assert resumed["transcript"] == full["transcript"]
    assert resumed["context"] == full["context"]
    assert resumed["last"] == full["last"]
    assert resumed["summary"] == full["summary"]
    assert resumed["history"] == full["history"]
    assert full["context"]["total"] > 40  # the run ended through the context condition


def _pattern(server):
    sys.path.insert(0, str(CHILD.parent))
    try:
        import resume_child
    finally:
        sys.path.pop(0)
    return resume_child.build(server.base_url)


@pytest.mark.parametrize("stop_at", [1, 2, 3, 4, 7])
async def test_resume_from_any_turn_in_process(stop_at):
    with FakeLLMServer(deterministic_reply) as server:
        states: list[GroupChatState] = []
        result, context, last = initiate_group_chat(_pattern(server), "start adding", max_rounds=60, on_turn=states.append)
        state = GroupChatState.from_json(states[stop_at - 1].to_json())  # through JSON, as a file would
        resumed: list[GroupChatState] = []
        if stop_at % 2:
            r2, c2, l2 = resume_group_chat(_pattern(server), state, on_turn=resumed.append)
        else:
            r2, c2, l2 = await a_resume_group_chat(_pattern(server), state.to_json(), on_turn=resumed.append)
    assert resumed[-1].messages == states[-1].messages
    assert c2.to_dict() == context.to_dict()
    assert l2.name == last.name and r2.summary == result.summary
    assert r2.chat_history == result.chat_history


def test_resume_respects_the_round_budget():
    with FakeLLMServer(deterministic_reply) as server:
        states: list[GroupChatState] = []
        initiate_group_chat(_pattern(server), "start adding", max_rounds=8, on_turn=states.append)
        resumed: list[GroupChatState] = []
        resume_group_chat(_pattern(server), states[3], on_turn=resumed.append)
    assert len(states[-1].messages) == 8
    assert resumed[-1].messages == states[-1].messages
