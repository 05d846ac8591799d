"""The Responses API client (api_type="responses") through the real openai SDK against
FakeLLMServer(dialect="responses"): requests and input items, continuation by previous_response_id,
parallel tool calls in a two-agent chat, hosted tools, structured output, streaming, retries and
errors, usage and cost (tokens and generated images), tricky histories, and the fake server's checks."""

from __future__ import annotations

import json
import subprocess
import sys
import time

import openai
import pytest
from pydantic import BaseModel

from autogen import AssistantAgent, OpenAIWrapper, UserProxyAgent
from autogen.oai.openai_responses import OpenAIResponsesClient, calculate_openai_image_cost
from autogen.oai.openai_responses_convert import messages_to_input, repair_input, response_to_message
from autogen.testing import FakeLLMServer, Fault, tool_call

MODEL = "gpt-4o"
TOOLS = [
    {
        "type": "function",
        "function": {
            "name": "add",
            "description": "Add two numbers.",
            "parameters": {"type": "object", "properties": {"a": {"type": "integer"}, "b": {"type": "integer"}}},
        },
    }
]


@pytest.fixture
def api():
    with FakeLLMServer(dialect="responses", model=MODEL) as server:
        yield server


def call(call_id: str, name: str = "add", args: str = '{"a": 1}') -> dict:
    return {"id": call_id, "type": "function", "function": {"name": name, "arguments": args}}


def text_of(item: dict) -> str:
    return "".join(p.get("text", "") for p in item["content"])


# ---- requests and replies ------------------------------------------------------------------------


def test_the_entry_and_the_dialect_point_the_client_at_the_server(api):
    from autogen.llm_config.entry import OpenAIResponsesLLMConfigEntry
    from autogen.oai.client import OpenAIResponsesLLMConfigEntry as from_client

    assert from_client is OpenAIResponsesLLMConfigEntry
    entry = api.config_list[0]
    assert entry["api_type"] == "responses" and entry["base_url"] == api.url + "/v1" and entry["model"] == MODEL
    assert OpenAIResponsesLLMConfigEntry(model=MODEL).model_dump()["api_type"] == "responses"


def test_text_reply_with_system_prompt(api):
    api.add_replies("Hello!")
    client = OpenAIWrapper(config_list=api.config_list)
    response = client.create(messages=[{"role": "system", "content": "Be brief."}, {"role": "user", "content": "hi"}])
    assert isinstance(response, openai.types.responses.Response) and response.output_text == "Hello!"
    (message,) = client.extract_text_or_completion_object(response)
    assert message["content"] == [{"type": "text", "role": "assistant", "text": "Hello!"}]
    assert message["id"] == response.id and message["tool_calls"] == []
    sent = api.requests[0]
    assert sent.path == "/v1/responses" and sent.headers["authorization"] == "Bearer sk-fake"
    assert sent.input == [
        {"role": "system", "content": [{"type": "input_text", "text": "Be brief."}]},
        {"role": "user", "content": [{"type": "input_text", "text": "hi"}]},
    ]
    assert "tools" not in sent.body and "previous_response_id" not in sent.body


def test_parallel_tool_calls_in_a_two_agent_chat_continue_the_previous_response(api):
    api.add_replies(
        {"tool_calls": [tool_call("add", {"a": 1, "b": 2}), tool_call("add", {"a": 3, "b": 4}, id="call_b")]},
        "3 and 7. TERMINATE",
    )
    assistant = AssistantAgent("math helper", llm_config=api.llm_config)
    user = UserProxyAgent(
        "user proxy",
        human_input_mode="NEVER",
        code_execution_config=False,
        is_termination_msg=lambda m: "TERMINATE" in (m.get("content") or ""),
    )

    @user.register_for_execution()
    @assistant.register_for_llm(description="Add two numbers.")
    def add(a: int, b: int) -> int:
        return a + b

    result = user.initiate_chat(assistant, message="1+2 and 3+4?", max_turns=3)
    assert result.summary.strip() == "3 and 7." and result.chat_history[-1]["content"] == "3 and 7. TERMINATE"
    first, second = api.requests
    assert first.body["tools"][0] == {
        "type": "function",
        "name": "add",
        "description": "Add two numbers.",
        "parameters": add_schema(first.body["tools"][0]),
    }
    assert first.body["tool_choice"] == "auto"
    # the second call sends only the tool results, continuing the response that asked for them
    first_id = second.body["previous_response_id"]
    assert first_id.startswith("resp_")
    outputs = [(i["type"], i["call_id"], i["output"]) for i in second.input]
    assert outputs[0][0] == "function_call_output" and outputs[1] == ("function_call_output", "call_b", "7")
    assert outputs[0][2] == "3"
    assert result.cost["usage_including_cached_inference"][MODEL]["prompt_tokens"] > 0


