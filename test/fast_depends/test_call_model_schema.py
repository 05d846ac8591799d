"""``build_call_model`` (what a call takes, flattened over its dependencies) and ``get_schema``."""

from __future__ import annotations

from pydantic import BaseModel

from autogen.fast_depends import Depends, inject
from autogen.fast_depends.core import build_call_model
from autogen.fast_depends.library import CustomField
from autogen.fast_depends.schema import get_schema
from autogen.fast_depends.utils import is_async_gen_callable, is_coroutine_callable, is_gen_callable


def test_params_leave_out_dependencies_and_flat_params_gather_them() -> None:
    def token(secret: str) -> str:
        return secret

    def user(uid: int, t: str = Depends(token), h: str = CustomField()) -> str:
        return t

    def audit(who: str) -> None: ...

    def main(a: int, *items: int, flag: bool, u: str = Depends(user), **rest: int) -> None: ...

    model = build_call_model(main, extra_dependencies=(Depends(audit),))
    assert set(model.params) == {"a", "items", "flag", "rest"}
    assert set(model.flat_params) == {"a", "items", "flag", "rest", "uid", "secret", "who"}
    assert set(model.params) == {"a", "items", "flag", "rest"}  # reading flat_params changes nothing
    assert model.positional_args == ("a",) and model.var_positional_arg == "items"
    assert model.var_keyword_arg == "rest" and "u" in model.keyword_args and "flag" in model.keyword_args
    assert list(model.dependencies) == ["u"]


def test_a_prebuilt_model_can_be_injected() -> None:
    def f(a: int) -> int:
        return a + 1

    model = build_call_model(f)
    assert inject()(f, model)("1") == 2


def test_schema_of_arguments() -> None:
    def handler(a: int, b: str = "x") -> None: ...

    assert get_schema(build_call_model(handler)) == {
        "properties": {"a": {"title": "A", "type": "integer"}, "b": {"default": "x", "title": "B", "type": "string"}},
        "required": ["a"],
        "title": "handler",
        "type": "object",
    }


def test_schema_without_arguments_is_null_and_one_argument_embeds() -> None:
    def nothing() -> None: ...

    def one(a: int) -> None: ...

    assert get_schema(build_call_model(nothing)) == {"title": "nothing", "type": "null"}
    assert get_schema(build_call_model(one), embed=True) == {"title": "A", "type": "integer"}


class Address(BaseModel):
    city: str


def test_schema_includes_dependency_inputs_and_can_inline_references() -> None:
    def locate(address: Address) -> str:
        return address.city

    def handler(name: str, city: str = Depends(locate)) -> None: ...

    schema = get_schema(build_call_model(handler))
    assert set(schema["properties"]) == {"name", "address"}
    assert schema["properties"]["address"] == {"$ref": "#/$defs/Address"}
    inlined = get_schema(build_call_model(handler), resolve_refs=True)
    assert "$defs" not in inlined
    assert inlined["properties"]["address"]["properties"] == {"city": {"title": "City", "type": "string"}}


def test_kind_of_callable_helpers() -> None:
    async def co() -> None: ...

    def gen():
        yield

    async def agen():
        yield

    class AsyncCallable:
        async def __call__(self) -> None: ...

    assert is_coroutine_callable(co) and is_coroutine_callable(AsyncCallable())
    assert not is_coroutine_callable(AsyncCallable) and not is_coroutine_callable(gen)
    assert is_gen_callable(gen) and not is_gen_callable(agen)
    assert is_async_gen_callable(agen) and not is_async_gen_callable(co)
