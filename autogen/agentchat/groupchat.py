"""The classic group chat: a `GroupChat` (who takes part, how the next speaker is chosen) run by a
`GroupChatManager` (an agent that relays every message to all members and asks the chosen speaker
to reply).

The manager's chat loop, speaker selection and resume are each written once as a flow (see
``autogen/_effects.py``): members' stock steps are entered by delegation, user code is an effect
run by the sync or the async driver, and the loop keeps the stack flat however many rounds it runs. Messages are shared, not copied:
the manager builds each relayed message once per round and every member's history holds that object.
"""

from __future__ import annotations

import copy
import json
import logging
import random
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from .. import runtime_logging
from .._effects import Call, Flow, run_async, run_sync
from ..exception_utils import AgentNameConflictError, NoEligibleSpeakerError, UndefinedNextAgentError
from ..graph_utils import check_graph_validity, invert_disallowed_to_allowed
from ..io.base import IOStream
from ._messages import normalize_message, restamped
from .agent import Agent
from .conversable.events import agent_event as _agent_event
from .conversable.messaging import Messaging, reply_flow, send_flow
from .conversable.stock import is_inline, is_stock, register_stock_flow
from .conversable.termination import is_termination
from .conversable_agent import ConversableAgent
from .group.eligibility import AgentEligibilityPolicy, SelectionContext

if TYPE_CHECKING:
    from ..llm_config.config import LLMConfig

__all__ = ["GroupChat", "GroupChatManager"]

logger = logging.getLogger(__name__)

_METHODS = ("auto", "manual", "random", "round_robin")

SELECT_SPEAKER_MESSAGE_TEMPLATE = """You are coordinating a role play. These roles take part:
{roles}.
Read the conversation that follows, then decide which role from {agentlist} speaks next. Reply with the role name only."""

SELECT_SPEAKER_PROMPT_TEMPLATE = (
    "Given the conversation above, which role from {agentlist} should speak next? Reply with the role name only."
)

_CHOICE_RULES = """Decide with these rules, in this order:
1. If the text speaks as one of the roles (for example "As the ..."), pick that role.
2. If the text says who goes "next", pick that role.
3. Otherwise pick the first role the text names.
Names are case-sensitive: write the name exactly, without shortening or changing it."""

SELECT_SPEAKER_AUTO_MULTIPLE_TEMPLATE = (
    "Your answer named more than one role. Give exactly one name: the next speaker.\n"
    + _CHOICE_RULES
    + "\nAnswer with the name alone and no explanation."
)

SELECT_SPEAKER_AUTO_NONE_TEMPLATE = (
    "Your answer did not name any role. Give exactly one name: the next speaker.\n"
    + _CHOICE_RULES
    + "\nThe valid names are {agentlist}.\nAnswer with the name alone and no explanation."
)

_MANUAL_PROMPT = "Enter the number of the next speaker (press enter or type 'q' to let the chat choose): "
_MANUAL_TRIES = 3


def _emit(event_name: str, **fields: Any) -> None:
    IOStream.get_default().send(_agent_event(event_name)._from_fields(fields))


def _content_str(content: Any) -> str:
    from ..coding.extraction import content_str

    return content_str(content)


def _is_in(agents: list[Any], agent: Any) -> bool:
    for a in agents:
        if a is agent:
            return True
    return False


def _called_functions(message: dict[str, Any]) -> list[str]:
    """Names of the functions a message asks to call (legacy function_call and tool_calls)."""
    names: list[str] = []
    function_call = message.get("function_call")
    if function_call:
        names.append(function_call.get("name", ""))
    for call in message.get("tool_calls") or []:
        if call.get("type", "function") == "function":
            names.append((call.get("function") or {}).get("name", ""))
    return names


def _can_execute(agent: Any, names: list[str]) -> bool:
    can = getattr(agent, "can_execute_function", None)
    if can is not None:
        return bool(can(names))
    function_map = getattr(agent, "function_map", None) or {}
    return all(n in function_map for n in names)


def _offered_functions(agent: Any) -> set[str]:
    """Function names an agent's LLM is offered (tools and legacy functions)."""
    config = getattr(agent, "llm_config", None)
    if not config:
        return set()
    names = set()
    for tool in config.get("tools") or []:
        names.add(((tool or {}).get("function") or {}).get("name"))
    for func in config.get("functions") or []:
        names.add((func or {}).get("name"))
    return names


def _reply_text(reply: Any) -> str:
    if reply is None:
        return ""
    if isinstance(reply, str):
        return reply
    if isinstance(reply, dict):
        content = reply.get("content")
        if isinstance(content, (str, list)):
            try:
                return _content_str(content)
            except (TypeError, ValueError):
                return str(content)
        return "" if content is None else str(content)
    return str(reply)


# What a broadcast checks to append the shared message directly instead of re-normalising it
# once per member: that the member receives, and the manager sends, the stock way.
_RECEIVE_ATTRS = ("receive", "a_receive", "_receive_flow", "_process_received_message", "_append_oai_message")
_SEND_ATTRS = ("send", "a_send", "_send_flow", "_outgoing", "_append_oai_message", "_process_message_before_send")


