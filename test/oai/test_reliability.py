"""Retries, fallback between configs, and the errors a user sees when everything fails."""

from __future__ import annotations

import time
from typing import Any

import openai
import pytest

from autogen.oai import OpenAIWrapper
from autogen.oai.errors import LLMCallError, LLMTimeoutError, MissingAPIKeyError, UnsupportedAPITypeError
from autogen.testing import FakeLLMServer, Fault

MESSAGES = [{"role": "user", "content": "hi"}]


def test_transient_errors_are_retried_then_next_config_answers(server, backup, fast) -> None:
    server.add_replies(Fault.server_error(), Fault.rate_limit(retry_after=0), Fault.server_error(503))
    backup.add_replies("from backup")
    client = OpenAIWrapper(config_list=fast(server.config_list + backup.config_list, max_retries=2))
    response = client.create(messages=MESSAGES)

    assert client.extract_text_or_completion_object(response) == ["from backup"]
    assert len(server.requests) == 3  # first attempt + 2 retries on the first config
    assert len(backup.requests) == 1
    assert backup.requests[0].body["model"] == "backup-model"


def test_retry_recovers_on_the_same_config(server, backup, fast) -> None:
    server.add_replies(Fault.rate_limit(retry_after=0), "second try")
    client = OpenAIWrapper(config_list=fast(server.config_list + backup.config_list))
    assert client.extract_text_or_completion_object(client.create(messages=MESSAGES)) == ["second try"]
    assert len(server.requests) == 2 and backup.requests == []


def test_retry_after_header_is_honoured(server) -> None:
    server.add_replies(Fault.rate_limit(retry_after=0.3), "ok")
    # a huge base delay would stall the test if retry-after were ignored
    client = OpenAIWrapper(config_list=server.config_list, retry_base_delay=30)
    start = time.monotonic()
    client.create(messages=MESSAGES)
    assert 0.25 <= time.monotonic() - start < 5


def test_all_configs_failing_raises_one_error_listing_every_attempt(server, backup, fast) -> None:
    server.add_replies(*[Fault.server_error()] * 2)
    backup.add_replies(*[Fault.rate_limit()] * 2)
    client = OpenAIWrapper(config_list=fast(server.config_list + backup.config_list, max_retries=1))
    with pytest.raises(LLMCallError) as info:
        client.create(messages=MESSAGES)

    message = str(info.value)
    assert len(info.value.attempts) == 4
    assert message.count("fake-model") == 2 and message.count("backup-model") == 2
    assert server.base_url in message and backup.base_url in message
    assert "InternalServerError" in message and "RateLimitError" in message
    assert isinstance(info.value.__cause__, openai.RateLimitError)
    assert not isinstance(info.value, TimeoutError)


def test_every_attempt_timing_out_is_a_timeout_error(server, fast) -> None:
    server.add_replies(Fault.slow(2, then="late"), Fault.slow(2, then="late"))
    client = OpenAIWrapper(config_list=fast(server.config_list, max_retries=1), timeout=0.2)
    start = time.monotonic()
    with pytest.raises(TimeoutError) as info:
        client.create(messages=MESSAGES)
    assert time.monotonic() - start < 1.5
    assert isinstance(info.value, LLMTimeoutError)
    assert "attempt 2/2" in str(info.value) and "APITimeoutError" in str(info.value)


def test_dropped_connection_is_retried(server, fast) -> None:
    server.add_replies(Fault.drop_connection(), "after the drop")
    client = OpenAIWrapper(config_list=fast(server.config_list))
    assert client.extract_text_or_completion_object(client.create(messages=MESSAGES)) == ["after the drop"]
    assert len(server.requests) == 2


def test_malformed_json_is_retried_and_reported(server, fast) -> None:
    server.add_replies(Fault.malformed_json(), "valid now", Fault.malformed_json(), Fault.malformed_json())
    client = OpenAIWrapper(config_list=fast(server.config_list, max_retries=1))
    assert client.extract_text_or_completion_object(client.create(messages=MESSAGES)) == ["valid now"]
    with pytest.raises(LLMCallError, match="JSONDecodeError"):
        client.create(messages=MESSAGES)


def test_non_transient_error_moves_on_without_retry(server, backup, fast) -> None:
    server.add_replies(Fault.error(404, "model not found"))
    backup.add_replies("backup answers")
    client = OpenAIWrapper(config_list=fast(server.config_list + backup.config_list))
    assert client.extract_text_or_completion_object(client.create(messages=MESSAGES)) == ["backup answers"]
    assert len(server.requests) == 1  # 404 is not retried


def test_non_transient_error_on_last_config_keeps_its_type_and_names_the_model(server, fast) -> None:
    server.add_replies(Fault.error(401, "Incorrect API key provided"))
    client = OpenAIWrapper(config_list=fast(server.config_list))
    with pytest.raises(openai.AuthenticationError) as info:
        client.create(messages=MESSAGES)
    assert "Incorrect API key provided" in str(info.value)
    assert "fake-model" in str(info.value) and server.base_url in str(info.value)


class ContentFilterError(Exception):
    code = "content_filter"


class FilteringClient:
    """A custom client whose provider blocks the request."""

    def __init__(self, config: dict[str, Any], **kwargs: Any) -> None:
        self.calls = 0

    def create(self, params: dict[str, Any]) -> Any:
        self.calls += 1
        raise ContentFilterError("blocked by the content filter")

    def message_retrieval(self, response: Any) -> list[Any]:
        return []

    def cost(self, response: Any) -> float:
        return 0.0

    @staticmethod
    def get_usage(response: Any) -> dict[str, Any]:
        return {}


