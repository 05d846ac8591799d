"""Many concurrent async chats against a slow fake LLM, vs the same calls made with the bare AsyncOpenAI client.

Each chat: an initiator without an LLM (fixed default_auto_reply) and a recipient on the FakeLLMServer,
`await initiator.a_initiate_chat(recipient, max_turns=5)`, so exactly 5 LLM calls per chat. All chats run
at once with asyncio.gather. The request bodies the framework sent are recorded at the server, then
replayed with one `openai.AsyncOpenAI` client: one task per chat, its 5 calls in order.

Run: python bench/bench_concurrent.py [--chats 500] [--turns 5] [--delay 0.05] [--repeats 3] [--server-process]
Target: framework wall time <= 1.3x the raw replay's.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing as mp
import time
from typing import Any

import _benchutil as bu

from autogen import ConversableAgent
from autogen.testing import FakeLLMServer

TARGET_RATIO = 1.3
REPLY = "Fine, noted."
# The SDK's default connect timeout (5 s) can fire when 500 connections open at once on a loaded 2-core
# machine; both sides get the same longer timeout so the run measures speed, not who hit it first.
TIMEOUT = 120.0
BIG = 1_000_000


# ---- the server, in this process or in its own ------------------------------------------------------


class InProcessServer:
    """FakeLLMServer in a thread of this process (shares the GIL with the clients)."""

    def __init__(self, delay: float) -> None:
        self._server = FakeLLMServer(default_reply=REPLY, delay=delay).start()
        self.base_url = self._server.base_url
        self.config_list = self._server.config_list

    def bodies(self) -> list[dict[str, Any]]:
        return [r.body for r in self._server.requests]

    def clear(self) -> None:
        self._server.clear_requests()

    def stop(self) -> None:
        self._server.stop()


def _serve(conn: Any, delay: float) -> None:
    with FakeLLMServer(default_reply=REPLY, delay=delay) as server:
        conn.send((server.base_url, server.config_list))
        while True:
            cmd = conn.recv()
            if cmd == "bodies":
                conn.send([r.body for r in server.requests])
            elif cmd == "clear":
                server.clear_requests()
                conn.send(None)
            else:
                break


class ServerProcess:
    """FakeLLMServer in a child process, so it does not compete with the clients for the GIL."""

    def __init__(self, delay: float) -> None:
        ctx = mp.get_context("spawn")
        self._conn, child = ctx.Pipe()
        self._proc = ctx.Process(target=_serve, args=(child, delay), daemon=True)
        self._proc.start()
        self.base_url, self.config_list = self._conn.recv()

    def bodies(self) -> list[dict[str, Any]]:
        self._conn.send("bodies")
        return self._conn.recv()

    def clear(self) -> None:
        self._conn.send("clear")
        self._conn.recv()

    def stop(self) -> None:
        self._conn.send("stop")
        self._proc.join(10)


# ---- the two sides ----------------------------------------------------------------------------------


def make_pairs(server: Any, n: int, tag: str) -> list[tuple[ConversableAgent, ConversableAgent]]:
    llm_config = {"config_list": [{**e, "timeout": TIMEOUT} for e in server.config_list]}
    return [
        (
            ConversableAgent(
                f"user_{tag}{i}",
                llm_config=False,
                human_input_mode="NEVER",
                default_auto_reply="Please go on.",
                max_consecutive_auto_reply=BIG,
            ),
            ConversableAgent(
                f"assistant_{tag}{i}", llm_config=llm_config, human_input_mode="NEVER", max_consecutive_auto_reply=BIG
            ),
        )
        for i in range(n)
    ]


async def run_chats(pairs: list[tuple[ConversableAgent, ConversableAgent]], turns: int) -> float:
    t0 = time.perf_counter()
    await asyncio.gather(
        *(u.a_initiate_chat(a, message="Hello there.", max_turns=turns, silent=True) for u, a in pairs)
    )
    return time.perf_counter() - t0


def group_by_chat(bodies: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """The recorded bodies of each chat, in the order they were sent (keyed by the initiator's name)."""
    chats: dict[str, list[dict[str, Any]]] = {}
    for body in bodies:
        initiator = next(m.get("name") for m in body["messages"] if m.get("role") == "user")
        chats.setdefault(initiator, []).append(body)
    return list(chats.values())


async def run_raw(client: Any, chats: list[list[dict[str, Any]]]) -> float:
    async def one(bodies: list[dict[str, Any]]) -> None:
        for body in bodies:
            await client.chat.completions.create(**body)

    t0 = time.perf_counter()
    await asyncio.gather(*(one(b) for b in chats))
    return time.perf_counter() - t0


async def measure(server: Any, args: argparse.Namespace) -> dict[str, Any]:
    import openai

    raw = openai.AsyncOpenAI(base_url=server.base_url, api_key="sk-fake", max_retries=0, timeout=TIMEOUT)
    expected = args.chats * args.turns

    # warm-up: first use of the shared async client, pydantic models, connections
    with bu.quiet_stdout():
        await run_chats(make_pairs(server, 10, "warm"), args.turns)
    await run_raw(raw, group_by_chat(server.bodies()))
    server.clear()

    out: dict[str, Any] = {
        "fw": [],
        "raw": [],
        "fw_peak": [],
        "raw_peak": [],
        "fw_base": [],
        "raw_base": [],
        "build": [],
        "fw_cpu": [],
        "raw_cpu": [],
    }
    for rep in range(args.repeats):
        t0 = time.perf_counter()
        pairs = make_pairs(server, args.chats, f"r{rep}_")
        out["build"].append(time.perf_counter() - t0)

        out["fw_base"].append(bu.rss_mb())
        bu.reset_peak_rss()
        c0 = time.process_time()
        with bu.quiet_stdout():
            out["fw"].append(await run_chats(pairs, args.turns))
        out["fw_cpu"].append(time.process_time() - c0)
        out["fw_peak"].append(bu.proc_peak_rss_mb())

        bodies = server.bodies()
        if len(bodies) != expected:
            raise SystemExit(
                f"expected {expected} LLM calls ({args.chats} chats x {args.turns}), server got {len(bodies)}"
            )
        chats = group_by_chat(bodies)
        if len(chats) != args.chats or any(len(c) != args.turns for c in chats):
            raise SystemExit("the recorded requests do not split into one run of --turns calls per chat")
        del pairs
        server.clear()

        out["raw_base"].append(bu.rss_mb())
        bu.reset_peak_rss()
        c0 = time.process_time()
        out["raw"].append(await run_raw(raw, chats))
        out["raw_cpu"].append(time.process_time() - c0)
        out["raw_peak"].append(bu.proc_peak_rss_mb())
        server.clear()
    if args.profile:
        import cProfile

        pairs = make_pairs(server, args.chats, "prof_")
        prof = cProfile.Profile()
        with bu.quiet_stdout():
            prof.enable()
            await run_chats(pairs, args.turns)
            prof.disable()
        out["profile"] = prof
    await raw.close()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--chats", type=int, default=500, help="concurrent chats (default 500)")
    ap.add_argument("--turns", type=int, default=5, help="max_turns, = LLM calls per chat (default 5)")
    ap.add_argument("--delay", type=float, default=0.05, help="server delay per request in seconds (default 0.05)")
    ap.add_argument("--repeats", type=int, default=3, help="framework + raw pairs; the median is shown")
    ap.add_argument("--profile", action="store_true", help="print a cProfile summary of one extra framework run")
    ap.add_argument("--server-process", action="store_true", help="run the FakeLLMServer in a child process")
    args = ap.parse_args()

    server = ServerProcess(args.delay) if args.server_process else InProcessServer(args.delay)
    try:
        out = asyncio.run(measure(server, args))
    finally:
        server.stop()

    import statistics

    prof = out.pop("profile", None)
    med = {k: statistics.median(v) for k, v in out.items()}
    ratio = med["fw"] / med["raw"]
    cpu_ratio = med["fw_cpu"] / med["raw_cpu"]
    calls = args.chats * args.turns
    where = "a child process" if args.server_process else "this process (shares the GIL)"
    print(
        f"{args.chats} concurrent chats x {args.turns} LLM calls = {calls} calls, server delay {args.delay}s, "
        f"server in {where}, median of {args.repeats}"
    )
    print(f"ideal wall time (delay only): {args.turns * args.delay:.2f} s")
    bu.table(
        [
            "side",
            "wall s",
            "calls/s",
            "wall ms/call",
            "CPU s",
            "CPU vs raw",
            "peak RSS MB",
            "RSS growth MB",
            "vs raw",
            "target",
        ],
        [
            [
                "raw AsyncOpenAI replay",
                med["raw"],
                f"{calls / med['raw']:.0f}",
                f"{med['raw'] / calls * 1e3:.2f}",
                med["raw_cpu"],
                "1.00x",
                f"{med['raw_peak']:.0f}",
                f"{med['raw_peak'] - med['raw_base']:.1f}",
                "1.00x",
                "",
            ],
            [
                "a_initiate_chat",
                med["fw"],
                f"{calls / med['fw']:.0f}",
                f"{med['fw'] / calls * 1e3:.2f}",
                med["fw_cpu"],
                f"{cpu_ratio:.2f}x",
                f"{med['fw_peak']:.0f}",
                f"{med['fw_peak'] - med['fw_base']:.1f}",
                f"{ratio:.2f}x",
                f"<= {TARGET_RATIO}x {bu.verdict(ratio <= TARGET_RATIO)}",
            ],
        ],
    )
    print(
        "CPU s = this process's CPU time (clients and, unless --server-process, the server thread): "
        "less exposed to load from other processes than wall time."
    )
    print(f"building the {2 * args.chats} agents (not in the wall time): {med['build']:.3f} s")
    print(f"process peak RSS overall: {bu.peak_rss_mb():.0f} MB")
    if prof is not None:
        bu.profile_report(prof, f"{args.chats} concurrent chats (framework side)")


if __name__ == "__main__":
    main()
