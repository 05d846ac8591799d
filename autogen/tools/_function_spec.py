"""One-time inspection of a tool function, and the fast call paths built from it.

Everything that needs `inspect` or pydantic schema building happens here, once per function:
which parameters the model sees, which are injected and how, and the pydantic validator for the
model's arguments. The callables built at the end only run a validator, a short loop over the
injected parameters and the function itself.
"""

from __future__ import annotations

import functools
import inspect
import logging
import types
import typing
from collections.abc import Callable
from contextlib import AsyncExitStack, ExitStack
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import ConfigDict, TypeAdapter
from pydantic.fields import FieldInfo
from pydantic_core import ValidationError
from typing_extensions import NotRequired, Required, TypedDict

from ..fast_depends.core import CallModel, build_call_model
from ..fast_depends.core.model import NOT_PLAIN
from ..fast_depends.dependencies import dependency_provider
from ..fast_depends.dependencies.model import Depends
from ..fast_depends.utils import outer_frames
from .dependency_injection import BaseContext, ChatContext, Field, constant_of
from .errors import ToolArgumentError

__all__ = ["FunctionSpec", "ParamSpec", "type_repr"]

logger = logging.getLogger(__name__)

EMPTY = inspect.Parameter.empty
_SKIP = object()  # "leave this parameter to the function's own default"

# how an injected parameter gets its value
INJECT_DEPENDS = "depends"
INJECT_CHAT_CONTEXT = "chat_context"
INJECT_CONTEXT_VARIABLES = "context_variables"
INJECT_CONTEXT = "context"  # a BaseContext annotation with nothing providing it

_UNION_TYPES: tuple[Any, ...] = (Union, types.UnionType)
_POSITIONAL = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)


class Unresolved:
    """A string annotation that could not be evaluated (kept to report it when a schema is needed)."""

    def __init__(self, text: str, error: Exception) -> None:
        self.text = text
        self.error = error

    def __repr__(self) -> str:
        return self.text


class ParamSpec:
    """What the framework knows about one parameter of a tool function."""

    __slots__ = ("annotated", "default", "depends", "description", "inject", "kind", "name", "type_")

    def __init__(
        self,
        name: str,
        kind: inspect._ParameterKind,
        annotated: bool,
        type_: Any,
        default: Any,
        description: str | None,
        inject: str | None,
        depends: Depends | None,
    ) -> None:
        self.name = name
        self.kind = kind
        self.annotated = annotated  # False: no type hint at all
        self.type_ = type_  # what pydantic validates / derives the JSON schema from
        self.default = default  # EMPTY when the parameter is required
        self.description = description  # from Annotated[T, "text"] or Field(description=...)
        self.inject = inject  # None for parameters the model fills in
        self.depends = depends

    @property
    def required(self) -> bool:
        """True when the parameter has no default."""
        return self.default is EMPTY


def _unwrap_callable(func: Any) -> Callable[..., Any]:
    if isinstance(func, staticmethod):
        return func.__func__
    return func


def _is_supported_callable(func: Any) -> bool:
    return inspect.isfunction(func) or inspect.ismethod(func) or isinstance(func, functools.partial)


def _globals_of(func: Any) -> dict[str, Any]:
    while isinstance(func, functools.partial):
        func = func.func
    func = getattr(func, "__func__", func)
    return getattr(inspect.unwrap(func), "__globals__", {})


def _caller_locals() -> dict[str, Any]:
    """Locals of the nearest frame outside autogen: where a tool defined in a function lives."""
    frame = next(outer_frames(("autogen",)), None)
    return dict(frame.f_locals) if frame is not None else {}


def _type_hints(func: Any, localns: dict[str, Any] | None) -> dict[str, Any]:
    target = func
    while isinstance(target, functools.partial):
        target = target.func
    return typing.get_type_hints(target, localns=localns, include_extras=True)


