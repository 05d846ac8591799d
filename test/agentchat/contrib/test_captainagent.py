"""CaptainAgent: a user proxy's message starts the nested chat; the inner assistant calls seek_experts_help,
which builds a team with AgentBuilder (from scratch or from an agent library, with tools retrieved offline
from the tool library), runs its group chat (code really runs in the Computer_terminal) and returns the
builder's review. The LLM is a FakeLLMServer answering each prompt by kind."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from autogen import UserProxyAgent
from autogen.agentchat.contrib.captainagent import (
    CaptainAgent,
    ToolBuilder,
    format_ag2_tool,
    get_full_tool_description,
    tool_retriever,
)
from autogen.agentchat.contrib.captainagent.captainagent import CaptainUserProxyAgent
from autogen.coding import CodeBlock
from autogen.testing import FakeLLMServer, tool_call
from autogen.tools import Tool

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

TOOLS_DIR = Path(tool_retriever.__file__).parent / "tools"
EXPERT_CODE = "```python\nfrom functions import sum_of_primes_below\nprint(sum_of_primes_below(10))\n```"


class Script:
    """Answers CaptainAgent's, the builder's and the experts' requests by what they ask."""

    def __init__(
        self,
        expert_reply: str = "6*7 = 42. TERMINATE",
        selection: str | None = None,
        seek_args: dict[str, str] | None = None,
        seeks: int = 1,
    ) -> None:
        self.expert_reply = expert_reply
        self.selection = selection
        self.seek_args = seek_args or {
            "group_name": "math",
            "building_task": "- an arithmetic expert",
            "execution_task": "Compute 6*7",
        }
        self.seeks = seeks
        self.kinds: list[str] = []

    def __call__(self, request) -> Any:
        messages = request.messages
        last = messages[-1].get("content") or ""
        system = messages[0].get("content") if messages[0]["role"] == "system" else ""
        kind, reply = self.answer(messages, last, system or "", request.body)
        self.kinds.append(kind)
        return reply

    def answer(self, messages: list[dict[str, Any]], last: str, system: str, body: dict[str, Any]) -> tuple[str, Any]:
        if last.startswith("# Your task\nSuggest at most"):
            return "names", "Math_Expert"
        if last.startswith("# Your goal\n- Fill in the template"):
            return "sys_msg", "## Your role\nMath_Expert solves arithmetic."
        if last.startswith("# Your goal\nSummarize the description"):
            return "description", "An arithmetic expert."
        if last.startswith("# Your goal\nMatch each skill"):
            return "selection", self.selection
        if last.startswith("# Your task\nSummarize the following conversation of a group"):
            assert "Math_Expert" in last
            return "review", "## Results\n42\n### Need to double-check?\nNo"
        if "seek_experts_help" in json.dumps(body.get("tools", [])):
            if last.startswith("Read the following conversation between an expert"):
                return "summary", "The experts found 42."
            if sum(m.get("role") == "tool" for m in messages) < self.seeks:
                return "seek", {"tool_calls": [tool_call("seek_experts_help", self.seek_args)]}
            return "final", "The answer is 42. TERMINATE"
        if "**Your role is**: Math_Expert" in system:
            return "expert", self.expert_reply
        raise AssertionError(f"unexpected request: {last[:100]!r}")


def captain(llm: FakeLLMServer, work: Path, **kwargs: Any) -> CaptainAgent:
    nested = {
        "autobuild_build_config": {
            "code_execution_config": {
                "use_docker": False,
                "work_dir": str(work / "gc"),
                "timeout": 60,
                "last_n_messages": 1,
            }
        },
        "group_chat_config": {"max_round": 3, "speaker_selection_method": "round_robin"},
    }
    nested.update(kwargs.pop("nested_config", {}))
    return CaptainAgent(
        "captain",
        llm_config=llm.llm_config,
        code_execution_config={"use_docker": False, "work_dir": str(work / "captain")},
        nested_config=nested,
        **kwargs,
    )


