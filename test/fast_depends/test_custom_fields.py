"""``CustomField``: parameters filled in from the call's other keyword arguments."""

from __future__ import annotations

from typing import Annotated, Any

import pydantic
import pytest
from annotated_types import Ge

from autogen.fast_depends import Depends, inject
from autogen.fast_depends.library import CustomField


class Header(CustomField):
    """Reads a value from a ``headers`` mapping under the parameter's name."""

    def use(self, /, **kwargs: Any) -> dict[str, Any]:
        kwargs = super().use(**kwargs)
        value = kwargs.get("headers", {}).get(self.param_name)
        if value is not None:
            kwargs[self.param_name] = value
        return kwargs


class AsyncHeader(Header):
    async def use(self, /, **kwargs: Any) -> dict[str, Any]:  # type: ignore[override]
        return super().use(**kwargs)


def test_custom_field_values_are_cast() -> None:
    @inject
    def read(user_id: int = Header(), lang: Annotated[str, Header()] = "en") -> tuple[int, str]:
        return user_id, lang

    assert read(headers={"user_id": "42"}) == (42, "en")
    assert read(headers={"user_id": "1", "lang": "fr"}) == (1, "fr")


def test_required_and_optional_custom_fields() -> None:
    @inject
    def required(token: str = Header()) -> str:
        return token

    with pytest.raises(pydantic.ValidationError):
        required(headers={})

    @inject
    def optional(token: str = Header(required=False)) -> str | None:
        return token

    assert optional(headers={}) is None


def test_constraints_in_annotated_still_apply() -> None:
    @inject
    def page(n: Annotated[int, Header(), Ge(1)] = 1) -> int:
        return n

    assert page(headers={}) == 1
    assert page(headers={"n": "3"}) == 3
    with pytest.raises(pydantic.ValidationError):
        page(headers={"n": "0"})


def test_a_shared_annotated_alias_binds_to_each_parameter_name() -> None:
    FromHeader = Annotated[str, Header(cast=False)]

    @inject
    def first(a: FromHeader):
        return a

    @inject
    def second(b: FromHeader):
        return b

    assert first(headers={"a": 1}) == 1
    assert second(headers={"b": 2}) == 2


def test_dependencies_can_use_custom_fields() -> None:
    def current_user(user: Annotated[str, Header()]) -> str:
        return user.upper()

    @inject
    def hello(name: str = Depends(current_user)) -> str:
        return f"hi {name}"

    assert hello(headers={"user": "ann"}) == "hi ANN"


def test_async_custom_fields_are_refused_by_sync_functions() -> None:
    with pytest.raises(AssertionError, match="async custom field"):

        @inject
        def f(x: str = AsyncHeader()) -> str:
            return x


async def test_async_custom_fields_in_async_functions() -> None:
    @inject
    async def f(x: int = AsyncHeader()) -> int:
        return x

    assert await f(headers={"x": "5"}) == 5


def test_positional_values_fill_custom_fields_in_order() -> None:
    @inject
    def f(d: int = CustomField(cast=False), b: int = CustomField(cast=False)) -> tuple[int, int]:
        return d, b

    assert f(4, 2) == (4, 2)
