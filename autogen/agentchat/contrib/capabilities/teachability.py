"""Teachability: an agent that remembers what users teach it, across conversations.

A TextAnalyzerAgent reads every message the agent receives: facts worth remembering are stored as
question-answer memos, advice as task-advice memos, in a Chroma collection on disk (embedded with the
library's offline all-MiniLM-L6-v2 model, the model Chroma itself uses by default, so ``recall_threshold``
keeps its meaning: a squared L2 distance). Memos related to a new message are appended to it before the
agent replies; the stored history keeps the message as it was received.
"""

from __future__ import annotations

import os
import pickle
from typing import Any

from ....code_utils import content_str
from ....formatting_utils import colored
from ....import_utils import optional_import
from ...conversable_agent import ConversableAgent
from ..text_analyzer_agent import TextAnalyzerAgent
from .agent_capability import AgentCapability

__all__ = ["MemoStore", "Teachability"]

_ASKS_FOR_TASK = "Does any part of the TEXT ask the agent to perform a task or solve a problem? Answer with just one word, yes or no."
_COPY_ADVICE = (
    "Briefly copy any advice from the TEXT that may be useful for a similar but different task in the future. "
    "But if no advice is present, just respond with 'none'."
)
_COPY_TASK_BRIEFLY = (
    "Briefly copy just the task from the TEXT, then stop. Don't solve it, and don't include any advice."
)
_COPY_TASK = "Copy just the task from the TEXT, then stop. Don't solve it, and don't include any advice."
_GENERALIZE_TASK = (
    "Summarize very briefly, in general terms, the type of task described in the TEXT. "
    "Leave out details that might not appear in a similar problem."
)
_HAS_INFORMATION = (
    "Does the TEXT contain information that could be committed to memory? Answer with just one word, yes or no."
)
_QUESTION_FOR_INFORMATION = (
    "Imagine that the user forgot this information in the TEXT. How would they ask you for this information? "
    "Include no other text in your response."
)
_COPY_INFORMATION = "Copy the information from the TEXT that should be committed to memory. Add no explanation."


