"""Tools for external services: Perplexity for real against a local HTTP server; the others' constructors
fail with an error naming the missing package (extra) or key. No network."""

from __future__ import annotations

import importlib.util
import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import ClassVar

import pytest

from autogen.tools import experimental
from autogen.tools.experimental import PerplexitySearchTool


def installed(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


class _Perplexity(BaseHTTPRequestHandler):
    reply: tuple[int, str] = (200, "")
    seen: ClassVar[list[tuple[dict, dict]]] = []

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).seen.append((dict(self.headers), body))
        status, text = type(self).reply
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(text.encode())

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def perplexity_server():
    _Perplexity.seen = []
    server = HTTPServer(("127.0.0.1", 0), _Perplexity)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server, _Perplexity
    server.shutdown()


def completion(text: str) -> str:
    return json.dumps(
        {
            "id": "p1",
            "model": "sonar",
            "created": 1,
            "usage": {"prompt_tokens": 3, "completion_tokens": 4, "total_tokens": 7, "search_context_size": "high"},
            "citations": ["https://example.org/a"],
            "object": "chat.completion",
            "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": text}}],
        }
    )


def test_perplexity_searches_through_its_chat_api(perplexity_server):
    server, handler = perplexity_server
    handler.reply = (200, completion("Paris."))
    tool = PerplexitySearchTool(api_key="pk-test", max_tokens=50, search_domain_filter=["example.org"])
    tool.url = f"http://127.0.0.1:{server.server_port}/chat/completions"
    assert tool.name == "perplexity-search"
    result = tool.func(query="capital of France?")
    assert (result.content, result.citations, result.error) == ("Paris.", ["https://example.org/a"], None)
    headers, body = handler.seen[0]
    assert headers["Authorization"] == "Bearer pk-test"
    assert body["model"] == "sonar" and body["max_tokens"] == 50
    assert body["search_domain_filter"] == ["example.org"]
    assert body["messages"][-1] == {"role": "user", "content": "capital of France?"}


def test_perplexity_errors_come_back_in_the_response(perplexity_server):
    server, handler = perplexity_server
    tool = PerplexitySearchTool(api_key="pk-test")
    tool.url = f"http://127.0.0.1:{server.server_port}/chat/completions"
    handler.reply = (401, '{"error": "bad key"}')
    failed = tool.search("q")
    assert failed.content is None and "HTTP error occurred" in failed.error and "401" in failed.error
    handler.reply = (200, "not json")
    assert "Invalid JSON" in tool.search("q").error
    handler.reply = (200, '{"id": "x"}')
    assert "Validation error" in tool.search("q").error
    with pytest.raises(ValueError, match="non-empty query"):
        tool.search("")


def test_perplexity_configuration_errors(monkeypatch):
    monkeypatch.delenv("PERPLEXITY_API_KEY", raising=False)
    with pytest.raises(ValueError, match="Perplexity API key is missing"):
        PerplexitySearchTool()
    monkeypatch.setenv("PERPLEXITY_API_KEY", "from-env")
    assert PerplexitySearchTool().api_key == "from-env"
    with pytest.raises(ValueError, match="max_tokens must be positive"):
        PerplexitySearchTool(max_tokens=0)
    with pytest.raises(ValueError, match="model cannot be empty"):
        PerplexitySearchTool(model="")


MISSING_PACKAGE = [
    ("WikipediaQueryRunTool", {}, "wikipediaapi", "wikipedia"),
    ("WikipediaPageLoadTool", {}, "wikipediaapi", "wikipedia"),
    ("Crawl4AITool", {}, "crawl4ai", "crawl4ai"),
    ("BrowserUseTool", {"llm_config": {"model": "m"}}, "browser_use", "browser-use"),
    ("SlackSendTool", {"bot_token": "t", "channel_id": "c"}, "slack_sdk", "commsagent-slack"),
    ("SlackRetrieveTool", {"bot_token": "t", "channel_id": "c"}, "slack_sdk", "commsagent-slack"),
    ("SlackRetrieveRepliesTool", {"bot_token": "t", "channel_id": "c"}, "slack_sdk", "commsagent-slack"),
    ("DiscordSendTool", {"bot_token": "t", "channel_name": "c", "guild_name": "g"}, "discord", "commsagent-discord"),
    (
        "DiscordRetrieveTool",
        {"bot_token": "t", "channel_name": "c", "guild_name": "g"},
        "discord",
        "commsagent-discord",
    ),
    ("TelegramSendTool", {"api_id": "1", "api_hash": "h", "chat_id": "c"}, "telethon", "commsagent-telegram"),
    ("TelegramRetrieveTool", {"api_id": "1", "api_hash": "h", "chat_id": "c"}, "telethon", "commsagent-telegram"),
]


