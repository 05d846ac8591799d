"""Pure parts of the client layer: pricing, request adaptation, strict schemas, retry policy."""

from __future__ import annotations

import warnings

import pytest

from autogen.oai.errors import FailureKind, classify_failure
from autogen.oai.pricing import OAI_PRICE1K, cost_from_tokens, lookup_price, normalize_price
from autogen.oai.request import build_chat_request, is_reasoning_model
from autogen.oai.retry import RetryPolicy
from autogen.oai.structured import strict_json_schema


def test_price_table_is_importable_from_the_client_module() -> None:
    from autogen.oai.client import OAI_PRICE1K as from_client

    assert from_client is OAI_PRICE1K
    for model in (
        "gpt-5",
        "gpt-5-mini",
        "gpt-4.1",
        "gpt-4o",
        "gpt-4o-mini",
        "o1",
        "o3",
        "o3-mini",
        "o4-mini",
        "gpt-4",
        "gpt-4-turbo",
        "gpt-3.5-turbo",
    ):
        assert lookup_price(model) is not None, model


@pytest.mark.parametrize(
    ("model", "table_name"),
    [
        ("gpt-4o-2024-08-06", "gpt-4o"),
        ("gpt-4o-mini-2024-07-18", "gpt-4o-mini"),
        ("gpt-4.1-nano-2025-04-14", "gpt-4.1-nano"),
        ("o3-mini-2025-01-31", "o3-mini"),
        ("gpt-4-turbo-2024-04-09", "gpt-4-turbo"),
        ("gpt-5-2025-08-07", "gpt-5"),
        ("openai/gpt-4o", "gpt-4o"),
    ],
)
def test_dated_model_names_are_priced_by_their_family(model: str, table_name: str) -> None:
    assert lookup_price(model) == lookup_price(table_name)


def test_dated_name_with_its_own_price_wins() -> None:
    assert lookup_price("gpt-4o-2024-05-13") == (0.005, 0.015)
    assert lookup_price("gpt-4.5-preview") is None  # "gpt-4" + ".5..." is a different model


def test_cost_from_tokens() -> None:
    assert cost_from_tokens("gpt-4o", 1000, 1000) == pytest.approx(0.0025 + 0.01)
    assert cost_from_tokens("anything", 2000, 1000, price=(0.5, 1.0)) == pytest.approx(2.0)


def test_an_unknown_model_is_logged_once_and_warns_nothing(caplog, recwarn) -> None:
    with caplog.at_level("WARNING", logger="autogen.oai.pricing"):
        assert cost_from_tokens("model-nobody-prices-1", 10, 10) == 0.0
        assert cost_from_tokens("model-nobody-prices-1", 10, 10) == 0.0
        assert cost_from_tokens("model-nobody-prices-2", 10, 10) == 0.0
    notes = [r.getMessage() for r in caplog.records if r.name == "autogen.oai.pricing"]
    assert len(notes) == 2 and "'model-nobody-prices-1'" in notes[0] and "'price'" in notes[0]
    assert not [w for w in recwarn if "price" in str(w.message)]


def test_the_fake_server_entry_is_free_unless_a_real_model_is_named() -> None:
    from autogen.testing import FakeLLMServer

    with FakeLLMServer() as free, FakeLLMServer(model="gpt-4o") as priced:
        assert free.config_list[0]["price"] == [0.0, 0.0]
        assert "price" not in priced.config_list[0]


def test_bad_price_is_explained() -> None:
    with pytest.raises(ValueError, match="prompt_price_per_1k"):
        normalize_price(["cheap", "expensive"])
    assert normalize_price((1, 2)) == (1.0, 2.0)


@pytest.mark.parametrize(
    ("model", "expected"),
    [
        ("o1", True),
        ("o1-mini", True),
        ("o3-mini-2025-01-31", True),
        ("o4-mini", True),
        ("gpt-5", True),
        ("gpt-5-nano", True),
        ("gpt-5-chat-latest", False),
        ("gpt-4o", False),
        ("gpt-4.1", False),
        ("llama3", False),
    ],
)
def test_reasoning_model_detection(model: str, expected: bool) -> None:
    assert is_reasoning_model(model) is expected


def test_early_o1_system_messages_become_user_messages() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        request = build_chat_request(
            {
                "model": "o1-mini",
                "messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "hi"}],
            }
        )
    assert request["messages"][0] == {"role": "user", "content": "System message: Be brief."}


