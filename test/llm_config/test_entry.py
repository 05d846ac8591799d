"""Config entries: provider classes, field normalisation, secrets, dict-style access."""

from __future__ import annotations

import pytest
from pydantic import SecretStr, ValidationError

from autogen.llm_config import LLMConfig
from autogen.llm_config.entry import (
    AzureOpenAILLMConfigEntry,
    BedrockLLMConfigEntry,
    DeepSeekLLMConfigEntry,
    GeminiLLMConfigEntry,
    LLMConfigEntry,
    OllamaLLMConfigEntry,
    OpenAILLMConfigEntry,
    entry_class_for,
    known_api_types,
    register_llm_config_entry,
)

SPEC_API_TYPES = [
    "openai", "azure", "responses", "openai_v2", "responses_v2", "deepseek", "anthropic", "anthropic_v2",
    "bedrock", "bedrock_v2", "google", "google_vertex", "mistral", "together", "groq", "cohere", "ollama", "cerebras",
]  # fmt: skip


@pytest.mark.parametrize("api_type", SPEC_API_TYPES)
def test_every_documented_api_type_has_an_entry_class_that_dumps_its_api_type(api_type):
    cfg = LLMConfig({"model": "some-model", "api_type": api_type})
    entry = cfg.config_list[0]
    assert isinstance(entry, entry_class_for(api_type))
    assert entry.model_dump()["api_type"] == api_type
    assert cfg["config_list"][0]["api_type"] == api_type


def test_known_api_types_cover_the_spec():
    assert set(SPEC_API_TYPES) <= set(known_api_types())


def test_old_open_ai_spelling_is_read_as_openai():
    cfg = LLMConfig({"model": "m", "api_type": "open_ai"})
    assert isinstance(cfg.config_list[0], OpenAILLMConfigEntry)
    assert LLMConfig({"model": "m", "api_type": None}).config_list[0].api_type == "openai"


def test_api_key_is_secret_but_dumps_as_plain_text():
    entry = OpenAILLMConfigEntry(model="m", api_key="sk-abc")
    assert isinstance(entry.api_key, SecretStr)
    assert "sk-abc" not in repr(entry) and "sk-abc" not in str(entry.api_key)
    assert entry.model_dump()["api_key"] == "sk-abc"
    assert entry["api_key"] == "sk-abc" and entry.get("api_key") == "sk-abc"
    assert '"api_key":"sk-abc"' in entry.model_dump_json()


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("localhost:8000", "http://localhost:8000/"),
        ("http://127.0.0.1:8000/v1", "http://127.0.0.1:8000/v1"),
        ("https://api.example.com", "https://api.example.com/"),
        ("https://x.openai.azure.com/", "https://x.openai.azure.com/"),
    ],
)
def test_base_url_gets_a_scheme_and_a_path(given, expected):
    assert OpenAILLMConfigEntry(model="m", base_url=given).base_url == expected


def test_bad_base_url_is_rejected_with_the_field_named():
    with pytest.raises(ValidationError) as info:
        LLMConfig({"model": "m", "base_url": "ftp://example.com"})
    assert info.value.errors()[0]["loc"] == ("config_list", 0, "base_url")
    assert "http" in str(info.value)


def test_extra_keys_are_kept_and_dumped():
    entry = LLMConfig({"model": "m", "device": "cuda", "params": {"max_length": 10}}).config_list[0]
    assert entry["device"] == "cuda"
    assert entry.model_dump()["params"] == {"max_length": 10}


def test_openai_fields():
    entry = OpenAILLMConfigEntry(
        model="o3",
        price=[0.01, 0.02],
        tool_choice="auto",
        user="u",
        stream=True,
        verbosity="low",
        extra_body={"a": 1},
        extra_headers={"h": "v"},
        reasoning_effort="high",
        max_completion_tokens=5,
    )
    dumped = entry.model_dump()
    assert dumped["price"] == [0.01, 0.02] and dumped["reasoning_effort"] == "high"
    assert OpenAILLMConfigEntry(model="m").model_dump()["stream"] is False  # ag2's default, shown in dumps
    with pytest.raises(ValidationError):
        OpenAILLMConfigEntry(model="m", verbosity="loud")


def test_azure_entry_accepts_default_token_provider_string():
    entry = AzureOpenAILLMConfigEntry(model="dep", api_version="2024-02-01", azure_ad_token_provider="DEFAULT")
    assert entry.api_type == "azure" and entry.model_dump()["azure_ad_token_provider"] == "DEFAULT"


def test_provider_entries_have_their_fields():
    assert DeepSeekLLMConfigEntry(model="deepseek-chat").base_url == "https://api.deepseek.com/v1"
    assert BedrockLLMConfigEntry(model="m", aws_region="us-east-1").aws_region == "us-east-1"
    assert GeminiLLMConfigEntry(model="gemini", project_id="p").project_id == "p"
    assert OllamaLLMConfigEntry(model="llama3", client_host="http://localhost:11434").client_host


def test_entry_validation_errors():
    with pytest.raises(ValidationError, match="model"):
        OpenAILLMConfigEntry()
    with pytest.raises(ValidationError, match="temperature"):
        OpenAILLMConfigEntry(model="m", temperature=1.2)
    with pytest.raises(ValidationError, match="max_tokens"):
        OpenAILLMConfigEntry(model="m", max_tokens=-5)


def test_entry_dict_style_access():
    entry = OpenAILLMConfigEntry(model="m", tags=["x"])
    assert entry["tags"] == ["x"] and "model" in entry and "api_key" not in entry
    assert entry.get("voice", "none") == "none"
    entry["temperature"] = 0.5
    assert entry.temperature == 0.5
    assert dict(**entry)["model"] == "m"
    assert set(entry.keys()) >= {"api_type", "model", "tags", "temperature"}
    with pytest.raises(KeyError):
        entry["missing_key"]


def test_base_entry_is_redispatched_to_its_provider_class():
    cfg = LLMConfig(LLMConfigEntry(api_type="azure", model="dep", api_version="v"))
    assert isinstance(cfg.config_list[0], AzureOpenAILLMConfigEntry)


def test_registering_a_custom_provider():
    from typing import Literal

    class MyEntry(LLMConfigEntry):
        api_type: Literal["my_provider"] = "my_provider"

    register_llm_config_entry(MyEntry)
    try:
        cfg = LLMConfig({"model": "m", "api_type": "my_provider"})
        assert isinstance(cfg.config_list[0], MyEntry)
    finally:
        from autogen.llm_config import entry as entry_module

        entry_module._ENTRY_CLASSES.pop("my_provider")
