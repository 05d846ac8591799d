"""QuickResearchTool end to end on local servers: Tavily (real tavily-python client), the pages it finds
(fetched over HTTP; crawl4ai is not installed here) and the summarising LLM (FakeLLMServer). No network."""

import asyncio
import json
import socket

import pytest

pytest.importorskip("tavily", reason="needs the quick-research extra")
pytest.importorskip("tldextract", reason="needs the quick-research extra")
pytest.importorskip("bs4", reason="needs the quick-research extra")

from _local_site import LocalSite
from _web_fakes import ApiCall, FakeJsonApi

from autogen.llm_config import LLMConfig
from autogen.testing import FakeLLMServer
from autogen.tools.experimental import QuickResearchTool
from autogen.tools.experimental.quick_research import quick_research as qr
from autogen.tools.experimental.tavily import tavily_search

HERONS = (
    "<html><head><style>p {color: red}</style></head><body><script>track()</script>"
    "<h1>Herons</h1><p>Herons eat fish.</p><img src='h.png'>"
    "<a href='/more'>More about herons</a> <a href='https://other.example.org/x'>elsewhere</a></body></html>"
)


def summary_of(request) -> str:
    system, user = request.messages[0]["content"], request.messages[-1]["content"]
    return f"[{system}] {user.splitlines()[0]}"


@pytest.fixture
def web(monkeypatch):
    pages = {
        "/herons": ("text/html", HERONS.encode()),
        "/egrets": ("text/html", b"<html><body><h1>Egrets</h1><p>Egrets are white.</p></body></html>"),
    }
    with LocalSite(pages) as site:
        hits = [
            {"title": "Herons", "url": site.url("/herons"), "content": "x"},
            {"title": "Egrets", "url": site.url("/egrets"), "content": "y"},
            {"title": "Gone", "url": site.url("/gone"), "content": "z"},
        ]

        def tavily_answer(call: ApiCall):
            if call.headers.get("authorization") != "Bearer tvly-key":
                return 401, {"detail": {"error": "Unauthorized"}}
            return 200, {"query": call.body["query"], "results": hits[: call.body["max_results"]]}

        with FakeJsonApi({"POST /search": tavily_answer}) as tavily:
            monkeypatch.setattr(tavily_search, "_api_base_url", tavily.url)
            yield site, tavily


def _tool(llm: FakeLLMServer, **kwargs) -> QuickResearchTool:
    config = LLMConfig({"model": "gpt-4o-mini", "api_key": "k", "base_url": llm.base_url})
    return QuickResearchTool(llm_config=config, tavily_api_key="tvly-key", **kwargs)


def test_needs_a_tavily_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TAVILY_API_KEY", raising=False)
    with pytest.raises(ValueError, match="tavily_api_key must be provided"):
        QuickResearchTool(llm_config={"model": "gpt-4o-mini", "api_key": "k"})
    monkeypatch.setenv("TAVILY_API_KEY", "from-env")
    tool = QuickResearchTool(llm_config={"model": "gpt-4o-mini", "api_key": "k"}, num_results_per_query=2)
    assert (tool.tavily_api_key, tool.num_results_per_query, tool.name) == ("from-env", 2, "quick_research")


def test_schema_shows_queries_and_prompts_only() -> None:
    tool = QuickResearchTool(llm_config={"model": "gpt-4o-mini", "api_key": "k"}, tavily_api_key="t")
    params = tool.tool_schema["function"]["parameters"]
    assert params["required"] == ["queries"]
    assert set(params["properties"]) == {"queries", "chunk_prompt", "merger_prompt", "full_prompt"}


def test_research_summarises_each_reachable_hit(web) -> None:
    site, tavily = web
    with FakeLLMServer(summary_of) as llm:
        result = json.loads(asyncio.run(_tool(llm)(queries=["herons"])))
    assert tavily.calls[0].body["query"] == "herons" and tavily.calls[0].body["max_results"] == 3
    (entry,) = result
    assert entry["query"] == "herons"
    # the page that answers 404 is left out
    assert [(s["title"], s["url"]) for s in entry["sources"]] == [
        ("Herons", site.url("/herons")),
        ("Egrets", site.url("/egrets")),
    ]
    assert entry["sources"][0]["summary"] == "[Provide a concise but complete summary.] Herons"
    sent = {r.messages[-1]["content"] for r in llm.requests}
    herons_text = next(t for t in sent if t.startswith("Herons"))
    assert "Herons eat fish." in herons_text and "More about herons" in herons_text
    assert "track()" not in herons_text and "color: red" not in herons_text


