"""Many concurrent keep-alive clients are served in parallel: delays overlap instead of adding up."""

from __future__ import annotations

import asyncio
import threading
import time

import openai

from autogen.testing import FakeLLMServer

USER_HI = [{"role": "user", "content": "hi"}]


async def test_200_concurrent_async_calls_overlap():
    with FakeLLMServer(lambda req: "pong " + req.messages[-1]["content"], delay=0.05) as server:
        c = openai.AsyncOpenAI(base_url=server.base_url, api_key="sk-fake", max_retries=0)
        start = time.perf_counter()
        results = await asyncio.gather(
            *[c.chat.completions.create(model="m", messages=[{"role": "user", "content": str(i)}]) for i in range(200)]
        )
        elapsed = time.perf_counter() - start
        await c.close()
    assert [r.choices[0].message.content for r in results] == [f"pong {i}" for i in range(200)]
    assert len(server.requests) == 200
    assert elapsed < 5  # sanity bound only; 200 sequential calls would take >= 10 s


def test_scripted_replies_are_each_used_once_under_thread_concurrency():
    n = 40
    with FakeLLMServer([f"r{i}" for i in range(n)]) as server:
        c = openai.OpenAI(base_url=server.base_url, api_key="sk-fake", max_retries=0)
        got: list[str] = []
        lock = threading.Lock()

        def worker():
            for _ in range(n // 8):
                text = c.chat.completions.create(model="m", messages=USER_HI).choices[0].message.content
                with lock:
                    got.append(text)

        threads = [threading.Thread(target=worker) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        c.close()
    assert sorted(got) == sorted(f"r{i}" for i in range(n))
    assert server.remaining_replies == 0