def test_content_filter_is_raised_immediately(server) -> None:
    server.add_replies("never reached")
    client = OpenAIWrapper(
        config_list=[{"model": "guarded", "model_client_cls": "FilteringClient"}, *server.config_list]
    )
    client.register_model_client(FilteringClient)
    with pytest.raises(ContentFilterError):
        client.create(messages=MESSAGES)
    assert client._clients[0].calls == 1  # no retry
    assert server.requests == []  # no fallback


def test_missing_api_key_fails_at_first_call_only(monkeypatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    client = OpenAIWrapper(config_list=[{"model": "gpt-4o-mini"}])  # construction is fine
    with pytest.raises(MissingAPIKeyError) as info:
        client.create(messages=MESSAGES)
    assert "OPENAI_API_KEY" in str(info.value) and "api_key" in str(info.value)
    assert "gpt-4o-mini" in str(info.value)


def test_api_key_is_read_from_the_environment(server, monkeypatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-from-env")
    server.add_replies("ok")
    client = OpenAIWrapper(config_list=[{"model": "fake-model", "base_url": server.base_url}])
    client.create(messages=MESSAGES)
    assert server.requests[0].headers["authorization"] == "Bearer sk-from-env"


def test_provider_api_type_needs_its_own_key(monkeypatch) -> None:
    monkeypatch.delenv("GROQ_API_KEY", raising=False)
    client = OpenAIWrapper(config_list=[{"api_type": "groq", "model": "llama-3.3-70b-versatile"}])
    with pytest.raises(MissingAPIKeyError, match="GROQ_API_KEY"):
        client.create(messages=MESSAGES)


def test_provider_api_type_goes_through_the_openai_client(server) -> None:
    server.add_replies("via deepseek route")
    client = OpenAIWrapper(
        config_list=[
            {"api_type": "deepseek", "model": "deepseek-chat", "api_key": "sk-ds", "base_url": server.base_url}
        ]
    )
    assert client.extract_text_or_completion_object(client.create(messages=MESSAGES)) == ["via deepseek route"]
    assert server.requests[0].headers["authorization"] == "Bearer sk-ds"


def test_local_server_without_key_works(server, monkeypatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    server.add_replies("local answer")
    client = OpenAIWrapper(config_list=[{"model": "llama3", "base_url": server.base_url}])
    assert client.extract_text_or_completion_object(client.create(messages=MESSAGES)) == ["local answer"]


def test_unsupported_api_type_fails_at_first_call_with_a_hint() -> None:
    # "gemini" is not an api_type (Gemini's is "google"): the hint names Gemini's OpenAI-compatible endpoint
    client = OpenAIWrapper(config_list=[{"api_type": "gemini", "model": "gemini-2.5-flash", "api_key": "x"}])
    with pytest.raises(UnsupportedAPITypeError) as info:
        client.create(messages=MESSAGES)
    message = str(info.value)
    assert "gemini" in message and "base_url" in message and "OpenAI-compatible" in message
    assert isinstance(info.value, NotImplementedError)


def test_azure_uses_the_deployment_path(server) -> None:
    server.add_replies("from azure")
    endpoint = server.base_url.removesuffix("/v1")
    client = OpenAIWrapper(
        config_list=[
            {
                "api_type": "azure",
                "model": "my-gpt4o",
                "api_key": "az-key",
                "base_url": endpoint,
                "api_version": "2024-10-21",
            }
        ]
    )
    try:
        response = client.create(messages=MESSAGES)
    except openai.APIStatusError:
        pass  # the fake server may not route the Azure path; the request is what we check
    else:
        assert client.extract_text_or_completion_object(response) == ["from azure"]
    request = server.requests[0]
    assert request.path.endswith("/openai/deployments/my-gpt4o/chat/completions")
    assert request.headers["api-key"] == "az-key"
    assert "api-version=2024-10-21" in request.query


def test_filter_func_rejects_and_falls_through(server, backup) -> None:
    server.add_replies("bad answer")
    backup.add_replies("good answer")
    client = OpenAIWrapper(config_list=server.config_list + backup.config_list)

    def only_good(context: Any, response: Any) -> bool:
        return "good" in response.choices[0].message.content

    response = client.create(messages=MESSAGES, filter_func=only_good)
    assert client.extract_text_or_completion_object(response) == ["good answer"]


def test_invalid_routing_method_is_rejected() -> None:
    with pytest.raises(ValueError, match="round_robin"):
        OpenAIWrapper(config_list=[{"model": "x"}], routing_method="random")


def test_round_robin_rotates_the_first_config(server, backup) -> None:
    server.default_reply = "A"
    backup.default_reply = "B"
    client = OpenAIWrapper(config_list=server.config_list + backup.config_list, routing_method="round_robin")
    answers = [client.extract_text_or_completion_object(client.create(messages=MESSAGES))[0] for _ in range(4)]
    assert answers == ["A", "B", "A", "B"]

    fixed = OpenAIWrapper(config_list=server.config_list + backup.config_list)
    assert [fixed.extract_text_or_completion_object(fixed.create(messages=MESSAGES))[0] for _ in range(2)] == ["A", "A"]


def test_server_fixture_starts_clean() -> None:
    with FakeLLMServer(["x"]) as s:
        assert s.requests == []
