"""JSON schemas for tool functions (OpenAI tools format), argument loading and result serialization."""

from __future__ import annotations

import copy
import functools
import inspect
import json
import logging
from collections.abc import Callable
from typing import Annotated, Any, ForwardRef, Literal, get_args, get_origin

from pydantic import BaseModel, TypeAdapter
from pydantic_core import to_jsonable_python

from ._function_spec import (
    EMPTY,
    FunctionSpec,
    Unresolved,
    _description_in,
    _signature,
    _strip_optional,
    is_plain_class,
    type_repr,
)

__all__ = [
    "Parameters",
    "get_default_values",
    "get_function_schema",
    "get_load_param_if_needed_function",
    "get_missing_annotations",
    "get_param_annotations",
    "get_parameter_json_schema",
    "get_parameters",
    "get_required_params",
    "get_typed_annotation",
    "get_typed_return_annotation",
    "get_typed_signature",
    "load_basemodels_if_needed",
    "rebase_property_refs",
    "serialize_to_str",
]

logger = logging.getLogger(__name__)


def get_function_schema(f: Callable[..., Any], *, name: str | None = None, description: str) -> dict[str, Any]:
    """Build the OpenAI tool schema ``{"type": "function", "function": {...}}`` of ``f``.

    Parameter types come from the type hints (through pydantic); ``Annotated[T, "text"]`` or
    ``Annotated[T, Field(description="text")]`` give a parameter's description (else its name).
    Injected parameters (contexts, ``Depends``, ``context_variables``) are left out.

    Raises:
        TypeError: a parameter without a default has no type hint, or a type has no JSON schema.
    """
    spec = FunctionSpec.of(f)
    return {
        "type": "function",
        "function": {"description": description, "name": name or spec.name, "parameters": parameters_schema(spec)},
    }


def parameters_schema(spec: FunctionSpec) -> dict[str, Any]:
    """The ``parameters`` object of the schema: ``{"type": "object", "properties", "required"}``."""
    fname = spec.name
    # (messages formatted here: callers and tests match the logged text as a whole)
    if not spec.return_annotated:
        logger.warning(
            f"The return type of the function '{fname}' is not annotated. Although annotating it is optional, "
            "the function should return either a string, a subclass of 'pydantic.BaseModel'."
        )
    unannotated = [p for p in spec.visible if not p.annotated]
    with_default = sorted(f"'{p.name}'" for p in unannotated if not p.required)
    if with_default:
        logger.warning(
            f"The following parameters of the function '{fname}' with default values are not annotated: "
            f"{', '.join(with_default)}."
        )
    missing = sorted(f"'{p.name}'" for p in unannotated if p.required)
    if missing:
        raise TypeError(
            f"All parameters of the function '{fname}' without default values must be annotated. "
            f"The annotations are missing for the following parameters: {', '.join(missing)}"
        )

    params = [p for p in spec.visible if p.annotated]
    properties: dict[str, Any] = {}
    for p in params:
        # as in ag2, each property is pydantic's schema of its type, nested models in its own "$defs"
        schema = _param_schema(fname, p.name, p.type_)
        if not p.required:
            try:
                schema["default"] = to_jsonable_python(p.default)
            except Exception:  # noqa: BLE001 - a default the model cannot see is left out of the schema
                logger.warning(
                    "The default of parameter '%s' of '%s' is not JSON-serializable; omitted.", p.name, fname
                )
        schema["description"] = p.description if p.description is not None else p.name
        properties[p.name] = schema

    return {"type": "object", "properties": properties, "required": [p.name for p in params if p.required]}


def rebase_property_refs(parameters: dict[str, Any]) -> dict[str, Any]:
    """A copy of a ``parameters`` schema whose properties' own ``$defs`` are reachable from its root.

    A pydantic-model parameter carries its nested models in its own ``$defs`` and refers to them as
    ``#/$defs/X``, which a JSON-schema validator resolves against the root; each such ref becomes
    ``#/properties/<name>/$defs/X``. For consumers that resolve references (Anthropic, MCP clients).
    """
    schema = copy.deepcopy(parameters)
    for name, prop in (schema.get("properties") or {}).items():
        if isinstance(prop, dict) and isinstance(prop.get("$defs"), dict):
            _rebase_refs(prop, set(prop["$defs"]), f"#/properties/{name}/$defs/")
    return schema


