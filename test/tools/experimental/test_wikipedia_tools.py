"""Wikipedia tools on the real wikipedia-api package and requests, against a local MediaWiki API
(test/_web_fakes.py) that the client is pointed at with ``WikipediaClient(base_url=...)``. No network."""

from __future__ import annotations

import sys

import pytest
from _web_fakes import FakeMediaWiki

from autogen import AssistantAgent, UserProxyAgent
from autogen.testing import FakeLLMServer, tool_call
from autogen.tools.experimental import WikipediaPageLoadTool, WikipediaQueryRunTool
from autogen.tools.experimental.wikipedia.wikipedia import Document, WikipediaClient

pytest.importorskip("wikipediaapi", reason="needs the wikipedia extra")

PAGES = {
    "Ada Lovelace": (
        "Ada Lovelace was an English mathematician, known for her work on the Analytical Engine.\n\n"
        "== Early life ==\nShe was the only legitimate child of the poet Lord Byron.\n\n"
        "== Work ==\nHer notes on the engine include the first published algorithm."
    ),
    "Analytical Engine": "The Analytical Engine was a proposed mechanical computer designed by Charles Babbage.",
    "Lord Byron": "George Gordon Byron was an English poet.",
}


@pytest.fixture
def wiki():
    with FakeMediaWiki(PAGES) as server:
        yield server


def pointed(tool, wiki: FakeMediaWiki):
    """``tool`` with its client talking to the local API."""
    tool.wiki_cli = WikipediaClient(tool.language, tool.tool_name, base_url=wiki.api_url)
    return tool


def test_the_client_searches_and_reads_pages(wiki):
    client = WikipediaClient("en", "my-tool", base_url=wiki.api_url)
    hits = client.search("Analytical Engine", limit=5)
    assert [h["title"] for h in hits] == ["Analytical Engine", "Ada Lovelace"]
    assert hits[0]["pageid"] == 101 and hits[0]["timestamp"] == "2024-05-01T12:00:00Z"
    search = wiki.requests[0]
    assert (search["list"], search["srlimit"], search["srprop"]) == ("search", "5", "size|wordcount|timestamp")
    assert search["_user_agent"] == "autogen.Agent (my-tool)"
    page = client.get_page("Ada Lovelace")
    assert page.summary == "Ada Lovelace was an English mathematician, known for her work on the Analytical Engine."
    assert "first published algorithm" in page.text
    assert client.get_page("No Such Page") is None
    assert client.base_url == wiki.api_url
    assert WikipediaClient("de").base_url == "https://de.wikipedia.org/w/api.php"


def test_query_run_returns_the_summaries_of_the_top_pages(wiki):
    tool = pointed(WikipediaQueryRunTool(top_k=2), wiki)
    assert tool.name == "wikipedia-query-run"
    assert tool.func(query="English poet Byron") == [
        "Page: Lord Byron\nSummary: George Gordon Byron was an English poet.",
        "Page: Ada Lovelace\nSummary: " + PAGES["Ada Lovelace"].split("\n\n")[0],
    ]
    assert tool.query_run("quantum chromodynamics") == "No good Wikipedia Search Result was found"


def test_queries_are_cut_and_top_k_is_capped(wiki, capsys):
    tool = pointed(WikipediaQueryRunTool(top_k=500, verbose=True), wiki)
    assert tool.top_k == 100
    tool.query_run("Byron " + "x" * 400)
    sent = wiki.requests[0]
    assert len(sent["srsearch"]) == 300 and sent["srlimit"] == "100"
    assert "[wikipedia-query-run] search query='Byron" in capsys.readouterr().out


def test_a_failing_api_is_reported_to_the_model_as_text(wiki):
    wiki.fail_with = 503
    tool = pointed(WikipediaQueryRunTool(), wiki)
    answer = tool.query_run("Byron")
    assert answer.startswith("wikipedia search failed: 503")
    loader = pointed(WikipediaPageLoadTool(), wiki)
    assert loader.content_search("Byron").startswith("wikipedia search failed: ")


def test_page_load_returns_documents_with_metadata(wiki):
    tool = pointed(WikipediaPageLoadTool(top_k=1, truncate=40), wiki)
    assert tool.name == "wikipedia-page-load"
    docs = tool.func(query="Lovelace mathematician")
    assert docs == [
        Document(
            page_content=PAGES["Ada Lovelace"][:40],
            metadata={
                "source": "https://en.wikipedia.org/?curid=100",
                "title": "Ada Lovelace",
                "pageid": "100",
                "timestamp": "2024-05-01T12:00:00Z",
                "wordcount": str(len(PAGES["Ada Lovelace"].split())),
                "size": str(len(PAGES["Ada Lovelace"])),
            },
        )
    ]
    assert WikipediaPageLoadTool(truncate=50_000).truncate == 10_000
    assert tool.content_search("zzz") == "No good Wikipedia Search Result was found"


def test_a_model_looks_up_wikipedia_in_a_chat(wiki):
    tool = pointed(WikipediaQueryRunTool(top_k=1), wiki)
    script = [
        {"tool_calls": [tool_call("wikipedia-query-run", {"query": "Charles Babbage computer"}, id="w1")]},
        "Babbage designed the Analytical Engine.",
    ]
    with FakeLLMServer(script) as llm:
        assistant = AssistantAgent("assistant", llm_config=llm.llm_config)
        user = UserProxyAgent("user", human_input_mode="NEVER", code_execution_config=False)
        tool.register_for_llm(assistant)
        tool.register_for_execution(user)
        user.initiate_chat(assistant, message="Who designed the Analytical Engine?", max_turns=2)
        offered = llm.requests[0].body["tools"][0]["function"]
        answered = llm.requests[1].messages[-1]
    assert offered["name"] == "wikipedia-query-run"
    assert offered["parameters"]["required"] == ["query"]
    assert answered["role"] == "tool" and answered["tool_call_id"] == "w1"
    assert answered["content"] == str(["Page: Analytical Engine\nSummary: " + PAGES["Analytical Engine"]])


@pytest.mark.parametrize("cls", [WikipediaQueryRunTool, WikipediaPageLoadTool])
def test_without_the_package_the_tools_name_the_extra(monkeypatch, cls):
    monkeypatch.setitem(sys.modules, "wikipediaapi", None)  # as if it were not installed
    with pytest.raises(ImportError, match=rf'{cls.__name__} .*pip install "ag2\[wikipedia\]"'):
        cls()
