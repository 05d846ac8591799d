"""ReasoningAgent and ThinkNode: beam search, DFS, MCTS and LATS over a scripted LLM (FakeLLMServer, real HTTP).

The scripts route each request by the system prompt of the inner agent that sent it (thinker, grader,
executor, prompt rewriter, or the ReasoningAgent itself writing the answer).
"""

from __future__ import annotations

import random
import re
import sys

import pytest

from autogen import UserProxyAgent
from autogen.agents.experimental import ReasoningAgent, ThinkNode
from autogen.agents.experimental.reasoning.reasoning_agent import (
    extract_rlhf_preference_dataset,
    extract_sft_dataset,
)
from autogen.testing import FakeLLMServer

QUESTION = "What is 17 * 23?"


def role_of(request) -> str:
    """Which inner agent sent ``request``."""
    system = request.messages[0]["content"] if request.messages else ""
    if "planner of a step-by-step line of thought" in system:
        return "thinker"
    if "Rate the" in system or "candidate next steps" in system:
        return "grader"
    if "Carry out the last step" in system:
        return "executor"
    if "careful reasoning assistant" in system:
        return "answer"
    return "rewriter"


def last_user(request) -> str:
    return request.messages[-1]["content"]


class Script:
    """A reply callable that answers each inner agent with its own function and records the calls."""

    def __init__(self, **handlers):
        self.handlers = handlers
        self.calls: list[tuple[str, str]] = []

    def __call__(self, request) -> str:
        role = role_of(request)
        self.calls.append((role, last_user(request)))
        return self.handlers[role](request)

    def prompts(self, role: str) -> list[str]:
        return [text for r, text in self.calls if r == role]


def options(*steps: str) -> str:
    body = "\n\n".join(f"Option {i}: {s}" for i, s in enumerate(steps, start=1))
    return f"REFLECTION:\nLooks fine so far.\n\n**Possible Options:**\n{body}"


def depth_of(request) -> int:
    return len(re.findall(r"^Step \d+:", last_user(request), re.MULTILINE))


def grade_by_keyword(request) -> str:
    text = last_user(request).split("Rate:")[-1]
    last_step = text.rsplit("Content:", 1)[-1]
    return "9 - solid" if "multiply" in last_step.lower() else "3 - weak"


# ---- ThinkNode ---------------------------------------------------------------------------------------


def test_think_node_tree_trajectory_and_backpropagation():
    root = ThinkNode("Q?")
    a = ThinkNode("step a", parent=root)
    b = ThinkNode("step b", parent=a)
    b.output = "out b"
    assert (root.depth, a.depth, b.depth) == (0, 1, 2)
    assert root.children == [a] and a.children == [b]
    assert b.trajectory == (
        "# Question:\nContent: Q?\n---\n# Trajectory:\n\nStep 1:\nContent: step a\nStep 2:\nContent: step b\nOutput: out b"
    )
    b.backpropagate(1.0)
    b.backpropagate(0.0)
    assert (b.visits, b.value) == (2, 0.5)
    assert (root.visits, root.value) == (2, 0.5)
    assert str(a) == "step a -> Depth: 1 Value: 0.5 Visits: 2"


def test_think_node_round_trips_through_a_dict():
    root = ThinkNode("Q?")
    child = ThinkNode("c", parent=root)
    child.value, child.visits, child.reflection, child.rating_details, child.output = 0.7, 3, "r", "8", "o"
    ThinkNode("g", parent=child)
    data = root.to_dict()
    copy = ThinkNode.from_dict(data)
    assert copy.to_dict() == data
    assert copy.children[0].children[0].parent is copy.children[0]


def test_dataset_helpers():
    root = ThinkNode("Q?")
    good = ThinkNode("good", parent=root)
    bad = ThinkNode("bad", parent=root)
    good.value, bad.value = 0.9, 0.2
    sft = extract_sft_dataset(root)
    assert sft == [{"instruction": "Q?", "response": good.trajectory[len("# Question: Q?") + 1 :]}]
    pairs = extract_rlhf_preference_dataset(root)
    assert len(pairs) == 1
    assert pairs[0]["preferred_response"] == "Step 1: good"
    assert pairs[0]["dispreferred_response"] == "Step 1: bad"
    assert extract_rlhf_preference_dataset(root, contrastive_threshold=0.8) == []


def test_visualize_tree_without_graphviz_prints_the_install_hint(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "graphviz", None)
    ThinkNode("Q?").visualize_tree()
    assert "pip install graphviz" in capsys.readouterr().out


