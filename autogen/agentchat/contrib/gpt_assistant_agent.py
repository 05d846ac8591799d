"""GPTAssistantAgent (deprecated in ag2 0.13): an agent whose replies come from an OpenAI Assistant.

The assistant keeps the conversation state in a thread per partner agent: new messages are added to the
thread, a run is started with the agent's current system message as instructions, function calls the run
asks for are executed by this agent and submitted back, and the run's messages become the reply. It needs
the openai SDK's Assistants API (``client.beta.assistants`` / ``client.beta.threads``); an SDK without it
gets a ``RuntimeError`` explaining so.
"""

from __future__ import annotations

import copy
import json
import logging
import time
import warnings
from collections import defaultdict
from typing import Any

from ...llm_config import LLMConfig
from ...oai.client import OpenAIWrapper
from ...oai.openai_assistants import (
    create_gpt_assistant,
    require_assistants_api,
    retrieve_assistants_by_name,
    update_gpt_assistant,
)
from ...runtime_logging import log_new_agent, logging_enabled
from ..agent import Agent
from ..assistant_agent import AssistantAgent
from ..conversable_agent import ConversableAgent

__all__ = ["GPTAssistantAgent"]

logger = logging.getLogger(__name__)

# llm_config keys that belong to the assistant, not to the OpenAI client (0.2 scripts put them in llm_config).
_ASSISTANT_CONFIG_KEYS = ("assistant_id", "tools", "file_ids", "tool_resources", "check_every_ms")
_RUN_IN_PROGRESS = ("in_progress", "queued", "cancelling")


def _content_text(content: Any) -> str:
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "\n".join(part.get("text", "") if isinstance(part, dict) else str(part) for part in content)
    return str(content)


