"""What the classic GroupChat costs per round, against the fake OpenAI server over real HTTP.

1. Round robin, 5 LLM-backed agents, 400 rounds: framework time per round (round time minus the time
   inside the model calls) around round 50 and around round 400, and the total wall time against raw
   `openai` client calls replaying the very request bodies the chat sent.
2. Auto selection, 5 agents, 200 rounds: LLM calls per round, and peak traced memory (tracemalloc)
   against round robin with the same agents and rounds.
3. Round robin, 10 agents, 400 rounds: memory growth from start to end.

Memory runs use a server in a child process, so only the chat's own allocations are traced.

Run: python bench/bench_groupchat.py [--rounds 400] [--auto-rounds 200]
Targets: wall <= 1.15x raw replay; <= 2 LLM calls per auto round; auto peak <= 1.5x round robin;
10 agents x 400 rounds < 50 MB above start.
"""

from __future__ import annotations

import argparse
import gc
import itertools
import re
import statistics
import subprocess
import sys
import time
import tracemalloc
from typing import Any

import _benchutil as bu

REPLY = (
    "Here is my contribution to the task: I looked at what the others said, checked the numbers, "
    "and suggest we keep the plan but tighten the second step."
)
SELECTION_LIST = re.compile(r"\[([^\]]*)\]")


def answer(request: Any) -> str:
    """The fake model: picks a speaker for selection requests, otherwise replies with fixed text."""
    messages = request.messages
    if messages and messages[-1].get("name") == "checking_agent":
        found = SELECTION_LIST.findall(messages[-1].get("content") or "")
        names = [n.strip().strip("'\"") for n in found[-1].split(",")] if found else []
        last = messages[-2].get("name") if len(messages) > 1 else None
        if last in names:
            return names[(names.index(last) + 1) % len(names)]
        return names[0] if names else "nobody"
    return REPLY


def serve() -> None:
    """Child-process mode: serve `answer` and print the base URL; forget requests as they come."""
    from autogen.testing import FakeLLMServer

    server = FakeLLMServer(answer).start()
    print(server.base_url, flush=True)
    while True:
        time.sleep(0.5)
        server.clear_requests()


class Timing:
    """Patches the OpenAI model client's create (one call per request an agent's LLM reply sends,
    whichever way the wrapper's call plan is entered) to count calls and the time spent inside them."""

    def __init__(self) -> None:
        from autogen.oai.openai_client import OpenAIClient

        self.calls = 0
        self.llm_seconds = 0.0
        self.after_call: Any = None  # called after each model call, outside the timed span
        original = OpenAIClient.create
        timing = self

        def create(client: Any, params: Any) -> Any:
            t0 = time.perf_counter()
            try:
                return original(client, params)
            finally:
                timing.llm_seconds += time.perf_counter() - t0
                timing.calls += 1
                if timing.after_call is not None:
                    timing.after_call()

        OpenAIClient.create = create  # type: ignore[method-assign]


def build(config_list: list[dict[str, Any]], n_agents: int, rounds: int, method: str) -> tuple[Any, Any, Any]:
    from autogen import ConversableAgent, GroupChat, GroupChatManager

    llm_config = {"config_list": config_list}
    agents = [
        ConversableAgent(
            f"agent_{i}",
            system_message=f"You are agent {i}. Keep answers short.",
            description=f"agent number {i}",
            llm_config=llm_config,
            human_input_mode="NEVER",
            max_consecutive_auto_reply=100_000,
        )
        for i in range(n_agents)
    ]
    groupchat = GroupChat(agents, messages=[], max_round=rounds, speaker_selection_method=method)
    manager = GroupChatManager(groupchat, llm_config=llm_config if method == "auto" else False, silent=True)
    return agents, groupchat, manager