@dataclass
class GroupChat:  # ValueError/Exception below (noqa TRY002/TRY004) are the types the original raises
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
    """Honour a "clear history [agent] [n]" command in replies."""
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
    """Runtime filters every candidate must pass (see autogen.agentchat.group.eligibility)."""

    DEFAULT_INTRO_MSG: ClassVar[str] = (
        "Hello everyone. A team has been put together to answer questions and solve tasks. Taking part are:"
    )
    _VALID_SPEAKER_SELECTION_METHODS: ClassVar[list[str]] = list(_METHODS)
    _VALID_SPEAKER_TRANSITIONS_TYPE: ClassVar[list[str | None]] = ["allowed", "disallowed", None]

    allowed_speaker_transitions_dict: dict[Any, list[Agent]] = field(init=False, repr=False)
    _inter_agent_guardrails: list[Any] = field(default_factory=list, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._validate_agents()
        self._validate_method(self.speaker_selection_method, "speaker_selection_method")
        if not isinstance(self.max_round, int) or isinstance(self.max_round, bool) or self.max_round < 0:
            raise ValueError(f"GroupChat max_round must be an int >= 0, got {self.max_round!r}.")
        self._build_transitions()
        for name in (
            "select_speaker_message_template",
            "select_speaker_auto_multiple_template",
            "select_speaker_auto_none_template",
            "role_for_select_speaker_messages",
        ):
            value = getattr(self, name)
            if not isinstance(value, str) or not value:
                raise ValueError(f"GroupChat {name} must be a non-empty str.")
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
            from .contrib.capabilities.transform_messages import TransformMessages

            if not isinstance(self.select_speaker_transform_messages, TransformMessages):
                raise ValueError("GroupChat select_speaker_transform_messages must be None or a TransformMessages.")
            self._speaker_selection_transforms = self.select_speaker_transform_messages
        if self.eligibility_policies is None:
            self.eligibility_policies = []
        if not isinstance(self.eligibility_policies, list):
            raise ValueError("GroupChat eligibility_policies must be a list of AgentEligibilityPolicy objects.")  # noqa: TRY004
        for policy in self.eligibility_policies:
            if not isinstance(policy, AgentEligibilityPolicy):
                raise ValueError(  # noqa: TRY004
                    f"GroupChat eligibility_policies holds {policy!r}, which has no is_eligible(agent, ctx) method."
                )
        self._selection_agents_cache: tuple[Any, ConversableAgent, ConversableAgent] | None = None
        self._mention_patterns: dict[str, re.Pattern[str]] = {}
        self._warned_two_agents = False

    # ------------------------------------------------------------------ construction checks

    def _validate_agents(self) -> None:
        if isinstance(self.agents, tuple):
            self.agents = list(self.agents)
        if not isinstance(self.agents, list):
            raise ValueError(f"GroupChat agents must be a list of agents, got {type(self.agents).__name__}.")  # noqa: TRY004
        if not self.agents:
            raise ValueError("GroupChat needs at least one agent (usually two or more); the agents list is empty.")
        names: list[str] = []
        for agent in self.agents:
            name = getattr(agent, "name", None)
            if not isinstance(name, str):
                raise ValueError(f"GroupChat agents must be agents with a name; got {agent!r}.")  # noqa: TRY004
            names.append(name)
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise ValueError(
                f"GroupChat agent names must be unique; these appear more than once: {duplicates}. "
                "Give every agent its own name."
            )

    @staticmethod
    def _validate_method(method: Any, what: str) -> None:
        if callable(method):
            return
        if not isinstance(method, str) or method.lower() not in _METHODS:
            raise ValueError(
                f"GroupChat {what} is {method!r}; it must be one of {list(_METHODS)} (case-insensitive) or a callable."
            )

    def _build_transitions(self) -> None:
        repeat = self.allow_repeat_speaker
        if repeat is not None and not isinstance(repeat, (bool, list)):
            raise ValueError("GroupChat allow_repeat_speaker must be a bool, a list of agents, or None.")
        if isinstance(self.speaker_transitions_type, str):
            self.speaker_transitions_type = self.speaker_transitions_type.lower()  # type: ignore[assignment]
        if self.speaker_transitions_type not in self._VALID_SPEAKER_TRANSITIONS_TYPE:
            raise ValueError(
                f"GroupChat speaker_transitions_type is {self.speaker_transitions_type!r}; "
                "it must be 'allowed', 'disallowed' (case-insensitive) or None."
            )
        graph = self.allowed_or_disallowed_speaker_transitions
        if graph is None and repeat is None:
            self.allow_repeat_speaker = repeat = True
        if graph is not None and repeat is not None:
            raise ValueError(
                "Give GroupChat either allowed_or_disallowed_speaker_transitions or allow_repeat_speaker, not both; "
                "set one of them to None."
            )
        if graph is not None and self.speaker_transitions_type is None:
            raise ValueError(
                "GroupChat allowed_or_disallowed_speaker_transitions needs speaker_transitions_type "
                "set to 'allowed' or 'disallowed'."
            )
        self._default_graph = graph is None
        if graph is None:
            transitions: dict[Any, list[Agent]] = {}
            for agent in self.agents:
                may_repeat = repeat is True or (isinstance(repeat, list) and _is_in(repeat, agent))
                transitions[agent] = [a for a in self.agents if a is not agent or may_repeat]
        elif self.speaker_transitions_type == "allowed":
            transitions = graph
        else:
            if not isinstance(graph, dict):
                raise ValueError(
                    "GroupChat allowed_or_disallowed_speaker_transitions must be a dict {agent: [agents]}, "
                    f"got {type(graph).__name__}."
                )
            transitions = invert_disallowed_to_allowed(graph, self.agents)
        check_graph_validity(allowed_speaker_transitions_dict=transitions, agents=self.agents)
        self.allowed_speaker_transitions_dict = transitions

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
                message["content"] = _content_str(content if isinstance(content, list) else str(content))
        self.messages.append(message)
        return message

    def agent_by_name(self, name: str, recursive: bool = False, raise_on_name_conflict: bool = False) -> Agent | None:
        """The agent called ``name`` (None when absent); ``recursive`` also searches nested group chats."""
        if not recursive and not raise_on_name_conflict:
            # Looked up every turn by pattern chats: an index, rebuilt when the member list changes.
            members = tuple(self.agents)
            cached = self.__dict__.get("_name_index")
            if cached is None or cached[0] != members:
                index: dict[str, Agent] = {}
                for agent in members:
                    index.setdefault(agent.name, agent)
                cached = self.__dict__["_name_index"] = (members, index)
            return cached[1].get(name)
        agents = self.nested_agents() if recursive else self.agents
        found = [agent for agent in agents if agent.name == name]
        if raise_on_name_conflict and len(found) > 1:
            raise AgentNameConflictError(f"Found {len(found)} agents named {name!r}.")
        return found[0] if found else None

    def nested_agents(self) -> list[Agent]:
        """The agents of this group and, recursively, of group chats whose managers are members."""
        agents = list(self.agents)
        for agent in self.agents:
            if isinstance(agent, GroupChatManager):
                agents.extend(agent.groupchat.nested_agents())
        return agents

    def next_agent(self, agent: Agent, agents: list[Agent] | None = None) -> Agent:
        """The agent after ``agent`` in group order (wrapping), restricted to ``agents`` when given."""
        if agents is None:
            agents = self.agents
        if not all(_is_in(self.agents, a) for a in agents):
            raise UndefinedNextAgentError()
        names = self.agent_names
        idx = names.index(agent.name) if agent is not None and agent.name in names else -1
        n = len(self.agents)
        for i in range(1, n + 1):
            candidate = self.agents[(idx + i) % n]
            if _is_in(agents, candidate):
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

    # ------------------------------------------------------------------ selection methods

    def manual_select_speaker(self, agents: list[Agent] | None = None) -> Agent | None:
        """Ask the human (through the IO stream) to pick the next speaker by number.

        Empty input or "q" returns None (the caller then falls back); invalid input is asked again,
        at most three times in all.
        """
        agents = self.agents if agents is None else agents
        stream = IOStream.get_default()
        _emit("SelectSpeakerEvent", agents=agents)
        for try_count in range(1, _MANUAL_TRIES + 1):
            answer = stream.input(_MANUAL_PROMPT)
            answer = answer.strip() if isinstance(answer, str) else ""
            if answer in ("", "q"):
                return None
            if answer.isdigit() and 1 <= int(answer) <= len(agents):
                return agents[int(answer) - 1]
            _emit("SelectSpeakerInvalidInputEvent", agents=agents)
            if try_count == _MANUAL_TRIES:
                _emit("SelectSpeakerTryCountExceededEvent", try_count=try_count, agents=agents)
        return None

    def random_select_speaker(self, agents: list[Agent] | None = None) -> Agent | None:
        """A random agent of ``agents`` (default: all)."""
        return random.choice(self.agents if agents is None else agents)

    def _repeat_allowed(self, last_speaker: Agent) -> bool:
        repeat = self.allow_repeat_speaker
        if isinstance(repeat, list):
            return _is_in(repeat, last_speaker)
        return repeat is not False

    def _candidates(self, last_speaker: Agent, method: str) -> list[Agent]:
        """The agents that may speak next (steps 2-6 of the selection): never empty."""
        n = len(self.agents)
        if n < 2:
            raise ValueError(
                f"GroupChat has {n} agent; speaker selection needs at least two. "
                "Add agents, or let the two agents talk directly with initiate_chat."
            )
        repeat = self._repeat_allowed(last_speaker)
        if n == 2 and method != "round_robin" and repeat and not self._warned_two_agents:
            self._warned_two_agents = True
            logger.warning(
                "GroupChat has only two agents and the same speaker may be chosen twice in a row; consider "
                "speaker_selection_method='round_robin' or allow_repeat_speaker=False."
            )
        candidates = self.agents
        last = self.messages[-1] if self.messages else None
        if self.func_call_filter and last is not None and (last.get("function_call") or last.get("tool_calls")):
            funcs = _called_functions(last)
            able = [a for a in self.agents if _can_execute(a, funcs)]
            if not able:
                able = [a for a in self.agents if getattr(a, "function_map", None)]
            if not able:
                raise ValueError(
                    f"No agent of the group can execute {', '.join(funcs)}: register the function for execution "
                    "on a member (register_for_execution or register_function(..., executor=...))."
                )
            if len(able) == 1:
                # The only executor speaks, whatever the repeat and transition rules say.
                return self._apply_policies(able, last_speaker)
            candidates = able
        if not repeat:
            candidates = [a for a in candidates if a is not last_speaker]
        if not self._default_graph and _is_in(self.agents, last_speaker):
            allowed = self._allowed_after(last_speaker)
            if allowed is None:
                raise NoEligibleSpeakerError(
                    f"Agent '{last_speaker.name}' has no outgoing speaker transition, so nobody can speak after it."
                )
            candidates = [a for a in candidates if _is_in(allowed, a)]
        if not candidates:
            if self.eligibility_policies:
                raise NoEligibleSpeakerError(f"No agent may speak after '{getattr(last_speaker, 'name', None)}'.")
            candidates = self.agents  # legacy: an empty filter result means everyone
        return self._apply_policies(candidates, last_speaker)

    def _allowed_after(self, agent: Agent) -> list[Agent] | None:
        for source, targets in self.allowed_speaker_transitions_dict.items():
            if source is agent:
                return targets
        return None

    def _apply_policies(self, candidates: list[Agent], last_speaker: Agent | None) -> list[Agent]:
        if not self.eligibility_policies:
            return candidates
        ctx = SelectionContext(
            round=len(self.messages),
            last_speaker=getattr(last_speaker, "name", None),
            participants=tuple(self.agent_names),
        )
        kept = [a for a in candidates if all(p.is_eligible(a, ctx) for p in self.eligibility_policies)]
        if not kept:
            raise NoEligibleSpeakerError(
                f"The eligibility policies excluded every candidate ({[a.name for a in candidates]})."
            )
        return kept

    def _select_speaker_flow(
        self, last_speaker: Agent, selector: ConversableAgent | None
    ) -> Flow[Agent]:
        method: Any = self.speaker_selection_method
        from_callable = False
        if callable(method):
            # user code is an effect; the library's own selection (a pattern's) is called in place
            chosen = method(last_speaker, self) if is_inline(method) else (yield Call(method, None, last_speaker, self))
            if chosen is None:
                raise NoEligibleSpeakerError("The custom speaker selection function returned None, so the chat ends.")
            if isinstance(chosen, str):
                self._validate_method(chosen, "custom speaker selection function result")
                method, from_callable = chosen, True
            elif _is_in(self.agents, chosen):
                return chosen
            elif hasattr(chosen, "name"):
                raise ValueError(
                    f"The custom speaker selection function returned agent '{chosen.name}', which is not in the group chat."
                )
            else:
                raise ValueError(
                    "The custom speaker selection function must return an agent of the group, a method name or None; "
                    f"it returned a {type(chosen).__name__}."
                )
        else:
            self._validate_method(method, "speaker_selection_method")  # it may have been changed since
        method = method.lower()
        candidates = self._candidates(last_speaker, method)
        if len(candidates) == 1:
            return candidates[0]
        if method == "manual":
            chosen = yield Call(self.manual_select_speaker, None, candidates)
            if chosen is not None:
                return chosen
            if not from_callable:
                return self.next_agent(last_speaker, candidates)
            method = "auto"  # a callable asked for a human who did not answer: let the LLM choose
        if method == "round_robin":
            return self.next_agent(last_speaker, candidates)
        if method == "random":
            return self.random_select_speaker(candidates)  # type: ignore[return-value]
        return (yield from self._auto_select_flow(last_speaker, selector, candidates))

    def select_speaker(self, last_speaker: Agent, selector: ConversableAgent) -> Agent:
        """Choose who speaks after ``last_speaker``; ``selector`` (the manager) lends its LLM config."""
        return run_sync(self._select_speaker_flow(last_speaker, selector))

    async def a_select_speaker(self, last_speaker: Agent, selector: ConversableAgent) -> Agent:
        """Async twin of `select_speaker`."""
        return await run_async(self._select_speaker_flow(last_speaker, selector))

    # ------------------------------------------------------------------ auto selection

    def _mentioned_agents(
        self, message_content: str | list[Any] | dict[str, Any] | None, agents: list[Agent] | None
    ) -> dict[str, int]:
        """How often each agent is named in ``message_content``.

        A name counts when it stands between non-word characters; matching is case-sensitive and
        also accepts the name with "_" written as a space or as "\\_".
        """
        agents = self.agents if agents is None else agents
        text = f" {_reply_text(message_content)} "
        mentions: dict[str, int] = {}
        for agent in agents:
            pattern = self._mention_patterns.get(agent.name)
            if pattern is None:
                forms = {agent.name, agent.name.replace("_", " "), agent.name.replace("_", r"\_")}
                alternatives = "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True))
                pattern = re.compile(rf"(?<=\W)(?:{alternatives})(?=\W)")
                self._mention_patterns[agent.name] = pattern
            count = len(pattern.findall(text))
            if count:
                mentions[agent.name] = count
        return mentions

    def _selection_agents(self, selector: ConversableAgent | None) -> tuple[ConversableAgent, ConversableAgent]:
        """The (cached) selecting agent and the checking agent it answers to."""
        config = self.select_speaker_auto_llm_config or getattr(selector, "llm_config", False)
        if not config:
            raise ValueError(
                "Auto speaker selection needs an LLM: give the GroupChatManager an llm_config, set "
                "GroupChat.select_speaker_auto_llm_config, or choose another speaker_selection_method."
            )
        cached = self._selection_agents_cache
        if cached is not None and cached[0] is config:
            return cached[1], cached[2]
        checker = ConversableAgent("checking_agent", llm_config=False, human_input_mode="NEVER")
        speaker_agent = ConversableAgent(
            "speaker_selection_agent",
            system_message="",
            llm_config=config,
            human_input_mode="NEVER",
            max_consecutive_auto_reply=sys.maxsize,
            is_termination_msg=lambda m: False,
        )
        self._register_custom_model_clients(speaker_agent)
        if self._speaker_selection_transforms is not None:
            self._speaker_selection_transforms.add_to_agent(speaker_agent)
        self._selection_agents_cache = (config, speaker_agent, checker)
        return speaker_agent, checker

    def _register_custom_model_clients(self, agent: ConversableAgent) -> None:
        entries = dict(**agent.llm_config).get("config_list") or [] if agent.llm_config else []
        for entry in entries:
            wanted = (
                entry.get("model_client_cls") if isinstance(entry, dict) else getattr(entry, "model_client_cls", None)
            )
            if not wanted:
                continue
            classes = self.select_speaker_auto_model_client_cls
            if not classes:
                raise ValueError(
                    f"The speaker selection llm config names model_client_cls '{wanted}' but "
                    "GroupChat.select_speaker_auto_model_client_cls does not supply the class."
                )
            classes = classes if isinstance(classes, list) else [classes]
            matching = {c for c in classes if c.__name__ == wanted}
            if len(matching) > 1:
                raise RuntimeError(f"More than one model client class is named '{wanted}'.")
            if not matching:
                raise ValueError(f"No class in select_speaker_auto_model_client_cls is named '{wanted}'.")
            agent.register_model_client(matching.pop())

    def _auto_select_flow(
        self, last_speaker: Agent, selector: ConversableAgent | None, candidates: list[Agent]
    ) -> Flow[Agent]:
        speaker_agent, checker = self._selection_agents(selector)
        # The selecting LLM reads the transcript itself (shared dicts, one list of references).
        context = list(self.messages)
        if context and (context[-1].get("function_call") or context[-1].get("tool_calls")):
            # A call without its results would be rejected by the API: show the text only.
            context[-1] = {k: v for k, v in context[-1].items() if k not in ("function_call", "tool_calls")}
        agentlist = f"{[a.name for a in candidates]}"
        role = self.role_for_select_speaker_messages
        speaker_agent.update_system_message(self.select_speaker_msg(candidates))
        prompt = self.select_speaker_prompt(candidates)
        if prompt is not None:
            context.append({"content": prompt, "name": "checking_agent", "role": role})
        else:
            starter = normalize_message(context[-1] if context else "", "user", checker.name)
            context.append(starter or {"content": "", "role": "user", "name": checker.name})
        verbose = bool(self.select_speaker_auto_verbose)
        max_attempts = 1 + self.max_retries_for_selecting_speaker
        for attempt in range(1, max_attempts + 1):
            attempts_left = max_attempts - attempt
            if verbose:
                speaker_agent._print_received_message(context[-1], checker)
            speaker_agent.reset_consecutive_auto_reply_counter(checker)
            reply = yield from reply_flow(speaker_agent, context, checker)
            if verbose and reply is not None:
                checker._print_received_message(reply, speaker_agent)
            mentions = self._mentioned_agents(reply, candidates)
            fields = {
                "mentions": mentions,
                "attempt": attempt,
                "attempts_left": attempts_left,
                "select_speaker_auto_verbose": verbose,
            }
            if len(mentions) == 1:
                if verbose:
                    _emit("SpeakerAttemptSuccessfulEvent", **fields)
                chosen = self.agent_by_name(next(iter(mentions)))
                if chosen is not None:
                    return chosen
            # A wrong answer is reported even when not verbose: the user should learn why the
            # chat fell back to another speaker.
            many = len(mentions) > 1
            _emit("SpeakerAttemptFailedMultipleAgentsEvent" if many else "SpeakerAttemptFailedNoAgentsEvent", **fields)
            if not attempts_left:
                break
            said = normalize_message(reply if reply is not None else "", "assistant", speaker_agent.name)
            context.append(said or {"content": "", "role": "assistant", "name": speaker_agent.name})
            template = self.select_speaker_auto_multiple_template if many else self.select_speaker_auto_none_template
            context.append(
                {"content": template.replace("{agentlist}", agentlist), "name": "checking_agent", "role": role}
            )
        fallback = self.next_agent(last_speaker, candidates)
        logger.warning(
            "Speaker selection: the LLM did not name exactly one of %s in %d attempt(s); '%s' speaks next.",
            agentlist,
            max_attempts,
            fallback.name,
        )
        return fallback

    # ------------------------------------------------------------------ guardrails (used by group patterns)

    def _run_input_guardrails(self, agent: Agent, messages: list[dict[str, Any]] | None = None) -> str | None:
        for guardrail in getattr(agent, "input_guardrails", None) or []:
            result = guardrail.check(context=messages)
            if getattr(result, "activated", False):
                return self._activate_guardrail(guardrail, result)
        return None

    def _run_output_guardrails(self, agent: Agent, reply: Any) -> str | None:
        for guardrail in getattr(agent, "output_guardrails", None) or []:
            result = guardrail.check(context=reply)
            if getattr(result, "activated", False):
                return self._activate_guardrail(guardrail, result)
        return None

    def _activate_guardrail(self, guardrail: Any, result: Any) -> str:
        target = getattr(guardrail, "target", None)
        if target is not None and hasattr(target, "activate_target"):
            target.activate_target(self)
        message = getattr(guardrail, "activation_message", "Guardrail activated")
        return f"{message}\nJustification: {getattr(result, 'justification', '')}"

    def _run_inter_agent_guardrails(self, *, src_agent_name: str, dst_agent_name: str, message_content: Any) -> Any:
        for guardrail in self._inter_agent_guardrails:
            replacement = guardrail.check_and_act(
                src_agent_name=src_agent_name, dst_agent_name=dst_agent_name, message_content=message_content
            )
            if replacement is not None:
                return replacement
        return None


class GroupChatManager(ConversableAgent):
    """An agent that runs a `GroupChat`: it relays each message to every member, picks the next
    speaker and asks it to reply, until a stop condition is met."""

    def __init__(
        self,
        groupchat: GroupChat,
        name: str | None = "chat_manager",
        max_consecutive_auto_reply: int | None = sys.maxsize,
        human_input_mode: Literal["ALWAYS", "NEVER", "TERMINATE"] = "NEVER",
        system_message: str | list[Any] | None = "Group chat manager.",
        silent: bool = False,
        **kwargs: Any,
    ) -> None:
        if not isinstance(groupchat, GroupChat):
            raise TypeError(f"GroupChatManager needs a GroupChat, got {type(groupchat).__name__}.")
        llm_config = kwargs.get("llm_config")
        if isinstance(llm_config, dict) and (llm_config.get("functions") or llm_config.get("tools")):
            raise ValueError(
                "GroupChatManager does not make function or tool calls: remove 'functions'/'tools' from its llm_config "
                "and register them on the member agents."
            )
        super().__init__(
            name=name or "chat_manager",
            max_consecutive_auto_reply=max_consecutive_auto_reply,
            human_input_mode=human_input_mode,
            system_message=system_message,
            **kwargs,
        )
        self._groupchat = groupchat
        self._last_speaker: Agent | None = None
        self._silent = silent
        self.register_reply(Agent, GroupChatManager.run_chat, config=groupchat, reset_config=GroupChat.reset)
        self.register_reply(
            Agent,
            GroupChatManager.a_run_chat,
            config=groupchat,
            reset_config=GroupChat.reset,
            ignore_async_in_sync_chat=True,
        )
        # register_reply keeps a shallow copy of a config; the chat must run on the live GroupChat
        # (resume() and users change its settings after construction).
        for entry in self._reply_func_list[:2]:
            entry["config"] = groupchat

    @property
    def groupchat(self) -> GroupChat:
        """The group chat this manager runs."""
        return self._groupchat

    @property
    def last_speaker(self) -> Agent | None:
        """The agent whose message the manager relayed last (the real author of what members receive)."""
        return self._last_speaker

    def chat_messages_for_summary(self, agent: Agent) -> list[dict[str, Any]]:
        """The whole group transcript (summaries cover the group chat, not one member's view)."""
        return self._groupchat.messages

    def _prepare_chat(
        self,
        recipient: ConversableAgent,
        clear_history: bool,
        prepare_recipient: bool = True,
        reply_at_receive: bool = True,
    ) -> None:
        super()._prepare_chat(recipient, clear_history, prepare_recipient, reply_at_receive)
        if clear_history:
            self._groupchat.reset()
        for agent in self._groupchat.agents:
            if (agent is not recipient or prepare_recipient) and isinstance(agent, ConversableAgent):
                agent._prepare_chat(self, clear_history, False, reply_at_receive)
                if clear_history:
                    self.clear_history(agent)

    def _raise_exception_on_async_reply_functions(self) -> None:
        super()._raise_exception_on_async_reply_functions()
        for agent in self._groupchat.agents:
            check = getattr(agent, "_raise_exception_on_async_reply_functions", None)
            if check is not None:
                check()

    # ------------------------------------------------------------------ relaying

    def _broadcast_flow(
        self, message: dict[str, Any] | str, exclude: Agent | None, groupchat: GroupChat, plain: dict[int, bool] | None = None
    ) -> Flow[None]:
        """Send ``message`` from the manager to every member but ``exclude``, without asking for replies.

        Members with the stock receive get it now (see `_relay`); the flow returned sends to the
        others (``()`` when there are none, the usual case: no generator per round)."""
        slow = self._relay(message, exclude, groupchat, plain)
        return self._send_each(slow) if slow else ()

    def _send_each(self, deliveries: list[tuple[Agent, Any]]) -> Flow[None]:
        for agent, outgoing in deliveries:
            yield from send_flow(self, outgoing, agent, False, True)

    def _relay(
        self, message: dict[str, Any] | str, exclude: Agent | None, groupchat: GroupChat, plain: dict[int, bool] | None
    ) -> list[tuple[Agent, Any]]:
        """Deliver ``message`` to the members using the stock send/receive (they get the same stored
        dict, built once, not one copy each); return the (member, message) pairs that need a real send.

        ``plain`` memoises, for one run, which members use the stock receive.
        """
        fast_sender = is_stock(self, Messaging, _SEND_ATTRS) and not self.hook_lists["process_message_before_send"]
        if plain is None:
            plain = {}
        mine: dict[str, Any] | None = None
        theirs: dict[str, Any] | None = None
        guarded = bool(groupchat._inter_agent_guardrails) and exclude is not None
        slow: list[tuple[Agent, Any]] = []
        records = self._oai_messages
        for agent in groupchat.agents:
            if agent is exclude:
                continue
            outgoing: Any = message
            if guarded:
                replacement = groupchat._run_inter_agent_guardrails(
                    src_agent_name=exclude.name,
                    dst_agent_name=agent.name,
                    message_content=message,  # type: ignore[union-attr]
                )
                if replacement is not None:
                    outgoing = (
                        replacement if isinstance(replacement, dict) else {"content": replacement, "name": exclude.name}
                    )  # type: ignore[union-attr]
            stock = plain.get(id(agent))
            if stock is None:
                stock = plain[id(agent)] = is_stock(agent, Messaging, _RECEIVE_ATTRS)
            if outgoing is message and fast_sender and stock:
                if mine is None:
                    mine, theirs = self._relayed_forms(message)
                records[agent].append(mine)
                agent._oai_messages[self].append(theirs)  # type: ignore[attr-defined]
                if runtime_logging.is_logging:  # what the stock receive records
                    runtime_logging.log_event(agent, "received_message", message=message, sender=self.name, valid=True)
            else:
                slow.append((agent, outgoing))
        return slow

    def _relayed_forms(self, message: dict[str, Any] | str) -> tuple[dict[str, Any], dict[str, Any]]:
        """The manager's record of a relayed message and each member's, sharing the transcript entry
        (read-only) wherever normalising it would give an equal dict."""
        if isinstance(message, dict):
            forms = restamped(message, "assistant", "user")
            if forms is not None:
                return forms[0], forms[1]
        mine, theirs = normalize_message(message, "assistant", self.name), normalize_message(message, "user", self.name)
        if mine is None or theirs is None:
            raise ValueError(
                "Message can't be converted into a valid ChatCompletion message. "
                "Either content or function_call must be provided."
            )
        if isinstance(message, dict):
            theirs = message if theirs == message else theirs
            mine = message if mine == message else mine
        return mine, theirs

    # ------------------------------------------------------------------ the chat loop

    def _run_chat_flow(
        self, messages: list[dict[str, Any]] | None, sender: Agent | None, config: GroupChat | None
    ) -> Flow[tuple[bool, None]]:
        groupchat = config if isinstance(config, GroupChat) else self._groupchat
        if messages is None:
            messages = self._oai_messages[sender]  # type: ignore[index]
        if not messages:
            return True, None
        message: dict[str, Any] = messages[-1]
        speaker: Agent | None = sender
        silent = self._silent
        reason: str | None = None
        plain: dict[int, bool] = {}  # which members use the stock receive (see _broadcast_flow)
        if groupchat.send_introductions:
            yield from self._broadcast_flow(groupchat.introductions_msg(), None, groupchat)
        # Members use the manager's cache for this run; their own is put back afterwards (kept here,
        # not in previous_cache, which the two-agent chat of the initiator is using).
        saved_caches: list[tuple[Any, Any]] = []
        if self.client_cache is not None:
            for agent in groupchat.agents:
                if hasattr(agent, "client_cache"):
                    saved_caches.append((agent, agent.client_cache))  # type: ignore[attr-defined]
                    agent.client_cache = self.client_cache  # type: ignore[attr-defined]
        try:
            for i in range(groupchat.max_round):
                self._last_speaker = speaker
                message = groupchat._append(message, speaker)  # type: ignore[arg-type]
                yield from self._broadcast_flow(message, speaker, groupchat, plain)
                if is_termination(self, message):
                    reason = f"Termination message condition on the GroupChatManager '{self.name}' met"
                    break
                if i == groupchat.max_round - 1:
                    reason = f"Maximum rounds ({groupchat.max_round}) reached"
                    break
                guardrail_reply = None
                try:
                    speaker = yield from groupchat._select_speaker_flow(speaker, self)  # type: ignore[arg-type]
                    if not silent:
                        _emit("GroupChatRunChatEvent", speaker=speaker, silent=silent)
                    if getattr(speaker, "input_guardrails", None):
                        guardrail_reply = groupchat._run_input_guardrails(speaker, speaker._oai_messages[self])  # type: ignore[union-attr]
                    if guardrail_reply is not None:
                        reply: Any = guardrail_reply
                    else:
                        reply = yield from reply_flow(speaker, None, self)
                except KeyboardInterrupt:
                    admin = groupchat.agent_by_name(groupchat.admin_name)
                    if admin is None:
                        raise
                    speaker = admin
                    reply = yield from reply_flow(admin, None, self)
                except NoEligibleSpeakerError:
                    reason = "No next speaker selected"
                    break
                if reply is None:
                    reason = "No reply generated"
                    break
                if guardrail_reply is None and getattr(speaker, "output_guardrails", None):
                    replaced = groupchat._run_output_guardrails(speaker, reply)  # type: ignore[arg-type]
                    if replaced is not None:
                        reply = replaced
                if (
                    groupchat.enable_clear_history
                    and isinstance(reply, dict)
                    and isinstance(reply.get("content"), str)
                    and "CLEAR HISTORY" in reply["content"].upper()
                ):
                    reply = dict(reply)
                    reply["content"] = self.clear_agents_history(reply, groupchat)
                yield from send_flow(speaker, reply, self, False, silent)
                message = self.last_message(speaker)  # type: ignore[assignment]
            else:
                reason = f"Maximum rounds ({groupchat.max_round}) reached"
        finally:
            for agent, cache in saved_caches:
                agent.client_cache = cache
        # A pattern run that failed (bad handoff, expression...) states its own, more precise reason.
        override, self._termination_override = getattr(self, "_termination_override", None), None
        _emit("TerminationEvent", termination_reason=override or reason, sender=self, recipient=speaker)
        return True, None

    def run_chat(
        self, messages: list[dict[str, Any]] | None = None, sender: Agent | None = None, config: GroupChat | None = None
    ) -> tuple[bool, None]:
        """Run the group chat from the last message of ``sender`` (registered as a reply function)."""
        return run_sync(self._run_chat_flow(messages, sender, config))

    async def a_run_chat(
        self, messages: list[dict[str, Any]] | None = None, sender: Agent | None = None, config: GroupChat | None = None
    ) -> tuple[bool, None]:
        """Async twin of `run_chat`."""
        return await run_async(self._run_chat_flow(messages, sender, config))


    # ------------------------------------------------------------------ resume

    def _resume_author(self, message: dict[str, Any], previous: dict[str, Any] | None) -> Agent:
        """Who said ``message``: a member, or the manager (for the manager's and the admin's messages).

        Tool-call messages and tool results saved from a ChatResult carry no name; they belong to
        the member offered those tools, and to the member able to execute the calls, respectively.
        """
        groupchat = self._groupchat
        name = message.get("name")
        if name:
            return groupchat.agent_by_name(name) or self
        calls = _called_functions(message)
        if calls:
            for agent in groupchat.agents:
                if set(calls) <= _offered_functions(agent):
                    return agent
        elif message.get("role") in ("tool", "function") or message.get("tool_responses"):
            asked = _called_functions(previous) if previous else []
            for agent in groupchat.agents:
                if asked and _can_execute(agent, asked):
                    return agent
        return self

    def _resume_flow(
        self,
        messages: list[dict[str, Any]] | str,
        remove_termination_string: str | Callable[[str], str] | None,
        silent: bool | None,
    ) -> Flow[tuple[Agent, dict[str, Any]]]:
        if isinstance(messages, str):
            messages = self.messages_from_string(messages)
        elif isinstance(messages, list) and all(isinstance(m, dict) for m in messages):
            messages = copy.deepcopy(messages)
        else:
            raise Exception("resume() takes a list of message dicts or the JSON string made by messages_to_string().")  # noqa: TRY002
        # Check before clearing anything, so a bad call loses nothing.
        self._valid_resume_messages(messages)
        groupchat = self._groupchat
        for agent in groupchat.agents:
            if isinstance(agent, ConversableAgent):
                agent.clear_history()
        self.clear_history()
        groupchat.reset()

        authors = []
        previous = None
        for message in messages:
            authors.append(self._resume_author(message, previous))
            previous = message
        for message, author in zip(messages[:-1], authors[:-1]):
            if author is self:
                yield from self._broadcast_flow(message, None, groupchat)
                stored = normalize_message(message, "user", message.get("name") or self.name)
                if stored is not None:
                    if message.get("name") and message["name"] != self.name:
                        groupchat.messages.append(stored)  # the admin: keep its own name
                    else:
                        groupchat._append(stored, self)
            else:
                yield from send_flow(author, message, self, False, True)
                stored = self.last_message(author)
                entry = groupchat._append(stored, author)  # type: ignore[arg-type]
                yield from self._broadcast_flow(entry, author, groupchat)

        last_message = messages[-1]
        last_agent = authors[-1]
        if "name" not in last_message and not (last_message.get("tool_calls") or last_message.get("function_call")):
            last_message["name"] = last_agent.name
        self._process_resume_termination(remove_termination_string, messages)
        if not silent:
            _emit(
                "GroupChatResumeEvent",
                last_speaker_name=last_message.get("name") or last_agent.name,
                events=messages,
                silent=silent,
            )
        groupchat.send_introductions = False  # the members already met
        return last_agent, last_message

    def resume(
        self,
        messages: list[dict[str, Any]] | str,
        remove_termination_string: str | Callable[[str], str] | None = None,
        silent: bool | None = False,
    ) -> tuple[ConversableAgent, dict[str, Any]]:
        """Load saved group messages (a list or `messages_to_string` JSON) so the chat can go on.

        Every member's history and the transcript are rebuilt from all messages but the last.
        Returns ``(last_agent, last_message)``; continue with
        ``last_agent.initiate_chat(manager, message=last_message, clear_history=False)``.
        ``remove_termination_string`` (a str, or a function of the content) cleans the last message
        so the chat does not stop at once.
        """
        return run_sync(self._resume_flow(messages, remove_termination_string, silent))  # type: ignore[return-value]

    async def a_resume(
        self,
        messages: list[dict[str, Any]] | str,
        remove_termination_string: str | Callable[[str], str] | None = None,
        silent: bool | None = False,
    ) -> tuple[ConversableAgent, dict[str, Any]]:
        """Async twin of `resume`."""
        return await run_async(self._resume_flow(messages, remove_termination_string, silent))  # type: ignore[return-value]

    def _valid_resume_messages(self, messages: list[dict[str, Any]]) -> None:
        if not messages:
            raise Exception("Cannot resume a group chat without messages; start a new chat with initiate_chat instead.")  # noqa: TRY002
        known = set(self._groupchat.agent_names) | {self._groupchat.admin_name, self.name}
        for message in messages:
            name = message.get("name")
            if name and name not in known:
                raise Exception(  # noqa: TRY002
                    f"A message to resume is by '{name}', who is not in the group chat (members: {self._groupchat.agent_names})."
                )

    def _process_resume_termination(
        self, remove_termination_string: str | Callable[[str], str] | None, messages: list[dict[str, Any]]
    ) -> None:
        last = messages[-1]
        if isinstance(remove_termination_string, str):
            text = remove_termination_string

            def remove(content: str) -> str:
                return content.replace(text, "")

        else:
            remove = remove_termination_string  # type: ignore[assignment]
        if remove is not None and isinstance(last.get("content"), str) and last["content"]:
            last["content"] = remove(last["content"])
        if is_termination(self, last):
            logger.warning(
                "The last message to resume from meets the termination condition; the chat may stop at once."
            )

    # ------------------------------------------------------------------ saving

    def messages_to_string(self, messages: list[dict[str, Any]]) -> str:
        """The messages as a JSON string, for saving and a later `resume`."""
        return json.dumps(messages, default=_json_default)

    def messages_from_string(self, message_string: str) -> list[dict[str, Any]]:
        """The messages saved by `messages_to_string`."""
        try:
            state = json.loads(message_string)
        except json.JSONDecodeError as e:
            raise Exception(f"The saved messages are not valid JSON: {e}") from e  # noqa: TRY002
        if not isinstance(state, list):
            raise Exception("The saved messages must be a JSON list of message objects.")  # noqa: TRY002, TRY004
        return state

    # ------------------------------------------------------------------ clear history command

    def clear_agents_history(self, reply: dict[str, Any], groupchat: GroupChat) -> str:
        """Carry out a "clear history [agent] [n]" command found in ``reply`` and return the reply text
        without it.

        Without an agent name every member's history and the transcript are cleared; with one, only
        that agent's. ``n`` keeps the last n messages (at least 1 when the reply answers tool calls,
        so a tool response never loses its call).
        """
        words = reply["content"].split()
        clear_index = max((i for i, w in enumerate(words) if w.upper() == "CLEAR"), default=None)
        if clear_index is None:
            return reply["content"]
        keep: int | None = None
        keep_given = False
        target: Agent | None = None
        for word in words[clear_index + 2 : clear_index + 4]:
            stripped = word[:-1] if word and not word[-1].isalnum() and word[-1] != "_" else word
            if word.isdigit() or stripped.isdigit():
                keep = int(word if word.isdigit() else stripped)
                keep_given = True
            elif target is None:
                target = next((a for a in groupchat.agents if a.name in (word, stripped)), None)
        if reply.get("tool_responses") and not keep:
            keep = 1
            logger.warning("Keeping the last message so the tool response keeps its tool call.")
        _emit("ClearAgentsHistoryEvent", agent=target, nr_events_to_preserve=keep)
        if target is not None:
            target.clear_history(nr_messages_to_preserve=keep)  # type: ignore[attr-defined]
        else:
            kept = groupchat.messages[-keep:] if keep else []
            groupchat.messages[:] = kept
            for agent in groupchat.agents:
                agent.clear_history(nr_messages_to_preserve=keep)  # type: ignore[attr-defined]
        skip = 2 + int(target is not None) + int(keep_given)
        return " ".join(words[:clear_index] + words[clear_index + skip :])


def _json_default(value: Any) -> Any:
    dump = getattr(value, "model_dump", None)
    if callable(dump):
        return dump()
    return str(value)


register_stock_flow(GroupChatManager.run_chat, GroupChatManager.a_run_chat, "_run_chat_flow")
