"""Retry policies for remote-agent calls: how many attempts run and which error escapes."""

import asyncio

import pytest

from autogen.agentchat.remote.retry import NoRetryPolicy, SleepRetryPolicy


class _Flaky:
    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.calls = 0

    def __call__(self) -> str:
        self.calls += 1
        if self.calls <= self.failures:
            raise ConnectionError(f"attempt {self.calls}")
        return "ok"


def _run(manager, call):
    while True:
        with manager:
            return call()


async def _arun(manager, call):
    while True:
        async with manager:
            return call()


def test_sleep_policy_retries_until_success() -> None:
    call = _Flaky(failures=2)
    assert _run(SleepRetryPolicy(retry_interval=0, retry_count=3)(), call) == "ok"
    assert call.calls == 3


def test_sleep_policy_lets_the_last_error_through() -> None:
    call = _Flaky(failures=5)
    with pytest.raises(ConnectionError, match="attempt 3"):
        _run(SleepRetryPolicy(retry_interval=0, retry_count=3)(), call)
    assert call.calls == 3


def test_each_call_gets_a_fresh_count() -> None:
    policy = SleepRetryPolicy(retry_interval=0, retry_count=2)
    assert _run(policy(), _Flaky(failures=1)) == "ok"
    assert _run(policy(), _Flaky(failures=1)) == "ok"


def test_async_sleep_policy() -> None:
    call = _Flaky(failures=1)
    assert asyncio.run(_arun(SleepRetryPolicy(retry_interval=0, retry_count=2)(), call)) == "ok"
    with pytest.raises(ConnectionError):
        asyncio.run(_arun(SleepRetryPolicy(retry_interval=0, retry_count=2)(), _Flaky(failures=2)))


def test_no_retry_policy_propagates_first_error() -> None:
    call = _Flaky(failures=1)
    with pytest.raises(ConnectionError, match="attempt 1"):
        _run(NoRetryPolicy(), call)
    with pytest.raises(ConnectionError):
        asyncio.run(_arun(NoRetryPolicy(), _Flaky(failures=1)))
