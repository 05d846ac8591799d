"""ReasoningAgent: answers after a tree-of-thought search (beam search, DFS, MCTS or LATS).

Three inner agents share the work: a *thinker* proposes the next steps of a reasoning trajectory
("REFLECTION: ..." then "Option 1: ...", "Option 2: ..."), a *grader* scores trajectories (the first
number of its reply, or "Rating: <n>" per option when grading a batch), and optionally an *executor*
(plus a user proxy for fenced Python code) works out each step's output. The ReasoningAgent itself
writes the final answer from the best trajectories.
"""

from __future__ import annotations

import copy
import math
import random
import re
import warnings
from typing import Any, Literal

from ....agentchat.agent import Agent
from ....agentchat.assistant_agent import AssistantAgent
from ....agentchat.user_proxy_agent import UserProxyAgent

__all__ = ["ReasoningAgent", "ThinkNode", "extract_rlhf_preference_dataset", "extract_sft_dataset"]

EPSILON = 1e-6

REASONING_AGENT_MESSAGE = (
    "You are a careful reasoning assistant. Before answering a user you explore a tree of possible lines of "
    "thought, and you answer from the best of them."
)

TREEOFTHOUGHT_MESSAGE = """Role: planner of a step-by-step line of thought.

Purpose: help build a short, effective sequence of thinking steps that leads to a high-quality answer to the
user's question. Go deep on hard questions and stay brief on easy ones.

You receive the question and the steps taken so far (the trajectory). Choose one of two moves.

Move A - stop: when the steps so far are enough to write a good answer.
- Never stop at the very first step.
- When stopping, offer exactly one option and nothing else.
Output:
REFLECTION:
<a few sentences on why the trajectory is now sufficient>

**Possible Options:**
Option 1: TERMINATE
<one line saying why>

Move B - continue: when more thinking is needed.
- Read the question and the trajectory; with no trajectory yet, propose how to begin.
- Give at least four distinct alternatives for the NEXT step only; none of them may assume another one was taken.
- If an earlier step is wrong, include an option that fixes it.
- For multiple-choice questions, rule out clearly wrong choices and reason toward the most plausible one.
- When a computation or algorithm is best checked by running it, include the complete script in a ```python fenced block and print what you need to see.
- Do not propose looking things up (internet, books, experts, data sets), running real-world experiments or
  surveys, or anything that needs data you do not have.
- Do not use Python without need, and never propose running code without giving the code itself.
Output:
REFLECTION:
<a few sentences on what is right and what is wrong in the trajectory so far>

**Possible Options:**
Option 1: <first alternative>
<short description, with a ```python snippet if the option runs code>

Option 2: <second alternative>
<short description>

Option 3: <third alternative>
<short description>

Option 4: <fourth alternative>
<short description>
"""

EXECUTOR_MESSAGE = (
    "Carry out the last step of the thinking trajectory you are given and reply with its result only, as "
    "briefly as possible. Do not propose further steps."
)

_AVOID = """Give the lowest rating (1) to anything that:
- needs the internet, expert opinion or other outside sources;
- needs research, assumptions or data that were not provided;
- proposes real-world actions such as experiments or surveys (running code is acceptable).
"""


def _process_rating_prompt(scale: int) -> str:
    return (
        f"Rate the thinking trajectory from 1 (worst) to {scale} (best).\n\n"
        "A trajectory deserves a high rating when it moves the solution forward, fits the conversation, is "
        "accurate and contains nothing odd or off-topic; failing any of these makes it a poor trajectory.\n\n"
        f"{_AVOID}\nReply with the rating first, then a short justification.\n"
    )


def _outcome_rating_prompt(scale: int) -> str:
    return (
        f"Rate the answer from 1 (worst) to {scale} (best).\n\n"
        "A good answer responds directly to the original question, is correct and complete, and reasons "
        "clearly. It should also be concise and well organised, use a fitting tone, give examples or "
        "evidence where helpful and never contradict itself. An answer missing one of the essentials is poor.\n\n"
        f"{_AVOID}\nReply with the rating first, then a short justification.\n"
    )


