"""CaptainAgent: answers a task itself or calls a team of experts it builds on the fly.

When a ``UserProxyAgent`` talks to it, CaptainAgent runs a nested chat between its executor
(``Expert_summoner``) and an inner assistant that has one tool, ``seek_experts_help``. The tool builds a
group of experts with ``AgentBuilder`` (from scratch, or from an agent library with tools from a tool
library), lets them solve the task in a group chat, and returns a review of that conversation.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
from collections.abc import Callable
from typing import Any, ClassVar, Literal

from termcolor import colored

from ....llm_config import LLMConfig
from ...conversable_agent import ConversableAgent
from ...user_proxy_agent import UserProxyAgent
from .agent_builder import AgentBuilder
from .tool_retriever import ToolBuilder, format_ag2_tool, get_full_tool_description

__all__ = ["CaptainAgent", "CaptainUserProxyAgent"]


class CaptainAgent(ConversableAgent):
    """(In preview) Solves a task alone or with a group of expert agents it builds for the task."""

    DEFAULT_NESTED_CONFIG: ClassVar[dict[str, Any]] = {
        "autobuild_init_config": {
            "config_file_or_env": "OAI_CONFIG_LIST",
            "builder_model": "gpt-4o",
            "agent_model": "gpt-4o",
        },
        "autobuild_build_config": {
            "default_llm_config": {"temperature": 1, "top_p": 0.95, "max_tokens": 2048},
            "code_execution_config": {
                "timeout": 300,
                "work_dir": "groupchat",
                "last_n_messages": 1,
                "use_docker": False,
            },
            "coding": True,
        },
        "group_chat_config": {"max_round": 10},
        "group_chat_llm_config": None,
        "max_turns": 5,
    }

    AUTOBUILD_TOOL: ClassVar[dict[str, Any]] = {
        "type": "function",
        "function": {
            "name": "seek_experts_help",
            "description": "Build a group of experts and let them chat with each other in a group chat.",
            "parameters": {
                "type": "object",
                "properties": {
                    "group_name": {"type": "string", "description": "[REQUIRED] Name of the group."},
                    "building_task": {
                        "type": "string",
                        "description": "Instructions that help a build manager to build a group of experts.",
                    },
                    "execution_task": {
                        "type": "string",
                        "description": "[REQUIRED] The task that needs the experts to solve by conversation.",
                    },
                },
            },
        },
    }

    AUTOBUILD_SYSTEM_MESSAGE = """# Your role
You manage a group of advanced experts, and you manage them well.

# How to solve a task
When you get a task:
1. Work out its constraints and what it takes to complete it.
2. Reply with a concrete plan for solving it.

Then solve it in one of two ways:
- Hand it to a group of experts (call "seek_experts_help") and draw conclusions from the summary of their conversation.
- Solve it yourself with your coding and language skills.

# How to ask experts for help
"seek_experts_help" builds a group of experts from your building_task and lets them discuss the execution_task in a group chat.
- It returns a summary of the experts' conversation and of their conclusions.
- Never change the task information from meta_user_proxy (code blocks included); you may add information.
- Start at most one group of experts per reply.

## building_task
Tells the build manager which experts to build.
Suggest fewer than three roles (including a checker who verifies the work), in this format:

### Format
- [Detailed description of role 1]
- [Detailed description of role 2]
- [Detailed description of the checker]

## execution_task
The task the experts solve by talking to each other. Write it in markdown, with these sections:

### Format
## Task description
...
## Plan for solving the task
...
## Output format
...
## Constraints and conditions for completion
...
## [Optional] results (including code blocks) and reason from last response
...

# After seek_experts_help
You get a conclusion of the conversation: the task, the results, why, contradictions or issues, and other information.
You **must** verify the result and its reasoning step by step, backwards, with the same group of experts (same group name) when:
- the conversation has contradictions or issues (double-check marked Yes), or
- the result differs from earlier results.

The experts forget everything once they have answered, so put the results (code blocks included) you got from them into the new execution_task.

