"""The main job: `python -m autogen` runs a demo conversation end to end."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from autogen.testing import FakeLLMServer


def run_demo(env: dict[str, str], *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if k not in ("OAI_CONFIG_LIST", "OPENAI_API_KEY")}
    full_env.update(env)
    return subprocess.run(
        [sys.executable, "-m", "autogen", *args],
        check=False,
        capture_output=True,
        text=True,
        env=full_env,
        timeout=timeout,
        cwd=os.getcwd(),
    )


def test_demo_with_a_configured_llm(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no OAI_CONFIG_LIST file here
    code = "```python\nprint(17 * 23)\n```"
    with FakeLLMServer([code, "The result is 391. TERMINATE"]) as server:
        config = [dict(server.config_list[0], price=[0, 0])]
        proc = run_demo({"OAI_CONFIG_LIST": json.dumps(config)})
        assert proc.returncode == 0, proc.stderr
        assert "configured model 'fake-model'" in proc.stderr
        assert "exitcode: 0 (execution succeeded)" in proc.stdout and "391" in proc.stdout
        assert "== summary ==" in proc.stdout
        assert len(server.requests) == 2


def test_demo_with_the_embedded_local_model(tmp_path, monkeypatch):
    pytest.importorskip("xllamacpp", reason="the `local` extra (xllamacpp) is not installed")
    monkeypatch.chdir(tmp_path)
    proc = run_demo({}, "--max-turns", "1", timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "starting the embedded local model" in proc.stderr
    assert "== summary ==" in proc.stdout


def _closed_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # nothing listens once the socket is closed


def _two_line_error(proc: subprocess.CompletedProcess[str]) -> list[str]:
    assert proc.returncode == 1, (proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    start = next(i for i, line in enumerate(lines) if line.startswith("error: "))
    assert len(lines) - start == 2, proc.stderr  # what failed, what to do: nothing after
    return lines[start:]


def test_an_unreachable_llm_is_two_lines_and_exit_code_1(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    url = f"http://127.0.0.1:{_closed_port()}/v1"
    what, todo = _two_line_error(run_demo({"OPENAI_API_KEY": "sk-bogus", "OPENAI_BASE_URL": url}))
    assert "Could not reach the LLM" in what and url in what
    assert "base_url" in todo


def test_debug_shows_the_traceback(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    env = {"OPENAI_API_KEY": "sk-bogus", "OPENAI_BASE_URL": f"http://127.0.0.1:{_closed_port()}/v1"}
    for proc in (run_demo(env, "--debug"), run_demo({**env, "AUTOGEN_DEBUG": "1"})):
        assert proc.returncode != 0 and "Traceback" in proc.stderr and "LLMCallError" in proc.stderr


def test_a_refused_key_says_which_key_to_check(tmp_path, monkeypatch):
    from autogen.testing import Fault

    monkeypatch.chdir(tmp_path)
    with FakeLLMServer([Fault.error(401, "Incorrect API key provided.")]) as server:
        what, todo = _two_line_error(run_demo({"OAI_CONFIG_LIST": json.dumps(server.config_list)}))
    assert "refused the API key" in what and "Incorrect API key" in what
    assert "OPENAI_API_KEY" in todo and "OAI_CONFIG_LIST" in todo


@pytest.mark.parametrize("where", ["env", "file"])
def test_a_malformed_config_list_is_explained(tmp_path, monkeypatch, where):
    monkeypatch.chdir(tmp_path)
    if where == "file":
        (tmp_path / "OAI_CONFIG_LIST").write_text('[{"model": "gpt-4o",}]')
        env = {}
    else:
        env = {"OAI_CONFIG_LIST": '[{"model": "gpt-4o",'}
    what, todo = _two_line_error(run_demo(env))
    assert what.startswith("error: OAI_CONFIG_LIST could not be read: Malformed JSON")
    assert '"model"' in todo


def test_a_model_missing_from_the_config_list_lists_the_configured_ones(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    config = [
        {"model": "gpt-4o-mini", "api_key": "k"},
        {"model": "claude-sonnet-4-5", "api_key": "k", "api_type": "anthropic"},
    ]
    what, todo = _two_line_error(run_demo({"OAI_CONFIG_LIST": json.dumps(config)}, "--model", "gpt-5"))
    assert "--model 'gpt-5' matches no entry" in what
    assert todo.strip() == "Configured models: claude-sonnet-4-5, gpt-4o-mini."


def test_the_fake_server_chat_prints_no_price_warning(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with FakeLLMServer(["All done. TERMINATE"]) as server:
        proc = run_demo({"OAI_CONFIG_LIST": json.dumps(server.config_list)})
    assert proc.returncode == 0, proc.stderr
    assert "price" not in proc.stderr and "Warning" not in proc.stderr


class _Terminal:
    """A stderr stand-in that says it is a terminal and keeps what was written."""

    def __init__(self, tty: bool) -> None:
        self.tty = tty
        self.text = ""

    def isatty(self) -> bool:
        return self.tty

    def write(self, s: str) -> None:
        self.text += s

    def flush(self) -> None:
        pass


def test_progress_counts_seconds_on_a_terminal_and_erases_its_line():
    import time

    from autogen.__main__ import Progress

    term = _Terminal(tty=True)
    progress = Progress(term, interval=0.01)
    with progress.running("thinking..."):
        time.sleep(0.1)
    assert "\rthinking... 0s" in term.text
    last = term.text.rsplit("\r", 2)
    assert last[-1] == "" and last[-2].strip() == ""  # the line is blanked, the cursor back at its start

    piped = _Terminal(tty=False)
    with Progress(piped, interval=0.01).running("thinking..."):
        time.sleep(0.05)
    assert piped.text == ""