def add_schema(tool: dict) -> dict:
    schema = tool["parameters"]
    assert schema["type"] == "object" and set(schema["properties"]) == {"a", "b"}
    return schema


def test_a_history_that_does_not_continue_the_last_response_is_sent_whole(api):
    api.add_replies({"tool_calls": [tool_call("add", {"a": 1}, id="c1")]}, "ok", "again")
    client = OpenAIWrapper(config_list=api.config_list)
    history = [{"role": "user", "content": "add"}]
    client.create(messages=history, tools=TOOLS)
    # a different conversation: nothing to continue
    other = [
        {"role": "user", "content": "add"},
        {"role": "assistant", "content": None, "tool_calls": [call("c9")]},
        {"role": "tool", "tool_call_id": "c9", "content": "1"},
    ]
    client.create(messages=other, tools=TOOLS)
    sent = api.requests[1]
    assert "previous_response_id" not in sent.body
    assert [i.get("type", "message") for i in sent.input] == [
        "message",
        "message",
        "function_call",
        "function_call_output",
    ]
    assert sent.input[2] == {"type": "function_call", "call_id": "c9", "name": "add", "arguments": '{"a": 1}'}
    # store=False: never continued
    client.create(
        messages=[*other, {"role": "assistant", "content": "ok"}, {"role": "user", "content": "?"}], store=False
    )
    assert "previous_response_id" not in api.requests[2].body


def test_unanswered_calls_of_the_last_response_are_not_continued(api):
    api.add_replies({"tool_calls": [tool_call("add", {"a": 1}, id="c1")]}, "fine")
    client = OpenAIWrapper(config_list=api.config_list)
    history = [{"role": "user", "content": "add"}]
    reply = client.extract_text_or_completion_object(client.create(messages=history, tools=TOOLS))[0]
    history += [{"role": "assistant", "content": None, "tool_calls": reply["tool_calls"]}]
    history += [{"role": "user", "content": "never mind"}]
    client.create(messages=history, tools=TOOLS)
    sent = api.requests[1]
    assert "previous_response_id" not in sent.body
    output = next(i for i in sent.input if i.get("type") == "function_call_output")
    assert output == {
        "type": "function_call_output",
        "call_id": "c1",
        "output": "No result: the tool call was not executed.",
    }


def test_an_unknown_previous_response_id_is_the_apis_404(api):
    api.add_replies("x")
    client = OpenAIWrapper(config_list=api.config_list)
    with pytest.raises(openai.NotFoundError, match="Previous response with id 'resp_nope' not found"):
        client.create(messages=[{"role": "user", "content": "hi"}], previous_response_id="resp_nope")
    assert api.remaining_replies == 1


def test_request_settings_are_renamed_for_the_responses_api(api):
    api.add_replies("ok")
    client = OpenAIWrapper(config_list=api.config_list)
    client.create(
        messages=[{"role": "user", "content": "hi"}],
        max_tokens=50,
        reasoning_effort="low",
        verbosity="high",
        temperature=0.5,
        tools=TOOLS,
        tool_choice={"type": "function", "function": {"name": "add"}},
    )
    body = api.requests[0].body
    assert body["max_output_tokens"] == 50 and body["reasoning"] == {"effort": "low"}
    assert body["text"] == {"verbosity": "high"} and body["temperature"] == 0.5
    assert body["tool_choice"] == {"type": "function", "name": "add"}


