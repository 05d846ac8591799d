"""`GroupChat`: who takes part in a group chat, the shared transcript, and how the next speaker is
chosen.

The dataclass holds the settings, their checks, the member list and the transcript; it is composed
of one part per concept in this package: speaker transitions (``transitions``), speaker selection
(``selection``), the LLM selection (``auto_selection``) and guardrails (``guardrails``).
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from ...exception_utils import AgentNameConflictError, UndefinedNextAgentError
from ..agent import Agent
from .auto_selection import (
    SELECT_SPEAKER_AUTO_MULTIPLE_TEMPLATE,
    SELECT_SPEAKER_AUTO_NONE_TEMPLATE,
    SELECT_SPEAKER_MESSAGE_TEMPLATE,
    SELECT_SPEAKER_PROMPT_TEMPLATE,
    AutoSelection,
)
from .eligibility import AgentEligibilityPolicy
from .guardrails import Guardrails
from .members import content_text, is_in
from .selection import METHODS, SpeakerSelection
from .transitions import Transitions

if TYPE_CHECKING:
    from ...llm_config.config import LLMConfig
    from ..conversable_agent import ConversableAgent

__all__ = ["GroupChat"]

logger = logging.getLogger(__package__)  # the group chat's one logger, "autogen.agentchat.groupchat"

# A TransformMessages can only exist once its module is loaded, so checking the type through
# sys.modules needs no import of contrib (which the core must not load).
_TRANSFORMS_MODULE = "autogen.agentchat.contrib.capabilities.transform_messages"


@dataclass
class _NameIndex:
    """Where each name first stands in a member list, and which list (of which length) that was."""

    members: list[Agent]
    length: int
    positions: dict[str, tuple[int, Agent]]


# ValueError/Exception below (noqa TRY002/TRY004) are the types the original raises.
@dataclass
class GroupChat(SpeakerSelection, AutoSelection, Transitions, Guardrails):
    """Who takes part in a group chat and how the next speaker is chosen.

    ``agents`` and ``messages`` may be given positionally; everything else by keyword.
    """

    agents: list[Agent]
    """The participants; names must be unique."""
    messages: list[dict[str, Any]] = field(default_factory=list)
    """The shared transcript (every message as the manager received it), extended in place."""
    max_round: int = 10
    """Most messages in one run, the initial message included."""
    admin_name: str = "Admin"
    """On KeyboardInterrupt during a round, the member with this name speaks (if there is one)."""
    func_call_filter: bool = True
    """After a function/tool-call message, only agents that can execute the calls may speak."""
    speaker_selection_method: Literal["auto", "manual", "random", "round_robin"] | Callable[..., Any] = "auto"
    """"auto" (an LLM picks), "manual" (a human types a number), "random", "round_robin", or a callable
    ``(last_speaker, groupchat) -> Agent | method name | None`` (None ends the chat)."""
    max_retries_for_selecting_speaker: int = 2
    """Extra questions to the selecting LLM when its answer names no or several agents."""
    allow_repeat_speaker: bool | list[Agent] | None = None
    """Whether an agent may speak twice in a row (True/False, or the agents that may)."""
    allowed_or_disallowed_speaker_transitions: dict[Any, list[Agent]] | None = None
    """A graph ``{agent: [agents]}`` of who may (or may not) speak after whom."""
    speaker_transitions_type: Literal["allowed", "disallowed"] | None = None
    """Whether the graph lists allowed or disallowed transitions."""
    enable_clear_history: bool = False
    """Honour a ``clear history [agent] [n]`` command in replies."""
    send_introductions: bool = False
    """Before the first round, tell every member who the participants are."""
    select_speaker_message_template: str = SELECT_SPEAKER_MESSAGE_TEMPLATE
    """System message of the selecting LLM; ``{roles}`` and ``{agentlist}`` are filled with str.format."""
    select_speaker_prompt_template: str | None = SELECT_SPEAKER_PROMPT_TEMPLATE
    """Prompt after the conversation; ``{agentlist}`` is replaced. None: no prompt."""
    select_speaker_auto_multiple_template: str = SELECT_SPEAKER_AUTO_MULTIPLE_TEMPLATE
    """Follow-up when the LLM named several agents; ``{agentlist}`` is replaced."""
    select_speaker_auto_none_template: str = SELECT_SPEAKER_AUTO_NONE_TEMPLATE
    """Follow-up when the LLM named no agent; ``{agentlist}`` is replaced."""
    select_speaker_transform_messages: Any = None
    """A TransformMessages applied to what the selecting LLM is sent."""
    select_speaker_auto_verbose: bool | None = False
    """Print the selection exchange and the outcome of each attempt."""
    select_speaker_auto_model_client_cls: Any = None
    """Custom ModelClient class(es) for a selection llm config that names ``model_client_cls``."""
    select_speaker_auto_llm_config: LLMConfig | dict[str, Any] | Literal[False] | None = None
    """LLM config for speaker selection (default: the manager's)."""
    role_for_select_speaker_messages: str | None = "system"
    """Role of the prompts the selection exchange adds ("system" or "user")."""
    eligibility_policies: list[AgentEligibilityPolicy] = field(default_factory=list)
    """Runtime filters every candidate must pass (see autogen.agentchat.groupchat.eligibility)."""

    DEFAULT_INTRO_MSG: ClassVar[str] = (
        "Hello everyone. A team has been put together to answer questions and solve tasks. Taking part are:"
    )
    _VALID_SPEAKER_SELECTION_METHODS: ClassVar[list[str]] = list(METHODS)

    allowed_speaker_transitions_dict: dict[Any, list[Agent]] = field(init=False, repr=False)
    _inter_agent_guardrails: list[Any] = field(default_factory=list, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._validate_agents()
        try:
            self._validate_method(self.speaker_selection_method, "speaker_selection_method")
        except ValueError as e:
            # ag2 builds the chat and raises at the first selection (code may set a valid method
            # before chatting); say so now, raise then.
            logger.warning("%s Speaker selection will fail until it is changed.", e)
        if not isinstance(self.max_round, int) or isinstance(self.max_round, bool) or self.max_round < 0:
            raise ValueError(f"GroupChat max_round must be an int >= 0, got {self.max_round!r}.")
        self._build_transitions()
        for name in (
            "select_speaker_message_template",
            "role_for_select_speaker_messages",
            "select_speaker_auto_multiple_template",
            "select_speaker_auto_none_template",
        ):
            value = getattr(self, name)
            if not isinstance(value, str) or not value:
                # ag2's wording first (code matches on it), then what to do
                raise ValueError(f"{name} cannot be empty or None. Give GroupChat a non-empty str (or leave the default).")
        if self.select_speaker_prompt_template is not None and not isinstance(self.select_speaker_prompt_template, str):
            raise ValueError("GroupChat select_speaker_prompt_template must be a str or None.")
        if self.select_speaker_prompt_template == "":
            self.select_speaker_prompt_template = None
        retries = self.max_retries_for_selecting_speaker
        if not isinstance(retries, int) or isinstance(retries, bool) or retries < 0:
            raise ValueError(f"GroupChat max_retries_for_selecting_speaker must be an int >= 0, got {retries!r}.")
        if not isinstance(self.select_speaker_auto_verbose, bool):
            raise ValueError("GroupChat select_speaker_auto_verbose must be True or False.")  # noqa: TRY004
        self._speaker_selection_transforms = None
        if self.select_speaker_transform_messages is not None:
            transforms = sys.modules.get(_TRANSFORMS_MODULE)
            if transforms is None or not isinstance(
                self.select_speaker_transform_messages, transforms.TransformMessages
            ):
                raise ValueError(
                    "select_speaker_transform_messages must be None or MessageTransforms. Pass a "
                    "autogen.agentchat.contrib.capabilities.transform_messages.TransformMessages."
                )
            self._speaker_selection_transforms = self.select_speaker_transform_messages
        if self.eligibility_policies is None:
            self.eligibility_policies = []
        if not isinstance(self.eligibility_policies, list):
            raise ValueError("GroupChat eligibility_policies must be a list of AgentEligibilityPolicy objects.")  # noqa: TRY004
        for i, policy in enumerate(self.eligibility_policies):
            if not isinstance(policy, AgentEligibilityPolicy):
                raise ValueError(  # noqa: TRY004
                    f"eligibility_policies[{i}] does not implement AgentEligibilityPolicy (missing is_eligible method). "
                    f"Got {type(policy).__name__}: give it an is_eligible(agent, ctx) -> bool method."
                )
        self._selection_agents_cache: tuple[Any, ConversableAgent, ConversableAgent] | None = None
        self._mention_patterns: dict[str, re.Pattern[str]] = {}
        self._warned_two_agents = False
        self._name_index: _NameIndex | None = None

    def _validate_agents(self) -> None:
        if isinstance(self.agents, tuple):
            self.agents = list(self.agents)
        if not isinstance(self.agents, list):
            raise ValueError(f"GroupChat agents must be a list of agents, got {type(self.agents).__name__}.")  # noqa: TRY004
        # An empty (or one-agent) group may be built and filled later; selection checks the count.
        names: list[str] = []
        for agent in self.agents:
            name = getattr(agent, "name", None)
            if not isinstance(name, str):
                raise ValueError(f"GroupChat agents must be agents with a name; got {agent!r}.")  # noqa: TRY004
            names.append(name)
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise ValueError(
                f"GroupChat agents must have unique names. Duplicate agent names found: {duplicates}. "
                "Give every agent its own name."
            )

    # ------------------------------------------------------------------ membership and transcript

    @property
    def agent_names(self) -> list[str]:
        """Names of the agents, in order."""
        return [agent.name for agent in self.agents]

    def reset(self) -> None:
        """Empty the transcript."""
        self.messages.clear()

    def append(self, message: dict[str, Any], speaker: Agent) -> None:
        """Add ``message`` by ``speaker`` to the transcript.

        The stored message names the speaker (except function results) and its content is text:
        lists of parts become their text, anything else is ``str()``-ed (so None becomes "None").
        The given dict is not changed; a changed copy is stored when needed.
        """
        self._append(message, speaker)

    def _append(self, message: dict[str, Any], speaker: Agent) -> dict[str, Any]:
        content = message.get("content")
        fix_name = message.get("role") != "function" and message.get("name") != speaker.name
        fix_content = not isinstance(content, str)
        if fix_name or fix_content:
            message = dict(message)
            if fix_name:
                message["name"] = speaker.name
            if fix_content:
                message["content"] = content_text(content if isinstance(content, list) else str(content))
        self.messages.append(message)
        return message

    def agent_by_name(self, name: str, recursive: bool = False, raise_on_name_conflict: bool = False) -> Agent | None:
        """The agent called ``name`` (None when absent); ``recursive`` also searches nested group chats."""
        if not recursive and not raise_on_name_conflict:
            return self._indexed_agent(name)
        agents = self.nested_agents() if recursive else self.agents
        found = [agent for agent in agents if agent.name == name]
        if raise_on_name_conflict and len(found) > 1:
            raise AgentNameConflictError(f"Found {len(found)} agents named {name!r}.")
        return found[0] if found else None

    def _indexed_agent(self, name: str) -> Agent | None:
        """``agent_by_name`` through a name index, for the lookups pattern chats make every turn.

        Users may change ``agents`` in place or replace it, so the index is checked, not trusted,
        and nothing is copied per call: it is rebuilt when the list is another object or has
        another length, or when the member it names no longer stands at its position under that
        name; a name it lacks is looked for in the list (a member put in place of another).
        """
        agents = self.agents
        index = self.__dict__.get("_name_index")
        if index is None or index.members is not agents or index.length != len(agents):
            index = self._build_name_index()
        entry = index.positions.get(name)
        if entry is not None:
            position, agent = entry
            if agents[position] is agent and agent.name == name:
                return agent
            entry = self._build_name_index().positions.get(name)
            return entry[1] if entry is not None else None
        for agent in agents:
            if agent.name == name:
                entry = self._build_name_index().positions.get(name)
                return entry[1] if entry is not None else None
        return None

    def _build_name_index(self) -> _NameIndex:
        agents = self.agents
        positions: dict[str, tuple[int, Agent]] = {}
        for position, agent in enumerate(agents):
            positions.setdefault(agent.name, (position, agent))
        index = self.__dict__["_name_index"] = _NameIndex(agents, len(agents), positions)
        return index

    def nested_agents(self) -> list[Agent]:
        """The agents of this group and, recursively, of group chats whose managers are members."""
        from .manager import GroupChatManager  # the manager module builds on this one

        agents = list(self.agents)
        for agent in self.agents:
            if isinstance(agent, GroupChatManager):
                agents.extend(agent.groupchat.nested_agents())
        return agents

    def next_agent(self, agent: Agent, agents: list[Agent] | None = None) -> Agent:
        """The agent after ``agent`` in group order (wrapping), restricted to ``agents`` when given."""
        if agents is None:
            agents = self.agents
        if not all(is_in(self.agents, a) for a in agents):
            raise UndefinedNextAgentError()
        names = self.agent_names
        idx = names.index(agent.name) if agent is not None and agent.name in names else -1
        n = len(self.agents)
        for i in range(1, n + 1):
            candidate = self.agents[(idx + i) % n]
            if is_in(agents, candidate):
                return candidate
        raise UndefinedNextAgentError()

    # ------------------------------------------------------------------ prompts

    def _participant_roles(self, agents: list[Agent] | None = None) -> str:
        roles = []
        for agent in self.agents if agents is None else agents:
            description = agent.description or ""
            if not description.strip():
                logger.warning("Agent '%s' has an empty description; the group chat may not pick it well.", agent.name)
            roles.append(f"{agent.name}: {description}".strip())
        return "\n".join(roles)

    def select_speaker_msg(self, agents: list[Agent] | None = None) -> str:
        """The system message of the speaker-selecting LLM (first message of its context)."""
        agents = self.agents if agents is None else agents
        try:
            return self.select_speaker_message_template.format(
                roles=self._participant_roles(agents), agentlist=f"{[a.name for a in agents]}"
            )
        except (KeyError, IndexError, ValueError) as e:
            raise ValueError(
                f"select_speaker_message_template could not be filled ({e!r}): it may use only {{roles}} and "
                "{agentlist}; write other braces doubled ('{{' and '}}')."
            ) from e

    def select_speaker_prompt(self, agents: list[Agent] | None = None) -> str | None:
        """The prompt after the conversation (last message of the selecting LLM's context), or None."""
        if self.select_speaker_prompt_template is None:
            return None
        agents = self.agents if agents is None else agents
        return self.select_speaker_prompt_template.replace("{agentlist}", f"{[a.name for a in agents]}")

    def introductions_msg(self, agents: list[Agent] | None = None) -> str:
        """The greeting sent to every member when ``send_introductions`` is on."""
        return f"{self.DEFAULT_INTRO_MSG}\n\n{self._participant_roles(agents)}"
