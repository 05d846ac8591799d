"""Streaming (tokens shown as they arrive, full response assembled) and structured output."""

from __future__ import annotations

import json

from pydantic import BaseModel

from autogen.oai import OpenAIWrapper
from autogen.testing import FakeLLMServer, FakeReply, tool_call

MESSAGES = [{"role": "user", "content": "Tell me a story"}]


def test_streamed_text_is_sent_as_stream_events_and_assembled(server: FakeLLMServer, recording_stream) -> None:
    from autogen.events.client_events import StreamEvent

    text = "Once upon a time there was a tiny model that streamed."
    server.add_replies(
        FakeReply(content=text, usage={"prompt_tokens": 11, "completion_tokens": 13, "total_tokens": 24})
    )
    client = OpenAIWrapper(config_list=server.config_list, stream=True)
    response = client.create(messages=MESSAGES)

    assert server.requests[0].body["stream"] is True
    # wrapped event: .content is the inner event, whose .content is the text
    chunks = [e.content.content for e in recording_stream.events if isinstance(e, StreamEvent)]
    assert len(chunks) > 1  # really streamed, not one blob
    assert "".join(chunks) == text
    assert response.choices[0].message.content == text
    assert response.choices[0].finish_reason == "stop"
    assert response.usage.prompt_tokens == 11 and response.usage.completion_tokens == 13
    assert client.extract_text_or_completion_object(response) == [text]
    assert client.actual_usage_summary["fake-model"]["total_tokens"] == 24


def test_streamed_tool_calls_are_assembled(server: FakeLLMServer, recording_stream) -> None:
    server.add_replies(
        {
            "tool_calls": [
                tool_call("search", {"query": "weather in Paris", "days": 3}, id="call_a"),
                tool_call("add", {"a": 1, "b": 2}, id="call_b"),
            ]
        }
    )
    client = OpenAIWrapper(config_list=server.config_list)
    response = client.create(messages=MESSAGES, stream=True)

    [message] = client.extract_text_or_completion_object(response)
    calls = message.tool_calls
    assert [c.id for c in calls] == ["call_a", "call_b"]
    assert [c.function.name for c in calls] == ["search", "add"]
    assert json.loads(calls[0].function.arguments) == {"query": "weather in Paris", "days": 3}
    assert json.loads(calls[1].function.arguments) == {"a": 1, "b": 2}
    assert response.choices[0].finish_reason == "tool_calls"


class Answer(BaseModel):
    steps: list[str]
    result: int


class FormattedAnswer(Answer):
    def format(self) -> str:
        return f"{' -> '.join(self.steps)} = {self.result}"


def _json_reply(request) -> str:
    # answer exactly what the requested schema asks for
    assert request.body["response_format"]["type"] == "json_schema"
    return json.dumps({"steps": ["2+2"], "result": 4})


def test_pydantic_response_format_sends_strict_schema_and_returns_json(server: FakeLLMServer) -> None:
    server.add_replies(_json_reply)
    client = OpenAIWrapper(config_list=server.config_list, response_format=Answer)
    response = client.create(messages=MESSAGES)

    sent = server.requests[0].body["response_format"]
    assert sent["json_schema"]["name"] == "Answer"
    assert sent["json_schema"]["strict"] is True
    schema = sent["json_schema"]["schema"]
    assert schema["additionalProperties"] is False and sorted(schema["required"]) == ["result", "steps"]
    [text] = client.extract_text_or_completion_object(response)
    assert Answer.model_validate_json(text) == Answer(steps=["2+2"], result=4)


def test_format_method_applies_only_to_entry_level_response_format(server: FakeLLMServer) -> None:
    server.add_replies(_json_reply, _json_reply)
    entry_level = OpenAIWrapper(config_list=[{**server.config_list[0], "response_format": FormattedAnswer}])
    top_level = OpenAIWrapper(config_list=server.config_list, response_format=FormattedAnswer)

    assert entry_level.extract_text_or_completion_object(entry_level.create(messages=MESSAGES)) == ["2+2 = 4"]
    [raw] = top_level.extract_text_or_completion_object(top_level.create(messages=MESSAGES))
    assert json.loads(raw) == {"steps": ["2+2"], "result": 4}


def test_dict_schema_is_made_strict_and_json_object_passes_through(server: FakeLLMServer) -> None:
    server.add_replies('{"x": 1}', '{"y": 2}')
    schema = {"title": "Point", "type": "object", "properties": {"x": {"type": "integer", "default": 0}}}
    client = OpenAIWrapper(config_list=server.config_list)
    client.create(messages=MESSAGES, response_format=schema)
    client.create(messages=MESSAGES, response_format={"type": "json_object"})

    strict = server.requests[0].body["response_format"]["json_schema"]
    assert strict["name"] == "Point"
    assert strict["schema"]["required"] == ["x"] and strict["schema"]["additionalProperties"] is False
    assert "default" not in strict["schema"]["properties"]["x"]
    assert server.requests[1].body["response_format"] == {"type": "json_object"}
