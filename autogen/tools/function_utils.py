"""JSON schemas for tool functions (OpenAI tools format), argument loading and result serialization."""

from __future__ import annotations

import functools
import inspect
import json
import logging
from collections.abc import Callable
from typing import Annotated, Any, get_args, get_origin

from pydantic import BaseModel, TypeAdapter
from pydantic_core import to_jsonable_python

from ._function_spec import EMPTY, FunctionSpec, Unresolved, _signature, _strip_optional, is_plain_class, type_repr

__all__ = ["get_function_schema", "load_basemodels_if_needed", "serialize_to_str"]

logger = logging.getLogger(__name__)

_DEFS_PREFIX = "#/$defs/"


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
    if not spec.return_annotated:
        logger.warning(
            "The return type of the function '%s' is not annotated. Although annotating it is optional, "
            "the function should return either a string or a subclass of 'pydantic.BaseModel'.",
            fname,
        )
    unannotated = [p for p in spec.visible if not p.annotated]
    with_default = sorted(f"'{p.name}'" for p in unannotated if not p.required)
    if with_default:
        logger.warning(
            "The following parameters of the function '%s' with default values are not annotated: %s.",
            fname,
            ", ".join(with_default),
        )
    missing = sorted(f"'{p.name}'" for p in unannotated if p.required)
    if missing:
        raise TypeError(
            f"All parameters of the function '{fname}' without default values must be annotated. "
            f"The annotations are missing for the following parameters: {', '.join(missing)}"
        )

    params = [p for p in spec.visible if p.annotated]
    shared_defs: dict[str, Any] = {}  # only for recursive models, whose refs cannot be inlined
    properties: dict[str, Any] = {}
    for p in params:
        schema = _param_schema(fname, p.name, p.type_)
        defs = schema.pop("$defs", None)
        if defs:
            if _has_cycle(defs):
                schema = _hoist_defs(schema, defs, shared_defs)
            else:
                # inlined so that each property is self-contained
                schema = _inline_refs(schema, defs)
        if not p.required:
            try:
                schema["default"] = to_jsonable_python(p.default)
            except Exception:  # noqa: BLE001 - a default the model cannot see is left out of the schema
                logger.warning(
                    "The default of parameter '%s' of '%s' is not JSON-serializable; omitted.", p.name, fname
                )
        schema["description"] = p.description if p.description is not None else p.name
        properties[p.name] = schema

    parameters: dict[str, Any] = {
        "type": "object",
        "properties": properties,
        "required": [p.name for p in params if p.required],
    }
    if shared_defs:
        parameters["$defs"] = shared_defs
    return parameters


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


def _hoist_defs(schema: dict[str, Any], defs: dict[str, Any], shared: dict[str, Any]) -> dict[str, Any]:
    """Move ``defs`` into the parameters-level ``shared`` defs, renaming on a clash."""
    renames: dict[str, str] = {}
    for name, d in defs.items():
        new = name
        i = 2
        while new in shared and shared[new] != d:
            new = f"{name}_{i}"
            i += 1
        renames[name] = new
    if any(k != v for k, v in renames.items()):
        schema = _rename_refs(schema, renames)
        defs = {renames[k]: _rename_refs(v, renames) for k, v in defs.items()}
    shared.update(defs)
    return schema


def _rename_refs(node: Any, renames: dict[str, str]) -> Any:
    if isinstance(node, dict):
        out = {k: _rename_refs(v, renames) for k, v in node.items()}
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith(_DEFS_PREFIX):
            out["$ref"] = _DEFS_PREFIX + renames.get(ref[len(_DEFS_PREFIX) :], ref[len(_DEFS_PREFIX) :])
        return out
    if isinstance(node, list):
        return [_rename_refs(v, renames) for v in node]
    return node


def _refs_in(node: Any, found: set[str]) -> set[str]:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith(_DEFS_PREFIX):
            found.add(ref[len(_DEFS_PREFIX) :])
        for v in node.values():
            _refs_in(v, found)
    elif isinstance(node, list):
        for v in node:
            _refs_in(v, found)
    return found


def _has_cycle(defs: dict[str, Any]) -> bool:
    edges = {name: _refs_in(d, set()) for name, d in defs.items()}
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done

    def visit(name: str) -> bool:
        if state.get(name) == 1:
            return True
        if state.get(name) == 2:
            return False
        state[name] = 1
        if any(visit(n) for n in edges.get(name, ())):
            return True
        state[name] = 2
        return False

    return any(visit(n) for n in defs)


def _inline_refs(node: Any, defs: dict[str, Any]) -> Any:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith(_DEFS_PREFIX) and ref[len(_DEFS_PREFIX) :] in defs:
            target = _inline_refs(defs[ref[len(_DEFS_PREFIX) :]], defs)
            siblings = {k: _inline_refs(v, defs) for k, v in node.items() if k != "$ref"}
            return {**target, **siblings}
        return {k: _inline_refs(v, defs) for k, v in node.items()}
    if isinstance(node, list):
        return [_inline_refs(v, defs) for v in node]
    return node


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