def _batch_rating_prompt(scale: int) -> str:
    return (
        "You get a thinking trajectory and several candidate next steps. For each option, rate the trajectory "
        f"that results from taking it, from 1 (worst) to {scale} (best).\n\n"
        "A trajectory deserves a high rating when it moves the solution forward, fits the conversation, is "
        "accurate and contains nothing odd or off-topic.\n\n"
        f"{_AVOID}\nAnswer in exactly this format, one block per option:\n"
        "Option 1: <short justification>\nRating: <rating>\n\nOption 2: <short justification>\nRating: <rating>\n"
    )


class ThinkNode:
    """One step of a reasoning tree: its text, score, visit count, children and optional executed output."""

    def __init__(self, content: str, parent: ThinkNode | None = None) -> None:
        """Create a node; a node with a parent appends itself to the parent's children.

        Args:
            content: the text of this reasoning step (the question, for the root).
            parent: the node this step follows, if any.
        """
        self.content: str = content
        self.value: float = 0.0
        self.parent: ThinkNode | None = parent
        self.reflection: str = ""
        self.rating_details: str = ""
        self.output: str | None = None
        self.depth: int = parent.depth + 1 if parent is not None else 0
        self.children: list[ThinkNode] = []
        self.visits: int = 0
        if parent is not None:
            parent.children.append(self)

    @property
    def _trajectory_arr(self) -> list[str]:
        """The steps from the root to this node, the root formatted as the question."""
        step = f"Content: {self.content}"
        if self.output is not None:
            step += f"\nOutput: {self.output}"
        if self.parent is None:
            return ["# Question:\n" + step + "\n---\n"]
        return [*self.parent._trajectory_arr, step]

    @property
    def trajectory(self) -> str:
        """The question followed by the numbered steps leading to this node."""
        question, *steps = self._trajectory_arr
        text = question + "# Trajectory:\n"
        for number, step in enumerate(steps, start=1):
            text += f"\nStep {number}:\n{step}"
        return text

    def backpropagate(self, reward: float) -> None:
        """Fold ``reward`` into the running mean value of this node and every ancestor."""
        node: ThinkNode | None = self
        while node is not None:
            node.visits += 1
            node.value += (reward - node.value) / node.visits
            node = node.parent

    def __str__(self) -> str:
        return f"{self.content} -> Depth: {self.depth} Value: {self.value} Visits: {self.visits}"

    def __repr__(self) -> str:
        return self.__str__()

    def to_dict(self) -> dict[str, Any]:
        """This node and its subtree as plain data."""
        return {
            "content": self.content,
            "value": self.value,
            "depth": self.depth,
            "reflection": self.reflection,
            "rating_details": self.rating_details,
            "output": self.output,
            "visits": self.visits,
            "children": [child.to_dict() for child in self.children],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any], parent: ThinkNode | None = None) -> ThinkNode:
        """Rebuild a subtree written by :meth:`to_dict`, attached to ``parent`` when given."""
        node = cls(content=data["content"], parent=parent)
        node.value = data["value"]
        node.depth = data["depth"]
        node.visits = data["visits"]
        node.reflection = data.get("reflection", "")
        node.rating_details = data.get("rating_details", "")
        node.output = data.get("output")
        for child in data.get("children", []):
            cls.from_dict(child, parent=node)
        return node

    def visualize_tree(self) -> None:
        """Render the subtree to ``tree_of_thoughts.png`` with graphviz (prints a hint when it is missing)."""
        try:
            from graphviz import Digraph
        except ImportError:
            print("Please install graphviz: pip install graphviz")
            return

        dot = Digraph(comment="Tree of Thoughts")
        dot.attr(rankdir="TB")

        def add(node: ThinkNode, node_id: str) -> None:
            text = node.content if len(node.content) <= 50 else node.content[:50] + "..."
            dot.node(node_id, f"{text}\n visits: {node.visits}\n value: {node.value}")
            for i, child in enumerate(node.children):
                child_id = f"{node_id}_{i}"
                add(child, child_id)
                dot.edge(node_id, child_id)

        add(self, "0")
        try:
            dot.render("tree_of_thoughts", view=False, format="png", cleanup=True)
        except Exception as e:  # noqa: BLE001 - graphviz fails in several ways (no dot binary, bad output)
            print(f"Error rendering graph: {e}")
            print("Make sure graphviz is installed on your system: https://graphviz.org/download/")


