"""LLMConfig: every construction form, validation, mapping behaviour, copying and the ambient config."""

from __future__ import annotations

import copy
import json
import pickle
import warnings

import pytest
from pydantic import BaseModel, ValidationError

from autogen.llm_config import LLMConfig
from autogen.llm_config.entry import (
    AnthropicLLMConfigEntry,
    AzureOpenAILLMConfigEntry,
    OpenAILLMConfigEntry,
)

GPT = {"model": "gpt-4o-mini", "api_key": "sk-one"}
CLAUDE = {"model": "claude-3-5-sonnet", "api_key": "sk-two", "api_type": "anthropic"}


# ------------------------------------------------------------------------------------------------
# construction forms
# ------------------------------------------------------------------------------------------------
def test_positional_dicts_become_typed_entries_in_order():
    cfg = LLMConfig(GPT, CLAUDE)
    assert [type(e) for e in cfg.config_list] == [OpenAILLMConfigEntry, AnthropicLLMConfigEntry]
    assert [e.model for e in cfg.config_list] == ["gpt-4o-mini", "claude-3-5-sonnet"]
    assert cfg.config_list[0].api_type == "openai"  # default api_type


def test_falsy_positional_configs_are_skipped():
    cfg = LLMConfig(None, {}, GPT)
    assert len(cfg.config_list) == 1


def test_entry_objects_are_accepted_positionally_and_copied():
    entry = OpenAILLMConfigEntry(model="gpt-4o", api_key="sk-x")
    cfg = LLMConfig(entry)
    entry.model = "changed-later"
    assert cfg.config_list[0].model == "gpt-4o"


def test_keyword_options_are_stored_and_application_level_values_merged_into_entries():
    cfg = LLMConfig(GPT, {**GPT, "temperature": 0.9}, temperature=0.2, max_tokens=100, cache_seed=42, timeout=60)
    assert cfg.temperature == 0.2 and cfg["max_tokens"] == 100 and cfg.cache_seed == 42 and cfg.timeout == 60
    # top-level value underneath each entry, the entry's own value wins
    assert [e.temperature for e in cfg.config_list] == [0.2, 0.9]
    assert [e.max_tokens for e in cfg.config_list] == [100, 100]


def test_all_keyword_options_round_trip_through_model_dump():
    tools = [{"type": "function", "function": {"name": "f", "parameters": {}}}]
    cfg = LLMConfig(
        GPT,
        top_p=0.5,
        max_tokens=10,
        check_every_ms=100,
        allow_format_str_template=True,
        response_format={"type": "json_object"},
        timeout=30,
        seed=7,
        cache_seed=None,
        parallel_tool_calls=False,
        tools=tools,
        functions=[],
        routing_method="round_robin",
    )
    dumped = cfg.model_dump()
    assert dumped["routing_method"] == "round_robin"
    assert dumped["tools"] == tools
    assert "functions" not in dumped  # empty lists are left out
    assert "cache_seed" not in dumped  # None left out
    assert dumped["parallel_tool_calls"] is False
    assert LLMConfig.ensure_config(dumped) == cfg


def test_config_list_keyword_form_list_or_single_dict(fresh_deprecations):
    with pytest.warns(DeprecationWarning, match="config_list"):
        cfg = LLMConfig(config_list=[GPT, CLAUDE])
    assert len(cfg.config_list) == 2
    cfg1 = LLMConfig(config_list=GPT)
    assert cfg1.config_list[0].model == "gpt-4o-mini"


def test_keyword_entry_form_builds_one_entry(fresh_deprecations):
    with pytest.warns(DeprecationWarning, match="keyword form"):
        cfg = LLMConfig(model="gpt-4o", api_key="sk-k", temperature=0.1)
    assert len(cfg.config_list) == 1
    assert cfg.config_list[0]["api_key"] == "sk-k"
    assert cfg.temperature == 0.1


def test_each_deprecated_form_warns_only_once(fresh_deprecations):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for _ in range(3):
            LLMConfig(config_list=[GPT])
            LLMConfig(model="m")
            with LLMConfig(GPT):
                pass
    messages = [str(w.message) for w in caught if w.category is DeprecationWarning]
    assert len(messages) == 3
    assert sum("config_list" in m for m in messages) == 1
    assert sum("keyword form" in m for m in messages) == 1
    assert sum("with llm_config" in m for m in messages) == 1


def test_new_positional_form_does_not_warn(fresh_deprecations):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        LLMConfig(GPT, temperature=0)
        LLMConfig.ensure_config({"config_list": [GPT], "cache_seed": 42})