@pytest.mark.parametrize(("name", "kwargs", "module", "extra"), MISSING_PACKAGE, ids=[m[0] for m in MISSING_PACKAGE])
def test_a_missing_package_is_named_with_its_extra(name, kwargs, module, extra):
    if installed(module):
        pytest.skip(f"{module} is installed here")
    with pytest.raises(ImportError, match=rf'pip install "ag2\[{extra}\]"') as err:
        getattr(experimental, name)(**kwargs)
    assert name in str(err.value)


# These are built without their package (as in the original); the first search names the extra.
SEARCH_WITHOUT_PACKAGE = [
    ("TavilySearchTool", {"tavily_api_key": "k"}, {"query": "q"}, "tavily", "tavily"),
    ("YoutubeSearchTool", {"youtube_api_key": "k"}, {"query": "q"}, "googleapiclient", "google-search"),
    (
        "GoogleSearchTool",
        {"search_api_key": "k", "search_engine_id": "e", "use_internal_llm_tool_if_available": False},
        {"query": "q"},
        "googleapiclient",
        "google-search",
    ),
    ("TinyFishSearchTool", {"tinyfish_api_key": "k"}, {"query": "q"}, "tinyfish", "tinyfish"),
]


@pytest.mark.parametrize(
    ("name", "kwargs", "call", "module", "extra"), SEARCH_WITHOUT_PACKAGE, ids=[m[0] for m in SEARCH_WITHOUT_PACKAGE]
)
def test_searching_without_the_package_names_the_extra(monkeypatch, name, kwargs, call, module, extra):
    tool = getattr(experimental, name)(**kwargs)
    monkeypatch.setitem(sys.modules, module, None)  # as if it were not installed
    if name == "TinyFishSearchTool":
        monkeypatch.setattr(sys.modules["autogen.tools.experimental.tinyfish.tinyfish_tool"], "TinyFish", None)
        # the TinyFish tools report failures in their result
        assert f'pip install "ag2[{extra}]"' in tool(**call)["error"]
        return
    with pytest.raises(ImportError, match=rf'pip install "ag2\[{extra}\]"'):
        tool(**call)


def test_missing_keys_and_settings_are_named(monkeypatch):
    with pytest.raises(ValueError, match="youtube_api_key must be provided"):
        experimental.YoutubeSearchTool()
    with pytest.raises(ValueError, match="search_api_key and search_engine_id must be provided"):
        experimental.GoogleSearchTool(use_internal_llm_tool_if_available=False)
    # keys given while the model's own search is used are ignored (a warning says so)
    assert experimental.GoogleSearchTool(search_api_key="k").name == "prebuilt_google_search"
    with pytest.raises(ValueError, match="bot_token"):
        experimental.SlackSendTool(bot_token="", channel_id="c")
    with pytest.raises(ValueError, match="llm_config must be provided"):
        experimental.Crawl4AITool(extraction_model=dict)  # type: ignore[arg-type]


def test_google_search_without_keys_stands_for_the_models_own_search():
    tool = experimental.GoogleSearchTool()
    assert tool.name == "prebuilt_google_search"
    with pytest.raises(ValueError, match="Please provide search_api_key and search_engine_id"):
        tool(query="x")


def test_every_original_name_is_exported():
    for name in experimental.__all__:
        assert name in dir(experimental)
    with pytest.raises(AttributeError):
        experimental.NoSuchTool  # noqa: B018
