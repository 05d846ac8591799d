"""DeepSeek (``api_type="deepseek"``) stays on the openai SDK, as in ag2: its entry's default endpoint, its key
variable, and agents talking to ``deepseek-reasoner`` (whose history shaping reaches the wire) against
FakeLLMServer's OpenAI dialect."""

from __future__ import annotations

import pytest

from autogen import ConversableAgent, OpenAIWrapper
from autogen.llm_config.entry import DeepSeekLLMConfigEntry
from autogen.oai.client import OpenAIClient
from autogen.oai.errors import MissingAPIKeyError
from autogen.testing import FakeLLMServer


def test_the_entry_points_the_openai_client_at_deepseek():
    entry = DeepSeekLLMConfigEntry(model="deepseek-chat", api_key="sk-ds")
    client = OpenAIWrapper(config_list=[entry])._clients[0]
    assert type(client) is OpenAIClient
    assert client.endpoint().base_url == "https://api.deepseek.com/v1" and client.endpoint().api_key == "sk-ds"


def test_a_missing_key_names_deepseeks_variable(monkeypatch):
    monkeypatch.delenv("DEEPSEEK_API_KEY", raising=False)
    client = OpenAIWrapper(config_list=[{"api_type": "deepseek", "model": "deepseek-chat"}])
    with pytest.raises(MissingAPIKeyError, match="DEEPSEEK_API_KEY"):
        client.create(messages=[{"role": "user", "content": "hi"}])


@pytest.fixture
def deepseek():
    with FakeLLMServer(model="deepseek-reasoner") as server:
        yield server


def entry(server):
    return {"api_type": "deepseek", "model": "deepseek-reasoner", "api_key": "sk-ds", "base_url": server.base_url}


def test_two_agent_chat_with_deepseek_reasoner(deepseek, recording_stream):
    deepseek.add_replies("first answer", "second answer")
    assistant = ConversableAgent("assistant", llm_config={"config_list": [entry(deepseek)]}, system_message="Think.")
    user = ConversableAgent("user", llm_config=False, human_input_mode="NEVER", default_auto_reply="go on")
    result = user.initiate_chat(assistant, message="Question?", max_turns=2)
    assert [m["content"] for m in result.chat_history] == ["Question?", "first answer", "go on", "second answer"]
    last = deepseek.requests[1]
    assert last.path == "/v1/chat/completions" and last.headers["authorization"] == "Bearer sk-ds"
    assert [m["role"] for m in last.messages] == ["system", "user", "assistant", "user"]
    assert last.messages[0]["content"] == "Think."


def test_reasoner_histories_are_shaped_on_the_wire(deepseek, recording_stream):
    deepseek.add_replies("a", "b")
    agent = ConversableAgent("assistant", llm_config={"config_list": [entry(deepseek)]}, system_message="Sys.")
    agent.generate_reply(messages=[{"role": "user", "content": "one"}, {"role": "user", "content": "two"}])
    agent.generate_reply(messages=[{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}])
    first, second = (r.messages for r in deepseek.requests)
    assert [m["role"] for m in first] == ["system", "user", "assistant", "user"]
    assert first[-1]["content"] == "continue"
    assert [m["role"] for m in second] == ["system", "user", "assistant", "user"]
    assert second[-1] == {"role": "user", "content": "continue"}
    # other DeepSeek models get the history as it is
    deepseek.add_replies("c")
    OpenAIWrapper(config_list=[{**entry(deepseek), "model": "deepseek-chat"}]).create(
        messages=[{"role": "user", "content": "one"}, {"role": "user", "content": "two"}]
    )
    assert [m["role"] for m in deepseek.requests[2].messages] == ["user", "user"]


def test_deepseek_chat_is_priced_as_in_ag2(deepseek):
    deepseek.add_replies({"content": "x", "usage": {"prompt_tokens": 1000, "completion_tokens": 1000}})
    client = OpenAIWrapper(config_list=[{**entry(deepseek), "model": "deepseek-chat"}])
    assert client.create(messages=[{"role": "user", "content": "hi"}]).cost == pytest.approx(0.00027 + 0.0011)
