"""Agent costs: building many agents, and the framework's share of long chats against a fake LLM.

(a) build N ConversableAgents with the same llm_config dict: wall time, tracemalloc peak, RSS growth.
(b) a two-agent chat of T turns (both agents call the LLM); (c) a tool-calling chat of R turns where
the LLM alternates a tool call and a text reply and a user proxy runs the tool. For (b) and (c) the
request bodies the framework sent are recorded at the FakeLLMServer (real HTTP on 127.0.0.1, in this
process) and replayed with the bare openai client; framework time = chat time - replay time.

(d) with --traced: the two-agent chat of (b) with both agents and the LLM wrapper instrumented
(autogen.opentelemetry; SDK TracerProvider, BatchSpanProcessor, an exporter that drops the spans)
against the same chat untraced, alternating runs: the added time.

Run: python bench/bench_agents.py [--agents 1000] [--turns 200] [--tool-turns 100] [--repeats 3] [--profile] [--traced]
Targets: (a) <= 0.5 s and <= 50 MB for 1,000 agents; (b), (c) framework share <= 10% of the chat time;
(d) tracing adds <= 3%.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import os
import statistics
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

import _benchutil as bu

from autogen import ConversableAgent, register_function
from autogen.testing import FakeLLMServer, RecordedRequest, tool_call

TARGET_BUILD_S = 0.5
TARGET_BUILD_MB = 50.0
TARGET_SHARE = 0.10
TARGET_TRACED = 0.03
BIG = 1_000_000


def add(a: int, b: int) -> int:
    """Add two integers."""
    return a + b


# ---- (a) building agents -----------------------------------------------------------------------


def bench_build(server: FakeLLMServer, n: int) -> list[list[Any]]:
    config = server.llm_config  # the same dict object for every agent, as a user's script would pass
    ConversableAgent("warmup", llm_config=config, human_input_mode="NEVER")  # first use loads pydantic etc.

    gc.collect()
    rss0 = bu.rss_mb()
    t0 = time.perf_counter()
    agents = [ConversableAgent(f"agent_{i}", llm_config=config, human_input_mode="NEVER") for i in range(n)]
    wall = time.perf_counter() - t0
    rss_delta = bu.rss_mb() - rss0
    del agents
    gc.collect()

    tracemalloc.start()
    agents = [ConversableAgent(f"agent_{i}", llm_config=config, human_input_mode="NEVER") for i in range(n)]
    held, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del agents
    gc.collect()

    mb = 2**20
    return [
        [f"build {n} agents: wall", f"{wall:.3f} s", f"<= {TARGET_BUILD_S} s {bu.verdict(wall <= TARGET_BUILD_S)}"],
        [
            f"build {n} agents: tracemalloc peak",
            f"{peak / mb:.1f} MB",
            f"<= {TARGET_BUILD_MB:.0f} MB {bu.verdict(peak / mb <= TARGET_BUILD_MB)}",
        ],
        [f"build {n} agents: held after build", f"{held / mb:.1f} MB", ""],
        [
            f"build {n} agents: RSS growth",
            f"{rss_delta:.1f} MB",
            f"<= {TARGET_BUILD_MB:.0f} MB {bu.verdict(rss_delta <= TARGET_BUILD_MB)}",
        ],
        ["per agent", f"{wall / n * 1e6:.0f} us, {peak / n / 1024:.1f} KiB", ""],
    ]


# ---- (b), (c) chats vs a raw replay ----------------------------------------------------------------


def chat_reply(_: RecordedRequest) -> str:
    return "Noted, please go on."


def tool_reply(request: RecordedRequest) -> Any:
    # Decided by the request alone, so the raw replay gets exactly the same answers.
    last = request.messages[-1] if request.messages else {}
    if last.get("role") == "tool":
        return "The sum is 3."
    return {"content": None, "tool_calls": [tool_call("add", {"a": 1, "b": 2})]}


def two_agent_chat(server: FakeLLMServer, turns: int, silent: bool) -> Callable[[], None]:
    """Build the agents now; the returned callable runs the chat (only that is timed)."""
    a = ConversableAgent(
        "alice", llm_config=server.llm_config, human_input_mode="NEVER", max_consecutive_auto_reply=BIG
    )
    b = ConversableAgent("bob", llm_config=server.llm_config, human_input_mode="NEVER", max_consecutive_auto_reply=BIG)

    def run() -> None:
        a.initiate_chat(b, message="Let us talk for a while.", max_turns=turns, silent=silent)

    run.agents = (a, b)  # type: ignore[attr-defined]
    return run


def tool_chat(server: FakeLLMServer, turns: int, silent: bool) -> Callable[[], None]:
    """Build the agents and register the tool now; the returned callable runs the chat and checks it."""
    assistant = ConversableAgent(
        "assistant", llm_config=server.llm_config, human_input_mode="NEVER", max_consecutive_auto_reply=BIG
    )
    user = ConversableAgent(
        "user",
        llm_config=False,
        human_input_mode="NEVER",
        default_auto_reply="Continue.",
        max_consecutive_auto_reply=BIG,
    )
    register_function(add, caller=assistant, executor=user, name="add", description="Add two integers.")

    def run() -> None:
        user.initiate_chat(assistant, message="Add 1 and 2, as often as I ask.", max_turns=turns, silent=silent)
        tool_msgs = sum(1 for m in user.chat_messages[assistant] if m.get("role") == "tool")
        if tool_msgs != turns // 2:
            raise SystemExit(f"tool chat: expected {turns // 2} tool results, the chat has {tool_msgs}")

    return run


def replay(raw: Any, bodies: list[dict[str, Any]]) -> float:
    # The wrapper sends through the client's post(); create()'s own argument handling grows with the
    # history (tens of ms per call at 400 messages with openai 3.x) and would hide the framework's cost.
    return bu.replay_post(raw, bodies)


def bench_chat(
    server: FakeLLMServer,
    raw: Any,
    label: str,
    make: Callable[[FakeLLMServer, int, bool], Callable[[], None]],
    turns: int,
    expected_calls: int,
    repeats: int,
    silent: bool,
) -> tuple[list[Any], float]:
    with bu.quiet_stdout():
        make(server, min(turns, 6), silent)()  # warm up both paths
    server.clear_requests()
    totals, raws, in_sdk = [], [], []
    for _ in range(repeats):
        run = make(server, turns, silent)
        server.clear_requests()
        timer = bu.SdkTimer()
        with bu.quiet_stdout(), timer.patched():
            totals.append(bu.timed(run))
        in_sdk.append(timer.seconds)
        bodies = [r.body for r in server.requests]
        if len(bodies) != expected_calls:
            raise SystemExit(f"{label}: expected {expected_calls} LLM calls, the server got {len(bodies)}")
        raws.append(replay(raw, bodies))
    # Pair each chat with its own replay; the median pair is reported.
    pairs = sorted(zip(totals, raws), key=lambda p: (p[0] - p[1]) / p[0])
    total, raw_s = pairs[len(pairs) // 2]
    fw = total - raw_s
    share = fw / total
    # same-run estimate: chat time minus the time spent inside the SDK call
    own = statistics.median(t - s for t, s in zip(totals, in_sdk))
    own_share = statistics.median((t - s) / t for t, s in zip(totals, in_sdk))
    row = [
        label,
        expected_calls,
        f"{total:.3f}",
        f"{raw_s:.3f}",
        f"{fw:.3f}",
        f"{fw / expected_calls * 1e3:.2f}",
        f"{share:.1%}",
        f"<= {TARGET_SHARE:.0%} {bu.verdict(share <= TARGET_SHARE)}",
        f"{own / expected_calls * 1e3:.2f}",
        f"{own_share:.1%} {bu.verdict(own_share <= TARGET_SHARE)}",
    ]
    return row, statistics.fmean(totals)


def _tracer_provider(kind: str) -> tuple[Any, Callable[[], int]]:
    """("off" | "no-op tracer" | "SDK") -> (tracer provider or None, count of spans exported so far)."""
    if kind == "off":
        return None, lambda: 0
    if kind == "no-op tracer":
        from opentelemetry.trace import NoOpTracerProvider

        return NoOpTracerProvider(), lambda: 0
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExporter, SpanExportResult

    exported = [0]

    class DropExporter(SpanExporter):
        def export(self, spans: Any) -> SpanExportResult:
            exported[0] += len(spans)
            return SpanExportResult.SUCCESS

    sdk = TracerProvider()
    sdk.add_span_processor(BatchSpanProcessor(DropExporter()))
    return sdk, lambda: exported[0]


TRACED_KINDS = ("off", "no-op tracer", "SDK")


def traced_chat(server: FakeLLMServer, turns: int, provider: Any) -> Callable[[], None]:
    """The two-agent chat of (b), silent, with both agents and the LLM wrapper instrumented when
    ``provider`` is not None."""
    from autogen.opentelemetry import instrument_agent, instrument_llm_wrapper, uninstrument_llm_wrapper

    uninstrument_llm_wrapper()
    if provider is not None:
        instrument_llm_wrapper(tracer_provider=provider)
    run = two_agent_chat(server, turns, True)
    if provider is not None:
        for agent in run.agents:  # type: ignore[attr-defined]
            instrument_agent(agent, tracer_provider=provider)
    return run


def bench_traced(server: FakeLLMServer, turns: int, repeats: int) -> list[list[Any]]:
    """(d) The two-agent chat untraced, traced through a no-op tracer provider (the instrumentation's
    own cost) and traced with the SDK (BatchSpanProcessor, spans dropped). Each repeat runs the three
    back to back (order rotated) and the added CPU is taken against the untraced run of the same
    repeat: the machine's drift over the minutes of the run cancels out. Median over repeats."""
    from autogen.opentelemetry import uninstrument_llm_wrapper

    providers = {kind: _tracer_provider(kind) for kind in TRACED_KINDS}
    walls: dict[str, list[float]] = {k: [] for k in providers}
    cpus: dict[str, list[float]] = {k: [] for k in providers}
    with bu.quiet_stdout():
        for provider, _ in providers.values():
            traced_chat(server, turns, provider)()
        for r in range(repeats):
            kinds = TRACED_KINDS[r % 3 :] + TRACED_KINDS[: r % 3]
            for kind in kinds:
                run = traced_chat(server, turns, providers[kind][0])
                server.clear_requests()
                if providers["SDK"][0] is not None:
                    providers["SDK"][0].force_flush()
                gc.collect()
                c0 = time.thread_time()
                walls[kind].append(bu.timed(run))
                cpus[kind].append(time.thread_time() - c0)
    uninstrument_llm_wrapper()
    sdk, spans = providers["SDK"]
    sdk.shutdown()
    calls = 2 * turns - 1
    base_wall = statistics.median(walls["off"])
    rows = []
    for kind in providers:
        added = statistics.median(c - o for c, o in zip(cpus[kind], cpus["off"]))
        added_wall = statistics.median(w - o for w, o in zip(walls[kind], walls["off"]))
        share = added / base_wall
        judged = kind == "no-op tracer"
        rows.append(
            [
                f"(d) {turns}-turn two-agent chat, tracing {kind}",
                f"{statistics.median(walls[kind]):.3f}",
                f"{added_wall / base_wall:+.1%}",
                f"{added / calls * 1e6:.0f}",
                f"{share:+.1%}" + (f" {bu.verdict(share <= TARGET_TRACED)}" if judged else ""),
                f"<= {TARGET_TRACED:.0%}" if judged else ("(the SDK's own span cost)" if kind == "SDK" else ""),
                str(spans()) if kind == "SDK" else "",
            ]
        )
    return rows


