"""Many concurrent keep-alive clients are served in parallel: delays overlap instead of adding up."""

from __future__ import annotations

import asyncio
import threading

import openai

from autogen.testing import FakeLLMServer

USER_HI = [{"role": "user", "content": "hi"}]


async def test_200_concurrent_async_calls_overlap():
    in_flight, most = 0, 0

    async def pong(req):
        # counts the requests being answered at once: overlap is seen, not inferred from timing
        nonlocal in_flight, most
        in_flight += 1
        most = max(most, in_flight)
        await asyncio.sleep(0.05)
        in_flight -= 1
        return "pong " + req.messages[-1]["content"]

    with FakeLLMServer(pong) as server:
        c = openai.AsyncOpenAI(base_url=server.base_url, api_key="sk-fake", max_retries=0)
        results = await asyncio.gather(
            *[c.chat.completions.create(model="m", messages=[{"role": "user", "content": str(i)}]) for i in range(200)]
        )
        await c.close()
    assert [r.choices[0].message.content for r in results] == [f"pong {i}" for i in range(200)]
    assert len(server.requests) == 200
    assert most > 1, "the server answered the concurrent requests one at a time"


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
