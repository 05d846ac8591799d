"""`ReliableTool`: a function called by an internal runner agent until a validator agent accepts a result.

Each run is a small pattern group chat of two agents built for the tool. The runner's model picks the
arguments and calls the function (as the tool ``execute_<function name>``, with an extra
``hypothesis`` argument); the result goes to the validator, whose model answers with a structured
`ValidationResult`. A rejected result or an error sends the turn back to the runner, up to
``max_tool_invocations`` calls. The run's record lives as JSON in the chat's context variables.

This module builds on the agent chat (it is a tool made of agents), so it is loaded only on first use.
"""

from __future__ import annotations

import asyncio
import copy
import functools
import inspect
import json
import logging
import warnings
from collections.abc import Callable
from typing import Annotated, Any

from pydantic import ValidationError

from ....agentchat.agent import Agent
from ....agentchat.conversable_agent import ConversableAgent
from ....agentchat.group.context_variables import ContextVariables
from ....agentchat.group.group_utils import TEMP_USER_NAME
from ....agentchat.group.multi_agent_chat import a_initiate_group_chat, initiate_group_chat
from ....agentchat.group.patterns import DefaultPattern
from ....agentchat.group.reply_result import ReplyResult
from ....agentchat.group.targets.transition_target import AgentTarget, TerminateTarget
from ...dependency_injection import Field
from ...tool import Tool
from .state import (
    ExecutionAttempt,
    ReliableToolContext,
    SuccessfulExecutionParameters,
    ToolExecutionDetails,
    ValidationResult,
    load_context,
    store_context,
)

__all__ = ("ReliableTool", "ReliableToolError", "SuccessfulExecutionParameters", "ToolExecutionDetails")

logger = logging.getLogger(__name__)

HYPOTHESIS_DESCRIPTION = (
    "A clear, concise statement about the expected outcome or result format of the function call "
    "based on the provided inputs. This helps in assessing the relevance and potential success "
    "of the call, and guides validation."
)


class ReliableToolError(Exception):
    """A `ReliableTool` run ended without a validated result; ``final_context`` holds its record."""

    def __init__(self, message: str, final_context: ReliableToolContext | None = None) -> None:
        super().__init__(message)
        self.final_context = final_context


# ---- prompts -------------------------------------------------------------------------------------


def get_runner_prompt(task: str, agent_system_message: str, internal_tool_name: str) -> str:
    """The runner's system message for one run."""
    return f"""
You call one function for the task below, choosing its arguments from the task and the conversation.
Function to call: '{internal_tool_name}'
If an earlier call is in the history, read how it went (an error, or why its result was rejected) and change the \
arguments for this new attempt; otherwise choose the best first arguments.

Each of your responses MUST be exactly one tool call of '{internal_tool_name}'.
Do not answer in text, explain, or ask for confirmation: make the tool call.
Always pass a 'hypothesis' argument: what you expect the call to return, given its inputs.

Base Instructions:
{agent_system_message}

Current Task:
{task}
"""


def get_validator_prompt(
    task: str, base_validator_system_message: str, dynamic_validation_addition: str | None = None
) -> str:
    """The validator's system message for one run (with this run's extra requirements, if any)."""
    dynamic = (
        f"\n\nAdditional Dynamic Requirements for This Specific Run:\n{dynamic_validation_addition.strip()}"
        if dynamic_validation_addition and dynamic_validation_addition.strip()
        else ""
    )
    return f"""
You validate the result of a function call. The messages you receive are:
1. the context of the request (the original messages, if any);
2. ground truth to rely on (if any);
3. last, the result of the function call, to be judged.

Decide whether that final result satisfies ALL the requirements: the task, the rules below, the context and the \
ground truth. Answer with validation_result (true or false) and a justification.

Base Validation Rules/Context:
{base_validator_system_message}{dynamic}

Base Task Description (for reference):
{task}
"""


def _ground_truth_messages(ground_truth: list[str] | None) -> list[dict[str, Any]]:
    return [
        {"role": "user", "content": f"[[Provided Ground Truth {i}]]:\n{text}"}
        for i, text in enumerate(ground_truth or [], start=1)
    ]