def test_hosted_tools_and_generated_images(api):
    image = {"type": "image_generation_call", "id": "ig_1", "status": "completed", "result": "iVBORw0KGgo=",
             "size": "1024x1024", "quality": "low", "output_format": "png"}  # fmt: skip
    api.add_replies({"content": "Here it is.", "output_items": [image]})
    client = OpenAIWrapper(config_list=[{**api.config_list[0], "built_in_tools": ["web_search", "image_generation"]}])
    response = client.create(messages=[{"role": "user", "content": "draw a cat"}])
    assert [t["type"] for t in api.requests[0].body["tools"]] == ["web_search", "image_generation"]
    (message,) = client.extract_text_or_completion_object(response)
    block = message["content"][1]
    assert block["type"] == "tool_call" and block["name"] == "image_generation"
    assert block["image_url"] == "data:image/png;base64,iVBORw0KGgo="
    # tokens at the gpt-4o price plus one low-quality 1024x1024 image
    usage = response.usage
    assert response.cost == pytest.approx((usage.input_tokens * 0.0025 + usage.output_tokens * 0.01) / 1000 + 0.011)
    # the image goes back as an input image when another agent reads the message
    items = messages_to_input([{"role": "user", "content": message["content"]}])
    assert items[0]["content"][1] == {"type": "input_image", "image_url": block["image_url"], "detail": "auto"}


def test_async_create_and_async_streaming(api):
    import asyncio

    api.add_replies("async answer", "streamed async answer")
    client = OpenAIWrapper(config_list=api.config_list)

    async def main():
        first = await client.a_create(messages=[{"role": "user", "content": "hi"}])
        second = await client.a_create(messages=[{"role": "user", "content": "hi"}], stream=True)
        return first.output_text, second.output_text

    assert asyncio.run(main()) == ("async answer", "streamed async answer")


# ---- structured output -------------------------------------------------------------------------


class Answer(BaseModel):
    value: int

    def format(self) -> str:
        return f"The answer is {self.value}."


def test_structured_output_with_a_model_class(api):
    api.add_replies('{"value": 42}')
    client = OpenAIWrapper(config_list=[{**api.config_list[0], "response_format": Answer}])
    response = client.create(messages=[{"role": "user", "content": "answer"}])
    fmt = api.requests[0].body["text"]["format"]
    assert fmt["type"] == "json_schema" and fmt["name"] == "Answer" and fmt["strict"] is True
    assert fmt["schema"]["properties"]["value"]["type"] == "integer" and fmt["schema"]["additionalProperties"] is False
    assert response.output_parsed == Answer(value=42)
    (message,) = client.extract_text_or_completion_object(response)
    assert message["content"][0]["text"] == "The answer is 42."


def test_structured_output_with_a_json_schema_dict(api):
    api.add_replies('{"city": "Paris"}')
    schema = {"type": "object", "properties": {"city": {"type": "string"}}}
    client = OpenAIWrapper(config_list=api.config_list)
    response = client.create(messages=[{"role": "user", "content": "where?"}], response_format=schema, stream=True)
    body = api.requests[0].body
    assert body["text"]["format"]["schema"]["required"] == ["city"] and "stream" not in body
    assert json.loads(response.output_text) == {"city": "Paris"}


# ---- streaming ---------------------------------------------------------------------------------


def test_streaming_shows_text_pieces_and_assembles_tool_calls(api, recording_stream):
    api.add_replies("one two three four", {"tool_calls": [tool_call("add", {"a": 5, "b": 6}, id="c5")]})
    client = OpenAIWrapper(config_list=[{**api.config_list[0], "stream": True}])
    response = client.create(messages=[{"role": "user", "content": "count"}])
    assert response.output_text == "one two three four" and api.requests[0].body["stream"] is True
    pieces = [e.content.content for e in recording_stream.events if type(e).__name__ == "StreamEvent"]
    assert len(pieces) > 1 and "".join(pieces) == "one two three four"
    assert response.usage.output_tokens > 0 and response.cost > 0
    response = client.create(messages=[{"role": "user", "content": "add"}], tools=TOOLS)
    (message,) = client.extract_text_or_completion_object(response)
    assert message["tool_calls"][0]["id"] == "c5"
    assert json.loads(message["tool_calls"][0]["function"]["arguments"]) == {"a": 5, "b": 6}


# ---- errors and retries ------------------------------------------------------------------------


