"""generate_criteria / quantify_criteria (deprecated in ag2 0.13)."""

from __future__ import annotations

import warnings
from typing import Any

from ...groupchat import GroupChat, GroupChatManager
from ...user_proxy_agent import UserProxyAgent
from .criterion import Criterion
from .critic_agent import CriticAgent
from .quantifier_agent import QuantifierAgent
from .subcritic_agent import SubCriticAgent
from .task import Task

__all__ = ["generate_criteria", "quantify_criteria"]

_DEPRECATION_MSG = "The agent_eval module is deprecated and will be removed in v0.14. "


def _silent_user(name: str) -> UserProxyAgent:
    return UserProxyAgent(
        name=name, max_consecutive_auto_reply=0, human_input_mode="NEVER", code_execution_config={"use_docker": False}
    )


def generate_criteria(
    llm_config: Any = None,
    task: Task | None = None,
    additional_instructions: str = "",
    max_round: int = 2,
    use_subcritic: bool = False,
) -> list[Criterion]:
    """The criteria a CriticAgent (followed by a SubCriticAgent when ``use_subcritic``) proposes for
    ``task``, in a round-robin group chat of ``max_round`` rounds; the JSON list in the last message
    is parsed (text around it is ignored)."""
    warnings.warn(_DEPRECATION_MSG, DeprecationWarning, stacklevel=2)
    if task is None:
        raise ValueError("generate_criteria needs a task.")
    critic = CriticAgent(
        system_message=CriticAgent.DEFAULT_SYSTEM_MESSAGE + "\n" + additional_instructions, llm_config=llm_config
    )
    critic_user = _silent_user("critic_user")
    agents: list[Any] = [critic_user, critic]
    if use_subcritic:
        agents.append(SubCriticAgent(llm_config=llm_config))
    groupchat = GroupChat(agents=agents, messages=[], max_round=max_round, speaker_selection_method="round_robin")
    manager = GroupChatManager(groupchat=groupchat, llm_config=llm_config)
    critic_user.initiate_chat(manager, message=task.get_sys_message())
    content = critic_user.last_message()["content"]
    return Criterion.parse_json_str(content[content.find("[") : content.rfind("]") + 1])


def quantify_criteria(
    llm_config: Any = None,
    criteria: list[Criterion] | None = None,
    task: Task | None = None,
    test_case: str = "",
    ground_truth: str = "",
) -> dict[str, Any]:
    """A QuantifierAgent's assessment of ``test_case`` against ``criteria``:
    ``{"actual_success": ground_truth, "estimated_performance": <its answer>}``."""
    warnings.warn(_DEPRECATION_MSG, DeprecationWarning, stacklevel=2)
    if task is None or criteria is None:
        raise ValueError("quantify_criteria needs a task and criteria.")
    quantifier = QuantifierAgent(llm_config=llm_config)
    quantifier_user = _silent_user("quantifier_user")
    quantifier_user.initiate_chat(
        quantifier,
        message=task.get_sys_message()
        + "Evaluation dictionary: "
        + Criterion.write_json(criteria)
        + "actual test case to evaluate: "
        + test_case,
    )
    return {"actual_success": ground_truth, "estimated_performance": quantifier_user.last_message()["content"]}
