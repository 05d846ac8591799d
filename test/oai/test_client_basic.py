"""OpenAIWrapper.create against a real HTTP fake LLM through the real openai SDK."""

from __future__ import annotations

import json

import pytest

from autogen.oai import OpenAIWrapper
from autogen.testing import FakeLLMServer, tool_call

MESSAGES = [{"role": "user", "content": "2+2="}]


def test_plain_create_returns_chat_completion_with_cost(server: FakeLLMServer) -> None:
    server.add_replies("4")
    client = OpenAIWrapper(config_list=server.config_list)
    response = client.create(messages=MESSAGES)

    assert response.choices[0].message.content == "4"
    assert response.cost == 0.0  # the fake server's entry carries a zero price
    assert client.extract_text_or_completion_object(response) == ["4"]
    assert server.requests[0].messages == MESSAGES
    assert server.requests[0].body["model"] == "fake-model"
    assert server.requests[0].headers["authorization"] == "Bearer sk-fake"


def test_tool_call_reply_is_returned_as_message_object(server: FakeLLMServer) -> None:
    server.add_replies({"tool_calls": [tool_call("add", {"a": 1, "b": 2}, id="call_1")]})
    tools = [{"type": "function", "function": {"name": "add", "parameters": {"type": "object", "properties": {}}}}]
    client = OpenAIWrapper(config_list=server.config_list, tools=tools)
    response = client.create(messages=MESSAGES)

    [message] = client.extract_text_or_completion_object(response)
    assert message.content is None
    assert message.tool_calls[0].id == "call_1"
    assert message.tool_calls[0].function.name == "add"
    assert json.loads(message.tool_calls[0].function.arguments) == {"a": 1, "b": 2}
    assert server.requests[0].body["tools"] == tools


def test_messages_or_prompt_exactly_one(server: FakeLLMServer) -> None:
    client = OpenAIWrapper(config_list=server.config_list)
    with pytest.raises(ValueError, match="messages' or 'prompt'"):
        client.create()
    with pytest.raises(ValueError, match="not both"):
        client.create(messages=MESSAGES, prompt="hi")
    assert server.requests == []


def test_prompt_is_sent_as_a_user_message(server: FakeLLMServer) -> None:
    server.add_replies("hello")
    client = OpenAIWrapper(config_list=server.config_list)
    response = client.create(prompt="Say hello")
    assert client.extract_text_or_completion_object(response) == ["hello"]
    assert server.requests[0].messages == [{"role": "user", "content": "Say hello"}]


def test_context_instantiates_templates(server: FakeLLMServer) -> None:
    server.add_replies("a", "b")
    client = OpenAIWrapper(config_list=server.config_list)
    messages = [
        {"role": "system", "content": lambda ctx: f"You help {ctx['name']}."},
        {"role": "user", "content": "Hi {name}"},
    ]
    client.create(messages=messages, context={"name": "Ada"})
    assert [m["content"] for m in server.requests[0].messages] == ["You help Ada.", "Hi {name}"]

    client.create(messages=messages, context={"name": "Ada"}, allow_format_str_template=True)
    assert [m["content"] for m in server.requests[1].messages] == ["You help Ada.", "Hi Ada"]
    # the wrapper-level keys are never sent to the API
    assert "context" not in server.requests[1].body
    assert "allow_format_str_template" not in server.requests[1].body


def test_instantiate_classmethod() -> None:
    assert OpenAIWrapper.instantiate("x={x}", {"x": 1}) == "x={x}"
    assert OpenAIWrapper.instantiate("x={x}", {"x": 1}, allow_format_str_template=True) == "x=1"
    assert OpenAIWrapper.instantiate(lambda c: str(c["x"] * 2), {"x": 2}) == "4"
    assert OpenAIWrapper.instantiate("x={x}", None, True) == "x={x}"


def test_config_list_values_override_create_kwargs(server: FakeLLMServer) -> None:
    server.add_replies("ok")
    config_list = [{**server.config_list[0], "temperature": 0.1}]
    client = OpenAIWrapper(config_list=config_list, max_tokens=50)
    client.create(messages=MESSAGES, temperature=0.9, seed=7)
    body = server.requests[0].body
    assert body["temperature"] == 0.1  # the config entry wins over create()
    assert body["seed"] == 7  # create() kwargs still flow through
    assert body["max_tokens"] == 50  # base_config becomes default create params


def test_tools_from_config_and_create_are_concatenated(server: FakeLLMServer) -> None:
    server.add_replies("ok")

    def tool(name: str) -> dict:
        return {"type": "function", "function": {"name": name, "parameters": {"type": "object", "properties": {}}}}

    client = OpenAIWrapper(config_list=server.config_list, tools=[tool("a")])
    client.create(messages=MESSAGES, tools=[tool("b"), tool("a")])
    names = [t["function"]["name"] for t in server.requests[0].body["tools"]]
    assert names == ["a", "b"]


