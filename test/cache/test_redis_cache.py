"""RedisCache against a real redis-server started by the session fixture."""

from __future__ import annotations

import logging
import pickle
import threading

import pytest

from autogen.cache import Cache
from autogen.cache.redis_cache import RedisCache


@pytest.fixture
def raw(redis_url: str):
    """A plain redis client on the test server, emptied after each test."""
    redis = pytest.importorskip("redis")
    client = redis.Redis.from_url(redis_url)
    yield client
    client.flushdb()
    client.close()


def test_roundtrip_with_documented_key_layout(redis_url: str, raw) -> None:
    cache = RedisCache(7, redis_url)
    cache.set("question", {"answer": [4, 2], "text": "forty-two"})
    assert cache.get("question") == {"answer": [4, 2], "text": "forty-two"}
    assert cache.get("nope") is None
    assert cache.get("nope", "dflt") == "dflt"
    stored = raw.get("autogen:7:question")
    assert pickle.loads(stored) == {"answer": [4, 2], "text": "forty-two"}
    cache.close()


def test_seeds_are_separate_namespaces(redis_url: str, raw) -> None:
    a, b = RedisCache("a", redis_url), RedisCache("b", redis_url)
    a.set("k", 1)
    assert b.get("k") is None
    b.set("k", 2)
    assert (a.get("k"), b.get("k")) == (1, 2)
    a.close()
    b.close()


def test_values_shared_between_instances(redis_url: str, raw) -> None:
    with Cache.redis(cache_seed=3, redis_url=redis_url) as writer:
        writer.set("shared", ("tuple", 1.5))
    with Cache.redis(cache_seed=3, redis_url=redis_url) as reader:
        assert isinstance(reader, RedisCache)
        assert reader.get("shared") == ("tuple", 1.5)


def test_foreign_or_damaged_value_is_a_miss(redis_url: str, raw, caplog: pytest.LogCaptureFixture) -> None:
    raw.set("autogen:9:k", b'{"json": "written by another tool"}')
    cache = RedisCache(9, redis_url)
    with caplog.at_level(logging.WARNING, logger="autogen.cache.redis_cache"):
        assert cache.get("k", "miss") == "miss"
    assert "unreadable value" in caplog.text
    cache.close()


def test_unreachable_server_names_the_url(free_port: int) -> None:
    pytest.importorskip("redis")
    url = f"redis://user:s3cret@127.0.0.1:{free_port}/0"
    with pytest.raises(ConnectionError) as info:
        Cache.redis(redis_url=url)
    message = str(info.value)
    assert f"127.0.0.1:{free_port}" in message
    assert "s3cret" not in message  # the password is masked


def test_concurrent_threads(redis_url: str, raw) -> None:
    cache = RedisCache("t", redis_url)
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            for i in range(50):
                cache.set(f"{n}:{i}", i)
                assert cache.get(f"{n}:{i}") == i
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    cache.close()


def test_missing_redis_package_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "redis", None)  # makes `import redis` fail
    with pytest.raises(ImportError, match=r"ag2\[redis\]"):
        Cache.redis(redis_url="redis://127.0.0.1:1/0")


def test_connecting_gives_up_in_seconds_unless_the_url_says_otherwise(redis_url: str) -> None:
    default = RedisCache("t", redis_url)
    chosen = RedisCache("t", f"{redis_url}?socket_connect_timeout=1.5")
    assert default.cache.connection_pool.connection_kwargs["socket_connect_timeout"] == 5
    assert chosen.cache.connection_pool.connection_kwargs["socket_connect_timeout"] == 1.5
    default.close()
    chosen.close()
