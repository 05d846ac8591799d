"""WebSearchPreviewTool on the real openai client against the fake LLM server's Responses API
(``autogen.testing.FakeLLMServer(dialect="responses")``). No network."""

from __future__ import annotations

import json

import pytest
from pydantic import BaseModel

from autogen.testing import FakeLLMServer

pytest.importorskip("openai", reason="needs the openai extra")
pytestmark = pytest.mark.filterwarnings("ignore:WebSearchPreviewTool is deprecated:DeprecationWarning")


def make_tool(server: FakeLLMServer, model: str = "gpt-4.1", **kwargs):
    from autogen.tools.experimental import WebSearchPreviewTool

    entry = {"model": model, "api_key": "sk-test", "base_url": server.base_url}
    return WebSearchPreviewTool(
        llm_config={"config_list": [{"model": "claude-x", "api_type": "anthropic"}, entry]}, **kwargs
    )


def test_the_answer_text_comes_back_and_the_hosted_tool_is_asked_for():
    with FakeLLMServer(["Alexander-Arnold joined Real Madrid."], dialect="responses") as server:
        tool = make_tool(server, user_location={"city": "London", "country": "GB"}, instructions="Be brief.")
        assert tool.name == "web_search_preview"
        assert tool(query="latest on Alexander-Arnold") == "Alexander-Arnold joined Real Madrid."
        body = server.requests[0].body
    assert body["model"] == "gpt-4.1" and body["input"] == "latest on Alexander-Arnold"
    assert body["instructions"] == "Be brief."
    assert body["tools"] == [
        {
            "type": "web_search_preview",
            "search_context_size": "medium",
            "user_location": {"type": "approximate", "city": "London", "country": "GB"},
        }
    ]


class Transfer(BaseModel):
    player: str
    club: str


def test_a_text_format_parses_the_answer():
    answer = json.dumps({"player": "Alexander-Arnold", "club": "Real Madrid"})
    with FakeLLMServer([answer], dialect="responses") as server:
        tool = make_tool(server, text_format=Transfer, search_context_size="high")
        assert tool(query="transfer?") == Transfer(player="Alexander-Arnold", club="Real Madrid")
        body = server.requests[0].body
    assert body["text"]["format"]["type"] == "json_schema" and body["tools"][0]["search_context_size"] == "high"


def test_only_openai_gpt4_models_are_accepted(caplog):
    from autogen.tools.experimental import WebSearchPreviewTool

    with pytest.raises(ValueError, match="No OpenAI model starting with 'gpt-4'"):
        WebSearchPreviewTool(llm_config={"config_list": [{"model": "gpt-3.5-turbo", "api_key": "k"}]})
    with pytest.raises(ValueError, match="must contain 'config_list'"):
        WebSearchPreviewTool(llm_config={"model": "gpt-4.1"})
    tool = WebSearchPreviewTool(llm_config={"config_list": [{"model": "gpt-4o", "api_key": "k"}]})
    assert tool.model == "gpt-4o" and "We recommend using a model starting with 'gpt-4.1'" in caplog.text