def _leaves(node: ThinkNode) -> list[ThinkNode]:
    if not node.children:
        return [node]
    return [leaf for child in node.children for leaf in _leaves(child)]


def extract_sft_dataset(root: ThinkNode) -> list[dict[str, Any]]:
    """The best-valued leaves' trajectories as ``{"instruction", "response"}`` pairs for supervised fine-tuning."""
    cut = len("# Question: ") + len(root.content) + 1
    leaves = _leaves(root)
    best = max(leaf.value for leaf in leaves)
    return [{"instruction": root.content, "response": leaf.trajectory[cut:]} for leaf in leaves if leaf.value == best]


def extract_rlhf_preference_dataset(root: ThinkNode, contrastive_threshold: float = 0.2) -> list[dict[str, Any]]:
    """Preference pairs from sibling steps whose scores differ by more than ``contrastive_threshold`` (0 < t < 1).

    MCTS trees (both siblings visited) compare value per visit; beam-search trees compare values.
    """
    assert 0 < contrastive_threshold < 1
    pairs: list[dict[str, Any]] = []

    def visit(node: ThinkNode) -> None:
        for a in node.children:
            for b in node.children:
                if a is b:
                    continue
                if a.visits > 0 and b.visits > 0:
                    margin = a.value / a.visits - b.value / b.visits
                else:
                    margin = a.value - b.value
                if margin > contrastive_threshold:
                    pairs.append(
                        {
                            "instruction": node.trajectory,
                            "reflection": node.reflection,
                            "preferred_response": f"Step {a.depth}: {a.content}",
                            "dispreferred_response": f"Step {b.depth}: {b.content}",
                        }
                    )
        for child in node.children:
            visit(child)

    visit(root)
    return pairs


_METHODS = ("beam_search", "mcts", "lats", "dfs")