# ---- construction ------------------------------------------------------------------------------------


def test_configuration_defaults_and_errors():
    agent = ReasoningAgent("r", llm_config=False)
    assert (agent.method, agent._max_depth, agent._beam_size, agent._answer_approach) == ("beam_search", 4, 3, "pool")
    assert agent._root is None and agent._user_proxy is None and agent._executor is None
    assert "python" not in agent._thinker.system_message.lower()
    dfs = ReasoningAgent("r", llm_config=False, reason_config={"method": "dfs", "beam_size": 5})
    assert dfs._beam_size == 1
    mcts = ReasoningAgent("r", llm_config=False, reason_config={"method": "mcts"})
    assert (mcts._nsim, mcts._exploration_constant) == (3, 1.41)
    with pytest.raises(ValueError, match="Invalid reasoning method"):
        ReasoningAgent("r", llm_config=False, reason_config={"method": "bfs"})
    with pytest.raises(ValueError, match="answer_approach"):
        ReasoningAgent("r", llm_config=False, reason_config={"answer_approach": "vote"})
    with pytest.raises(ValueError, match="interim_execution"):
        ReasoningAgent("r", llm_config=False, code_execution_config={"use_docker": False})
    with pytest.warns(DeprecationWarning):
        ReasoningAgent("r", llm_config=False, max_depth=2)
    with pytest.raises(RuntimeError):
        agent.visualize_tree()
    with pytest.raises(RuntimeError):
        agent.extract_sft_dataset()


def test_scope_prefixes_every_inner_prompt():
    agent = ReasoningAgent("r", llm_config=False, scope="Arithmetic only.", reason_config={"interim_execution": True})
    for inner in (agent, agent._thinker, agent._executor):
        assert inner.system_message.startswith("Task Scope: Arithmetic only.\n\n")


# ---- beam search -------------------------------------------------------------------------------------


def test_beam_search_keeps_the_best_paths_and_pools_them_into_the_answer():
    def think(request):
        if depth_of(request) == 0:
            return options("Multiply directly", "Guess a number", "Multiply by parts: 17*20 + 17*3")
        return options("Check the product", "Stop here")

    script = Script(thinker=think, grader=grade_by_keyword, answer=lambda r: "17 * 23 = 391")
    with FakeLLMServer(script) as server:
        agent = ReasoningAgent(
            "reasoner", llm_config=server.llm_config, silent=True, reason_config={"beam_size": 2, "max_depth": 2}
        )
        user = UserProxyAgent("user", human_input_mode="NEVER", code_execution_config=False)
        result = user.initiate_chat(agent, message=QUESTION, max_turns=1, silent=True)

    assert result.chat_history[-1]["content"] == "17 * 23 = 391"
    root = agent._root
    assert root.content == QUESTION
    assert [c.content for c in root.children] == [
        "Multiply directly",
        "Guess a number",
        "Multiply by parts: 17*20 + 17*3",
    ]
    kept = [c for c in root.children if c.children]
    assert [c.content for c in kept] == ["Multiply directly", "Multiply by parts: 17*20 + 17*3"]
    assert root.children[0].value == pytest.approx(8 / 9)
    assert root.children[1].value == pytest.approx(2 / 9)
    assert root.reflection == "Looks fine so far."
    answer_prompt = script.prompts("answer")[-1]
    assert "--- Possibility 1 ---" in answer_prompt and "--- Possibility 2 ---" in answer_prompt
    assert "Guess a number" not in answer_prompt
    roles = [r for r, _ in script.calls]
    assert roles[0] == "thinker" and roles[-1] == "answer"
    assert agent.extract_sft_dataset()  # leaves exist
    prefs = agent.extract_rlhf_preference_dataset()
    assert {
        "preferred_response": "Step 1: Multiply directly",
        "dispreferred_response": "Step 1: Guess a number",
    }.items() <= prefs[0].items()


def test_best_answer_approach_and_a_terminating_option():
    def think(request):
        if depth_of(request) == 0:
            return options("Multiply directly", "Guess")
        return options("TERMINATE\nThe product is known.")

    script = Script(thinker=think, grader=grade_by_keyword, answer=lambda r: "391")
    with FakeLLMServer(script) as server:
        agent = ReasoningAgent(
            "reasoner",
            llm_config=server.llm_config,
            silent=True,
            reason_config={"beam_size": 1, "answer_approach": "best", "max_depth": 5},
        )
        ok, reply = agent.generate_forest_response([{"role": "user", "content": QUESTION}], sender=None)
    assert (ok, reply) == (True, "391")
    prompt = script.prompts("answer")[-1]
    assert "Thinking process:\n" in prompt and "Step 1:\nContent: Multiply directly" in prompt
    assert "Step 2:\nContent: TERMINATE" in prompt
    assert len(script.prompts("thinker")) == 2  # the TERMINATE step ends the search