def test_rate_limit_is_retried_after_the_servers_retry_after(api):
    api.add_replies(Fault.rate_limit(retry_after=0.3), "after the wait")
    client = OpenAIWrapper(config_list=api.config_list)
    start = time.monotonic()
    response = client.create(messages=[{"role": "user", "content": "hi"}])
    assert response.output_text == "after the wait" and time.monotonic() - start >= 0.3
    assert len(api.requests) == 2


def test_server_errors_are_retried_and_auth_errors_are_not(api):
    api.add_replies(Fault.server_error(503), "recovered", Fault.error(401, "Incorrect API key provided."))
    client = OpenAIWrapper(config_list=[{**api.config_list[0], "retry_base_delay": 0.01}])
    assert client.create(messages=[{"role": "user", "content": "hi"}]).output_text == "recovered"
    with pytest.raises(openai.AuthenticationError, match="Incorrect API key"):
        client.create(messages=[{"role": "user", "content": "hi"}])
    assert len(api.requests) == 3


def test_a_config_list_falls_back_from_responses_to_chat_completions(api, server):
    api.add_replies(Fault.error(400, "Bad request."))
    server.add_replies("from chat completions")
    client = OpenAIWrapper(config_list=[*api.config_list, *server.config_list])
    response = client.create(messages=[{"role": "user", "content": "hi"}])
    assert client.extract_text_or_completion_object(response) == ["from chat completions"]


def test_the_sdk_client_is_shared_with_the_openai_client_and_does_not_retry(api):
    from autogen.oai.openai_client import OpenAIClient

    mine = OpenAIResponsesClient.from_wrapper_config(api.config_list[0])
    same = OpenAIResponsesClient.from_wrapper_config(api.config_list[0])
    chat = OpenAIClient({**api.config_list[0], "api_type": "openai"})
    assert mine.sdk_client() is same.sdk_client() is chat.sdk_client()
    assert mine.sdk_client().max_retries == 0