def test_keywords_without_model_are_request_parameters_applied_to_each_entry():
    cfg = LLMConfig(GPT, CLAUDE, stream=True, max_retries=2)
    assert [e.stream for e in cfg.config_list] == [True, True]
    assert [e["max_retries"] for e in cfg.config_list] == [2, 2]


def test_unknown_keyword_raises_type_error_listing_allowed_options():
    with pytest.raises(TypeError, match=r"'temprature'.*temperature"):
        LLMConfig(GPT, temprature=0)


# ------------------------------------------------------------------------------------------------
# ensure_config
# ------------------------------------------------------------------------------------------------
def test_ensure_config_of_llm_config_is_an_equal_independent_copy():
    cfg = LLMConfig(GPT, tools=[{"name": "a"}])
    same = LLMConfig.ensure_config(cfg)
    assert same == cfg and same is not cfg
    same["tools"].append({"name": "b"})
    assert len(cfg["tools"]) == 1


def test_ensure_config_of_entry_and_list_and_plain_dict():
    assert LLMConfig.ensure_config(OpenAILLMConfigEntry(model="m")).config_list[0].model == "m"
    assert len(LLMConfig.ensure_config([GPT, CLAUDE]).config_list) == 2
    assert len(LLMConfig.ensure_config((GPT,)).config_list) == 1
    single = LLMConfig.ensure_config({"model": "gpt-4", "api_key": "sk", "temperature": 0, "cache_seed": 3})
    assert single.config_list[0].model == "gpt-4"
    assert single.config_list[0].temperature == 0
    # options that only exist at the top level are pulled out of a plain dict
    assert single.cache_seed == 3 and "cache_seed" not in single.config_list[0]


def test_ensure_config_false_and_none_pass_through():
    assert LLMConfig.ensure_config(False) is False
    assert LLMConfig.ensure_config(None) is None


def test_ensure_config_02_dict_with_config_list_and_common_top_level_keys():
    cfg = LLMConfig.ensure_config(
        {
            "config_list": [GPT, {**GPT, "model": "gpt-4", "stream": False}],
            "cache_seed": 42,
            "temperature": 0,
            "timeout": 600,
            "seed": 1,
            "max_tokens": 50,
            "stream": True,
            "max_retries": 5,
            "functions": [{"name": "f", "parameters": {}}],
        }
    )
    assert (cfg.cache_seed, cfg.temperature, cfg.timeout, cfg.seed, cfg.max_tokens) == (42, 0, 600, 1, 50)
    assert cfg["functions"][0]["name"] == "f"
    # request parameters reach every entry; an entry's own value wins
    assert [e.stream for e in cfg.config_list] == [True, False]
    assert all(e["max_retries"] == 5 for e in cfg.config_list)
    plain = dict(**cfg)
    assert plain["config_list"][0]["stream"] is True


def test_ensure_config_config_list_as_single_dict():
    cfg = LLMConfig.ensure_config({"config_list": GPT, "cache_seed": None})
    assert cfg.config_list[0].model == "gpt-4o-mini"
    assert "cache_seed" not in cfg


def test_ensure_config_maps_request_timeout_to_timeout(fresh_deprecations):
    with pytest.warns(DeprecationWarning, match="request_timeout"):
        cfg = LLMConfig.ensure_config({"config_list": [GPT], "request_timeout": 120})
    assert cfg.timeout == 120


def test_ensure_config_top_level_model_and_key_fill_entries():
    cfg = LLMConfig.ensure_config(
        {"config_list": [{"api_key": "sk-a"}, {"api_key": "sk-b", "model": "x"}], "model": "gpt-4"}
    )
    assert [e.model for e in cfg.config_list] == ["gpt-4", "x"]


def test_ensure_config_unknown_top_level_key_is_a_type_error_naming_key_and_allowed_keys():
    with pytest.raises(TypeError) as info:
        LLMConfig.ensure_config({"config_list": [GPT], "not_a_thing": 1})
    msg = str(info.value)
    assert "'not_a_thing'" in msg and "cache_seed" in msg and "stream" in msg


def test_ensure_config_rejects_strings_and_other_types():
    with pytest.raises(TypeError, match="llm_config must be"):
        LLMConfig.ensure_config("gpt-4")
    with pytest.raises(TypeError, match="llm_config must be"):
        LLMConfig.ensure_config(42)


def test_ensure_config_entry_of_wrong_type_names_its_index():
    with pytest.raises(TypeError, match="config entry 1 must be a dict"):
        LLMConfig.ensure_config([GPT, "gpt-4"])


