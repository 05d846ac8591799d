"""The durable chat bench_durable.py runs (imported by its worker processes too)."""

from __future__ import annotations

from typing import Any

from autogen import AssistantAgent, UserProxyAgent, durable


def chat_once(base_url: str, tag: str, calls: int) -> list[dict[str, Any]]:
    """A two-agent chat making ``calls`` LLM calls (the user proxy answers without one)."""
    llm_config = {"config_list": [{"model": "fake-model", "base_url": base_url, "api_key": "x", "price": [0, 0]}]}
    assistant = AssistantAgent("assistant", llm_config=llm_config)
    user = UserProxyAgent("user", human_input_mode="NEVER", code_execution_config=False, default_auto_reply="go on")
    return user.initiate_chat(assistant, message=f"[chat:{tag}] talk", max_turns=calls, silent=True).chat_history


@durable.chat(name="bench.durable_chat")
def durable_chat(base_url: str, tag: str, calls: int) -> int:
    """`chat_once`, durable; returns the number of messages."""
    return len(chat_once(base_url, tag, calls))