def traced_instructions(turns: int) -> list[list[Any]]:
    """(d') The same three cases counted in CPU instructions under valgrind (cachegrind, no cache
    simulation): one process per case and chat count, the per-chat figure is the difference of a
    two-chat and a one-chat process (so start-up and imports drop out). Independent of the machine's load;
    slow (minutes)."""
    import shutil
    import subprocess
    import sys

    valgrind = shutil.which("valgrind")
    if valgrind is None:
        return [["(d') valgrind is not installed", "", "", "", ""]]

    def instructions(kind: str, chats: int) -> int:
        out = subprocess.run(
            [valgrind, "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null", sys.executable,
             __file__, "--traced-child", kind, str(chats), str(turns)],
            capture_output=True, text=True, check=True,
            env={**os.environ, "PYTHONHASHSEED": "0"},  # a random string-hash seed varies the count by a few %
        )  # fmt: skip
        line = next(x for x in out.stderr.splitlines() if "I refs" in x or "I   refs" in x)
        return int(line.split(":")[-1].replace(",", "").strip())

    per_chat = {kind: instructions(kind, 2) - instructions(kind, 1) for kind in TRACED_KINDS}
    calls = 2 * turns - 1
    rows = []
    for kind, count in per_chat.items():
        share = (count - per_chat["off"]) / per_chat["off"]
        judged = kind == "no-op tracer"
        rows.append(
            [
                f"(d') {turns}-turn two-agent chat, tracing {kind}",
                f"{count / 1e6:.0f}",
                f"{(count - per_chat['off']) / calls:,.0f}",
                f"{share:+.1%}" + (f" {bu.verdict(share <= TARGET_TRACED)}" if judged else ""),
                f"<= {TARGET_TRACED:.0%}" if judged else ("(the SDK's own span cost)" if kind == "SDK" else ""),
            ]
        )
    return rows