def test_from_scratch_builds_a_team_runs_it_and_answers(tmp_path: Path) -> None:
    script = Script()
    with FakeLLMServer(script) as llm:
        agent = captain(llm, tmp_path, agent_config_save_path=str(tmp_path))
        user = UserProxyAgent("user_proxy", human_input_mode="NEVER", code_execution_config=False)
        result = user.initiate_chat(agent, message="What is 6 times 7?", max_turns=1)
    assert script.kinds == ["seek", "names", "sys_msg", "description", "expert", "review", "final", "summary"]
    assert result.summary == "The experts found 42."
    executor = agent.executor
    assert isinstance(executor, CaptainUserProxyAgent) and executor.build_times == 1
    assert list(executor.build_history) == ["math"]
    assert executor.build_history["math"]["agent_configs"][0]["name"] == "Math_Expert"
    inner = agent.executor.chat_messages[agent.assistant]
    assert inner[0]["content"] == "What is 6 times 7?"
    assert inner[2]["content"].startswith("# Response from seek_agent_help: \n## Results\n42")
    saved = list(tmp_path.glob("build_history_*.json"))
    assert len(saved) == 1 and "Math_Expert" in saved[0].read_text()


def test_the_same_group_is_reloaded_without_building_again(tmp_path: Path) -> None:
    script = Script(seeks=2)
    with FakeLLMServer(script) as llm:
        agent = captain(llm, tmp_path)
        user = UserProxyAgent("user_proxy", human_input_mode="NEVER", code_execution_config=False)
        user.initiate_chat(agent, message="What is 6 times 7?", max_turns=1)
    assert script.kinds.count("seek") == 2 and script.kinds.count("names") == 1
    assert script.kinds.count("review") == 2 and agent.executor.build_times == 2


def test_library_and_default_tool_library_give_the_expert_tools_that_run(tmp_path: Path) -> None:
    library = [
        {
            "name": "Math_Expert",
            "description": "Solves arithmetic and number theory problems such as sums of primes.",
            "system_message": "You are good at number theory.",
        },
        {"name": "Chef", "description": "Cooks pasta.", "system_message": "You cook."},
    ]
    selection = '```json\n{"sum the prime numbers": "Math_Expert: Solves arithmetic and number theory problems such as sums of primes."}\n```'
    args = {"group_name": "primes", "building_task": "sum the prime numbers", "execution_task": "Sum primes below 10"}
    script = Script(expert_reply=EXPERT_CODE, selection=selection, seek_args=args)
    with FakeLLMServer(script) as llm:
        agent = captain(
            llm,
            tmp_path,
            agent_lib=json.dumps(library),
            tool_lib="default",
            nested_config={"group_chat_config": {"max_round": 4, "speaker_selection_method": "round_robin"}},
        )
        user = UserProxyAgent("user_proxy", human_input_mode="NEVER", code_execution_config=False)
        user.initiate_chat(agent, message="What is the sum of the primes below 10?", max_turns=1)
    assert "selection" in script.kinds and "names" not in script.kinds
    executor = agent.executor
    docstrings = executor.tool_history["primes"][0]
    assert any(d.startswith("def sum_of_primes_below(threshold):") for d in docstrings)
    configs = executor.build_history["primes"]["agent_configs"]
    assert [c["name"] for c in configs] == ["Math_Expert"]
    # The expert's code imported the library function and the Computer_terminal ran it.
    review_prompt = next(
        r for r in llm.requests if r.messages[-1]["content"].startswith("# Your task\nSummarize the following")
    )
    assert "exitcode: 0" in review_prompt.messages[-1]["content"] and "17" in review_prompt.messages[-1]["content"]