class GPTAssistantAgent(ConversableAgent):
    """(Deprecated) An agent backed by the OpenAI Assistants API, which holds the conversation state.

    Deprecated in ag2 0.13 (to be removed in 0.14); use ConversableAgent instead.
    """

    DEFAULT_MODEL_NAME = "gpt-4-0125-preview"

    def __init__(
        self,
        name: str = "GPT Assistant",
        instructions: str | None = None,
        llm_config: LLMConfig | dict[str, Any] | bool | None = None,
        assistant_config: dict[str, Any] | None = None,
        overwrite_instructions: bool = False,
        overwrite_tools: bool = False,
        **kwargs: Any,
    ):
        """
        Args:
            name: agent name; also the assistant's name, used to find an existing assistant.
            instructions: the assistant's instructions (and this agent's system message). None: the existing
                assistant's instructions, or ``AssistantAgent.DEFAULT_SYSTEM_MESSAGE`` for a new assistant.
            llm_config: the OpenAI client config (``model`` is the assistant's model).
            assistant_config: ``assistant_id`` (None: find by name or create), ``check_every_ms`` (run polling
                interval), ``tools``, ``file_ids`` (v1 style, turned into tool_resources), ``tool_resources``.
            overwrite_instructions: with ``assistant_id``, write ``instructions`` to the existing assistant.
            overwrite_tools: with ``assistant_id``, write ``tools`` to the existing assistant.
            **kwargs: ``verbose`` (print function calls), the rest goes to ConversableAgent.
        """
        warnings.warn(
            "GPTAssistantAgent is deprecated and will be removed in v0.14. Use ConversableAgent instead.",
            DeprecationWarning,
            stacklevel=2,
        )
        self._verbose = kwargs.pop("verbose", False)
        client_cfg, assistant_cfg = self._process_assistant_config(llm_config, assistant_config)
        self._assistant_config = assistant_cfg

        super().__init__(
            name=name, system_message=instructions, human_input_mode="NEVER", llm_config=client_cfg, **kwargs
        )
        if logging_enabled():
            log_new_agent(self, locals())

        # The model belongs to the assistant; the client is made without it (an Azure deployment name in the
        # client config breaks assistants.list()).
        config_list = client_cfg.get("config_list")
        if config_list:
            model_name = config_list[0].pop("model", self.DEFAULT_MODEL_NAME)
        else:
            model_name = client_cfg.pop("model", self.DEFAULT_MODEL_NAME)
        logger.warning("OpenAI client config of GPTAssistantAgent(%s) - model: %s", name, model_name)

        wrapper = OpenAIWrapper(**client_cfg)
        if len(wrapper._clients) > 1:
            logger.warning("GPT Assistant only supports one OpenAI client. Using the first client in the list.")
        first = wrapper._clients[0]
        if not hasattr(first, "_oai_client"):
            raise ValueError(
                f"GPTAssistantAgent needs an OpenAI (or Azure OpenAI) config; got api_type {first.__class__.__name__}."
            )
        self._openai_client = first._oai_client
        require_assistants_api(self._openai_client)

        assistant_id = assistant_cfg.get("assistant_id")
        if assistant_id is None:
            candidates = retrieve_assistants_by_name(self._openai_client, name)
            if candidates:
                candidates = self.find_matching_assistant(candidates, instructions, assistant_cfg.get("tools", []))
            if candidates:
                logger.warning("Matching assistant found, using the first matching assistant: %s", candidates[0].id)
                self._openai_assistant = candidates[0]
            else:
                logger.warning("No matching assistant found, creating a new assistant")
                if instructions is None:
                    logger.warning(
                        "No instructions were provided for new assistant. Using default instructions from "
                        "AssistantAgent.DEFAULT_SYSTEM_MESSAGE."
                    )
                    instructions = AssistantAgent.DEFAULT_SYSTEM_MESSAGE
                self._openai_assistant = create_gpt_assistant(
                    self._openai_client,
                    name=name,
                    instructions=instructions,
                    model=model_name,
                    assistant_config=assistant_cfg,
                )
        else:
            self._openai_assistant = self._openai_client.beta.assistants.retrieve(assistant_id)
            if instructions is None:
                logger.warning(
                    "No instructions were provided for given assistant. Using existing instructions from assistant API."
                )
                instructions = self.get_assistant_instructions()
            elif overwrite_instructions:
                logger.warning(
                    "overwrite_instructions is True. Provided instructions will be used and will modify the "
                    "assistant in the API"
                )
                self._openai_assistant = update_gpt_assistant(
                    self._openai_client, assistant_id=assistant_id, assistant_config={"instructions": instructions}
                )
            else:
                logger.warning(
                    "overwrite_instructions is False. Provided instructions will be used without permanently "
                    "modifying the assistant in the API."
                )

            tools = assistant_cfg.get("tools")
            if tools is None:
                if self._openai_assistant.tools:
                    logger.warning(
                        "No tools were provided for given assistant. Using existing tools from assistant API."
                    )
                else:
                    logger.info(
                        "No tools were provided for the assistant, and the assistant currently has no tools set."
                    )
            elif overwrite_tools:
                logger.warning(
                    "overwrite_tools is True. Provided tools will be used and will modify the assistant in the API"
                )
                self._openai_assistant = update_gpt_assistant(
                    self._openai_client,
                    assistant_id=assistant_id,
                    assistant_config={"tools": tools, "tool_resources": assistant_cfg.get("tool_resources")},
                )
            else:
                logger.warning("overwrite_tools is False. Using existing tools from assistant API.")

        # Given instructions are used for the runs even when the assistant itself was not changed.
        self.update_system_message(instructions if instructions is not None else self._openai_assistant.instructions)
        self._openai_threads: dict[Agent | None, Any] = {}
        self._unread_index: defaultdict[Agent | None, int] = defaultdict(int)
        self.register_reply([Agent, None], GPTAssistantAgent._invoke_assistant, position=2)

    # ---- replies ---------------------------------------------------------------------------------

    def _invoke_assistant(
        self,
        messages: list[dict[str, Any]] | None = None,
        sender: Agent | None = None,
        config: Any | None = None,
    ) -> tuple[bool, str | dict[str, Any] | None]:
        """Add the messages not yet sent to the sender's thread, run the assistant, and reply with its messages."""
        if messages is None:
            messages = self._oai_messages[sender]
        pending = messages[self._unread_index[sender] or 0 :]

        thread = self._openai_threads.get(sender)
        if thread is None:
            thread = self._openai_threads[sender] = self._openai_client.beta.threads.create(messages=[])
        for message in pending:
            text = _content_text(message.get("content"))
            if not text.strip():
                continue
            self._openai_client.beta.threads.messages.create(
                thread_id=thread.id, content=text, role=self._map_role_for_api(message.get("role", "user"))
            )

        run = self._openai_client.beta.threads.runs.create(
            thread_id=thread.id, assistant_id=self._openai_assistant.id, instructions=self.system_message
        )
        run_messages = self._get_run_response(thread, run)
        assert len(run_messages) > 0, "No response from the assistant."

        response = {"role": run_messages[-1]["role"], "content": "\n\n".join(m["content"] for m in run_messages)}
        # +1: the reply about to be appended to the history is in the thread already
        self._unread_index[sender] = len(self._oai_messages[sender]) + 1 if sender is not None else 0
        return True, response

    def _map_role_for_api(self, role: str) -> str:
        """The Assistants API role of a chat message: "user" or "assistant" (tool/function results and unknown
        roles are "assistant"; a system message is "user", the only other role threads accept)."""
        if role == "user":
            return "user"
        if role == "system":
            return "user"
        return "assistant"

    def _get_run_response(self, thread: Any, run: Any) -> list[dict[str, Any]]:
        """Wait for the run, executing the function calls it requires; the messages it produced."""
        while True:
            run = self._wait_for_run(run.id, thread.id)
            if run.status == "completed":
                new_messages = []
                for msg in self._openai_client.beta.threads.messages.list(thread.id, order="asc"):
                    if msg.run_id != run.id:
                        continue
                    for content in msg.content:
                        if content.type == "text":
                            text = self._format_assistant_message(content.text)
                            new_messages.append({"role": msg.role, "content": text})
                        elif content.type == "image_file":
                            new_messages.append(
                                {
                                    "role": msg.role,
                                    "content": f"Received file id={content.image_file.file_id}",
                                }
                            )
                return new_messages
            if run.status == "requires_action":
                outputs = []
                for tool_call in run.required_action.submit_tool_outputs.tool_calls:
                    function = tool_call.function
                    ok, result = self.execute_function(
                        {"name": function.name, "arguments": function.arguments},
                        call_id=tool_call.id,
                        verbose=self._verbose,
                    )
                    logger.info("Intermediate executing(%s, Success: %s) : %s", result["name"], ok, result["content"])
                    outputs.append({"output": str(result["content"]), "tool_call_id": tool_call.id})
                run = self._openai_client.beta.threads.runs.submit_tool_outputs(
                    run_id=run.id, thread_id=thread.id, tool_outputs=outputs
                )
                continue
            run_info = json.dumps(run.model_dump() if hasattr(run, "model_dump") else run.dict(), indent=2, default=str)
            raise ValueError(f"Unexpected run status: {run.status}. Full run info:\n\n{run_info})")

    def _wait_for_run(self, run_id: str, thread_id: str) -> Any:
        """Poll the run (every ``check_every_ms``) until it leaves the queued/in-progress states."""
        interval = self._assistant_config.get("check_every_ms", 1000) / 1000
        while True:
            run = self._openai_client.beta.threads.runs.retrieve(run_id, thread_id=thread_id)
            if run.status not in _RUN_IN_PROGRESS:
                return run
            time.sleep(interval)

    def _format_assistant_message(self, message_content: Any) -> str:
        """The message text with annotations replaced by footnote marks and the cited files listed below."""
        text = message_content.value
        citations = []
        for index, annotation in enumerate(message_content.annotations or []):
            text = text.replace(annotation.text, f" [{index}]")
            file_citation = getattr(annotation, "file_citation", None)
            file_path = getattr(annotation, "file_path", None)
            try:
                if file_citation is not None:
                    cited = self._openai_client.files.retrieve(file_citation.file_id)
                    quote = getattr(file_citation, "quote", None)
                    citations.append(f"[{index}] {cited.filename}: {quote}" if quote else f"[{index}] {cited.filename}")
                elif file_path is not None:
                    cited = self._openai_client.files.retrieve(file_path.file_id)
                    citations.append(f"[{index}] Click <here> to download {cited.filename}")
            except Exception as e:  # noqa: BLE001 - a missing citation must not lose the answer
                logger.error("Error retrieving file citation: %s", e)
        message_content.value = text + "\n" + "\n".join(citations) if citations else text
        return message_content.value

    def can_execute_function(self, name: list[str] | str) -> bool:
        """Always False: function calls are run inside the assistant's runs, not as chat replies."""
        return False

    def reset(self) -> None:
        """Reset the agent and delete its threads."""
        super().reset()
        for thread in self._openai_threads.values():
            self._openai_client.beta.threads.delete(thread.id)
        self._openai_threads = {}
        self._unread_index.clear()

    def clear_history(self, agent: Agent | None = None, nr_messages_to_preserve: int | None = None) -> None:
        """Clear the chat history with ``agent`` (None: everyone) and delete that agent's thread."""
        super().clear_history(agent, nr_messages_to_preserve)
        thread = self._openai_threads.get(agent)
        if thread is not None:
            logger.info("Clearing thread %s", thread.id)
            self._openai_client.beta.threads.delete(thread.id)
            self._openai_threads.pop(agent)
            self._unread_index[agent] = 0

    def pretty_print_thread(self, thread: Any) -> None:
        """Print the messages of a thread in order."""
        if thread is None:
            print("No thread to print")
            return
        messages = sorted(
            self._openai_client.beta.threads.messages.list(thread_id=thread.id).data, key=lambda m: m.created_at
        )
        print("~~~~~~~THREAD CONTENTS~~~~~~~")
        for message in messages:
            print(f"[{message.created_at}]", message.role, ": [", ", ".join(c.type for c in message.content), "]")
            for content in message.content:
                if content.type == "text":
                    print(content.type, ": ", content.text.value)
                elif content.type == "image_file":
                    print(content.type, ": ", content.image_file.file_id)
                else:
                    print(content.type, ": ", content)
        print("~~~~~~~~~~~~~~~~~~~~~~~~~~~~~")

    # ---- the assistant ---------------------------------------------------------------------------

    @property
    def oai_threads(self) -> dict[Agent | None, Any]:
        """The thread of each partner agent."""
        return self._openai_threads

    @property
    def assistant_id(self) -> str:
        """The assistant's id."""
        return self._openai_assistant.id

    @property
    def openai_client(self) -> Any:
        """The openai SDK client."""
        return self._openai_client

    @property
    def openai_assistant(self) -> Any:
        """The assistant object."""
        return self._openai_assistant

    def get_assistant_instructions(self) -> str | None:
        """The assistant's instructions as stored by the API."""
        return self._openai_assistant.instructions

    def delete_assistant(self) -> None:
        """Delete the assistant from the API."""
        logger.warning("Permanently deleting assistant...")
        self._openai_client.beta.assistants.delete(self.assistant_id)

    def find_matching_assistant(
        self, candidate_assistants: list[Any], instructions: str | None, tools: list[dict[str, Any]]
    ) -> list[Any]:
        """The candidates whose instructions (when given) and tools (types and function names) match."""

        def kind(tool_type: Any) -> Any:
            return "file_search" if tool_type in ("retrieval", "file_search") else tool_type

        wanted_types = {kind(tool.get("type")) for tool in tools}
        wanted_functions = {
            tool.get("function", {}).get("name")
            for tool in tools
            if tool.get("type") not in ("code_interpreter", "retrieval", "file_search")
        }
        matching = []
        for assistant in candidate_assistants:
            if instructions and instructions != getattr(assistant, "instructions", None):
                logger.warning("instructions not match, skip assistant(%s)", assistant.id)
                continue
            types = {kind(tool.type) for tool in assistant.tools}
            functions = {tool.function.name for tool in assistant.tools if getattr(tool, "function", None) is not None}
            if types != wanted_types or functions != wanted_functions:
                logger.warning(
                    "tools not match, skip assistant(%s): tools %s, functions %s", assistant.id, types, functions
                )
                continue
            matching.append(assistant)
        return matching

    def _process_assistant_config(
        self, llm_config: Any, assistant_config: dict[str, Any] | None
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """Split the config into the OpenAI client's part and the assistant's part (assistant keys in
        ``llm_config`` move to ``assistant_config`` unless it sets them)."""
        if llm_config is False:
            raise ValueError("llm_config=False is not supported for GPTAssistantAgent.")
        if isinstance(llm_config, LLMConfig):
            client_cfg = llm_config.model_dump()
        else:
            client_cfg = {} if llm_config is None or llm_config is True else copy.deepcopy(dict(llm_config))
        assistant_cfg = {} if assistant_config is None else copy.deepcopy(assistant_config)
        for key in _ASSISTANT_CONFIG_KEYS:
            if client_cfg.get(key) is not None and assistant_cfg.get(key) is None:
                assistant_cfg[key] = client_cfg[key]
            client_cfg.pop(key, None)
        if client_cfg.get("config_list"):
            client_cfg["config_list"] = [
                entry.model_dump() if hasattr(entry, "model_dump") else dict(entry)
                for entry in client_cfg["config_list"]
            ]
        return client_cfg, assistant_cfg
