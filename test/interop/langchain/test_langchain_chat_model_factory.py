"""LangChain chat models built from ag2 LLM configs: the real langchain-openai talking to the fake LLM
server; the other providers' packages (not installed here) are checked for the error naming the extra."""

from __future__ import annotations

import importlib.util

import pytest

from autogen import LLMConfig
from autogen.import_utils import OptionalDependencyError
from autogen.interop import LangChainChatModelFactory
from autogen.testing import FakeLLMServer


def test_every_api_type_has_one_factory() -> None:
    api_types = [factory.get_api_type() for factory in LangChainChatModelFactory._factories]
    assert sorted(api_types) == ["anthropic", "azure", "deepseek", "google", "google_vertex", "ollama", "openai"]


def test_an_unknown_api_type_is_refused() -> None:
    with pytest.raises(ValueError, match="Could not find a factory for the given config."):
        LangChainChatModelFactory.create_base_chat_model({"config_list": [{"api_type": "bedrock", "model": "m"}]})


def test_mandatory_keys_are_checked_before_anything_is_imported() -> None:
    with pytest.raises(ValueError, match="base_url is required for deepseek api type."):
        LangChainChatModelFactory.create_base_chat_model({"api_type": "deepseek", "model": "d", "api_key": "k"})
    azure = {"api_type": "azure", "model": "gpt", "api_key": "k", "base_url": "https://x.openai.azure.com"}
    with pytest.raises(ValueError, match="api_version is required for azure api type."):
        LangChainChatModelFactory.create_base_chat_model({"config_list": [azure]})


@pytest.mark.skipif(importlib.util.find_spec("langchain_anthropic") is not None, reason="langchain-anthropic is here")
def test_a_missing_integration_names_the_browser_use_extra() -> None:
    with pytest.raises(OptionalDependencyError, match=r'pip install "ag2\[browser-use\]"'):
        LangChainChatModelFactory.create_base_chat_model({"api_type": "anthropic", "model": "claude", "api_key": "k"})


# An LLMConfig entry carries ``stream=False``, which ChatOpenAI passes on as a model kwarg (and says so).
@pytest.mark.filterwarnings("ignore:WARNING! stream is not default parameter:UserWarning")
def test_a_chat_openai_model_from_an_llm_config_answers_from_the_server() -> None:
    pytest.importorskip("langchain_openai", reason="needs langchain-openai (in the test extra)")
    with FakeLLMServer(["Bonjour!"]) as llm:
        entry = llm.config_list[0]
        config = LLMConfig(
            {"model": entry["model"], "api_key": entry["api_key"], "base_url": entry["base_url"], "temperature": 0.5}
        )
        chat_model = LangChainChatModelFactory.create_base_chat_model(config)
        answer = chat_model.invoke("Say hello in French")
        sent = llm.requests[-1]
    assert type(chat_model).__name__ == "ChatOpenAI"
    assert answer.content == "Bonjour!"
    assert sent.model == entry["model"] and sent.body["temperature"] == 0.5
    assert sent.messages == [{"role": "user", "content": "Say hello in French"}]
    assert sent.headers["authorization"] == f"Bearer {entry['api_key']}"


def test_azure_and_deepseek_entries_become_openai_models_at_their_endpoints() -> None:
    pytest.importorskip("langchain_openai", reason="needs langchain-openai (in the test extra)")
    azure = LangChainChatModelFactory.create_base_chat_model(
        {
            "config_list": [
                {
                    "api_type": "azure",
                    "model": "gpt-4o",
                    "api_key": "k",
                    "base_url": "https://example.openai.azure.com",
                    "api_version": "2024-06-01",
                    "response_format": None,
                }
            ]
        }
    )
    assert type(azure).__name__ == "AzureChatOpenAI"
    assert azure.azure_endpoint == "https://example.openai.azure.com"
    assert azure.openai_api_version == "2024-06-01"
    deepseek = LangChainChatModelFactory.create_base_chat_model(
        {
            "api_type": "deepseek",
            "model": "deepseek-chat",
            "api_key": "k",
            "base_url": "http://127.0.0.1:9/v1",
        }
    )
    assert type(deepseek).__name__ == "ChatOpenAI"
    assert (deepseek.model_name, deepseek.openai_api_base) == ("deepseek-chat", "http://127.0.0.1:9/v1")