def _last_text(messages: list[dict[str, Any]] | None) -> str | None:
    """The text of the last message that has some (text parts of a multimodal message joined)."""
    for message in reversed(messages or []):
        content = message.get("content")
        if isinstance(content, str) and content.strip():
            return content.strip()
        if isinstance(content, list) and content:
            texts = [
                part["text"].strip()
                for part in content
                if isinstance(part, dict)
                and part.get("type") == "text"
                and isinstance(part.get("text"), str)
                and part["text"].strip()
            ]
            if texts:
                return "\n".join(texts)
            first = next((part for part in content if part), None)
            if first is not None:
                return json.dumps(first) if isinstance(first, dict) else str(first).strip()
    return None


def _structured_config(llm_config: Any) -> Any:
    """A copy of ``llm_config`` answering with a `ValidationResult` (and offering no tools)."""
    config = llm_config.deepcopy()
    config.response_format = ValidationResult
    config.tools = []
    config.functions = []
    for entry in config.config_list:
        entry.response_format = ValidationResult
        if getattr(entry, "tool_choice", None) is not None:
            entry.tool_choice = None
    return config


# ---- the function the runner calls -----------------------------------------------------------------


def _split_result(result: Any) -> tuple[Any, Any]:
    """(data kept as the result, value shown to the validator): a 2+-tuple gives both."""
    if isinstance(result, tuple):
        if len(result) >= 2:
            return result[0], result[1]
        if len(result) == 1:
            return result[0], result[0]
        return None, ""
    return result, result


def reliable_function_wrapper(
    tool_function: Callable[..., Any], validator: ConversableAgent, runner: ConversableAgent, context_variables_key: str
) -> Callable[..., Any]:
    """``tool_function`` as the runner's tool: it also takes ``hypothesis`` and the chat's
    ``context_variables``, records the attempt, and hands the turn to the validator (result) or back
    to the runner (error) with a `ReplyResult`."""

    def record(attempt: ExecutionAttempt, context_variables: ContextVariables, context: ReliableToolContext) -> None:
        context.attempts.append(attempt)
        store_context(context_variables, context_variables_key, context)

    def failed(attempt: ExecutionAttempt, context_variables: ContextVariables, error: Exception) -> ReplyResult:
        context = load_context(context_variables, context_variables_key)
        attempt.error = f"{type(error).__name__}: {error}"
        logger.warning("Function %r raised %s", getattr(tool_function, "__name__", "?"), attempt.error)
        record(attempt, context_variables, context)
        return ReplyResult(
            context_variables=context_variables,
            target=AgentTarget(runner),
            message=f"Function execution failed with error: {attempt.error}.",
        )

    def succeeded(attempt: ExecutionAttempt, context_variables: ContextVariables, result: Any) -> ReplyResult:
        context = load_context(context_variables, context_variables_key)
        attempt.result_data, shown = _split_result(result)
        try:
            attempt.result_str = "" if shown is None else str(shown)
        except Exception:  # noqa: BLE001 - a result whose __str__ fails is still shown
            attempt.result_str = repr(shown)
        record(attempt, context_variables, context)
        return ReplyResult(
            context_variables=context_variables, target=AgentTarget(validator), message=attempt.result_str
        )

    if inspect.iscoroutinefunction(tool_function):

        @functools.wraps(tool_function)
        async def wrapper(
            *args: Any, hypothesis: str, context_variables: ContextVariables, **kwargs: Any
        ) -> ReplyResult:
            attempt = ExecutionAttempt(attempt_args=list(args), attempt_kwargs=kwargs, hypothesis=hypothesis)
            try:
                result = await tool_function(*args, **kwargs)
            except Exception as e:  # noqa: BLE001 - the runner gets the error and tries again
                return failed(attempt, context_variables, e)
            return succeeded(attempt, context_variables, result)

    else:

        @functools.wraps(tool_function)
        def wrapper(*args: Any, hypothesis: str, context_variables: ContextVariables, **kwargs: Any) -> ReplyResult:  # type: ignore[misc]
            attempt = ExecutionAttempt(attempt_args=list(args), attempt_kwargs=kwargs, hypothesis=hypothesis)
            try:
                result = tool_function(*args, **kwargs)
            except Exception as e:  # noqa: BLE001 - the runner gets the error and tries again
                return failed(attempt, context_variables, e)
            return succeeded(attempt, context_variables, result)

    kinds = inspect.Parameter
    params = list(inspect.signature(tool_function).parameters.values())
    positional = [p for p in params if p.kind in (kinds.POSITIONAL_ONLY, kinds.POSITIONAL_OR_KEYWORD)]
    var_positional = [p for p in params if p.kind is kinds.VAR_POSITIONAL]
    keyword_only = [p for p in params if p.kind is kinds.KEYWORD_ONLY]
    var_keyword = [p for p in params if p.kind is kinds.VAR_KEYWORD]
    added = [
        inspect.Parameter(
            "hypothesis", kinds.KEYWORD_ONLY, annotation=Annotated[str, Field(description=HYPOTHESIS_DESCRIPTION)]
        ),
        inspect.Parameter("context_variables", kinds.KEYWORD_ONLY, annotation=ContextVariables),
    ]
    wrapper.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [*positional, *var_positional, *keyword_only, *added, *var_keyword], return_annotation=ReplyResult
    )
    return wrapper


