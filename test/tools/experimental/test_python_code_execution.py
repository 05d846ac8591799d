"""PythonCodeExecutionTool and the Python environments it runs code in (real subprocesses and a real venv)."""

from __future__ import annotations

import asyncio
import sys

import pytest

from autogen import AssistantAgent, UserProxyAgent
from autogen.environments import SystemPythonEnvironment, VenvPythonEnvironment, WorkingDirectory
from autogen.testing import FakeLLMServer, tool_call
from autogen.tools.experimental import PythonCodeExecutionTool
from autogen.tools.experimental.code_execution.python_code_execution import CodeExecutionRequest


def run(tool, code: str) -> dict:
    return asyncio.run(tool.func(code_execution_request=CodeExecutionRequest(code=code, libraries=[])))


def test_the_tool_runs_code_in_the_active_environment_and_directory(tmp_path):
    with SystemPythonEnvironment() as env, WorkingDirectory(str(tmp_path / "work")) as wd:
        tool = PythonCodeExecutionTool(timeout=10)
    assert tool.python_environment is env and tool.working_directory is wd
    assert tool.name == "python_execute_code"
    params = tool.tool_schema["function"]["parameters"]
    assert "code_execution_request" in params["properties"]
    result = run(tool, "import os\nprint('hi', 6 * 7)\nprint(os.getcwd())")
    assert result["success"] is True and result["returncode"] == 0
    assert result["stdout"].startswith("hi 42\n")
    assert (tmp_path / "work" / "script.py").read_text().startswith("import os")


def test_errors_and_timeouts_are_reported(tmp_path):
    tool = PythonCodeExecutionTool(
        timeout=1, python_environment=SystemPythonEnvironment(), working_directory=WorkingDirectory(str(tmp_path))
    )
    failed = run(tool, "raise SystemExit('boom')")
    assert failed["success"] is False and failed["returncode"] == 1 and "boom" in failed["stderr"]
    slow = run(tool, "import time\ntime.sleep(5)")
    assert slow == {"success": False, "error": "Execution timed out after 1 seconds"}


def test_without_an_environment_the_tool_refuses():
    with pytest.raises(AssertionError, match="No Working directory"):
        PythonCodeExecutionTool()
    with WorkingDirectory.create_tmp(), pytest.raises(AssertionError, match="No Python environment"):
        PythonCodeExecutionTool()


def test_working_directory_enters_and_cleans_up(tmp_path):
    import os

    before = os.getcwd()
    with WorkingDirectory.create_tmp() as wd:
        assert os.getcwd() == os.path.realpath(wd.path) or os.getcwd() == wd.path
        path = wd.path
    assert os.getcwd() == before and not os.path.exists(path)
    assert WorkingDirectory.get_current_working_directory() is None


def test_a_venv_environment_runs_its_own_interpreter(tmp_path):
    venv = tmp_path / "venv"
    with VenvPythonEnvironment(venv_path=str(venv)) as env:
        tool = PythonCodeExecutionTool(working_directory=WorkingDirectory(str(tmp_path)))
        result = run(tool, "import sys\nprint(sys.prefix)")
        assert result["success"], result
        assert result["stdout"].strip() == str(venv)
        assert env.get_executable().startswith(str(venv))
        reused = VenvPythonEnvironment(venv_path=str(venv))
        assert reused.created_venv is False and reused.get_executable() == env.get_executable()
    assert not venv.exists()  # the venv this environment created is removed with it
    with pytest.raises(RuntimeError, match="not found"):
        VenvPythonEnvironment(python_path=str(tmp_path / "nope"))
    assert sys.executable  # the system interpreter is untouched


def test_an_agent_calls_the_tool_in_a_chat(tmp_path):
    replies = [
        {
            "tool_calls": [
                tool_call("python_execute_code", {"code_execution_request": {"code": "print(2**10)", "libraries": []}})
            ]
        },
        "It printed 1024. TERMINATE",
    ]
    with FakeLLMServer(replies) as server:
        tool = PythonCodeExecutionTool(
            python_environment=SystemPythonEnvironment(), working_directory=WorkingDirectory(str(tmp_path))
        )
        assistant = AssistantAgent("assistant", llm_config=server.llm_config)
        user = UserProxyAgent(
            "user",
            human_input_mode="NEVER",
            code_execution_config=False,
            is_termination_msg=lambda m: "TERMINATE" in (m.get("content") or ""),
        )
        tool.register_for_llm(assistant)
        tool.register_for_execution(user)
        user.initiate_chat(assistant, message="compute 2**10", silent=True)
        sent = server.requests[0].body["tools"][0]["function"]
        tool_result = server.requests[1].messages[-1]
    assert sent["name"] == "python_execute_code"
    assert tool_result["role"] == "tool" and "1024" in tool_result["content"]
