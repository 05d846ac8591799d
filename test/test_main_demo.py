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
        [sys.executable, "-m", "autogen", *args], capture_output=True, text=True, env=full_env, timeout=timeout, cwd=os.getcwd()
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
