"""The small config helpers ag2 exposes in autogen.oai.openai_utils."""

from __future__ import annotations

from autogen.oai.openai_utils import DEFAULT_AZURE_API_VERSION, get_config, get_key, is_valid_api_key


def test_is_valid_api_key_accepts_openai_key_shapes_only() -> None:
    assert is_valid_api_key("sk-" + "a1_-" * 12)
    assert is_valid_api_key("sk-proj-" + "x" * 48)
    assert not is_valid_api_key("sk-short")
    assert not is_valid_api_key("pk-" + "a" * 60)
    assert not is_valid_api_key("sk-" + "a" * 47 + " ")


def test_get_key_ignores_secrets_and_endpoints() -> None:
    a = {"model": "gpt-4", "temperature": 0, "api_key": "one", "base_url": "http://a"}
    b = {"model": "gpt-4", "temperature": 0, "api_key": "two", "api_version": "x"}
    assert get_key(a) == get_key(b) == {"model": "gpt-4", "temperature": 0}
    assert "api_key" in a  # not changed


def test_get_config_reads_environment_variables_named_by_value(monkeypatch) -> None:
    monkeypatch.setenv("MY_BASE", "http://from-env")
    assert get_config("k", base_url="MY_BASE", api_type="azure") == {
        "api_key": "k",
        "base_url": "http://from-env",
        "api_type": "azure",
    }
    assert get_config(None) == {"api_key": None}
    assert DEFAULT_AZURE_API_VERSION == "2024-02-01"
