"""``@inject`` on async functions: async and sync dependencies, async generators, overrides."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from typing import Annotated, Any

import pytest

from autogen.fast_depends import Depends, dependency_provider, inject
from autogen.fast_depends.library import CustomField


@pytest.fixture(autouse=True)
def _no_overrides() -> Iterator[None]:
    yield
    dependency_provider.clear()


async def test_async_and_sync_dependencies_are_solved_and_cast() -> None:
    async def user_id(token: str) -> int:
        return len(token)

    def scale() -> float:
        return 2

    @inject
    async def handler(token: str, uid: Annotated[int, Depends(user_id)], k: float = Depends(scale)) -> str:
        assert isinstance(k, float)
        return f"{uid * k}"

    assert await handler("abc") == "6.0"


async def test_async_generator_dependencies_close_after_the_call() -> None:
    events: list[str] = []

    async def connection() -> AsyncIterator[str]:
        events.append("open")
        try:
            yield "conn"
        finally:
            events.append("close")

    def sync_session() -> Iterator[str]:
        events.append("s-open")
        yield "sess"
        events.append("s-close")

    @inject
    async def work(conn: str = Depends(connection), sess: str = Depends(sync_session)) -> str:
        events.append("work")
        return conn + sess

    assert await work() == "connsess"
    assert events == ["open", "s-open", "work", "s-close", "close"]


async def test_a_failing_function_still_closes_its_dependencies() -> None:
    closed: list[bool] = []

    async def res() -> AsyncIterator[int]:
        try:
            yield 1
        finally:
            closed.append(True)

    @inject
    async def fail(r: int = Depends(res)) -> None:
        raise ValueError("bad")

    with pytest.raises(ValueError, match="bad"):
        await fail()
    assert closed == [True]


async def test_async_generator_functions_yield_cast_items() -> None:
    @inject
    async def stream(text: str) -> AsyncIterator[int]:
        for _ in range(2):
            yield text

    assert [i async for i in stream("7")] == [7, 7]


async def test_sync_and_async_overrides_apply_to_async_functions() -> None:
    async def real() -> int:
        return 1

    @inject
    async def f(v: int = Depends(real)) -> int:
        return v

    dependency_provider.override(real, lambda: 2)
    assert await f() == 2

    async def other() -> int:
        return 3

    dependency_provider.override(real, other)
    assert await f() == 3


async def test_async_field_custom_fields_run_concurrently() -> None:
    started: dict[str, asyncio.Event] = {}

    class Both(CustomField):
        def __init__(self) -> None:
            super().__init__(cast=True)
            self.field = True

        async def use_field(self, kwargs: dict[str, Any]) -> None:
            me = self.param_name
            other = "b" if me == "a" else "a"
            started[me].set()
            # only completes if the other field's coroutine runs at the same time
            await asyncio.wait_for(started[other].wait(), timeout=5)
            kwargs[me] = kwargs["raw"][me]

    started["a"], started["b"] = asyncio.Event(), asyncio.Event()

    @inject
    async def both(raw: dict, a: int = Both(), b: int = Both()) -> tuple[int, int]:
        return a, b

    assert await both({"a": "1", "b": "2"}) == (1, 2)


async def test_injected_async_generator_works_as_an_async_context_manager() -> None:
    async def dep(a: str) -> str:
        return a

    @asynccontextmanager
    @inject
    async def same(a: str, b: str = Depends(dep)) -> AsyncIterator[bool]:
        yield a == b

    async with same("x") as equal:
        assert equal is True