def traced_child(kind: str, chats: int, turns: int) -> None:
    """Run ``chats`` traced two-agent chats in this process (for :func:`traced_instructions`)."""
    provider, _ = _tracer_provider(kind)
    with FakeLLMServer(chat_reply) as server, bu.quiet_stdout():
        for _ in range(chats):
            run = traced_chat(server, turns, provider)
            server.clear_requests()
            run()
    if provider is not None and hasattr(provider, "shutdown"):
        provider.shutdown()


def profile(
    server: FakeLLMServer, make: Callable[[FakeLLMServer, int, bool], Callable[[], None]], turns: int, label: str
) -> None:
    run = make(server, turns, False)
    prof = cProfile.Profile()
    with bu.quiet_stdout():
        prof.enable()
        run()
        prof.disable()
    bu.profile_report(prof, label)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--agents", type=int, default=1000, help="agents to build in (a) (default 1000)")
    ap.add_argument("--turns", type=int, default=200, help="max_turns of the two-agent chat (default 200)")
    ap.add_argument("--tool-turns", type=int, default=100, help="max_turns of the tool chat (default 100)")
    ap.add_argument("--repeats", type=int, default=3, help="chat + replay pairs per case; the median is shown")
    ap.add_argument("--profile", action="store_true", help="also print cProfile summaries of both chats")
    ap.add_argument("--traced", action="store_true", help="also (d): the two-agent chat with OpenTelemetry tracing on")
    ap.add_argument(
        "--traced-instructions",
        action="store_true",
        help="also (d'): the same counted in CPU instructions under valgrind (slow; needs valgrind)",
    )
    ap.add_argument(
        "--instruction-turns", type=int, default=50, help="max_turns of the chat counted in (d') (default 50)"
    )
    ap.add_argument("--traced-child", nargs=3, metavar=("KIND", "CHATS", "TURNS"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.traced_child:
        kind, chats, turns = args.traced_child
        traced_child(kind, int(chats), int(turns))
        return

    import openai

    with FakeLLMServer(chat_reply) as server:
        build_rows = bench_build(server, args.agents)
        raw = openai.OpenAI(base_url=server.base_url, api_key="sk-fake", max_retries=0)
        # max_turns=T with both agents on the LLM: the recipient answers T times, the initiator T-1 times.
        chat_calls = 2 * args.turns - 1
        chat_rows = []
        for silent in (False, True):
            tag = "silent=True" if silent else "printing (to /dev/null)"
            row, _ = bench_chat(
                server,
                raw,
                f"(b) two-agent chat, {tag}",
                two_agent_chat,
                args.turns,
                chat_calls,
                args.repeats,
                silent,
            )
            chat_rows.append(row)
        if args.profile:
            profile(server, two_agent_chat, args.turns, f"two-agent chat, {args.turns} turns")
        traced_rows = bench_traced(server, args.turns, max(args.repeats, 9)) if args.traced else []
    instruction_rows = traced_instructions(args.instruction_turns) if args.traced_instructions else []

    with FakeLLMServer(tool_reply) as server:
        raw = openai.OpenAI(base_url=server.base_url, api_key="sk-fake", max_retries=0)
        for silent in (False, True):
            tag = "silent=True" if silent else "printing (to /dev/null)"
            row, _ = bench_chat(
                server,
                raw,
                f"(c) tool chat, {tag}",
                tool_chat,
                args.tool_turns,
                args.tool_turns,
                args.repeats,
                silent,
            )
            chat_rows.append(row)
        if args.profile:
            profile(server, tool_chat, args.tool_turns, f"tool chat, {args.tool_turns} turns")

    print("(a) building agents (same llm_config dict each time, after one warm-up agent)")
    bu.table(["what", "result", "target"], build_rows)
    print()
    print(
        f"(b) {args.turns}-turn two-agent chat and (c) {args.tool_turns}-turn tool chat vs replaying the same "
        f"request bodies with the raw openai client (median of {args.repeats})"
    )
    bu.table(
        [
            "case",
            "LLM calls",
            "chat s",
            "raw s",
            "framework s",
            "ms/call",
            "share",
            "target",
            "| own ms/call",
            "own share",
        ],
        chat_rows,
    )
    if traced_rows:
        print()
        print(
            "(d) tracing off / through a no-op tracer (the instrumentation's own cost, judged) / with the SDK "
            "(BatchSpanProcessor, spans dropped); added CPU = the chat thread's CPU time minus the untraced run's of "
            "the same repeat, median"
        )
        bu.table(
            ["case", "chat s", "added (wall)", "added CPU us/call", "added CPU / chat", "target", "spans"],
            traced_rows,
        )
    if instruction_rows:
        print()
        print(
            "(d') the same, counted in CPU instructions (valgrind cachegrind; all threads: chat, in-process server, "
            "span export); per chat = a two-chat process minus a one-chat process"
        )
        bu.table(["case", "M instructions / chat", "added / call", "added / chat", "target"], instruction_rows)
    print(
        "framework = chat - raw replay of the recorded bodies.  own = chat - time inside the SDK client's HTTP post "
        "during that chat (same run, so less exposed to machine load)."
    )


if __name__ == "__main__":
    main()
