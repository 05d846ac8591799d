"""TinyFish tools on the real ``tinyfish`` client, pointed (base_url) at a local server that answers as the
TinyFish API does: ``POST /v1/automation/run``, ``GET /v1/search``, ``POST /v1/fetch``. No network."""

from __future__ import annotations

import os

import pytest
from _web_fakes import ApiCall, FakeJsonApi

from autogen import AssistantAgent, UserProxyAgent
from autogen.testing import FakeLLMServer, tool_call
from autogen.tools.experimental import TinyFishFetchTool, TinyFishSearchTool, TinyFishTool
from autogen.tools.experimental.tinyfish import tinyfish_tool

pytest.importorskip("tinyfish", reason="needs the tinyfish extra")

SEEN_INTEGRATION: list[str | None] = []


def agent_run(call: ApiCall):
    SEEN_INTEGRATION.append(call.body.get("api_integration"))
    if "missing" in call.body["url"]:
        error = {"message": "Page not found", "category": "AGENT_FAILURE", "code": "NOT_FOUND"}
        return 200, {"status": "FAILED", "run_id": "r2", "result": None, "error": error, "num_of_steps": 1}
    result = {"company": "Acme", "goal": call.body["goal"]}
    return 200, {"status": "COMPLETED", "run_id": "r1", "result": result, "error": None, "num_of_steps": 3}


def search(call: ApiCall):
    hits = [
        {"position": 1, "site_name": "ag2.ai", "title": "AG2", "snippet": "Agents.", "url": "https://ag2.ai"},
        {
            "position": 2,
            "site_name": "github.com",
            "title": "ag2 repo",
            "snippet": "Code.",
            "url": "https://github.com/ag2ai/ag2",
        },
    ]
    return 200, {"query": call.query["query"], "results": hits, "total_results": 2, "page": 0}


def fetch(call: ApiCall):
    results = [
        {
            "url": u,
            "final_url": u + "/",
            "title": "Example",
            "text": "# Example",
            "format": call.body.get("format", "markdown"),
            "links": ["https://example.org/a"] if call.body.get("links") else [],
        }
        for u in call.body["urls"]
        if "broken" not in u
    ]
    errors = [{"url": u, "error": "DNS failure"} for u in call.body["urls"] if "broken" in u]
    return 200, {"results": results, "errors": errors}


@pytest.fixture
def api(monkeypatch):
    SEEN_INTEGRATION.clear()
    routes = {"POST /v1/automation/run": agent_run, "GET /v1/search": search, "POST /v1/fetch": fetch}
    with FakeJsonApi(routes) as server:
        monkeypatch.setattr(tinyfish_tool, "_base_url", server.url)
        monkeypatch.delenv("TF_API_INTEGRATION", raising=False)
        yield server


def test_scrape_returns_what_the_agent_extracted(api):
    tool = TinyFishTool(tinyfish_api_key="tf-key")
    result = tool(url="https://acme.example", goal="company name")
    assert result == {
        "url": "https://acme.example",
        "goal": "company name",
        "data": {"company": "Acme", "goal": "company name"},
    }
    call = api.calls[0]
    assert call.headers["x-api-key"] == "tf-key"
    assert SEEN_INTEGRATION == ["ag2"]  # runs are tagged as coming from ag2 ...
    assert "TF_API_INTEGRATION" not in os.environ  # ... without leaving the variable behind


def test_a_failed_run_comes_back_as_an_error_result(api):
    result = TinyFishTool(tinyfish_api_key="k")(url="https://missing.example", goal="x")
    assert result["data"]["status"] == "error"
    assert result["data"]["error"]["message"] == "Page not found"


def test_an_unreachable_service_is_an_error_in_the_result(api, monkeypatch):
    monkeypatch.setattr(tinyfish_tool, "_base_url", "http://127.0.0.1:9")  # nothing listens there
    monkeypatch.setattr(tinyfish_tool, "TinyFish", None)
    result = TinyFishSearchTool(tinyfish_api_key="k")(query="AG2")
    assert result["results"] == [] and result["total_results"] == 0 and result["error"]


def test_search_returns_ranked_results(api):
    result = TinyFishSearchTool(tinyfish_api_key="k")(query="AG2", location="US", language="en")
    assert result["query"] == "AG2" and result["total_results"] == 2
    assert result["results"][0] == {
        "position": 1,
        "site_name": "ag2.ai",
        "title": "AG2",
        "snippet": "Agents.",
        "url": "https://ag2.ai",
    }
    assert (api.calls[0].query["location"], api.calls[0].query["language"]) == ("US", "en")


def test_fetch_returns_pages_and_per_url_errors(api):
    tool = TinyFishFetchTool(tinyfish_api_key="k")
    result = tool(urls=["https://example.org", "https://broken.example"], format="markdown", links=True)
    assert [p["url"] for p in result["results"]] == ["https://example.org"]
    page = result["results"][0]
    assert (page["text"], page["links"], page["image_links"]) == ("# Example", ["https://example.org/a"], [])
    assert result["errors"] == [{"url": "https://broken.example", "error": "DNS failure"}]


def test_fetch_refuses_other_schemes_without_calling_the_api(api):
    result = TinyFishFetchTool(tinyfish_api_key="k")(urls=["file:///etc/passwd", "https://example.org"])
    assert result == {
        "results": [],
        "errors": [{"url": "file:///etc/passwd", "error": "Only http/https URLs are supported."}],
    }
    assert api.calls == []


def test_the_key_comes_from_the_argument_or_the_environment(monkeypatch):
    monkeypatch.delenv("TINYFISH_API_KEY", raising=False)
    with pytest.raises(ValueError, match="tinyfish_api_key must be provided"):
        TinyFishTool()
    monkeypatch.setenv("TINYFISH_API_KEY", "from-env")
    assert TinyFishSearchTool().tinyfish_api_key == "from-env"


def test_an_agent_calls_the_search_tool(api):
    tool = TinyFishSearchTool(tinyfish_api_key="k")
    script = [{"tool_calls": [tool_call("tinyfish_search", {"query": "AG2"})]}, "AG2 is at ag2.ai."]
    with FakeLLMServer(script) as llm:
        assistant = AssistantAgent("assistant", llm_config=llm.llm_config)
        user = UserProxyAgent("user", human_input_mode="NEVER", code_execution_config=False)
        tool.register_for_llm(assistant)
        tool.register_for_execution(user)
        user.initiate_chat(assistant, message="Find AG2", max_turns=2)
        tool_message = llm.requests[1].messages[-1]
    assert tool_message["role"] == "tool" and "https://ag2.ai" in tool_message["content"]
    # the key is injected, never shown to the model
    assert "tinyfish_api_key" not in str(llm.requests[0].body["tools"])
