"""The same chats on every provider: a two-agent chat with parallel tool calls, a classic group chat with
auto speaker selection, a pattern chat with an LLM handoff, the tricky histories of
``autogen.testing.histories`` and a config list that falls back across providers. Each provider is
reached through its real SDK, pointed at a FakeLLMServer that speaks the provider's wire format and
refuses (400) every request the real API would refuse. Provider-specific wire details are checked in
the per-provider test files; here only what an agent sees is compared."""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass

import pytest

from autogen import ConversableAgent, GroupChat, GroupChatManager, OpenAIWrapper
from autogen.agentchat.group import AgentTarget, OnCondition, StringLLMCondition
from autogen.agentchat.group.multi_agent_chat import initiate_group_chat
from autogen.agentchat.group.patterns import DefaultPattern
from autogen.testing import FakeLLMServer, Fault, tool_call
from autogen.testing.histories import TOOLS, TRICKY_HISTORIES


@dataclass(frozen=True)
class Provider:
    dialect: str
    sdk: str  # module the client needs; the provider's tests are skipped without it
    model: str  # a model in the provider's price table (cost is checked when priced)
    priced: bool = True
    api_type: str | None = None  # a client other than the dialect's own entry names (the v2 clients)
    name: str = ""

    def __str__(self) -> str:
        return self.name or self.dialect

    def config_list(self, llm: FakeLLMServer) -> list[dict]:
        return [{**e, "api_type": self.api_type} if self.api_type else e for e in llm.config_list]

    def llm_config(self, llm: FakeLLMServer) -> dict:
        return {"config_list": self.config_list(llm)}


PROVIDER_DIALECTS = [
    Provider("openai", "openai", "gpt-4o-mini"),
    Provider("anthropic", "anthropic", "claude-sonnet-4-5"),
    Provider("gemini", "google.genai", "gemini-2.5-flash"),
    Provider("ollama", "ollama", "llama3.1", priced=False),
    Provider("mistral", "mistralai", "mistral-small-latest"),
    Provider("cohere", "cohere", "command-r-plus"),
    Provider("responses", "openai", "gpt-4o-mini"),
    Provider("groq", "groq", "llama-3.3-70b-versatile"),
    Provider("cerebras", "cerebras.cloud.sdk", "llama3.1-8b"),
    Provider("together", "together", "meta-llama/Llama-3-70b-chat-hf"),
    Provider("bedrock", "boto3", "meta.llama3-1-70b-instruct-v1:0"),
    Provider("anthropic_bedrock", "boto3", "anthropic.claude-3-5-sonnet-20241022-v2:0"),
    Provider("gemini-vertex", "google.genai", "gemini-2.5-flash"),
    Provider("anthropic-vertex", "anthropic", "claude-sonnet-4-5"),
    Provider("openai", "openai", "gpt-4o-mini", api_type="openai_v2", name="openai_v2"),
    Provider("anthropic", "anthropic", "claude-sonnet-4-5", api_type="anthropic_v2", name="anthropic_v2"),
    Provider("bedrock", "boto3", "meta.llama3-1-70b-instruct-v1:0", api_type="bedrock_v2", name="bedrock_v2"),
    Provider("responses", "openai", "gpt-4o-mini", api_type="responses_v2", name="responses_v2"),
]


def _params(providers):
    return [
        pytest.param(
            p,
            id=str(p),
            marks=pytest.mark.skipif(importlib.util.find_spec(p.sdk.split(".")[0]) is None, reason=f"{p.sdk} missing"),
        )
        for p in providers
    ]


pytestmark = pytest.mark.usefixtures("stream")
every_provider = pytest.mark.parametrize("provider", _params(PROVIDER_DIALECTS))


def server(provider: Provider, replies=None, **kwargs) -> FakeLLMServer:
    return FakeLLMServer(replies, dialect=provider.dialect, model=provider.model, **kwargs)


def terminates(msg) -> bool:
    return "TERMINATE" in (msg.get("content") or "")


