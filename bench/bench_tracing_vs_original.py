"""Tracing cost in CPU instructions, this project against the original ag2 on the same chat.

(e) The two-agent chat of bench_agents (b) (both agents call the LLM, ``turns`` turns), once untraced and
once traced with the OpenTelemetry SDK (TracerProvider, BatchSpanProcessor, an exporter that drops the
spans; ``instrument_llm_wrapper`` plus ``instrument_agent`` on both agents), counted in CPU instructions
under valgrind (cachegrind, no cache simulation; all threads of the chat's process). The fake LLM server
runs in a process of its own, so only the client side is counted. Per chat = a two-chat process minus a
one-chat process (start-up and imports drop out).

With ``--original PATH`` the same is run with PATH first on PYTHONPATH (a copy of ag2 0.13.4's
``autogen`` package, e.g. unpacked from its wheel into PATH/autogen): the added instructions per LLM call
of both libraries' instrumentation side by side. Slow (several minutes; the original's chat is ~15x the
instructions of this project's).

Run: python bench/bench_tracing_vs_original.py [--turns 30] [--original /path/to/dir/with/ag2/autogen]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import shutil
import subprocess
import sys
from typing import Any

TURNS = 30


def child(url: str, kind: str, chats: int, turns: int) -> None:
    """Run ``chats`` two-agent chats against the fake server at ``url`` (traced when kind == "SDK").

    Imports only ``autogen`` and the OpenTelemetry SDK: PYTHONPATH decides which ``autogen`` that is."""
    from autogen import ConversableAgent

    config = {"config_list": [{"model": "gpt-4o-mini", "api_key": "sk-fake", "base_url": url}], "cache_seed": None}
    provider: Any = None
    if kind == "SDK":
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExporter, SpanExportResult

        from autogen.opentelemetry import instrument_agent, instrument_llm_wrapper

        class DropExporter(SpanExporter):
            def export(self, spans: Any) -> SpanExportResult:
                return SpanExportResult.SUCCESS

        provider = TracerProvider()
        provider.add_span_processor(BatchSpanProcessor(DropExporter()))
        instrument_llm_wrapper(tracer_provider=provider)
    for _ in range(chats):
        a = ConversableAgent("alice", llm_config=config, human_input_mode="NEVER", max_consecutive_auto_reply=10**6)
        b = ConversableAgent("bob", llm_config=config, human_input_mode="NEVER", max_consecutive_auto_reply=10**6)
        if provider is not None:
            instrument_agent(a, tracer_provider=provider)
            instrument_agent(b, tracer_provider=provider)
        with contextlib.redirect_stdout(io.StringIO()):
            a.initiate_chat(b, message="Let us talk for a while.", max_turns=turns, silent=True)
    if provider is not None:
        provider.shutdown()


def serve() -> None:
    """The fake LLM server of the children: prints its base URL, answers until killed."""
    import time

    from autogen.testing import FakeLLMServer

    with FakeLLMServer(lambda _request: "Sure, let us go on talking.") as server:
        print(server.llm_config["config_list"][0]["base_url"], flush=True)
        while True:
            time.sleep(3600)


def instructions(valgrind: str, url: str, kind: str, chats: int, turns: int, pythonpath: str | None) -> int:
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    env["PYTHONHASHSEED"] = "0"  # string hashing seeds set and dict layouts: a random seed varies the count by a few %
    if pythonpath:
        env["PYTHONPATH"] = pythonpath
    out = subprocess.run(
        [valgrind, "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null", sys.executable,
         os.path.abspath(__file__), "--child", url, kind, str(chats), str(turns)],
        capture_output=True, text=True, env=env, check=True, cwd="/",
    )  # fmt: skip
    line = next(x for x in out.stderr.splitlines() if "I refs" in x or "I   refs" in x)
    return int(line.split(":")[-1].replace(",", "").strip())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--turns", type=int, default=TURNS)
    ap.add_argument("--original", help="a directory holding ag2 0.13.4's autogen package, to compare with")
    ap.add_argument("--child", nargs=4, metavar=("URL", "KIND", "CHATS", "TURNS"), help=argparse.SUPPRESS)
    ap.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        url, kind, chats, turns = args.child
        child(url, kind, int(chats), int(turns))
        return
    if args.serve:
        serve()
        return

    import _benchutil as bu

    valgrind = shutil.which("valgrind")
    if valgrind is None:
        raise SystemExit("valgrind is not installed")
    project = str(bu.ROOT)
    libraries = [("this project", project)] + ([("ag2 0.13.4", args.original)] if args.original else [])
    server = subprocess.Popen([sys.executable, os.path.abspath(__file__), "--serve"], stdout=subprocess.PIPE, text=True)
    try:
        assert server.stdout is not None
        url = server.stdout.readline().strip()
        calls = 2 * args.turns - 1
        rows = []
        for label, path in libraries:
            per_chat = {
                kind: instructions(valgrind, url, kind, 2, args.turns, path)
                - instructions(valgrind, url, kind, 1, args.turns, path)
                for kind in ("off", "SDK")
            }
            added = per_chat["SDK"] - per_chat["off"]
            rows.append(
                [
                    f"(e) {label}",
                    f"{per_chat['off'] / calls / 1e6:.2f}",
                    f"{per_chat['SDK'] / calls / 1e6:.2f}",
                    f"{added / calls / 1e3:,.0f}",
                    f"{added / per_chat['off']:+.1%}",
                ]
            )
    finally:
        server.kill()
    print(
        f"(e) {args.turns}-turn two-agent chat ({calls} LLM calls), client process only, CPU instructions "
        "(valgrind); traced = OpenTelemetry SDK, BatchSpanProcessor, spans dropped"
    )
    bu.table(["library", "M instr/call untraced", "M instr/call traced", "k instr added/call", "added"], rows)


if __name__ == "__main__":
    main()
