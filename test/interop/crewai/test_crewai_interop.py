"""CrewAIInteroperability. crewai (extra ``interop-crewai``) is too heavy to install here (it pins litellm,
chromadb and more), so these tests put a minimal stand-in for ``crewai.tools.BaseTool`` in ``sys.modules``:
it has the parts the converter uses (``name``, the description CrewAI builds, ``args_schema``, ``run``).
The converted tool is then called by an agent in a real chat against the fake LLM server."""

from __future__ import annotations

import sys
import types
from typing import Any

import pytest
from pydantic import BaseModel, Field

from autogen import AssistantAgent, UserProxyAgent
from autogen.interop import CrewAIInteroperability
from autogen.testing import FakeLLMServer, tool_call

pytestmark = pytest.mark.filterwarnings("ignore:CrewAIInteroperability is deprecated:DeprecationWarning")


class StandInBaseTool:
    """The shape of ``crewai.tools.BaseTool`` that the converter relies on."""

    args_schema: type[BaseModel]

    def __init__(self, name: str, description: str) -> None:
        self.name = name
        fields = ", ".join(self.args_schema.model_fields)
        # CrewAI prefixes the description with the tool's name and arguments.
        self.description = f"Tool Name: {name}\nTool Arguments: {fields}\nTool Description: {description}"

    def run(self, **kwargs: Any) -> Any:
        return self._run(**kwargs)

    def _run(self, **kwargs: Any) -> Any:
        raise NotImplementedError


@pytest.fixture
def crewai_tools(monkeypatch: pytest.MonkeyPatch) -> types.ModuleType:
    if "crewai" in sys.modules and sys.modules["crewai"] is not None:
        pytest.skip("the real crewai is installed")
    crewai = types.ModuleType("crewai")
    tools = types.ModuleType("crewai.tools")
    tools.BaseTool = StandInBaseTool  # type: ignore[attr-defined]
    crewai.tools = tools  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "crewai", crewai)
    monkeypatch.setitem(sys.modules, "crewai.tools", tools)
    return tools


class FileReadInput(BaseModel):
    file_path: str = Field(description="Path of the file to read.")


class FileReadTool(StandInBaseTool):
    args_schema = FileReadInput

    def _run(self, file_path: str) -> str:
        with open(file_path) as f:
            return f.read()


def test_a_converted_crewai_tool_is_called_by_an_agent_in_a_chat(crewai_tools: types.ModuleType, tmp_path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("Hello, World!")
    tool = CrewAIInteroperability.convert_tool(FileReadTool("Read a file's content", "A tool that reads a file."))
    assert tool.name == "Read_a_file_s_content"
    assert tool.description == (
        "A tool that reads a file. (IMPORTANT: When using arguments, put them all in an `args` dictionary)"
    )
    script = [
        {"tool_calls": [tool_call("Read_a_file_s_content", {"args": {"file_path": str(path)}}, id="r1")]},
        "The file says hello.",
    ]
    with FakeLLMServer(script) as llm:
        assistant = AssistantAgent("assistant", llm_config=llm.llm_config)
        user = UserProxyAgent("user", human_input_mode="NEVER", code_execution_config=False)
        tool.register_for_llm(assistant)
        tool.register_for_execution(user)
        user.initiate_chat(assistant, message="What is in the file?", max_turns=2)
        offered = llm.requests[0].body["tools"][0]["function"]
        answered = llm.requests[1].messages[-1]
    assert offered["parameters"]["required"] == ["args"]
    assert answered["content"] == "Hello, World!"
    assert tool.func(args=FileReadInput(file_path=str(path))) == "Hello, World!"


def test_names_are_made_valid_function_names(crewai_tools: types.ModuleType) -> None:
    assert CrewAIInteroperability.convert_tool(FileReadTool("3rd-party tool", "x")).name == "_3rd_party_tool"


def test_wrong_input_is_refused(crewai_tools: types.ModuleType) -> None:
    with (
        pytest.warns(DeprecationWarning, match="will be removed in v0.14"),
        pytest.raises(ValueError, match="Expected an instance of `crewai.tools.BaseTool`"),
    ):
        CrewAIInteroperability.convert_tool(object())
    with pytest.raises(ValueError, match="does not support any additional arguments"):
        CrewAIInteroperability.convert_tool(FileReadTool("read", "x"), verbose=True)


def test_crewai_is_supported_on_python_3_10_to_3_12_only(
    crewai_tools: types.ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert CrewAIInteroperability.get_unsupported_reason() is None
    monkeypatch.setattr(sys, "version_info", (3, 13, 0, "final", 0))
    assert CrewAIInteroperability.get_unsupported_reason() == (
        "This submodule is only supported for Python versions 3.10, 3.11, and 3.12"
    )