# Useful instructions
- Your only tool is "seek_experts_help".
- Give an answer yourself after "seek_experts_help".
- Suggest python code in a python code block (```python...```); print any value you need to see.
- Always name the script type on a code block.
- Do not suggest incomplete code that the user would have to edit.
- Say clearly which step uses code, which uses your language skills and which builds a group chat.
- If the code's result shows an error, fix it and send the whole code again.
- If the error cannot be fixed, or the task is still unsolved after the code ran, analyse the problem, revisit your assumptions, collect the information you need and try another approach.
- Give verifiable evidence in your answer when you can.
- When every task is done and verified, conclude and reply "TERMINATE"
"""

    DEFAULT_DESCRIPTION = "A helpful AI assistant that can build a group of agents at a proper time to solve a task."

    # The prompt that summarizes CaptainAgent's inner conversation (the nested chat's reflection_with_llm).
    DEFAULT_SUMMARY_PROMPT = (
        "Read the following conversation between an expert and groups of expert agents and summarize it: the "
        "initial task, the experts' plan and attempts, and the results. If the experts reached a conclusion, "
        "state it exactly as they did."
    )

    def __init__(
        self,
        name: str,
        system_message: str | None = None,
        llm_config: LLMConfig | dict[str, Any] | Literal[False] | None = None,
        is_termination_msg: Callable[[dict[str, Any]], bool] | None = None,
        max_consecutive_auto_reply: int | None = None,
        human_input_mode: str | None = "NEVER",
        code_execution_config: dict[str, Any] | Literal[False] | None = False,
        nested_config: dict[str, Any] | None = None,
        agent_lib: str | None = None,
        tool_lib: str | None = None,
        agent_config_save_path: str | None = None,
        description: str | None = DEFAULT_DESCRIPTION,
        **kwargs: Any,
    ):
        """
        Args:
            name: agent name.
            system_message: system message of the inner assistant (default ``AUTOBUILD_SYSTEM_MESSAGE``).
            llm_config: llm config of CaptainAgent (also the default of the builder and the group chat manager).
            is_termination_msg: termination test for messages CaptainAgent receives.
            max_consecutive_auto_reply: most consecutive auto replies.
            human_input_mode: "NEVER" by default.
            code_execution_config: code execution of CaptainAgent's executor (False: none).
            nested_config: overrides of ``DEFAULT_NESTED_CONFIG`` (``autobuild_init_config``,
                ``autobuild_build_config``, ``autobuild_tool_config``, ``group_chat_config``,
                ``group_chat_llm_config``, ``max_turns``).
            agent_lib: path or JSON text of an agent library; experts are then retrieved from it.
            tool_lib: "default" (the bundled tool library), a tool library directory, or a list of ``Tool``s.
            agent_config_save_path: directory where each build history is saved as JSON.
            description: description of the agent.
            **kwargs: passed to ``ConversableAgent``.
        """
        super().__init__(
            name,
            is_termination_msg=is_termination_msg,
            max_consecutive_auto_reply=max_consecutive_auto_reply,
            human_input_mode=human_input_mode,
            code_execution_config=code_execution_config,
            llm_config=llm_config,
            description=description,
            **kwargs,
        )

        if system_message is None:
            system_message = self.AUTOBUILD_SYSTEM_MESSAGE
        nested_config = self._update_config(copy.deepcopy(self.DEFAULT_NESTED_CONFIG), nested_config)
        if nested_config["autobuild_init_config"].get("llm_config") is None:
            nested_config["autobuild_init_config"]["llm_config"] = self._llm_config_copy()
        if nested_config["group_chat_llm_config"] is None:
            nested_config["group_chat_llm_config"] = self._llm_config_copy()
        if agent_lib:
            nested_config["autobuild_build_config"]["library_path_or_json"] = agent_lib
        if tool_lib:
            nested_config.setdefault("autobuild_tool_config", {})
            nested_config["autobuild_tool_config"]["tool_root"] = tool_lib

        self.assistant = ConversableAgent(name="CaptainAgent", system_message=system_message, llm_config=llm_config)
        self.assistant.update_tool_signature(self.AUTOBUILD_TOOL, is_remove=False)

        self.executor = CaptainUserProxyAgent(
            name="Expert_summoner",
            nested_config=nested_config,
            agent_config_save_path=agent_config_save_path,
            is_termination_msg=lambda x: bool(x.get("content")) and "terminate" in str(x.get("content")).lower(),
            code_execution_config=code_execution_config,
            human_input_mode="NEVER",
        )

        self.register_nested_chats(
            [
                {
                    "sender": self.executor,
                    "recipient": self.assistant,
                    "max_turns": nested_config["max_turns"],
                    "summary_method": "reflection_with_llm",
                    "summary_args": {"summary_prompt": self.DEFAULT_SUMMARY_PROMPT},
                }
            ],
            trigger=UserProxyAgent,
            position=0,
        )

    def _llm_config_copy(self) -> Any:
        return self.llm_config.copy() if self.llm_config else self.llm_config

    @staticmethod
    def _update_config(default_dict: dict[str, Any], update_dict: dict[str, Any] | None) -> dict[str, Any]:
        """Merge ``update_dict`` into ``default_dict`` (nested dicts merged key by key); returns ``default_dict``."""
        if update_dict is None:
            return default_dict
        for key, value in update_dict.items():
            current = default_dict.get(key)
            if isinstance(current, dict) and isinstance(value, dict):
                default_dict[key] = CaptainAgent._update_config(current, value)
            else:
                default_dict[key] = value
        return default_dict


class CaptainUserProxyAgent(ConversableAgent):
    """(In preview) CaptainAgent's executor: runs ``seek_experts_help`` (build a group, run its chat, review it)
    and the inner assistant's code."""

    CONVERSATION_REVIEW_PROMPT = """# Your task
Summarize the following conversation of a group of experts, in the answer format below.
If you find real errors or issues in the conversation, point them out with the reason; if they deserve another check, answer "Need double-check" with "Yes".
If the conversation ends with TERMINATE and the task is solved, that is the normal case: answer "Need double-check" with "No".

# Conversation history:
{chat_history}

# Answer format
## Task
...

## Results
...

## Reason for the results
...

## Errors or issues in the conversation
...

### Need to double-check?
[Yes or No]

## Additional information (file path, code blocks, url, etc.)
...
"""

    AUTOBUILD_TASK_DESC = """You are given (1) a task with advice and a plan from your manager and (2) a general task.
Take the information you need from the general task and follow your manager's suggestions to solve the task.

# General Task
{general_task}

# Task and suggestions from manager
{manager_task} """

    DEFAULT_AUTO_REPLY = (
        "I'm a proxy and I can only execute your tool or end the conversation. If you think the problem is "
        "solved, please reply me only with 'TERMINATE'."
    )

    DEFAULT_USER_PROXY_AGENT_DESCRIPTIONS: ClassVar[dict[str, str]] = {
        "ALWAYS": "An attentive HUMAN user who can answer questions about the task, and can perform tasks such as "
        "running Python code or inputting command line commands at a Linux terminal and reporting back the "
        "execution results.",
        "TERMINATE": "A user that can run Python code or input command line commands at a Linux terminal and report "
        "back the execution results.",
        "NEVER": "A computer terminal that can running Python scripts (provided to it quoted in ```python code "
        "blocks), or sh shell scripts (provided to it quoted in ```sh code blocks), or the conversation history "
        "and result of a group of agents",
    }

    def __init__(
        self,
        name: str,
        nested_config: dict[str, Any],
        agent_config_save_path: str | None = None,
        is_termination_msg: Callable[[dict[str, Any]], bool] | None = None,
        max_consecutive_auto_reply: int | None = None,
        human_input_mode: str | None = "NEVER",
        code_execution_config: dict[str, Any] | Literal[False] | None = None,
        default_auto_reply: str | dict[str, Any] | None = DEFAULT_AUTO_REPLY,
        llm_config: LLMConfig | dict[str, Any] | Literal[False] | None = False,
        system_message: str | list | None = "",
        description: str | None = None,
    ):
        """
        Args:
            name: agent name.
            nested_config: CaptainAgent's nested config (builder, build, tool and group chat settings).
            agent_config_save_path: directory where each build history is saved as JSON.
            is_termination_msg: termination test for received messages.
            max_consecutive_auto_reply: most consecutive auto replies.
            human_input_mode: "ALWAYS", "TERMINATE" or "NEVER".
            code_execution_config: code execution config (False: none).
            default_auto_reply: reply when there is nothing to run.
            llm_config: llm config (False by default: no LLM replies).
            system_message: system message.
            description: description (default: one per human_input_mode).
        """
        if description is None:
            description = self.DEFAULT_USER_PROXY_AGENT_DESCRIPTIONS[human_input_mode or "NEVER"]
        super().__init__(
            name=name,
            system_message=system_message,
            is_termination_msg=is_termination_msg,
            max_consecutive_auto_reply=max_consecutive_auto_reply,
            human_input_mode=human_input_mode,
            code_execution_config=code_execution_config,
            llm_config=llm_config,
            default_auto_reply=default_auto_reply,
            description=description,
        )
        self.register_function(function_map={"seek_experts_help": lambda **args: self._run_autobuild(**args)})
        self._agent_config_save_path = agent_config_save_path
        self._nested_config = nested_config.copy()
        self._code_execution_config = code_execution_config
        self.build_history: dict[str, dict[str, Any]] = {}
        self.tool_history: dict[str, list[list[str]]] = {}
        self.build_times = 0

    # ---- tools -----------------------------------------------------------------------------------

    def _tool_config(self) -> dict[str, Any] | None:
        return self._nested_config.get("autobuild_tool_config") or None

    def _tool_builder(self) -> ToolBuilder:
        return ToolBuilder(
            corpus_root=self.tool_root_dir,
            retriever=self._tool_config().get("retriever", "all-mpnet-base-v2"),  # type: ignore[union-attr]
            type=self.tool_type,
        )

    def _bind_tools(self, group_name: str, building_task: str, agent_list: list[ConversableAgent]) -> None:
        """Retrieve tools for each skill of ``building_task`` and tell the agents (and the terminal) about them."""
        tool_root = self._tool_config().get("tool_root", "default")  # type: ignore[union-attr]
        self.tool_type = "default"
        if tool_root == "default":
            print(colored("==> Retrieving tools...", "green"), flush=True)
            self.tool_root_dir: Any = os.path.join(os.path.dirname(os.path.abspath(__file__)), "tools")
        elif isinstance(tool_root, list):
            self.tool_root_dir = tool_root
            self.tool_type = "user_defined"
        else:
            self.tool_root_dir = tool_root
        tool_builder = self._tool_builder()

        experts = agent_list[:-1]  # the last agent is the Computer_terminal
        group_tools: list[list[str]] = []
        if self.tool_type == "default":
            skills = [s for s in building_task.split("\n") if s.strip()] or [building_task]
            for agent, skill in zip(experts, skills):
                docstrings = []
                for tool in tool_builder.retrieve(skill):
                    category, tool_name = tool.split(" ")[0], tool.split(" ")[1]
                    path = os.path.join(self.tool_root_dir, category, f"{tool_name}.py")
                    docstrings.append(get_full_tool_description(path))
                tool_builder.bind(agent, "\n\n".join(docstrings))
                group_tools.append(docstrings)
        else:
            docstrings = [format_ag2_tool(tool) for tool in self.tool_root_dir]
            for agent in experts:
                tool_builder.bind(agent, "\n\n".join(docstrings))
                group_tools.append(docstrings)
        agent_list[-1] = tool_builder.bind_user_proxy(agent_list[-1], self.tool_root_dir)  # type: ignore[arg-type]
        self.tool_history[group_name] = group_tools

    def _rebind_tools(self, group_name: str, agent_list: list[ConversableAgent]) -> None:
        """Give a reloaded group the tools it had when it was built."""
        tool_builder = self._tool_builder()
        for agent, docstrings in zip(agent_list[:-1], self.tool_history.get(group_name, [])):
            tool_builder.bind(agent, "\n\n".join(docstrings))
        agent_list[-1] = tool_builder.bind_user_proxy(agent_list[-1], self.tool_root_dir)  # type: ignore[arg-type]

    # ---- seek_experts_help -----------------------------------------------------------------------

    def _run_autobuild(self, group_name: str, execution_task: str, building_task: str = "") -> str:
        """Build (or reload) the group ``group_name``, let it solve ``execution_task`` in a group chat, and
        return the builder model's review of that chat."""
        from ...groupchat import GroupChat, GroupChatManager

        print("==> Running AutoBuild...", flush=True)
        print("\n==> Building task: ", building_task, flush=True)
        print("\n==> Execution task: ", execution_task, flush=True)

        builder = AgentBuilder(**self._nested_config["autobuild_init_config"])
        build_config = dict(self._nested_config["autobuild_build_config"])
        uses_tools = False
        if group_name in self.build_history:
            agent_list, agent_configs = builder.load(config_json=json.dumps(self.build_history[group_name]))
            if self._tool_config() and agent_configs["coding"] is True and group_name in self.tool_history:
                self._rebind_tools(group_name, agent_list)
        else:
            if build_config.get("library_path_or_json"):
                agent_list, agent_configs = builder.build_from_library(building_task, **build_config)
                uses_tools = bool(self._tool_config()) and agent_configs["coding"] is True
            else:
                build_config.pop("library_path_or_json", None)
                agent_list, agent_configs = builder.build(building_task, **build_config)
            self.build_history[group_name] = agent_configs.copy()
            if uses_tools:
                self._bind_tools(group_name, building_task, agent_list)

        if self._agent_config_save_path is not None:
            digest = hashlib.md5(building_task.encode("utf-8")).hexdigest()
            path = os.path.join(self._agent_config_save_path, f"build_history_{digest}.json")
            with open(path, "w", encoding="utf-8") as f:
                json.dump(
                    self.build_history, f, default=lambda v: v.model_dump() if hasattr(v, "model_dump") else str(v)
                )

        self.build_times += 1
        group_chat = GroupChat(
            agents=agent_list,
            messages=[],
            allow_repeat_speaker=agent_list[:-1] if agent_configs["coding"] is True else agent_list,
            **self._nested_config["group_chat_config"],
        )
        manager = GroupChatManager(groupchat=group_chat, llm_config=self._nested_config["group_chat_llm_config"])
        first_partner = next(iter(self.chat_messages))
        general_task = self.chat_messages[first_partner][0]["content"]
        agent_list[0].initiate_chat(
            manager, message=self.AUTOBUILD_TASK_DESC.format(general_task=general_task, manager_task=execution_task)
        )
        chat_history = list(next(iter(agent_list[0].chat_messages.values())))

        review = builder.builder_model.create(
            messages=[{"role": "user", "content": self.CONVERSATION_REVIEW_PROMPT.format(chat_history=chat_history)}]
        )
        return f"# Response from seek_agent_help: \n{review.choices[0].message.content}"
