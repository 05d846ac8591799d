"""Behaviour that used to differ between paths of the engine: sync vs async, two-agent vs group vs
pattern chats. Each is now one path; these tests pin that the paths agree."""

from __future__ import annotations

import asyncio
import sqlite3

import pytest

from autogen import AssistantAgent, ConversableAgent, GroupChat, GroupChatManager, UserProxyAgent, runtime_logging
from autogen.agentchat.group import group_utils
from autogen.agentchat.group.group_tool_executor import GroupToolExecutor
from autogen.agentchat.group.multi_agent_chat import initiate_group_chat
from autogen.agentchat.group.patterns import DefaultPattern, RoundRobinPattern
from autogen.cache import Cache
from autogen.testing import FakeLLMServer, FakeModelClient, tool_call


@pytest.fixture
def sqlite_log(tmp_path):
    runtime_logging.start(config={"dbname": str(tmp_path / "log.db")})
    yield runtime_logging.get_connection()
    runtime_logging.stop()


def received_counts(con: sqlite3.Connection) -> dict[str, int]:
    counts: dict[str, int] = {}
    for (name,) in con.execute("SELECT source_name FROM events WHERE event_name = 'received_message'"):
        counts[name] = counts.get(name, 0) + 1
    return counts


def plain(name: str, **kwargs) -> ConversableAgent:
    return ConversableAgent(name, llm_config=False, human_input_mode="NEVER", default_auto_reply=f"from {name}", **kwargs)


def test_group_chat_members_log_every_message_they_receive(sqlite_log):
    members = [plain(f"m{i}") for i in range(3)]
    manager = GroupChatManager(GroupChat(members, messages=[], max_round=6, speaker_selection_method="round_robin"), llm_config=False)
    members[0].initiate_chat(manager, message="start", silent=True)
    counts = received_counts(sqlite_log)
    # six messages, each relayed to the two members that did not write it, and each sent to the manager
    assert counts == {"m0": 4, "m1": 4, "m2": 4, "chat_manager": 6}
    for member in members:
        assert len(member.chat_messages[manager]) == 6


def test_pattern_chat_members_log_every_message_they_receive(sqlite_log):
    a, b = plain("a"), plain("b")
    initiate_group_chat(RoundRobinPattern(initial_agent=a, agents=[a, b]), "go", max_rounds=4)
    counts = received_counts(sqlite_log)
    for agent in (a, b):
        # what an agent stores on receiving is recorded as "user"; what it sends, as "assistant"
        received = sum(1 for history in agent.chat_messages.values() for m in history if m["role"] != "assistant")
        assert received >= 2
        assert counts[agent.name] == received


def test_safeguard_hooks_run_for_tools_in_pattern_chats(monkeypatch):
    seen_inputs: list[dict] = []

    class GuardedExecutor(GroupToolExecutor):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)

            def check_input(call):
                seen_inputs.append(dict(call))
                return {**call, "arguments": '{"a": 10, "b": 20}'}

            self.register_hook("safeguard_tool_inputs", check_input)
            self.register_hook("safeguard_tool_outputs", lambda response: {**response, "content": f"{response['content']} [checked]"})

    monkeypatch.setattr(group_utils, "GroupToolExecutor", GuardedExecutor)
    config = {"config_list": [{"model": "fake", "model_client_cls": "FakeModelClient"}]}
    a = ConversableAgent("a", llm_config=config, human_input_mode="NEVER")
    b = plain("b")

    def add(a: int, b: int) -> int:
        """Add."""
        return a + b

    a.register_for_llm(description="add")(add)
    a.register_model_client(FakeModelClient, replies=[{"tool_calls": [tool_call("add", {"a": 1, "b": 2}, id="t1")]}, "done"])
    result, _, _ = initiate_group_chat(DefaultPattern(initial_agent=a, agents=[a, b]), "go", max_rounds=4)
    tool_messages = [m for m in result.chat_history if m.get("role") == "tool"]
    assert seen_inputs and seen_inputs[0]["name"] == "add"
    assert tool_messages[0]["tool_responses"][0]["content"] == "30 [checked]"


def test_async_chat_honours_an_ambient_cache_block(stream):
    with FakeLLMServer(["cached answer"]) as server:

        async def twice() -> list:
            results = []
            with Cache.in_memory(cache_seed=3):
                for _ in range(2):
                    asst = AssistantAgent("asst", llm_config=server.llm_config)
                    user = UserProxyAgent("user", human_input_mode="NEVER", code_execution_config=False)
                    results.append(await user.a_initiate_chat(asst, message="same question", max_turns=1, silent=True))
            return results

        first, second = asyncio.run(twice())
        assert len(server.requests) == 1, "the second chat was answered from the ambient cache"
        assert first.summary == second.summary == "cached answer"


