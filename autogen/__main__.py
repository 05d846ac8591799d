"""`python -m autogen`: a demo conversation between an assistant and a user proxy.

It uses the LLM configured by OAI_CONFIG_LIST (env var or file) or OPENAI_API_KEY when present;
otherwise it starts the embedded local model of the ``local`` extra on 127.0.0.1 and says so.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import tempfile
from collections.abc import Iterator
from typing import Any

DEFAULT_TASK = "Write a short Python script that prints the result of 17 * 23."


@contextlib.contextmanager
def _llm_config(model: str | None) -> Iterator[tuple[dict[str, Any], str]]:
    """Yield (llm_config, description of where the model comes from)."""
    from .llm_config.utils import config_list_from_json

    source = os.environ.get("OAI_CONFIG_LIST")
    if source or os.path.exists("OAI_CONFIG_LIST"):
        config_list = config_list_from_json("OAI_CONFIG_LIST", filter_dict={"model": [model]} if model else None)
        if config_list:
            yield {"config_list": config_list}, f"configured model '{config_list[0]['model']}' (OAI_CONFIG_LIST)"
            return
    if os.environ.get("OPENAI_API_KEY"):
        name = model or "gpt-4o-mini"
        yield {"config_list": [{"model": name, "api_key": os.environ["OPENAI_API_KEY"]}]}, f"OpenAI model '{name}' (OPENAI_API_KEY)"
        return
    from .local import LocalModelServer

    print("No LLM is configured (OAI_CONFIG_LIST / OPENAI_API_KEY): starting the embedded local model", file=sys.stderr)
    print("SmolLM2-135M-Instruct on 127.0.0.1 (real but small: expect weak answers).", file=sys.stderr)
    with LocalModelServer() as server:
        # A local model costs nothing: say so, rather than warn that its price is unknown.
        config_list = [dict(c, price=[0.0, 0.0]) for c in server.config_list]
        yield {"config_list": config_list, "temperature": 0, "max_tokens": 200}, f"embedded local model at {server.base_url}"


def main(argv: list[str] | None = None) -> int:
    """Run the demo; returns a process exit code."""
    parser = argparse.ArgumentParser(prog="python -m autogen", description=__doc__.splitlines()[0])
    parser.add_argument("--task", default=DEFAULT_TASK, help="what the assistant should solve")
    parser.add_argument("--model", default=None, help="model name to pick from the config list")
    parser.add_argument("--max-turns", type=int, default=3, help="turns before the chat stops")
    args = parser.parse_args(argv)

    from . import AssistantAgent, UserProxyAgent

    with _llm_config(args.model) as (llm_config, where), tempfile.TemporaryDirectory() as work_dir:
        print(f"LLM: {where}\n", file=sys.stderr)
        assistant = AssistantAgent("assistant", llm_config=llm_config)
        user = UserProxyAgent(
            "user",
            human_input_mode="NEVER",
            max_consecutive_auto_reply=args.max_turns,
            is_termination_msg=lambda m: "TERMINATE" in str(m.get("content") or ""),
            code_execution_config={"work_dir": work_dir, "use_docker": False, "timeout": 30},
            default_auto_reply="If the task is done, reply TERMINATE; otherwise continue.",
        )
        result = user.initiate_chat(assistant, message=args.task, max_turns=args.max_turns)
    print("\n== summary ==")
    print(result.summary.strip() or "(empty)")
    print(f"== cost: {result.cost['usage_including_cached_inference'].get('total_cost', 0):.6f} USD, "
          f"{len(result.chat_history)} messages ==")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
