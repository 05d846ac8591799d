"""What a `ReliableTool` run records: its attempts, their validation, and the run's outcome.

The record travels through the internal chat as JSON in the shared context variables (one key per
tool instance), so every hook and the wrapped function see the same state.
"""

from __future__ import annotations

import json
import time
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

if TYPE_CHECKING:
    from ....agentchat.group.context_variables import ContextVariables

__all__ = [
    "ExecutionAttempt",
    "ReliableToolContext",
    "SuccessfulExecutionParameters",
    "ToolExecutionDetails",
    "ValidationResult",
    "load_context",
    "store_context",
]


class ValidationResult(BaseModel):
    """The validator's verdict on one result (also the validator model's structured output)."""

    model_config = ConfigDict(extra="forbid")
    validation_result: bool
    justification: str

    def __str__(self) -> str:
        return f"Validation Result: {'Passed' if self.validation_result else 'Failed'}\nJustification: {self.justification}"

    def format(self) -> str:
        """The JSON text the validator's message carries."""
        return self.model_dump_json()


class ExecutionAttempt(BaseModel):
    """One call of the wrapped function: its arguments, its result or error, and its validation."""

    model_config = ConfigDict(arbitrary_types_allowed=True)
    timestamp: float = Field(default_factory=time.time)
    attempt_args: list[Any] = Field(default_factory=list)
    attempt_kwargs: dict[str, Any] = Field(default_factory=dict)
    hypothesis: str | None = None
    error: str | None = None
    result_data: Any | None = None
    result_str: str | None = None
    validation: ValidationResult | None = None

    @property
    def did_execute_successfully(self) -> bool:
        """The function returned (did not raise)."""
        return self.error is None

    @property
    def did_validate_successfully(self) -> bool:
        """The validator accepted the result."""
        return self.validation is not None and self.validation.validation_result


class ReliableToolContext(BaseModel):
    """The state of one run: its task, its inputs, and every attempt so far."""

    model_config = ConfigDict(arbitrary_types_allowed=True)
    task: str
    reliable_tool_name: str
    start_time: float = Field(default_factory=time.time)
    dynamic_validation_input: str | None = None
    attempts: list[ExecutionAttempt] = Field(default_factory=list)
    initial_messages: list[dict[str, Any]] | None = Field(
        default=None, description="Messages given to the run as prior context."
    )
    initial_ground_truth: list[str] | None = Field(default=None, description="Ground-truth texts given to the run.")

    @property
    def attempt_count(self) -> int:
        """How many times the function was called."""
        return len(self.attempts)

    @property
    def latest_attempt(self) -> ExecutionAttempt | None:
        """The last attempt, if any."""
        return self.attempts[-1] if self.attempts else None

    @property
    def is_complete_and_successful(self) -> bool:
        """The last attempt ran and was validated."""
        latest = self.latest_attempt
        return latest is not None and latest.did_execute_successfully and latest.did_validate_successfully

    def get_final_result_data(self) -> Any:
        """The validated result (the first item when the function returned a tuple), else None."""
        latest = self.latest_attempt
        return latest.result_data if latest is not None and self.is_complete_and_successful else None

    def get_final_result_str(self) -> Any:
        """The validated result as the validator saw it, else None."""
        latest = self.latest_attempt
        return latest.result_str if latest is not None and self.is_complete_and_successful else None

    def get_failure_summary(self) -> str:
        """Why the run did not succeed, in one sentence."""
        latest = self.latest_attempt
        if latest is None:
            return "No execution attempts were made."
        if not latest.did_execute_successfully:
            return f"Execution failed: {latest.error}"
        if not latest.did_validate_successfully:
            why = latest.validation.justification if latest.validation else "Validation result missing or invalid"
            return f"Execution succeeded but failed validation (Justification: {why})"
        return "Execution completed but overall status indicates failure (Internal inconsistency)."


class SuccessfulExecutionParameters(BaseModel):
    """The arguments of the call whose result was accepted."""

    model_config = ConfigDict(arbitrary_types_allowed=True)
    attempt_args: list[Any]
    attempt_kwargs: dict[str, Any]


class ToolExecutionDetails(BaseModel):
    """What `ReliableTool.run_and_get_details` returns: the outcome and the whole record of the run."""

    model_config = ConfigDict(arbitrary_types_allowed=True)
    task: str
    is_overall_successful: bool
    failure_reason: str | None = None
    successful_parameters: SuccessfulExecutionParameters | None = None
    final_tool_context: ReliableToolContext


def load_context(context_variables: ContextVariables, key: str) -> ReliableToolContext:
    """The run record stored under ``key`` (KeyError when absent, ValueError when unreadable)."""
    data = context_variables.get(key)
    if data is None:
        raise KeyError(f"ReliableToolContext key '{key}' not found in ContextVariables.")
    if not isinstance(data, str):
        raise ValueError(  # noqa: TRY004 - callers treat every unreadable record alike
            f"Failed loading ReliableToolContext key '{key}': expected its JSON text, got {type(data).__name__}."
        )
    try:
        return ReliableToolContext.model_validate_json(data)
    except (ValidationError, json.JSONDecodeError) as e:
        raise ValueError(f"Failed loading ReliableToolContext key '{key}': {e}") from e


def store_context(context_variables: ContextVariables, key: str, context: ReliableToolContext) -> None:
    """Store ``context`` as JSON under ``key`` (ValueError when it cannot be serialised)."""
    if not isinstance(context, ReliableToolContext):
        raise TypeError(f"Object to set must be a ReliableToolContext, got {type(context)}.")
    try:
        context_variables[key] = context.model_dump_json(warnings="warn")
    except (ValidationError, TypeError, ValueError) as e:
        raise ValueError(f"Critical error serializing ReliableToolContext: {e}") from e