def round_robin_timing(rounds: int) -> dict[str, float]:
    import openai

    import autogen.agentchat.conversable.llm_reply as core
    from autogen.agentchat.groupchat import GroupChat
    from autogen.testing import FakeLLMServer

    timing = Timing()
    building = [0.0]  # seconds spent turning histories into request messages (core's to_api_messages)
    original_to_api = core.to_api_messages

    def to_api(system: Any, messages: Any) -> Any:
        t0 = time.perf_counter()
        try:
            return original_to_api(system, messages)
        finally:
            building[0] += time.perf_counter() - t0

    core.to_api_messages = to_api  # type: ignore[assignment]
    raw_seconds = [0.0]  # time of the raw openai calls replaying each request right after it was made
    replay_seconds = [0.0]  # the whole replay step (raw call plus fetching the body), kept out of the chat's time
    stamps: list[tuple[float, float, float]] = []  # (time, model-call s incl. replays, request-building s)
    original_append = GroupChat._append

    def append(self: Any, message: Any, speaker: Any) -> Any:
        stamps.append((time.perf_counter(), timing.llm_seconds + replay_seconds[0], building[0]))
        return original_append(self, message, speaker)

    GroupChat._append = append  # type: ignore[method-assign]
    try:
        with FakeLLMServer(answer) as server:
            raw = openai.OpenAI(base_url=server.base_url, api_key="sk-fake", max_retries=0)
            replayed = [0]

            def replay_last() -> None:
                # Replay the request the chat just sent, at once, so both sides see the same machine load.
                start = time.perf_counter()
                body = server.requests[-1].body
                t0 = time.perf_counter()
                raw.chat.completions.create(**body)
                t1 = time.perf_counter()
                raw_seconds[0] += t1 - t0
                replay_seconds[0] += t1 - start
                replayed[0] += 1

            raw.chat.completions.create(model=server.model, messages=[{"role": "user", "content": "warm up"}])
            agents, groupchat, manager = build(server.config_list, 5, rounds, "round_robin")
            timing.after_call = replay_last
            with bu.quiet_stdout():
                t0 = time.perf_counter()
                agents[0].initiate_chat(manager, message="Plan a three-step launch.")
                chat_wall = time.perf_counter() - t0 - replay_seconds[0]
            timing.after_call = None
            raw_wall = raw_seconds[0]
            n_calls = replayed[0]
    finally:
        GroupChat._append = original_append  # type: ignore[method-assign]
        core.to_api_messages = original_to_api  # type: ignore[assignment]
    pairs = list(itertools.pairwise(stamps))
    # per_round[k]: framework ms of round k+1 (round time minus time inside model calls)
    per_round = [((t1 - t0) - (l1 - l0)) * 1e3 for (t0, l0, _), (t1, l1, _) in pairs]
    build_ms = [(b1 - b0) * 1e3 for (_, _, b0), (_, _, b1) in pairs]
    rest = [f - b for f, b in zip(per_round, build_ms)]
    return {
        "rounds": len(groupchat.messages),
        "llm_calls": n_calls,
        "early_ms": statistics.median(per_round[40:60]),
        "late_ms": statistics.median(per_round[-20:]),
        "early_build_ms": statistics.median(build_ms[40:60]),
        "late_build_ms": statistics.median(build_ms[-20:]),
        "early_rest_ms": statistics.median(rest[40:60]),
        "late_rest_ms": statistics.median(rest[-20:]),
        "chat_wall": chat_wall,
        "raw_wall": raw_wall,
    }


def start_child_server() -> tuple[subprocess.Popen[str], list[dict[str, Any]]]:
    proc = subprocess.Popen([sys.executable, __file__, "--serve"], stdout=subprocess.PIPE, text=True, cwd=str(bu.ROOT))
    base_url = proc.stdout.readline().strip()  # type: ignore[union-attr]
    if not base_url.startswith("http"):
        proc.kill()
        raise RuntimeError("the child FakeLLMServer did not start")
    return proc, [{"model": "fake-model", "api_key": "sk-fake", "base_url": base_url}]