def test_entry_objects_are_accepted(server: FakeLLMServer) -> None:
    from autogen.llm_config.entry import OpenAILLMConfigEntry

    server.add_replies("from entry")
    entry = OpenAILLMConfigEntry(model="fake-model", api_key="sk-entry", base_url=server.base_url)
    client = OpenAIWrapper(config_list=[entry])
    response = client.create(messages=MESSAGES)
    assert client.extract_text_or_completion_object(response) == ["from entry"]
    assert server.requests[0].headers["authorization"] == "Bearer sk-entry"
    assert "tags" not in server.requests[0].body


def test_llm_config_unpacking(server: FakeLLMServer) -> None:
    from autogen.llm_config.config import LLMConfig

    server.add_replies("ok")
    llm_config = LLMConfig(*server.config_list, temperature=0.5)
    client = OpenAIWrapper(**llm_config)
    client.create(messages=MESSAGES)
    assert server.requests[0].body["temperature"] == 0.5


def test_unknown_request_keys_are_dropped_with_one_warning(server: FakeLLMServer) -> None:
    server.add_replies("a", "b")
    config_list = [{**server.config_list[0], "my_custom_flag": True}]
    client = OpenAIWrapper(config_list=config_list)
    with pytest.warns(UserWarning, match="my_custom_flag"):
        client.create(messages=MESSAGES)
    assert "my_custom_flag" not in server.requests[0].body
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        client.create(messages=MESSAGES)  # no second warning


def test_extra_body_reaches_the_server(server: FakeLLMServer) -> None:
    server.add_replies("ok")
    client = OpenAIWrapper(config_list=[{**server.config_list[0], "extra_body": {"top_k": 5}}])
    client.create(messages=MESSAGES)
    assert server.requests[0].body["top_k"] == 5


def test_reasoning_model_request_is_adapted(server: FakeLLMServer) -> None:
    server.add_replies("ok")
    config_list = [{**server.config_list[0], "model": "o3-mini", "temperature": 0.3, "max_tokens": 100}]
    client = OpenAIWrapper(config_list=config_list)
    with pytest.warns(UserWarning, match="reasoning model"):
        client.create(messages=MESSAGES)
    body = server.requests[0].body
    assert "temperature" not in body and "max_tokens" not in body
    assert body["max_completion_tokens"] == 100


def test_legacy_instruct_model_uses_the_completions_endpoint(server: FakeLLMServer) -> None:
    import openai

    client = OpenAIWrapper(config_list=[{**server.config_list[0], "model": "gpt-3.5-turbo-instruct"}], max_retries=0)
    with pytest.raises(openai.NotFoundError):  # the fake server only speaks chat completions
        client.create(prompt="Once upon a time")
    assert server.requests[0].path.endswith("/v1/completions")
    assert server.requests[0].body["prompt"] == "Once upon a time"


def test_streamed_response_without_usage_gets_an_estimate(server: FakeLLMServer, recording_stream) -> None:
    server.add_replies("hello world, this is a streamed answer")
    client = OpenAIWrapper(config_list=server.config_list)
    response = client.create(messages=MESSAGES, stream=True, stream_options={"include_usage": False})
    assert response.usage.completion_tokens > 0 and response.usage.prompt_tokens > 0
    assert client.actual_usage_summary["fake-model"]["total_tokens"] == response.usage.total_tokens


def test_wrapper_survives_deepcopy(server: FakeLLMServer) -> None:
    import copy

    server.add_replies("a", "b")
    client = OpenAIWrapper(config_list=server.config_list)
    client.create(messages=MESSAGES)
    clone = copy.deepcopy(client)
    response = clone.create(messages=MESSAGES)
    assert clone.extract_text_or_completion_object(response) == ["b"]
    assert (
        clone.total_usage_summary["fake-model"]["total_tokens"]
        > client.total_usage_summary["fake-model"]["total_tokens"]
    )


def test_package_exports() -> None:
    from autogen import oai
    from autogen.llm_config.client import ModelClient
    from autogen.llm_config.entry import AzureOpenAILLMConfigEntry, OpenAILLMConfigEntry

    assert oai.OpenAIWrapper is OpenAIWrapper
    assert oai.ModelClient is ModelClient
    assert oai.OpenAILLMConfigEntry is OpenAILLMConfigEntry
    assert oai.AzureOpenAILLMConfigEntry is AzureOpenAILLMConfigEntry
    for name in (
        "config_list_from_json",
        "filter_config",
        "config_list_from_dotenv",
        "config_list_from_models",
        "config_list_gpt4_gpt35",
        "config_list_openai_aoai",
        "get_config_list",
        "get_first_llm_config",
        "Cache",
    ):
        assert callable(getattr(oai, name)), name
    for name in oai.__all__:
        getattr(oai, name)
