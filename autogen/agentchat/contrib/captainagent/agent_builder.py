"""AgentBuilder (AutoBuild): an LLM designs a team of expert agents for a task, or picks them from a library.

The builder's own questions (which experts, their system messages and descriptions, whether the task
needs code) go through one ``OpenAIWrapper``; the agents it makes are ``AssistantAgent``s (or the class
named by an agent config's ``agent_path``, or ``GPTAssistantAgent``s) plus a ``Computer_terminal``
``UserProxyAgent`` when the task needs code. ``save``/``load`` write and read the team as JSON, so a
team is rebuilt later without asking the LLM again.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import logging
import re
import subprocess as sp
from collections.abc import Mapping
from typing import Any

from termcolor import colored

from ....code_utils import CODE_BLOCK_PATTERN
from ....llm_config import LLMConfig
from ....oai.client import OpenAIWrapper
from ...assistant_agent import AssistantAgent
from ...conversable_agent import ConversableAgent
from ...user_proxy_agent import UserProxyAgent

__all__ = ["AgentBuilder"]

logger = logging.getLogger(__name__)

# Keys of an agent config that AgentBuilder reads itself; any other key is passed to the agent's constructor.
_AGENT_CONFIG_KEYS = ("model", "name", "system_message", "description", "agent_path", "tags")
_SELECTION_ATTEMPTS = 3


def _config_check(config: Mapping[str, Any]) -> None:
    """Fail with the missing key when a (loaded or generated) building config is incomplete."""
    for key in ("coding", "default_llm_config", "code_execution_config"):
        assert config.get(key) is not None, f'Missing "{key}" in your config.'
    for agent_config in config["agent_configs"]:
        for key in ("name", "system_message", "description"):
            assert agent_config.get(key) is not None, f'Missing agent "{key}" in your agent_configs.'


def _retrieve_json(text: str) -> str:
    """The first fenced code block of ``text`` (the JSON an LLM wraps in ```json ... ```), else ``text``."""
    blocks = re.findall(CODE_BLOCK_PATTERN, text, flags=re.DOTALL)
    return blocks[0][1] if blocks else text


def _strip_json_comments(text: str) -> str:
    """Drop ``// ...`` comments that are not inside a string (the selection prompt's example has them)."""
    out_lines = []
    for line in text.splitlines():
        in_string = False
        escaped = False
        cut = len(line)
        for i, ch in enumerate(line):
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = not in_string
            elif not in_string and line.startswith("//", i):
                cut = i
                break
        out_lines.append(line[:cut])
    return "\n".join(out_lines)


def _entries_as_dicts(config_list: Any) -> list[dict[str, Any]]:
    """Config entries (LLMConfigEntry objects or dicts) as plain dicts."""
    out = []
    for entry in config_list or []:
        if hasattr(entry, "model_dump"):
            out.append(entry.model_dump())
        else:
            out.append(dict(entry))
    return out


def _config_list_of(llm_config: Any) -> list[dict[str, Any]]:
    """The entries of an ``LLMConfig`` or of an llm_config dict (a dict without ``config_list`` is one entry)."""
    if isinstance(llm_config, LLMConfig):
        return _entries_as_dicts(llm_config.config_list)
    if isinstance(llm_config, Mapping):
        if llm_config.get("config_list"):
            return _entries_as_dicts(llm_config["config_list"])
        return [dict(llm_config)] if llm_config.get("model") else []
    return _entries_as_dicts(getattr(llm_config, "config_list", None))


def _as_dict(llm_config: Any) -> dict[str, Any]:
    """An llm_config (dict or ``LLMConfig``) as a new plain dict."""
    if isinstance(llm_config, LLMConfig):
        return llm_config.model_dump()
    return dict(llm_config or {})


def _json_default(value: Any) -> Any:
    if hasattr(value, "model_dump"):
        return value.model_dump()
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def _is_terminate(message: Any) -> bool:
    content = message.get("content") if isinstance(message, Mapping) else message
    return isinstance(content, str) and content.strip() in ("TERMINATE", "TERMINATE.")


