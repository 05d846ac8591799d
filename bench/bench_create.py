"""What OpenAIWrapper.create() adds over calling the openai SDK directly, and what building a wrapper costs.

Both sides send the same messages to the same FakeLLMServer (real HTTP on 127.0.0.1, in this process).
The calls are made in alternating blocks so that load from other processes hits both sides alike.

Run: python bench/bench_create.py [--calls 300] [--blocks 30] [--wrappers 1000]
Targets: wrapper.create() <= 1.1x a raw `openai.OpenAI(...).chat.completions.create(...)` call.
"""

from __future__ import annotations

import argparse
import statistics
import time

import _benchutil as bu

from autogen.oai.client import OpenAIWrapper
from autogen.testing import FakeLLMServer

MESSAGES = [
    {"role": "system", "content": "You are a helpful AI Assistant."},
    {"role": "user", "content": "What is 2 + 2? Answer in one short sentence."},
]
TARGET_RATIO = 1.1


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--calls", type=int, default=300, help="timed calls per side (default 300)")
    ap.add_argument("--blocks", type=int, default=30, help="alternating blocks the calls are split into")
    ap.add_argument("--warmup", type=int, default=20, help="untimed calls per side first")
    ap.add_argument("--wrappers", type=int, default=1000, help="wrappers to construct (default 1000)")
    ap.add_argument("--profile", action="store_true", help="print cProfile summaries of --calls calls per side")
    args = ap.parse_args()

    import openai

    with FakeLLMServer(default_reply="2 + 2 is 4.") as server:
        raw = openai.OpenAI(base_url=server.base_url, api_key="sk-fake", max_retries=0)
        wrapper = OpenAIWrapper(config_list=server.config_list)

        def call_raw() -> None:
            raw.chat.completions.create(model=server.model, messages=MESSAGES)

        def call_wrapper() -> None:
            wrapper.create(messages=MESSAGES)

        def call_new_wrapper() -> None:
            OpenAIWrapper(config_list=server.config_list).create(messages=MESSAGES)

        for _ in range(args.warmup):
            call_raw()
            call_wrapper()
            call_new_wrapper()
        server.clear_requests()

        per_block = max(1, args.calls // args.blocks)
        sides = {"raw": call_raw, "wrapper": call_wrapper, "new wrapper": call_new_wrapper}
        block_ms: dict[str, list[float]] = {name: [] for name in sides}
        for b in range(args.blocks):
            order = list(sides.items())
            if b % 2:  # alternate who goes first, so neither side always runs on a warmer cache
                order.reverse()
            for name, fn in order:
                t0 = time.perf_counter()
                for _ in range(per_block):
                    fn()
                block_ms[name].append((time.perf_counter() - t0) * 1e3 / per_block)
        n_calls = per_block * args.blocks
        sent = len(server.requests)
        if sent != 3 * n_calls:  # checked before the extra runs below
            raise SystemExit(f"expected {3 * n_calls} requests at the server, got {sent}: a cache answered?")

        # Bodies must match, or the comparison is not like for like.
        reqs = server.requests
        same = len({repr(sorted(r.body.items())) for r in reqs}) == 1

        # Same-run estimate: wrapper call time minus the time spent inside the SDK client's HTTP post.
        timer = bu.SdkTimer()
        with timer.patched():
            t0 = time.perf_counter()
            for _ in range(n_calls):
                call_wrapper()
            in_wrapper = time.perf_counter() - t0
        own_us = (in_wrapper - timer.seconds) / n_calls * 1e6
        own_share = (in_wrapper - timer.seconds) / timer.seconds

        profiles = {}
        if args.profile:
            import cProfile

            for name in ("raw", "wrapper"):
                prof = cProfile.Profile()
                prof.enable()
                for _ in range(n_calls):
                    sides[name]()
                prof.disable()
                profiles[name] = prof

        config_list = server.config_list
        builds = []
        for _ in range(5):  # median of 5: one stalled run on a busy machine should not decide it
            t0 = time.perf_counter()
            built = [OpenAIWrapper(config_list=config_list) for _ in range(args.wrappers)]
            builds.append(time.perf_counter() - t0)
            del built
        build_s = statistics.median(builds)

    # Medians of the block means: a block that another process stalled does not decide the result.
    med = {k: statistics.median(v) for k, v in block_ms.items()}
    mean = {k: statistics.fmean(v) for k, v in block_ms.items()}
    best = {k: min(v) for k, v in block_ms.items()}
    ratio = med["wrapper"] / med["raw"]
    ratio_new = med["new wrapper"] / med["raw"]
    print(
        f"OpenAIWrapper.create() vs raw openai client: {n_calls} sequential calls per side, "
        f"{args.blocks} alternating blocks, identical request bodies: {same}"
    )
    bu.table(
        ["what", "median ms/call", "mean", "best block", "vs raw", "target"],
        [
            ["raw openai client", med["raw"], mean["raw"], best["raw"], "1.00x", ""],
            [
                "OpenAIWrapper.create (reused)",
                med["wrapper"],
                mean["wrapper"],
                best["wrapper"],
                f"{ratio:.2f}x",
                f"<= {TARGET_RATIO}x {bu.verdict(ratio <= TARGET_RATIO)}",
            ],
            [
                "OpenAIWrapper(...).create (new each call)",
                med["new wrapper"],
                mean["new wrapper"],
                best["new wrapper"],
                f"{ratio_new:.2f}x",
                f"<= {TARGET_RATIO}x {bu.verdict(ratio_new <= TARGET_RATIO)}",
            ],
        ],
    )
    print()
    bu.table(
        ["what", "total ms", "us each"],
        [[f"construct {args.wrappers} OpenAIWrapper (median of 5)", build_s * 1e3, build_s * 1e6 / args.wrappers]],
    )
    print(f"added per call (reused wrapper), median difference: {(med['wrapper'] - med['raw']) * 1e3:.0f} us")
    print(
        f"added per call (reused wrapper), same run (call time - time inside the SDK client's HTTP post): {own_us:.0f} us "
        f"= {1 + own_share:.2f}x the SDK call"
    )
    for name, prof in profiles.items():
        bu.profile_report(prof, f"{n_calls} calls, {name}", top=15)


if __name__ == "__main__":
    main()