def test_tool_builder_retrieves_binds_and_describes(tmp_path: Path) -> None:
    builder = ToolBuilder(str(TOOLS_DIR))
    hits = builder.retrieve("detect outliers in a column of a csv file")
    assert hits[0].split(" ")[0] == "data_analysis" and "outlier" in hits[0]
    assert builder.retrieve("sum of all prime numbers below a number", top_k=1)[0].startswith(
        "math sum_of_primes_below"
    )
    description = get_full_tool_description(str(TOOLS_DIR / "math" / "calculate_day_of_the_week.py"))
    assert description.startswith('def calculate_day_of_the_week(total_days: int, starting_day: str):\n    """')
    with pytest.raises(ValueError, match="not found"):
        (tmp_path / "nothing.py").write_text("x = 1\n")
        get_full_tool_description(str(tmp_path / "nothing.py"))
    names = [f.__name__ for f in tool_retriever.find_callables(str(TOOLS_DIR))]
    rows = [
        line.split("\t")[1].split(" ")[1] for line in (TOOLS_DIR / "tool_description.tsv").read_text().splitlines()[1:]
    ]
    assert sorted(names) == sorted(rows)  # every described tool has its file, and the other way round


def test_user_defined_tools_are_called_directly(tmp_path: Path) -> None:
    def add(args: dict) -> int:
        """Add the numbers a and b."""
        return args["a"] + args["b"]

    tool = Tool(name="adder", description="Add two numbers.", func_or_tool=add)
    builder = ToolBuilder([tool], type="user_defined")
    assert builder.retrieve("add numbers", top_k=1) == ["Add two numbers."]
    stub = format_ag2_tool(tool)
    assert stub.startswith("def adder(args):\n") and "Add two numbers." in stub
    proxy = UserProxyAgent(
        "Computer_terminal", code_execution_config={"work_dir": str(tmp_path)}, human_input_mode="NEVER"
    )
    bound = builder.bind_user_proxy(proxy, [tool])
    executor = bound._code_executor
    assert isinstance(executor, tool_retriever.LocalExecutorWithTools)
    result = executor.execute_code_blocks([CodeBlock(code="print(adder({'a': 2, 'b': 3}))", language="python")])
    assert result.exit_code == 0 and result.output.strip() == "5"
    failed = executor.execute_code_blocks([CodeBlock(code="raise RuntimeError('no')", language="python")])
    assert failed.exit_code == 1 and "RuntimeError: no" in failed.output and os.path.isfile(failed.code_file)


@pytest.mark.parametrize(
    ("module", "args", "expected"),
    [
        ("math/sum_of_primes_below", (10,), 17),
        ("math/calculate_day_of_the_week", (10, "Monday"), "Thursday"),
        ("math/calculate_fraction_sum", (1, 2, 3, 4), "1 1/4"),
        ("math/simplify_mixed_numbers", (1, 2, 1, 3, 1, 2), "3 5/6"),
        ("math/fraction_to_mixed_numbers", (7, 3), "2 1/3"),
        ("math/count_distinct_permutations", ("aab",), 3),
        ("math/modular_inverse_sum", ([2, 3, 4], 7), (4 + 5 + 2) % 7),
        ("math/sum_of_digit_factorials", (145,), 145),
        ("math/calculate_reflected_point", ({"x": 1, "y": 2},), {"x": 2, "y": 1}),
        ("math/compute_currency_conversion", (10, 4), 2.5),
    ],
)
def test_library_tools_compute(module: str, args: tuple, expected: Any) -> None:
    func = getattr(tool_retriever._load_module(str(TOOLS_DIR / f"{module}.py")), module.split("/")[1])
    assert func(*args) == expected


def test_data_analysis_tools_on_a_csv(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    csv_file = tmp_path / "data.csv"
    csv_file.write_text("a,b\n" + "".join(f"{v},{2 * v}\n" for v in [1, 2, 3, 2, 1, 2, 3, 100]))

    def tool(name: str):
        return getattr(tool_retriever._load_module(str(TOOLS_DIR / "data_analysis" / f"{name}.py")), name)

    assert tool("detect_outlier_iqr")(str(csv_file), "a") == [7]
    assert tool("detect_outlier_zscore")(str(csv_file), "a", threshold=2) == [7]
    assert tool("calculate_correlation")(str(csv_file), "a", "b") == pytest.approx(1.0)
    tool("explore_csv")(str(csv_file), num_lines=2)
    out = capsys.readouterr().out
    assert "Columns:\na, b" in out and "Shape: (8, 2)" in out and "a: int" in out
