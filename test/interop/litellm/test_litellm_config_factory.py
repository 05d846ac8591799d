"""LiteLLmConfigFactory: ag2 LLM configs as the LiteLLM settings crawl4ai takes, in both of crawl4ai's shapes."""

from __future__ import annotations

from typing import Any

import pytest

from autogen import LLMConfig
from autogen.interop import LiteLLmConfigAdapter, LiteLLmConfigFactory
from autogen.interop.litellm import litellm_config_factory as module


def adapt(entry: dict[str, Any]) -> LiteLLmConfigAdapter:
    return LiteLLmConfigFactory.create_lite_llm_config({"config_list": [entry]})


def test_an_openai_entry_becomes_a_provider_and_a_token() -> None:
    adapter = adapt({"model": "gpt-4o-mini", "api_key": "sk-1", "temperature": 0.2})
    assert adapter.as_legacy_kwargs() == {"provider": "openai/gpt-4o-mini", "api_token": "sk-1", "temperature": 0.2}
    assert adapter.as_llm_config_kwargs() == {"provider": "openai/gpt-4o-mini", "api_token": "sk-1"}
    assert adapter.as_strategy_kwargs() == {"temperature": 0.2}
    # The adapter hands out copies.
    adapter.as_strategy_kwargs()["temperature"] = 1.0
    assert adapter.strategy_kwargs == {"temperature": 0.2}


def test_openai_takes_its_key_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-env")
    assert adapt({"model": "gpt-4o"}).as_llm_config_kwargs() == {"provider": "openai/gpt-4o", "api_token": "sk-env"}


def test_an_llm_config_object_is_read_like_a_dict() -> None:
    config = LLMConfig({"api_type": "anthropic", "model": "claude-sonnet-4-5", "api_key": "sk-ant"})
    adapter = LiteLLmConfigFactory.create_lite_llm_config(config)
    assert adapter.as_llm_config_kwargs() == {"provider": "anthropic/claude-sonnet-4-5", "api_token": "sk-ant"}
    assert "model" not in adapter.as_strategy_kwargs() and "api_type" not in adapter.as_strategy_kwargs()


def test_the_entry_given_is_left_unchanged() -> None:
    entry = {"api_type": "google", "model": "gemini-2.5-flash", "api_key": "g"}
    llm_config = {"config_list": [entry]}
    assert LiteLLmConfigFactory.create_lite_llm_config(llm_config).as_llm_config_kwargs() == {
        "provider": "gemini/gemini-2.5-flash",
        "api_token": "g",
    }
    assert entry == {"api_type": "google", "model": "gemini-2.5-flash", "api_key": "g"}


@pytest.mark.parametrize("api_type", ["google", "gemini"])
def test_google_is_called_gemini_by_litellm(api_type: str) -> None:
    assert adapt({"api_type": api_type, "model": "gemini-pro", "api_key": "g"}).legacy_config == {
        "provider": "gemini/gemini-pro",
        "api_token": "g",
    }


@pytest.mark.parametrize("api_type", ["google", "azure", "anthropic"])
def test_providers_other_than_openai_need_a_key(api_type: str) -> None:
    with pytest.raises(ValueError, match="API key is required."):
        adapt({"api_type": api_type, "model": "m"})


def test_ollama_needs_no_key_and_its_host_becomes_the_base_url() -> None:
    adapter = adapt({"api_type": "ollama", "model": "llama3", "client_host": "http://127.0.0.1:11434", "seed": 3})
    assert adapter.as_legacy_kwargs() == {
        "provider": "ollama/llama3",
        "api_base": "http://127.0.0.1:11434",
        "seed": 3,
    }
    assert adapter.as_llm_config_kwargs() == {"provider": "ollama/llama3", "base_url": "http://127.0.0.1:11434"}
    assert adapter.as_strategy_kwargs() == {"seed": 3}


def test_azure_keeps_its_api_version_with_the_strategy() -> None:
    adapter = adapt(
        {
            "api_type": "azure",
            "model": "gpt-4o",
            "api_key": "k",
            "base_url": "https://x.openai.azure.com/",
            "api_version": "2024-06-01",
        }
    )
    assert adapter.as_llm_config_kwargs() == {
        "provider": "azure/gpt-4o",
        "api_token": "k",
        "base_url": "https://x.openai.azure.com/",
    }
    assert adapter.as_strategy_kwargs() == {"api_version": "2024-06-01"}


def test_a_registered_factory_is_tried_before_the_fallback(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(LiteLLmConfigFactory, "_factories", list(LiteLLmConfigFactory._factories))

    @LiteLLmConfigFactory.register_factory()
    class BedrockFactory(LiteLLmConfigFactory):
        @classmethod
        def get_api_type(cls) -> str:
            return "bedrock"

        @classmethod
        def create(cls, first_llm_config: dict[str, Any]) -> dict[str, Any]:
            first_llm_config["aws_region_name"] = first_llm_config.pop("aws_region")
            return super().create(first_llm_config)

    adapter = adapt({"api_type": "bedrock", "model": "claude", "aws_region": "eu-west-1"})
    assert adapter.as_legacy_kwargs() == {"provider": "bedrock/claude", "aws_region_name": "eu-west-1"}


def test_an_empty_config_is_refused() -> None:
    with pytest.raises(ValueError, match="[Cc]onfig.list"):
        LiteLLmConfigFactory.create_lite_llm_config({"config_list": []})


def test_crawl4ai_is_not_installed_here() -> None:
    if module.get_crawl4ai_version() is not None:
        pytest.skip("crawl4ai is installed")
    assert module.is_crawl4ai_v05_or_higher() is False


# crawl4ai itself cannot be installed here (it downloads browsers and models), so the version it would
# report is put in place of the lookup.
@pytest.mark.parametrize(
    ("version", "expected"),
    [("0.5.0", True), ("0.7.4", True), ("1.0", True), ("0.5.0rc1", True), ("0.4.247", False), ("dev", False)],
)
def test_the_crawl4ai_version_decides_the_shape(monkeypatch: pytest.MonkeyPatch, version: str, expected: bool) -> None:
    monkeypatch.setattr(module, "get_crawl4ai_version", lambda: version)
    assert module.is_crawl4ai_v05_or_higher() is expected