class ReasoningAgent(AssistantAgent):
    """An assistant that searches a tree of reasoning steps before it answers.

    ``reason_config`` keys: ``method`` ("beam_search" (default), "dfs", "mcts", "lats"), ``max_depth`` (4),
    ``forest_size`` (1), ``rating_scale`` (10), ``interim_execution`` (False); for beam search ``beam_size`` (3),
    ``answer_approach`` ("pool" or "best") and ``batch_grading`` (False); for MCTS/LATS ``nsim`` (3) and
    ``exploration_constant`` (1.41).
    """

    def __init__(
        self,
        name: str,
        llm_config: Any = None,
        grader_llm_config: Any = None,
        max_depth: int = 4,
        beam_size: int = 3,
        answer_approach: Literal["pool", "best"] = "pool",
        reason_config: dict[str, Any] | None = None,
        code_execution_config: dict[str, Any] | Literal[False] = False,
        scope: str | None = None,
        **kwargs: Any,
    ) -> None:
        """Create the agent and its inner thinker, grader, prompt rewriter (and executor / user proxy).

        Args:
            name: agent name.
            llm_config: LLM configuration of the agent and its inner agents.
            grader_llm_config: a separate configuration for the grader (defaults to ``llm_config``).
            max_depth: deprecated, use ``reason_config["max_depth"]``.
            beam_size: deprecated, use ``reason_config["beam_size"]``.
            answer_approach: deprecated, use ``reason_config["answer_approach"]``.
            reason_config: the search settings (see the class docstring).
            code_execution_config: lets fenced Python in proposed steps run (needs ``interim_execution``).
            scope: text prefixed to every inner system prompt to say what the agent is for.
            **kwargs: passed on to :class:`AssistantAgent`.
        """
        reason_config = dict(reason_config or {})
        if "verbose" in kwargs:
            warnings.warn(
                "The parameter `verbose` in ReasoningAgent has been deprecated. "
                "Please use the `silent` parameter as other AG2 agents.",
                DeprecationWarning,
                stacklevel=2,
            )
            kwargs["silent"] = not kwargs.pop("verbose")

        self._scope = scope
        system_message = self._add_scope(kwargs.pop("system_message", REASONING_AGENT_MESSAGE))
        super().__init__(
            name=name,
            system_message=system_message,
            llm_config=llm_config,
            code_execution_config=code_execution_config,
            **kwargs,
        )
        self._llm_config = llm_config
        self._grader_llm_config = grader_llm_config or llm_config

        if max_depth != 4 or beam_size != 3 or answer_approach != "pool":
            warnings.warn(
                "The parameters max_depth, beam_size, and answer_approach have been deprecated. "
                "Please use the reason_config dictionary to configure these settings instead.",
                DeprecationWarning,
                stacklevel=2,
            )

        self._reason_config: dict[str, Any] = reason_config
        self._method = reason_config.get("method", "beam_search")
        if self._method not in _METHODS:
            raise ValueError(
                f"Invalid reasoning method specified: '{self._method}'. "
                "Should be one of 'beam_search', 'mcts', 'lats', or 'dfs'."
            )
        self._beam_size: int = 1
        if self._method in ("beam_search", "dfs"):
            if self._method == "beam_search":
                self._beam_size = reason_config.get("beam_size", beam_size)
            self._answer_approach: Literal["pool", "best"] = reason_config.get("answer_approach", answer_approach)
            if self._answer_approach not in ("pool", "best"):
                raise ValueError(
                    f"Invalid answer_approach specified: '{self._answer_approach}'. Should be one of 'pool' or 'best'."
                )
            self._batch_grading: bool = reason_config.get("batch_grading", False)
        else:
            self._nsim: int = reason_config.get("nsim", 3)
            self._exploration_constant: float = reason_config.get("exploration_constant", 1.41)
        self._max_depth: int = reason_config.get("max_depth", max_depth)
        self._forest_size: int = reason_config.get("forest_size", 1)
        self._rating_scale: int = reason_config.get("rating_scale", 10)
        self._interim_execution: bool = reason_config.get("interim_execution", False)

        self._root: ThinkNode | None = None
        self._lats_context: str = ""
        self.register_reply([Agent, None], ReasoningAgent.generate_forest_response)

        self._executor: AssistantAgent | None = None
        if self._interim_execution:
            self._executor = AssistantAgent(
                name="tot_executor", system_message=self._add_scope(EXECUTOR_MESSAGE), llm_config=self._llm_config
            )

        thinker_message = self._add_scope(TREEOFTHOUGHT_MESSAGE)
        self._user_proxy: UserProxyAgent | None = None
        if self._code_execution_config:
            if not self._interim_execution:
                raise ValueError(
                    "Code execution is enabled in the system, but interim_execution is set to False. "
                    "Please set interim_execution to True to allow code execution between reasoning steps."
                )
            self._user_proxy = UserProxyAgent(
                name="reasoner_user_proxy",
                human_input_mode="NEVER",
                code_execution_config=self._code_execution_config,
                max_consecutive_auto_reply=1,
            )
            self._code_execution_config = False  # only the inner user proxy runs code
        else:
            # without code execution the thinker is not told about Python at all
            thinker_message = "\n".join(
                line for line in thinker_message.split("\n") if "python" not in line.lower() and "```" not in line
            )

        self._thinker = AssistantAgent(name="tot_thinker", system_message=thinker_message, llm_config=self._llm_config)
        self._grader = AssistantAgent(name="tot_grader", llm_config=self._grader_llm_config)
        self._prompt_rewriter = AssistantAgent(name="prompt_rewriter", llm_config=self._llm_config)

    # ---- helpers -------------------------------------------------------------------------------------

    def _add_scope(self, system_prompt: str) -> str:
        """Prefix ``system_prompt`` with the task scope, when one was given."""
        return f"Task Scope: {self._scope}\n\n{system_prompt}" if self._scope else system_prompt

    def _ask(self, agent: Any, message: str) -> str:
        """Send ``message`` to an inner agent (fresh history) and return its stripped reply."""
        agent.clear_history()
        self.send(message=message, recipient=agent, request_reply=True, silent=self.silent)
        last = agent.last_message()
        content = last.get("content") if last else None
        return content.strip() if isinstance(content, str) else ""

    def _answer(self, message: str) -> str:
        """Have this agent's own LLM answer ``message`` (the final-answer step)."""
        self.clear_history(self)
        self.send(message=message, recipient=self, request_reply=True, silent=self.silent)
        last = self.last_message(self)
        content = last.get("content") if last else None
        return content.strip() if isinstance(content, str) else ""

    def _context(self) -> str:
        return f"{self._lats_context}\n\n---\n\n" if self._method == "lats" else ""

    # ---- reply ---------------------------------------------------------------------------------------

    def generate_forest_response(
        self,
        messages: list[dict[str, Any]] | None = None,
        sender: Agent | None = None,
        config: Any = None,
    ) -> tuple[bool, str]:
        """Reply after searching ``forest_size`` reasoning trees (messages from itself go to the LLM)."""
        if sender is self:
            return False, ""
        prompt, ground_truth = self._process_prompt(messages, sender)
        if not prompt:
            return True, "TERMINATE"

        answers: list[str] = []
        for _ in range(self._forest_size):
            if self._method in ("beam_search", "dfs"):
                answers.append(self._beam_reply(prompt, ground_truth))
            else:
                answers.append(self._mcts_reply(prompt, ground_truth))
        if len(answers) == 1:
            return True, answers[0]
        listed = "-" + "\n-".join(answers)
        return True, self._answer(
            "Several candidate answers to a user's question follow. Combine them into one complete answer.\n"
            f"Question:\n{prompt}\n\nAnswers:\n{listed}\n\nFinal Answer:\n"
        )

    def _process_prompt(
        self, messages: list[dict[str, Any]] | None, sender: Agent | None
    ) -> tuple[str | None, str | None]:
        """The question to reason about and the ground truth (text from "GROUND_TRUTH" on), if any.

        With more than one message, the prompt rewriter condenses the conversation into one question.
        """
        if messages is None:
            messages = self._oai_messages[sender]
        messages_copy = copy.deepcopy(messages)
        ground_truth = None
        for message in messages_copy:
            content = message.get("content")
            if isinstance(content, str) and "GROUND_TRUTH" in content:
                at = content.find("GROUND_TRUTH")
                message["content"], ground_truth = content[:at].rstrip(), content[at:]
                break

        if len(messages) == 1:
            prompt = messages_copy[0].get("content") or ""
        else:
            prompt = self._ask(
                self._prompt_rewriter,
                "Task: the messages below are a conversation so far. Write one self-contained prompt that "
                "summarises it, keeps every useful fact, and states the question still to be answered.\n\n"
                f"**Messages:**\n{messages_copy}\n\n"
                "**Format of Output:**\n"
                "QUESTION: *the user's original question*\n"
                "SUMMARY: *a summary of the discussion so far*\n\n"
                "ACTIVITY LOG:\n- *each action taken so far*\n\n"
                "CURRENT_QUESTION: *the question to address now; if the task is already done, write: "
                '"The task has now been completed, write the final response and terminate the task."*\n',
            )
        if not prompt:
            return None, None
        return prompt, ground_truth

    # ---- grading -------------------------------------------------------------------------------------

    def _grader_system_message(self, base: str, ground_truth: str | None) -> str:
        if ground_truth:
            base += f"--- Note that the Ground Truth is ---\n{ground_truth}\n---\n"
        return self._add_scope(base)

    def rate_node(self, node: ThinkNode, ground_truth: str | None = None, is_outcome: bool = False) -> float:
        """Score ``node``'s trajectory (or, with ``is_outcome``, its answer) in [0, 1] with the grader."""
        if node.value > 0 and node.rating_details:
            return node.value
        base = _outcome_rating_prompt(self._rating_scale) if is_outcome else _process_rating_prompt(self._rating_scale)
        self._grader.update_system_message(self._grader_system_message(base, ground_truth))
        rating = self._ask(self._grader, f"{self._context()}Rate:\n{node.trajectory}")
        node.rating_details = rating
        try:
            return (float(re.findall(r"[\d.]+", rating)[0]) - 1.0) / (self._rating_scale - 1.0)
        except (IndexError, ValueError):
            return 0.0

    def rate_batch_nodes(self, nodes: list[ThinkNode], ground_truth: str | None = None) -> list[float]:
        """Score sibling options with one grader call; all zeros if the grader's reply cannot be read."""
        parent = nodes[0].parent
        assert all(node.parent == parent for node in nodes), "All nodes must have the same parent."
        assert parent is not None, "Parent node must not be None."
        self._grader.update_system_message(
            self._grader_system_message(_batch_rating_prompt(self._rating_scale), ground_truth)
        )
        prompt = f"{self._context()}Trajectory:\n{parent.trajectory}\n\n---\n\nOptions:\n"
        prompt += "".join(f"\nOption {i}:\n{node.content}" for i, node in enumerate(nodes, start=1))
        reply = self._ask(self._grader, prompt)

        blocks = re.findall(r"(Option \d+:.*?Rating:\s*[\d.]+)", reply, re.DOTALL)
        ratings = [m.group(1) for m in (re.search(r"Rating:\s*([\d.]+)", b) for b in blocks) if m]
        if len(ratings) != len(nodes):
            return [0.0] * len(nodes)
        rewards = []
        for node, rating, details in zip(nodes, ratings, blocks):
            if node.value > 0 and node.rating_details:
                rewards.append(node.value)
                continue
            node.rating_details = details
            rewards.append((float(rating) - 1.0) / (self._rating_scale - 1.0))
        return rewards

    # ---- execution -----------------------------------------------------------------------------------

    def execute_node(self, node: ThinkNode) -> str | None:
        """Work out ``node``'s output: fenced Python goes to the user proxy, anything else to the executor LLM.

        Returns the cached output when there is one, and None for a TERMINATE step.
        """
        assert isinstance(self._executor, AssistantAgent)
        if node.output is not None:
            return node.output
        if "TERMINATE" in node.content:
            return None
        if "```python" in node.content:
            if not self._user_proxy:
                return "Python code execution is disabled. Follow a different approach."
            self._user_proxy.clear_history()
            self.send(message=node.content, recipient=self._user_proxy, request_reply=True, silent=self.silent)
            last = self._user_proxy.last_message(self)
            return last["content"] if last is not None else ""

        reply = self._ask(self._executor, f"{self._context()}Trajectory:\n{node.trajectory}\nOutput:")
        if "```python" in reply:
            return "To execute Python code please provide the exact snippet in a fenced block like ```python ... ```."
        return reply

    # ---- search --------------------------------------------------------------------------------------

    def _expand(self, node: ThinkNode) -> list[ThinkNode]:
        """Ask the thinker for the next-step options after ``node`` and add them as its children."""
        reply = self._ask(
            self._thinker, f"{self._context()}{node.trajectory}\n---\nHow should the thinking process continue?"
        )
        reflection = re.findall(r"REFLECTION:\s*(.+?)(?=\*\*Possible Options:\*\*|Option \d+:|$)", reply, re.DOTALL)
        if reflection:
            node.reflection += str(reflection[0].strip())
        options = re.findall(r"Option \d+:(.+?)(?=Option \d+:|$)", reply, re.DOTALL)
        return [ThinkNode(content=option.strip(), parent=node) for option in options]

    def _is_terminal(self, node: ThinkNode) -> bool:
        """A node ends a trajectory at ``max_depth`` or when it says TERMINATE."""
        return node.depth >= self._max_depth or "TERMINATE" in node.content

    def _beam_reply(self, prompt: str, ground_truth: str | None = None) -> str:
        """Beam search (DFS is beam size 1): expand, grade, keep the best, then answer from the finished paths."""
        root = ThinkNode(content=prompt, parent=None)
        self._root = root
        frontier: list[ThinkNode] = [root]
        finished: list[ThinkNode] = []

        while frontier and len(finished) < self._beam_size:
            grown: list[ThinkNode] = []
            per_parent: list[list[ThinkNode]] = []
            for node in frontier:
                if self._is_terminal(node):
                    if node not in finished:
                        finished.append(node)
                    continue
                children = self._expand(node)
                grown += children
                per_parent.append(children)
            frontier = grown

            if len(frontier) + len(finished) > self._beam_size:
                if len(finished) >= self._beam_size:
                    break
                if self._batch_grading:
                    for siblings in per_parent:
                        if siblings:
                            for node, reward in zip(siblings, self.rate_batch_nodes(siblings, ground_truth)):
                                node.value = reward
                else:
                    for node in frontier:
                        node.value = self.rate_node(node, ground_truth)
                frontier = sorted(frontier, key=lambda n: n.value or 0, reverse=True)[: self._beam_size - len(finished)]
                if self._interim_execution:
                    for node in frontier:
                        node.output = self.execute_node(node)

        assert finished, "No final answers found."
        if self._answer_approach == "best":
            best = max(finished, key=lambda n: n.value)
            message = (
                "Using the thinking process below, write a complete answer to the user's question.\n"
                f"Question:\n{prompt}\n\nThinking process:\n{best.trajectory}\n\nFinal Answer:\n"
            )
        else:
            pooled = "\n\n".join(
                f"--- Possibility {i} ---\n{node.trajectory}\n" for i, node in enumerate(finished, start=1)
            )
            message = (
                "Using the thinking processes below, write a complete answer to the user's question.\n"
                f"Question:\n{prompt}\n\nThinking processes:\n{pooled}\n\nFinal Answer:\n"
            )
        return self._answer(message)

    def _mcts_reply(self, prompt: str, ground_truth: str | None = None) -> str:
        """MCTS / LATS: ``nsim`` rounds of UCT selection, random rollout, answer, outcome grading, backup.

        LATS also feeds every earlier attempt and its rating back into the thinker, grader and executor.
        """
        root = ThinkNode(content=prompt, parent=None)
        self._root = root
        answers: list[ThinkNode] = []
        self._lats_context = "## Here are some previous trajectories and reflections\n\n"

        for _ in range(self._nsim):
            node = root
            while not self._is_terminal(node) and node.children:
                node = max(node.children, key=lambda child, parent=node: self._uct(parent, child))
                if self._interim_execution:
                    node.output = self.execute_node(node)
            while not self._is_terminal(node):
                if not node.children:
                    self._expand(node)
                if not node.children:
                    node.content += "\nTERMINATE"
                    break
                node = random.choice(node.children)
                if self._interim_execution:
                    node.output = self.execute_node(node)

            answer = self._answer(
                "Using the thinking process below, write a complete answer to the user's question.\n"
                f"Question:\n{prompt}\n\nThinking process:\n{node.trajectory}\n\nFinal Answer:\n"
            )
            answer_node = ThinkNode(content=answer, parent=node)
            reward = self.rate_node(answer_node, ground_truth, is_outcome=True)
            answer_node.value = reward
            answers.append(answer_node)
            self._lats_context += f"### Previous Tries:\n{node.trajectory}\n\nRating:{answer_node.rating_details}\n\n"
            node.backpropagate(reward)

        return max(answers, key=lambda n: n.value).content

    def _uct(self, parent: ThinkNode, child: ThinkNode) -> float:
        exploit = child.value / (child.visits + EPSILON)
        explore = math.sqrt(2 * math.log(parent.visits + EPSILON) / (child.visits + EPSILON))
        return exploit + self._exploration_constant * explore

    # ---- public helpers ------------------------------------------------------------------------------

    @property
    def method(self) -> str:
        """The search method in use."""
        return self._method

    def visualize_tree(self) -> None:
        """Render the last reasoning tree with graphviz."""
        if not self._root:
            raise RuntimeError("No tree to visualize. Run the reasoning process first.")
        self._root.visualize_tree()

    def extract_sft_dataset(self) -> list[dict[str, Any]]:
        """Best trajectories of the last tree as SFT pairs."""
        if not self._root:
            raise RuntimeError("No tree to extract dataset from. Run the reasoning process first.")
        return extract_sft_dataset(self._root)

    def extract_rlhf_preference_dataset(self, contrastive_threshold: float = 0.2) -> list[dict[str, Any]]:
        """Preference pairs of sibling steps in the last tree."""
        if not self._root:
            raise RuntimeError("No tree to extract dataset from. Run the reasoning process first.")
        return extract_rlhf_preference_dataset(self._root, contrastive_threshold)
