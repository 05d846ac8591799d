"""The v2 response data: content blocks and their registry, unified messages and responses, and their
serialization round trips (dict and JSON); plus the package's lazy loading."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from autogen.llm_clients.models import (
    AudioContent,
    BaseContent,
    CitationContent,
    ContentParser,
    ContentType,
    GenericContent,
    ImageContent,
    ReasoningContent,
    TextContent,
    ToolCallContent,
    ToolResultContent,
    UnifiedMessage,
    UnifiedResponse,
    UserRoleEnum,
    VideoContent,
    normalize_role,
)


def rich_response() -> UnifiedResponse:
    return UnifiedResponse(
        id="resp-1",
        model="gpt-4o",
        provider="openai",
        messages=[
            UnifiedMessage(
                role="assistant",
                content=[
                    ReasoningContent(reasoning="think", summary="short"),
                    TextContent(text="Answer"),
                    CitationContent(url="https://a.example", title="A", snippet="quoted", relevance_score=0.5),
                    ToolCallContent(id="call_1", name="add", arguments='{"a": 1}'),
                    ToolResultContent(tool_call_id="call_1", output="1"),
                    ImageContent(image_url="https://img.example/x.png", detail="low"),
                    AudioContent(data_uri="data:audio/wav;base64,AAA", transcript="hello"),
                    VideoContent(video_url="https://v.example/x.mp4"),
                    GenericContent(type="reflection", reflection="Review", confidence=0.9, tags=["a", "b"]),
                ],
                name="bot",
                metadata={"k": 1},
            )
        ],
        usage={"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15},
        cost=0.25,
        finish_reason="stop",
        status="completed",
        provider_metadata={"system_fingerprint": "fp"},
    )


def test_blocks_have_their_type_defaults_and_text():
    assert TextContent(text="x").type == ContentType.TEXT == "text"
    assert ReasoningContent(reasoning="r").get_text() == "r"
    assert CitationContent(url="u", title="T", snippet="s").get_text() == "citation: T"
    assert CitationContent(url="u", title="", snippet="s").get_text() == ""
    assert AudioContent(transcript="hi").get_text() == "audio transcript:hi"
    assert AudioContent().get_text() == ""
    assert ImageContent(image_url="u").get_text() == ""
    assert ToolCallContent(id="1", name="f", arguments="{}").get_text() == "tool call name: f tool call arguments: {}"
    assert ToolResultContent(tool_call_id="1", output="ok").get_text() == "tool result: ok"
    assert TextContent(text="x").extra == {}
    with pytest.raises(ValueError):
        ImageContent(image_url="u", detail="huge")


def test_generic_content_keeps_every_field():
    block = GenericContent(type="reflection", reflection="Review", confidence=0.87)
    assert block.reflection == "Review" and block.get("confidence") == 0.87
    assert block.get("missing", "default") == "default"
    assert block.get_extra_fields() == {"reflection": "Review", "confidence": 0.87} == block.data
    assert block.get_all_fields() == {"type": "reflection", "extra": {}, "reflection": "Review", "confidence": 0.87}
    assert block.has_field("reflection") and not block.has_field("nope")


def test_parser_routes_known_types_and_keeps_unknown_ones():
    assert isinstance(ContentParser.parse({"type": "text", "text": "hi"}), TextContent)
    assert isinstance(ContentParser.parse({"type": ContentType.REASONING, "reasoning": "r"}), ReasoningContent)
    unknown = ContentParser.parse({"type": "hologram", "depth": 3})
    assert isinstance(unknown, GenericContent) and unknown.depth == 3
    assert ContentParser.parse({"colour": "red"}).type == "unknown"
    with pytest.warns(UserWarning, match="Failed to parse text as TextContent"):
        broken = ContentParser.parse({"type": "text"})
    assert isinstance(broken, GenericContent) and broken.type == "text"


def test_registering_a_content_type():
    class Highlight(BaseContent):
        type: str = "highlight"
        span: str

    ContentParser.register("highlight", Highlight)
    try:
        parsed = ContentParser.parse({"type": "highlight", "span": "x"})
        assert isinstance(parsed, Highlight)
        # inside a message, a type the message union does not hold is kept as a GenericContent
        message = UnifiedMessage.model_validate({"role": "user", "content": [{"type": "highlight", "span": "x"}]})
        assert isinstance(message.content[0], GenericContent) and message.content[0].span == "x"
    finally:
        ContentParser._registry.pop("highlight")


def test_roles():
    assert normalize_role("USER") is UserRoleEnum.USER
    assert normalize_role(None) is UserRoleEnum.ASSISTANT
    assert normalize_role("critic") == "critic"
    assert UnifiedMessage(role="critic", content=[]).is_standard_role() is False
    assert UnifiedMessage(role=UserRoleEnum.TOOL, content=[]).is_standard_role() is True
    assert UnifiedMessage(role="system", content=[]).is_standard_role() is True


def test_message_and_response_accessors():
    response = rich_response()
    message = response.messages[0]
    assert message.get_text().startswith("think Answer citation: A tool call name: add")
    assert [type(b) for b in message.get_reasoning()] == [ReasoningContent]
    assert message.get_citations()[0].url == "https://a.example"
    assert message.get_tool_calls()[0].name == "add"
    assert message.get_content_by_type("reflection")[0].confidence == 0.9
    assert response.reasoning[0].summary == "short"
    assert response.get_content_by_type("image")[0].detail == "low"
    assert response.text == message.get_text()
    assert response.is_standard_status()
    assert not response.model_copy(update={"status": "queued"}).is_standard_status()
    assert not response.model_copy(update={"status": None}).is_standard_status()
    empty = UnifiedResponse(id="e", model="m", provider="p", messages=[])
    assert empty.text == "" and empty.reasoning == [] and empty.usage == {} and empty.cost is None


def test_response_round_trips_through_dict_and_json():
    response = rich_response()
    data = response.model_dump()
    assert data["messages"][0]["content"][0] == {
        "type": "reasoning",
        "extra": {},
        "reasoning": "think",
        "summary": "short",
    }
    assert data["messages"][0]["content"][-1]["tags"] == ["a", "b"]
    text = json.dumps(data)
    for rebuilt in (
        UnifiedResponse.model_validate(json.loads(text)),
        UnifiedResponse.model_validate_json(response.model_dump_json()),
    ):
        assert rebuilt == response
        assert [type(b) for b in rebuilt.messages[0].content] == [type(b) for b in response.messages[0].content]
        assert rebuilt.messages[0].content[-1].reflection == "Review"
        assert rebuilt.text == response.text


def test_blocks_from_dicts_in_a_message():
    with pytest.warns(UserWarning, match="Failed to parse text"):
        message = UnifiedMessage.model_validate(
            {
                "role": "assistant",
                "content": [
                    {"type": "text", "text": "hi"},
                    {"type": "tool_call", "id": "c", "name": "f", "arguments": "{}"},
                    {"type": "text"},  # malformed: kept, not lost
                    {"type": "reflection", "note": "n"},
                ],
            }
        )
    kinds = [type(b) for b in message.content]
    assert kinds[:2] == [TextContent, ToolCallContent] and kinds[2:] == [GenericContent, GenericContent]


def test_importing_the_package_is_light_and_its_clients_load_no_sdk():
    probe = (
        "import sys, autogen, autogen.llm_clients as c\n"
        "print(sorted(m for m in ('pydantic', 'openai', 'anthropic', 'autogen.llm_clients.models') if m in sys.modules))\n"
        "c.UnifiedResponse\n"
        "print('pydantic' in sys.modules, 'openai' in sys.modules, 'anthropic' in sys.modules)\n"
        "from autogen.llm_clients import BedrockV2Client, OpenAIResponsesV2Client\n"
        "print(BedrockV2Client.__name__, OpenAIResponsesV2Client.__name__, 'boto3' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout.splitlines()
    assert out[0] == "[]"
    assert out[1] == "True False False"
    assert out[2] == "BedrockV2Client OpenAIResponsesV2Client False"


def test_any_wrapper_reads_a_unified_response_it_did_not_produce():
    from autogen import OpenAIWrapper

    response = rich_response().model_copy(
        update={"messages": [UnifiedMessage(role="assistant", content=[TextContent(text="hi")])]}
    )
    assert OpenAIWrapper(config_list=[{"model": "gpt-4o", "api_key": "k"}]).extract_text_or_completion_object(
        response
    ) == ["hi"]


def test_agents_read_a_refusal_when_there_is_no_text():
    from autogen.llm_clients.client_v2 import retrieve_messages

    refused = UnifiedResponse(
        id="r",
        model="m",
        provider="openai",
        messages=[UnifiedMessage(role="assistant", content=[GenericContent(type="refusal", refusal="I can't.")])],
    )
    assert retrieve_messages(refused) == ["I can't."]