def test_building_a_responses_wrapper_imports_no_sdk():
    code = (
        "import sys; from autogen import OpenAIWrapper; "
        "OpenAIWrapper(config_list=[{'api_type': 'responses', 'model': 'gpt-4o', 'api_key': 'k'}]); "
        "print('openai' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# ---- cost --------------------------------------------------------------------------------------


def test_usage_and_cost_from_the_price_table_and_the_entrys_price(api):
    api.add_replies({"content": "a", "usage": {"prompt_tokens": 1000, "completion_tokens": 100}}, "b")
    client = OpenAIWrapper(config_list=api.config_list)
    response = client.create(messages=[{"role": "user", "content": "hi"}])
    assert response.cost == pytest.approx(1000 * 0.0025 / 1000 + 100 * 0.01 / 1000)
    usage = client.total_usage_summary[MODEL]
    assert (usage["prompt_tokens"], usage["completion_tokens"], usage["total_tokens"]) == (1000, 100, 1100)
    priced = OpenAIWrapper(config_list=[{**api.config_list[0], "price": [1.0, 2.0]}])
    response = priced.create(messages=[{"role": "user", "content": "hi"}])
    assert response.cost == pytest.approx(
        (response.usage.input_tokens * 1.0 + response.usage.output_tokens * 2.0) / 1000
    )


def test_image_prices():
    assert calculate_openai_image_cost("gpt-image-1", "1536x1024", "medium") == (0.063, None)
    assert calculate_openai_image_cost("DALL-E-2", "256x256", "hd") == (0.016, None)
    cost, error = calculate_openai_image_cost("dall-e-3", "1024x1024", "low")
    assert cost == 0.0 and "Invalid quality 'low' for dall-e-3" in error


# ---- tricky histories --------------------------------------------------------------------------

TRICKY = {
    "system only": [{"role": "system", "content": "be nice"}],
    "empty and None contents": [
        {"role": "user", "content": ""},
        {"role": "assistant", "content": None},
        {"role": "user", "content": "  "},
    ],
    "starts with assistant": [{"role": "assistant", "content": "hello"}, {"role": "user", "content": "hi"}],
    "consecutive same roles with names": [
        {"role": "user", "content": "a", "name": "x y"},
        {"role": "user", "content": "b", "name": "z"},
        {"role": "assistant", "content": "c", "name": "helper bot"},
        {"role": "assistant", "content": "d"},
    ],
    "result without call": [
        {"role": "user", "content": "hi"},
        {"role": "tool", "tool_call_id": "nope", "content": "3"},
    ],
    "result without id": [{"role": "user", "content": "hi"}, {"role": "tool", "content": "3"}],
    "call never answered": [
        {"role": "user", "content": "hi"},
        {"role": "assistant", "content": None, "tool_calls": [call("c1")]},
        {"role": "user", "content": "never mind"},
    ],
    "half-answered parallel calls": [
        {"role": "user", "content": "hi"},
        {"role": "assistant", "content": None, "tool_calls": [call("c1"), call("c2", "sub")]},
        {"role": "tool", "tool_call_id": "c1", "content": "1"},
    ],
    "answered twice and odd ids": [
        {"role": "user", "content": "hi"},
        {"role": "assistant", "content": "", "tool_calls": [call("toolu_01:x/y", args="{bad json")]},
        {"role": "tool", "tool_call_id": "toolu_01:x/y", "content": "1"},
        {"role": "tool", "tool_call_id": "toolu_01:x/y", "content": "again"},
    ],
    "ag2 tool_responses message": [
        {"role": "user", "content": "hi"},
        {"role": "assistant", "content": None, "tool_calls": [call("c1"), call("c2")]},
        {
            "role": "tool",
            "content": "1\n\n2",
            "tool_responses": [
                {"tool_call_id": "c1", "role": "tool", "content": "1"},
                {"tool_call_id": "c2", "role": "tool", "content": {"x": 2}},
            ],
        },
    ],
    "legacy function call": [
        {"role": "user", "content": "hi"},
        {"role": "assistant", "content": None, "function_call": {"name": "add", "arguments": "{}"}},
        {"role": "function", "name": "add", "content": "5"},
    ],
    "images both ways": [
        {
            "role": "user",
            "content": [
                {"type": "text", "text": "what is this?"},
                {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0KGgo=", "detail": "low"}},
                {"type": "input_image", "image_url": "https://example.com/cat.png"},
            ],
        },
        {
            "role": "assistant",
            "content": [{"type": "text", "text": "a cat"}, {"type": "image_url", "image_url": "https://x/y.png"}],
        },
    ],
    "stored replies of this client": [
        {"role": "user", "content": "hi"},
        {
            "role": "assistant",
            "content": [
                {"type": "text", "role": "assistant", "text": "hello"},
                {"id": "ws_1", "role": "tool_calls", "type": "tool_call", "name": "web_search"},
            ],
        },
        {"role": "user", "content": [{"type": "text", "role": "assistant", "text": "from another agent"}]},
    ],
    "mid-history system and unknown role": [
        {"role": "user", "content": "hi"},
        {"role": "system", "content": "pick"},
        {"role": "critic", "content": "hmm"},
    ],
}


@pytest.mark.parametrize("name", list(TRICKY))
def test_every_tricky_history_gives_a_request_the_api_accepts(api, name):
    api.add_replies("fine")
    client = OpenAIWrapper(config_list=api.config_list)
    response = client.create(messages=TRICKY[name], tools=TOOLS)
    assert response.output_text == "fine", json.dumps(api.requests[-1].body)


def test_tricky_histories_are_rewritten_as_the_api_wants():
    items = repair_input(messages_to_input(TRICKY["result without call"]))
    assert items[1] == {"role": "user", "content": [{"type": "input_text", "text": "Tool result (nope): 3"}]}
    items = messages_to_input(TRICKY["consecutive same roles with names"])
    assert [(i["role"], text_of(i)) for i in items] == [
        ("user", "a"),
        ("user", "b"),
        ("assistant", "c"),
        ("assistant", "d"),
    ]
    assert all(set(i) == {"role", "content"} for i in items)
    items = repair_input(messages_to_input(TRICKY["half-answered parallel calls"]))
    assert items[1] == {"role": "assistant", "content": [{"type": "output_text", "text": ""}]}
    assert [(i.get("type"), i.get("call_id")) for i in items[2:]] == [
        ("function_call", "c1"), ("function_call", "c2"), ("function_call_output", "c2"), ("function_call_output", "c1"),
    ]  # fmt: skip
    items = repair_input(messages_to_input(TRICKY["answered twice and odd ids"]))
    assert items[-1]["role"] == "user" and "again" in text_of(items[-1])
    items = messages_to_input(TRICKY["ag2 tool_responses message"])
    assert [i["output"] for i in items if i.get("type") == "function_call_output"] == ["1", '{"x": 2}']
    user, assistant = messages_to_input(TRICKY["images both ways"])
    assert user["content"][1] == {
        "type": "input_image",
        "image_url": "data:image/png;base64,iVBORw0KGgo=",
        "detail": "low",
    }
    assert user["content"][2]["image_url"] == "https://example.com/cat.png"
    assert [p["type"] for p in assistant["content"]] == ["output_text", "output_text"]
    with pytest.raises(ValueError, match="Invalid content type: mystery"):
        messages_to_input([{"role": "user", "content": [{"type": "mystery"}]}])


def test_message_retrieval_of_every_output_kind():
    class Response:
        id = "resp_1"
        output = (
            {"type": "reasoning", "id": "rs", "summary": []},
            {
                "type": "message",
                "content": [{"type": "output_text", "text": "a"}, {"type": "output_text", "text": "b"}],
            },
            {"type": "function_call", "call_id": "c1", "name": "add", "arguments": "{}"},
            {"type": "web_search_call", "id": "ws", "status": "completed"},
            {"type": "shell_call", "id": "sh", "call_id": "c2", "action": {"commands": ["ls"]}},
        )

    message = response_to_message(Response())
    assert message["tool_calls"] == [{"id": "c1", "function": {"name": "add", "arguments": "{}"}, "type": "function"}]
    assert [b["type"] for b in message["content"]] == ["text", "tool_call", "shell_call"]
    assert message["content"][0]["text"] == "a b" and message["content"][2]["action"] == {"commands": ["ls"]}


# ---- the fake server's own checks --------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ({"messages": [{"role": "user", "content": "hi"}]}, "Unknown parameter: 'messages'"),
        ({"input": "hi", "response_format": {"type": "json_object"}}, "moved to 'text.format'"),
        ({"input": [{"role": "user", "content": "hi", "name": "x y"}]}, "Unknown parameter: 'input[0].name'"),
        ({"input": [{"role": "tool", "content": "hi"}]}, "Invalid value: 'tool'"),
        (
            {"input": [{"role": "user", "content": [{"type": "output_text", "text": "x"}]}]},
            "Invalid value: 'output_text'",
        ),
        ({"input": [{"role": "assistant", "content": [{"type": "output_text", "text": None}]}]}, "got null instead"),
        ({"input": [{"type": "function_call_output", "call_id": "c1", "output": "1"}]}, "No tool call found"),
        (
            {"input": [{"type": "function_call", "call_id": "c1", "name": "f", "arguments": "{}"}]},
            "No tool output found",
        ),
        ({"input": "hi", "tools": TOOLS}, "Missing required parameter: 'tools[0].name'"),
        ({"input": "hi", "tools": [{"type": "function", "name": "a b"}]}, "does not match pattern"),
        ({"input": "hi", "tool_choice": {"type": "function", "function": {"name": "f"}}}, "'tool_choice.name'"),
        ({"input": "hi", "text": {"format": {"type": "json_schema", "json_schema": {}}}}, "'text.format.name'"),
    ],
)
def test_the_fake_server_refuses_what_the_api_refuses(api, body, error):
    sdk = openai.OpenAI(api_key="k", base_url=api.base_url, max_retries=0)
    with pytest.raises(openai.BadRequestError, match=error.replace("[", r"\[").replace("]", r"\]").replace("(", r"\(")):
        sdk.post("/responses", body={"model": MODEL, **body}, cast_to=object)
    assert api.remaining_replies == 0 and len(api.requests) == 1


