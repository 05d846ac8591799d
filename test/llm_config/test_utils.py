"""Config-list helpers: filter_config, loading from JSON / env / .env / key files."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from autogen.llm_config import LLMConfig
from autogen.llm_config.utils import (
    config_list_from_dotenv,
    config_list_from_json,
    config_list_from_models,
    config_list_gpt4_gpt35,
    config_list_openai_aoai,
    filter_config,
    get_config_list,
    get_first_llm_config,
)

CONFIGS = [
    {"model": "gpt-4", "api_key": "k1", "tags": ["gpt4", "smart"]},
    {"model": "gpt-4o-mini", "api_key": "k2", "tags": ["fast"], "api_type": "openai"},
    {"model": "claude", "api_key": "k3", "api_type": "anthropic"},
]


# ------------------------------------------------------------------------------------------------
# filter_config
# ------------------------------------------------------------------------------------------------
def models(config_list):
    return [c["model"] for c in config_list]


def test_no_filter_returns_the_list_unchanged():
    assert filter_config(CONFIGS, None) is CONFIGS
    assert filter_config(CONFIGS, {}) is CONFIGS


def test_list_criterion_means_membership_and_keys_are_anded():
    assert models(filter_config(CONFIGS, {"model": ["gpt-4", "claude"]})) == ["gpt-4", "claude"]
    assert models(filter_config(CONFIGS, {"model": ["gpt-4", "claude"], "api_type": ["anthropic"]})) == ["claude"]


def test_scalar_criterion_means_equality_not_substring():
    assert models(filter_config(CONFIGS, {"model": "gpt-4"})) == ["gpt-4"]  # 0.2 would also match gpt-4o-mini
    assert filter_config(CONFIGS, {"model": "gpt"}) == []


def test_list_valued_fields_match_on_intersection_or_containment():
    assert models(filter_config(CONFIGS, {"tags": ["smart", "fast"]})) == ["gpt-4", "gpt-4o-mini"]
    assert models(filter_config(CONFIGS, {"tags": "fast"})) == ["gpt-4o-mini"]
    assert models(filter_config(CONFIGS, {"tags": {"gpt4"}})) == ["gpt-4"]


def test_missing_or_none_field_never_matches_even_if_none_is_accepted():
    assert models(filter_config(CONFIGS, {"api_type": ["openai", None]})) == ["gpt-4o-mini"]
    assert filter_config([{"model": "m", "api_type": None}], {"api_type": [None]}) == []


def test_exclude_keeps_configs_that_fail_every_key():
    assert models(filter_config(CONFIGS, {"model": ["gpt-4"]}, exclude=True)) == ["gpt-4o-mini", "claude"]
    # per-key inversion: gpt-4o-mini fails 'model' but matches 'api_type', so it is not kept
    assert models(filter_config(CONFIGS, {"model": ["gpt-4"], "api_type": ["openai"]}, exclude=True)) == ["claude"]


def test_filter_accepts_entry_objects():
    entries = LLMConfig(*CONFIGS).config_list
    assert [e.model for e in filter_config(entries, {"tags": ["fast"]})] == ["gpt-4o-mini"]


# ------------------------------------------------------------------------------------------------
# config_list_from_json
# ------------------------------------------------------------------------------------------------
def test_env_var_holding_json(clean_env):
    clean_env.setenv("OAI_CONFIG_LIST", json.dumps(CONFIGS))
    assert models(config_list_from_json("OAI_CONFIG_LIST")) == ["gpt-4", "gpt-4o-mini", "claude"]
    assert models(config_list_from_json("OAI_CONFIG_LIST", filter_dict={"model": ["claude"]})) == ["claude"]


def test_env_var_holding_a_file_path(tmp_path, clean_env):
    path = tmp_path / "my_configs.json"
    path.write_text(json.dumps(CONFIGS), encoding="utf-8")
    clean_env.setenv("OAI_CONFIG_LIST", str(path))
    assert len(config_list_from_json("OAI_CONFIG_LIST")) == 3


def test_file_under_file_location_and_utf8(tmp_path, clean_env):
    (tmp_path / "OAI_CONFIG_LIST").write_text(json.dumps([{"model": "m", "note": "héllo ✓"}]), encoding="utf-8")
    loaded = config_list_from_json("OAI_CONFIG_LIST", file_location=str(tmp_path))
    assert loaded == [{"model": "m", "note": "héllo ✓"}]
    clean_env.chdir(tmp_path)
    assert config_list_from_json("OAI_CONFIG_LIST") == loaded  # no location: relative to the cwd


def test_empty_env_var_falls_back_to_the_file(tmp_path, clean_env):
    (tmp_path / "OAI_CONFIG_LIST").write_text(json.dumps([{"model": "from-file"}]), encoding="utf-8")
    clean_env.setenv("OAI_CONFIG_LIST", "")
    assert models(config_list_from_json("OAI_CONFIG_LIST", file_location=tmp_path)) == ["from-file"]


def test_missing_source_names_env_var_and_file(tmp_path, clean_env):
    with pytest.raises(FileNotFoundError) as info:
        config_list_from_json("OAI_CONFIG_LIST", file_location=str(tmp_path))
    # the OS wording (scripts match on it), with a hint naming the variable as a note where supported
    assert info.value.filename == str(tmp_path / "OAI_CONFIG_LIST")
    assert "No such file or directory" in str(info.value)
    notes = " ".join(getattr(info.value, "__notes__", []))
    assert not hasattr(info.value, "add_note") or "'OAI_CONFIG_LIST'" in notes


def test_malformed_json_file_names_file_and_position(tmp_path, clean_env):
    path = tmp_path / "OAI_CONFIG_LIST"
    path.write_text('[\n  {"model": "gpt-4",}\n]', encoding="utf-8")
    with pytest.raises(json.JSONDecodeError) as info:
        config_list_from_json("OAI_CONFIG_LIST", file_location=str(tmp_path))
    msg = str(info.value)
    assert str(path) in msg and "line 2" in msg and "column" in msg


def test_malformed_json_in_env_var_names_the_variable(clean_env):
    clean_env.setenv("OAI_CONFIG_LIST", '[{"model": "gpt-4", "api_key": "sk-secret"')
    with pytest.raises(json.JSONDecodeError) as info:
        config_list_from_json("OAI_CONFIG_LIST")
    assert "environment variable 'OAI_CONFIG_LIST'" in str(info.value) and "line 1" in str(info.value)


def test_env_var_that_is_neither_file_nor_json(clean_env):
    clean_env.setenv("OAI_CONFIG_LIST", "/no/such/dir/OAI_CONFIG_LIST")
    with pytest.raises(ValueError, match="neither an existing file nor JSON"):
        config_list_from_json("OAI_CONFIG_LIST")


@pytest.mark.parametrize("content", ['{"model": "gpt-4"}', '["gpt-4"]', "42"])
def test_valid_json_that_is_not_a_list_of_objects(tmp_path, clean_env, content):
    (tmp_path / "cfg.json").write_text(content, encoding="utf-8")
    with pytest.raises(ValueError, match="must hold a JSON list of config objects"):
        config_list_from_json("cfg.json", file_location=str(tmp_path))


# ------------------------------------------------------------------------------------------------
# building config lists
# ------------------------------------------------------------------------------------------------
def test_get_config_list():
    assert get_config_list(["k1", " ", "k2"], base_urls=["u1", "u2", "u3"], api_type="azure", api_version="v") == [
        {"api_key": "k1", "base_url": "u1", "api_type": "azure", "api_version": "v"},
        {"api_key": "k2", "base_url": "u3", "api_type": "azure", "api_version": "v"},
    ]
    assert get_config_list(["k"]) == [{"api_key": "k"}]
    with pytest.raises(AssertionError):
        get_config_list(["a", "b"], base_urls=["u"])


def test_config_list_openai_aoai_from_environment(tmp_path, clean_env):
    clean_env.setenv("OPENAI_API_KEY", "sk-o1\nsk-o2")
    clean_env.setenv("AZURE_OPENAI_API_KEY", "az-1")
    clean_env.setenv("AZURE_OPENAI_API_BASE", "https://x.openai.azure.com")
    configs = config_list_openai_aoai(key_file_path=str(tmp_path))
    assert configs == [
        {"api_key": "sk-o1"},
        {"api_key": "sk-o2"},
        {"api_key": "az-1", "base_url": "https://x.openai.azure.com", "api_type": "azure", "api_version": "2024-02-01"},
    ]
    assert [c["api_key"] for c in config_list_openai_aoai(key_file_path=str(tmp_path), exclude="aoai")] == [
        "sk-o1",
        "sk-o2",
    ]
    assert [c["api_key"] for c in config_list_openai_aoai(key_file_path=str(tmp_path), exclude="openai")] == ["az-1"]


def test_key_files_override_environment_without_changing_it(tmp_path, clean_env):
    clean_env.setenv("OPENAI_API_KEY", "sk-env")
    (tmp_path / "key_openai.txt").write_text("sk-file\n", encoding="utf-8")
    (tmp_path / "base_openai.txt").write_text("http://127.0.0.1:9/v1", encoding="utf-8")
    configs = config_list_openai_aoai(key_file_path=str(tmp_path), exclude="aoai")
    assert configs == [{"api_key": "sk-file", "base_url": "http://127.0.0.1:9/v1"}]
    assert os.environ["OPENAI_API_KEY"] == "sk-env"


def test_config_list_from_models_and_gpt4_gpt35(tmp_path, clean_env):
    clean_env.setenv("OPENAI_API_KEY", "sk-1\nsk-2")
    configs = config_list_from_models(key_file_path=str(tmp_path), exclude="aoai", model_list=["a", "b"])
    assert [(c["model"], c["api_key"]) for c in configs] == [("a", "sk-1"), ("a", "sk-2"), ("b", "sk-1"), ("b", "sk-2")]
    configs = config_list_gpt4_gpt35(key_file_path=str(tmp_path), exclude="aoai")
    assert [c["model"] for c in configs] == ["gpt-4", "gpt-4", "gpt-3.5-turbo", "gpt-3.5-turbo"]


def test_config_list_from_dotenv(tmp_path, clean_env):
    clean_env.delenv("ANTHROPIC_KEY", raising=False)
    clean_env.delenv("MY_BASE", raising=False)
    env_file = tmp_path / ".env"
    env_file.write_text(
        "OPENAI_API_KEY=sk-dot\nANTHROPIC_KEY=sk-ant\nMY_BASE=http://127.0.0.1:5/v1\n", encoding="utf-8"
    )
    try:
        configs = config_list_from_dotenv(
            dotenv_file_path=env_file,
            model_api_key_map={
                "claude": {"api_key_env_var": "ANTHROPIC_KEY", "api_type": "anthropic"},
                "local": {"api_key_env_var": "OPENAI_API_KEY", "base_url": "MY_BASE"},
                "gemini": "UNSET_GEMINI_KEY",
            },
        )
        by_model = {c["model"]: c for c in configs}
        assert set(by_model) == {"claude", "local", "gpt-4", "gpt-3.5-turbo"}  # gemini has no key: skipped
        assert by_model["claude"] == {"api_key": "sk-ant", "api_type": "anthropic", "model": "claude"}
        assert by_model["local"]["base_url"] == "http://127.0.0.1:5/v1"  # named env var resolved
        assert by_model["gpt-4"]["api_key"] == "sk-dot"
        filtered = config_list_from_dotenv(dotenv_file_path=env_file, filter_dict={"model": ["gpt-4"]})
        assert models(filtered) == ["gpt-4"]
    finally:
        for name in ("ANTHROPIC_KEY", "MY_BASE", "OPENAI_API_KEY"):
            os.environ.pop(name, None)


def test_config_list_from_dotenv_missing_file_uses_environment(tmp_path, clean_env):
    clean_env.setenv("OPENAI_API_KEY", "sk-env")
    configs = config_list_from_dotenv(dotenv_file_path=tmp_path / "missing.env")
    assert models(configs) == ["gpt-4", "gpt-3.5-turbo"]


def test_get_first_llm_config():
    first = get_first_llm_config({"config_list": [{"model": "a", "x": [1]}, {"model": "b"}]})
    assert first == {"model": "a", "x": [1]}
    assert get_first_llm_config(LLMConfig({"model": "c", "api_key": "k"}))["api_key"] == "k"
    assert get_first_llm_config({"model": "d"}) == {"model": "d"}
    with pytest.raises(ValueError):
        get_first_llm_config({"config_list": []})
    with pytest.raises(ValueError):
        get_first_llm_config({"temperature": 0})


def test_old_import_paths_reexport_the_helpers():
    import autogen
    from autogen.llm_config import utils
    from autogen.oai import openai_utils

    assert openai_utils.config_list_from_json is utils.config_list_from_json
    assert openai_utils.filter_config is utils.filter_config
    assert "gpt-4" in str(list(openai_utils.OAI_PRICE1K))
    assert autogen.config_list_from_json is utils.config_list_from_json
    assert autogen.LLMConfig is LLMConfig


def test_importing_llm_config_stays_light():
    code = (
        "import sys, autogen.llm_config, autogen.llm_config.utils, autogen.oai.openai_utils;"
        "heavy = {'openai', 'httpx', 'httpx2', 'tiktoken', 'numpy', 'redis', 'docker'} & set(sys.modules);"
        "print(sorted(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
