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

from ..._effects import Flow
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
                    emit("SpeakerAttemptSuccessfulEvent", **fields)
                chosen = self.agent_by_name(next(iter(mentions)))
                if chosen is not None:
                    return chosen
            # A wrong answer is reported even when not verbose: the user should learn why the
            # chat fell back to another speaker.
            many = len(mentions) > 1
            emit("SpeakerAttemptFailedMultipleAgentsEvent" if many else "SpeakerAttemptFailedNoAgentsEvent", **fields)
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