# ---- client-side hosted tools: shell and apply_patch -------------------------------------------


def test_a_shell_call_is_run_once_and_its_output_continues_the_response(api, tmp_path):
    shell = {"type": "shell_call", "id": "sh_1", "call_id": "call_sh", "status": "completed",
             "action": {"commands": ["echo hi"], "timeout_ms": 5000}}  # fmt: skip
    api.add_replies({"output_items": [shell]}, "done", "bye")
    entry = {**api.config_list[0], "built_in_tools": ["shell"], "workspace_dir": str(tmp_path)}
    client = OpenAIWrapper(config_list=[entry])
    history = [{"role": "user", "content": "say hi"}]
    (message,) = client.extract_text_or_completion_object(client.create(messages=history))
    assert message["content"][0]["type"] == "shell_call" and api.requests[0].body["tools"] == [{"type": "shell"}]
    history += [{"role": "assistant", "content": message["content"]}, {"role": "user", "content": "go on"}]
    client.create(messages=history)
    sent = api.requests[1]
    assert sent.body["previous_response_id"] == message["id"]
    (output,) = [i for i in sent.input if i.get("type") == "shell_call_output"]
    assert output["call_id"] == "call_sh" and output["output"][0]["stdout"] == "hi\n"
    assert output["output"][0]["outcome"] == {"type": "exit", "exit_code": 0}
    # a later call sends the whole history without running the command again
    client.create(messages=[*history, {"role": "assistant", "content": "done"}, {"role": "user", "content": "more"}])
    assert not [i for i in api.requests[2].input if i.get("type") == "shell_call_output"]


