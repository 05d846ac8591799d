"""DeepResearchTool: a research question answered by nested teams of agents.

A critic and a summarizer agree on the final answer; the summarizer gets it by splitting the question into
subquestions (a decomposition agent and its critic); each subquestion is answered by a WebSurferAgent
browsing the web (BrowserUseTool, extra ``browser-use``) under a critic. The planning and answering
conversations run on any LLM; the browsing needs the ``browser-use`` extra, and without it each subquestion
reports the ImportError naming it.

Agents are imported inside the functions that build them: tools sit below agentchat in the layers. No
``from __future__ import annotations``: the tools' ``Depends(on(...))`` annotations refer to local variables.
"""

import copy
import warnings
from collections.abc import Callable
from typing import Annotated, Any

from pydantic import BaseModel, Field

from ...dependency_injection import Depends, on
from ...tool import Tool

__all__ = ["DeepResearchTool"]


# Subquestion and Task have no docstring: it would become a description in the tool's schema.
class Subquestion(BaseModel):
    question: Annotated[str, Field(description="The original question.")]

    def format(self) -> str:
        return f"Question: {self.question}\n"


class SubquestionAnswer(Subquestion):
    """A subquestion and its answer."""

    answer: Annotated[str, Field(description="The answer to the question.")]

    def format(self) -> str:
        return f"Question: {self.question}\n{self.answer}\n"


def _numbered(question: str, parts: list[Any]) -> str:
    return f"Task: {question}\n\n" + "\n".join(f"Subquestion {i}:\n{p.format()}" for i, p in enumerate(parts, 1))


class Task(BaseModel):
    question: Annotated[str, Field(description="The original question.")]
    subquestions: Annotated[list[Subquestion], Field(description="The subquestions that need to be answered.")]

    def format(self) -> str:
        return _numbered(self.question, self.subquestions)


class CompletedTask(BaseModel):
    """A question with every subquestion answered."""

    question: Annotated[str, Field(description="The original question.")]
    subquestions: Annotated[list[SubquestionAnswer], Field(description="The subquestions and their answers")]

    def format(self) -> str:
        return _numbered(self.question, self.subquestions)


class InformationCrumb(BaseModel):
    """One piece of information found on the web, with its source."""

    source_url: str
    source_title: str
    source_summary: str
    relevant_info: str


class GatheredInformation(BaseModel):
    """What the web surfer gathered for a subquestion."""

    information: list[InformationCrumb]

    def format(self) -> str:
        return "Here is the gathered information: \n" + "\n".join(
            f"URL: {i.source_url}\nTitle: {i.source_title}\nSummary: {i.source_summary}\n"
            f"Relevant Information: {i.relevant_info}\n\n"
            for i in self.information
        )


def _summary_starting_with(prefix: str) -> Callable[[Any, Any, Any], str]:
    """A chat summary method: the latest message starting with ``prefix``, else the last message."""

    def summary(sender: Any, recipient: Any, summary_args: Any) -> str:
        from ....agentchat.conversable_agent import ConversableAgent

        try:
            for message in reversed(recipient.chat_messages_for_summary(sender)):
                content = message.get("content") or ""
                if isinstance(content, str) and content.startswith(prefix):
                    return content
        except (IndexError, AttributeError) as e:
            warnings.warn(
                f"Cannot extract the answer starting with {prefix!r}: {e}. Using the last message.", UserWarning
            )
        return ConversableAgent._last_msg_as_summary(sender, recipient, summary_args)

    return summary


def _extract_confirmed_answer(sender: Any, recipient: Any, summary_args: Any) -> str:
    """The confirmed answer of a chat (the last message when none was confirmed)."""
    return _summary_starting_with(DeepResearchTool.ANSWER_CONFIRMED_PREFIX)(sender, recipient, summary_args)


def _extract_subquestions_answer(sender: Any, recipient: Any, summary_args: Any) -> str:
    """The answered subquestions of a chat (the last message when there are none)."""
    return _summary_starting_with(DeepResearchTool.SUBQUESTIONS_ANSWER_PREFIX)(sender, recipient, summary_args)


def _make_confirm_summary(prefix: str) -> Callable[..., str]:
    def confirm_summary(answer: str, reasoning: str) -> str:
        return f"{prefix}" + answer + "\nReasoning: " + reasoning

    return confirm_summary


