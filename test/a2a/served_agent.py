"""An agent served over A2A by uvicorn, run as its own process by the tests.

usage: python served_agent.py PORT LLM_BASE_URL KIND [--stream] [--polling]
KIND: "plain" (answers with its LLM), "tools" (has a `get_weather` tool it runs itself and a
`count_issues` tool that updates the context variables), "human" (asks a human on every turn),
"code" (runs the Python code blocks it receives), "nested" (an editor that, when "writer" asks,
answers with the summary of a nested chat with a critic; other callers get its own LLM's answer).
"""

from __future__ import annotations

import sys
from typing import Annotated

import uvicorn

from autogen import ConversableAgent
from autogen.a2a import A2aAgentServer, CardSettings
from autogen.agentchat.group import ContextVariables, ReplyResult


def build_agent(base_url: str, kind: str, stream: bool) -> ConversableAgent:
    entry = {"model": "fake-model", "base_url": base_url, "api_key": "test-key", "stream": stream, "price": [0.0, 0.0]}
    llm_config = {"config_list": [entry], "cache_seed": None}
    if kind == "nested":
        editor = ConversableAgent("editor", system_message="You edit.", llm_config=llm_config, human_input_mode="NEVER")
        critic = ConversableAgent(
            "critic", system_message="You criticise drafts.", llm_config=llm_config, human_input_mode="NEVER"
        )
        editor.register_nested_chats(
            [{"recipient": critic, "max_turns": 1, "summary_method": "last_msg"}], trigger="writer"
        )
        return editor
    if kind == "code":
        return ConversableAgent(
            "coder",
            llm_config=False,
            human_input_mode="NEVER",
            code_execution_config={"use_docker": False, "work_dir": None, "last_n_messages": 1},
        )
    agent = ConversableAgent(
        "weather",
        system_message="You answer questions about the weather.",
        description="Knows the weather.",
        llm_config=llm_config,
        human_input_mode="ALWAYS" if kind == "human" else "NEVER",
    )
    if kind == "tools":

        @agent.register_for_llm(description="The weather in a city.")
        def get_weather(city: Annotated[str, "city name"]) -> str:
            return f"Sunny in {city}, 21 C"

        @agent.register_for_llm(description="Count one more issue.")
        def count_issues(context_variables: ContextVariables) -> ReplyResult:
            context_variables["issue_count"] = context_variables.get("issue_count", 0) + 1
            return ReplyResult(message="counted", context_variables=context_variables)

    return agent


def main() -> None:
    port, base_url, kind = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    options = set(sys.argv[4:])
    agent = build_agent(base_url, kind, "--stream" in options)
    card = CardSettings()
    if "--polling" in options:
        card.capabilities.streaming = False
    app = A2aAgentServer(agent, url=f"http://127.0.0.1:{port}/", agent_card=card).build()
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")


if __name__ == "__main__":
    main()
