"""SlackAgent, DiscordAgent, TelegramAgent. Their client packages (slack_sdk, discord, telethon) are not
installed here and this project does not implement the platform clients yet, so building an agent fails
with the ImportError naming its extra, as in ag2; the system message is checked through its parts."""

from __future__ import annotations

import importlib.util

import pytest

from autogen import ConversableAgent
from autogen.agents import experimental
from autogen.agents.experimental import DiscordAgent, SlackAgent, TelegramAgent
from autogen.agents.experimental._platform import offer_tools, platform_system_message
from autogen.testing import FakeLLMServer, tool_call
from autogen.tools import Tool

AGENTS = [
    (SlackAgent, {"bot_token": "xoxb-1", "channel_id": "C1"}, "slack_sdk", "commsagent-slack"),
    (DiscordAgent, {"bot_token": "b", "channel_name": "general", "guild_name": "g"}, "discord", "commsagent-discord"),
    (TelegramAgent, {"api_id": "1", "api_hash": "h", "chat_id": "-100"}, "telethon", "commsagent-telegram"),
]


def test_exported_from_agents_experimental() -> None:
    for name in ("SlackAgent", "DiscordAgent", "TelegramAgent"):
        assert name in experimental.__all__ and name in dir(experimental)
        cls = getattr(experimental, name)
        assert issubclass(cls, ConversableAgent)
        platform = name[: -len("Agent")].lower()
        assert cls.__module__ == f"autogen.agents.experimental.{platform}.{platform}"


@pytest.mark.parametrize(("cls", "settings", "module", "extra"), AGENTS)
def test_building_without_the_client_package_names_the_extra(cls, settings, module, extra) -> None:
    if importlib.util.find_spec(module) is not None:
        pytest.skip(f"{module} is installed")
    with pytest.raises(ImportError, match=rf'pip install "ag2\[{extra}\]"'):
        cls("platform_agent", **settings)


@pytest.mark.parametrize(("cls", "settings", "module", "extra"), AGENTS)
def test_settings_are_keyword_only(cls, settings, module, extra) -> None:
    with pytest.raises(TypeError):
        cls("platform_agent", None, *settings.values())


@pytest.mark.parametrize("cls", [SlackAgent, DiscordAgent, TelegramAgent])
def test_system_message_parts(cls) -> None:
    platform = cls.__name__[: -len("Agent")]
    assert cls.DEFAULT_SYSTEM_MESSAGE.startswith(
        f"You are a helpful AI assistant that communicates through {platform}."
    )
    guidelines = cls._GUIDELINES
    assert guidelines.startswith(f"\nFormat guidelines for {platform}:\n")
    assert platform_system_message(None, cls.DEFAULT_SYSTEM_MESSAGE, guidelines, True) == (
        cls.DEFAULT_SYSTEM_MESSAGE + guidelines
    )
    assert (
        platform_system_message("Be brief.", cls.DEFAULT_SYSTEM_MESSAGE, guidelines, True) == "Be brief." + guidelines
    )
    assert platform_system_message("", cls.DEFAULT_SYSTEM_MESSAGE, guidelines, False) == cls.DEFAULT_SYSTEM_MESSAGE


def test_message_length_limits_told_to_the_model() -> None:
    assert "40,000 characters" in SlackAgent._GUIDELINES
    assert "2000 characters" in DiscordAgent._GUIDELINES
    assert "4096 characters" in TelegramAgent._GUIDELINES


def test_offered_tools_reach_the_model_and_its_calls_run() -> None:
    # the agents' own registration step, with a local tool standing in for the platform's send tool
    sent: list[str] = []

    def post(message: str) -> str:
        sent.append(message)
        return "Message sent successfully"

    script = [{"tool_calls": [tool_call("slack_send", {"message": "*hi*"}, id="s1")]}, "Posted."]
    with FakeLLMServer(script) as llm:
        agent = ConversableAgent("poster", llm_config=llm.llm_config)
        tool = Tool(name="slack_send", description="Sends a message to a Slack channel.", func_or_tool=post)
        offer_tools(agent, [tool])
        assert [t.name for t in agent.tools] == ["slack_send"]
        response = agent.run(message="Say hi on Slack.", tools=agent.tools, max_turns=2, user_input=False)
        response.process()
        first, second = llm.requests
    offered = first.body["tools"]
    assert [t["function"]["name"] for t in offered] == ["slack_send"]
    assert offered[0]["function"]["parameters"]["required"] == ["message"]
    assert sent == ["*hi*"]
    assert second.messages[-1]["content"] == "Message sent successfully"
    assert response.summary == "Posted."
