"""Per-call framework cost of each native provider client next to the OpenAI one.

For each client, ``OpenAIWrapper.create()`` (conversion of the OpenAI-style history, the request,
conversion of the reply to a ChatCompletion, cost and usage) is timed against the provider's bare SDK
sending the already-converted request to the same FakeLLMServer dialect (real HTTP on 127.0.0.1): its
public call (``chat.completions.create``, ``messages.create``, ``chat``, ``converse``, ...) with the
arguments read back from the body the wrapper sent. Where the SDK takes typed objects (Gemini), they are
built once, outside the timed loop, so their per-call construction counts as framework time. Before
timing, every request both sides sent must have the same path and body (no field is normalized: tool
call ids come from the history, and Mistral's are derived from them).

Calls alternate in blocks, so load from other processes hits both sides alike. Besides wall time, the
process CPU time is measured: the in-process server does the same work for both sides, so the CPU
difference is the client-side difference, and unlike wall time it does not move with other processes'
load on the machine. The target is judged on it.

The clients that send through the openai SDK (openai, openai_v2) post the converted body as it is,
skipping the SDK's per-message transform that the raw ``create`` pays: their figure is negative.

Run: python bench/bench_providers.py [--calls 300] [--blocks 30] [--only NAME ...]
Target: framework cost per call (wrapper - raw) <= 0.3 ms for every client, a tool-calling history included.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable
from typing import Any, NamedTuple

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


def measure(sides: dict, calls: int, blocks: int) -> dict[str, tuple[float, float]]:
    """Median (wall ms, process CPU ms) per call of each side, over alternating blocks."""
    per_block = max(1, calls // blocks)
    wall: dict[str, list[float]] = {name: [] for name in sides}
    cpu: dict[str, list[float]] = {name: [] for name in sides}
    for b in range(blocks):
        order = list(sides.items())[:: -1 if b % 2 else 1]
        for name, fn in order:
            t0, c0 = time.perf_counter(), time.process_time()
            for _ in range(per_block):
                fn()
            cpu[name].append((time.process_time() - c0) * 1e3 / per_block)
            wall[name].append((time.perf_counter() - t0) * 1e3 / per_block)
    return {name: (statistics.median(wall[name]), statistics.median(cpu[name])) for name in sides}


def _raw_openai(server, body):
    import openai

    raw = openai.OpenAI(base_url=server.base_url, api_key="sk-fake", max_retries=0)
    return lambda: raw.chat.completions.create(**body)


def _raw_responses(server, body):
    import openai

    raw = openai.OpenAI(base_url=server.base_url, api_key="sk-fake", max_retries=0)
    return lambda: raw.responses.create(**body)


def _raw_anthropic(server, body):
    import anthropic

    raw = anthropic.Anthropic(base_url=server.base_url, api_key="sk-fake", max_retries=0)
    return lambda: raw.messages.create(**body)


def _raw_anthropic_bedrock(server, body):
    import anthropic

    aws = server.config_list[0]
    raw = anthropic.AnthropicBedrock(
        aws_access_key=aws["aws_access_key"], aws_secret_key=aws["aws_secret_key"], aws_region=aws["aws_region"],
        base_url=server.base_url, max_retries=0,
    )  # fmt: skip
    # the SDK moves the model into the path and adds anthropic_version itself
    args = {k: v for k, v in body.items() if k != "anthropic_version"}
    return lambda: raw.messages.create(model=server.model, **args)


def _raw_anthropic_vertex(server, body):
    import anthropic

    gcp = server.config_list[0]
    raw = anthropic.AnthropicVertex(
        project_id=gcp["gcp_project_id"], region=gcp["gcp_region"], access_token=gcp["gcp_auth_token"],
        base_url=gcp["base_url"], max_retries=0,
    )  # fmt: skip
    args = {k: v for k, v in body.items() if k != "anthropic_version"}
    return lambda: raw.messages.create(model=server.model, **args)


def _raw_gemini(server, body):
    from google import genai

    from autogen.oai.gemini import GeminiClient

    entry = server.config_list[0]
    if "project_id" in entry:  # Vertex AI
        auth = {"vertexai": True, "project": entry["project_id"], "location": entry["location"]}
        auth["credentials"] = entry["credentials"]
    else:
        auth = {"api_key": entry["api_key"]}
    raw = genai.Client(**auth, http_options={"base_url": server.base_url})
    # the SDK takes typed contents and config, not a wire body: give it the ones our client builds (once,
    # outside the timed loop) and make the SDK calls it makes (the chat API, as ag2's client uses it), so
    # the raw side pays the SDK's own request/response conversions and the difference is ours alone
    model, history, message, config, _ = GeminiClient(**entry)._prepare({**entry, "messages": HISTORY, "tools": TOOLS})
    return lambda: raw.chats.create(model=model, config=config, history=history).send_message(message=message)


def _raw_ollama(server, body):
    import ollama

    raw = ollama.Client(host=server.url)
    return lambda: raw.chat(**body)


def _raw_mistral(server, body):
    from mistralai.client import Mistral
    from mistralai.client.utils import BackoffStrategy, RetryConfig

    raw = Mistral(api_key="fake-mistral-key", server_url=server.url, retry_config=RetryConfig(
        "none", BackoffStrategy(1, 1, 1.0, 1), False))  # fmt: skip
    return lambda: raw.chat.complete(**body)


def _raw_cohere(server, body):
    import cohere

    raw = cohere.ClientV2(api_key="fake-cohere-key", base_url=server.url, client_name="AG2")
    args = {k: v for k, v in body.items() if k != "stream"}  # chat() sends stream=false itself
    options = {"max_retries": 0}
    return lambda: raw.chat(**args, request_options=options)


def _raw_compatible(module, cls):
    """A raw sender for an OpenAI-compatible SDK (Groq, Cerebras, Together): its own client class, whose
    route adds the API prefix to the server root, and ``chat.completions.create``."""

    def sender(server, body):
        import importlib

        raw = getattr(importlib.import_module(module), cls)(api_key="fake-key", base_url=server.url, max_retries=0)
        return lambda: raw.chat.completions.create(**body)

    return sender


def _raw_bedrock(server, body):
    import boto3
    from botocore.config import Config

    aws = server.config_list[0]
    session = boto3.Session(aws_access_key_id=aws["aws_access_key"], aws_secret_access_key=aws["aws_secret_key"])
    config = Config(region_name=aws["aws_region"], retries={"total_max_attempts": 1, "mode": "standard"})
    raw = session.client("bedrock-runtime", endpoint_url=server.url, config=config)
    # Converse's body is the call's keyword arguments; the model id is in the path
    return lambda: raw.converse(modelId=server.model, **body)


class Row(NamedTuple):
    name: str
    dialect: str
    model: str
    raw: Callable[[Any, dict[str, Any]], Callable[[], Any]]
    """``raw(server, body)``: a function sending ``body`` (what the wrapper sent) through the bare SDK."""
    api_type: str | None = None
    """The entry's api_type when not the dialect's own (the v2 clients)."""


# the raw side sends the body the wrapper sent, through the provider's bare SDK, to the same dialect
PROVIDERS = [
    Row("openai", "openai", "fake-model", _raw_openai),
    Row("openai_v2", "openai", "gpt-4o", _raw_openai, "openai_v2"),
    Row("responses", "responses", "gpt-4o", _raw_responses),
    Row("anthropic", "anthropic", "claude-sonnet-4-5", _raw_anthropic),
    Row("anthropic_v2", "anthropic", "claude-sonnet-4-5", _raw_anthropic, "anthropic_v2"),
    Row("anthropic_bedrock", "anthropic_bedrock", "anthropic.claude-3-5-sonnet-20240620-v1:0", _raw_anthropic_bedrock),
    Row("anthropic-vertex", "anthropic-vertex", "claude-sonnet-4-5", _raw_anthropic_vertex),
    Row("gemini", "gemini", "gemini-2.5-flash", _raw_gemini),
    Row("gemini-vertex", "gemini-vertex", "gemini-2.5-flash", _raw_gemini),
    Row("bedrock", "bedrock", "anthropic.claude-3-5-sonnet-20240620-v1:0", _raw_bedrock),
    Row("ollama", "ollama", "qwen3", _raw_ollama),
    Row("mistral", "mistral", "mistral-large-latest", _raw_mistral),
    Row("cohere", "cohere", "command-r-plus", _raw_cohere),
    Row("groq", "groq", "llama-3.3-70b-versatile", _raw_compatible("groq", "Groq")),
    Row("cerebras", "cerebras", "llama3.1-8b", _raw_compatible("cerebras.cloud.sdk", "Cerebras")),
    Row("together", "together", "meta-llama/Llama-3.3-70B-Instruct-Turbo", _raw_compatible("together", "Together")),
]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--calls", type=int, default=300)
    ap.add_argument("--blocks", type=int, default=30)
    ap.add_argument("--only", nargs="*", help="provider names to run (default: all whose SDK is installed)")
    args = ap.parse_args()
    rows = []
    for name, dialect, model, raw_sender, api_type in PROVIDERS:
        if args.only and name not in args.only:
            continue
        with FakeLLMServer(default_reply="2 + 2 is 4 and 3 + 4 is 7.", dialect=dialect, model=model) as server:
            try:
                entry = server.config_list[0]
                if api_type:
                    entry["api_type"] = api_type
                wrapper = OpenAIWrapper(config_list=[entry])
                wrapper.create(messages=HISTORY, tools=TOOLS)
                raw = raw_sender(server, server.requests[-1].body)
            except ImportError as e:
                print(f"skipping {name}: {e}")
                continue
            sides = {"raw": raw, "wrapper": lambda w=wrapper: w.create(messages=HISTORY, tools=TOOLS)}
            for _ in range(20):
                [fn() for fn in sides.values()]
            posts = [r for r in server.requests if r.method == "POST"]
            sent = {(r.path, json.dumps(r.body, sort_keys=True)) for r in posts}
            if len(posts) != 41 or len(sent) != 1:  # every call reached the server, with one path and body
                raise SystemExit(f"{name}: the wrapper and the raw SDK did not send the same request: {sent}")
            rows.append((name, measure(sides, args.calls, args.blocks)))

    bu.table(
        ["client", "raw SDK ms/call", "wrapper ms/call", "framework ms/call", "ratio", "framework CPU ms/call",
         f"target <= {TARGET_MS} ms"],
        [
            [name, f"{m['raw'][0]:.3f}", f"{m['wrapper'][0]:.3f}", f"{m['wrapper'][0] - m['raw'][0]:.3f}",
             f"{m['wrapper'][0] / m['raw'][0]:.2f}x", f"{m['wrapper'][1] - m['raw'][1]:.3f}",
             bu.verdict(m["wrapper"][1] - m["raw"][1] <= TARGET_MS)]
            for name, m in rows
        ],
    )  # fmt: skip


if __name__ == "__main__":
    main()