def test_dfs_follows_one_path_to_max_depth():
    script = Script(
        thinker=lambda r: options(f"Multiply step {depth_of(r) + 1}", "Guess"),
        grader=grade_by_keyword,
        answer=lambda r: "done",
    )
    with FakeLLMServer(script) as server:
        agent = ReasoningAgent(
            "r", llm_config=server.llm_config, silent=True, reason_config={"method": "dfs", "max_depth": 3}
        )
        assert agent.generate_forest_response([{"role": "user", "content": QUESTION}], None) == (True, "done")
    node, path = agent._root, []
    while node.children:
        node = (
            next(c for c in node.children if c.children) if any(c.children for c in node.children) else node.children[0]
        )
        path.append(node.content)
    assert path == ["Multiply step 1", "Multiply step 2", "Multiply step 3"]
    assert len(script.prompts("thinker")) == 3


def test_batch_grading_rates_all_siblings_in_one_call():
    def grade(request):
        assert "Options:\n\nOption 1:\nMultiply" in last_user(request)
        return "Option 1: right track\nRating: 10\n\nOption 2: not useful\nRating: 1"

    script = Script(
        thinker=lambda r: options("Multiply", "Survey people") if depth_of(r) == 0 else options("TERMINATE"),
        grader=grade,
        answer=lambda r: "391",
    )
    with FakeLLMServer(script) as server:
        agent = ReasoningAgent(
            "r", llm_config=server.llm_config, silent=True, reason_config={"beam_size": 1, "batch_grading": True}
        )
        agent.generate_forest_response([{"role": "user", "content": QUESTION}], None)
    first, second = agent._root.children
    assert (first.value, second.value) == (1.0, 0.0)
    assert first.rating_details == "Option 1: right track\nRating: 10"
    assert len(script.prompts("grader")) == 1


def test_ground_truth_goes_to_the_grader_and_a_history_to_the_prompt_rewriter():
    script = Script(
        rewriter=lambda r: "QUESTION: multiply\nCURRENT_QUESTION: What is 17 * 23?",
        thinker=lambda r: options("Multiply", "Guess") if depth_of(r) == 0 else options("TERMINATE"),
        grader=grade_by_keyword,
        answer=lambda r: "391",
    )
    messages = [
        {"role": "user", "content": "I need some arithmetic."},
        {"role": "assistant", "content": "Sure, what?"},
        {"role": "user", "content": f"{QUESTION} GROUND_TRUTH: 391"},
    ]
    with FakeLLMServer(script) as server:
        agent = ReasoningAgent("r", llm_config=server.llm_config, silent=True, reason_config={"beam_size": 1})
        agent.generate_forest_response(messages, None)
        graders = [r for r in server.requests if role_of(r) == "grader"]
    rewrite = script.prompts("rewriter")[0]
    assert "I need some arithmetic." in rewrite and "GROUND_TRUTH" not in rewrite
    assert agent._root.content == "QUESTION: multiply\nCURRENT_QUESTION: What is 17 * 23?"
    assert graders and "Ground Truth is ---\nGROUND_TRUTH: 391" in graders[0].messages[0]["content"]


def test_an_empty_prompt_terminates():
    agent = ReasoningAgent("r", llm_config=False)
    assert agent.generate_forest_response([{"role": "user", "content": ""}], None) == (True, "TERMINATE")


def test_forest_combines_the_answers_of_several_trees():
    answers = iter(["tree one says 391", "tree two says 391", "combined: 391"])
    script = Script(
        thinker=lambda r: options("Multiply", "Guess") if depth_of(r) == 0 else options("TERMINATE"),
        grader=grade_by_keyword,
        answer=lambda r: next(answers),
    )
    with FakeLLMServer(script) as server:
        agent = ReasoningAgent(
            "r", llm_config=server.llm_config, silent=True, reason_config={"beam_size": 1, "forest_size": 2}
        )
        assert agent.generate_forest_response([{"role": "user", "content": QUESTION}], None) == (True, "combined: 391")
    assert "-tree one says 391\n-tree two says 391" in script.prompts("answer")[-1]


