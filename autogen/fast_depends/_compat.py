"""The pydantic pieces the engine uses, in one place (ag2 kept a pydantic v1 branch here; v2 is required)."""

from __future__ import annotations

import typing
from typing import Any, ForwardRef

from pydantic import BaseModel, ConfigDict, create_model
from pydantic.version import VERSION as PYDANTIC_VERSION

__all__ = (
    "PYDANTIC_V2",
    "BaseModel",
    "ConfigDict",
    "ExceptionGroup",
    "create_model",
    "evaluate_forwardref",
    "get_aliases",
    "get_config_base",
    "model_schema",
)

PYDANTIC_V2 = PYDANTIC_VERSION.startswith("2.")

import builtins

ExceptionGroup = builtins.ExceptionGroup  # ag2 exports the builtin under this name

default_pydantic_config: dict[str, Any] = {"arbitrary_types_allowed": True}


def get_config_base(config_data: ConfigDict | None = None) -> ConfigDict:
    """The pydantic config of argument models: ``config_data`` or one allowing arbitrary types."""
    return config_data or ConfigDict(**default_pydantic_config)  # type: ignore[typeddict-item]


def model_schema(model: type[BaseModel]) -> dict[str, Any]:
    """The JSON schema of ``model``."""
    return model.model_json_schema()


def get_aliases(model: type[BaseModel]) -> tuple[str, ...]:
    """The names ``model``'s fields are read under (their alias, else their name)."""
    return tuple(f.alias or name for name, f in model.model_fields.items())


def evaluate_forwardref(value: Any, globalns: dict[str, Any] | None, localns: dict[str, Any] | None) -> Any:
    """Evaluate a forward reference, leaving it as a ForwardRef when a name is not defined (yet)."""
    if isinstance(value, str):
        value = ForwardRef(value)
    try:
        return typing._eval_type(value, globalns, localns)  # type: ignore[attr-defined]
    except Exception:  # noqa: BLE001 - an unknown name or a non-type string stays a forward reference
        return value
