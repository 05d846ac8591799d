"""`CallModel`: a callable inspected once, solved on every call (dependencies, casting, the call)."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Callable, Iterable
from contextlib import AsyncExitStack, ExitStack
from typing import Any, Generic, TypeVar

from typing_extensions import ParamSpec

from .._compat import BaseModel, get_aliases
from ..library import CustomField
from ..utils import (
    is_async_gen_callable,
    is_coroutine_callable,
    is_gen_callable,
    solve_generator_async,
    solve_generator_sync,
)

__all__ = ["CallModel", "ResponseModel"]

P = ParamSpec("P")
T = TypeVar("T")

Overrides = dict[Callable[..., Any], Callable[..., Any]]


class ResponseModel(BaseModel, Generic[T]):
    """The shape of the models that cast return values."""

    response: T


class CallModel(Generic[P, T]):
    """Everything needed to call ``call`` with injection: built by `build_call_model`, solved per call."""

    __slots__ = (
        "_fast_fields",
        "_fast_response",
        "_has_inner",
        "_key",
        "_plain",
        "alias_arguments",
        "call",
        "cast",
        "custom_fields",
        "defaults",
        "dependencies",
        "extra_dependencies",
        "is_async",
        "is_generator",
        "keyword_args",
        "model",
        "params",
        "positional_args",
        "response_model",
        "sorted_dependencies",
        "use_cache",
        "var_keyword_arg",
        "var_positional_arg",
    )

    def __init__(
        self,
        /,
        call: Callable[P, T] | Callable[P, Awaitable[T]],
        model: type[BaseModel] | None,
        params: dict[str, tuple[Any, Any]],
        response_model: type[ResponseModel[T]] | None = None,
        use_cache: bool = True,
        cast: bool = True,
        is_async: bool = False,
        is_generator: bool = False,
        dependencies: dict[str, CallModel[..., Any]] | None = None,
        extra_dependencies: Iterable[CallModel[..., Any]] | None = None,
        keyword_args: list[str] | None = None,
        positional_args: list[str] | None = None,
        var_positional_arg: str | None = None,
        var_keyword_arg: str | None = None,
        custom_fields: dict[str, CustomField] | None = None,
        defaults: dict[str, Any] | None = None,
    ) -> None:
        self.call = call
        self.model = model
        self.alias_arguments = get_aliases(model) if model is not None else ()
        self.response_model = response_model
        self.use_cache = use_cache
        self.cast = cast
        self.is_async = is_async or is_coroutine_callable(call) or is_async_gen_callable(call)
        self.is_generator = is_generator or is_gen_callable(call) or is_async_gen_callable(call)
        self.dependencies = dependencies or {}
        self.extra_dependencies = tuple(extra_dependencies or ())
        self.custom_fields = custom_fields or {}
        self.keyword_args = tuple(keyword_args or ())
        self.positional_args = tuple(positional_args or ())
        self.var_positional_arg = var_positional_arg
        self.var_keyword_arg = var_keyword_arg
        self.defaults = defaults or {}
        # the parameters a caller gives (dependencies and custom fields are filled in)
        self.params = {k: v for k, v in params.items() if k not in self.dependencies and k not in self.custom_fields}
        self.sorted_dependencies = tuple((d, len(d.sorted_dependencies)) for d in self._dependencies_in_order())
        self._key = _cache_key(call)
        self._has_inner = bool(self.dependencies or self.extra_dependencies or self.custom_fields)
        # fast paths skipping pydantic when it would return the values unchanged (see _fast_fields_of)
        self._fast_fields = _fast_fields_of(model) if cast and model is not None else None
        fast_response = _fast_fields_of(response_model) if response_model is not None else None
        self._fast_response = (fast_response[0][1] or _ANY) if fast_response else None
        self._plain = self._plain_fields()

    # ---- inspection ------------------------------------------------------------------------------

    @property
    def call_name(self) -> str:
        """The name of the (unwrapped) callable."""
        call = inspect.unwrap(self.call)
        return getattr(call, "__name__", type(call).__name__)

    @property
    def flat_params(self) -> dict[str, tuple[Any, Any]]:
        """The parameters callers give, of this call and of all its dependencies."""
        params = dict(self.params)
        for dep in (*self.dependencies.values(), *self.extra_dependencies):
            params.update(dep.flat_params)
        return params

    @property
    def flat_dependencies(self) -> dict[Callable[..., Any], tuple[CallModel[..., Any], tuple[Callable[..., Any], ...]]]:
        """Every dependency at any depth: its call -> (its model, the calls it depends on directly)."""
        flat: dict[Callable[..., Any], tuple[CallModel[..., Any], tuple[Callable[..., Any], ...]]] = {}
        for dep in (*self.dependencies.values(), *self.extra_dependencies):
            flat[dep.call] = (dep, tuple(d.call for d in dep.dependencies.values()))
            flat.update(dep.flat_dependencies)
        return flat

    def _dependencies_in_order(self) -> list[CallModel[..., Any]]:
        """The cached dependencies at any depth, each after the ones it needs."""
        ordered: list[CallModel[..., Any]] = []
        seen: set[int] = set()

        def visit(model: CallModel[..., Any]) -> None:
            for dep in (*model.dependencies.values(), *model.extra_dependencies):
                if id(dep) not in seen:
                    seen.add(id(dep))
                    visit(dep)
                    if dep.use_cache:
                        ordered.append(dep)

        visit(self)
        return ordered

    # ---- solving -----------------------------------------------------------------------------------

    def _target(self, overrides: Overrides | None) -> Callable[..., Any]:
        """The callable to run: ``call`` or its override."""
        if not overrides:
            return self.call
        call = overrides.get(self.call, self.call)
        assert self.is_async or not is_coroutine_callable(call), (
            f"You cannot use async dependency `{self.call_name}` at sync main"
        )
        return call

    def _bind(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[dict[str, Any], tuple[Any, ...]]:
        """Map the call's arguments onto parameter names; return them and the positional ones left over
        (which dependencies receive, as ag2 passes them)."""
        if self.var_keyword_arg is None:
            values = kwargs  # a fresh dict (from **kwargs); unknown names stay for dependencies and custom fields
        else:
            values = {}
            for name in (*self.keyword_args, *self.positional_args):
                if name in kwargs:
                    values[name] = kwargs.pop(name)
            values[self.var_keyword_arg] = kwargs
        used = 0
        for name in self.positional_args:
            if used == len(args):
                break
            values[name] = args[used]
            used += 1
        rest = args[used:]
        if self.var_positional_arg is not None:
            values[self.var_positional_arg] = rest
        elif rest:
            # positional values beyond the positional parameters fill keyword-only and custom ones, in order
            for name in self.keyword_args:
                if not rest:
                    break
                if name not in self.dependencies and name not in values:
                    values[name], rest = rest[0], rest[1:]
        return values, rest

    def _arguments(self, values: dict[str, Any]) -> tuple[list[Any], dict[str, Any]]:
        """The final (args, kwargs) of the call, cast by the model when ``cast``."""
        if self.cast:
            cast_values = self._fast_cast(values) if self._fast_fields is not None else None
            if cast_values is None:
                assert self.model is not None, "Cast should be used only with model"
                cast_values = self.model(**values).__dict__
            values = {**values, **cast_values} if len(cast_values) != len(values) else cast_values
        elif self.defaults:
            values = {**self.defaults, **values}
        args: list[Any] = []
        kwargs: dict[str, Any] = {}
        if self.positional_args or self.var_positional_arg is not None:
            positional = True
            for name in self.positional_args:
                if positional and name in values:
                    args.append(values[name])
                else:
                    positional = False  # a gap: the rest go by name (or are left to the function's defaults)
                    if name in values:
                        kwargs[name] = values[name]
            if self.var_positional_arg is not None and positional:
                args.extend(values.get(self.var_positional_arg, ()))
        for name in self.keyword_args:
            if name in values:
                kwargs[name] = values[name]
        if self.var_keyword_arg is not None:
            kwargs.update(values.get(self.var_keyword_arg) or {})
        return args, kwargs

    def _plain_fields(self) -> tuple[tuple[str, Any, Any], ...] | None:
        """The fields `solve_plain` checks, when this model qualifies for it (else None)."""
        if self._has_inner or self.is_generator or self.is_async:
            return None
        if self.var_positional_arg is not None or self.var_keyword_arg is not None:
            return None
        if not self.cast:
            return tuple((name, None, _OPTIONAL) for name in (*self.positional_args, *self.keyword_args))
        if self._fast_fields is None:
            return None
        try:
            signature = inspect.signature(self.call)
        except (TypeError, ValueError):
            return None
        if any(p.kind is p.POSITIONAL_ONLY for p in signature.parameters.values()):
            return None  # everything is passed by name below
        return self._fast_fields

    def solve_plain(self, values: dict[str, Any], cache_dependencies: dict[Any, Any]) -> Any:
        """`solve` for the common case, a sync callable without dependencies of its own whose
        arguments need no casting by pydantic: called straight from ``values`` (not changed).
        Returns `NOT_PLAIN` (before calling anything) when `solve` must do it; no overrides apply.
        """
        fields = self._plain
        if fields is None:
            return NOT_PLAIN
        key = self._key
        if self.use_cache and key in cache_dependencies:
            return cache_dependencies[key]
        kwargs = {}
        for name, exact, default in fields:
            if name in values:
                value = values[name]
                if exact is not None and type(value) is not exact:
                    return NOT_PLAIN
                kwargs[name] = value
            elif default is _REQUIRED:
                return NOT_PLAIN  # pydantic reports the missing value
            # else the function's own default applies (the same immutable value)
        response = self.call(**kwargs)
        if self.cast and self.response_model is not None:
            response = self._cast_response(response)
        if self.use_cache:
            cache_dependencies[key] = response
        return response

    def _fast_cast(self, values: dict[str, Any]) -> dict[str, Any] | None:
        """The model's result computed without pydantic, or None when pydantic has work to do."""
        fields = self._fast_fields
        if fields is None:
            return None
        result = {}
        for name, exact, default in fields:
            if name in values:
                value = values[name]
                if exact is not None and type(value) is not exact:
                    return None
                result[name] = value
            elif default is _REQUIRED:
                return None  # pydantic reports the missing value
            else:
                result[name] = default
        return result

    def _cast_response(self, /, value: Any) -> Any:
        if self.response_model is None:
            return value
        exact = self._fast_response
        if exact is not None and (exact is _ANY or type(value) is exact):
            return value
        return self.response_model(response=value).response

    def solve(
        self,
        /,
        *args: Any,
        stack: ExitStack,
        cache_dependencies: dict[Any, Any],
        dependency_overrides: Overrides | None = None,
        nested: bool = False,
        **kwargs: Any,
    ) -> T:
        """Compute the dependencies, cast the arguments and call (sync code)."""
        call = self._target(dependency_overrides) if dependency_overrides else self.call
        key = self._key if call is self.call else _cache_key(call)
        if self.use_cache and key in cache_dependencies:
            return cache_dependencies[key]  # type: ignore[no-any-return]
        values, rest = self._bind(args, kwargs) if args or self.var_keyword_arg is not None else (kwargs, ())
        if self._has_inner:
            for dep in self.extra_dependencies:
                dep.solve(
                    *rest, stack=stack, cache_dependencies=cache_dependencies,
                    dependency_overrides=dependency_overrides, nested=True, **values,
                )  # fmt: skip
            for name, dep in self.dependencies.items():
                if not rest and not dependency_overrides:
                    value = dep.solve_plain(values, cache_dependencies)
                    if value is not NOT_PLAIN:
                        values[name] = value
                        continue
                values[name] = dep.solve(
                    *rest, stack=stack, cache_dependencies=cache_dependencies,
                    dependency_overrides=dependency_overrides, nested=True, **values,
                )  # fmt: skip
            for custom in self.custom_fields.values():
                if custom.field:
                    custom.use_field(values)
                else:
                    values = custom.use(**values)
        call_args, call_kwargs = self._arguments(values)
        if self.is_generator and nested:
            response = solve_generator_sync(*call_args, call=call, stack=stack, **call_kwargs)
        else:
            response = call(*call_args, **call_kwargs)
            if self.cast and not self.is_generator:
                response = self._cast_response(response)
        if self.use_cache:
            cache_dependencies[key] = response
        return response  # type: ignore[no-any-return]

    async def asolve(
        self,
        /,
        *args: Any,
        stack: AsyncExitStack,
        cache_dependencies: dict[Any, Any],
        dependency_overrides: Overrides | None = None,
        nested: bool = False,
        **kwargs: Any,
    ) -> T:
        """`solve` for async code: async dependencies are awaited, async field custom fields run together."""
        call = self._target(dependency_overrides) if dependency_overrides else self.call
        key = self._key if call is self.call else _cache_key(call)
        if self.use_cache and key in cache_dependencies:
            return cache_dependencies[key]  # type: ignore[no-any-return]
        values, rest = self._bind(args, kwargs) if args or self.var_keyword_arg is not None else (kwargs, ())
        if self._has_inner:
            for dep in self.extra_dependencies:
                await dep.asolve(
                    *rest, stack=stack, cache_dependencies=cache_dependencies,
                    dependency_overrides=dependency_overrides, nested=True, **values,
                )  # fmt: skip
            for name, dep in self.dependencies.items():
                if not rest and not dependency_overrides:
                    value = dep.solve_plain(values, cache_dependencies)
                    if value is not NOT_PLAIN:
                        values[name] = value
                        continue
                values[name] = await dep.asolve(
                    *rest, stack=stack, cache_dependencies=cache_dependencies,
                    dependency_overrides=dependency_overrides, nested=True, **values,
                )  # fmt: skip
            pending = []
            for custom in self.custom_fields.values():
                if custom.field:
                    result = custom.use_field(values)
                    if inspect.isawaitable(result):
                        pending.append(result)
            if pending:
                await asyncio.gather(*pending)
            for custom in self.custom_fields.values():
                if not custom.field:
                    result = custom.use(**values)
                    values = await result if inspect.isawaitable(result) else result
        call_args, call_kwargs = self._arguments(values)
        if self.is_generator and nested:
            response = await solve_generator_async(*call_args, call=call, stack=stack, **call_kwargs)
        else:
            response = call(*call_args, **call_kwargs)
            if inspect.isawaitable(response):
                response = await response
            if self.cast and not self.is_generator:
                response = self._cast_response(response)
        if self.use_cache:
            cache_dependencies[key] = response
        return response  # type: ignore[no-any-return]


