"""DiskCache: persistence, pickled values, damage handling and concurrent use by threads and processes."""

from __future__ import annotations

import dataclasses
import logging
import multiprocessing
import os
import sqlite3
import threading
from pathlib import Path

import pytest

from autogen.cache import Cache
from autogen.cache.disk_cache import DiskCache


@dataclasses.dataclass
class Reply:
    text: str
    usage: dict[str, int]
    tags: tuple[str, ...] = ()


def test_roundtrip_and_miss(tmp_path: Path) -> None:
    cache = DiskCache(tmp_path / "c")
    cache.set("k", "v")
    assert cache.get("k") == "v"
    assert cache.get("missing") is None
    assert cache.get("missing", default="fallback") == "fallback"
    cache.set("k", "v2")  # overwrite
    assert cache.get("k") == "v2"
    cache.close()


def test_values_persist_across_instances(tmp_path: Path) -> None:
    with DiskCache(tmp_path / "c") as first:
        first.set("answer", 42)
    second = DiskCache(tmp_path / "c")
    assert second.get("answer") == 42
    assert (tmp_path / "c" / "cache.db").is_file()
    second.close()


def test_complex_objects_roundtrip(tmp_path: Path) -> None:
    value = {"reply": Reply("hi", {"prompt_tokens": 3}, ("a", "b")), "set": {1, 2}, "bytes": b"\x00\xff", "none": None}
    with DiskCache(tmp_path) as cache:
        cache.set("complex", value)
        assert cache.get("complex") == value


def test_openai_chat_completion_roundtrip(tmp_path: Path) -> None:
    chat = pytest.importorskip("openai.types.chat")
    completion = chat.ChatCompletion(
        id="c1",
        object="chat.completion",
        created=1,
        model="gpt-4o",
        choices=[{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": "4"}}],
        usage={"prompt_tokens": 5, "completion_tokens": 1, "total_tokens": 6},
    )
    with DiskCache(tmp_path) as cache:
        cache.set("req", completion)
        got = cache.get("req")
    assert got == completion
    assert got.choices[0].message.content == "4"


def test_unpicklable_value_is_a_clear_error(tmp_path: Path) -> None:
    with DiskCache(tmp_path) as cache:
        with pytest.raises(TypeError, match="cannot be pickled"):
            cache.set("lock", threading.Lock())
        assert cache.get("lock") is None


def test_corrupt_value_is_a_miss_with_warning(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    cache = DiskCache(tmp_path)
    cache.set("good", [1, 2])
    cache.set("bad", "will be damaged")
    cache.close()
    with sqlite3.connect(tmp_path / "cache.db") as conn:
        conn.execute("UPDATE autogen_cache SET value = ? WHERE key = 'bad'", (b"\x80\x05not a pickle",))
    with caplog.at_level(logging.WARNING, logger="autogen.cache.disk_cache"):
        assert cache.get("bad", default="miss") == "miss"
    assert "unreadable value" in caplog.text and "'bad'" in caplog.text
    assert cache.get("good") == [1, 2]
    cache.set("bad", "fixed")  # a damaged entry can be overwritten
    assert cache.get("bad") == "fixed"
    cache.close()


def test_corrupt_database_file_is_replaced(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    (tmp_path / "cache.db").write_bytes(b"this is not a sqlite database" * 100)
    with caplog.at_level(logging.WARNING, logger="autogen.cache.disk_cache"):
        cache = DiskCache(tmp_path)
    assert "unreadable" in caplog.text
    cache.set("k", 1)
    assert cache.get("k") == 1
    assert any(p.name.startswith("cache.db.corrupt-") for p in tmp_path.iterdir())
    cache.close()


def test_uncreatable_directory_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(OSError, match="Cannot create the disk cache directory"):
        DiskCache(blocker / "sub")


def test_location_is_fixed_at_construction(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    cache = Cache.disk(cache_seed=7)  # relative ".cache/7"
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")
    cache.set("k", "v")
    cache.close()
    assert (tmp_path / ".cache" / "7" / "cache.db").is_file()
    assert not (tmp_path / "elsewhere" / ".cache").exists()


def test_close_then_reuse_reopens(tmp_path: Path) -> None:
    cache = DiskCache(tmp_path)
    cache.set("k", 1)
    cache.close()
    cache.close()  # closing twice is harmless
    assert cache.get("k") == 1


def test_many_threads_share_one_cache(tmp_path: Path) -> None:
    cache = DiskCache(tmp_path)
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            for i in range(100):
                cache.set(f"t{n}-{i}", (n, i))
                assert cache.get(f"t{n}-{i}") == (n, i)
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert all(cache.get(f"t{n}-{i}") == (n, i) for n in range(8) for i in range(100))
    cache.close()


def _process_worker(directory: str, worker: int, count: int) -> None:
    """Write and read back ``count`` entries; any failure makes the process exit non-zero."""
    cache = DiskCache(directory)
    # Two threads per process, so process and thread concurrency mix.
    failures: list[BaseException] = []

    def run(offset: int) -> None:
        try:
            for i in range(offset, count, 2):
                cache.set(f"p{worker}-{i}", {"worker": worker, "i": i, "payload": "x" * 200})
                got = cache.get(f"p{worker}-{i}")
                assert got is not None and got["i"] == i, got
                cache.get(f"p{(worker + 1) % 4}-{i}")  # read others' keys while they write
        except BaseException as e:  # noqa: BLE001 - turned into an exit code below
            failures.append(e)

    threads = [threading.Thread(target=run, args=(k,)) for k in (0, 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    cache.close()
    if failures:
        raise SystemExit(f"worker {worker} failed: {failures[0]!r}")


def test_four_processes_share_one_cache(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    count = 200
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_process_worker, args=(str(tmp_path), w, count)) for w in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=120)
    assert [p.exitcode for p in procs] == [0, 0, 0, 0]
    with caplog.at_level(logging.WARNING), DiskCache(tmp_path) as cache:
        for w in range(4):
            for i in range(count):
                assert cache.get(f"p{w}-{i}") == {"worker": w, "i": i, "payload": "x" * 200}
    assert caplog.text == ""
    with sqlite3.connect(tmp_path / "cache.db") as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT COUNT(*) FROM autogen_cache").fetchone()[0] == 4 * count


def test_write_that_stays_locked_is_skipped_with_warning(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    cache = DiskCache(tmp_path, timeout=0.3)
    cache.set("k", "before")
    blocker = sqlite3.connect(tmp_path / "cache.db", isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")  # another writer holds the write lock
    try:
        with caplog.at_level(logging.WARNING, logger="autogen.cache.disk_cache"):
            cache.set("k", "after")
        assert "could not store" in caplog.text
        assert cache.get("k") == "before"  # WAL: readers are not blocked by the writer
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    cache.set("k", "after")
    assert cache.get("k") == "after"
    cache.close()


def test_inherited_instance_works_after_fork(tmp_path: Path) -> None:
    if not hasattr(os, "fork"):
        pytest.skip("needs fork")
    cache = DiskCache(tmp_path)
    cache.set("parent", 1)
    ctx = multiprocessing.get_context("fork")
    proc = ctx.Process(target=_child_uses_inherited, args=(cache,))
    proc.start()
    proc.join(timeout=30)
    assert proc.exitcode == 0
    assert cache.get("child") == 2
    cache.close()


def _child_uses_inherited(cache: DiskCache) -> None:
    assert cache.get("parent") == 1
    cache.set("child", 2)
