"""Per-call framework cost of each native provider client next to the OpenAI one.

For each provider, ``OpenAIWrapper.create()`` (conversion of the OpenAI-style history, the request,
conversion of the reply to a ChatCompletion, cost and usage) is timed against the provider's bare SDK
sending the already-converted request to the same FakeLLMServer dialect (real HTTP on 127.0.0.1).
Calls alternate in blocks, so load from other processes hits both sides alike.

Run: python bench/bench_providers.py [--calls 300] [--blocks 30]
Target: framework cost per call (wrapper - raw) <= 0.3 ms for every client, a tool-calling history included.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

import _benchutil as bu

from autogen.oai.client import OpenAIWrapper
from autogen.testing import FakeLLMServer

HISTORY = [
    {"role": "system", "content": "You are a helpful AI Assistant."},
    {"role": "user", "content": "What is 2 + 2 and 3 + 4?", "name": "user proxy"},
    {"role": "assistant", "content": None, "tool_calls": [
        {"id": "call_1", "type": "function", "function": {"name": "add", "arguments": '{"a": 2, "b": 2}'}},
        {"id": "call_2", "type": "function", "function": {"name": "add", "arguments": '{"a": 3, "b": 4}'}}]},
    {"role": "tool", "tool_call_id": "call_1", "content": "4"},
    {"role": "tool", "tool_call_id": "call_2", "content": "7"},
]  # fmt: skip
TOOLS = [{"type": "function", "function": {"name": "add", "description": "Add.", "parameters": {
    "type": "object", "properties": {"a": {"type": "integer"}, "b": {"type": "integer"}}}}}]  # fmt: skip
TARGET_MS = 0.3


def measure(sides: dict, calls: int, blocks: int) -> dict[str, float]:
    per_block = max(1, calls // blocks)
    ms: dict[str, list[float]] = {name: [] for name in sides}
    for b in range(blocks):
        order = list(sides.items())[:: -1 if b % 2 else 1]
        for name, fn in order:
            t0 = time.perf_counter()
            for _ in range(per_block):
                fn()
            ms[name].append((time.perf_counter() - t0) * 1e3 / per_block)
    return {name: statistics.median(v) for name, v in ms.items()}


def _raw_openai(server, body):
    import openai

    raw = openai.OpenAI(base_url=server.base_url, api_key="sk-fake", max_retries=0)
    return lambda: raw.chat.completions.create(**body)


def _raw_anthropic(server, body):
    import anthropic

    raw = anthropic.Anthropic(base_url=server.base_url, api_key="sk-fake", max_retries=0)
    # the installed SDK may lack some body fields as parameters; send the same JSON body either way
    return lambda: raw.post("/v1/messages", body=body, cast_to=anthropic.types.Message)


def _raw_gemini(server, body):
    from google import genai

    from autogen.oai.gemini_convert import build_generate_request

    raw = genai.Client(api_key="fake-gemini-key", http_options={"base_url": server.base_url})
    # the SDK takes typed contents and config, not a wire body: give it the ones the wrapper built, so
    # the raw side pays the SDK's own request/response conversions and the difference is ours alone
    model, contents, config = build_generate_request({"model": server.model, "messages": HISTORY, "tools": TOOLS})
    return lambda: raw.models.generate_content(model=model, contents=contents, config=config)


# (provider, dialect, model, raw sender): the raw side sends the body the wrapper sent, through the bare SDK
PROVIDERS = [
    ("openai", "openai", "fake-model", _raw_openai),
    ("anthropic", "anthropic", "claude-sonnet-4-5", _raw_anthropic),
    ("gemini", "gemini", "gemini-2.5-flash", _raw_gemini),
]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--calls", type=int, default=300)
    ap.add_argument("--blocks", type=int, default=30)
    ap.add_argument("--only", nargs="*", help="provider names to run (default: all whose SDK is installed)")
    args = ap.parse_args()
    rows = []
    for name, dialect, model, raw_sender in PROVIDERS:
        if args.only and name not in args.only:
            continue
        with FakeLLMServer(default_reply="2 + 2 is 4 and 3 + 4 is 7.", dialect=dialect, model=model) as server:
            wrapper = OpenAIWrapper(config_list=server.config_list)
            wrapper.create(messages=HISTORY, tools=TOOLS)
            body = server.requests[-1].body
            try:
                raw = raw_sender(server, body)
            except ImportError as e:
                print(f"skipping {name}: {e}")
                continue
            sides = {"raw": raw, "wrapper": lambda w=wrapper: w.create(messages=HISTORY, tools=TOOLS)}
            for _ in range(20):
                [fn() for fn in sides.values()]
            bodies = {json.dumps(r.body, sort_keys=True) for r in server.requests if r.method == "POST"}
            if len(bodies) != 1:
                raise SystemExit(f"{name}: the wrapper and the raw SDK did not send the same body")
            rows.append((name, measure(sides, args.calls, args.blocks)))

    bu.table(
        ["client", "raw SDK ms/call", "wrapper ms/call", "framework ms/call", "ratio", f"target <= {TARGET_MS} ms"],
        [
            [name, f"{m['raw']:.3f}", f"{m['wrapper']:.3f}", f"{m['wrapper'] - m['raw']:.3f}",
             f"{m['wrapper'] / m['raw']:.2f}x", bu.verdict(m["wrapper"] - m["raw"] <= TARGET_MS)]
            for name, m in rows
        ],
    )  # fmt: skip


if __name__ == "__main__":
    main()