def _signature(func: Callable[..., Any]) -> inspect.Signature:
    """The signature with string annotations (``from __future__ import annotations``) evaluated.

    Annotations that cannot be evaluated become `Unresolved`; they only matter once a schema is needed.
    """
    sig = inspect.signature(func)
    annotations = [p.annotation for p in sig.parameters.values()] + [sig.return_annotation]
    if not any(isinstance(a, str) for a in annotations):
        return sig
    hints: dict[str, Any] | None = None
    localns: dict[str, Any] | None = None
    try:
        hints = _type_hints(func, None)
    except Exception:  # noqa: BLE001 - retry with the creating frame's locals, then one by one
        # types local to the function defining the tool are only reachable through the frame
        # that creates the tool (usually that same function)
        localns = _caller_locals()
        try:
            hints = _type_hints(func, localns)
        except Exception:  # noqa: BLE001
            hints = None
    globalns = _globals_of(func)

    def resolve(name: str, annotation: Any) -> Any:
        if not isinstance(annotation, str):
            return annotation  # already a type: kept as written (no implicit Optional from get_type_hints)
        if hints is not None and name in hints:
            return hints[name]
        value: Any = annotation
        for _ in range(3):  # a quoted hint under future annotations is a string inside a string
            if not isinstance(value, str):
                return value
            try:
                value = eval(value, globalns, localns)
            except Exception as e:  # noqa: BLE001
                return Unresolved(value, e)
        return Unresolved(str(value), TypeError("not a type"))

    params = [p.replace(annotation=resolve(p.name, p.annotation)) for p in sig.parameters.values()]
    return sig.replace(parameters=params, return_annotation=resolve("return", sig.return_annotation))


def is_plain_class(t: Any) -> bool:
    """True for classes, False for parametrized generics such as ``list[str]`` (a 'type' on 3.10)."""
    return isinstance(t, type) and get_origin(t) is None


