"""`A2UIAgent`: a `ConversableAgent` answering with A2UI user interfaces where they help."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from ...._effects import Call, Flow
from ....agentchat.agent import Agent
from ....agentchat.conversable.llm_reply import LLMReply
from ....agentchat.conversable.stock import a_run_reply_step, is_stock, register_stock_flow, run_reply_step
from ....agentchat.conversable_agent import ConversableAgent
from ....agentchat.remote.agent_service import served_llm_arguments
from .actions import A2UIAction
from .protocol import A2UI_DEFAULT_DELIMITER
from .response_parser import A2UIParseResult, A2UIResponseParser, A2UIValidationResult
from .schema_manager import A2UISchemaManager

__all__ = ["A2UIAgent"]

logger = logging.getLogger(__name__)

_LLM_STEP = ("generate_oai_reply", "a_generate_oai_reply")


class A2UIAgent(ConversableAgent):
    """An agent whose answers may carry an A2UI surface (A2UI v0.9, the basic catalog plus an
    optional custom one).

    Its system message gets a section teaching the A2UI format (kept through
    `update_system_message`). An answer is its text, the delimiter, then a JSON array of A2UI
    messages. With ``validate_responses`` (the default; needs the ``a2ui`` extra) the JSON is checked
    against the schema and, when invalid, the errors go back to the LLM for up to
    ``validation_retries`` more attempts; after that the agent answers with the text alone.

    Served over A2A (`autogen.a2a.A2aAgentServer`) the surface travels as A2UI data parts; over
    AG-UI (`autogen.ag_ui.AGUIStream`) add ``a2ui_event_interceptor`` to get it as activity events.
    """

    DEFAULT_SYSTEM_MESSAGE = (
        "You are a helpful AI assistant that can generate rich user interfaces "
        "using the A2UI protocol. When the user's request would benefit from a "
        "visual UI (cards, forms, lists, etc.), generate A2UI output. "
        "For simple text responses, respond normally without A2UI."
    )

    def __init__(
        self,
        name: str = "a2ui_agent",
        system_message: str | None = None,
        protocol_version: str = "v0.9",
        custom_catalog: str | Path | dict[str, Any] | None = None,
        custom_catalog_rules: str | None = None,
        include_schema_in_prompt: bool = True,
        include_rules_in_prompt: bool = True,
        response_delimiter: str = A2UI_DEFAULT_DELIMITER,
        validate_responses: bool = True,
        validation_retries: int = 1,
        actions: list[A2UIAction] | None = None,
        **kwargs: Any,
    ) -> None:
        """Args:
        name: the agent's name.
        system_message: the agent's own instructions (default: `DEFAULT_SYSTEM_MESSAGE`); the A2UI
            section is appended to them.
        protocol_version: the A2UI version to speak (only ``"v0.9"``).
        custom_catalog: a catalog extending the basic one (a dict or a JSON file's path) with a
            ``$id``, which becomes the surfaces' ``catalogId``.
        custom_catalog_rules: rules for the custom components, added to the prompt's rules.
        include_schema_in_prompt: put the message schema in the prompt.
        include_rules_in_prompt: put the catalog rules in the prompt.
        response_delimiter: what separates the answer's text from its A2UI JSON.
        validate_responses: validate the A2UI JSON and ask the LLM again when it is invalid.
        validation_retries: how many more times to ask after an invalid answer.
        actions: what the surfaces' buttons can trigger (listed in the prompt; the A2A executor
            routes incoming events by them).
        **kwargs: further `ConversableAgent` arguments.
        """
        self._schema_manager = A2UISchemaManager(
            protocol_version=protocol_version,
            custom_catalog=custom_catalog,
            custom_catalog_rules=custom_catalog_rules,
        )
        manager = self._schema_manager
        self._response_parser = A2UIResponseParser(
            version_string=manager.version_string,
            delimiter=response_delimiter,
            server_to_client_schema=manager.server_to_client_schema if validate_responses else None,
            schema_registry=manager.build_schema_registry() if validate_responses else None,
            component_schemas=manager.get_component_schemas() if validate_responses else None,
            catalog_id=manager.catalog_id if validate_responses else None,
        )
        self._response_delimiter = response_delimiter
        self._validate_responses = validate_responses
        self._validation_retries = validation_retries
        self._actions = list(actions or [])
        self._a2ui_prompt_section = manager.generate_prompt_section(
            include_schema=include_schema_in_prompt,
            include_rules=include_rules_in_prompt,
            response_delimiter=response_delimiter,
            actions=self._actions,
        )
        base = system_message or self.DEFAULT_SYSTEM_MESSAGE
        super().__init__(name=name, system_message=f"{base}\n\n{self._a2ui_prompt_section}", **kwargs)

        if validate_responses:
            # checked right before the plain LLM step, so tool calls, termination and human input
            # are handled as for any agent first
            position = next((i for i, e in enumerate(self._reply_func_list) if e["reply_func"] in _LLM_REPLY_FUNCS), 0)
            self.register_reply([Agent, None], A2UIAgent._a2ui_validating_reply, position=position)

    # ------------------------------------------------------------------ validation loop

    def _validate_a2ui_response(self, response_text: str) -> tuple[A2UIParseResult, list[str] | None]:
        """Parse ``response_text``; the errors of its A2UI part, or None when it is valid or has none."""
        parsed = self._response_parser.parse(response_text)
        if not parsed.has_a2ui:
            return parsed, None
        if parsed.parse_error:
            return parsed, [parsed.parse_error]
        result = self._response_parser.validate(parsed.operations)
        return parsed, None if result.is_valid else result.errors

    def _build_retry_messages(
        self,
        working_messages: list[dict[str, Any]],
        response_text: str,
        parse_result: A2UIParseResult,
        validation_errors: list[str],
    ) -> list[dict[str, Any]]:
        """A new list: ``working_messages``, the invalid answer, and the feedback listing its errors."""
        feedback = self._response_parser.format_validation_error(
            parse_result, A2UIValidationResult(is_valid=False, errors=validation_errors)
        )
        return [
            *working_messages,
            {"role": "assistant", "content": response_text},
            {"role": "user", "content": feedback},
        ]

    def _a2ui_flow(
        self, messages: list[dict[str, Any]] | None, sender: Agent | None, config: Any
    ) -> Flow[tuple[bool, str | dict[str, Any] | None]]:
        """Ask the LLM, validate the A2UI part, ask again with the errors; finally the text alone."""
        if messages is None:
            messages = self._oai_messages[sender] if sender is not None else []
        working = messages
        extra = served_llm_arguments() or None  # served: the client's tools are offered too
        for attempt in range(1 + self._validation_retries):
            if is_stock(self, LLMReply, _LLM_STEP):
                step = self._oai_reply_flow(working, sender, None, extra)
                final, response = step if type(step) is tuple else (yield from step)
            else:  # generate_oai_reply replaced (a subclass or a test): call it as user code
                final, response = yield Call(self.generate_oai_reply, self.a_generate_oai_reply, working, sender)
            if not final or response is None:
                return False, None
            text = response if isinstance(response, str) else response.get("content")
            if not isinstance(text, str):  # tool calls: nothing to validate
                return True, response
            parsed, errors = self._validate_a2ui_response(text)
            if errors is None:
                return True, response
            if attempt >= self._validation_retries:
                logger.warning("A2UI output still invalid after %d attempt(s); answering with its text.", attempt + 1)
                return True, parsed.text
            logger.info("A2UI output invalid (attempt %d of %d): %s", attempt + 1, 1 + self._validation_retries, errors)
            working = self._build_retry_messages(list(working), text, parsed, errors)
        return False, None  # not reached (validation_retries < 0)

    def _a2ui_validating_reply(
        self,
        messages: list[dict[str, Any]] | None = None,
        sender: Agent | None = None,
        config: Any | None = None,
    ) -> tuple[bool, str | dict[str, Any] | None]:
        """Reply function: the LLM's answer with valid A2UI (or none), retrying on invalid A2UI."""
        return run_reply_step(self._a2ui_flow(messages, sender, config))

    async def _a_a2ui_validating_reply(
        self,
        messages: list[dict[str, Any]] | None = None,
        sender: Agent | None = None,
        config: Any | None = None,
    ) -> tuple[bool, str | dict[str, Any] | None]:
        """Async twin of `_a2ui_validating_reply`."""
        return await a_run_reply_step(self._a2ui_flow(messages, sender, config))

    # ------------------------------------------------------------------ properties

    def update_system_message(self, system_message: str) -> None:
        """Set the system message; the A2UI section is appended unless it is already in it."""
        if self._a2ui_prompt_section not in system_message:
            system_message = f"{system_message}\n\n{self._a2ui_prompt_section}"
        super().update_system_message(system_message)

    @property
    def a2ui_prompt_section(self) -> str:
        """The A2UI part of the system message."""
        return self._a2ui_prompt_section

    @property
    def schema_manager(self) -> A2UISchemaManager:
        """The agent's schemas and prompt builder."""
        return self._schema_manager

    @property
    def response_parser(self) -> A2UIResponseParser:
        """The agent's parser and validator of answers."""
        return self._response_parser

    @property
    def protocol_version(self) -> str:
        """The A2UI version the agent speaks."""
        return self._schema_manager.protocol_version

    @property
    def catalog_id(self) -> str:
        """The ``catalogId`` of the agent's surfaces."""
        return self._schema_manager.catalog_id

    @property
    def actions(self) -> list[A2UIAction]:
        """The actions the agent's buttons can trigger."""
        return self._actions

    def get_action(self, name: str) -> A2UIAction | None:
        """The action called ``name``, or None."""
        return next((a for a in self._actions if a.name == name), None)

    @property
    def validation_retries(self) -> int:
        """How many more times the LLM is asked after invalid A2UI output."""
        return self._validation_retries


_LLM_REPLY_FUNCS = (LLMReply.generate_oai_reply, LLMReply.a_generate_oai_reply)

register_stock_flow(A2UIAgent._a2ui_validating_reply, A2UIAgent._a_a2ui_validating_reply, "_a2ui_flow")