# ------------------------------------------------------------------------------------------------
# validation
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"temperature": 1.5}, "temperature"),
        ({"temperature": -0.1}, "temperature"),
        ({"top_p": 2}, "top_p"),
        ({"max_tokens": -1}, "max_tokens"),
        ({"routing_method": "random"}, "routing_method"),
    ],
)
def test_invalid_option_values_name_the_field(kwargs, field):
    with pytest.raises(ValidationError) as info:
        LLMConfig(GPT, **kwargs)
    assert info.value.errors()[0]["loc"] == (field,)
    assert field in str(info.value)


def test_boundary_values_are_accepted():
    cfg = LLMConfig(GPT, temperature=1, top_p=0, max_tokens=0)
    assert (cfg.temperature, cfg.top_p, cfg.max_tokens) == (1, 0, 0)


def test_invalid_entry_value_names_entry_index_and_field():
    with pytest.raises(ValidationError) as info:
        LLMConfig(GPT, {"model": "m", "temperature": 3})
    assert info.value.errors()[0]["loc"] == ("config_list", 1, "temperature")


def test_no_entries_is_a_clear_error():
    with pytest.raises(ValidationError, match="at least one config entry"):
        LLMConfig()
    with pytest.raises(ValidationError, match="at least one config entry"):
        LLMConfig.ensure_config({"config_list": []})
    with pytest.raises(ValidationError, match="at least one config entry"):
        LLMConfig.ensure_config({})


@pytest.mark.parametrize("model", [None, "", "   "])
def test_missing_or_empty_model_names_the_entry(model):
    entry = {"api_key": "sk-very-secret"} if model is None else {"api_key": "sk-very-secret", "model": model}
    with pytest.raises(ValidationError) as info:
        LLMConfig(GPT, entry)
    text = str(info.value)
    assert "config entry 1 has no 'model'" in text
    assert "sk-very-secret" not in text  # the error never shows the key


def test_missing_api_key_is_fine_at_config_time():
    cfg = LLMConfig({"model": "gpt-4o-mini"})
    assert cfg.config_list[0].api_key is None
    assert "api_key" not in cfg["config_list"][0]


def test_unknown_api_type_lists_known_ones():
    with pytest.raises(ValidationError) as info:
        LLMConfig({"model": "m", "api_type": "openia"})
    text = str(info.value)
    assert "'openia'" in text and "azure" in text and "anthropic" in text and "openai" in text


# ------------------------------------------------------------------------------------------------
# mapping behaviour, dumps, equality, repr
# ------------------------------------------------------------------------------------------------
def test_double_star_unpacking_gives_set_options_then_the_entries():
    cfg = LLMConfig(GPT, CLAUDE, temperature=0, cache_seed=41)
    plain = dict(**cfg)
    assert list(plain) == ["temperature", "cache_seed", "config_list"]
    # as in ag2, the entries themselves (they read like dicts)
    assert plain["config_list"] == cfg.config_list
    assert plain["config_list"][0].model_dump() == {
        "api_type": "openai", "model": "gpt-4o-mini", "api_key": "sk-one", "tags": [], "temperature": 0,
        "stream": False,
    }  # fmt: skip
    assert plain["config_list"][1]["api_type"] == "anthropic"

    def takes_kwargs(*, config_list, **rest):
        return config_list, rest

    config_list, rest = takes_kwargs(**cfg)
    assert config_list[1]["api_key"] == "sk-two" and rest == {"temperature": 0, "cache_seed": 41}


def test_mapping_reads():
    cfg = LLMConfig(GPT, tools=[{"name": "t"}])
    assert cfg["tools"] == [{"name": "t"}] and cfg.tools == [{"name": "t"}]
    assert "tools" in cfg and "functions" not in cfg and "config_list" in cfg
    assert cfg.get("functions") == [] and cfg.get("seed", 5) == 5 and cfg.get("nope", "d") == "d"
    assert cfg["seed"] is None
    assert list(cfg) == list(cfg.keys()) == ["tools", "config_list"]
    assert len(cfg) == 2
    assert dict(cfg.items())["tools"] == [{"name": "t"}]
    assert cfg.config_list[0]["model"] == "gpt-4o-mini"  # entries read like dicts too
    with pytest.raises(KeyError, match="nope"):
        cfg["nope"]
    with pytest.raises(AttributeError):
        cfg.nope  # noqa: B018