def _rebase_refs(node: Any, names: set[str], prefix: str) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str) and value.startswith("#/$defs/") and value[8:] in names:
                node[key] = prefix + value[8:]
            else:
                _rebase_refs(value, names, prefix)
    elif isinstance(node, list):
        for item in node:
            _rebase_refs(item, names, prefix)


def _param_schema(fname: str, pname: str, t: Any) -> dict[str, Any]:
    if isinstance(t, Unresolved):
        raise TypeError(
            f"The type hint {t.text!r} of parameter '{pname}' of '{fname}' cannot be resolved "
            f"({t.error}); import the type where the function is defined."
        )
    try:
        return TypeAdapter(t).json_schema()
    except Exception as e:
        raise TypeError(
            f"Parameter '{pname}' of '{fname}' has the type {type_repr(t)}, which has no JSON schema for the "
            f"model ({str(e).splitlines()[0]}). Use a JSON-compatible type or a pydantic model, or hide the parameter from the "
            "model with Depends(...)."
        ) from e


def _model_class(annotation: Any) -> type[BaseModel] | None:
    t = annotation
    if get_origin(t) is Annotated:
        t = get_args(t)[0]
    t = _strip_optional(t)
    if get_origin(t) is Annotated:
        t = get_args(t)[0]
    return t if is_plain_class(t) and issubclass(t, BaseModel) else None


