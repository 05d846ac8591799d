"""WikipediaAgent: its prompt and tools, and a chat in which its (scripted) model reads a local MediaWiki API
through the real wikipedia-api client (test/_web_fakes.py). No network."""

from __future__ import annotations

import pytest
from _web_fakes import FakeMediaWiki

from autogen.agents.experimental import WikipediaAgent
from autogen.testing import FakeLLMServer, tool_call
from autogen.tools.experimental import WikipediaPageLoadTool, WikipediaQueryRunTool
from autogen.tools.experimental.wikipedia.wikipedia import WikipediaClient

pytest.importorskip("wikipediaapi", reason="needs the wikipedia extra")

LLM = {"config_list": [{"model": "m", "api_key": "k", "base_url": "http://127.0.0.1:9/v1"}]}


def test_it_offers_both_wikipedia_tools_to_its_model():
    agent = WikipediaAgent(name="wiki", llm_config=LLM, language="fr", top_k=4)
    assert agent.system_message == WikipediaAgent.DEFAULT_SYSTEM_MESSAGE
    assert {t.name for t in agent.tools} == {"wikipedia-query-run", "wikipedia-page-load"}
    assert {t["function"]["name"] for t in agent.llm_config["tools"]} == {"wikipedia-query-run", "wikipedia-page-load"}
    query, load = agent._query_run_tool, agent._page_load_tool
    assert isinstance(query, WikipediaQueryRunTool) and isinstance(load, WikipediaPageLoadTool)
    assert (query.language, query.top_k, load.top_k) == ("fr", 4, 4)
    assert query.wiki_cli.base_url == "https://fr.wikipedia.org/w/api.php"
    assert WikipediaAgent(name="w2", llm_config=LLM)._query_run_tool.top_k == 2


def test_format_instructions_are_appended_to_the_system_message():
    agent = WikipediaAgent(name="wiki", llm_config=LLM, format_instructions="Bullet points.")
    assert agent.system_message == WikipediaAgent.DEFAULT_SYSTEM_MESSAGE + "\n\nFollow this format:\n\nBullet points."
    own = WikipediaAgent(name="w2", llm_config=LLM, system_message="Be brief.", format_instructions="One line.")
    assert own.system_message == "Be brief.\n\nFollow this format:\n\nOne line."
    with pytest.raises(ValueError, match="system_message must be str or list"):
        WikipediaAgent(name="w3", llm_config=LLM, system_message=42, format_instructions="x")  # type: ignore[arg-type]
    assert WikipediaAgent(name="w4", llm_config=LLM, description="an agent").description == "an agent"


def test_in_a_run_its_model_reads_a_page_and_answers():
    pages = {"Mount Everest": "Mount Everest is Earth's highest mountain above sea level, at 8,849 metres."}
    script = [
        {"tool_calls": [tool_call("wikipedia-page-load", {"query": "Mount Everest height"}, id="p1")]},
        "Mount Everest is 8,849 metres high.",
    ]
    with FakeMediaWiki(pages) as wiki, FakeLLMServer(script) as llm:
        agent = WikipediaAgent(name="wiki", llm_config=llm.llm_config)
        for tool in (agent._query_run_tool, agent._page_load_tool):
            tool.wiki_cli = WikipediaClient("en", tool.tool_name, base_url=wiki.api_url)
        response = agent.run(message="How high is Mount Everest?", tools=agent.tools, max_turns=2, user_input=False)
        response.process()
        first, second = llm.requests
    assert first.messages[0] == {"role": "system", "content": WikipediaAgent.DEFAULT_SYSTEM_MESSAGE}
    result = second.messages[-1]
    assert result["role"] == "tool" and result["tool_call_id"] == "p1"
    # the Documents as the original serialises them (their dicts through str())
    assert result["content"] == str(
        [
            {
                "page_content": pages["Mount Everest"],
                "metadata": {
                    "source": "https://en.wikipedia.org/?curid=100",
                    "title": "Mount Everest",
                    "pageid": "100",
                    "timestamp": "2024-05-01T12:00:00Z",
                    "wordcount": str(len(pages["Mount Everest"].split())),
                    "size": str(len(pages["Mount Everest"])),
                },
            }
        ]
    )
    assert wiki.requests[0]["srsearch"] == "Mount Everest height"
    assert response.summary == "Mount Everest is 8,849 metres high."
