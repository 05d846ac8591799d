"""The "auto" speaker selection of a `GroupChat` (part of `GroupChat`): an LLM reads the transcript
and names the next speaker; answers naming no or several agents are followed up, then the chat
falls back to the next agent in order.

The exchange runs between two private agents, a selecting agent (with the selection LLM config)
and a checking agent it answers to; both are built once per config and reused.
"""

from __future__ import annotations

import logging
import re
import sys
from typing import Any

from ... import runtime_logging
from ..._effects import Call, Flow, run_async, run_sync
from .._messages import normalize_message
from ..agent import Agent
from ..conversable.events import emit
from ..conversable.messaging import reply_flow
from ..conversable_agent import ConversableAgent
from .members import content_text

__all__ = [
    "SELECT_SPEAKER_AUTO_MULTIPLE_TEMPLATE",
    "SELECT_SPEAKER_AUTO_NONE_TEMPLATE",
    "SELECT_SPEAKER_MESSAGE_TEMPLATE",
    "SELECT_SPEAKER_PROMPT_TEMPLATE",
    "AutoSelection",
]

logger = logging.getLogger(__package__)  # the group chat's one logger, "autogen.agentchat.groupchat"

SELECT_SPEAKER_MESSAGE_TEMPLATE = """You are coordinating a role play. These roles take part:
{roles}.
Read the conversation that follows, then decide which role from {agentlist} speaks next. Reply with the role name only."""

SELECT_SPEAKER_PROMPT_TEMPLATE = (
    "Given the conversation above, which role from {agentlist} should speak next? Reply with the role name only."
)

CHOICE_RULES = """Decide with these rules, in this order:
1. If the text speaks as one of the roles (for example "As the ..."), pick that role.
2. If the text says who goes "next", pick that role.
3. Otherwise pick the first role the text names.
Names are case-sensitive: write the name exactly, without shortening or changing it."""

SELECTED_MARK = "[AGENT SELECTED]"
"""Start of the verdict of a selection exchange that named one agent (followed by its name)."""
FAILED_MARK = "[AGENT SELECTION FAILED]"
"""Start of the verdict of a selection exchange that named no single agent (followed by why)."""

SELECT_SPEAKER_AUTO_MULTIPLE_TEMPLATE = (
    "Your answer named more than one role. Give exactly one name: the next speaker.\n"
    + CHOICE_RULES
    + "\nAnswer with the name alone and no explanation."
)

SELECT_SPEAKER_AUTO_NONE_TEMPLATE = (
    "Your answer did not name any role. Give exactly one name: the next speaker.\n"
    + CHOICE_RULES
    + "\nThe valid names are {agentlist}.\nAnswer with the name alone and no explanation."
)


def reply_text(reply: Any) -> str:
    """The text of a reply (None, a str, or a message dict) in which agent names are looked for."""
    if reply is None:
        return ""
    if isinstance(reply, str):
        return reply
    if isinstance(reply, dict):
        content = reply.get("content")
        if isinstance(content, (str, list)):
            try:
                return content_text(content)
            except (TypeError, ValueError):
                return str(content)
        return "" if content is None else str(content)
    return str(reply)


