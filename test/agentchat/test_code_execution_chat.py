"""A user proxy runs the code an assistant writes (legacy config and executor config)."""

from __future__ import annotations

import pytest

from autogen import AssistantAgent, UserProxyAgent
from autogen.coding import LocalCommandLineCodeExecutor
from autogen.testing import FakeLLMServer

CODE_REPLY = "Run this:\n```python\nprint(6 * 7)\n```"


@pytest.mark.parametrize("mode", ["legacy", "executor"])
def test_user_proxy_runs_assistant_code(stream, tmp_path, mode):
    if mode == "legacy":
        config = {"work_dir": str(tmp_path), "use_docker": False, "timeout": 20}
    else:
        config = {"executor": LocalCommandLineCodeExecutor(work_dir=tmp_path, timeout=20)}
    with FakeLLMServer([CODE_REPLY, "It printed 42. TERMINATE"]) as server:
        asst = AssistantAgent("asst", llm_config=server.llm_config)
        user = UserProxyAgent(
            "user",
            human_input_mode="NEVER",
            code_execution_config=config,
            is_termination_msg=lambda m: "TERMINATE" in (m.get("content") or ""),
        )
        user.initiate_chat(asst, message="compute 6*7")
        exec_reply = user.chat_messages[asst][2]["content"]
        assert exec_reply.startswith("exitcode: 0 (execution succeeded)")
        assert "42" in exec_reply
        # the model saw the execution result
        assert "42" in server.requests[1].messages[-1]["content"]


def test_failing_code_reports_exit_code(stream, tmp_path):
    bad = "```python\nimport sys\nprint('oops', file=sys.stderr)\nraise SystemExit(3)\n```"
    with FakeLLMServer([bad, "TERMINATE"]) as server:
        asst = AssistantAgent("asst", llm_config=server.llm_config)
        user = UserProxyAgent("user", human_input_mode="NEVER", code_execution_config={"work_dir": str(tmp_path), "use_docker": False})
        user.initiate_chat(asst, message="go")
        reply = user.chat_messages[asst][2]["content"]
        assert reply.startswith("exitcode: 3 (execution failed)")
        assert "oops" in reply  # legacy execute_code returns stderr on failure
        assert len(server.requests) == 2


def test_executor_config_rejects_legacy_keys(tmp_path):
    with pytest.raises(ValueError, match="work_dir"):
        UserProxyAgent("u", code_execution_config={"executor": "commandline-local", "work_dir": str(tmp_path)})


def test_use_docker_without_engine_fails_clearly(monkeypatch, tmp_path):
    from autogen.coding import docker_utils

    monkeypatch.setattr(docker_utils, "is_docker_running", lambda: False)
    monkeypatch.setattr(docker_utils, "in_docker_container", lambda: False)
    monkeypatch.setenv("AUTOGEN_USE_DOCKER", "True")
    with pytest.raises(RuntimeError, match="use_docker"):
        UserProxyAgent("u", code_execution_config={"work_dir": str(tmp_path)})