class Teachability(AgentCapability):
    """Gives an agent a memory of user teachings (see the module docstring).

    Args:
        verbosity: 0 basic info, 1 memory operations, 2 analyzer messages, 3 memo lists.
        reset_db: clear the memory first.
        path_to_db_dir: the memory's directory (teachable agents in one group chat need distinct ones).
        recall_threshold: largest distance of a recalled memo (0 is an exact match).
        max_num_retrievals: most memos recalled per lookup.
        llm_config: the analyzer's LLM config (None: the agent's).
    """

    def __init__(
        self,
        verbosity: int | None = 0,
        reset_db: bool | None = False,
        path_to_db_dir: str | None = "./tmp/teachable_agent_db",
        recall_threshold: float | None = 1.5,
        max_num_retrievals: int | None = 10,
        llm_config: Any = None,
    ) -> None:
        self.verbosity = verbosity or 0
        self.path_to_db_dir = path_to_db_dir
        self.recall_threshold = recall_threshold if recall_threshold is not None else 1.5
        self.max_num_retrievals = max_num_retrievals if max_num_retrievals is not None else 10
        self.llm_config = llm_config
        self.analyzer: TextAnalyzerAgent | None = None
        self.teachable_agent: ConversableAgent | None = None
        self.memo_store = MemoStore(self.verbosity, reset_db, self.path_to_db_dir)

    def add_to_agent(self, agent: ConversableAgent) -> None:
        """Make ``agent`` teachable: hook its received messages, create the analyzer, extend its system message."""
        self.teachable_agent = agent
        agent.register_hook(hookable_method="process_last_received_message", hook=self.process_last_received_message)
        if self.llm_config is None:
            self.llm_config = agent.llm_config
        assert self.llm_config, "Teachability requires a valid llm_config."
        self.analyzer = TextAnalyzerAgent(llm_config=self.llm_config)
        agent.update_system_message(
            agent.system_message
            + "\nYou've been given the special ability to remember user teachings from prior conversations."
        )

    def prepopulate_db(self) -> None:
        """Add a few unrelated memos (retrieval is then less trivial)."""
        self.memo_store.prepopulate()

    def process_last_received_message(self, text: Any) -> Any:
        """The message with related memos appended; any teaching it holds is stored as new memos."""
        expanded = text
        if self.memo_store.last_memo_id > 0:
            expanded = self._consider_memo_retrieval(text)
        self._consider_memo_storage(text)
        return expanded

    def _consider_memo_storage(self, comment: Any) -> None:
        added = False
        if "yes" in self._analyze(comment, _ASKS_FOR_TASK).lower():
            advice = self._analyze(comment, _COPY_ADVICE)
            if "none" not in advice.lower():
                task = self._analyze(comment, _COPY_TASK_BRIEFLY)
                general_task = self._analyze(task, _GENERALIZE_TASK)
                if self.verbosity >= 1:
                    print(colored("\nREMEMBER THIS TASK-ADVICE PAIR", "light_yellow"))
                self.memo_store.add_input_output_pair(general_task, advice)
                added = True
        if "yes" in self._analyze(comment, _HAS_INFORMATION).lower():
            question = self._analyze(comment, _QUESTION_FOR_INFORMATION)
            answer = self._analyze(comment, _COPY_INFORMATION)
            if self.verbosity >= 1:
                print(colored("\nREMEMBER THIS QUESTION-ANSWER PAIR", "light_yellow"))
            self.memo_store.add_input_output_pair(question, answer)
            added = True
        if added:
            self.memo_store._save_memos()

    def _consider_memo_retrieval(self, comment: Any) -> Any:
        if self.verbosity >= 1:
            print(colored("\nLOOK FOR RELEVANT MEMOS, AS QUESTION-ANSWER PAIRS", "light_yellow"))
        memos = self._retrieve_relevant_memos(content_str(comment))
        if "yes" in self._analyze(comment, _ASKS_FOR_TASK).lower():
            if self.verbosity >= 1:
                print(colored("\nLOOK FOR RELEVANT MEMOS, AS TASK-ADVICE PAIRS", "light_yellow"))
            task = self._analyze(comment, _COPY_TASK)
            general_task = self._analyze(task, _GENERALIZE_TASK)
            memos.extend(self._retrieve_relevant_memos(general_task))
        memos = list(dict.fromkeys(memos))  # de-duplicated, first recall first
        extra = self._concatenate_memo_texts(memos)
        if isinstance(comment, list):  # multimodal content: the memos are one more text part
            return [*comment, {"type": "text", "text": extra}] if extra else comment
        return comment + extra

    def _retrieve_relevant_memos(self, input_text: str) -> list[str]:
        memos = self.memo_store.get_related_memos(
            input_text, n_results=self.max_num_retrievals, threshold=self.recall_threshold
        )
        if self.verbosity >= 1 and not memos:
            print(colored("\nTHE CLOSEST MEMO IS BEYOND THE THRESHOLD:", "light_yellow"))
            self.memo_store.get_nearest_memo(input_text)
            print()
        return [memo[1] for memo in memos]

    def _concatenate_memo_texts(self, memo_list: list[str]) -> str:
        if not memo_list:
            return ""
        info = "\n# Memories that might help\n" + "".join(f"- {memo}\n" for memo in memo_list)
        if self.verbosity >= 1:
            print(colored("\nMEMOS APPENDED TO LAST MESSAGE...\n" + info + "\n", "light_yellow"))
        return "\n" + info

    def _analyze(self, text_to_analyze: Any, analysis_instructions: str) -> str:
        """The analyzer's answer about a text: the text and the instructions are sent as two messages."""
        assert self.analyzer is not None and self.teachable_agent is not None, "add_to_agent() was not called"
        self.analyzer.reset()
        silent = self.verbosity < 2
        self.teachable_agent.send(recipient=self.analyzer, message=text_to_analyze, request_reply=False, silent=silent)
        self.teachable_agent.send(
            recipient=self.analyzer, message=analysis_instructions, request_reply=True, silent=silent
        )
        return content_str(self.teachable_agent.last_message(self.analyzer)["content"])


