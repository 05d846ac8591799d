"""Response caching, usage summaries and cost."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from pydantic import BaseModel

from autogen.cache import Cache
from autogen.oai import OpenAIWrapper
from autogen.testing import FakeLLMServer, FakeModelClient, FakeReply

MESSAGES = [{"role": "user", "content": "What is the capital of France?"}]
USAGE = {"prompt_tokens": 1000, "completion_tokens": 500, "total_tokens": 1500}


def test_disk_cache_serves_the_second_call_without_a_request(server: FakeLLMServer, tmp_path) -> None:
    server.add_replies(FakeReply(content="Paris", usage=USAGE))
    client = OpenAIWrapper(config_list=[{**server.config_list[0], "price": [0.001, 0.002]}])
    with Cache.disk(cache_seed=7, cache_path_root=tmp_path) as cache:
        first = client.create(messages=MESSAGES, cache=cache)
        second = client.create(messages=MESSAGES, cache=cache)

    assert len(server.requests) == 1
    assert client.extract_text_or_completion_object(second) == ["Paris"]
    assert second.cost == first.cost == pytest.approx(0.002)
    # the cache hit is counted in the total only
    assert client.actual_usage_summary["total_cost"] == pytest.approx(0.002)
    assert client.total_usage_summary["total_cost"] == pytest.approx(0.004)
    assert client.total_usage_summary["fake-model"]["prompt_tokens"] == 2000
    assert client.actual_usage_summary["fake-model"]["prompt_tokens"] == 1000


def test_cache_survives_a_new_wrapper_and_ignores_secrets(server: FakeLLMServer, tmp_path) -> None:
    server.add_replies("Paris")
    first_client = OpenAIWrapper(config_list=server.config_list)
    first_client.create(messages=MESSAGES, cache=Cache.disk(1, tmp_path))

    # same request, different key and a fresh wrapper: still a hit
    other_key = [{**server.config_list[0], "api_key": "sk-other"}]
    second_client = OpenAIWrapper(config_list=other_key)
    response = second_client.create(messages=MESSAGES, cache=Cache.disk(1, tmp_path))
    assert second_client.extract_text_or_completion_object(response) == ["Paris"]
    assert len(server.requests) == 1
    assert second_client.actual_usage_summary is None

    # a different request is not a hit
    server.add_replies("Berlin")
    response = second_client.create(messages=[{"role": "user", "content": "Germany?"}], cache=Cache.disk(1, tmp_path))
    assert second_client.extract_text_or_completion_object(response) == ["Berlin"]


def test_cache_seed_uses_a_disk_cache_under_dot_cache(server: FakeLLMServer, tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    server.add_replies("Paris")
    client = OpenAIWrapper(config_list=server.config_list, cache_seed=42)
    client.create(messages=MESSAGES)
    client.create(messages=MESSAGES)
    assert len(server.requests) == 1
    assert (tmp_path / ".cache" / "42").is_dir()


def test_no_caching_by_default(server: FakeLLMServer, tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    server.add_replies("one", "two")
    client = OpenAIWrapper(config_list=server.config_list)
    client.create(messages=MESSAGES)
    client.create(messages=MESSAGES)
    assert len(server.requests) == 2
    assert not (tmp_path / ".cache").exists()


class City(BaseModel):
    name: str


class Country(BaseModel):
    capital: str


def test_cache_key_distinguishes_pydantic_response_formats(server: FakeLLMServer, tmp_path) -> None:
    server.add_replies('{"name": "Paris"}', '{"capital": "Paris"}')
    client = OpenAIWrapper(config_list=server.config_list)
    cache = Cache.disk(3, tmp_path)
    client.create(messages=MESSAGES, response_format=City, cache=cache)
    client.create(messages=MESSAGES, response_format=Country, cache=cache)
    client.create(messages=MESSAGES, response_format=City, cache=cache)
    assert len(server.requests) == 2


def test_usage_summary_format_and_clear(server: FakeLLMServer) -> None:
    server.add_replies(FakeReply(content="a", usage=USAGE), FakeReply(content="b", usage=USAGE))
    client = OpenAIWrapper(config_list=[{**server.config_list[0], "price": [0.01, 0.03]}])
    assert client.total_usage_summary is None and client.actual_usage_summary is None
    client.create(messages=MESSAGES)
    client.create(messages=MESSAGES)
    expected = {
        "total_cost": pytest.approx(0.05),
        "fake-model": {
            "cost": pytest.approx(0.05),
            "prompt_tokens": 2000,
            "completion_tokens": 1000,
            "total_tokens": 3000,
        },
    }
    assert client.actual_usage_summary == expected
    assert client.total_usage_summary == expected
    client.clear_usage_summary()
    assert client.total_usage_summary is None and client.actual_usage_summary is None


def test_print_usage_summary_sends_one_event(server: FakeLLMServer, recording_stream) -> None:
    from autogen.events.client_events import UsageSummaryEvent

    server.add_replies(FakeReply(content="a", usage=USAGE))
    client = OpenAIWrapper(config_list=[{**server.config_list[0], "price": [0.01, 0.03]}])
    client.create(messages=MESSAGES)
    client.print_usage_summary()
    client.print_usage_summary(mode="total")
    events = [e for e in recording_stream.events if isinstance(e, UsageSummaryEvent)]
    assert [e.content.mode for e in events] == ["both", "total"]
    with pytest.raises(ValueError):
        client.print_usage_summary(mode="everything")


def test_builtin_price_table_with_dated_model_names(server: FakeLLMServer) -> None:
    # the fake server reports the model it was asked for
    server.add_replies(FakeReply(content="a", usage=USAGE))
    entry = {**server.config_list[0], "model": "gpt-4o-mini-2024-07-18"}
    del entry["price"]  # priced from the table, not by the fake server's zero price
    client = OpenAIWrapper(config_list=[entry])
    response = client.create(messages=MESSAGES)
    assert response.model == "gpt-4o-mini-2024-07-18"
    assert response.cost == pytest.approx((1000 * 0.00015 + 500 * 0.0006) / 1000)


def test_single_number_price_warns_and_prices_both_directions(server: FakeLLMServer) -> None:
    server.add_replies(FakeReply(content="a", usage=USAGE))
    with pytest.warns(UserWarning, match="single number"):
        client = OpenAIWrapper(config_list=[{**server.config_list[0], "price": 0.0123}])
    response = client.create(messages=MESSAGES)
    assert response.cost == pytest.approx(1500 * 0.0123 / 1000)


def test_unknown_model_is_noted_once_per_model(server: FakeLLMServer, caplog) -> None:
    server.default_reply = "x"
    entry = {**server.config_list[0], "model": "my-unpriced-model-123"}
    del entry["price"]  # the fake server's own entry is free
    client = OpenAIWrapper(config_list=[entry])
    with caplog.at_level("WARNING", logger="autogen.oai.pricing"):
        for _ in range(3):
            assert client.create(messages=MESSAGES).cost == 0.0
        OpenAIWrapper(config_list=[entry]).create(messages=MESSAGES)
    unpriced = [r.getMessage() for r in caplog.records if "my-unpriced-model-123" in r.getMessage()]
    assert len(unpriced) == 1
    assert "price" in unpriced[0]


def test_registered_fake_model_client_answers_and_counts_usage() -> None:
    client = OpenAIWrapper(config_list=[{"model": "fake", "model_client_cls": "FakeModelClient", "price": [1, 2]}])
    with pytest.raises(RuntimeError, match="register_model_client"):
        client.create(messages=MESSAGES)
    client.register_model_client(FakeModelClient, replies=["from the custom client"])
    response = client.create(messages=MESSAGES)
    assert client.extract_text_or_completion_object(response) == ["from the custom client"]
    assert client.actual_usage_summary["total_cost"] == response.cost > 0
    assert client._clients[0].calls[0]["messages"] == MESSAGES


def test_register_model_client_with_unknown_class_is_a_value_error() -> None:
    class NotInConfig:
        def __init__(self, config: dict[str, Any], **kwargs: Any) -> None: ...

    client = OpenAIWrapper(config_list=[{"model": "fake", "model_client_cls": "FakeModelClient"}])
    with pytest.raises(ValueError, match="NotInConfig"):
        client.register_model_client(NotInConfig)


def test_custom_client_failure_falls_back_to_http_config(server: FakeLLMServer, fast) -> None:
    from autogen.testing import Fault

    server.add_replies("http answer")
    client = OpenAIWrapper(
        config_list=fast([{"model": "fake", "model_client_cls": "FakeModelClient"}, *server.config_list], max_retries=1)
    )
    client.register_model_client(FakeModelClient, replies=[Fault.server_error(), Fault.server_error()])
    response = client.create(messages=MESSAGES)
    assert client.extract_text_or_completion_object(response) == ["http answer"]
    assert len(client._clients[0].calls) == 2


def test_first_and_later_responses_are_accounted_the_same(server: FakeLLMServer) -> None:
    # The first response of a type goes through the general path (which learns where `.cost` is
    # stored); later ones through the plain client's one-pass path. Both must count alike.
    from autogen.oai import _response_cost as client_module

    client_module._EXTRA_COST_TYPES.clear()
    server.add_replies(FakeReply(content="a", usage=USAGE), FakeReply(content="b", usage=USAGE))
    client = OpenAIWrapper(config_list=[{**server.config_list[0], "price": [0.01, 0.03]}])
    first = client.create(messages=MESSAGES)
    after_first = copy.deepcopy(client.total_usage_summary)
    assert client_module._EXTRA_COST_TYPES == {type(first)}
    second = client.create(messages=MESSAGES)
    assert first.cost == second.cost == pytest.approx(0.025)
    assert second.model_dump()["cost"] == second.cost and "cost" not in type(second).model_fields
    doubled = {"total_cost": pytest.approx(0.05)}
    doubled["fake-model"] = {k: v * 2 for k, v in after_first["fake-model"].items()}
    doubled["fake-model"]["cost"] = pytest.approx(0.05)
    assert client.total_usage_summary == doubled == client.actual_usage_summary