def _make_confirm_answer(prefix: str) -> Callable[..., str]:
    def confirm_answer(answer: str) -> str:
        return f"{prefix} " + answer

    return confirm_answer


def _starts_with(prefix: str) -> Callable[[dict[str, Any]], bool]:
    def is_termination_msg(message: dict[str, Any]) -> bool:
        content = message.get("content")
        return isinstance(content, str) and content.startswith(prefix)

    return is_termination_msg


class DeepResearchTool(Tool):
    """A tool that delegates a web research task to nested teams of agents."""

    ANSWER_CONFIRMED_PREFIX = "Answer confirmed:"
    SUBQUESTIONS_ANSWER_PREFIX = "Subquestions answered:"

    def __init__(self, llm_config: Any, max_web_steps: int = 30) -> None:
        """Create the tool.

        Args:
            llm_config: the LLM of every agent of the research teams (LLMConfig or dict).
            max_web_steps: the most browser steps the web surfer takes per subquestion.
        """
        from ....agentchat.conversable_agent import ConversableAgent

        self.llm_config = llm_config
        confirmed = _starts_with(self.ANSWER_CONFIRMED_PREFIX)
        self.summarizer_agent = ConversableAgent(
            name="SummarizerAgent",
            system_message=(
                "You answer the question the user gives you. First split it into subquestions and get their "
                "answers by calling 'split_question_and_answer_subquestions'; then write the answer to the "
                "original question from the answers to the subquestions."
            ),
            is_termination_msg=confirmed,
            llm_config=llm_config,
            human_input_mode="NEVER",
        )
        self.critic_agent = ConversableAgent(
            name="CriticAgent",
            system_message=(
                "You judge the answer the summarizer agent gives: is it coherent, relevant and complete?\n"
                "Say what would make it better. When it is good enough, call 'confirm_summary' to end the task.\n"
            ),
            is_termination_msg=confirmed,
            llm_config=llm_config,
            human_input_mode="NEVER",
        )
        confirm_summary = _make_confirm_summary(self.ANSWER_CONFIRMED_PREFIX)
        self.summarizer_agent.register_for_execution()(confirm_summary)
        self.critic_agent.register_for_llm(description="Call this method to confirm the final answer.")(confirm_summary)

        def delegate_research_task(
            task: Annotated[str, "The task to perform a research on."],
            llm_config: Annotated[Any, Depends(on(llm_config))],
            max_web_steps: Annotated[int, Depends(on(max_web_steps))],
        ) -> str:
            """Research ``task`` with the agent teams and return the confirmed answer."""
            split = DeepResearchTool._get_split_question_and_answer_subquestions(
                llm_config=llm_config, max_web_steps=max_web_steps
            )
            self.summarizer_agent.register_for_llm(description="Split the question into subquestions and get answers.")(
                split
            )
            self.critic_agent.register_for_execution()(split)
            result = self.critic_agent.initiate_chat(
                self.summarizer_agent,
                message="Please answer the following question: " + task,
                clear_history=False,  # follow-up tasks see the earlier research
                summary_method=_extract_confirmed_answer,
            )
            return str(result.summary)

        super().__init__(
            name=delegate_research_task.__name__,
            description="Delegate a research task to the deep research agent.",
            func_or_tool=delegate_research_task,
        )

    @staticmethod
    def _get_split_question_and_answer_subquestions(llm_config: Any, max_web_steps: int) -> Callable[..., Any]:
        """The summarizer's tool: decompose a question (agent + critic), then answer every subquestion."""

        def split_question_and_answer_subquestions(
            question: Annotated[str, "The question to split and answer."],
            llm_config: Annotated[Any, Depends(on(llm_config))],
            max_web_steps: Annotated[int, Depends(on(max_web_steps))],
        ) -> str:
            from ....agentchat.conversable_agent import ConversableAgent

            answered = _starts_with(DeepResearchTool.SUBQUESTIONS_ANSWER_PREFIX)
            rule_of_thumb = (
                "As a rule of thumb: one subquestion for an easy question, 3 for a medium one, 5 for a hard one.\n"
            )
            decomposition_agent = ConversableAgent(
                name="DecompositionAgent",
                system_message=(
                    "You break complex questions down into small, focused subquestions that can each be answered "
                    "on their own. Cover every key aspect of the question without redundancy. Do not answer or "
                    "interpret anything. Leave out general-knowledge questions, needless detail, and subquestions "
                    "that need the answers of other subquestions.\n" + rule_of_thumb
                ),
                llm_config=llm_config,
                is_termination_msg=answered,
                human_input_mode="NEVER",
            )
            example = Task(
                question="What is the capital of France?",
                subquestions=[Subquestion(question="What is the capital of France?")],
            )
            decomposition_critic = ConversableAgent(
                name="DecompositionCritic",
                system_message=(
                    "You check the subquestions the decomposition agent proposes: clear, actionable, and together "
                    "the smallest set that answers the original question. Reject redundant, general-knowledge or "
                    "overly detailed subquestions, and those another subquestion already covers.\n"
                    "When you are satisfied, call 'generate_subquestions' to answer each subquestion, for example "
                    f"with the argument {{'task': {example.model_dump()}}}\n" + rule_of_thumb
                ),
                llm_config=llm_config,
                is_termination_msg=answered,
                human_input_mode="NEVER",
            )
            generate_subquestions = DeepResearchTool._get_generate_subquestions(
                llm_config=llm_config, max_web_steps=max_web_steps
            )
            decomposition_agent.register_for_execution()(generate_subquestions)
            decomposition_critic.register_for_llm(description="Generate subquestions for a task.")(
                generate_subquestions
            )
            result = decomposition_critic.initiate_chat(
                decomposition_agent,
                message="Analyse and gather subqestions for the following question: " + question,
                summary_method=_extract_subquestions_answer,
            )
            return str(result.summary)

        return split_question_and_answer_subquestions

    @staticmethod
    def _get_generate_subquestions(llm_config: Any, max_web_steps: int) -> Callable[..., str]:
        """The decomposition critic's tool: answer each subquestion of a Task on the web."""

        def generate_subquestions(
            task: Task,
            llm_config: Annotated[Any, Depends(on(llm_config))],
            max_web_steps: Annotated[int, Depends(on(max_web_steps))],
        ) -> str:
            subquestions = task.subquestions or [Subquestion(question=task.question)]
            answers = [
                SubquestionAnswer(
                    question=sub.question,
                    answer=DeepResearchTool._answer_question(
                        sub.question, llm_config=llm_config, max_web_steps=max_web_steps
                    ),
                )
                for sub in subquestions
            ]
            completed = CompletedTask(question=task.question, subquestions=answers)
            return f"{DeepResearchTool.SUBQUESTIONS_ANSWER_PREFIX} \n" + completed.format()

        return generate_subquestions

    @staticmethod
    def _answer_question(question: str, llm_config: Any, max_web_steps: int) -> str:
        """Answer ``question`` from the web: a WebSurferAgent (browser_use) gathers, a critic confirms."""
        from ....agentchat.conversable_agent import ConversableAgent
        from ....agents.experimental.websurfer import WebSurferAgent

        websurfer_config = copy.deepcopy(llm_config)
        websurfer_config["config_list"][0]["response_format"] = GatheredInformation
        confirmed = _starts_with(DeepResearchTool.ANSWER_CONFIRMED_PREFIX)
        websurfer_agent = WebSurferAgent(
            llm_config=llm_config,
            web_tool_llm_config=websurfer_config,
            name="WebSurferAgent",
            system_message=(
                "You gather information from the web that helps answer a question, and summarise it: for each "
                "piece of information give the URL, title, summary and the relevant information.\n"
            ),
            is_termination_msg=confirmed,
            human_input_mode="NEVER",
            web_tool_kwargs={"agent_kwargs": {"max_steps": max_web_steps}},
        )
        websurfer_critic = ConversableAgent(
            name="WebSurferCritic",
            system_message=(
                "You check the information the web surfer agent gathered: is it correct and enough to answer "
                "the question? Ask for more, or give the answer and confirm it.\n"
            ),
            llm_config=llm_config,
            is_termination_msg=confirmed,
            human_input_mode="NEVER",
        )
        confirm_answer = _make_confirm_answer(DeepResearchTool.ANSWER_CONFIRMED_PREFIX)
        websurfer_agent.register_for_execution()(confirm_answer)
        websurfer_critic.register_for_llm(
            description="Call this method when you agree that the original question can be answered with the "
            "gathered information and provide the answer."
        )(confirm_answer)
        websurfer_critic.register_for_execution()(websurfer_agent.tool)
        result = websurfer_critic.initiate_chat(
            websurfer_agent,
            message="Please find the answer to this question: " + question,
            summary_method=_extract_confirmed_answer,
        )
        return str(result.summary)