def test_late_system_messages_are_demoted_for_mistral() -> None:
    messages = [
        {"role": "system", "content": "rules"},
        {"role": "user", "content": "hi"},
        {"role": "system", "content": "late"},
    ]
    request = build_chat_request({"model": "mistral-large-latest", "messages": messages})
    assert [m["role"] for m in request["messages"]] == ["system", "user", "user"]


def test_empty_tools_and_orphan_tool_choice_are_not_sent() -> None:
    request = build_chat_request({"model": "gpt-4o", "messages": [], "tools": [], "tool_choice": "auto"})
    assert "tools" not in request and "tool_choice" not in request


def test_stream_requests_usage() -> None:
    assert build_chat_request({"model": "m", "messages": [], "stream": True})["stream_options"] == {
        "include_usage": True
    }
    assert "stream" not in build_chat_request({"model": "m", "messages": [], "stream": False})


def test_provider_fields_go_in_extra_body() -> None:
    request = build_chat_request(
        {"model": "m", "messages": [], "top_k": 40, "hide_tools": "never"},
        accepted=frozenset({"model", "messages", "extra_body"}),
        extra_body_keys=frozenset({"top_k"}),
    )
    assert request == {"model": "m", "messages": [], "extra_body": {"top_k": 40}}


def test_strict_schema_handles_nested_definitions() -> None:
    schema = {
        "type": "object",
        "properties": {"items": {"type": "array", "items": {"$ref": "#/$defs/Item"}}, "note": {"default": None}},
        "$defs": {"Item": {"type": "object", "properties": {"a": {"type": "string"}}}},
    }
    strict = strict_json_schema(schema)
    assert strict["required"] == ["items", "note"] and strict["additionalProperties"] is False
    assert strict["$defs"]["Item"]["required"] == ["a"]
    assert strict["$defs"]["Item"]["additionalProperties"] is False
    assert "default" not in strict["properties"]["note"]
    assert "required" not in schema  # the input is not modified


def test_retry_policy_backoff_is_exponential_and_capped() -> None:
    policy = RetryPolicy.from_config({"max_retries": 5, "retry_base_delay": 1, "retry_max_delay": 3})
    assert policy.max_attempts == 6
    delays = [policy.delay(n) for n in range(1, 5)]
    assert 0.8 <= delays[0] <= 1.2 and 1.6 <= delays[1] <= 2.4
    assert all(d <= 3 * 1.2 for d in delays[2:])
    with pytest.raises(ValueError, match="max_retries"):
        RetryPolicy.from_config({"max_retries": -1})


def test_classification_of_plain_exceptions() -> None:
    assert classify_failure(TimeoutError()) is FailureKind.TIMEOUT
    assert classify_failure(ConnectionResetError()) is FailureKind.RETRY
    assert classify_failure(KeyError("bug")) is FailureKind.PROPAGATE

    class ProviderError(Exception):
        def __init__(self, status_code: int, code: str | None = None) -> None:
            self.status_code, self.code = status_code, code

    assert classify_failure(ProviderError(503)) is FailureKind.RETRY
    assert classify_failure(ProviderError(429)) is FailureKind.RETRY
    assert classify_failure(ProviderError(429, "insufficient_quota")) is FailureKind.NEXT
    assert classify_failure(ProviderError(400)) is FailureKind.NEXT
    assert classify_failure(ProviderError(400, "content_filter")) is FailureKind.RAISE


def test_deepseek_reasoner_gets_system_first_alternating_roles_and_a_closing_user_turn() -> None:
    from autogen.oai.request import build_chat_request

    history = [
        {"role": "user", "content": "a"},
        {"role": "system", "content": "sys"},
        {"role": "user", "content": "b"},
    ]
    request = build_chat_request({"model": "deepseek-reasoner", "messages": history})
    assert [m["role"] for m in request["messages"]] == ["system", "user", "assistant", "user"]
    assert request["messages"][-1]["content"] == "continue"
    assert history[2]["role"] == "user"  # the caller's messages are not changed
    other = build_chat_request({"model": "deepseek-chat", "messages": history})
    assert other["messages"] == history


def test_an_api_error_about_a_message_name_becomes_a_clear_value_error() -> None:
    import openai
    import pytest

    from autogen.oai import OpenAIClient

    def reject(**kwargs):
        request = __import__("httpx").Request("POST", "http://x/v1/chat/completions")
        response = __import__("httpx").Response(400, request=request)
        body = {"error": {"message": "Invalid 'messages[1].name': string does not match pattern. Expected ..."}}
        raise openai.BadRequestError("Bad Request", response=response, body=body)

    with pytest.raises(ValueError, match="agent name contains invalid characters"):
        OpenAIClient._handle_openai_bad_request_error(reject)(messages=[], model="m")