def memory_run(config_list: list[dict[str, Any]], n_agents: int, rounds: int, method: str) -> dict[str, float]:
    timing = Timing()
    agents, groupchat, manager = build(config_list, n_agents, rounds, method)
    gc.collect()
    rss0 = bu.rss_mb()
    tracemalloc.start()
    start, _ = tracemalloc.get_traced_memory()
    t0 = time.perf_counter()
    with bu.quiet_stdout():
        agents[0].initiate_chat(manager, message="Plan a three-step launch.")
    wall = time.perf_counter() - t0
    gc.collect()
    current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rounds_done = len(groupchat.messages)
    return {
        "rounds": rounds_done,
        "calls_per_round": timing.calls / max(1, rounds_done - 1),
        "peak_mb": (peak - start) / 2**20,
        "retained_mb": (current - start) / 2**20,
        "rss_growth_mb": bu.rss_mb() - rss0,
        "wall": wall,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rounds", type=int, default=400, help="round-robin rounds (default 400)")
    ap.add_argument("--auto-rounds", type=int, default=200, help="auto-selection rounds (default 200)")
    ap.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.serve:
        serve()
        return

    rr = round_robin_timing(args.rounds)
    ratio = rr["chat_wall"] / rr["raw_wall"]
    print(f"Round robin, 5 LLM agents, {rr['rounds']} rounds ({rr['llm_calls']} model calls)")
    bu.table(
        ["measure", "value", "target"],
        [
            ["framework ms/round near round 50", rr["early_ms"], ""],
            ["framework ms/round near the last round", rr["late_ms"], ""],
            ["  of which history -> request (core), round 50", rr["early_build_ms"], ""],
            ["  of which history -> request (core), last", rr["late_build_ms"], ""],
            ["  everything else, round 50", rr["early_rest_ms"], ""],
            ["  everything else, last", rr["late_rest_ms"], "flat"],
            ["chat wall s (without the replays)", rr["chat_wall"], ""],
            ["raw openai replay s (same bodies, interleaved)", rr["raw_wall"], ""],
            ["chat / raw", ratio, f"<= 1.15 {bu.verdict(ratio <= 1.15)}"],
        ],
    )
    print()

    proc, config_list = start_child_server()
    try:
        auto = memory_run(config_list, 5, args.auto_rounds, "auto")
        base = memory_run(config_list, 5, args.auto_rounds, "round_robin")
        big = memory_run(config_list, 10, args.rounds, "round_robin")
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    peak_ratio = auto["peak_mb"] / base["peak_mb"]
    print("Memory (tracemalloc, server in a child process)")
    bu.table(
        ["run", "rounds", "calls/round", "peak MB", "kept MB", "RSS +MB", "wall s"],
        [
            [
                "auto, 5 agents",
                auto["rounds"],
                auto["calls_per_round"],
                auto["peak_mb"],
                auto["retained_mb"],
                auto["rss_growth_mb"],
                auto["wall"],
            ],
            [
                "round robin, 5 agents",
                base["rounds"],
                base["calls_per_round"],
                base["peak_mb"],
                base["retained_mb"],
                base["rss_growth_mb"],
                base["wall"],
            ],
            [
                "round robin, 10 agents",
                big["rounds"],
                big["calls_per_round"],
                big["peak_mb"],
                big["retained_mb"],
                big["rss_growth_mb"],
                big["wall"],
            ],
        ],
    )
    print()
    bu.table(
        ["target", "value", "verdict"],
        [
            ["auto LLM calls per round <= 2", auto["calls_per_round"], bu.verdict(auto["calls_per_round"] <= 2)],
            ["auto peak / round-robin peak <= 1.5", peak_ratio, bu.verdict(peak_ratio <= 1.5)],
            [
                "10 agents x 400 rounds < 50 MB",
                max(big["peak_mb"], big["rss_growth_mb"]),
                bu.verdict(max(big["peak_mb"], big["rss_growth_mb"]) < 50),
            ],
        ],
    )


if __name__ == "__main__":
    main()
