"""Streaming answers are real SSE that the openai SDK assembles back into the scripted message."""

from __future__ import annotations

import json

from autogen.testing import FakeReply, tool_call

USER_HI = [{"role": "user", "content": "hi"}]
LONG_TEXT = "The quick brown fox jumps over the lazy dog. " * 3


def test_stream_text_arrives_in_pieces(fake_llm, client):
    fake_llm.add_replies(LONG_TEXT)
    stream = client.chat.completions.create(model="m", messages=USER_HI, stream=True)
    chunks = list(stream)
    assert all(c.object == "chat.completion.chunk" for c in chunks)
    assert chunks[0].choices[0].delta.role == "assistant"
    pieces = [c.choices[0].delta.content for c in chunks if c.choices and c.choices[0].delta.content]
    assert len(pieces) > 5
    assert "".join(pieces) == LONG_TEXT
    assert chunks[-1].choices[0].finish_reason == "stop"
    assert all(c.usage is None for c in chunks)  # no usage chunk unless asked for
    assert fake_llm.requests[0].body["stream"] is True


def test_stream_with_include_usage_ends_with_a_usage_chunk(fake_llm, client):
    fake_llm.add_replies(LONG_TEXT, LONG_TEXT)
    plain = client.chat.completions.create(model="m", messages=USER_HI)
    chunks = list(
        client.chat.completions.create(model="m", messages=USER_HI, stream=True, stream_options={"include_usage": True})
    )
    assert chunks[-1].choices == []
    assert chunks[-1].usage.model_dump() == plain.usage.model_dump()


def test_sdk_assembles_streamed_text_and_usage(fake_llm, client):
    fake_llm.add_replies(LONG_TEXT)
    with client.chat.completions.stream(model="m", messages=USER_HI, stream_options={"include_usage": True}) as s:
        final = s.get_final_completion()
    assert final.choices[0].message.content == LONG_TEXT
    assert final.choices[0].finish_reason == "stop"
    assert final.usage.total_tokens > 0


def test_sdk_assembles_streamed_tool_calls(fake_llm, client):
    args = {"city": "Paris", "days": 3, "notes": "a fairly long argument string to be split up"}
    fake_llm.add_replies(
        FakeReply(
            content="Let me check.",
            tool_calls=[tool_call("weather", args, id="call_a"), tool_call("time", {"tz": "CET"}, id="call_b")],
        )
    )
    with client.chat.completions.stream(model="m", messages=USER_HI) as s:
        raw_events = [e for e in s if e.type == "chunk"]
        final = s.get_final_completion()
    arg_pieces = [
        tc.function.arguments
        for e in raw_events
        for ch in e.chunk.choices
        for tc in ch.delta.tool_calls or []
        if tc.id is None
    ]
    assert len(arg_pieces) > 2  # arguments really arrive in several deltas
    msg = final.choices[0].message
    assert final.choices[0].finish_reason == "tool_calls"
    assert msg.content == "Let me check."
    assert [(tc.id, tc.function.name) for tc in msg.tool_calls] == [("call_a", "weather"), ("call_b", "time")]
    assert json.loads(msg.tool_calls[0].function.arguments) == args
    assert json.loads(msg.tool_calls[1].function.arguments) == {"tz": "CET"}


async def test_async_stream(fake_llm, aclient):
    fake_llm.add_replies("async streaming works fine")
    stream = await aclient.chat.completions.create(
        model="m", messages=USER_HI, stream=True, stream_options={"include_usage": True}
    )
    text, usage = "", None
    async for chunk in stream:
        if chunk.choices and chunk.choices[0].delta.content:
            text += chunk.choices[0].delta.content
        usage = chunk.usage or usage
    assert text == "async streaming works fine"
    assert usage.completion_tokens == 7  # ceil(26 / 4)


def test_streamed_n_choices(fake_llm, client):
    fake_llm.add_replies("two ways")
    chunks = list(client.chat.completions.create(model="m", messages=USER_HI, stream=True, n=2))
    by_index: dict[int, str] = {}
    for c in chunks:
        for ch in c.choices:
            by_index[ch.index] = by_index.get(ch.index, "") + (ch.delta.content or "")
    assert by_index == {0: "two ways", 1: "two ways"}


def test_keep_alive_connection_is_reused_across_stream_and_plain(fake_llm, client):
    fake_llm.add_replies("a", "b", "c")
    client.chat.completions.create(model="m", messages=USER_HI)
    list(client.chat.completions.create(model="m", messages=USER_HI, stream=True))
    client.chat.completions.create(model="m", messages=USER_HI)
    assert [r.headers.get("connection") for r in fake_llm.requests] == ["keep-alive"] * 3
    assert fake_llm.remaining_replies == 0