@every_provider
def test_two_agent_tool_chat_with_parallel_calls(provider):
    calls = []
    replies = [
        {"tool_calls": [tool_call("add", {"a": 1, "b": 2}), tool_call("add", {"a": 3, "b": 4})]},
        "The sums are 3 and 7. TERMINATE",
    ]
    with server(provider, replies) as llm:
        assistant = ConversableAgent(
            "assistant", llm_config=provider.llm_config(llm), system_message="You add numbers."
        )
        user = ConversableAgent("user proxy", human_input_mode="NEVER", llm_config=False, is_termination_msg=terminates)

        @user.register_for_execution()
        @assistant.register_for_llm(description="Add two integers.")
        def add(a: int, b: int) -> int:
            calls.append((a, b))
            return a + b

        result = user.initiate_chat(assistant, message="Add 1+2 and 3+4.", max_turns=3)
        assert calls == [(1, 2), (3, 4)]
        assert result.chat_history[-1]["content"] == "The sums are 3 and 7. TERMINATE"
        tool_turn = result.chat_history[1]
        assert [tc["function"]["name"] for tc in tool_turn["tool_calls"]] == ["add", "add"]
        ids = [tc["id"] for tc in tool_turn["tool_calls"]]
        assert len(set(ids)) == 2 and all(ids)
        answered = [r["tool_call_id"] for r in result.chat_history[2]["tool_responses"]]
        assert answered == ids  # the agent pairs results with the ids the client handed it
        assert len([r for r in llm.requests if r.method == "POST"]) == 2
        usage = result.cost["usage_including_cached_inference"]
        assert usage[next(k for k in usage if k != "total_cost")]["prompt_tokens"] > 0
        assert (usage["total_cost"] > 0) == provider.priced


@every_provider
def test_group_chat_with_auto_speaker_selection(provider):
    def member(name: str, description: str) -> ConversableAgent:
        return ConversableAgent(name, llm_config=False, human_input_mode="NEVER",
                                default_auto_reply=f"from {name}", description=description)  # fmt: skip

    alice, bob, carol = member("alice", "plans"), member("bob", "builds"), member("carol", "checks")
    with server(provider, ["bob", "carol", "alice"]) as llm:
        gc = GroupChat([alice, bob, carol], max_round=4)
        manager = GroupChatManager(gc, llm_config=provider.llm_config(llm))
        alice.initiate_chat(manager, message="hi")
        assert [m["name"] for m in gc.messages] == ["alice", "bob", "carol", "alice"]
        assert len([r for r in llm.requests if r.method == "POST"]) == 3


@every_provider
def test_pattern_chat_with_an_llm_handoff(provider):
    with server(provider) as llm:
        llm.add_replies(
            {"tool_calls": [tool_call("transfer_to_tech_1", {})]},  # triage hands off
            "Restart the router. TERMINATE",  # tech answers
        )
        triage = ConversableAgent("triage", llm_config=provider.llm_config(llm), system_message="Route questions.")
        tech = ConversableAgent("tech", llm_config=provider.llm_config(llm), system_message="Fix computers.")
        triage.handoffs.add_llm_condition(
            OnCondition(target=AgentTarget(tech), condition=StringLLMCondition("When it is a tech question."))
        )
        user = ConversableAgent("user", llm_config=False, human_input_mode="NEVER")
        pattern = DefaultPattern(initial_agent=triage, agents=[triage, tech], user_agent=user)
        result, _, last = initiate_group_chat(pattern, "My wifi is down.", max_rounds=6)
        assert last is tech
        assert any("Restart the router" in (m.get("content") or "") for m in result.chat_history)
        assert len([r for r in llm.requests if r.method == "POST"]) == 2


@every_provider
@pytest.mark.parametrize("history", list(TRICKY_HISTORIES))
def test_tricky_history_gives_a_request_the_api_accepts(provider, history):
    with server(provider, default_reply="fine") as llm:
        client = OpenAIWrapper(config_list=provider.config_list(llm), cache_seed=None)
        messages = TRICKY_HISTORIES[history]
        before = repr(messages)
        response = client.create(messages=messages, tools=TOOLS)
        [reply] = client.extract_text_or_completion_object(response)
        # a str, or a message dict (the Responses client always answers with one); its content reads as text
        assert (reply if isinstance(reply, str) else reply["content"]) == "fine"
        assert repr(messages) == before  # the caller's history is not changed


@pytest.mark.parametrize("first", _params(PROVIDER_DIALECTS))
def test_config_list_falls_back_across_providers(first):
    """The first provider refuses the key (fails at once, no retry), the second is overloaded past its
    retries; the third answers."""
    second = next(p for p in PROVIDER_DIALECTS if p is not first)
    third = next(p for p in PROVIDER_DIALECTS if p not in (first, second))
    with (
        server(first, [Fault.error(401, "bad key")]) as a,
        server(second, [Fault.server_error(503)] * 3) as b,
        server(third, ["answered by the third"]) as c,
    ):
        retried = {**second.config_list(b)[0], "max_retries": 1, "retry_base_delay": 0}
        config_list = first.config_list(a) + [retried] + third.config_list(c)
        client = OpenAIWrapper(config_list=config_list, cache_seed=None)
        response = client.create(messages=[{"role": "user", "content": "hi"}])
        [reply] = client.extract_text_or_completion_object(response)
        assert (reply if isinstance(reply, str) else reply["content"]) == "answered by the third"
        assert len([r for r in a.requests if r.method == "POST"]) == 1  # auth errors are not retried
        assert len([r for r in b.requests if r.method == "POST"]) == 2  # one try + one retry