def _strip_optional(t: Any) -> Any:
    """`Optional[X]` -> X (only for the single-type-plus-None case)."""
    if get_origin(t) in _UNION_TYPES:
        args = [a for a in get_args(t) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    return t


def _is_class_of(t: Any, cls: type) -> bool:
    t = _strip_optional(t)
    if get_origin(t) is Annotated:
        t = _strip_optional(get_args(t)[0])
    return is_plain_class(t) and issubclass(t, cls)


def _names_context_variables(t: Any) -> bool:
    """True for annotations naming a class called ContextVariables (group-chat shared state)."""
    t = _strip_optional(t)
    if isinstance(t, str):
        return t.split(".")[-1].strip("'\" ") == "ContextVariables"
    if isinstance(t, Unresolved):
        return t.text.split(".")[-1].strip("'\" ") == "ContextVariables"
    return is_plain_class(t) and t.__name__ == "ContextVariables"


def _description_in(metadata: tuple[Any, ...]) -> str | None:
    for m in metadata:
        if isinstance(m, str):
            return m
        if isinstance(m, Field):
            return m.description
        if isinstance(m, FieldInfo) and m.description is not None:
            return m.description
    return None


def _inspect_param(p: inspect.Parameter) -> ParamSpec:
    annotation = p.annotation
    default = p.default
    depends = default if isinstance(default, Depends) else None
    if depends is not None:
        default = EMPTY
    description: str | None = None
    base = annotation
    if get_origin(annotation) is Annotated:
        base, *metadata = get_args(annotation)
        description = _description_in(tuple(metadata))
        depends = depends or next((m for m in metadata if isinstance(m, Depends)), None)
        # pydantic understands the remaining metadata (constraints such as Field(ge=0))
        kept = tuple(m for m in metadata if not isinstance(m, (str, Field, Depends)))
        type_ = Annotated[(base, *kept)] if kept else base
    elif get_origin(annotation) in _UNION_TYPES:
        # Optional[Annotated[T, "text"]]: the description sits on a union member
        type_ = annotation
        for arg in get_args(annotation):
            if get_origin(arg) is Annotated:
                description = _description_in(get_args(arg)[1:])
                if description is not None:
                    break
    else:
        type_ = annotation

    annotated = annotation is not EMPTY
    if not annotated:
        type_ = Any

    inject: str | None = None
    if depends is not None:
        inject = INJECT_DEPENDS
    elif annotated and _is_class_of(base, ChatContext):
        inject = INJECT_CHAT_CONTEXT
    elif p.name == "context_variables" or (annotated and _names_context_variables(base)):
        inject = INJECT_CONTEXT_VARIABLES
    elif annotated and _is_class_of(base, BaseContext):
        inject = INJECT_CONTEXT
    return ParamSpec(p.name, p.kind, annotated, type_, default, description, inject, depends)


def _dependency_model(dep: Depends, tool_param_names: set[str], where: str) -> CallModel[..., Any]:
    """The fast_depends model resolving ``dep`` for a tool, checked now: every input it needs must be
    a tool argument of the same name, a ``Depends(...)`` or have a default."""
    model = build_call_model(dep.dependency, cast=dep.cast, use_cache=dep.use_cache, is_sync=False)

    def check(m: CallModel[..., Any]) -> None:
        for name, (_, default) in m.params.items():
            if default is Ellipsis and name not in tool_param_names:
                raise TypeError(
                    f"The dependency {m.call_name!r} of {where} needs the parameter '{name}', which nothing "
                    "provides: give it a default, a Depends(...), or name it like one of the tool's parameters."
                )
        for sub in (*m.dependencies.values(), *m.extra_dependencies):
            check(sub)

    check(model)
    return model


def _any_model(model: CallModel[..., Any], test: Callable[[CallModel[..., Any]], bool]) -> bool:
    """True when ``test`` holds for ``model`` or one of its dependencies at any depth."""
    return test(model) or any(_any_model(d, test) for d in (*model.dependencies.values(), *model.extra_dependencies))


def type_repr(t: Any) -> str:
    """A short, readable name for a type hint, used in error messages."""
    if t is Any or t is EMPTY:
        return "any value"
    if isinstance(t, Unresolved):
        return t.text
    if t is type(None) or t is None:
        return "null"
    origin = get_origin(t)
    if origin is Annotated:
        return type_repr(get_args(t)[0])
    if origin is Literal:
        return " or ".join(repr(a) for a in get_args(t))
    if origin in _UNION_TYPES:
        return " | ".join(type_repr(a) for a in get_args(t))
    if origin is not None:
        name = getattr(origin, "__name__", repr(origin).replace("typing.", ""))
        args = get_args(t)
        return f"{name}[{', '.join(type_repr(a) for a in args)}]" if args else name
    if isinstance(t, type):
        return t.__name__
    return repr(t).replace("typing.", "")


def _input_repr(value: Any, limit: int = 60) -> str:
    text = repr(value)
    if len(text) > limit:
        text = text[: limit - 3] + "..."
    return f"{text} ({type(value).__name__})"


class FunctionSpec:
    """The inspected form of a tool function (built once, shared by every call path)."""

    def __init__(self, func: Any) -> None:
        func = _unwrap_callable(func)
        if not _is_supported_callable(func):
            raise ValueError(
                f"A tool must be built from a function, a method or a functools.partial, "
                f"not from {type(func).__name__!r}."
            )
        self.func: Callable[..., Any] = func
        target = func
        while isinstance(target, functools.partial):
            target = target.func
        self.name: str = getattr(target, "__name__", type(func).__name__)
        self.doc: str | None = getattr(target, "__doc__", None)
        self.is_async: bool = inspect.iscoroutinefunction(func)

        sig = _signature(func)
        self.return_annotated = sig.return_annotation is not EMPTY
        params: list[ParamSpec] = []
        self.accepts_extra = False
        for p in sig.parameters.values():
            if p.kind is p.VAR_KEYWORD:
                self.accepts_extra = True
            elif p.kind is not p.VAR_POSITIONAL:
                params.append(_inspect_param(p))
        self.params: tuple[ParamSpec, ...] = tuple(params)
        self.visible: tuple[ParamSpec, ...] = tuple(p for p in params if p.inject is None)
        self.injected: tuple[ParamSpec, ...] = tuple(p for p in params if p.inject is not None)
        self.positional_only: tuple[str, ...] = tuple(
            p.name for p in params if p.kind is inspect.Parameter.POSITIONAL_ONLY
        )

        visible_names = {p.name for p in self.visible}
        # Depends parameters: a constant (`on(value)`, a context instance) or a fast_depends model
        self.constants: dict[str, Any] = {}
        self.providers: dict[str, CallModel[..., Any]] = {}
        for p in self.injected:
            if p.depends is None:
                continue
            constant = constant_of(p.depends.dependency)
            if constant is not None:
                self.constants[p.name] = constant[0]
                continue
            model = _dependency_model(p.depends, visible_names, f"parameter '{p.name}' of '{self.name}'")
            if not self.is_async and _any_model(model, lambda m: m.is_async):
                raise TypeError(
                    f"The dependency of parameter '{p.name}' of '{self.name}' is async but the function is not; "
                    f"make '{self.name}' an 'async def' or use a synchronous provider."
                )
            self.providers[p.name] = model
        # generator dependencies stay open until the function returns
        self.providers_need_stack = any(_any_model(m, lambda m: m.is_generator) for m in self.providers.values())
        self.signature = sig.replace(
            parameters=[sig.parameters[p.name] for p in self.visible]
            + [p for p in sig.parameters.values() if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
        )
        self._validator: Any = None
        self._validator_built = False

    @classmethod
    def of(cls, func: Any) -> FunctionSpec:
        """The spec of ``func``, reusing the one attached to tools and wrappers built here."""
        spec = getattr(func, "__tool_spec__", None)
        return spec if isinstance(spec, FunctionSpec) else cls(func)

    # ---- queries -------------------------------------------------------------------------------

    def context_param_names(self, subclass: type[BaseContext] = BaseContext) -> list[str]:
        """Names of parameters annotated with a subclass of ``subclass``."""
        return [p.name for p in self.params if p.annotated and _is_class_of(p.type_, subclass)]

    def expected_text(self) -> str:
        """Human summary of the model-visible parameters, e.g. ``a: int (required), b: str``."""
        parts = []
        for p in self.visible:
            parts.append(f"{p.name}: {type_repr(p.type_)}" + (" (required)" if p.required else " (optional)"))
        return ", ".join(parts) if parts else "no arguments"

    # ---- validation ----------------------------------------------------------------------------

    @property
    def validator(self) -> Any:
        """The pydantic validator of the model's arguments (None if the types cannot be validated)."""
        if not self._validator_built:
            self._validator = self._build_validator()
            self._validator_built = True
        return self._validator

    def _build_validator(self) -> Any:
        fields = {}
        for p in self.visible:
            t = Any if isinstance(p.type_, Unresolved) else p.type_
            fields[p.name] = Required[t] if p.required else NotRequired[t]
        try:
            # named after the function: pydantic's errors read "1 validation error for <function>", as in ag2
            arguments = TypedDict(self.name, fields)  # type: ignore[operator]
            # ag2's rules: pydantic's lax mode ("3" -> 3, dicts -> models), unknown arguments dropped
            arguments.__pydantic_config__ = ConfigDict(  # type: ignore[attr-defined]
                extra="allow" if self.accepts_extra else "ignore",
                arbitrary_types_allowed=True,
            )
            return TypeAdapter(arguments).validator
        except Exception as e:  # noqa: BLE001 - an exotic annotation must not make the tool unusable
            logger.warning("Arguments of '%s' will not be validated: %s", self.name, e)
            return None

    def argument_error(self, tool_name: str, error: ValidationError) -> ToolArgumentError:
        """Turn a pydantic ValidationError into a message the model can act on."""
        by_name = {p.name: p for p in self.visible}
        problems: list[str] = []
        for err in error.errors(include_url=False):
            loc = err.get("loc", ())
            kind = err.get("type")
            top = str(loc[0]) if loc else ""
            param = by_name.get(top)
            expected = f"expected {type_repr(param.type_)}" if param is not None else ""
            if kind == "missing" and len(loc) == 1:
                problems.append(f"missing required argument '{top}' ({expected})")
            else:
                path = ".".join(str(x) for x in loc) or "arguments"
                detail = f"{err.get('msg')}; got {_input_repr(err.get('input'))}"
                if expected and len(loc) == 1:
                    detail += f"; {expected}"
                problems.append(f"argument '{path}': {detail}")
        return ToolArgumentError(tool_name, problems, expected=self.expected_text(), errors=error.errors())

    def bind_positional(self, tool_name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> dict[str, Any]:
        """Move positional arguments onto the model-visible parameters, in order."""
        names = [p.name for p in self.visible if p.kind in _POSITIONAL]
        if len(args) > len(names):
            raise ToolArgumentError(
                tool_name,
                [f"{len(args)} positional arguments given but the tool takes at most {len(names)}"],
                expected=self.expected_text(),
            )
        kwargs = dict(kwargs)
        for name, value in zip(names, args):
            if name in kwargs:
                raise ToolArgumentError(tool_name, [f"argument '{name}' given twice"], expected=self.expected_text())
            kwargs[name] = value
        return kwargs

    # ---- call paths ----------------------------------------------------------------------------

    def _fillers(self, agent: Any, *, bound_to_agent: bool) -> list[tuple[str, str, Any]]:
        """(name, how, payload) for each injected parameter the framework fills in."""
        fillers: list[tuple[str, str, Any]] = []
        for p in self.injected:
            if p.inject == INJECT_DEPENDS:
                if p.name in self.constants:
                    fillers.append((p.name, "const", self.constants[p.name]))
                else:
                    fillers.append((p.name, "provider", self.providers[p.name]))
            elif not bound_to_agent:
                continue  # the direct caller passes chat/context values itself
            elif p.inject == INJECT_CHAT_CONTEXT:
                if agent is None:
                    raise TypeError(
                        f"'{self.name}' takes a ChatContext (parameter '{p.name}'), which needs the executing "
                        "agent: call make_executable(agent=...)."
                    )
                fillers.append((p.name, "const", ChatContext(agent)))
            elif p.inject == INJECT_CONTEXT_VARIABLES:
                fillers.append((p.name, "context_variables", None if p.required else _SKIP))
            elif p.required:  # INJECT_CONTEXT
                raise TypeError(
                    f"Parameter '{p.name}' of '{self.name}' is a context ({type_repr(p.type_)}) that nothing "
                    f"provides: annotate it as Annotated[{type_repr(p.type_)}, Depends(<instance or provider>)]."
                )
        return fillers

    def build_call(
        self,
        *,
        tool_name: str,
        agent: Any = None,
        bound_to_agent: bool,
        validate: bool,
        post: Callable[[Any], Any] | None,
    ) -> Callable[..., Any]:
        """A callable running: positional binding, validation, injection, the function, ``post``."""
        func = self.func
        validator = self.validator.validate_python if validate and self.validator is not None else None
        fillers = self._fillers(agent, bound_to_agent=bound_to_agent)
        posonly = self.positional_only
        spec = self

        # Arguments the tool does not take are dropped by the validator, as in ag2: a model's value for
        # an injected parameter never reaches the function. A direct caller passes the chat values
        # (ChatContext, context variables, other contexts) itself; Depends values are always injected.
        passthrough = () if bound_to_agent else tuple(p.name for p in self.injected if p.inject != INJECT_DEPENDS)

        def prepare(args: tuple[Any, ...], kwargs: dict[str, Any]) -> dict[str, Any]:
            if args:
                kwargs = spec.bind_positional(tool_name, args, kwargs)
            if validator is None:
                return dict(kwargs)
            try:
                values = validator(kwargs)
            except ValidationError as e:
                if bound_to_agent:  # a message the model can act on
                    raise spec.argument_error(tool_name, e) from None
                raise  # direct calls raise pydantic's error, as ag2's do
            if passthrough:
                values.update({k: kwargs[k] for k in passthrough if k in kwargs})
            return values

        def invoke(values: dict[str, Any]) -> Any:
            if posonly:
                positional = []
                for name in posonly:
                    if name not in values:
                        break
                    positional.append(values.pop(name))
                return func(*positional, **values)
            return func(**values)

        has_providers = any(how == "provider" for _, how, _ in fillers)
        needs_stack = self.providers_need_stack

        def fill_context_variables(values: dict[str, Any], name: str, default: Any) -> None:
            value = getattr(agent, "context_variables", None)
            value = default if value is None else value
            if value is not _SKIP:
                values[name] = value
            else:  # never a value from the model
                values.pop(name, None)

        if self.is_async:

            async def fill_async(values: dict[str, Any], stack: AsyncExitStack | None) -> None:
                # one cache per call: a provider used twice runs once, as with ag2's inject
                cache: dict[Any, Any] = {}
                overrides = dependency_provider.dependency_overrides if has_providers else None
                for name, how, payload in fillers:
                    if how == "const":
                        values[name] = payload
                    elif how == "provider":
                        value = NOT_PLAIN if overrides else payload.solve_plain(values, cache)
                        if value is NOT_PLAIN:
                            value = await payload.asolve(
                                stack=stack,
                                cache_dependencies=cache,
                                dependency_overrides=overrides,
                                nested=True,
                                **values,
                            )
                        values[name] = value
                    else:
                        fill_context_variables(values, name, payload)

            async def run_async(*args: Any, **kwargs: Any) -> Any:
                values = prepare(args, kwargs)
                if needs_stack:
                    async with AsyncExitStack() as stack:
                        await fill_async(values, stack)
                        result = await invoke(values)
                else:
                    if fillers:
                        await fill_async(values, None)
                    result = await invoke(values)
                return post(result) if post is not None else result

            runner: Callable[..., Any] = run_async
        else:

            def fill_sync(values: dict[str, Any], stack: ExitStack | None) -> None:
                cache: dict[Any, Any] = {}
                overrides = dependency_provider.dependency_overrides if has_providers else None
                for name, how, payload in fillers:
                    if how == "const":
                        values[name] = payload
                    elif how == "provider":
                        value = NOT_PLAIN if overrides else payload.solve_plain(values, cache)
                        if value is NOT_PLAIN:
                            value = payload.solve(
                                stack=stack,
                                cache_dependencies=cache,
                                dependency_overrides=overrides,
                                nested=True,
                                **values,
                            )
                        values[name] = value
                    else:
                        fill_context_variables(values, name, payload)

            def run_sync(*args: Any, **kwargs: Any) -> Any:
                values = prepare(args, kwargs)
                if needs_stack:
                    with ExitStack() as stack:
                        fill_sync(values, stack)
                        result = invoke(values)
                else:
                    if fillers:
                        fill_sync(values, None)
                    result = invoke(values)
                return post(result) if post is not None else result

            runner = run_sync

        runner.__name__ = tool_name
        runner.__qualname__ = tool_name
        runner.__doc__ = self.doc
        runner.__signature__ = self.signature  # type: ignore[attr-defined]
        runner.__tool_spec__ = self  # type: ignore[attr-defined]
        return runner

    def injected_callable(self) -> Callable[..., Any]:
        """The function with its arguments validated (pydantic's ValidationError) and its Depends
        parameters filled in and hidden from its signature: ag2's ``Tool.func``."""
        return self.build_call(tool_name=self.name, bound_to_agent=False, validate=True, post=None)
