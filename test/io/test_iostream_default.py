"""Which stream agents write to: context override per thread / asyncio task, global fallback."""

import asyncio
import threading
from typing import Any

import pytest

import autogen  # noqa: F401  - installs the console as global default
from autogen.io import IOConsole, IOStream, IOStreamProtocol


class RecordingStream:
    """A minimal stream that remembers what it was given."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.sent: list[Any] = []

    def print(self, *objects: Any, sep: str = " ", end: str = "\n", flush: bool = False) -> None:
        self.sent.append(sep.join(map(str, objects)) + end)

    def send(self, event: Any) -> None:
        self.sent.append(event)

    def input(self, prompt: str = "", *, password: bool = False) -> str:
        return f"{self.name}-answer"


def test_import_autogen_installs_console_as_global_default() -> None:
    assert isinstance(IOStream.get_global_default(), IOConsole)
    assert isinstance(IOStream.get_default(), IOConsole)


def test_get_global_default_without_one_raises(restore_global_default: None) -> None:
    IOStream.set_global_default(None)
    with pytest.raises(RuntimeError, match="set_global_default"):
        IOStream.get_global_default()


def test_set_global_default_is_seen_where_no_context_stream_is_set(restore_global_default: None) -> None:
    IOStream.get_default()  # an earlier lookup must not pin the old stream in this context
    mine = RecordingStream("global")
    IOStream.set_global_default(mine)
    assert IOStream.get_default() is mine
    seen: list[Any] = []
    t = threading.Thread(target=lambda: seen.append(IOStream.get_default()))
    t.start()
    t.join()
    assert seen == [mine]


def test_set_default_overrides_inside_with_block_only() -> None:
    mine = RecordingStream("ctx")
    before = IOStream.get_default()
    with IOStream.set_default(mine) as installed:
        assert installed is mine
        assert IOStream.get_default() is mine
        IOStream.get_default().input("q")
    assert IOStream.get_default() is before


def test_set_default_without_with_has_no_effect() -> None:
    before = IOStream.get_default()
    IOStream.set_default(RecordingStream("ignored"))
    assert IOStream.get_default() is before


def test_nested_set_default_restores_outer_stream() -> None:
    outer, inner = RecordingStream("outer"), RecordingStream("inner")
    with IOStream.set_default(outer):
        with IOStream.set_default(inner):
            assert IOStream.get_default() is inner
        assert IOStream.get_default() is outer


def test_context_stream_is_per_thread() -> None:
    barrier = threading.Barrier(3)
    seen: dict[str, Any] = {}
    streams = {"a": RecordingStream("a"), "b": RecordingStream("b")}

    def worker(key: str) -> None:
        with IOStream.set_default(streams[key]):
            barrier.wait()  # both threads are inside their `with` at the same time
            seen[key] = IOStream.get_default()
            barrier.wait()

    threads = [threading.Thread(target=worker, args=(k,)) for k in streams]
    for t in threads:
        t.start()
    barrier.wait()
    main_view = IOStream.get_default()
    barrier.wait()
    for t in threads:
        t.join()
    assert seen == streams
    assert isinstance(main_view, IOConsole)


async def test_context_stream_is_per_asyncio_task() -> None:
    started = asyncio.Event()
    release = asyncio.Event()

    async def task(name: str) -> Any:
        with IOStream.set_default(RecordingStream(name)):
            started.set()
            await release.wait()
            return IOStream.get_default().name

    t1 = asyncio.create_task(task("one"))
    t2 = asyncio.create_task(task("two"))
    await started.wait()
    assert isinstance(IOStream.get_default(), IOConsole)  # the tasks' streams do not leak out
    release.set()
    assert await asyncio.gather(t1, t2) == ["one", "two"]


async def test_asyncio_task_inherits_the_stream_of_its_creator() -> None:
    mine = RecordingStream("creator")
    with IOStream.set_default(mine):
        inherited = await asyncio.create_task(_current_stream())
    assert inherited is mine


async def _current_stream() -> Any:
    return IOStream.get_default()


def test_any_object_with_the_three_methods_is_a_stream() -> None:
    assert isinstance(RecordingStream("x"), IOStreamProtocol)
    assert isinstance(IOConsole(), IOStream)
