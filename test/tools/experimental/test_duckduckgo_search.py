"""DuckDuckGoSearchTool on the real duckduckgo_search client, which reaches a local search engine through
its DDGS_PROXY setting (an HTTPS proxy on 127.0.0.1 with a test CA; see test/_web_fakes.py). No network."""

from __future__ import annotations

import sys

import pytest
from _web_fakes import FakeSearchProxy, SearchHit

from autogen import AssistantAgent, UserProxyAgent
from autogen.testing import FakeLLMServer, tool_call
from autogen.tools.experimental import DuckDuckGoSearchTool

HITS = [
    SearchHit("Hurricane season outlook", "https://example.org/outlook", "Forecasters expect an active season."),
    SearchHit("Hurricane names 2025", "https://example.org/names", "The list of storm names."),
    SearchHit("Preparing for a storm", "https://example.org/prepare", "Water, batteries & a radio."),
]


@pytest.fixture
def engine(monkeypatch):
    pytest.importorskip("duckduckgo_search", reason="needs the duckduckgo extra")
    with FakeSearchProxy(HITS) as proxy:
        monkeypatch.setenv("DDGS_PROXY", proxy.proxy_url)
        monkeypatch.setenv("PRIMP_CA_BUNDLE", str(proxy.ca_file))
        yield proxy


def expected(hits: list[SearchHit]) -> list[dict[str, str]]:
    return [{"title": h.title, "link": h.url, "snippet": h.snippet} for h in hits]


def test_a_search_returns_titles_links_and_snippets(engine):
    tool = DuckDuckGoSearchTool()
    with pytest.warns(RuntimeWarning, match="renamed to `ddgs`"):  # the package's own notice
        results = tool(query="hurricane news", num_results=2)
    assert results == expected(HITS[:2])
    request = engine.seen[0]
    assert (request.host, request.path, request.query["q"]) == ("www.bing.com", "/search", "hurricane news")
    # region="wt-wt" (worldwide), as the original asks for
    assert "u=wt-wt" in request.headers.get("cookie", "")


def test_the_default_is_five_results_and_fewer_come_back_as_found(engine):
    assert DuckDuckGoSearchTool().func(query="storms") == expected(HITS)


def test_a_failed_search_is_an_empty_list(engine, capsys):
    engine.fail_with = 500
    assert DuckDuckGoSearchTool()(query="storms") == []
    assert "DuckDuckGo Search failed" in capsys.readouterr().out


def test_the_schema_the_model_sees():
    tool = DuckDuckGoSearchTool()
    assert tool.tool_schema == {
        "type": "function",
        "function": {
            "name": "duckduckgo_search",
            "description": "Use the DuckDuckGo Search API to perform a search.",
            "parameters": {
                "type": "object",
                "properties": {
                    "query": {"type": "string", "description": "The search query."},
                    "num_results": {"type": "integer", "default": 5, "description": "The number of results to return."},
                },
                "required": ["query"],
            },
        },
    }


def test_without_the_package_the_search_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "duckduckgo_search", None)  # as if it were not installed
    tool = DuckDuckGoSearchTool()  # building and offering the tool needs no package
    with pytest.raises(ImportError, match=r'pip install "ag2\[duckduckgo\]"'):
        tool(query="x")


def test_a_model_searches_in_a_chat_and_reads_the_results(engine):
    tool = DuckDuckGoSearchTool()
    script = [
        {"tool_calls": [tool_call("duckduckgo_search", {"query": "hurricane outlook", "num_results": 1}, id="c1")]},
        "An active season is expected. TERMINATE",
    ]
    with FakeLLMServer(script) as llm:
        assistant = AssistantAgent("assistant", llm_config=llm.llm_config)
        user = UserProxyAgent(
            "user",
            human_input_mode="NEVER",
            code_execution_config=False,
            is_termination_msg=lambda m: "TERMINATE" in (m.get("content") or ""),
        )
        tool.register_for_llm(assistant)
        tool.register_for_execution(user)
        result = user.initiate_chat(assistant, message="What is the hurricane outlook?", max_turns=3)
        assert llm.requests[0].body["tools"][0]["function"]["name"] == "duckduckgo_search"
        tool_message = llm.requests[1].messages[-1]
    assert tool_message["role"] == "tool" and tool_message["tool_call_id"] == "c1"
    assert tool_message["content"] == str(expected(HITS[:1]))  # the list as the original serialises it
    assert engine.seen[0].query["q"] == "hurricane outlook"
    assert result.summary.strip() == "An active season is expected."  # the summary drops "TERMINATE"
