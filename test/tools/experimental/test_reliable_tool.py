"""ReliableTool: its runner and validator agents talk to a scripted model over real HTTP (FakeLLMServer).

The script routes each request by its system message: the runner's ("You call one function...") takes
the next runner reply, the validator's ("You validate...") the next verdict.
"""

from __future__ import annotations

import asyncio
import json
from typing import Annotated, Any

import pytest

from autogen import AssistantAgent, UserProxyAgent
from autogen.agentchat.group import ContextVariables
from autogen.testing import FakeLLMServer, tool_call
from autogen.tools import Tool
from autogen.tools.experimental import ReliableTool, ReliableToolError
from autogen.tools.experimental.reliable import SuccessfulExecutionParameters, ToolExecutionDetails


class Script:
    """Runner replies and validator verdicts, served to whichever agent asks."""

    def __init__(self, runner: list[Any], verdicts: list[Any]) -> None:
        self.runner, self.verdicts = list(runner), list(verdicts)
        self.runner_requests: list[Any] = []
        self.validator_requests: list[Any] = []

    def __call__(self, request: Any) -> Any:
        system = request.messages[0]["content"]
        if system.lstrip().startswith("You validate"):
            self.validator_requests.append(request)
            return self.verdicts.pop(0)
        self.runner_requests.append(request)
        return self.runner.pop(0)


def call(questions: list[str], hypothesis: str = "three questions", name: str = "execute_sub_questions") -> dict:
    return {"tool_calls": [tool_call(name, {"questions": questions, "hypothesis": hypothesis})]}


def verdict(ok: bool, why: str = "ok") -> str:
    return json.dumps({"validation_result": ok, "justification": why})


def make_tool(llm_config: Any, func: Any = None, **kwargs: Any) -> ReliableTool:
    def sub_questions(questions: Annotated[list[str], "The sub-questions."]) -> list[str]:
        """Returns the sub-questions."""
        return questions

    options = {
        "system_message_addition_for_tool_calling": "Write exactly 3 sub-questions.",
        "system_message_addition_for_result_validation": "There must be exactly 3 questions.",
        **kwargs,
    }
    return ReliableTool("SubQuestions", func or sub_questions, llm_config, llm_config, **options)


def test_it_retries_until_the_validator_accepts_and_returns_the_result():
    script = Script(
        [call(["a", "b"]), call(["a", "b", "c"], hypothesis="now three")],
        [verdict(False, "only 2"), verdict(True, "3 questions")],
    )
    with FakeLLMServer(script) as llm:
        tool = make_tool(llm.llm_config)
        assert tool.run(task="How does photosynthesis work?") == ["a", "b", "c"]
    first_runner, second_runner = script.runner_requests
    system = first_runner.messages[0]["content"]
    assert "'execute_sub_questions'" in system and "Write exactly 3 sub-questions." in system
    assert system.rstrip().endswith("How does photosynthesis work?")
    kickoff = first_runner.messages[1]
    assert {k: kickoff[k] for k in ("role", "content")} == {
        "role": "user",
        "content": "[[Task Kickoff]]: Please execute the required function call for the task: "
        "How does photosynthesis work?",
    }
    # the runner's model is offered the function with a required hypothesis (context variables are hidden)
    (offered,) = first_runner.body["tools"]
    params = offered["function"]["parameters"]
    assert offered["function"]["name"] == "execute_sub_questions"
    assert set(params["properties"]) == {"questions", "hypothesis"}
    assert params["required"] == ["questions", "hypothesis"]
    # on its retry it sees why the first result was rejected
    rejection = '{"validation_result":false,"justification":"only 2"}'
    assert any(m.get("content") == rejection for m in second_runner.messages)
    # the validator sees only the result to judge, under its own prompt, and answers in a schema
    validator = script.validator_requests[0]
    assert "There must be exactly 3 questions." in validator.messages[0]["content"]
    assert validator.messages[1:] == [
        {
            "role": "user",
            "content": "--- Function Result to Validate ---\n```\n['a', 'b']\n```\n--- End of Result ---",
        }
    ]
    assert validator.body["response_format"]["type"] == "json_schema"
    assert "tools" not in validator.body


