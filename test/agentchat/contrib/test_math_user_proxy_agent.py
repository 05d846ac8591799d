"""MathUserProxyAgent: a MathChat against a FakeLLMServer assistant; the Python queries really run."""

from __future__ import annotations

from pathlib import Path

import pytest

from autogen import AssistantAgent
from autogen.agentchat.contrib.math_user_proxy_agent import (
    PROMPTS,
    MathUserProxyAgent,
    WolframAlphaAPIWrapper,
    _add_print_to_last_line,
    _is_termination_msg_mathchat,
    _remove_print,
    get_from_dict_or_env,
)
from autogen.import_utils import OptionalDependencyError
from autogen.testing import FakeLLMServer

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def math_proxy(tmp_path: Path, **kwargs) -> MathUserProxyAgent:
    return MathUserProxyAgent(code_execution_config={"use_docker": False, "work_dir": str(tmp_path)}, **kwargs)


def test_mathchat_runs_queries_and_keeps_earlier_definitions(tmp_path: Path) -> None:
    replies = [
        "Key idea: define x.\n```python\nfrom sympy import Rational\nx = Rational(1, 3)\nx + Rational(1, 6)\n```",
        "Now square it.\n```python\nx**2\n```",
        "```python\n1/0\n```",
        "The sum is 1/2 and the square is 1/9, so the answer is \\boxed{\\frac{1}{9}}.",
    ]
    with FakeLLMServer(replies) as llm:
        assistant = AssistantAgent("assistant", llm_config=llm.llm_config)
        proxy = math_proxy(tmp_path)
        result = proxy.initiate_chat(
            assistant, message=MathUserProxyAgent.message_generator, problem="What is (1/3)^2?", silent=True
        )
        first_prompt = llm.requests[0].messages[-1]["content"]
    assert first_prompt == PROMPTS["default"] + "What is (1/3)^2?"
    outputs = [m["content"] for m in result.chat_history if m["name"] == "MathChatAgent"][1:]
    assert outputs[0] == "1/2"
    assert outputs[1] == "1/9"  # x came from the first query
    assert outputs[2].startswith("Error: ") and "ZeroDivisionError" in outputs[2]
    assert result.chat_history[-1]["content"].endswith("\\boxed{\\frac{1}{9}}.")
    assert len(result.chat_history) == 8  # the problem, 4 answers, 3 query outputs: ended by the boxed answer


def test_prompt_types_and_customized_prompt(tmp_path: Path) -> None:
    proxy = math_proxy(tmp_path)
    assert MathUserProxyAgent.message_generator(proxy, None, {"problem": "P", "prompt_type": "two_tools"}) == (
        PROMPTS["two_tools"] + "P"
    )
    assert MathUserProxyAgent.message_generator(proxy, None, {"problem": "P", "customized_prompt": "Solve: "}) == (
        "Solve: P"
    )


def test_math_reply_rules(tmp_path: Path) -> None:
    proxy = math_proxy(tmp_path, max_invalid_q_per_step=1)
    reply = proxy._generate_math_reply([{"content": "no query here", "role": "user"}])
    assert reply == (True, MathUserProxyAgent.DEFAULT_REPLY)
    assert proxy._generate_math_reply([{"content": "```python\nprint(2+2)\n```"}]) == (True, "4")
    again = proxy._generate_math_reply([{"content": "```python\nprint(2+2)\n```"}])[1]
    assert again == "4\nYour query or result is same from the last, please try a new approach."
    assert proxy._generate_math_reply([{"content": "```ruby\nputs 1\n```"}]) == (True, "Error: Unknown language.")
    rethink = proxy._generate_math_reply([{"content": "```python\nundefined_name\n```"}])[1]
    assert rethink.startswith("Please revisit the problem statement and your reasoning.")
    assert proxy.execute_one_python_code("y = 3") == ("No output found. Make sure you print the results.", False)
    long_output, ok = proxy.execute_one_python_code("print('x' * 3000)")
    assert not ok and long_output.startswith("Your requested query response is too long.")


def test_helpers() -> None:
    assert _add_print_to_last_line("a = 1\na + 1") == "a = 1\nprint(a + 1)"
    assert _add_print_to_last_line("a = 1") == "a = 1"
    assert _add_print_to_last_line("print(1)\n2") == "print(1)\n2"
    assert _remove_print("a = 1\nprint(a)\nb = 2") == "a = 1\nb = 2"
    assert _is_termination_msg_mathchat({"content": "so \\boxed{3}"})
    assert not _is_termination_msg_mathchat({"content": "\\boxed{3}\n```python\nprint(3)\n```"})
    assert not _is_termination_msg_mathchat({"content": None}) and not _is_termination_msg_mathchat("no answer")
    assert get_from_dict_or_env({"k": "v"}, "k", "NOPE_ENV") == "v"
    assert get_from_dict_or_env({}, "k", "NOPE_ENV_X", default="d") == "d"
    with pytest.raises(ValueError, match="NOPE_ENV_X"):
        get_from_dict_or_env({}, "k", "NOPE_ENV_X")


def test_wolfram_needs_its_package_or_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("WOLFRAM_ALPHA_APPID", raising=False)
    try:
        import wolframalpha  # noqa: F401
    except ImportError:
        with pytest.raises(OptionalDependencyError, match=r"ag2\[mathchat\]"):
            WolframAlphaAPIWrapper()
    else:
        with pytest.raises(ValueError, match="WOLFRAM_ALPHA_APPID"):
            WolframAlphaAPIWrapper()