class MemoStore:
    """Memos (input text, output text) in a Chroma collection "memos" under ``path_to_db_dir``, the inputs
    embedded for lookup; the texts are also kept in ``uid_text_dict.pkl`` next to it.

    Args:
        verbosity: 1 prints memory operations, 3+ memo lists.
        reset: clear the memory first.
        path_to_db_dir: the directory of the collection.
    """

    def __init__(
        self,
        verbosity: int | None = 0,
        reset: bool | None = False,
        path_to_db_dir: str | None = "./tmp/teachable_agent_db",
    ) -> None:
        chromadb = optional_import("chromadb", "teachable", feature="Teachability")
        from chromadb.config import Settings

        self.verbosity = verbosity or 0
        self.path_to_db_dir = path_to_db_dir or "./tmp/teachable_agent_db"
        os.makedirs(self.path_to_db_dir, exist_ok=True)
        self.db_client = chromadb.PersistentClient(
            path=self.path_to_db_dir, settings=Settings(anonymized_telemetry=False, allow_reset=True)
        )
        self.vec_db = self._collection()
        self.path_to_dict = os.path.join(self.path_to_db_dir, "uid_text_dict.pkl")
        self.uid_text_dict: dict[str, tuple[str, str]] = {}
        self.last_memo_id = 0
        if not reset and os.path.exists(self.path_to_dict):
            print(colored("\nLOADING MEMORY FROM DISK", "light_green"))
            print(colored(f"    Location = {self.path_to_dict}", "light_green"))
            with open(self.path_to_dict, "rb") as f:
                self.uid_text_dict = pickle.load(f)
            self.last_memo_id = len(self.uid_text_dict)
            if self.verbosity >= 3:
                self.list_memos()
        if reset:
            self.reset_db()

    def _collection(self) -> Any:
        from ....retrieve.embeddings import DefaultEmbeddingFunction
        from ....retrieve.vectordb.chromadb import _adapter_class

        return self.db_client.get_or_create_collection(
            "memos", embedding_function=_adapter_class()(DefaultEmbeddingFunction()), metadata={"hnsw:space": "l2"}
        )

    def list_memos(self) -> None:
        """Print every memo."""
        print(colored("LIST OF MEMOS", "light_green"))
        for uid, (input_text, output_text) in self.uid_text_dict.items():
            print(colored(f"  ID: {uid}\n    INPUT TEXT: {input_text}\n    OUTPUT TEXT: {output_text}", "light_green"))

    def _save_memos(self) -> None:
        with open(self.path_to_dict, "wb") as file:
            pickle.dump(self.uid_text_dict, file)

    def reset_db(self) -> None:
        """Delete every memo, in the collection and on disk."""
        print(colored("\nCLEARING MEMORY", "light_green"))
        self.db_client.delete_collection("memos")
        self.vec_db = self._collection()
        self.uid_text_dict = {}
        self.last_memo_id = 0
        self._save_memos()

    def add_input_output_pair(self, input_text: str, output_text: str) -> None:
        """Store one memo."""
        self.last_memo_id += 1
        uid = str(self.last_memo_id)
        self.vec_db.add(documents=[input_text], ids=[uid])
        self.uid_text_dict[uid] = (input_text, output_text)
        if self.verbosity >= 1:
            print(
                colored(
                    f"\nINPUT-OUTPUT PAIR ADDED TO VECTOR DATABASE:\n  ID\n    {uid}\n  INPUT\n    {input_text}\n"
                    f"  OUTPUT\n    {output_text}\n",
                    "light_yellow",
                )
            )
        if self.verbosity >= 3:
            self.list_memos()

    def _print_retrieved(self, input_text: str, output_text: str, distance: float) -> None:
        if self.verbosity >= 1:
            print(
                colored(
                    f"\nINPUT-OUTPUT PAIR RETRIEVED FROM VECTOR DATABASE:\n  INPUT1\n    {input_text}\n  OUTPUT\n"
                    f"    {output_text}\n  DISTANCE\n    {distance}",
                    "light_yellow",
                )
            )

    def get_nearest_memo(self, query_text: str) -> tuple[str, str, float]:
        """The memo nearest to ``query_text``: (input text, output text, distance)."""
        results = self.vec_db.query(query_texts=[query_text], n_results=1)
        uid, input_text, distance = results["ids"][0][0], results["documents"][0][0], results["distances"][0][0]
        stored_input, output_text = self.uid_text_dict[uid]
        assert input_text == stored_input
        self._print_retrieved(input_text, output_text, distance)
        return input_text, output_text, distance

    def get_related_memos(self, query_text: str, n_results: int, threshold: float) -> list[tuple[str, str, float]]:
        """Memos nearer than ``threshold`` to ``query_text`` (at most ``n_results``), nearest first."""
        n_results = min(n_results, len(self.uid_text_dict))
        if n_results <= 0:
            return []
        results = self.vec_db.query(query_texts=[query_text], n_results=n_results)
        memos = []
        for uid, input_text, distance in zip(results["ids"][0], results["documents"][0], results["distances"][0]):
            if distance < threshold:
                stored_input, output_text = self.uid_text_dict[uid]
                assert input_text == stored_input
                self._print_retrieved(input_text, output_text, distance)
                memos.append((input_text, output_text, distance))
        return memos

    def prepopulate(self) -> None:
        """Add ten unrelated memos (labelled yes/no), so that retrieval is less trivial."""
        if self.verbosity >= 1:
            print(colored("\nPREPOPULATING MEMORY", "light_green"))
        examples = [
            ("When I say papers I mean research papers, which are typically pdfs.", "yes"),
            ("Please verify that each paper you listed actually uses langchain.", "no"),
            ("Tell gpt the output should still be latex code.", "no"),
            ("Hint: convert pdfs to text and then answer questions based on them.", "yes"),
            ("To create a good PPT, include enough content to make it interesting.", "yes"),
            ("No, for this case the columns should be aspects and the rows should be frameworks.", "no"),
            ("When writing code, remember to include any libraries that are used.", "yes"),
            ("Please summarize the papers by Eric Horvitz on bounded rationality.", "no"),
            ("Compare the h-index of Daniel Weld and Oren Etzioni.", "no"),
            ("Double check to be sure that the columns in a table correspond to what was asked for.", "yes"),
        ]
        for text, label in examples:
            self.add_input_output_pair(text, label)
        self._save_memos()
