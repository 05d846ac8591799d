"""TextMessageCompressor (with a user-supplied compressor) and TextMessageContentName."""

from __future__ import annotations

import importlib.util
from typing import Any

import pytest
from transform_samples import snapshot, tool_exchange_ag2

from autogen.agentchat.contrib.capabilities.text_compressors import TextCompressor
from autogen.agentchat.contrib.capabilities.transforms import TextMessageCompressor, TextMessageContentName


class FirstWords:
    """A trivial compressor: keeps the first N words and reports word counts as tokens."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def compress_text(self, text: str, **params: Any) -> dict[str, Any]:
        self.calls.append(text)
        keep = params.get("keep", 2)
        words = text.split()
        return {
            "compressed_prompt": " ".join(words[:keep]),
            "origin_tokens": len(words),
            "compressed_tokens": min(len(words), keep),
        }


class DictCache:
    def __init__(self) -> None:
        self.data: dict[str, Any] = {}

    def get(self, key: str, default: Any = None) -> Any:
        return self.data.get(key, default)

    def set(self, key: str, value: Any) -> None:
        self.data[key] = value


def test_without_llmlingua_the_default_compressor_names_the_extra() -> None:
    if importlib.util.find_spec("llmlingua") is not None:
        pytest.skip("llmlingua is installed here")
    with pytest.raises(ImportError) as info:
        TextMessageCompressor()
    assert 'pip install "ag2[long-context]"' in str(info.value)
    assert "llmlingua" in str(info.value)


def test_user_compressor_shortens_text_and_reports_savings() -> None:
    compressor = FirstWords()
    assert isinstance(compressor, TextCompressor)
    transform = TextMessageCompressor(text_compressor=compressor, compression_params={"keep": 3})
    messages = [
        {"role": "user", "content": "one two three four five six"},
        *tool_exchange_ag2(),
        {"role": "user", "content": [{"type": "text", "text": "a b c d e"}, {"type": "image_url", "image_url": {}}]},
        {"role": "assistant", "content": ""},
    ]
    before = snapshot(messages)
    result = transform.apply_transform(messages)
    assert result[0]["content"] == "one two three"
    assert result[1] is messages[1]  # tool call with None content: untouched
    assert result[3]["content"][0] == {"type": "text", "text": "a b c"}
    assert result[3]["content"][1] == {"type": "image_url", "image_url": {}}
    assert result[4] is messages[4]  # empty text is not sent to the compressor
    assert messages == before
    assert transform.get_logs(messages, result) == ("5 tokens saved with text compression.", True)


def test_cache_avoids_compressing_the_same_text_twice() -> None:
    compressor, cache = FirstWords(), DictCache()
    transform = TextMessageCompressor(text_compressor=compressor, cache=cache)
    messages = [{"role": "user", "content": "alpha beta gamma delta"}]
    first = transform.apply_transform(messages)
    second = transform.apply_transform(messages)
    assert first == second == [{"role": "user", "content": "alpha beta"}]
    assert compressor.calls == ["alpha beta gamma delta"]
    assert transform.get_logs(messages, second)[1] is True  # cached savings still reported


def test_compressor_min_tokens_and_filters() -> None:
    compressor = FirstWords()
    messages = [{"role": "system", "content": "keep all of this"}, {"role": "user", "content": "w x y z"}]
    small = TextMessageCompressor(text_compressor=compressor, min_tokens=10_000)
    assert small.apply_transform(messages) == messages
    assert small.get_logs(messages, messages) == ("No tokens saved with text compression.", False)
    filtered = TextMessageCompressor(text_compressor=compressor, filter_dict={"role": ["system"]})
    result = filtered.apply_transform(messages)
    assert result[0] is messages[0] and result[1]["content"] == "w x"
    with pytest.raises(ValueError, match="min_tokens"):
        TextMessageCompressor(text_compressor=compressor, min_tokens=0)


def test_bad_compressor_output_gets_a_clear_error() -> None:
    class Broken:
        def compress_text(self, text: str, **params: Any) -> dict[str, Any]:
            return {"text": text}

    with pytest.raises(ValueError, match="compressed_prompt"):
        TextMessageCompressor(text_compressor=Broken()).apply_transform([{"role": "user", "content": "hi"}])
    with pytest.raises(TypeError, match="compress_text"):
        TextMessageCompressor(text_compressor=object())


def test_content_name_prefixes_and_deduplicates() -> None:
    transform = TextMessageContentName()
    messages = [
        {"role": "user", "content": "hello", "name": "alice"},
        {"role": "assistant", "content": "bob:\nalready named", "name": "bob"},
        {"role": "user", "content": "no name"},
        {**tool_exchange_ag2()[0], "name": "carol"},
    ]
    before = snapshot(messages)
    result = transform.apply_transform(messages)
    assert result[0]["content"] == "alice:\nhello"
    assert result[1] is messages[1]
    assert result[2] is messages[2]
    assert result[3]["content"] is None
    assert messages == before
    assert transform.get_logs(messages, result) == ("1 message(s) changed to incorporate name.", True)
    again = transform.apply_transform(result)
    assert again[0]["content"] == "alice:\nhello"  # not doubled


def test_content_name_at_the_end_and_in_multimodal_content() -> None:
    transform = TextMessageContentName(position="end", format_string=" (from {name})", deduplicate=False)
    image = {"type": "image_url", "image_url": {"url": "x"}}
    messages = [
        {"role": "user", "content": "hi", "name": "alice"},
        {"role": "user", "content": [{"type": "text", "text": "look"}, image], "name": "dan"},
    ]
    result = transform.apply_transform(messages)
    assert result[0]["content"] == "hi (from alice)"
    assert result[1]["content"] == [{"type": "text", "text": "look (from dan)"}, image]
    start = TextMessageContentName().apply_transform(messages)
    assert start[1]["content"][0]["text"] == "dan:\nlook"


def test_content_name_filters_and_bad_arguments() -> None:
    messages = [{"role": "system", "content": "rules", "name": "admin"}, {"role": "user", "content": "q", "name": "u"}]
    result = TextMessageContentName(filter_dict={"role": ["system"]}).apply_transform(messages)
    assert result[0] is messages[0] and result[1]["content"] == "u:\nq"
    with pytest.raises(ValueError, match="position"):
        TextMessageContentName(position="middle")
    with pytest.raises(ValueError, match="format_string"):
        TextMessageContentName(format_string="no placeholder")
    with pytest.raises(AssertionError):  # what ag2 raised, for code that catches it
        TextMessageContentName(deduplicate="yes")