def load_basemodels_if_needed(func: Callable[..., Any]) -> Callable[..., Any]:
    """Decorate ``func`` so that dict arguments of pydantic-model-typed parameters become model instances."""
    sig = _signature(func)
    names = [p.name for p in sig.parameters.values() if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    models = {
        p.name: m
        for p in sig.parameters.values()
        if p.annotation is not EMPTY and (m := _model_class(p.annotation)) is not None
    }
    positions = [(i, models[n]) for i, n in enumerate(names) if n in models]

    def convert(args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[tuple[Any, ...], dict[str, Any]]:
        if positions and args:
            args_list = list(args)
            for i, model in positions:
                if i < len(args_list) and isinstance(args_list[i], dict):
                    args_list[i] = model.model_validate(args_list[i])
            args = tuple(args_list)
        for k, model in models.items():
            v = kwargs.get(k)
            if isinstance(v, dict):
                kwargs[k] = model.model_validate(v)
        return args, kwargs

    if inspect.iscoroutinefunction(func):

        @functools.wraps(func)
        async def _a_load(*args: Any, **kwargs: Any) -> Any:
            args, kwargs = convert(args, kwargs)
            return await func(*args, **kwargs)

        return _a_load

    @functools.wraps(func)
    def _load(*args: Any, **kwargs: Any) -> Any:
        args, kwargs = convert(args, kwargs)
        return func(*args, **kwargs)

    return _load


def serialize_to_str(x: Any) -> str:
    """Turn a tool's return value into the text sent back to the model.

    str: unchanged; pydantic model: its JSON; anything else: pydantic's JSON-compatible form passed
    through ``str()`` (so a dict reads like a Python dict, as in ag2 0.13), falling back to
    ``json.dumps`` and finally ``str()``.
    """
    if isinstance(x, str):
        return x
    if isinstance(x, BaseModel):
        return x.model_dump_json()
    try:
        return str(to_jsonable_python(x))
    except Exception:  # noqa: BLE001 - a value pydantic cannot serialize
        try:
            return json.dumps(x, ensure_ascii=False)
        except Exception:  # noqa: BLE001
            return str(x)


# ----------------------------------------------------------------------------------------------
# ag2's step-by-step schema helpers (public in ag2; get_function_schema above is built on
# FunctionSpec instead, these give the same pieces to code that assembles schemas itself)
# ----------------------------------------------------------------------------------------------
class Parameters(BaseModel):
    """The ``parameters`` object of an OpenAI function schema."""

    type: Literal["object"] = "object"
    properties: dict[str, Any]
    required: list[str]


def get_typed_annotation(annotation: Any, globalns: dict[str, Any]) -> Any:
    """``annotation`` with a string (forward reference) evaluated in ``globalns``."""
    if isinstance(annotation, str):
        annotation = ForwardRef(annotation)
    if isinstance(annotation, ForwardRef):
        return eval(annotation.__forward_arg__, globalns, globalns)  # a type hint the user wrote
    return annotation


def get_typed_signature(call: Callable[..., Any]) -> inspect.Signature:
    """The signature of ``call`` with string annotations evaluated (unresolvable ones stay strings)."""
    sig = _signature(call)
    if not any(isinstance(p.annotation, Unresolved) for p in sig.parameters.values()):
        return sig
    params = [
        p.replace(annotation=p.annotation.text) if isinstance(p.annotation, Unresolved) else p
        for p in sig.parameters.values()
    ]
    return sig.replace(parameters=params)


def get_typed_return_annotation(call: Callable[..., Any]) -> Any:
    """The return annotation of ``call`` (evaluated), or None when there is none."""
    annotation = _signature(call).return_annotation
    if annotation is EMPTY:
        return None
    return annotation.text if isinstance(annotation, Unresolved) else annotation


def get_param_annotations(typed_signature: inspect.Signature) -> dict[str, Any]:
    """``{name: annotation}`` of the annotated parameters."""
    return {k: p.annotation for k, p in typed_signature.parameters.items() if p.annotation is not EMPTY}


def get_required_params(typed_signature: inspect.Signature) -> list[str]:
    """Names of the parameters without a default, in signature order."""
    return [k for k, p in typed_signature.parameters.items() if p.default is EMPTY]


def get_default_values(typed_signature: inspect.Signature) -> dict[str, Any]:
    """``{name: default}`` of the parameters that have one."""
    return {k: p.default for k, p in typed_signature.parameters.items() if p.default is not EMPTY}


def get_missing_annotations(typed_signature: inspect.Signature, required: list[str]) -> tuple[set[str], set[str]]:
    """(required parameters without annotation, parameters with a default but without annotation)."""
    unannotated = {k for k, p in typed_signature.parameters.items() if p.annotation is EMPTY}
    required_set = set(required)
    return unannotated & required_set, unannotated - required_set


def get_parameter_json_schema(k: str, v: Any, default_values: dict[str, Any]) -> dict[str, Any]:
    """The JSON schema of parameter ``k`` of type ``v``: its description (the ``Annotated``
    text / ``Field(description=...)``, else the name) and its default when ``default_values`` has one."""
    description = None
    base = v
    if get_origin(v) is Annotated:
        base, *metadata = get_args(v)
        description = _description_in(tuple(metadata))
    schema: dict[str, Any] = TypeAdapter(base).json_schema()
    if k in default_values:
        schema["default"] = default_values[k]
    schema["description"] = description if description is not None else k
    return schema


def get_parameters(
    required: list[str], param_annotations: dict[str, Any], default_values: dict[str, Any]
) -> Parameters:
    """The ``Parameters`` of a function from its pieces (the return annotation is skipped)."""
    return Parameters(
        properties={
            k: get_parameter_json_schema(k, v, default_values)
            for k, v in param_annotations.items()
            if v is not EMPTY and k != "return"
        },
        required=required,
    )


def get_load_param_if_needed_function(t: Any) -> Callable[[Any, type[BaseModel]], BaseModel] | None:
    """A loader ``(value, model_class) -> model`` when ``t`` is a pydantic model class (also inside
    ``Annotated``), else None (containers and unions of models are not loaded)."""
    while get_origin(t) is Annotated:
        t = get_args(t)[0]
    if is_plain_class(t) and issubclass(t, BaseModel):

        def load(value: Any, model: type[BaseModel]) -> BaseModel:
            return value if isinstance(value, model) else model.model_validate(value)

        return load
    return None
