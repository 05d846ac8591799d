"""``build_call_model``: inspect a callable once into a `CallModel`."""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Sequence
from copy import deepcopy
from typing import Annotated, Any, Optional, TypeVar, get_args, get_origin

from typing_extensions import ParamSpec

from .._compat import ConfigDict, create_model, get_config_base
from ..dependencies import Depends
from ..library import CustomField
from ..utils import get_typed_signature, is_async_gen_callable, is_coroutine_callable, is_gen_callable
from .model import CallModel, ResponseModel

__all__ = ["build_call_model"]

CUSTOM_ANNOTATIONS = (Depends, CustomField)

P = ParamSpec("P")
T = TypeVar("T")
EMPTY = inspect.Parameter.empty


def _split_annotation(name: str, annotation: Any) -> tuple[Any, Depends | CustomField | None]:
    """``Annotated[T, Depends(f), Ge(0)]`` -> (``Annotated[T, Ge(0)]``, the Depends)."""
    if annotation is EMPTY:
        return Any, None
    if get_origin(annotation) is not Annotated:
        return annotation, None
    base, *metadata = get_args(annotation)
    markers = [m for m in metadata if isinstance(m, CUSTOM_ANNOTATIONS)]
    assert len(markers) <= 1, f"Cannot specify multiple `Annotated` Custom arguments for `{name}`!"
    if not markers:
        return annotation, None
    rest = tuple(m for m in metadata if not isinstance(m, CUSTOM_ANNOTATIONS))
    marker = markers[0]
    if isinstance(marker, CustomField):
        marker = deepcopy(marker)  # an Annotated alias is shared by every function using it
    return (Annotated[(base, *rest)] if rest else base), marker


def _collection_of(annotation: Any, kind: type) -> Any:
    """The type of ``*args``/``**kwargs`` as a whole: ag2 annotates them so (``*args: tuple[float, ...]``);
    the usual per-item form (``*args: float``) is accepted too."""
    if annotation is Any or get_origin(annotation) in (kind, Annotated) or annotation is kind:
        return annotation
    return tuple[annotation, ...] if kind is tuple else dict[str, annotation]  # type: ignore[valid-type]


def build_call_model(
    call: Callable[P, T] | Callable[P, Awaitable[T]],
    *,
    cast: bool = True,
    use_cache: bool = True,
    is_sync: bool | None = None,
    extra_dependencies: Sequence[Depends] = (),
    pydantic_config: ConfigDict | None = None,
) -> CallModel[P, T]:
    """Inspect ``call``: its parameters, their ``Depends``/``CustomField`` markers and the pydantic
    model casting its arguments (and its return value when it is annotated).

    ``is_sync``: the call runs in synchronous code, so async dependencies are an error
    (``AssertionError``, as ag2); by default, whether ``call`` itself is sync.
    """
    name = getattr(call, "__name__", type(call).__name__)
    is_call_async = is_coroutine_callable(call) or is_async_gen_callable(call)
    if is_sync is None:
        is_sync = not is_call_async
    else:
        assert not (is_sync and is_call_async), f"You cannot use async dependency `{name}` at sync main"

    signature, return_annotation = get_typed_signature(call)
    if inspect.isclass(call):
        return_annotation = EMPTY  # the signature of a class is its __init__'s, which returns None
    is_generator = is_gen_callable(call) or is_async_gen_callable(call)
    if is_generator and get_args(return_annotation):
        return_annotation = get_args(return_annotation)[0]  # Iterator[int] -> int

    fields: dict[str, tuple[Any, Any]] = {}
    defaults: dict[str, Any] = {}
    dependencies: dict[str, CallModel[..., Any]] = {}
    custom_fields: dict[str, CustomField] = {}
    positional_args: list[str] = []
    keyword_args: list[str] = []
    var_positional_arg: str | None = None
    var_keyword_arg: str | None = None

    for param_name, param in signature.parameters.items():
        annotation, marker = _split_annotation(param_name, param.annotation)
        dep = marker if isinstance(marker, Depends) else None
        custom = marker if isinstance(marker, CustomField) else None

        default: Any = param.default
        if param.kind is param.VAR_POSITIONAL:
            var_positional_arg = param_name
            annotation, default = _collection_of(annotation, tuple), ()
        elif param.kind is param.VAR_KEYWORD:
            var_keyword_arg = param_name
            annotation, default = _collection_of(annotation, dict), {}
        elif default is EMPTY:
            default = ...
        else:
            defaults[param_name] = default

        if isinstance(default, Depends):
            assert dep is None, "You can not use `Depends` with `Annotated` and default both"
            dep, default = default, ...
            defaults.pop(param_name, None)
        elif isinstance(default, CustomField):
            assert custom is None, "You can not use `CustomField` with `Annotated` and default both"
            custom, default = default, ...
            defaults.pop(param_name, None)
        else:
            fields[param_name] = (annotation, default)

        if dep is not None:
            dep_cast = dep.cast and cast
            dependencies[param_name] = build_call_model(
                dep.dependency,
                cast=dep_cast,
                use_cache=dep.use_cache,
                is_sync=is_sync,
                pydantic_config=pydantic_config,
            )
            if dep_cast:
                fields[param_name] = (annotation, ...)
            else:
                fields.pop(param_name, None)
            keyword_args.append(param_name)
        elif custom is not None:
            assert not (is_sync and is_coroutine_callable(custom.use)), (
                f"You cannot use async custom field `{type(custom).__name__}` at sync `{name}`"
            )
            custom.set_param_name(param_name)
            custom_fields[param_name] = custom
            if not custom.cast:
                annotation = Any
            if custom.required:
                fields[param_name] = (annotation, default)
            elif param_name not in fields:
                fields[param_name] = (Optional[annotation], None)  # noqa: UP045 - annotation is a runtime value
            keyword_args.append(param_name)
        elif param.kind is param.KEYWORD_ONLY:
            keyword_args.append(param_name)
        elif param.kind in (param.POSITIONAL_ONLY, param.POSITIONAL_OR_KEYWORD):
            positional_args.append(param_name)

    model = create_model(name, __config__=get_config_base(pydantic_config), **fields)  # type: ignore[call-overload]
    response_model: type[ResponseModel[T]] | None = None
    if cast and return_annotation is not EMPTY:
        response_model = create_model(  # type: ignore[call-overload]
            "ResponseModel", __config__=get_config_base(pydantic_config), response=(return_annotation, ...)
        )

    return CallModel(
        call=call,
        model=model,
        params=fields,
        response_model=response_model,
        use_cache=use_cache,
        cast=cast,
        is_async=is_call_async,
        is_generator=is_generator,
        dependencies=dependencies,
        extra_dependencies=[
            build_call_model(
                d.dependency, cast=d.cast, use_cache=d.use_cache, is_sync=is_sync, pydantic_config=pydantic_config
            )
            for d in extra_dependencies
        ],
        keyword_args=keyword_args,
        positional_args=positional_args,
        var_positional_arg=var_positional_arg,
        var_keyword_arg=var_keyword_arg,
        custom_fields=custom_fields,
        defaults=defaults,
    )