def test_queries_are_capped_and_prompts_passed_on(web) -> None:
    _, tavily = web
    with FakeLLMServer(summary_of) as llm:
        tool = _tool(llm, num_results_per_query=1)
        out = asyncio.run(tool(queries=[f"q{i}" for i in range(7)], full_prompt="Be brief."))
    result = json.loads(out)
    assert [r["query"] for r in result] == ["q0", "q1", "q2", "q3", "q4"]
    assert sorted(c.body["query"] for c in tavily.calls) == ["q0", "q1", "q2", "q3", "q4"]
    assert all(r["sources"][0]["summary"].startswith("[Be brief.]") for r in result)
    assert asyncio.run(tool(queries=[])) == "[]"


def test_clean_html_and_registered_domain() -> None:
    text = qr._clean_html(HERONS, "https://www.example.org/herons")
    assert text.splitlines()[0] == "Herons" and "Herons eat fish." in text
    assert "track()" not in text and "color" not in text
    assert qr._reg_dom("docs.example.co.uk") == "example.co.uk"
    assert qr._reg_dom("127.0.0.1:8080") == "127.0.0.1"


def test_split_tokens_overlaps_chunks() -> None:
    enc = qr._CharTokens()
    text = "".join(chr(ord("a") + i % 26) for i in range(30_000))
    chunks = qr._split_tokens(text, enc)
    assert [len(c) for c in chunks] == [15_000, 15_000, 400]
    assert chunks[0][-200:] == chunks[1][:200]


def test_long_text_is_truncated_then_summarised_once() -> None:
    with FakeLLMServer(default_reply="short") as llm:
        config = [{"model": "gpt-4o-mini", "api_key": "k", "base_url": llm.base_url}]
        summary = asyncio.run(qr._summarise_text_async(config, qr._encoding(), "word " * 20_000, "c", "m", "f"))
        assert len(llm.requests) == 1
    assert summary.startswith("short\n\n[Note: Summary based on first portion of content")


def test_chunks_are_summarised_then_merged(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(qr, "MAX_CHUNK_TOKENS", 50)
    monkeypatch.setattr(qr, "OVERLAP_TOKENS", 10)
    with FakeLLMServer(lambda r: r.messages[0]["content"]) as llm:
        config = [{"model": "gpt-4o-mini", "api_key": "k", "base_url": llm.base_url}]
        summary = asyncio.run(qr._summarise_text_async(config, qr._CharTokens(), "x" * 130, "chunk", "merge", "full"))
        prompts = [r.messages[0]["content"] for r in llm.requests]
    assert summary == "merge"
    # 130 tokens in chunks of 50 overlapping by 10: they start at 0, 40, 80 and 120
    assert sorted(prompts) == ["chunk", "chunk", "chunk", "chunk", "merge"]
    merged_input = next(r for r in llm.requests if r.messages[0]["content"] == "merge").messages[-1]["content"]
    assert merged_input == "chunk\n\nchunk\n\nchunk\n\nchunk"


def test_a_page_that_never_answers_gives_no_content(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(qr, "CRAWL_TIMEOUT", 0.3)
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen()
    try:
        url = f"http://127.0.0.1:{silent.getsockname()[1]}/slow"
        page = asyncio.run(qr._crawl_and_summarise(url, [], qr._CharTokens()))
    finally:
        silent.close()
    assert page["url"] == url and page["page_content"] is None


def test_summary_failure_drops_the_source(web) -> None:
    site, _ = web
    with FakeLLMServer(lambda r: "" if "Egrets" in r.messages[-1]["content"] else "ok") as llm:
        result = json.loads(asyncio.run(_tool(llm)(queries=["birds"])))
    assert [s["url"] for s in result[0]["sources"]] == [site.url("/herons")]