def test_details_record_every_attempt_errors_included():
    calls = []

    def flaky(questions: Annotated[list[str], "The sub-questions."]) -> list[str]:
        calls.append(questions)
        if len(calls) == 1:
            raise RuntimeError("service unavailable")
        return questions

    script = Script([call(["a"], name="execute_flaky"), call(["a", "b", "c"], name="execute_flaky")], [verdict(True)])
    with FakeLLMServer(script) as llm:
        tool = make_tool(llm.llm_config, flaky, max_tool_invocations=5)
        details = tool.run_and_get_details(task="Split the question.")
    assert isinstance(details, ToolExecutionDetails)
    assert details.is_overall_successful and details.failure_reason is None
    assert details.successful_parameters == SuccessfulExecutionParameters(
        attempt_args=[], attempt_kwargs={"questions": ["a", "b", "c"]}
    )
    record = details.final_tool_context
    assert record.attempt_count == 2 and record.task == "Split the question."
    first, second = record.attempts
    assert first.error == "RuntimeError: service unavailable" and not first.did_execute_successfully
    assert (second.hypothesis, second.result_data, second.validation.justification) == (
        "three questions",
        ["a", "b", "c"],
        "ok",
    )
    # the error went back to the runner as the tool's answer
    error_answer = script.runner_requests[1].messages[-1]
    assert error_answer["role"] == "tool"
    assert error_answer["content"] == "Function execution failed with error: RuntimeError: service unavailable."
    assert len(script.validator_requests) == 1  # an error is not validated


def test_a_tuple_result_keeps_its_data_and_shows_its_text():
    def questions_and_text(questions: Annotated[list[str], "The sub-questions."]) -> tuple[list[str], str]:
        return questions, "Sub Questions are:\n" + "\n".join(questions)

    script = Script([call(["x", "y", "z"], name="execute_questions_and_text")], [verdict(True)])
    with FakeLLMServer(script) as llm:
        details = make_tool(llm.llm_config, questions_and_text).run_and_get_details(task="t")
    record = details.final_tool_context
    assert record.get_final_result_data() == ["x", "y", "z"]
    assert record.get_final_result_str() == "Sub Questions are:\nx\ny\nz"
    assert "Sub Questions are:\nx\ny\nz" in script.validator_requests[0].messages[-1]["content"]


def test_when_every_attempt_is_rejected_run_raises_with_the_record():
    script = Script([call(["a"]), call(["b"])], [verdict(False, "too few"), verdict(False, "still too few")])
    with FakeLLMServer(script) as llm:
        tool = make_tool(llm.llm_config, max_tool_invocations=2)
        with pytest.raises(ReliableToolError, match="failed. Last failure: .*still too few") as failure:
            tool.run(task="t")
    assert failure.value.final_context.attempt_count == 2
    with FakeLLMServer(Script([call(["a"]), call(["b"])], [verdict(False, "no"), verdict(False, "no")])) as llm:
        details = make_tool(llm.llm_config, max_tool_invocations=2).run_and_get_details(task="t")
    assert not details.is_overall_successful and details.successful_parameters is None
    assert details.failure_reason == "Execution succeeded but failed validation (Justification: no)"


def test_a_runner_that_answers_in_text_is_reminded_to_call_the_function():
    script = Script(["I think the questions are a, b, c.", call(["a", "b", "c"])], [verdict(True)])
    with FakeLLMServer(script) as llm:
        assert make_tool(llm.llm_config).run(task="t") == ["a", "b", "c"]
    reminded = script.runner_requests[1].messages[-1]
    assert reminded["role"] == "assistant"
    assert reminded["content"].startswith("I think the questions are a, b, c.\n\n[[System Reminder: You MUST invoke")