class AutoSelection:
    """The LLM speaker selection (part of `GroupChat`)."""

    agents: list[Agent]
    messages: list[dict[str, Any]]
    max_retries_for_selecting_speaker: int
    select_speaker_auto_multiple_template: str
    select_speaker_auto_none_template: str
    select_speaker_auto_verbose: bool | None
    select_speaker_auto_model_client_cls: Any
    select_speaker_auto_llm_config: Any
    role_for_select_speaker_messages: str | None
    _speaker_selection_transforms: Any
    _selection_agents_cache: tuple[Any, ConversableAgent, ConversableAgent] | None
    _mention_patterns: dict[str, re.Pattern[str]]

    def _mentioned_agents(
        self, message_content: str | list[Any] | dict[str, Any] | None, agents: list[Agent] | None
    ) -> dict[str, int]:
        """How often each agent is named in ``message_content``.

        A name counts when it stands between non-word characters; matching is case-sensitive and
        also accepts the name with "_" written as a space or as "\\_".
        """
        agents = self.agents if agents is None else agents
        text = f" {reply_text(message_content)} "
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

    # ------------------------------------------------------------------ the two selection agents

    def _selection_llm_config(self, selector: ConversableAgent | None) -> Any:
        config = self.select_speaker_auto_llm_config or getattr(selector, "llm_config", False)
        if not config:
            raise ValueError(
                "The group chat's internal speaker selection agent does not have an LLM configuration. "
                "Please provide a valid LLM config to the group chat's GroupChatManager or set it with the "
                "select_speaker_auto_llm_config parameter. (Or choose another speaker_selection_method, "
                "e.g. 'round_robin'.)"
            )
        return config

    def _new_selection_agents(self, config: Any) -> tuple[ConversableAgent, ConversableAgent]:
        """A new selecting agent (with the selection LLM config) and the checking agent it answers to."""
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
        return speaker_agent, checker

    def _selection_agents(self, selector: ConversableAgent | None) -> tuple[ConversableAgent, ConversableAgent]:
        """The selecting agent and the checking agent, built once per LLM config and reused."""
        config = self._selection_llm_config(selector)
        cached = self._selection_agents_cache
        if cached is not None and cached[0] is config:
            return cached[1], cached[2]
        speaker_agent, checker = self._new_selection_agents(config)
        self._selection_agents_cache = (config, speaker_agent, checker)
        return speaker_agent, checker

    def _create_internal_agents(
        self,
        agents: list[Agent] | None,
        max_attempts: int,
        messages: list[dict[str, Any]] | None,
        validate_speaker_name: Any,
        selector: ConversableAgent | None = None,
    ) -> tuple[ConversableAgent, ConversableAgent]:
        """ag2's pair for a selection run as a two-agent chat: ``(checking_agent, speaker_selection_agent)``.

        The selecting agent gets the selection system message for ``agents`` and ``messages`` as its
        history with the checking agent; ``validate_speaker_name`` (when callable) becomes the checking
        agent's only reply function. (The group chat's own selection reuses a cached pair instead.)
        """
        speaker_agent, checker = self._new_selection_agents(self._selection_llm_config(selector))
        speaker_agent.update_system_message(self.select_speaker_msg(agents))  # type: ignore[attr-defined]
        if messages:
            speaker_agent._oai_messages[checker] = messages
        if callable(validate_speaker_name):
            checker.register_reply([ConversableAgent, None], validate_speaker_name, remove_other_reply_funcs=True)
        return checker, speaker_agent

    def _register_client_from_config(self, agent: ConversableAgent, config: Any) -> None:
        """Register on ``agent`` the class of ``select_speaker_auto_model_client_cls`` that a config
        entry names in ``model_client_cls`` (nothing when it names none)."""
        wanted = config.get("model_client_cls") if isinstance(config, dict) else getattr(config, "model_client_cls", None)
        if not wanted:
            return
        classes = self.select_speaker_auto_model_client_cls
        if not classes:
            raise ValueError(
                "A custom model was detected in the config but no 'model_client_cls' was supplied for registration "
                f"in GroupChat: pass the class named '{wanted}' as GroupChat(select_speaker_auto_model_client_cls=...)."
            )
        if isinstance(classes, list):
            matching = {c for c in classes if c.__name__ == wanted}
            if len(matching) > 1:
                raise RuntimeError(f"More than one unique 'model_client_cls' with __name__ '{wanted}'.")
            if not matching:
                raise ValueError(
                    f"No model's __name__ matches the model client class '{wanted}' specified in "
                    "select_speaker_auto_llm_config: add that class to select_speaker_auto_model_client_cls."
                )
            classes = matching.pop()
        agent.register_model_client(classes)

    def _register_custom_model_clients(self, agent: ConversableAgent) -> None:
        """Register the custom model client classes that ``agent``'s llm config entries name."""
        entries = dict(**agent.llm_config).get("config_list") or [] if agent.llm_config else []
        for entry in entries:
            self._register_client_from_config(agent, entry)

    # ------------------------------------------------------------------ judging the answers

    def _judge_answer(
        self, answer: Any, attempt: int, attempts_left: int, agents: list[Agent]
    ) -> tuple[dict[str, Any] | None, str]:
        """Judge one answer of the selecting LLM: ``(follow-up, verdict)``.

        The follow-up is the next question (when the answer named no or several agents and attempts
        are left), else None; the verdict is then "[AGENT SELECTED]<name>" or
        "[AGENT SELECTION FAILED]<why>". Reports the attempt as an event.
        """
        mentions = self._mentioned_agents(answer, agents)
        verbose = bool(self.select_speaker_auto_verbose)
        fields = {
            "mentions": mentions,
            "attempt": attempt,
            "attempts_left": attempts_left,
            "select_speaker_auto_verbose": verbose,
        }
        if len(mentions) == 1:
            if verbose:
                emit("SpeakerAttemptSuccessfulEvent", **fields)
            return None, SELECTED_MARK + next(iter(mentions))
        # A wrong answer is reported even when not verbose: the user should learn why the chat
        # fell back to another speaker.
        many = len(mentions) > 1
        emit("SpeakerAttemptFailedMultipleAgentsEvent" if many else "SpeakerAttemptFailedNoAgentsEvent", **fields)
        if attempts_left:
            template = self.select_speaker_auto_multiple_template if many else self.select_speaker_auto_none_template
            follow_up = {
                "content": _fill_agentlist(template, agents),
                "name": "checking_agent",
                "override_role": self.role_for_select_speaker_messages,
            }
            return follow_up, ""
        why = "returned multiple names" if many else "did not include any agent names"
        return None, f"{FAILED_MARK}Select speaker attempt #{attempt} of {attempt + attempts_left} failed as it {why}."

    def _speaker_from_verdict(self, verdict: Any, last_speaker: Agent, agents: list[Agent] | None) -> Agent:
        """The agent a verdict selected, else the one after ``last_speaker`` among ``agents``."""
        if isinstance(verdict, str) and SELECTED_MARK in verdict:
            chosen = self.agent_by_name(verdict.replace(SELECTED_MARK, "").strip())  # type: ignore[attr-defined]
            if chosen is not None:
                return chosen
        return self.next_agent(last_speaker, agents)  # type: ignore[attr-defined,no-any-return]

    def _validate_speaker_name(
        self,
        recipient: Any,
        messages: list[dict[str, Any]],
        sender: Any,
        config: Any,
        attempts_left: int,
        attempt: int,
        agents: list[Agent],
    ) -> tuple[bool, str | dict[str, Any] | None]:
        """ag2's reply function of the checking agent: judge the last message of ``messages``.

        Returns ``(True, follow-up)`` to ask again, or appends the verdict to ``messages`` as a user
        message and returns ``(True, None)``.
        """
        content = messages[-1].get("content") if messages else None
        follow_up, verdict = self._judge_answer(content, attempt, attempts_left, agents)
        if follow_up is not None:
            return True, follow_up
        messages.append({"role": "user", "content": verdict})
        return True, None

    def _process_speaker_selection_result(
        self, result: Any, last_speaker: Agent, agents: list[Agent] | None
    ) -> Agent | None:
        """The speaker a selection chat's ``ChatResult`` ended with (its last message is a verdict);
        the agent after ``last_speaker`` when it holds no valid selection; None for an empty chat."""
        if not result.chat_history:
            return None
        return self._speaker_from_verdict(result.chat_history[-1].get("content"), last_speaker, agents)

    # ------------------------------------------------------------------ the selection exchange

    def _selection_messages(self) -> list[dict[str, Any]]:
        """A copy of the transcript for the selecting LLM, a trailing function or tool call blanked
        (set to None: its results are not there yet)."""
        messages = list(self.messages)
        if messages:
            last = messages[-1]
            blank = {key: None for key in ("function_call", "tool_calls") if last.get(key)}
            if blank:
                messages[-1] = {**last, **blank}
        return messages

    def _auto_step(
        self, last_speaker: Agent, selector: ConversableAgent | None, messages: list[dict[str, Any]], agents: list[Agent]
    ) -> Flow[Agent]:
        """The "auto" step of a selection: the stock exchange, or an overridden
        ``_auto_select_speaker`` / ``a_auto_select_speaker`` run as user code."""
        cls = type(self)
        if (
            cls._auto_select_speaker is AutoSelection._auto_select_speaker
            and cls.a_auto_select_speaker is AutoSelection.a_auto_select_speaker
            and "_auto_select_speaker" not in self.__dict__
            and "a_auto_select_speaker" not in self.__dict__
        ):
            return (yield from self._auto_select_flow(last_speaker, selector, messages, agents))
        chosen = yield Call(self._auto_select_speaker, self.a_auto_select_speaker, last_speaker, selector, messages, agents)
        return chosen  # type: ignore[no-any-return]

    def _auto_select_speaker(
        self,
        last_speaker: Agent,
        selector: ConversableAgent,
        messages: list[dict[str, Any]] | None,
        agents: list[Agent] | None,
    ) -> Agent:
        """Let the selecting LLM name the next speaker among ``agents`` after reading ``messages``;
        answers naming no or several agents are followed up, then the agent after ``last_speaker``
        speaks."""
        return run_sync(self._auto_select_flow(last_speaker, selector, messages, agents))

    async def a_auto_select_speaker(
        self,
        last_speaker: Agent,
        selector: ConversableAgent,
        messages: list[dict[str, Any]] | None,
        agents: list[Agent] | None,
    ) -> Agent:
        """Async twin of `_auto_select_speaker`."""
        return await run_async(self._auto_select_flow(last_speaker, selector, messages, agents))

    def _auto_select_flow(
        self,
        last_speaker: Agent,
        selector: ConversableAgent | None,
        messages: list[dict[str, Any]] | None,
        agents: list[Agent] | None,
    ) -> Flow[Agent]:
        agents = self.agents if agents is None else agents
        speaker_agent, checker = self._selection_agents(selector)
        if messages is None:
            messages = self._selection_messages()
        # The selecting LLM reads the transcript itself (shared dicts, one list of references). A
        # trailing call without its results would be rejected by the API: only its text is shown.
        head = messages
        if messages and ("function_call" in messages[-1] or "tool_calls" in messages[-1]):
            head = messages[:-1]
            head.append({k: v for k, v in messages[-1].items() if k not in ("function_call", "tool_calls")})
        agentlist = f"{[a.name for a in agents]}"
        speaker_agent.update_system_message(self.select_speaker_msg(agents))  # type: ignore[attr-defined]
        prompt = self.select_speaker_prompt(agents)  # type: ignore[attr-defined]
        if prompt is not None:
            first = {"content": prompt, "name": "checking_agent", "role": self.role_for_select_speaker_messages}
        else:
            first = normalize_message(head[-1] if head else "", "user", checker.name) or {
                "content": "",
                "role": "user",
                "name": checker.name,
            }
        context = [*head, first]
        verbose = bool(self.select_speaker_auto_verbose)
        max_attempts = 1 + self.max_retries_for_selecting_speaker
        verdict = ""
        for attempt in range(1, max_attempts + 1):
            if verbose:
                speaker_agent._print_received_message(context[-1], checker)
            speaker_agent.reset_consecutive_auto_reply_counter(checker)
            reply = yield from reply_flow(speaker_agent, context, checker)
            if verbose and reply is not None:
                checker._print_received_message(reply, speaker_agent)
            follow_up, verdict = self._judge_answer(reply_text(reply), attempt, max_attempts - attempt, agents)
            if follow_up is None:
                break
            said = normalize_message(reply if reply is not None else "", "assistant", speaker_agent.name)
            context.append(said or {"content": "", "role": "assistant", "name": speaker_agent.name})
            context.append({"content": follow_up["content"], "name": follow_up["name"], "role": follow_up["override_role"]})
        chosen = self._speaker_from_verdict(verdict, last_speaker, agents)
        if runtime_logging.noting_selections():
            _note_auto(self, attempt, verdict, reply_text(reply), chosen)
        if not verdict.startswith(SELECTED_MARK):
            logger.warning(
                "Speaker selection: the LLM did not name exactly one of %s in %d attempt(s); '%s' speaks next.",
                agentlist,
                max_attempts,
                chosen.name,
            )
        return chosen


def _note_auto(group: Any, attempts: int, verdict: str, answer: str, chosen: Agent) -> None:
    """Note the "auto" selection's LLM exchange on the selection being logged."""
    note = group.__dict__.get("_selection_log")
    if note is None:
        return
    selected = verdict.startswith(SELECTED_MARK)
    note["attempts"] = attempts
    if note.get("reason") in (None, "auto"):
        note["reason"] = "llm" if selected else "llm_fallback"
    note.setdefault("details", {})["llm"] = {"answer": answer, "selected": selected, "chosen": chosen.name}


def _fill_agentlist(template: str, agents: list[Agent]) -> str:
    """``template`` with ``{agentlist}`` filled (by str.format, as in ag2; by plain replacement when
    the template holds other, unescaped braces)."""
    agentlist = f"{[a.name for a in agents]}"
    try:
        return template.format(agentlist=agentlist)
    except (KeyError, IndexError, ValueError):
        return template.replace("{agentlist}", agentlist)
