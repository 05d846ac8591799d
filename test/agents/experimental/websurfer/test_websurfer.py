"""WebSurferAgent: tool wiring by ``web_tool``; the Perplexity tool runs for real against a local HTTP server
playing Perplexity's API; tools whose package is not installed fail with the extra to install."""

from __future__ import annotations

import http.server
import importlib.util
import json
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from _web_fakes import FakeJsonApi

from autogen import UserProxyAgent
from autogen.agents.experimental import WebSurferAgent
from autogen.import_utils import OptionalDependencyError
from autogen.testing import FakeLLMServer, tool_call

CONFIG = {"config_list": [{"model": "m", "api_key": "k"}]}


@pytest.fixture
def perplexity_api() -> Iterator[tuple[str, list[dict[str, Any]]]]:
    """A local HTTP server answering like Perplexity's chat completions: (url, received bodies)."""
    received: list[dict[str, Any]] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            received.append(body)
            answer = {
                "id": "1",
                "model": body["model"],
                "created": 0,
                "object": "chat.completion",
                "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2, "search_context_size": "high"},
                "citations": ["https://docs.example.org/home"],
                "choices": [
                    {
                        "index": 0,
                        "finish_reason": "stop",
                        "message": {"role": "assistant", "content": "AG2 is an agent OS."},
                    }
                ],
            }
            data = json.dumps(answer).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/chat/completions", received
    finally:
        server.shutdown()
        server.server_close()


def test_search_tool_end_to_end(perplexity_api: tuple[str, list[dict[str, Any]]]) -> None:
    url, received = perplexity_api

    def reply(request: Any) -> Any:
        if request.messages[-1]["role"] == "tool":
            return "Found: " + request.messages[-1]["content"]
        return {"tool_calls": [tool_call("perplexity-search", {"query": "What is AG2?"})]}

    with FakeLLMServer(reply) as server:
        surfer = WebSurferAgent(
            name="WebSurfer", llm_config=server.llm_config, web_tool="perplexity", web_tool_kwargs={"api_key": "pk"}
        )
        surfer.tool.url = url  # Perplexity's address, pointed at the local server
        assert [t["function"]["name"] for t in surfer.llm_config["tools"]] == ["perplexity-search"]
        assert surfer.tools == [surfer.tool]
        user = UserProxyAgent(name="user_proxy", human_input_mode="NEVER", code_execution_config=False)
        for tool in surfer.tools:
            tool.register_for_execution(user)
        result = user.initiate_chat(surfer, message="Get info about AG2", max_turns=2)

    assert received[0]["messages"][-1] == {"role": "user", "content": "What is AG2?"}
    calls = [m for m in result.chat_history if m.get("tool_calls")]
    assert calls[0]["tool_calls"][0]["function"]["name"] == "perplexity-search"
    last = result.chat_history[-1]["content"]
    assert last.startswith("Found: ") and "AG2 is an agent OS." in last and "https://docs.example.org/home" in last


@pytest.mark.skipif(importlib.util.find_spec("browser_use") is not None, reason="browser-use is installed")
def test_default_browser_tool_names_its_extra() -> None:
    with pytest.raises(OptionalDependencyError, match=r'pip install "ag2\[browser-use\]"'):
        WebSurferAgent(name="WebSurfer", llm_config=CONFIG)


@pytest.mark.skipif(importlib.util.find_spec("crawl4ai") is not None, reason="crawl4ai is installed")
def test_crawler_tool_names_its_extra() -> None:
    with pytest.raises(OptionalDependencyError, match=r'pip install "ag2\[crawl4ai\]"'):
        WebSurferAgent(name="WebSurfer", llm_config=CONFIG, web_tool="crawl4ai")


def test_unknown_and_unavailable_tools(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PERPLEXITY_API_KEY", raising=False)
    with pytest.raises(ValueError, match="Unsupported web_tool='gopher'"):
        WebSurferAgent(name="WebSurfer", llm_config=CONFIG, web_tool="gopher")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="API key"):  # the tool's own check: its kwargs reach it
        WebSurferAgent(name="WebSurfer", llm_config=CONFIG, web_tool="perplexity")


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # both tools are deprecated in ag2 0.13
def test_searxng_and_firecrawl_tools() -> None:
    hits = [{"title": "AG2", "url": "https://ag2.ai", "content": "Agents."}]
    with FakeJsonApi({"GET /search": lambda call: (200, {"query": call.query["q"], "results": hits})}) as searx:
        surfer = WebSurferAgent(
            name="WebSurfer",
            llm_config=CONFIG,
            web_tool="searxng",
            web_tool_kwargs={"base_url": f"{searx.url}/search"},
        )
        assert [t["function"]["name"] for t in surfer.llm_config["tools"]] == ["searxng_search"]
        assert surfer.tool(query="ag2") == [{"title": "AG2", "link": "https://ag2.ai", "snippet": "Agents."}]
    surfer = WebSurferAgent(
        name="WebSurfer",
        llm_config=CONFIG,
        web_tool="firecrawl",
        web_tool_kwargs={"firecrawl_api_key": "fc", "firecrawl_api_url": "http://127.0.0.1:9"},
    )
    assert surfer.tool.name == "firecrawl_scrape" and surfer.tool.firecrawl_api_url == "http://127.0.0.1:9"