def test_mapping_writes_are_validated():
    cfg = LLMConfig(GPT)
    cfg["tools"] = [{"name": "t"}]
    cfg["tools"].append({"name": "u"})  # the stored list is live, as with a dict
    assert len(cfg.tools) == 2
    cfg.cache_seed = 9
    assert cfg["cache_seed"] == 9
    with pytest.raises(ValidationError):
        cfg["temperature"] = 5
    with pytest.raises(ValueError, match="not an LLMConfig option"):
        cfg["stream"] = True
    with pytest.raises(AttributeError):
        cfg.unknown_attr = 1
    del cfg["tools"]
    assert "tools" not in cfg and cfg.tools == []
    assert cfg.pop("cache_seed") == 9 and cfg.pop("cache_seed", "gone") == "gone"
    assert cfg.setdefault("seed", 3) == 3 and cfg.seed == 3
    cfg.update({"timeout": 5}, seed=4)
    assert (cfg.timeout, cfg.seed) == (5, 4)


def test_setting_application_level_option_updates_inherited_entry_values():
    cfg = LLMConfig(GPT, {**GPT, "temperature": 0.9}, temperature=0)
    cfg["temperature"] = 0.5
    assert [e.temperature for e in cfg.config_list] == [0.5, 0.9]


def test_replacing_config_list_validates_entries():
    cfg = LLMConfig(GPT)
    cfg["config_list"] = [CLAUDE]
    assert cfg.config_list[0].api_type == "anthropic"
    cfg.config_list = GPT
    assert cfg.config_list[0].model == "gpt-4o-mini"
    with pytest.raises(ValidationError):
        cfg["config_list"] = []
    with pytest.raises(ValueError):
        del cfg["config_list"]


def test_model_dump_and_json():
    class Answer(BaseModel):
        text: str

    cfg = LLMConfig(GPT, response_format=Answer, cache_seed=None)
    dumped = cfg.model_dump()
    assert dumped["response_format"] is Answer
    assert "cache_seed" not in dumped
    assert cfg.model_dump(exclude_none=False)["cache_seed"] is None
    data = json.loads(cfg.model_dump_json())
    assert data["config_list"][0]["model"] == "gpt-4o-mini"
    assert data["response_format"]["properties"]["text"]["type"] == "string"


def test_equality():
    assert LLMConfig(GPT, temperature=0) == LLMConfig(GPT, temperature=0)
    assert LLMConfig(GPT, temperature=0) != LLMConfig(GPT, temperature=0.5)
    assert LLMConfig(GPT) != LLMConfig({**GPT, "api_key": "other"})
    assert LLMConfig(GPT) != {"config_list": [GPT]}


def test_repr_masks_keys_and_tokens():
    cfg = LLMConfig({**GPT, "api_key": "sk-TOPSECRET", "azure_ad_token": "tok-SECRET", "api_type": "azure"})
    text = repr(cfg)
    assert "TOPSECRET" not in text and "tok-SECRET" not in text and "**********" in text
    assert "gpt-4o-mini" in text and str(cfg) == text
    assert isinstance(cfg.config_list[0], AzureOpenAILLMConfigEntry)


# ------------------------------------------------------------------------------------------------
# copies
# ------------------------------------------------------------------------------------------------
def test_copy_is_independent_for_options_and_entries():
    cfg = LLMConfig(GPT, tools=[{"name": "a"}])
    other = cfg.copy()
    assert other == cfg
    other["tools"].append({"name": "b"})
    other.config_list[0]["model"] = "changed"
    other["temperature"] = 0.3
    assert cfg.tools == [{"name": "a"}] and cfg.config_list[0].model == "gpt-4o-mini" and cfg.temperature is None
    assert copy.copy(cfg) == cfg


def test_deepcopy_copies_nested_structures_but_shares_classes_and_clients():
    class Fmt(BaseModel):
        x: int

    client = object()
    cfg = LLMConfig(
        {**GPT, "http_client": client, "extra_body": {"a": [1]}}, tools=[{"fn": {"p": 1}}], response_format=Fmt
    )
    deep = copy.deepcopy(cfg)
    assert deep == cfg
    deep.tools[0]["fn"]["p"] = 2
    deep.config_list[0].extra_body["a"].append(2)
    assert cfg.tools[0]["fn"]["p"] == 1 and cfg.config_list[0].extra_body == {"a": [1]}
    assert deep.config_list[0].http_client is client and deep.response_format is Fmt
    assert cfg.deepcopy() == cfg


