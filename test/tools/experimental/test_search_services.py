"""Tavily and SearxNG searches against local servers that answer as those services do. No network.

Tavily runs on the real ``tavily-python`` client, pointed at the local server through its ``api_base_url``
(set from the tool module's ``_api_base_url``, which the tool's own API does not expose). SearxNG's tool takes
the instance URL itself."""

from __future__ import annotations

import pytest
from _web_fakes import ApiCall, FakeJsonApi

from autogen.tools.experimental import SearxngSearchTool, TavilySearchTool
from autogen.tools.experimental.tavily import tavily_search

TAVILY_HITS = [
    {"title": "Hurricane outlook", "url": "https://example.org/outlook", "content": "An active season.", "score": 0.9},
    {"title": "Storm names", "url": "https://example.org/names", "content": "This year's list.", "score": 0.7},
]


def tavily_answer(call: ApiCall):
    if call.headers.get("authorization") != "Bearer tvly-key":
        return 401, {"detail": {"error": "Unauthorized: missing or invalid API key."}}
    hits = TAVILY_HITS[: call.body["max_results"]]
    return 200, {"query": call.body["query"], "answer": "Busy.", "results": hits, "response_time": 0.1}


@pytest.fixture
def tavily(monkeypatch):
    pytest.importorskip("tavily", reason="needs the tavily extra")
    with FakeJsonApi({"POST /search": tavily_answer}) as server:
        monkeypatch.setattr(tavily_search, "_api_base_url", server.url)
        yield server


def test_tavily_search_returns_titles_links_and_snippets(tavily):
    tool = TavilySearchTool(tavily_api_key="tvly-key")
    assert tool(query="hurricanes", num_results=1) == [
        {"title": "Hurricane outlook", "link": "https://example.org/outlook", "snippet": "An active season."}
    ]
    sent = tavily.calls[0].body
    assert (sent["query"], sent["search_depth"], sent["topic"], sent["include_answer"]) == (
        "hurricanes",
        "basic",
        "general",
        "basic",
    )
    assert sent["include_domains"] == [] and sent["include_raw_content"] is False


def test_tavily_passes_the_models_options(tavily):
    tool = TavilySearchTool(tavily_api_key="tvly-key")
    tool(query="storms", search_depth="advanced", include_domains=["example.org"], num_results=2)
    sent = tavily.calls[0].body
    assert (sent["search_depth"], sent["include_domains"], sent["max_results"]) == ("advanced", ["example.org"], 2)


def test_tavily_key_comes_from_the_environment_and_a_bad_one_is_an_error(tavily, monkeypatch):
    monkeypatch.setenv("TAVILY_API_KEY", "wrong")
    tool = TavilySearchTool()
    assert tool.tavily_api_key == "wrong"
    with pytest.raises(Exception, match="(?i)invalid api key|unauthori"):
        tool(query="x")


def test_tavily_schema_hides_the_key():
    schema = TavilySearchTool(tavily_api_key="k").tool_schema["function"]["parameters"]
    assert list(schema["properties"]) == [
        "query",
        "search_depth",
        "include_answer",
        "include_raw_content",
        "include_domains",
        "num_results",
    ]


SEARX_RESULTS = [
    {"url": "https://searx.example/a", "title": "A", "content": "first", "engine": "bing", "score": 2.0},
    {"url": "https://searx.example/b", "title": "B", "content": "second", "engine": "brave", "score": 1.0},
    "not a result",
]


@pytest.fixture
def searxng():
    def search(call: ApiCall):
        if call.query.get("format") != "json":
            return 403, b"Forbidden", "text/html"
        return 200, {"query": call.query["q"], "number_of_results": 2, "results": SEARX_RESULTS}

    with FakeJsonApi({"GET /search": search}) as server:
        yield server


def test_searxng_search_asks_for_json_and_keeps_real_results(searxng):
    with pytest.warns(DeprecationWarning, match="SearxngSearchTool is deprecated"):
        tool = SearxngSearchTool(base_url=f"{searxng.url}/search")
    assert tool(query="open source", categories=["general", "it"], language="de-DE") == [
        {"title": "A", "link": "https://searx.example/a", "snippet": "first"},
        {"title": "B", "link": "https://searx.example/b", "snippet": "second"},
    ]
    asked = searxng.calls[0].query
    assert asked == {
        "q": "open source",
        "format": "json",
        "language": "de-DE",
        "categories": "general,it",
        "count": "5",
    }


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_searxng_defaults_and_failures(searxng, caplog):
    tool = SearxngSearchTool(base_url=f"{searxng.url}/search")
    tool(query="x")
    assert searxng.calls[0].query["language"] == "en-US" and "categories" not in searxng.calls[0].query
    assert SearxngSearchTool(base_url=f"{searxng.url}/nowhere")(query="x") == []
    assert "SearxNG Search failed" in caplog.text
