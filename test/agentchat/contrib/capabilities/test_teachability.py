"""Teachability on a real Chroma collection with the offline embedder; the teachable agent and its
TextAnalyzerAgent talk to one FakeLLMServer whose reply callable plays both models."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import pytest

pytest.importorskip("chromadb")

from autogen import ConversableAgent
from autogen.agentchat.contrib.capabilities.teachability import MemoStore, Teachability
from autogen.retrieve.embeddings import EmbeddingModelNotFound, get_embedding_function
from autogen.testing import FakeLLMServer

try:
    get_embedding_function()(["probe"])
except EmbeddingModelNotFound as e:  # pragma: no cover - CI installs the model
    pytest.skip(f"offline embedding model missing: {e}", allow_module_level=True)

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

FACT = "The twist of two numbers is their product minus their sum."
QUESTION = "What is the twist of 5 and 7?"
ADVICE_TASK = "Sort the list [3, 1, 2]. Tip: always show the sorted list in square brackets."


def analyzer_answer(instructions: str, text: str) -> str:
    """What a sensible analyzer model would answer (enough for the scripted conversations)."""
    if instructions.startswith("Does any part of the TEXT ask the agent to perform a task"):
        return "yes" if ("?" in text or text.startswith("Sort")) else "no"
    if instructions.startswith("Briefly copy any advice"):
        return "Show the sorted list in square brackets." if "Tip:" in text else "none"
    if "copy just the task" in instructions.lower():
        return text.split(" Tip:")[0]
    if instructions.startswith("Summarize very briefly"):
        return "Sort a list of numbers." if "Sort" in text else "Compute the twist of two numbers."
    if instructions.startswith("Does the TEXT contain information"):
        return "yes" if text == FACT else "no"
    if instructions.startswith("Imagine that the user forgot"):
        return "What is the twist of two numbers?"
    if instructions.startswith("Copy the information"):
        return FACT
    raise AssertionError(f"unexpected analyzer instructions: {instructions!r}")


class Models:
    """The reply callable: analyzer requests are answered by `analyzer_answer`, the agent's own
    requests by whether the memory reached its prompt."""

    def __init__(self) -> None:
        self.agent_prompts: list[str] = []
        self.analyzer_calls: list[tuple[str, str]] = []

    def __call__(self, request) -> str:
        last = request.messages[-1]["content"]
        match = re.fullmatch(r"# INSTRUCTIONS\n(.*)\n\n# TEXT\n(.*)\n\n# INSTRUCTIONS\n.*\n", last, re.DOTALL)
        if match:
            instructions, text = match.group(1).strip(), match.group(2)
            self.analyzer_calls.append((instructions, text))
            return analyzer_answer(instructions, text)
        self.agent_prompts.append(last)
        if "# Memories that might help" in last and "product minus their sum" in last:
            return "5 * 7 - (5 + 7) = 23"
        return "I do not know what a twist is."


def teachable(server: FakeLLMServer, db: Path, **kwargs) -> tuple[ConversableAgent, Teachability]:
    agent = ConversableAgent("teachable_agent", llm_config=server.llm_config, human_input_mode="NEVER")
    teachability = Teachability(path_to_db_dir=str(db), **kwargs)
    teachability.add_to_agent(agent)
    return agent, teachability


def ask(agent: ConversableAgent, message: str) -> str:
    user = ConversableAgent("user", llm_config=False, human_input_mode="NEVER", max_consecutive_auto_reply=0)
    user.initiate_chat(agent, message=message, silent=True)
    return user.last_message(agent)["content"]


def test_a_fact_taught_in_one_session_is_recalled_in_the_next(tmp_path: Path) -> None:
    models = Models()
    with FakeLLMServer(models) as llm:
        agent, teachability = teachable(llm, tmp_path / "db", reset_db=True)
        assert agent.system_message.endswith("remember user teachings from prior conversations.")
        teachability.prepopulate_db()
        assert ask(agent, QUESTION) == "I do not know what a twist is."
        ask(agent, FACT)
        assert teachability.memo_store.uid_text_dict["11"] == ("What is the twist of two numbers?", FACT)
        # a new agent (a new process, as far as the memory is concerned) on the same directory
        agent2, teachability2 = teachable(llm, tmp_path / "db")
        assert teachability2.memo_store.last_memo_id == 11
        assert ask(agent2, QUESTION) == "5 * 7 - (5 + 7) = 23"
    prompt = models.agent_prompts[-1]
    assert prompt.startswith(QUESTION + "\n\n# Memories that might help\n- " + FACT)
    assert "pdfs" not in prompt  # unrelated prepopulated memos stay out
    # the stored history keeps the message as received; the analyzer saw the text, then the instructions
    assert agent2.chat_messages[next(iter(agent2.chat_messages))][0]["content"] == QUESTION
    assert (
        "Does the TEXT contain information that could be committed to memory? Answer with just one word, yes or no.",
        FACT,
    ) in models.analyzer_calls


def test_task_advice_pairs_are_stored_generalised(tmp_path: Path) -> None:
    models = Models()
    with FakeLLMServer(models) as llm:
        agent, teachability = teachable(llm, tmp_path / "db", reset_db=True)
        ask(agent, ADVICE_TASK)
        assert list(teachability.memo_store.uid_text_dict.values()) == [
            ("Sort a list of numbers.", "Show the sorted list in square brackets.")
        ]
        ask(agent, "Sort the list [9, 8].")
    assert models.agent_prompts[-1].endswith("# Memories that might help\n- Show the sorted list in square brackets.\n")


def test_memo_store_threshold_reset_and_persistence(tmp_path: Path) -> None:
    store = MemoStore(path_to_db_dir=str(tmp_path / "memos"), reset=True)
    store.prepopulate()
    store.add_input_output_pair("What is the capital of France?", "Paris")
    related = store.get_related_memos("Which city is the capital of France?", n_results=20, threshold=1.5)
    assert related[0][:2] == ("What is the capital of France?", "Paris") and related[0][2] < 0.5
    assert all(distance < 1.5 for *_, distance in related)
    assert store.get_related_memos("capital of France", n_results=20, threshold=0.0) == []
    nearest = store.get_nearest_memo("France capital city")
    assert nearest[1] == "Paris"
    store._save_memos()  # a single memo is written by the capability, after each message
    again = MemoStore(path_to_db_dir=str(tmp_path / "memos"))
    assert again.last_memo_id == 11 and again.get_nearest_memo("capital of France")[1] == "Paris"
    again.reset_db()
    assert again.uid_text_dict == {} and again.vec_db.count() == 0
    assert MemoStore(path_to_db_dir=str(tmp_path / "memos")).last_memo_id == 0


def test_teachability_needs_an_llm_config(tmp_path: Path) -> None:
    agent = ConversableAgent("plain", llm_config=False)
    with warnings.catch_warnings(), pytest.raises(AssertionError, match="valid llm_config"):
        Teachability(path_to_db_dir=str(tmp_path / "db")).add_to_agent(agent)
