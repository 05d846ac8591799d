"""Config entry objects given to OpenAIWrapper: their unchosen defaults do not become request values."""

from __future__ import annotations

from autogen.llm_config import LLMConfig
from autogen.oai import OllamaLLMConfigEntry, OpenAILLMConfigEntry, OpenAIWrapper
from autogen.testing import FakeLLMServer

MESSAGES = [{"role": "user", "content": "hi"}]


def test_default_stream_false_does_not_switch_off_call_time_streaming(server: FakeLLMServer) -> None:
    server.add_replies("streamed")
    [plain] = server.config_list
    entry = OpenAILLMConfigEntry(**plain)
    assert entry.model_dump()["stream"] is False  # shown, as in ag2
    client = OpenAIWrapper(**LLMConfig(entry))
    response = client.create(messages=MESSAGES, stream=True)
    assert response.choices[0].message.content == "streamed"
    assert server.requests[0].body["stream"] is True


def test_explicit_stream_false_wins_over_call_time_streaming(server: FakeLLMServer) -> None:
    server.add_replies("whole")
    [plain] = server.config_list
    client = OpenAIWrapper(config_list=[OpenAILLMConfigEntry(**plain, stream=False)])
    client.create(messages=MESSAGES, stream=True)
    assert not server.requests[0].body.get("stream")


def test_provider_defaults_stay_out_of_the_request() -> None:
    with FakeLLMServer(["ok"], dialect="ollama") as ollama:
        entry = OllamaLLMConfigEntry(model=ollama.model, client_host=ollama.url, temperature=0.3)
        assert entry.num_ctx == 2048 and entry.top_k == 40  # ag2's defaults are visible on the entry
        OpenAIWrapper(config_list=[entry]).create(messages=MESSAGES)
        body = ollama.requests[0].body
    assert body["options"] == {"temperature": 0.3}  # num_ctx, top_k, seed... are left to the model's own
