"""AgentEval: criteria written by a critic (and subcritic) group chat, a run quantified against them,
with the models played by a FakeLLMServer."""

from __future__ import annotations

import json

import pytest

from autogen.agentchat.contrib.agent_eval.agent_eval import generate_criteria, quantify_criteria
from autogen.agentchat.contrib.agent_eval.criterion import Criterion
from autogen.agentchat.contrib.agent_eval.critic_agent import CriticAgent
from autogen.agentchat.contrib.agent_eval.quantifier_agent import QuantifierAgent
from autogen.agentchat.contrib.agent_eval.subcritic_agent import SubCriticAgent
from autogen.agentchat.contrib.agent_eval.task import Task
from autogen.testing import FakeLLMServer

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

TASK = Task(
    name="Math problem solving",
    description="Solve the problem concisely and accurately.",
    successful_response="The answer is 5.",
    failed_response="I don't know.",
)
CRITERIA = [
    {"name": "Accuracy", "description": "Is the answer right?", "accepted_values": ["wrong", "partly", "right"]},
    {"name": "Conciseness", "description": "Is it short?", "accepted_values": ["verbose", "ok", "concise"]},
]


def test_generate_criteria_parses_the_critics_json() -> None:
    answer = "Here are the criteria:\n```json\n" + json.dumps(CRITERIA) + "\n```\nHope this helps."
    with FakeLLMServer([answer]) as llm:
        criteria = generate_criteria(llm_config=llm.llm_config, task=TASK, additional_instructions="Be strict.")
        request = llm.requests[-1].messages
    assert [c.name for c in criteria] == ["Accuracy", "Conciseness"]
    assert criteria[0].accepted_values == ["wrong", "partly", "right"] and criteria[0].sub_criteria == []
    assert request[0]["content"] == CriticAgent.DEFAULT_SYSTEM_MESSAGE + "\nBe strict."
    assert request[1]["content"] == TASK.get_sys_message()
    assert "Task successful example: The answer is 5." in request[1]["content"]


def test_generate_criteria_with_a_subcritic() -> None:
    nested = [
        {
            **CRITERIA[0],
            "sub_criteria": [{"name": "Units", "description": "Units given?", "accepted_values": ["no", "yes"]}],
        }
    ]
    with FakeLLMServer([json.dumps(CRITERIA), json.dumps(nested)]) as llm:
        criteria = generate_criteria(llm_config=llm.llm_config, task=TASK, use_subcritic=True, max_round=3)
        systems = [r.messages[0]["content"] for r in llm.requests]
    assert systems == [CriticAgent.DEFAULT_SYSTEM_MESSAGE + "\n", SubCriticAgent.DEFAULT_SYSTEM_MESSAGE]
    assert criteria[0].sub_criteria[0].name == "Units" and len(criteria) == 1


def test_quantify_criteria() -> None:
    criteria = Criterion.parse_json_str(json.dumps(CRITERIA))
    with FakeLLMServer(['{"Accuracy": "right", "Conciseness": "concise"}']) as llm:
        result = quantify_criteria(
            llm_config=llm.llm_config, criteria=criteria, task=TASK, test_case="answer: 5", ground_truth="true"
        )
        request = llm.requests[-1].messages
    assert result == {
        "actual_success": "true",
        "estimated_performance": '{"Accuracy": "right", "Conciseness": "concise"}',
    }
    assert request[0]["content"] == QuantifierAgent.DEFAULT_SYSTEM_MESSAGE
    assert request[1]["content"] == (
        TASK.get_sys_message()
        + "Evaluation dictionary: "
        + Criterion.write_json(criteria)
        + "actual test case to evaluate: answer: 5"
    )


def test_criterion_and_task_json() -> None:
    criteria = Criterion.parse_json_str(json.dumps(CRITERIA))
    assert Criterion.parse_json_str(Criterion.write_json(criteria)) == criteria
    assert json.loads(Criterion.write_json(criteria))[1] == {**CRITERIA[1], "sub_criteria": []}
    assert Task.parse_json_str(TASK.model_dump_json()) == TASK