# ---- interim execution -------------------------------------------------------------------------------


def test_interim_execution_runs_python_steps_and_asks_the_executor_for_the_others(tmp_path):
    code_step = "Compute it:\n```python\nprint(17 * 23)\n```"

    def think(request):
        if depth_of(request) == 0:
            return options(code_step, "Multiply in the head", "Guess")
        return options("TERMINATE")

    script = Script(
        thinker=think,
        grader=lambda r: "8" if "Guess" not in last_user(r).rsplit("Content:", 1)[-1] else "1",
        executor=lambda r: "about 391",
        answer=lambda r: "391",
    )
    with FakeLLMServer(script) as server:
        agent = ReasoningAgent(
            "r",
            llm_config=server.llm_config,
            silent=True,
            code_execution_config={"use_docker": False, "work_dir": str(tmp_path)},
            reason_config={"beam_size": 2, "interim_execution": True},
        )
        assert "```python" in agent._thinker.system_message
        agent.generate_forest_response([{"role": "user", "content": QUESTION}], None)
    code_node, head_node, guess = agent._root.children
    assert "391" in code_node.output and "exitcode: 0" in code_node.output
    assert head_node.output == "about 391"
    assert guess.output is None
    assert "Output: about 391" in script.prompts("answer")[-1]
    assert agent.execute_node(code_node) is code_node.output  # cached


def test_execute_node_without_code_execution_refuses_python():
    agent = ReasoningAgent("r", llm_config=False, reason_config={"interim_execution": True})
    node = ThinkNode("```python\nprint(1)\n```", parent=ThinkNode("Q"))
    assert agent.execute_node(node) == "Python code execution is disabled. Follow a different approach."
    assert agent.execute_node(ThinkNode("TERMINATE", parent=ThinkNode("Q"))) is None


# ---- MCTS / LATS -------------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["mcts", "lats"])
def test_tree_search_simulations_backpropagate_outcome_ratings(method):
    random.seed(7)
    counter = iter(range(100))

    def think(request):
        if depth_of(request) >= 1:
            return options("TERMINATE")
        return options("Multiply directly", "Guess")

    def grade(request):
        answer = last_user(request).rsplit("Content:", 1)[-1]
        return "10" if "391" in answer else "1"

    def answer(request):
        n = next(counter)
        return "391" if "Multiply directly" in last_user(request) else f"maybe {400 + n}"

    script = Script(thinker=think, grader=grade, answer=answer)
    with FakeLLMServer(script) as server:
        agent = ReasoningAgent(
            "r", llm_config=server.llm_config, silent=True, reason_config={"method": method, "nsim": 4, "max_depth": 3}
        )
        ok, reply = agent.generate_forest_response([{"role": "user", "content": QUESTION}], None)
    root = agent._root
    assert ok and root.visits == 4
    assert sum(c.visits for c in root.children) == 4
    assert [c.content for c in root.children] == ["Multiply directly", "Guess"]
    if reply == "391":
        assert root.children[0].visits > 0
    else:  # every random rollout went to "Guess": the best answer is still the best rated one
        assert root.children[0].visits == 0
    answers = len(script.prompts("answer"))
    assert answers == 4 and len(script.prompts("grader")) == 4
    thinker_prompts = script.prompts("thinker")
    if method == "lats":
        assert thinker_prompts[-1].startswith("## Here are some previous trajectories and reflections")
        assert "### Previous Tries:" in thinker_prompts[-1]
    else:
        assert thinker_prompts[0].startswith("# Question:")
        assert all("Previous Tries" not in p for p in thinker_prompts)


def test_mcts_prefers_the_better_rated_branch_after_exploring_both():
    random.seed(0)

    def think(request):
        return options("TERMINATE") if depth_of(request) >= 1 else options("Multiply directly", "Guess")

    script = Script(
        thinker=think,
        grader=lambda r: "10" if "391" in last_user(r).rsplit("Content:", 1)[-1] else "1",
        answer=lambda r: "391" if "Multiply directly" in last_user(r) else "400",
    )
    with FakeLLMServer(script) as server:
        agent = ReasoningAgent(
            "r",
            llm_config=server.llm_config,
            silent=True,
            reason_config={"method": "mcts", "nsim": 6, "exploration_constant": 0.5},
        )
        assert agent.generate_forest_response([{"role": "user", "content": QUESTION}], None) == (True, "391")
    good, bad = agent._root.children
    assert good.visits > bad.visits
    assert good.value > bad.value
