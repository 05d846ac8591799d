"""FirecrawlTool on the real ``firecrawl-py`` client, pointed (``firecrawl_api_url``, as for a self-hosted
Firecrawl) at a local server that answers as Firecrawl's v1 API does. No network."""

from __future__ import annotations

import pytest
from _web_fakes import ApiCall, FakeJsonApi

from autogen.tools.experimental import FirecrawlTool

pytest.importorskip("firecrawl", reason="needs the firecrawl extra")
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")  # the tool and the v1 API are deprecated


def page(url: str, title: str) -> dict:
    return {"markdown": f"# {title}", "metadata": {"title": title, "sourceURL": url, "statusCode": 200}}


def scrape(call: ApiCall):
    if "down" in call.body["url"]:
        return 500, {"success": False, "error": "Upstream unreachable"}
    return 200, {"success": True, "data": page(call.body["url"], "Home")}


ROUTES = {
    "POST /v1/scrape": scrape,
    "POST /v1/crawl": lambda call: (200, {"success": True, "id": "crawl-1"}),
    "GET /v1/crawl/crawl-1": lambda call: (
        200,
        {
            "success": True,
            "status": "completed",
            "completed": 2,
            "total": 2,
            "creditsUsed": 2,
            "expiresAt": "2030-01-01T00:00:00Z",
            "data": [page("https://example.org/", "Home"), page("https://example.org/about", "About")],
        },
    ),
    "POST /v1/map": lambda call: (
        200,
        {"success": True, "links": ["https://example.org/", "https://example.org/about"]},
    ),
    "POST /v1/search": lambda call: (
        200,
        {
            "success": True,
            "data": [{"url": "https://example.org/", "title": "Example", "description": "An example site."}],
        },
    ),
    "POST /v1/deep-research": lambda call: (200, {"success": True, "id": "dr-1"}),
    "GET /v1/deep-research/dr-1": lambda call: (
        200,
        {
            "success": True,
            "status": "completed",
            "data": {"finalAnalysis": "Examples are common."},
            "sources": [{"url": "https://example.org/", "title": "Example"}],
            "summaries": ["One site."],
            "activities": [],
        },
    ),
}


@pytest.fixture
def firecrawl():
    with FakeJsonApi(ROUTES) as server:
        yield server, FirecrawlTool(firecrawl_api_key="fc-key", firecrawl_api_url=server.url)


def test_scrape_is_the_tool_the_model_sees(firecrawl):
    server, tool = firecrawl
    assert tool.name == "firecrawl_scrape"
    assert tool(url="https://example.org/", formats=["markdown"], include_tags=["main"]) == [
        {
            "title": "Home",
            "url": "https://example.org/",
            "content": "# Home",
            "metadata": page("https://example.org/", "Home")["metadata"],
        }
    ]
    call = server.calls[0]
    assert call.headers["authorization"] == "Bearer fc-key"
    assert call.body["formats"] == ["markdown"] and call.body["includeTags"] == ["main"]


def test_a_failed_scrape_is_an_empty_list(firecrawl):
    _, tool = firecrawl
    assert tool(url="https://down.example/") == []


def test_crawl_waits_for_the_job_and_returns_each_page(firecrawl):
    server, tool = firecrawl
    pages = tool.crawl(url="https://example.org/", limit=2)
    assert [(p["title"], p["url"], p["content"]) for p in pages] == [
        ("Home", "https://example.org/", "# Home"),
        ("About", "https://example.org/about", "# About"),
    ]
    started = server.calls[0].body
    assert started["limit"] == 2 and started["scrapeOptions"]["formats"] == ["markdown"]


def test_map_lists_the_sites_urls(firecrawl):
    server, tool = firecrawl
    assert tool.map(url="https://example.org/", search="about") == [
        {"url": "https://example.org/", "title": "", "content": ""},
        {"url": "https://example.org/about", "title": "", "content": ""},
    ]
    assert server.calls[0].body["search"] == "about"


def test_search_returns_hits(firecrawl):
    server, tool = firecrawl
    hits = tool.search(query="example", limit=3)
    assert hits == [
        {
            "title": "Example",
            "url": "https://example.org/",
            "content": "",
            "description": "An example site.",
            "metadata": {},
        }
    ]
    assert (server.calls[0].body["query"], server.calls[0].body["limit"]) == ("example", 3)


def test_deep_research_returns_the_finished_job(firecrawl):
    _, tool = firecrawl
    result = tool.deep_research(query="examples", max_depth=2, time_limit=60, max_urls=5)
    assert result["status"] == "completed" and result["data"] == {"finalAnalysis": "Examples are common."}
    assert result["sources"] == [{"url": "https://example.org/", "title": "Example"}]


def test_key_and_url_come_from_arguments_or_the_environment(monkeypatch):
    monkeypatch.delenv("FIRECRAWL_API_KEY", raising=False)
    with pytest.raises(ValueError, match="firecrawl_api_key must be provided"):
        FirecrawlTool()
    monkeypatch.setenv("FIRECRAWL_API_KEY", "env-key")
    monkeypatch.setenv("FIRECRAWL_API_URL", "http://firecrawl.local")
    with pytest.warns(DeprecationWarning, match="FirecrawlTool is deprecated"):
        tool = FirecrawlTool()
    assert (tool.firecrawl_api_key, tool.firecrawl_api_url) == ("env-key", "http://firecrawl.local")
