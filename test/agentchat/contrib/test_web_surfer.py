"""The legacy WebSurferAgent browsing a local website with a fake LLM (real HTTP both ways, no network)."""

import json
import warnings

import pytest

pytest.importorskip("markdownify")
pytest.importorskip("bs4")

from _local_site import LocalSite

from autogen import UserProxyAgent
from autogen.agentchat.contrib.web_surfer import WebSurferAgent
from autogen.testing import FakeLLMServer, tool_call

LONG = (
    "<html><head><title>Herons</title></head><body>"
    + "".join(f"<p>Fact {i}: herons stand still in shallow water and wait for fish.</p>" for i in range(120))
    + "</body></html>"
)


@pytest.fixture
def site():
    pages = {
        "/herons": ("text/html", LONG.encode()),
        "/egrets": (
            "text/html",
            b"<html><head><title>Egrets</title></head><body><p>Egrets are white.</p></body></html>",
        ),
    }
    with LocalSite(pages) as s:
        bing = {"webPages": {"value": [{"name": "Egrets", "url": s.url("/egrets"), "snippet": "White herons."}]}}
        s.routes["/bing"] = ("application/json", json.dumps(bing).encode())
        yield s


def _surfer(llm_config, **kwargs) -> WebSurferAgent:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return WebSurferAgent("surfer", llm_config=llm_config, **kwargs)


def test_construction_warns_deprecated() -> None:
    with pytest.warns(DeprecationWarning, match="autogen.agents.experimental.WebSurferAgent"):
        WebSurferAgent("surfer", llm_config=False)


def test_browsing_tools_report_address_title_and_viewport(site: LocalSite) -> None:
    with FakeLLMServer() as server:
        surfer = _surfer(server.llm_config, browser_config={"viewport_size": 1024})
        tools = surfer._user_proxy._function_map
        text = tools["visit_page"](site.url("/herons"))
        assert text.startswith(f"Address: {site.url('/herons')}\nTitle: Herons\nViewport position: Showing page 1 of ")
        total = len(surfer.browser.viewport_pages)
        assert total > 2 and "=======================\nHerons\n\nFact 0:" in text
        assert f"Showing page 2 of {total}." in tools["page_down"]()
        assert f"Showing page 1 of {total}." in tools["page_up"]()
        assert f"Showing page 1 of {total}." in tools["page_up"]()
        for _ in range(total + 1):
            last = tools["page_down"]()
        assert f"Showing page {total} of {total}." in last
        with pytest.raises(ValueError, match="Missing Bing API key."):
            tools["informational_web_search"]("herons")
        with pytest.raises(ValueError, match="Missing Bing API key."):
            tools["navigational_web_search"]("herons")
        # the tools are offered to the inner assistant's LLM
        names = {t["function"]["name"] for t in surfer._assistant.llm_config["tools"]}
        assert names == {
            "informational_web_search",
            "navigational_web_search",
            "visit_page",
            "page_up",
            "page_down",
            "answer_from_page",
            "summarize_page",
        }


def test_searches_through_bing_endpoint(site: LocalSite) -> None:
    with FakeLLMServer() as server:
        surfer = _surfer(server.llm_config, browser_config={"bing_base_url": site.url("/bing"), "bing_api_key": "key"})
        tools = surfer._user_proxy._function_map
        results = tools["informational_web_search"]("white herons")
        assert "Title: white herons - Search" in results and f"1. [Egrets]({site.url('/egrets')})" in results
        landed = tools["navigational_web_search"]("egret")
        assert landed.startswith(f"Address: {site.url('/egrets')}\nTitle: Egrets") and "Egrets are white." in landed


def test_answer_from_page_asks_the_summarizer(site: LocalSite) -> None:
    with FakeLLMServer(["They eat fish."]) as server:
        surfer = _surfer(server.llm_config)
        tools = surfer._user_proxy._function_map
        assert tools["answer_from_page"]("What do herons eat?", url=site.url("/herons")) == "They eat fish."
        sent = server.requests[0].messages
        assert sent[0]["role"] == "system"
        assert sent[1]["content"].startswith(
            "Please summarize the following into one or two paragraphs with respect to 'What do herons eat?':"
        )
        assert "Fact 0: herons stand still" in sent[1]["content"]
        assert surfer.browser.address == site.url("/herons")


def test_summarize_page_and_empty_page(site: LocalSite) -> None:
    with FakeLLMServer(["A page about herons."]) as server:
        surfer = _surfer(server.llm_config)
        tools = surfer._user_proxy._function_map
        assert tools["summarize_page"]() == "Nothing to summarize."  # about:blank
        assert tools["summarize_page"](url=site.url("/herons")) == "A page about herons."
        assert (
            server.requests[0]
            .messages[1]["content"]
            .startswith("Please summarize the following into one or two paragraph:\n\n")
        )


def test_without_summarizer_or_llm_fewer_tools() -> None:
    with FakeLLMServer() as server:
        no_summary = _surfer(server.llm_config, summarizer_llm_config=False)
        assert no_summary.summarization_client is None
        assert "answer_from_page" not in no_summary._user_proxy._function_map
        assert "visit_page" in no_summary._user_proxy._function_map
    no_llm = _surfer(False)
    assert no_llm._user_proxy._function_map == {} and no_llm.summarization_client is None


def test_summarizer_prefers_a_long_context_model() -> None:
    config = {"config_list": [{"model": "gpt-4o", "api_key": "k"}, {"model": "gpt-3.5-turbo-16k", "api_key": "k"}]}
    surfer = _surfer(config)
    assert [c["model"] for c in surfer.summarizer_llm_config["config_list"]] == ["gpt-3.5-turbo-16k"]
    only_4o = _surfer({"config_list": [{"model": "gpt-4o", "api_key": "k"}]})
    assert [c["model"] for c in only_4o.summarizer_llm_config["config_list"]] == ["gpt-4o"]


def test_chat_reply_is_the_tool_output_or_the_answer(site: LocalSite) -> None:
    replies = [
        {"tool_calls": [tool_call("visit_page", {"url": site.url("/egrets")})]},
        "Egrets are white herons.",
    ]
    with FakeLLMServer(replies) as server:
        surfer = _surfer(server.llm_config)
        user = UserProxyAgent("user", human_input_mode="NEVER", code_execution_config=False)
        first = user.initiate_chat(surfer, message="Open the egret page", max_turns=1, silent=True)
        assert first.chat_history[-1]["content"].startswith(f"Address: {site.url('/egrets')}\nTitle: Egrets")
        second = user.initiate_chat(surfer, message="What colour are they?", max_turns=1, silent=True)
        assert second.chat_history[-1]["content"] == "Egrets are white herons."
        # the inner assistant is told where the browser is, then sees the request
        request = server.requests[1].messages
        assert (
            request[-2]["content"]
            == f"Your browser is currently open to the page 'Egrets' at the address '{site.url('/egrets')}'."
        )
        assert request[-1]["content"] == "What colour are they?"