class AgentBuilder:
    """Builds a multi-agent team for a task: names, system messages and descriptions written by an LLM
    (``build``) or retrieved from an agent library (``build_from_library``); ``save``/``load`` keep it."""

    online_server_name = "online"

    DEFAULT_PROXY_AUTO_REPLY = (
        "There is no code from the last 1 message for me to execute. Group chat manager should let other "
        "participants continue the conversation. If the group chat manager wants to end the conversation, "
        'let another participant reply to me with only "TERMINATE"'
    )

    GROUP_CHAT_DESCRIPTION = """# Group chat instruction
You are one member of a group chat of experts run by a group chat manager.
Read what the other members (and you) said before, stay on their topic and answer them.

**Your role is**: {name}
Group chat members: {members}{user_proxy_desc}

Once the task is done and the result has been checked carefully and the other members agree, end the conversation by replying with only "TERMINATE".

# Your profile
{sys_msg}
"""

    DEFAULT_DESCRIPTION = """## Your role
[The expert's name and a description of their skills]

## Task and skill instructions
- [The task]
- [The skills the task needs]
- [(Optional) Anything else the expert should know]
"""

    CODING_AND_TASK_SKILL_INSTRUCTION = """## How to solve the task
- Work step by step when it helps.
- When you have an answer, check it carefully; give evidence (a test case, for instance) that it is right.
- Base every reply on facts you were given or have verified.

## How to verify
**Assume every other answer is wrong until it comes with clear evidence.**
- Reason backwards from the answer, step by step.
- Write test cases for the general task.

## How to use code
- Suggest Python code (in a python code block) or a shell script (in a sh code block) for the Computer_terminal to run.
- If a Python package is missing, install it with `pip install` in a ```sh ... ``` block.
- Always name the script type on the code block.
- Do not suggest code that the user would have to edit first.
- Do not put code in a code block unless the Computer_terminal should run it.
- The Computer_terminal cannot change your code.
- **Print the output you need with 'print'**.
- Read the result the Computer_terminal returns.
- Do not ask the Computer_terminal to copy and paste the result.
- If the result shows an error, fix it and send the whole corrected code again. """

    CODING_PROMPT = """Does solving the following task need programming (for example calling an external API or tool from code), or would code make it easier?

TASK: {task}

Answer with only YES or NO.
"""

    AGENT_NAME_PROMPT = """# Your task
Suggest at most {max_agents} experts, by name, for the following user requirement.

## User requirement
{task}

# Requirements for the answer
- Each name has the form [skill]_Expert.
- Reply with the names only, separated by ",".
- Coding skills, if any are needed, are limited to Python and Shell.
For example: Python_Expert, Math_Expert, ... """

    AGENT_SYS_MSG_PROMPT = """# Your goal
- Fill in the template below with a high-quality description of the expert, for the task and the expert name given.
- Make the description clear and unambiguous, with all the information the expert needs.

# Task
{task}

# Expert name
{position}

# Template
{default_sys_msg}
"""

    AGENT_DESCRIPTION_PROMPT = """# Your goal
Summarize the description of the following expert in one sentence.

# Expert name
{position}

# Expert's description
{sys_msg}
"""

    AGENT_SEARCHING_PROMPT = """# Your goal
Which experts should take part in the following task?

# TASK
{task}

# EXPERT LIST
{agent_list}

# Requirement
- Check that the experts' names and profiles fit the task.
- Pick fewer than {max_agents} experts; fewer is better.
- Separate the names with commas and write "_" instead of spaces, for example Product_manager,Programmer
- Return only the list of expert names.
"""

    AGENT_SELECTION_PROMPT = """# Your goal
Match each skill in the skill set with an expert from the expert pool.

# Skill set
{skills}

# Expert pool (name: description)
{expert_pool}

# Answer format
```json
{{
    "skill_1 description": "expert_name: expert_description", // an expert from the pool suits skill_1
    "skill_2 description": "None", // no expert in the pool suits skill_2
    ...
}}
```
"""

    def __init__(
        self,
        config_file_or_env: str | None = "OAI_CONFIG_LIST",
        config_file_location: str | None = "",
        llm_config: LLMConfig | dict[str, Any] | None = None,
        builder_model: str | list | None = [],  # noqa: B006 - the original's defaults; never mutated
        agent_model: str | list | None = [],  # noqa: B006
        builder_model_tags: list | None = [],  # noqa: B006
        agent_model_tags: list | None = [],  # noqa: B006
        max_agents: int | None = 5,
    ):
        """(Experimental.)

        Args:
            config_file_or_env: file name or environment variable of the config list (used when ``llm_config``
                is None).
            config_file_location: directory of that file.
            llm_config: the configs of the builder (and of the agents it builds); when given, the model and tag
                filters below are not applied.
            builder_model: model name(s) the builder uses (filter on the config list).
            agent_model: model name(s) the built agents use.
            builder_model_tags: tags the builder's config entries must have.
            agent_model_tags: tags the agents' config entries must have.
            max_agents: most experts built for one task.
        """
        builder_model = list(builder_model) if isinstance(builder_model, (list, tuple)) else [builder_model]
        builder_model = [m for m in builder_model if m]
        builder_filter: dict[str, Any] = {}
        if builder_model:
            builder_filter["model"] = builder_model
        if builder_model_tags:
            builder_filter["tags"] = list(builder_model_tags)

        # Agents use the given llm_config; without one, their entries come from the config list with the agent
        # filters (the builder's entries with the builder filters).
        self._agents_share_llm_config = llm_config is not None
        if llm_config is None:
            llm_config = self._load_config_list(config_file_or_env, config_file_location, builder_filter)
        builder_config_list = _config_list_of(llm_config)
        if not builder_config_list:
            raise RuntimeError(
                f"Fail to initialize build manager: {builder_model}{builder_model_tags} does not exist in "
                f'{config_file_or_env}. If you want to change this model, please specify the "builder_model" '
                "in the constructor."
            )
        self.builder_model = OpenAIWrapper(config_list=builder_config_list)

        self.agent_model = agent_model if isinstance(agent_model, list) else [agent_model]
        self.agent_model_tags = agent_model_tags
        self.config_file_or_env = config_file_or_env
        self.config_file_location = config_file_location
        self.llm_config = llm_config

        self.building_task: str | None = None
        self.agent_configs: list[dict[str, Any]] = []
        self.open_ports: list[str] = []
        self.agent_procs: dict[str, tuple[sp.Popen, str]] = {}
        self.agent_procs_assign: dict[str, tuple[ConversableAgent, str]] = {}
        self.cached_configs: dict[str, Any] = {}

        self.max_agents = max_agents

    @staticmethod
    def _load_config_list(env: str | None, location: str | None, filters: dict[str, Any]) -> LLMConfig | None:
        try:
            config = LLMConfig.from_json(env=env, file_location=location)
            return config.where(**filters) if filters else config
        except ValueError:
            return None

    def set_builder_model(self, model: str) -> None:
        """Replace the builder's model (kept as given)."""
        self.builder_model = model

    def set_agent_model(self, model: str) -> None:
        """Replace the built agents' model (kept as given)."""
        self.agent_model = model

    # ---- the builder's LLM ------------------------------------------------------------------------

    def _ask(self, prompt: str) -> str:
        """One single-message request to the builder model; its text answer."""
        response = self.builder_model.create(messages=[{"role": "user", "content": prompt}])
        return response.choices[0].message.content or ""

    def _needs_code(self, task: str) -> bool:
        answer = self._ask(self.CODING_PROMPT.format(task=task))
        return answer.strip().rstrip(".").strip().upper() == "YES"

    # ---- agents ----------------------------------------------------------------------------------

    def _agent_config_list(self, agent_name: str, models: list[Any], tags: list[Any]) -> list[dict[str, Any]]:
        if self._agents_share_llm_config:
            config_list = _config_list_of(self.llm_config)
        else:
            filters: dict[str, Any] = {}
            if models:
                filters["model"] = models
            if tags:
                filters["tags"] = tags
            loaded = self._load_config_list(self.config_file_or_env, self.config_file_location, filters)
            config_list = _config_list_of(loaded) if loaded is not None else []
        if not config_list:
            raise RuntimeError(
                f"Fail to initialize agent {agent_name}: {models}{tags} does not exist in {self.config_file_or_env}.\n"
                'If you would like to change this model, please specify the "agent_model" in the constructor.\n'
                f"If you load configs from json, make sure the model in agent_configs is in the {self.config_file_or_env}."
            )
        return config_list

    def _create_agent(
        self,
        agent_config: dict[str, Any],
        member_name: list[str],
        llm_config: LLMConfig | dict[str, Any],
        use_oai_assistant: bool | None = False,
    ) -> ConversableAgent:
        """Create one group chat member from its config (``name``, ``system_message``, ``description``, optional
        ``model``/``tags`` filters, ``agent_path`` of a ConversableAgent subclass, other constructor kwargs)."""
        models = agent_config.get("model", [])
        models = [m for m in (models if isinstance(models, list) else [models]) if m]
        tags = agent_config.get("tags", []) or []
        agent_name = agent_config["name"]
        system_message = agent_config["system_message"]
        description = agent_config["description"]
        agent_path = agent_config.get("agent_path")

        current_config = _as_dict(llm_config)
        current_config["config_list"] = self._agent_config_list(agent_name, models, tags)
        server_id = self.online_server_name

        if use_oai_assistant:
            from ..gpt_assistant_agent import GPTAssistantAgent

            agent: ConversableAgent = GPTAssistantAgent(
                name=agent_name,
                llm_config={**current_config, "assistant_id": None},
                instructions=system_message,
                overwrite_instructions=False,
            )
        else:
            user_proxy_desc = ""
            if self.cached_configs.get("coding") is True:
                user_proxy_desc = "\nThe group also includes a Computer_terminal that runs your python and shell code."

            model_class: type[ConversableAgent] = AssistantAgent
            if agent_path:
                module_path, class_name = agent_path.replace("/", ".").rsplit(".", 1)
                found = getattr(importlib.import_module(module_path), class_name)
                if isinstance(found, type) and issubclass(found, ConversableAgent):
                    model_class = found
                else:
                    logger.error("%s is not a ConversableAgent. Use AssistantAgent as default", found)

            extra = {k: v for k, v in agent_config.items() if k not in _AGENT_CONFIG_KEYS}
            agent = model_class(name=agent_name, llm_config=current_config, description=description, **extra)
            if system_message == "":
                system_message = agent.system_message
            else:
                system_message = f"{system_message}\n\n{self.CODING_AND_TASK_SKILL_INSTRUCTION}"
            agent.update_system_message(
                self.GROUP_CHAT_DESCRIPTION.format(
                    name=agent_name, members=member_name, user_proxy_desc=user_proxy_desc, sys_msg=system_message
                )
            )
        self.agent_procs_assign[agent_name] = (agent, server_id)
        return agent

    def clear_agent(self, agent_name: str, recycle_endpoint: bool | None = True) -> None:
        """Forget the agent ``agent_name`` (and stop its local endpoint when no other agent uses it)."""
        _, server_id = self.agent_procs_assign.pop(agent_name)
        if recycle_endpoint and server_id != self.online_server_name:
            if any(sid == server_id for _, sid in self.agent_procs_assign.values()):
                return
            proc = self.agent_procs.pop(server_id, None)
            if proc is not None:
                proc[0].terminate()
            self.open_ports.append(server_id.split("_")[-1])
        print(colored(f"Agent {agent_name} has been cleared.", "yellow"), flush=True)

    def clear_all_agents(self, recycle_endpoint: bool | None = True) -> None:
        """Forget every agent built so far."""
        for agent_name in list(self.agent_procs_assign):
            self.clear_agent(agent_name, recycle_endpoint)
        print(colored("All agents have been cleared.", "yellow"), flush=True)

    # ---- building --------------------------------------------------------------------------------

    def build(
        self,
        building_task: str,
        default_llm_config: LLMConfig | dict[str, Any],
        coding: bool | None = None,
        code_execution_config: dict[str, Any] | None = None,
        use_oai_assistant: bool | None = False,
        user_proxy: ConversableAgent | None = None,
        max_agents: int | None = None,
        **kwargs: Any,
    ) -> tuple[list[ConversableAgent], dict[str, Any]]:
        """Ask the builder model for expert names, then a system message and a description for each.

        Args:
            building_task: what the team should be able to do.
            default_llm_config: llm_config options of the built agents (their config_list comes from the builder).
            coding: whether to add a Computer_terminal user proxy; None asks the builder model.
            code_execution_config: the user proxy's code execution config.
            use_oai_assistant: build GPTAssistantAgents (OpenAI Assistants API) instead of AssistantAgents.
            user_proxy: the user proxy to add instead of the default Computer_terminal.
            max_agents: most experts for this task (default: the builder's ``max_agents``).
            **kwargs: ``agent_configs``: agent configs kept in front of the generated ones; the rest goes to
                ``_build_agents``.

        Returns:
            (agent_list, cached_configs)
        """
        if code_execution_config is None:
            code_execution_config = {"last_n_messages": 1, "work_dir": "groupchat", "use_docker": False, "timeout": 10}
        if max_agents is None:
            max_agents = self.max_agents

        agent_configs: list[dict[str, Any]] = list(kwargs.pop("agent_configs", None) or [])
        self.building_task = building_task

        print(colored("==> Generating agents...", "green"), flush=True)
        answer = self._ask(self.AGENT_NAME_PROMPT.format(task=building_task, max_agents=max_agents))
        agent_names = [name.strip().replace(" ", "_") for name in answer.split(",")]
        agent_names = list(dict.fromkeys(name for name in agent_names if name))
        if max_agents:
            agent_names = agent_names[:max_agents]
        print(f"{agent_names} are generated.", flush=True)

        print(colored("==> Generating system message...", "green"), flush=True)
        sys_msgs = []
        for name in agent_names:
            print(f"Preparing system message for {name}", flush=True)
            sys_msgs.append(
                self._ask(
                    self.AGENT_SYS_MSG_PROMPT.format(
                        task=building_task, position=name, default_sys_msg=self.DEFAULT_DESCRIPTION
                    )
                )
            )

        print(colored("==> Generating description...", "green"), flush=True)
        descriptions = []
        for name, sys_msg in zip(agent_names, sys_msgs):
            print(f"Preparing description for {name}", flush=True)
            descriptions.append(self._ask(self.AGENT_DESCRIPTION_PROMPT.format(position=name, sys_msg=sys_msg)))

        for name, sys_msg, description in zip(agent_names, sys_msgs, descriptions):
            agent_configs.append(
                {
                    "name": name,
                    "model": self.agent_model,
                    "tags": self.agent_model_tags,
                    "system_message": sys_msg,
                    "description": description,
                }
            )

        if coding is None:
            coding = self._needs_code(building_task)

        self.cached_configs.update(
            {
                "building_task": building_task,
                "agent_configs": agent_configs,
                "coding": coding,
                "default_llm_config": default_llm_config,
                "code_execution_config": code_execution_config,
            }
        )
        _config_check(self.cached_configs)
        return self._build_agents(use_oai_assistant, user_proxy=user_proxy, **kwargs)

    def _retrieve_from_library(
        self, agent_library: list[dict[str, Any]], skills: list[str], top_k: int, embedding_model: str | None
    ) -> list[dict[str, Any]]:
        """The library entries whose descriptions are among the ``top_k`` nearest of any skill, in rank order."""
        from .tool_retriever import library_embedding_function, rank_by_similarity

        if not agent_library:
            return []
        embed = library_embedding_function(embedding_model)
        descriptions = [agent["description"] for agent in agent_library]
        chosen: dict[int, None] = {}
        for hits in rank_by_similarity(embed, skills, descriptions, top_k):
            for index in hits:
                chosen.setdefault(index)
        return [dict(agent_library[i]) for i in chosen]

    def build_from_library(
        self,
        building_task: str,
        library_path_or_json: str,
        default_llm_config: LLMConfig | dict[str, Any],
        top_k: int = 3,
        coding: bool | None = None,
        code_execution_config: dict[str, Any] | None = None,
        use_oai_assistant: bool | None = False,
        embedding_model: str | None = "all-mpnet-base-v2",
        user_proxy: ConversableAgent | None = None,
        **kwargs: Any,
    ) -> tuple[list[ConversableAgent], dict[str, Any]]:
        """Pick agents from a library (a JSON list of agent configs, or the path of a file holding one).

        Each line of ``building_task`` is a skill; the library descriptions nearest to each skill (by embedding,
        ``top_k`` per skill) form the expert pool, and the builder model then matches skills to experts. A
        skill matched to "None" gets a new expert built for it.

        Args:
            building_task: the skills needed, one per line.
            library_path_or_json: the library as a JSON string or the path of a JSON file.
            default_llm_config: llm_config options of the built agents.
            top_k: library entries recalled per skill.
            coding: whether to add a Computer_terminal user proxy; None asks the builder model.
            code_execution_config: the user proxy's code execution config.
            use_oai_assistant: build GPTAssistantAgents instead of AssistantAgents.
            embedding_model: the embedding model for the recall. The built-in offline all-MiniLM-L6-v2 is used
                for the default "all-mpnet-base-v2" unless sentence-transformers is installed; any other name
                needs sentence-transformers.
            user_proxy: the user proxy to add instead of the default Computer_terminal.
            **kwargs: passed to ``_build_agents``.

        Returns:
            (agent_list, cached_configs)
        """
        if code_execution_config is None:
            code_execution_config = {"last_n_messages": 1, "work_dir": "groupchat", "use_docker": False, "timeout": 120}

        try:
            agent_library = json.loads(library_path_or_json)
        except json.JSONDecodeError:
            with open(library_path_or_json, encoding="utf-8") as f:
                agent_library = json.load(f)

        print(colored("==> Looking for suitable agents in the library...", "green"), flush=True)
        skills = [s for s in building_task.replace(":", " ").split("\n") if s.strip()] or [building_task]
        candidates = self._retrieve_from_library(agent_library, skills, top_k, embedding_model)

        expert_pool = "\n".join(f"{agent['name']}: {agent['description']}" for agent in candidates)
        prompt = self.AGENT_SELECTION_PROMPT.format(skills=building_task, expert_pool=expert_pool)
        skill_agent_pair: dict[str, Any] | None = None
        last_error: Exception | None = None
        for _ in range(_SELECTION_ATTEMPTS):
            answer = self._ask(prompt)
            try:
                parsed = json.loads(_strip_json_comments(_retrieve_json(answer)))
            except json.JSONDecodeError as e:
                print(e, flush=True)
                last_error = e
                continue
            if isinstance(parsed, dict):
                skill_agent_pair = parsed
                break
            last_error = ValueError(f"expected a JSON object, got {answer!r}")
        if skill_agent_pair is None:
            raise ValueError(
                f"The builder model did not answer the expert selection with a JSON object "
                f"({_SELECTION_ATTEMPTS} attempts): {last_error}"
            )

        selected: list[dict[str, Any]] = []
        seen_profiles: set[str] = set()
        for skill, profile in skill_agent_pair.items():
            profile = str(profile).strip()
            if profile == "None":
                _, built = self.build(
                    building_task=skill,
                    default_llm_config=_as_dict(default_llm_config),
                    coding=False,
                    use_oai_assistant=use_oai_assistant,
                    max_agents=1,
                )
                new_config = built["agent_configs"][-1]
                self.clear_agent(new_config["name"])
                selected.append(new_config)
                continue
            if profile in seen_profiles:
                continue
            seen_profiles.add(profile)
            name, _, desc = profile.partition(":")
            name, desc = name.strip(), desc.strip()
            matches = [a for a in candidates if a["name"] == name and a["description"].strip() == desc]
            matches = matches or [a for a in candidates if a["name"] == name]
            for agent in matches[:1]:
                if all(agent["name"] != chosen["name"] for chosen in selected):
                    selected.append(dict(agent))

        print(f"{[agent['name'] for agent in selected]} are selected.", flush=True)

        if coding is None:
            coding = self._needs_code(building_task)

        self.building_task = building_task
        self.cached_configs.update(
            {
                "building_task": building_task,
                "agent_configs": selected,
                "coding": coding,
                "default_llm_config": default_llm_config,
                "code_execution_config": code_execution_config,
            }
        )
        _config_check(self.cached_configs)
        return self._build_agents(use_oai_assistant, user_proxy=user_proxy, **kwargs)

    def _build_agents(
        self, use_oai_assistant: bool | None = False, user_proxy: ConversableAgent | None = None, **kwargs: Any
    ) -> tuple[list[ConversableAgent], dict[str, Any]]:
        """Create the agents of ``cached_configs`` (plus the user proxy when coding)."""
        agent_configs = self.cached_configs["agent_configs"]
        default_llm_config = self.cached_configs["default_llm_config"]
        coding = self.cached_configs["coding"]
        code_execution_config = self.cached_configs["code_execution_config"]

        print(colored("==> Creating agents...", "green"), flush=True)
        members = [agent["name"] for agent in agent_configs]
        for config in agent_configs:
            print(f"Creating agent {config['name']}...", flush=True)
            self._create_agent(
                agent_config=dict(config),
                member_name=members,
                llm_config=default_llm_config,
                use_oai_assistant=use_oai_assistant,
            )
        agent_list: list[ConversableAgent] = [agent for agent, _ in self.agent_procs_assign.values()]

        if coding is True:
            print("Adding user console proxy...", flush=True)
            if user_proxy is None:
                user_proxy = UserProxyAgent(
                    name="Computer_terminal",
                    is_termination_msg=_is_terminate,
                    code_execution_config=code_execution_config,
                    human_input_mode="NEVER",
                    default_auto_reply=self.DEFAULT_PROXY_AUTO_REPLY,
                )
            agent_list = agent_list + [user_proxy]

        return agent_list, self.cached_configs.copy()

    # ---- persistence -----------------------------------------------------------------------------

    def save(self, filepath: str | None = None) -> str:
        """Write the building config as JSON (default ``./save_config_<md5 of the task>.json``); returns the path."""
        if filepath is None:
            task = self.building_task or self.cached_configs.get("building_task") or ""
            filepath = f"./save_config_{hashlib.md5(task.encode('utf-8')).hexdigest()}.json"
        with open(filepath, "w", encoding="utf-8") as save_file:
            json.dump(self.cached_configs, save_file, indent=4, default=_json_default)
        print(colored(f"Building config saved to {filepath}", "green"), flush=True)
        return filepath

    def load(
        self,
        filepath: str | None = None,
        config_json: str | None = None,
        use_oai_assistant: bool | None = False,
        **kwargs: Any,
    ) -> tuple[list[ConversableAgent], dict[str, Any]]:
        """Rebuild a saved team without asking the LLM.

        Args:
            filepath: path of a config written by ``save``.
            config_json: the config as a JSON string.
            use_oai_assistant: build GPTAssistantAgents instead of AssistantAgents.
            **kwargs: ``code_execution_config`` replaces the saved one; the rest goes to ``_build_agents``.

        Returns:
            (agent_list, cached_configs)
        """
        cached_configs: dict[str, Any] | None = None
        if config_json is not None:
            print(colored("Loading config from JSON...", "green"), flush=True)
            cached_configs = json.loads(config_json)
        if filepath is not None:
            print(colored(f"Loading config from {filepath}", "green"), flush=True)
            with open(filepath, encoding="utf-8") as f:
                cached_configs = json.load(f)
        if cached_configs is None:
            raise ValueError("AgentBuilder.load needs filepath= or config_json=.")
        _config_check(cached_configs)

        code_execution_config = kwargs.pop("code_execution_config", None)
        if code_execution_config is None:
            code_execution_config = cached_configs["code_execution_config"]
        self.building_task = cached_configs.get("building_task")
        self.cached_configs.update(
            {
                "building_task": cached_configs.get("building_task"),
                "agent_configs": cached_configs["agent_configs"],
                "coding": cached_configs["coding"],
                "default_llm_config": cached_configs["default_llm_config"],
                "code_execution_config": code_execution_config,
            }
        )
        return self._build_agents(use_oai_assistant, **kwargs)