@pytest.mark.parametrize("use_async", [False, True])
def test_structured_output_call_ends_the_exchange_before_any_tool_runs(stream, use_async):
    ran: list[str] = []

    def echo(text: str) -> str:
        ran.append(text)
        return text

    agent = ConversableAgent("runner", llm_config=False, human_input_mode="NEVER", function_map={"echo": echo})
    message = {
        "role": "assistant",
        "content": None,
        "tool_calls": [
            tool_call("echo", {"text": "side effect"}, id="c1"),
            tool_call("__structured_output", '{"answer": 42}', id="c2"),
        ],
    }
    if use_async:
        final, reply = asyncio.run(agent.a_generate_tool_calls_reply([message]))
    else:
        final, reply = agent.generate_tool_calls_reply([message])
    assert final and reply == '{"answer": 42}'
    assert ran == []


def test_legacy_code_execution_prints_one_banner_per_block(stream, tmp_path):
    user = UserProxyAgent("user", human_input_mode="NEVER", code_execution_config={"use_docker": False, "work_dir": str(tmp_path)})
    asst = ConversableAgent("asst", llm_config=False, human_input_mode="NEVER")
    code = "```python\nprint('one')\n```\n\n```sh\necho two\n```"
    final, reply = user.generate_code_execution_reply([{"role": "user", "content": code}], sender=asst)
    assert final and "one" in reply and "two" in reply
    assert len(stream.of_type("ExecuteCodeBlockEvent")) == 2
    assert stream.of_type("GenerateCodeExecutionReplyEvent") == []


def test_request_views_are_kept_per_peer_not_per_list():
    with FakeLLMServer(default_reply="hi") as server:
        asst = AssistantAgent("asst", llm_config=server.llm_config)
        users = [UserProxyAgent(f"u{i}", human_input_mode="NEVER", code_execution_config=False) for i in range(3)]
        for _ in range(3):
            for user in users:
                user.initiate_chat(asst, message="hello", max_turns=1, silent=True)  # clears the history each time
        assert set(asst.__dict__["_api_views"]) == set(users)


def test_excluding_a_stock_reply_excludes_its_async_twin_too(stream):
    """generate_reply(exclude=[...]) treats a stock reply and its a_ twin as one step."""
    a = ConversableAgent("a", llm_config=False, human_input_mode="NEVER", default_auto_reply="fallback", max_consecutive_auto_reply=0)
    b = plain("b")
    messages = [{"role": "user", "content": "TERMINATE", "name": "b"}]
    assert a.generate_reply(messages, sender=b) is None  # the termination step stops
    skip = [ConversableAgent.check_termination_and_human_reply]
    assert a.generate_reply(messages, sender=b, exclude=skip) == "fallback"
    assert asyncio.run(a.a_generate_reply(messages, sender=b, exclude=skip)) == "fallback"


def test_a_talkative_manager_shows_every_relayed_message_like_the_stock_receive(stream):
    class Custom(ConversableAgent):  # a custom receive: relayed to through the ordinary send
        def receive(self, message, sender, request_reply=None, silent=False):
            super().receive(message, sender, request_reply, silent)

    members = [plain("m0"), plain("m1"), Custom("m2", llm_config=False, human_input_mode="NEVER", default_auto_reply="from m2")]
    manager = GroupChatManager(GroupChat(members, messages=[], max_round=6, speaker_selection_method="round_robin"), llm_config=False)
    manager.silent = False
    members[0].initiate_chat(manager, message="start")
    shown: dict[str, int] = {}
    for event in stream.of_type("TextEvent"):
        content = event.content
        if content.sender == "chat_manager":
            shown[content.recipient] = shown.get(content.recipient, 0) + 1
    # every member is shown each of the six messages it did not write (fast path and ordinary send alike)
    assert shown == {"m0": 4, "m1": 4, "m2": 4}


def test_methods_patched_on_the_class_are_honoured_after_the_first_chat(monkeypatch, stream):
    """Stock steps are entered directly only while the class still has the library's own method."""
    from autogen.oai.client import OpenAIWrapper

    with FakeLLMServer(default_reply="from the server") as server:
        asst = AssistantAgent("asst", llm_config=server.llm_config)
        user = UserProxyAgent("user", human_input_mode="NEVER", code_execution_config=False)
        first = user.initiate_chat(asst, message="hi", max_turns=1, silent=True)
        assert first.summary == "from the server"

        real_create = OpenAIWrapper.create

        def create(self, **kwargs):
            response = real_create(self, **kwargs)
            response.choices[0].message.content = "patched"
            return response

        monkeypatch.setattr(OpenAIWrapper, "create", create)
        assert user.initiate_chat(asst, message="hi", max_turns=1, silent=True).summary == "patched"
        monkeypatch.setattr(ConversableAgent, "generate_reply", lambda self, messages=None, sender=None, **kw: "generic")
        assert user.initiate_chat(asst, message="hi", max_turns=1, silent=True).summary == "generic"