def test_an_unreadable_verdict_counts_as_a_rejection():
    script = Script([call(["a"]), call(["a", "b", "c"])], ["looks fine to me", verdict(True)])
    with FakeLLMServer(script) as llm:
        details = make_tool(llm.llm_config).run_and_get_details(task="t")
    assert details.is_overall_successful
    rejected = details.final_tool_context.attempts[0].validation
    assert not rejected.validation_result and "not a valid ValidationResult" in rejected.justification


def test_running_out_of_rounds_before_a_verdict_is_a_failure():
    # one invocation allows 4 messages: kickoff, text (reminded), call, result; the validator gets no turn
    script = Script(["Let me think.", call(["a"])], [])
    with FakeLLMServer(script) as llm:
        tool = make_tool(llm.llm_config, max_tool_invocations=1)
        details = tool.run_and_get_details(task="t")
        assert details.failure_reason.startswith("Execution succeeded but failed validation")
        with pytest.raises(ReliableToolError, match="Usually due to group chat reaching maximum runs"):
            script.runner.extend(["Let me think.", call(["a"])])
            tool.run(task="t")


def test_messages_ground_truth_and_dynamic_rules_reach_both_agents():
    prior = [{"role": "user", "content": "We talked about the Krebs cycle."}]
    script = Script([call(["a", "b", "c"])], [verdict(True)])
    with FakeLLMServer(script) as llm:
        tool = make_tool(
            llm.llm_config, enable_dynamic_validation=True, messages=prior, ground_truth=["It has 8 steps."]
        )
        assert tool.tool_schema["function"]["parameters"]["required"] == ["task"]
        assert "validation_prompt_addition" in tool.tool_schema["function"]["parameters"]["properties"]
        assert tool.func(task="Explain it.", validation_prompt_addition="Mention ATP.") == ["a", "b", "c"]
    gt = {"role": "user", "content": "[[Provided Ground Truth 1]]:\nIt has 8 steps."}
    runner_seen = [{"role": m["role"], "content": m["content"]} for m in script.runner_requests[0].messages]
    assert runner_seen[1:3] == [prior[0], gt]
    validator_seen = script.validator_requests[0].messages
    assert validator_seen[1] == prior[0] and validator_seen[2] == gt
    assert "Additional Dynamic Requirements for This Specific Run:\nMention ATP." in validator_seen[0]["content"]


def test_per_run_messages_replace_the_tools_own_and_context_variables_are_shared():
    script = Script([call(["a", "b", "c"])], [verdict(True)])
    context = ContextVariables(data={"user": "ada"})
    with FakeLLMServer(script) as llm:
        tool = make_tool(llm.llm_config, ground_truth=["default fact"])
        tool.run(task="t", context_variables=context, ground_truth=["run fact"])
    seen = json.dumps(script.runner_requests[0].messages)
    assert "run fact" in seen and "default fact" not in seen
    assert context.get("user") == "ada"
    assert any(key.startswith("SubQuestions_ReliableToolContext_") for key in context.to_dict())


def test_an_outer_agent_uses_it_as_a_tool():
    inner = Script([call(["a", "b", "c"])], [verdict(True)])
    outer_script = [
        {"tool_calls": [tool_call("SubQuestions", {"task": "Break down photosynthesis."}, id="outer1")]},
        "Here are three sub-questions.",
    ]
    with FakeLLMServer(inner) as inner_llm, FakeLLMServer(outer_script) as outer_llm:
        tool = make_tool(inner_llm.llm_config, description="Reliably writes 3 sub-questions.")
        assistant = AssistantAgent("assistant", llm_config=outer_llm.llm_config)
        user = UserProxyAgent("user", human_input_mode="NEVER", code_execution_config=False)
        tool.register_for_llm(assistant)
        tool.register_for_execution(user)
        user.initiate_chat(assistant, message="Help me study photosynthesis.", max_turns=2)
        offered = outer_llm.requests[0].body["tools"][0]["function"]
        answer = outer_llm.requests[1].messages[-1]
    assert offered["name"] == "SubQuestions" and offered["description"] == "Reliably writes 3 sub-questions."
    assert answer["role"] == "tool" and answer["content"] == "['a', 'b', 'c']"
    assert inner.runner_requests[0].messages[0]["content"].rstrip().endswith("Break down photosynthesis.")