def test_workspace_editor_applies_v4a_diffs_inside_its_allowed_paths(tmp_path):
    from autogen.tools.experimental.apply_patch import WorkspaceEditor, apply_diff

    editor = WorkspaceEditor(tmp_path, allowed_paths=["src/**"])
    assert editor.create_file({"path": "src/a.py", "diff": "@@\n+def f():\n+    return 1\n"}) == {
        "status": "completed",
        "output": "Created src/a.py",
    }
    diff = "@@\n def f():\n-    return 1\n+    return 2\n"
    assert editor.update_file({"path": "src/a.py", "diff": diff})["status"] == "completed"
    assert (tmp_path / "src/a.py").read_text() == "def f():\n    return 2"
    refused = editor.create_file({"path": "../escape.py", "diff": "+x"})
    assert refused["status"] == "failed" and "not allowed" in refused["output"]
    assert editor.delete_file({"path": "src/a.py"})["output"] == "Deleted src/a.py"
    assert apply_diff("a\nb\nc", "@@ -2,1 +2,1 @@\n-b\n+B") == "a\nB\nc"
    with pytest.raises(ValueError, match="Could not find"):
        apply_diff("a\nb", "@@\n-zzz\n+y")


def test_shell_executor_refuses_what_it_must(tmp_path):
    from autogen.tools.experimental.shell import ShellExecutor

    executor = ShellExecutor(workspace_dir=tmp_path, denied_commands=["rm"], allowed_paths=["data/**"])
    ok, denied, outside = executor.run_commands(["echo ok", "rm -rf x", "cat /etc/passwd"])
    assert ok.stdout == "ok\n" and ok.outcome.exit_code == 0
    assert "denied commands" in denied.stderr and denied.outcome.exit_code == 1
    assert "not allowed" in outside.stderr
    (slow,) = ShellExecutor(workspace_dir=tmp_path).run_commands(["sleep 5"], timeout_ms=100)
    assert slow.outcome.type == "timeout"
    assert "dangerous" in ShellExecutor(workspace_dir=tmp_path).run_commands(["rm -rf /"])[0].stderr


def test_reply_content_is_ag2s_block_list_that_also_reads_as_text(api):
    import copy
    import pickle

    api.add_replies("All done. TERMINATE")
    client = OpenAIWrapper(config_list=api.config_list)
    (message,) = client.extract_text_or_completion_object(client.create(messages=[{"role": "user", "content": "go"}]))
    content = message["content"]
    assert content[0] == {"type": "text", "role": "assistant", "text": "All done. TERMINATE"} and len(content) == 1
    assert "TERMINATE" in content and content == "All done. TERMINATE" and str(content) == "All done. TERMINATE"
    assert content.rstrip().endswith("TERMINATE") and content != "other"
    assert json.loads(json.dumps(content)) == [dict(content[0])]
    assert pickle.loads(pickle.dumps(content)) == content and copy.deepcopy(content).text == content.text