_REQUIRED: Any = object()
_OPTIONAL: Any = object()
NOT_PLAIN: Any = object()  # solve_plain: "use solve"
_ANY: Any = object()
# values of these exact types pass pydantic's lax validation unchanged (under the default config)
_EXACT_TYPES = (str, int, float, bool, bytes)
_IMMUTABLE_DEFAULTS = (str, int, float, bool, bytes, type(None))


def _cache_key(call: Callable[..., Any]) -> Any:
    """``call`` itself, or its id when it is not hashable."""
    try:
        hash(call)
    except TypeError:
        return id(call)
    return call


def _fast_fields_of(model: type[BaseModel]) -> tuple[tuple[str, Any, Any], ...] | None:
    """(name, exact type or None for Any, default) of each field when validating ``model`` can be
    skipped for values of exactly those types; None when some field needs pydantic.

    Only fields typed ``Any`` or a plain str/int/float/bool/bytes, without constraints, aliases or
    mutable defaults, under the default config, qualify: then pydantic returns such values as given.
    """
    if set(model.model_config) - {"arbitrary_types_allowed"}:
        return None
    fields = []
    for name, field in model.model_fields.items():
        if field.metadata or field.alias is not None or field.default_factory is not None:
            return None
        annotation = field.annotation
        if annotation is Any:
            exact = None
        elif annotation in _EXACT_TYPES:
            exact = annotation
        else:
            return None
        if field.is_required():
            default = _REQUIRED
        elif isinstance(field.default, _IMMUTABLE_DEFAULTS):
            default = field.default
        else:
            return None
        fields.append((name, exact, default))
    return tuple(fields)