def test_an_async_function_runs_in_an_async_chat():
    async def lookup(term: Annotated[str, "What to look up."]) -> str:
        await asyncio.sleep(0)
        return f"definition of {term}"

    script = Script(
        [{"tool_calls": [tool_call("execute_lookup", {"term": "ATP", "hypothesis": "a definition"})]}],
        [verdict(True)],
    )
    with FakeLLMServer(script) as llm:
        tool = ReliableTool("Lookup", lookup, llm.llm_config, llm.llm_config)
        assert tool.is_async
        with pytest.raises(TypeError, match="Use 'a_run\\(\\)'"):
            tool.run(task="t")
        with pytest.raises(TypeError, match="a_run_and_get_details"):
            tool.run_and_get_details(task="t")
        assert asyncio.run(tool.a_run(task="Define ATP.")) == "definition of ATP"
        assert tool.description == "Executes the 'lookup' function."


def test_a_sync_function_run_asynchronously_warns_and_works():
    script = Script([call(["a", "b", "c"])], [verdict(True)])
    with FakeLLMServer(script) as llm:
        tool = make_tool(llm.llm_config)

        async def main() -> ToolExecutionDetails:
            with pytest.warns(UserWarning, match="asynchronously using 'a_run_and_get_details\\(\\)'"):
                return await tool.a_run_and_get_details(task="t")

        assert asyncio.run(main()).is_overall_successful


def test_a_tool_is_wrapped_under_its_own_name_and_configs_are_checked():
    def search(query: str) -> str:
        return f"rows for {query}"

    base = Tool(name="search_db", description="", func_or_tool=search)
    tool = ReliableTool("DB", base, {"model": "m", "api_key": "k"}, {"model": "m", "api_key": "k"})
    assert tool.name == "DB" and tool.description == "Executes the 'search_db' function."
    assert tool._runner.llm_config["tools"][0]["function"]["name"] == "execute_search_db"
    assert (tool._runner.name, tool._validator.name) == ("DB_Runner", "DB_Validator")
    with pytest.raises(ValueError, match="Runner LLM config failed validation"):
        ReliableTool("x", base, False, {"model": "m", "api_key": "k"})
    with pytest.raises(ValueError, match="Validator LLM config failed validation"):
        ReliableTool("x", base, {"model": "m", "api_key": "k"}, False)
    with pytest.raises(TypeError, match="must be a callable or an autogen.Tool"):
        ReliableTool("x", 42, {"model": "m", "api_key": "k"}, {"model": "m", "api_key": "k"})  # type: ignore[arg-type]
    details = tool.run_and_get_details(task="t", context_variables="not context")  # type: ignore[arg-type]
    assert not details.is_overall_successful and details.failure_reason.startswith("Invalid ContextVariables type")


def test_an_async_reliable_tool_in_an_async_outer_chat():
    async def define(term: Annotated[str, "What to define."]) -> str:
        return f"{term}: the energy currency of the cell"

    inner = Script(
        [{"tool_calls": [tool_call("execute_define", {"term": "ATP", "hypothesis": "a definition"})]}],
        [verdict(True)],
    )
    outer_script = [
        {"tool_calls": [tool_call("Definer", {"task": "Define ATP."}, id="o1")]},
        "ATP is the energy currency of the cell.",
    ]
    with FakeLLMServer(inner) as inner_llm, FakeLLMServer(outer_script) as outer_llm:
        tool = ReliableTool("Definer", define, inner_llm.llm_config, inner_llm.llm_config)
        assistant = AssistantAgent("assistant", llm_config=outer_llm.llm_config)
        user = UserProxyAgent("user", human_input_mode="NEVER", code_execution_config=False)
        tool.register_for_llm(assistant)
        tool.register_for_execution(user)
        asyncio.run(user.a_initiate_chat(assistant, message="What is ATP?", max_turns=2))
        answer = outer_llm.requests[1].messages[-1]
    assert answer["role"] == "tool" and answer["content"] == "ATP: the energy currency of the cell"