def test_pickle_round_trip():
    cfg = LLMConfig(GPT, CLAUDE, temperature=0.1, tools=[{"n": 1}])
    assert pickle.loads(pickle.dumps(cfg)) == cfg


def test_where_filters_entries_and_keeps_options():
    cfg = LLMConfig(
        {**GPT, "tags": ["fast"]}, {**GPT, "model": "gpt-4", "tags": ["smart"]}, CLAUDE, temperature=0.2, cache_seed=1
    )
    fast = cfg.where(tags=["fast"])
    assert [e.model for e in fast.config_list] == ["gpt-4o-mini"]
    assert fast.temperature == 0.2 and fast.cache_seed == 1
    assert [e.model for e in cfg.where(api_type="openai", model=["gpt-4", "x"]).config_list] == ["gpt-4"]
    assert [e.model for e in cfg.where(exclude=True, api_type="openai").config_list] == ["claude-3-5-sonnet"]
    assert len(cfg.where().config_list) == 3
    with pytest.raises(ValueError, match="No config found that satisfies the filter criteria"):
        cfg.where(model="nope")
    assert len(cfg.config_list) == 3  # the original is untouched


def test_from_json_path_env_and_file_location(tmp_path, clean_env):
    entries = [{**GPT, "tags": ["a"]}, {**GPT, "model": "gpt-4", "tags": ["b"]}]
    path = tmp_path / "OAI_CONFIG_LIST"
    path.write_text(json.dumps(entries), encoding="utf-8")

    cfg = LLMConfig.from_json(path=path, temperature=0.1, cache_seed=3)
    assert [e.model for e in cfg.config_list] == ["gpt-4o-mini", "gpt-4"] and cfg.temperature == 0.1

    cfg = LLMConfig.from_json(path="OAI_CONFIG_LIST", file_location=str(tmp_path), filter_dict={"tags": ["b"]})
    assert [e.model for e in cfg.config_list] == ["gpt-4"]

    clean_env.setenv("OAI_CONFIG_LIST", json.dumps(entries))
    assert len(LLMConfig.from_json(env="OAI_CONFIG_LIST").config_list) == 2
    clean_env.setenv("OAI_CONFIG_LIST", str(path))
    assert len(LLMConfig.from_json(env="OAI_CONFIG_LIST").config_list) == 2


def test_from_json_argument_errors(tmp_path, clean_env):
    with pytest.raises(ValueError, match="exactly one"):
        LLMConfig.from_json()
    with pytest.raises(ValueError, match="exactly one"):
        LLMConfig.from_json(env="X", path="y")
    path = tmp_path / "cfg.json"
    path.write_text(json.dumps([GPT]), encoding="utf-8")
    with pytest.raises(ValueError, match="matches filter_dict"):
        LLMConfig.from_json(path=path, filter_dict={"model": ["other"]})


# ------------------------------------------------------------------------------------------------
# ambient config (`with llm_config:`)
# ------------------------------------------------------------------------------------------------
@pytest.mark.filterwarnings("ignore:LLMConfig.current:DeprecationWarning")
def test_context_manager_sets_and_restores_the_current_config(fresh_deprecations):
    outer = LLMConfig(GPT)
    inner = LLMConfig(CLAUDE)
    assert LLMConfig.get_current_llm_config() is None
    with pytest.warns(DeprecationWarning, match="with llm_config"):
        entered = outer.__enter__()
    try:
        assert entered is outer
        assert LLMConfig.get_current_llm_config() is outer
        with inner:
            assert LLMConfig.current is inner
            assert LLMConfig.default is inner
        assert LLMConfig.get_current_llm_config() is outer
        # an explicit config given to an agent wins over the ambient one
        assert LLMConfig.get_current_llm_config(inner) is inner
    finally:
        outer.__exit__(None, None, None)
    assert LLMConfig.get_current_llm_config() is None
    with pytest.raises(ValueError, match="with llm_config"):
        LLMConfig.current  # noqa: B018
    assert not hasattr(LLMConfig, "current")  # introspection does not crash


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_context_manager_is_reentrant_for_the_same_object():
    cfg = LLMConfig(GPT)
    with cfg:
        with cfg:
            assert LLMConfig.get_current_llm_config() is cfg
        assert LLMConfig.get_current_llm_config() is cfg
    assert LLMConfig.get_current_llm_config() is None


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_ambient_config_is_per_thread():
    import threading

    seen = []
    cfg = LLMConfig(GPT)
    with cfg:
        t = threading.Thread(target=lambda: seen.append(LLMConfig.get_current_llm_config()))
        t.start()
        t.join()
    assert seen == [None]