# ---- the tool ------------------------------------------------------------------------------------------


def _func_details(func_or_tool: Callable[..., Any] | Tool) -> tuple[Callable[..., Any], str, str]:
    """(function, its name, its description) of a callable or a Tool."""
    if isinstance(func_or_tool, Tool):
        func = getattr(func_or_tool, "func", None)
        if not callable(func):
            raise TypeError(f"Tool '{func_or_tool.name}' provided but its 'func' attribute is not callable or missing.")
        name, description = func_or_tool.name, func_or_tool.description
        if not description or description in (f"Tool '{name}'.", "No description provided."):
            doc = inspect.getdoc(func)
            description = doc.strip() if doc else f"Executes the '{name}' function."
        return func, name, description
    if callable(func_or_tool):
        name = getattr(func_or_tool, "__name__", "callable_function")
        doc = inspect.getdoc(func_or_tool)
        return func_or_tool, name, doc.strip() if doc else f"Executes the '{name}' function."
    raise TypeError(
        "Input 'func_or_tool' must be a callable or an autogen.Tool instance with a callable 'func' attribute."
    )


class ReliableTool(Tool):
    """A tool that retries a function until a validator model accepts its result.

    Offered to an agent it takes a ``task`` (and, with ``enable_dynamic_validation``, a
    ``validation_prompt_addition``) and returns the validated result. In code, call `run` / `a_run`
    (the result, or `ReliableToolError`) or `run_and_get_details` / `a_run_and_get_details` (a
    `ToolExecutionDetails`, never raising).

    Args:
        name: the tool's name (also names its internal agents ``<name>_Runner`` / ``<name>_Validator``).
        func_or_tool: the function (or Tool) to call; it may return ``(data, text_to_validate)``.
        runner_llm_config: the model choosing the arguments (must support tool calls).
        validator_llm_config: the model judging the results (asked for structured output).
        description: the tool's description; defaults to the function's.
        system_message_addition_for_tool_calling: extra instructions for the runner.
        system_message_addition_for_result_validation: the validation rules.
        max_tool_invocations: most calls of the function per run.
        enable_dynamic_validation: let each call add validation rules (``validation_prompt_addition``).
        messages: prior conversation shown to both agents in every run.
        ground_truth: facts shown to both agents as ``[[Provided Ground Truth i]]`` messages.
    """

    INTERNAL_TOOL_NAME_PREFIX = "execute_"

    def __init__(
        self,
        name: str,
        func_or_tool: Callable[..., Any] | Tool,
        runner_llm_config: Any,
        validator_llm_config: Any,
        description: str | None = None,
        system_message_addition_for_tool_calling: str = "",
        system_message_addition_for_result_validation: str = "",
        max_tool_invocations: int = 3,
        enable_dynamic_validation: bool = False,
        messages: list[dict[str, Any]] | None = None,
        ground_truth: list[str] | None = None,
    ) -> None:
        self._original_func, self._original_func_name, original_description = _func_details(func_or_tool)
        self._is_original_func_async = inspect.iscoroutinefunction(self._original_func)
        self._runner_llm_config = ConversableAgent._validate_llm_config(runner_llm_config)
        if self._runner_llm_config is False:
            raise ValueError("Runner LLM config failed validation.")
        self._validator_llm_config = ConversableAgent._validate_llm_config(validator_llm_config)
        if self._validator_llm_config is False:
            raise ValueError("Validator LLM config failed validation.")
        self._runner_system_message_addition = system_message_addition_for_tool_calling
        self._validator_system_message_addition = system_message_addition_for_result_validation
        self.max_tool_invocations = max_tool_invocations
        self.enable_dynamic_validation = enable_dynamic_validation
        self._context_variables_key = f"{name}_ReliableToolContext_{id(self)}"
        self._init_messages = copy.deepcopy(messages) if messages is not None else None
        self._init_ground_truth = copy.deepcopy(ground_truth) if ground_truth else None
        self._tool_description = description if description is not None else original_description

        super().__init__(name=name, description=self._tool_description, func_or_tool=self._entry_point())

        self._validator_name = f"{self.name}_Validator"
        self._runner_name = f"{self.name}_Runner"
        self._validator = ConversableAgent(
            name=self._validator_name,
            system_message="[Validator Prompt Updated Per Run]",
            llm_config=_structured_config(self._validator_llm_config),
            human_input_mode="NEVER",
        )
        self._runner = ConversableAgent(
            name=self._runner_name,
            system_message="[Runner Prompt Updated Per Run]",
            llm_config=self._runner_llm_config.deepcopy(),
            human_input_mode="NEVER",
        )
        self._reliable_func_wrapper = reliable_function_wrapper(
            self._original_func, self._validator, self._runner, self._context_variables_key
        )
        Tool(
            name=self._internal_tool_name,
            description=self._tool_description,
            func_or_tool=self._reliable_func_wrapper,
        ).register_tool(self._runner)
        self._validator.register_hook("process_message_before_send", self._validator_structured_output_hook)
        self._validator.register_hook("process_all_messages_before_reply", self._validator_construct_context_hook)
        self._runner.register_hook("process_message_before_send", self._ensure_function_call_hook)

    @property
    def _internal_tool_name(self) -> str:
        return f"{self.INTERNAL_TOOL_NAME_PREFIX}{self._original_func_name}"

    def _entry_point(self) -> Callable[..., Any]:
        """The function an outer agent's model calls: sync or async like the wrapped function."""
        if self._is_original_func_async:
            if self.enable_dynamic_validation:

                async def async_entry_point_with_validation(
                    task: str, validation_prompt_addition: str | None = None
                ) -> Any:
                    return await self.a_run(task=task, validation_prompt_addition=validation_prompt_addition)

                return async_entry_point_with_validation

            async def async_entry_point_without_validation(task: str) -> Any:
                return await self.a_run(task=task, validation_prompt_addition=None)

            return async_entry_point_without_validation
        if self.enable_dynamic_validation:

            def sync_entry_point_with_validation(task: str, validation_prompt_addition: str | None = None) -> Any:
                return self.run(task=task, validation_prompt_addition=validation_prompt_addition)

            return sync_entry_point_with_validation

        def sync_entry_point_without_validation(task: str) -> Any:
            return self.run(task=task, validation_prompt_addition=None)

        return sync_entry_point_without_validation

    # ---- hooks on the internal agents ----

    def _validator_structured_output_hook(
        self, sender: Agent, message: dict[str, Any] | str, recipient: Agent, silent: bool
    ) -> dict[str, Any] | str:
        """Read the validator's verdict, record it, and choose who speaks next (runner or nobody)."""
        text = message.get("content") if isinstance(message, dict) else message
        if not isinstance(text, str):
            raise TypeError(f"Validator hook expected str from LLM, got {type(message)}")
        try:
            verdict = ValidationResult.model_validate_json(text)
        except ValidationError as e:
            # A malformed verdict counts as a rejection; the runner gets another attempt.
            verdict = ValidationResult(
                validation_result=False, justification=f"The validator's answer was not a valid ValidationResult: {e}"
            )
        logger.info(
            "%s: validation %s (%s)",
            self.name,
            "passed" if verdict.validation_result else "failed",
            verdict.justification,
        )
        context_variables = self._validator.context_variables
        context = load_context(context_variables, self._context_variables_key)
        if context.latest_attempt is None:
            raise RuntimeError(
                f"Validator hook: No execution attempt found in context '{self._context_variables_key}' to update validation for."
            )
        context.latest_attempt.validation = verdict
        store_context(context_variables, self._context_variables_key, context)
        self._validator.handoffs.set_after_work(
            target=TerminateTarget() if verdict.validation_result else AgentTarget(self._runner)
        )
        return verdict.format()

    def _validator_construct_context_hook(self, messages: list[dict[str, Any]], **kwargs: Any) -> list[dict[str, Any]]:
        """What the validator's model sees: the run's context, its ground truth, then the result to judge."""
        context = load_context(self._validator.context_variables, self._context_variables_key)
        result = {
            "role": "user",
            "content": f"--- Function Result to Validate ---\n```\n{_last_text(messages)}\n```\n--- End of Result ---",
        }
        return [
            *copy.deepcopy(context.initial_messages or []),
            *_ground_truth_messages(context.initial_ground_truth),
            result,
        ]

    def _ensure_function_call_hook(
        self, sender: Agent, message: dict[str, Any] | str, recipient: Agent, silent: bool
    ) -> dict[str, Any] | str:
        """A runner reply without the expected tool call gets a reminder and the turn back."""
        if sender.name != self._runner_name:
            return message
        calls = message.get("tool_calls") if isinstance(message, dict) else None
        expected = self._internal_tool_name
        if isinstance(calls, list) and any(
            isinstance(call, dict)
            and call.get("type") == "function"
            and isinstance(call.get("function"), dict)
            and call["function"].get("name") == expected
            for call in calls
        ):
            return message
        self._runner.handoffs.set_after_work(target=AgentTarget(self._runner))
        logger.warning("%s did not call '%s'; reminding it.", self._runner_name, expected)
        reminder = (
            f"\n\n[[System Reminder: You MUST invoke the function '{expected}' using a tool call. "
            "Provide all required arguments including 'hypothesis'.]]\n"
            "Correct your mistake and make a new attempt at invoking the tool."
        )
        content = message if isinstance(message, str) else (message.get("content") or "")
        return {
            "role": "assistant",
            "content": (content or "") + reminder,
            "tool_calls": [] if isinstance(message, dict) else None,
        }

    # ---- one run ----

    def _prepare_tool_context(
        self,
        task: str,
        context_variables: ContextVariables,
        validation_prompt_addition: str | None = None,
        messages: list[dict[str, Any]] | None = None,
        ground_truth: list[str] | None = None,
    ) -> ReliableToolContext:
        """Store a fresh run record (this call's messages / ground truth, else the tool's)."""
        context = ReliableToolContext(
            task=task,
            reliable_tool_name=self.name,
            dynamic_validation_input=validation_prompt_addition,
            initial_messages=copy.deepcopy(messages) if messages is not None else self._init_messages,
            initial_ground_truth=copy.deepcopy(ground_truth) if ground_truth is not None else self._init_ground_truth,
        )
        store_context(context_variables, self._context_variables_key, context)
        return context

    def _chat_setup(
        self, task: str, context_variables: ContextVariables, dynamic_validation_str: str | None
    ) -> dict[str, Any]:
        """The arguments of the internal group chat for this run (the agents' prompts are set here)."""
        self._runner.update_system_message(
            get_runner_prompt(task, self._runner_system_message_addition, self._internal_tool_name)
        )
        self._validator.update_system_message(
            get_validator_prompt(task, self._validator_system_message_addition, dynamic_validation_str)
        )
        self._validator.context_variables = context_variables
        self._runner.context_variables = context_variables
        context = load_context(context_variables, self._context_variables_key)
        kickoff = {
            "role": "user",
            "content": f"[[Task Kickoff]]: Please execute the required function call for the task: {task}",
        }
        pattern = DefaultPattern(
            agents=[self._runner, self._validator], initial_agent=self._runner, context_variables=context_variables
        )
        messages = [
            *copy.deepcopy(context.initial_messages or []),
            *_ground_truth_messages(context.initial_ground_truth),
            kickoff,
        ]
        # Unnamed opening messages come from the chat's temporary user, as a single kickoff message does.
        messages = [m if "name" in m else {**m, "name": TEMP_USER_NAME} for m in messages]
        logger.info("%s: internal chat starts (at most %d calls)", self.name, self.max_tool_invocations)
        return {"pattern": pattern, "messages": messages, "max_rounds": 1 + self.max_tool_invocations * 3}

    def _final_context(
        self, context_variables: ContextVariables, *, after_max_rounds_note: bool
    ) -> ReliableToolContext:
        """The run record after the chat; a result never judged (the chat ran out of rounds) counts as rejected."""
        context = load_context(context_variables, self._context_variables_key)
        latest = context.latest_attempt
        if latest is not None and latest.did_execute_successfully and latest.validation is None:
            logger.warning("%s: validation result missing after successful execution; assuming it failed.", self.name)
            justification = "Validation result was not recorded after successful execution."
            if after_max_rounds_note:
                justification = justification[:-1] + ". Usually due to group chat reaching maximum runs"
            latest.validation = ValidationResult(validation_result=False, justification=justification)
            store_context(context_variables, self._context_variables_key, context)
        return context

    def _outcome(self, context: ReliableToolContext) -> Any:
        """The validated result, or ReliableToolError."""
        if context.latest_attempt is None:
            raise ReliableToolError(
                "Critical internal error: No execution attempt recorded after chat cycle.", final_context=context
            )
        if context.is_complete_and_successful:
            logger.info("ReliableTool '%s' succeeded.", self.name)
            return context.get_final_result_data()
        reason = context.get_failure_summary()
        logger.warning("ReliableTool '%s' failed. Reason: %s", self.name, reason)
        raise ReliableToolError(f"ReliableTool '{self.name}' failed. Last failure: {reason}", final_context=context)

    def _start(
        self,
        task: str,
        context_variables: ContextVariables | None,
        validation_prompt_addition: str | None,
        messages: list[dict[str, Any]] | None,
        ground_truth: list[str] | None,
    ) -> tuple[ContextVariables, dict[str, Any]]:
        current = context_variables if context_variables is not None else ContextVariables()
        if not isinstance(current, ContextVariables):
            raise TypeError(f"Expected context_variables as ContextVariables or None, got {type(context_variables)}")
        self._prepare_tool_context(task, current, validation_prompt_addition, messages, ground_truth)
        return current, self._chat_setup(task, current, validation_prompt_addition)

    def _process_run(
        self,
        task: str,
        context_variables: ContextVariables | None = None,
        validation_prompt_addition: str | None = None,
        messages: list[dict[str, Any]] | None = None,
        ground_truth: list[str] | None = None,
    ) -> Any:
        _, chat = self._start(task, context_variables, validation_prompt_addition, messages, ground_truth)
        _, final_context_variables, _ = initiate_group_chat(**chat)
        return self._outcome(self._final_context(final_context_variables, after_max_rounds_note=True))

    async def _a_process_run(
        self,
        task: str,
        context_variables: ContextVariables | None = None,
        validation_prompt_addition: str | None = None,
        messages: list[dict[str, Any]] | None = None,
        ground_truth: list[str] | None = None,
    ) -> Any:
        _, chat = self._start(task, context_variables, validation_prompt_addition, messages, ground_truth)
        _, final_context_variables, _ = await a_initiate_group_chat(**chat)
        return self._outcome(self._final_context(final_context_variables, after_max_rounds_note=True))

    def run(
        self,
        task: str,
        context_variables: ContextVariables | None = None,
        validation_prompt_addition: str | None = None,
        messages: list[dict[str, Any]] | None = None,
        ground_truth: list[str] | None = None,
    ) -> Any:
        """Run the task; returns the validated result or raises `ReliableToolError` (sync functions only)."""
        if self._is_original_func_async:
            raise TypeError(f"Sync 'run()' called for async tool '{self.name}'. Use 'a_run()'.")
        return self._process_run(task, context_variables, validation_prompt_addition, messages, ground_truth)

    async def a_run(
        self,
        task: str,
        context_variables: ContextVariables | None = None,
        validation_prompt_addition: str | None = None,
        messages: list[dict[str, Any]] | None = None,
        ground_truth: list[str] | None = None,
    ) -> Any:
        """Async `run`. An async function runs in an async chat; a sync one in a worker thread (with a warning)."""
        args = (task, context_variables, validation_prompt_addition, messages, ground_truth)
        if self._is_original_func_async:
            return await self._a_process_run(*args)
        warnings.warn(
            f"Running sync function '{self._original_func_name}' wrapped by ReliableTool '{self.name}' "
            "asynchronously using 'a_run()'. The underlying execution of _process_run will be synchronous "
            "within an executor.",
            UserWarning,
            stacklevel=2,
        )
        return await asyncio.get_running_loop().run_in_executor(None, functools.partial(self._process_run, *args))

    # ---- runs reported in full ----

    def _details(self, task: str, context: ReliableToolContext, failure: str | None = None) -> ToolExecutionDetails:
        if failure is None and context.is_complete_and_successful:
            latest = context.latest_attempt
            assert latest is not None
            return ToolExecutionDetails(
                task=task,
                is_overall_successful=True,
                successful_parameters=SuccessfulExecutionParameters(
                    attempt_args=latest.attempt_args, attempt_kwargs=latest.attempt_kwargs
                ),
                final_tool_context=context,
            )
        if failure is None:
            failure = (
                "Critical internal error: No execution attempt recorded after chat cycle."
                if context.latest_attempt is None
                else context.get_failure_summary()
            )
        return ToolExecutionDetails(
            task=task, is_overall_successful=False, failure_reason=failure, final_tool_context=context
        )

    def _failed_details(self, task: str, reason: str, attempt_error: str) -> ToolExecutionDetails:
        context = ReliableToolContext(task=task, reliable_tool_name=self.name)
        context.attempts.append(ExecutionAttempt(error=attempt_error))
        return ToolExecutionDetails(
            task=task, is_overall_successful=False, failure_reason=reason, final_tool_context=context
        )

    def _after_error(
        self, task: str, context_variables: ContextVariables, prepared: ReliableToolContext, error: Exception
    ) -> ToolExecutionDetails:
        """Details of a run the chat did not finish: the latest stored record, with the error."""
        if isinstance(error, ReliableToolError):
            reason = f"ReliableTool execution failed: {error}"
        elif isinstance(error, (KeyError, ValueError, TypeError)):
            reason = f"Critical error involving context after chat: {error}"
        else:
            reason = f"Unexpected error during reliable execution: {error}"
        logger.error("[%s] %s", self.name, reason, exc_info=not isinstance(error, ReliableToolError))
        try:
            context = load_context(context_variables, self._context_variables_key)
        except (KeyError, ValueError):
            context = prepared
        if not context.attempts or context.attempts[-1].error is None:
            context.attempts.append(ExecutionAttempt(error=reason))
        return self._details(task, context, reason)

    def _details_start(
        self,
        task: str,
        context_variables: ContextVariables | None,
        validation_prompt_addition: str | None,
        messages: list[dict[str, Any]] | None,
        ground_truth: list[str] | None,
    ) -> tuple[ContextVariables, ReliableToolContext] | ToolExecutionDetails:
        current = context_variables if context_variables is not None else ContextVariables()
        if not isinstance(current, ContextVariables):
            reason = f"Invalid ContextVariables type: {type(context_variables)}"
            return self._failed_details(task, reason, f"Initialization error: {reason}")
        try:
            prepared = self._prepare_tool_context(task, current, validation_prompt_addition, messages, ground_truth)
        except (ValueError, TypeError) as e:
            return self._failed_details(
                task, f"Error during ReliableToolContext setup: {e}", f"Context setup error: {e}"
            )
        return current, prepared

    def _process_run_with_details(
        self,
        task: str,
        context_variables: ContextVariables | None = None,
        validation_prompt_addition: str | None = None,
        messages: list[dict[str, Any]] | None = None,
        ground_truth: list[str] | None = None,
    ) -> ToolExecutionDetails:
        started = self._details_start(task, context_variables, validation_prompt_addition, messages, ground_truth)
        if isinstance(started, ToolExecutionDetails):
            return started
        current, prepared = started
        try:
            _, final_context_variables, _ = initiate_group_chat(
                **self._chat_setup(task, current, validation_prompt_addition)
            )
            return self._details(task, self._final_context(final_context_variables, after_max_rounds_note=False))
        except Exception as e:  # noqa: BLE001 - reported in the details, never raised
            return self._after_error(task, current, prepared, e)

    async def _a_process_run_with_details(
        self,
        task: str,
        context_variables: ContextVariables | None = None,
        validation_prompt_addition: str | None = None,
        messages: list[dict[str, Any]] | None = None,
        ground_truth: list[str] | None = None,
    ) -> ToolExecutionDetails:
        started = self._details_start(task, context_variables, validation_prompt_addition, messages, ground_truth)
        if isinstance(started, ToolExecutionDetails):
            return started
        current, prepared = started
        try:
            _, final_context_variables, _ = await a_initiate_group_chat(
                **self._chat_setup(task, current, validation_prompt_addition)
            )
            return self._details(task, self._final_context(final_context_variables, after_max_rounds_note=False))
        except Exception as e:  # noqa: BLE001 - reported in the details, never raised
            return self._after_error(task, current, prepared, e)

    def run_and_get_details(
        self,
        task: str,
        context_variables: ContextVariables | None = None,
        validation_prompt_addition: str | None = None,
        messages: list[dict[str, Any]] | None = None,
        ground_truth: list[str] | None = None,
    ) -> ToolExecutionDetails:
        """Run the task and report the outcome and every attempt (never raises for a failed run)."""
        if self._is_original_func_async:
            raise TypeError(
                f"Synchronous 'run_and_get_details()' called for an async tool '{self.name}'. "
                "Use 'a_run_and_get_details()' instead."
            )
        return self._process_run_with_details(
            task, context_variables, validation_prompt_addition, messages, ground_truth
        )

    async def a_run_and_get_details(
        self,
        task: str,
        context_variables: ContextVariables | None = None,
        validation_prompt_addition: str | None = None,
        messages: list[dict[str, Any]] | None = None,
        ground_truth: list[str] | None = None,
    ) -> ToolExecutionDetails:
        """Async `run_and_get_details` (a sync function runs in a worker thread, with a warning)."""
        args = (task, context_variables, validation_prompt_addition, messages, ground_truth)
        if self._is_original_func_async:
            return await self._a_process_run_with_details(*args)
        warnings.warn(
            f"Running sync function '{self._original_func_name}' (wrapped by ReliableTool '{self.name}') "
            "asynchronously using 'a_run_and_get_details()'. The underlying execution will be synchronous "
            "within an executor.",
            UserWarning,
            stacklevel=2,
        )
        try:
            return await asyncio.get_running_loop().run_in_executor(
                None, functools.partial(self._process_run_with_details, *args)
            )
        except Exception as e:
            logger.critical("[%s] a_run_and_get_details failed in its executor: %s", self.name, e, exc_info=True)
            error = f"{type(e).__name__}: {e}"
            return self._failed_details(
                task,
                f"Critical unhandled exception during async execution: {error}",
                f"Unhandled executor/process error: {error}",
            )
