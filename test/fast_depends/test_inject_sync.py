"""``@inject`` on synchronous functions: casting, dependencies, caching, teardown, overrides."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from typing import Annotated

import pytest
from pydantic import BaseModel, ValidationError

from autogen.fast_depends import Depends, Provider, dependency_provider, inject


@pytest.fixture(autouse=True)
def _no_overrides() -> Iterator[None]:
    yield
    dependency_provider.clear()


def test_arguments_and_result_are_cast_to_their_annotations() -> None:
    @inject
    def area(width: int, height: float) -> float:
        assert isinstance(width, int) and isinstance(height, float)
        return f"{width * height}"  # type: ignore[return-value]

    assert area("3", "1.5") == 4.5


def test_a_bad_argument_raises_pydantic_validation_error_named_after_the_function() -> None:
    @inject
    def double(x: int) -> int:
        return 2 * x

    with pytest.raises(ValidationError, match="validation error for double"):
        double("not a number")


def test_dependencies_receive_the_callers_arguments_by_name_and_nest() -> None:
    def base_url() -> str:
        return "https://api"

    def endpoint(city: str, base: str = Depends(base_url)) -> str:
        return f"{base}/{city}"

    @inject
    def weather(city: str, url: Annotated[str, Depends(endpoint)]) -> str:
        return url

    assert weather("Paris") == "https://api/Paris"
    assert weather(city="Rome") == "https://api/Rome"


def test_dependency_results_are_cast_to_their_return_annotation() -> None:
    def half(n: int) -> float:
        return n / 2

    @inject
    def show(n: int, value=Depends(half)) -> str:  # noqa: B008
        return repr(value)

    assert show("4") == "2.0"


def test_a_dependency_used_twice_runs_once_per_call_unless_use_cache_is_off() -> None:
    calls: list[int] = []

    def counter() -> int:
        calls.append(1)
        return len(calls)

    @inject
    def cached(a: int = Depends(counter), b: int = Depends(counter)) -> tuple[int, int]:
        return a, b

    assert cached() == (1, 1)
    assert cached() == (2, 2)  # a fresh cache for each call

    @inject
    def uncached(a: int = Depends(counter, use_cache=False), b: int = Depends(counter, use_cache=False)):
        return a, b

    assert uncached() == (3, 4)


def test_generator_dependencies_are_closed_after_the_call_even_when_it_fails() -> None:
    events: list[str] = []

    def session() -> Iterator[str]:
        events.append("open")
        try:
            yield "db"
        finally:
            events.append("close")

    @inject
    def query(ok: bool, db: str = Depends(session)) -> str:
        events.append(f"query {db}")
        if not ok:
            raise RuntimeError("boom")
        return "rows"

    assert query(True) == "rows"
    assert events == ["open", "query db", "close"]
    events.clear()
    with pytest.raises(RuntimeError, match="boom"):
        query(False)
    assert events == ["open", "query db", "close"]


def test_classes_callable_instances_and_partials_are_dependencies() -> None:
    class Settings:
        def __init__(self, env: str) -> None:
            self.env = env

    class Multiplier:
        def __init__(self, factor: int) -> None:
            self.factor = factor

        def __call__(self, n: int) -> int:
            return n * self.factor

    def label(prefix: str, n: int) -> str:
        return f"{prefix}{n}"

    @inject
    def run(
        env: str,
        n: int,
        settings: Settings = Depends(Settings),  # noqa: B008
        tripled: int = Depends(Multiplier(3)),
        name: str = Depends(partial(label, "#")),
    ) -> str:
        return f"{settings.env} {tripled} {name}"

    assert run("prod", "2") == "prod 6 #2"


def test_builtins_without_a_signature_are_dependencies_without_inputs() -> None:
    @inject
    def fresh(store: dict = Depends(dict)) -> dict:  # noqa: B008
        store["n"] = 1
        return store

    assert fresh() == {"n": 1}
    assert fresh() is not fresh()


def test_cast_false_passes_a_dependency_value_unchanged() -> None:
    @dataclass
    class Conn:
        url: str

    def connect() -> Conn:
        return Conn("sqlite://")

    def get_logger() -> logging.Logger:
        return logging.getLogger("fd-test")

    @inject
    def use(
        conn: Conn = Depends(connect, cast=False),  # noqa: B008
        log: logging.Logger = Depends(get_logger, cast=False),  # noqa: B008
    ):
        return conn, log

    conn, log = use()
    assert conn == Conn("sqlite://") and log.name == "fd-test"


def test_inject_cast_false_leaves_arguments_alone() -> None:
    @inject(cast=False)
    def echo(a: int, b: int = 5) -> int:
        return (a, b)  # type: ignore[return-value]

    assert echo("1") == ("1", 5)


def test_extra_dependencies_run_before_each_call() -> None:
    seen: list[str] = []

    def audit(user: str) -> None:
        seen.append(user)

    @inject(extra_dependencies=(Depends(audit),))
    def act(user: str) -> str:
        return "done"

    assert act("ann") == "done"
    assert seen == ["ann"]


def test_async_dependencies_are_refused_by_sync_functions_when_decorated() -> None:
    async def load() -> int:
        return 1

    with pytest.raises(AssertionError, match="async dependency `load`"):

        @inject
        def f(x: int = Depends(load)) -> int:
            return x

    with pytest.raises(AssertionError):

        @inject(extra_dependencies=(Depends(load),))
        def g() -> None: ...


def test_overrides_replace_a_dependency_globally_or_within_a_scope() -> None:
    def real() -> str:
        return "real"

    def fake() -> str:
        return "fake"

    @inject
    def which(value: str = Depends(real)) -> str:
        return value

    with dependency_provider.scope(real, fake):
        assert which() == "fake"
    assert which() == "real"
    dependency_provider.override(real, fake)
    assert which() == "fake"

    @inject(dependency_overrides_provider=None)
    def untouched(value: str = Depends(real)) -> str:
        return value

    assert untouched() == "real"


def test_a_provider_of_ones_own_and_async_overrides_of_sync_code() -> None:
    def real() -> int:
        return 1

    async def fake() -> int:
        return 2

    mine = Provider()

    @inject(dependency_overrides_provider=mine)
    def f(v: int = Depends(real)) -> int:
        return v

    mine.override(real, lambda: 3)
    assert f() == 3
    mine.override(real, fake)
    with pytest.raises(AssertionError, match="async dependency"):
        f()


def test_generator_functions_yield_cast_items_with_dependencies_open() -> None:
    state: list[str] = []

    def resource() -> Iterator[None]:
        state.append("open")
        yield
        state.append("closed")

    @inject
    def numbers(text: str, _: None = Depends(resource)) -> Iterator[int]:
        yield text
        yield text + text

    items = []
    for item in numbers("1"):
        assert state == ["open"]
        items.append(item)
    assert items == [1, 11]
    assert state == ["open", "closed"]


def test_var_arguments_and_positional_only_parameters() -> None:
    @inject
    def collect(a: int, /, *rest: float, flag: bool, **extra: int) -> tuple:
        return a, rest, flag, extra

    assert collect("1", "2", 3, flag="yes", k="4") == (1, (2.0, 3.0), True, {"k": 4})

    @inject
    def named(first: str, second: str, **others: str) -> tuple:
        return first, second, others

    assert named(second="B", first="A", x="X") == ("A", "B", {"x": "X"})


def test_methods_and_constructors_can_be_injected() -> None:
    def default_size() -> int:
        return 3

    class Box:
        @inject
        def __init__(self, size: int = Depends(default_size)) -> None:
            self.size = size

        @inject
        def grow(self, by: int) -> int:
            return self.size + by

    assert Box().grow("2") == 5


class Point(BaseModel):
    x: int


def test_string_annotations_and_local_types_resolve() -> None:
    class Local(BaseModel):
        name: str

    @inject
    def make(p: Point, item: Local) -> str:
        return f"{p.x}:{item.name}"

    assert make({"x": "1"}, {"name": "n"}) == "1:n"


def test_injected_function_keeps_its_name_signature_and_wrapped_function() -> None:
    def dep() -> int:
        return 1

    def original(a: int, b: int = Depends(dep)) -> int:
        """Doc."""
        return a + b

    wrapped = inject(original)
    assert wrapped.__name__ == "original" and wrapped.__doc__ == "Doc."
    assert wrapped.__wrapped__ is original  # type: ignore[attr-defined]
    assert wrapped(1) == 2
