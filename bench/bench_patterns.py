"""Pattern group chat overhead: a 5-agent DefaultPattern chat with a context condition and an LLM handoff every turn.

Each of the 5 agents has an OnContextCondition (evaluated at the start of every turn; it would end the
chat when ${stop} is set) and an OnCondition handing over to the next agent. Every turn the agent's
LLM answers with a line of text plus a call to its ``transfer_to_*`` tool; the group tool executor
runs it and the next agent speaks. So a turn = one LLM call + one tool-executor step, and the chat
has 2 messages per turn. The LLM is `autogen.testing.FakeLLMServer`. Three ways to split the time:

    same run:  framework = chat time - time inside the openai SDK client's post() during the chat
    replay:    framework = chat time - time to send the chat's recorded request bodies again, with
               the bare client's chat.completions.create() or its post() (strictest)

(target: framework <= 15% of chat time)

Run: python bench/bench_patterns.py [--turns 200] [--repeats 3] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import statistics
import time
from typing import Any

import _benchutil as bu

from autogen import ConversableAgent
from autogen.agentchat.group import (
    AgentTarget,
    ContextExpression,
    ContextVariables,
    ExpressionContextCondition,
    OnCondition,
    OnContextCondition,
    StringLLMCondition,
    TerminateTarget,
)
from autogen.agentchat.group.multi_agent_chat import initiate_group_chat
from autogen.agentchat.group.patterns import DefaultPattern
from autogen.io.base import IOStream
from autogen.testing import FakeLLMServer, tool_call

TARGET_SHARE = 0.15
N_AGENTS = 5


class NullStream:
    """An IO stream that drops everything (the chat prints nothing, events are still built)."""

    def print(self, *objects: Any, sep: str = " ", end: str = "\n", flush: bool = False) -> None:
        pass

    def send(self, event: Any) -> None:
        pass

    def input(self, prompt: str = "", *, password: bool = False) -> str:
        return ""


def reply(request: Any) -> Any:
    """Decided by the request alone (which agent asks, how much it sees), so the replay gets the same answers."""
    system = request.messages[0]["content"]
    index = int(system.split("]")[0].removeprefix("[agent:a"))
    nxt = (index + 1) % N_AGENTS
    n = len(request.messages)
    return {
        "content": f"agent a{index} worked on step {n}; handing over to a{nxt}.",
        "tool_calls": [tool_call(f"transfer_to_a{nxt}_1", {}, id=f"call_{index}_{n}")],
    }


def build(server: FakeLLMServer) -> DefaultPattern:
    agents = [
        ConversableAgent(
            f"a{i}",
            system_message=f"[agent:a{i}] You are step {i} of a pipeline. Do your part, then hand over.",
            llm_config=server.llm_config,
            human_input_mode="NEVER",
        )
        for i in range(N_AGENTS)
    ]
    stop = ExpressionContextCondition(ContextExpression("${stop} == True and len(${log}) >= 0"))
    for i, agent in enumerate(agents):
        agent.handoffs.add_context_condition(OnContextCondition(target=TerminateTarget(), condition=stop))
        nxt = agents[(i + 1) % N_AGENTS]
        agent.handoffs.add_llm_condition(
            OnCondition(
                target=AgentTarget(nxt),
                condition=StringLLMCondition(f"Hand over to {nxt.name} when your part is done."),
            )
        )
    return DefaultPattern(
        initial_agent=agents[0], agents=agents, context_variables=ContextVariables({"stop": False, "log": []})
    )


def run_chat(server: FakeLLMServer, turns: int) -> None:
    pattern = build(server)
    with IOStream.set_default(NullStream()):
        result, _, _ = initiate_group_chat(pattern, "Run the pipeline.", max_rounds=1 + 2 * turns)
    if len(result.chat_history) != 1 + 2 * turns:
        raise SystemExit(f"expected {1 + 2 * turns} messages, the chat has {len(result.chat_history)}")


def replay(raw: Any, bodies: list[dict[str, Any]]) -> float:
    """The recorded bodies sent again with the SDK's public ``chat.completions.create``."""
    t0 = time.perf_counter()
    for body in bodies:
        raw.chat.completions.create(**body)
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--turns", type=int, default=200, help="agent turns (LLM calls) in the chat (default 200)")
    ap.add_argument("--repeats", type=int, default=3, help="chat + replay pairs; the median pair is shown")
    ap.add_argument("--profile", action="store_true", help="also print a cProfile summary of one chat")
    args = ap.parse_args()

    import openai

    with FakeLLMServer(reply) as server:
        raw = openai.OpenAI(base_url=server.base_url, api_key="sk-fake", max_retries=0)
        run_chat(server, 10)  # warm up: imports, connection pools
        replay(raw, [r.body for r in server.requests])
        bu.replay_post(raw, [r.body for r in server.requests])
        totals, raws, posts, in_sdk = [], [], [], []
        for _ in range(args.repeats):
            server.clear_requests()
            timer = bu.SdkTimer()
            with timer.patched():
                totals.append(bu.timed(lambda: run_chat(server, args.turns)))
            in_sdk.append(timer.seconds)
            bodies = [r.body for r in server.requests]
            if len(bodies) != args.turns:
                raise SystemExit(f"expected {args.turns} LLM calls, the server got {len(bodies)}")
            raws.append(replay(raw, bodies))
            posts.append(bu.replay_post(raw, bodies))
        if args.profile:
            prof = cProfile.Profile()
            prof.enable()
            run_chat(server, args.turns)
            prof.disable()

    own = statistics.median(t - s for t, s in zip(totals, in_sdk))
    own_share = statistics.median((t - s) / t for t, s in zip(totals, in_sdk))
    rows = []
    for label, baseline in (("replay: create()", raws), ("replay: post()", posts)):
        pairs = sorted(zip(totals, baseline), key=lambda p: (p[0] - p[1]) / p[0])
        total, raw_s = pairs[len(pairs) // 2]
        fw = total - raw_s
        share = fw / total
        rows.append(
            [
                label,
                args.turns,
                f"{total:.3f}",
                f"{raw_s:.3f}",
                f"{fw:.3f}",
                f"{fw / args.turns * 1e3:.2f}",
                f"{share:.1%}",
                f"<= {TARGET_SHARE:.0%} {bu.verdict(share <= TARGET_SHARE)}",
            ]
        )
    rows.append(
        [
            "same run: SDK post timed",
            args.turns,
            f"{statistics.median(totals):.3f}",
            f"{statistics.median(in_sdk):.3f}",
            f"{own:.3f}",
            f"{own / args.turns * 1e3:.2f}",
            f"{own_share:.1%}",
            f"<= {TARGET_SHARE:.0%} {bu.verdict(own_share <= TARGET_SHARE)}",
        ]
    )
    print(
        f"{N_AGENTS}-agent DefaultPattern chat, {args.turns} turns (each: context condition + LLM handoff + tool "
        f"executor), {1 + 2 * args.turns} messages; median of {args.repeats}"
    )
    bu.table(
        ["baseline", "LLM calls", "chat s", "LLM s", "framework s", "ms/turn", "framework %", "target"],
        rows,
    )
    slowdown = statistics.median(s - p for s, p in zip(in_sdk, posts))
    print(
        f"post() replay gap, split: framework (same run) {own:.3f} s + the SDK's own slowdown inside the chat "
        f"{slowdown:.3f} s (time in post during the chat minus the same bodies posted back to back)"
    )
    print(
        "framework = chat - baseline. create(): the recorded bodies replayed with openai's chat.completions.create;\n"
        "post(): the same bodies POSTed by the same SDK client without create()'s argument handling (strictest);\n"
        "same run: chat time minus the time inside the SDK client's post (request sent, response parsed),\n"
        "measured during the chat itself."
    )
    if args.profile:
        bu.profile_report(prof, "pattern chat")


if __name__ == "__main__":
    main()
