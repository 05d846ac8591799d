"""Remote agents over real A2A: the agent is served by uvicorn in another process, its model a
FakeLLMServer in this one, and `A2aRemoteAgent` takes part in chats here."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from autogen import ConversableAgent
from autogen.a2a import A2aRemoteAgent, AgentCard, HttpxClientFactory
from autogen.a2a.errors import A2aAgentNotFoundError, A2aClientError
from autogen.agentchat import a_initiate_group_chat
from autogen.agentchat.group import AgentTarget, ContextVariables
from autogen.agentchat.group.patterns import DefaultPattern, RoundRobinPattern
from autogen.io.base import IOStream
from autogen.testing import FakeLLMServer, Fault, TestAgent, tool_call

pytestmark = pytest.mark.filterwarnings("ignore::ImportWarning")


class ScriptedHuman:
    """An IO stream whose human answers from a list and which records every event sent to it."""

    def __init__(self, *answers: str) -> None:
        self.answers = list(answers)
        self.prompts: list[str] = []
        self.events: list[Any] = []

    def print(self, *objects: Any, sep: str = " ", end: str = "\n", flush: bool = False) -> None:
        pass

    def send(self, message: Any) -> None:
        self.events.append(message)

    def input(self, prompt: str = "", *, password: bool = False) -> str:
        self.prompts.append(prompt)
        return self.answers.pop(0)

    def streamed_text(self) -> str:
        return "".join(e.content.content for e in self.events if getattr(e, "type", None) == "stream")


def chat_requests(llm: FakeLLMServer) -> list[Any]:
    return [r for r in llm.requests if r.path.endswith("/chat/completions")]


async def test_two_agent_chat_with_a_remote_agent(llm: FakeLLMServer, serve: Any) -> None:
    served = serve("plain")
    llm.add_replies("It is sunny in Paris.", "Tomorrow it rains.")
    remote = A2aRemoteAgent(url=served.url, name="weather")
    user = ConversableAgent("user", llm_config=False)

    with TestAgent(user, ["And tomorrow?"]):
        result = await user.a_initiate_chat(remote, message="Weather in Paris?", max_turns=2)

    assert [(m["name"], m["content"]) for m in result.chat_history] == [
        ("user", "Weather in Paris?"),
        ("weather", "It is sunny in Paris."),
        ("user", "And tomorrow?"),
        ("weather", "Tomorrow it rains."),
    ]
    # the served agent saw the whole conversation from its side, after its own system message
    second = chat_requests(llm)[1].messages
    assert second[0] == {"role": "system", "content": "You answer questions about the weather."}
    assert [(m["role"], m["content"]) for m in second[1:]] == [
        ("user", "Weather in Paris?"),
        ("assistant", "It is sunny in Paris."),
        ("user", "And tomorrow?"),
    ]
    # the card came from the server: name, description and streaming capability
    assert remote._agent_card is not None
    assert remote._agent_card.name == "weather"
    assert remote._agent_card.description == "Knows the weather."
    assert remote._agent_card.capabilities.streaming is True


def test_sync_chat_with_a_remote_agent(llm: FakeLLMServer, serve: Any) -> None:
    served = serve("plain")
    llm.add_replies("Hello from far away.")
    remote = A2aRemoteAgent(url=served.url, name="weather")
    user = ConversableAgent("user", llm_config=False)

    result = user.initiate_chat(remote, message="Hi!", max_turns=1)

    assert result.chat_history[-1]["content"] == "Hello from far away."


async def test_group_chat_with_one_remote_member(llm: FakeLLMServer, serve: Any) -> None:
    served = serve("plain")
    llm.add_replies("Remote: it is sunny.")
    remote = A2aRemoteAgent(url=served.url, name="weather")
    planner = ConversableAgent("planner", llm_config=False)
    writer = ConversableAgent("writer", llm_config=False)

    pattern = RoundRobinPattern(initial_agent=planner, agents=[planner, remote, writer])
    with TestAgent(planner, ["Let us ask about the weather."]), TestAgent(writer, ["Summary: sunny."]):
        result, _, last = await a_initiate_group_chat(pattern=pattern, messages="Plan a picnic.", max_rounds=4)

    assert [(m.get("name"), m["content"]) for m in result.chat_history] == [
        (None, "Plan a picnic."),
        ("planner", "Let us ask about the weather."),
        ("weather", "Remote: it is sunny."),
        ("writer", "Summary: sunny."),
    ]
    assert last.name == "writer"
    # the remote agent received the group's messages before its turn
    seen = [m["content"] for m in chat_requests(llm)[0].messages[1:]]
    assert seen == ["Plan a picnic.", "Let us ask about the weather."]


async def test_pattern_handoff_to_and_from_a_remote_agent(llm: FakeLLMServer, serve: Any) -> None:
    served = serve("plain")
    llm.add_replies("Remote answer.")
    remote = A2aRemoteAgent(url=served.url, name="weather")
    local = ConversableAgent("local", llm_config=False)
    pattern = DefaultPattern(initial_agent=local, agents=[local, remote])
    local.handoffs.set_after_work(AgentTarget(remote))
    remote.handoffs.set_after_work(AgentTarget(local))

    with TestAgent(local, ["Over to you.", "Thanks!"]):
        result, _, _ = await a_initiate_group_chat(pattern=pattern, messages="Go.", max_rounds=4)

    assert [m["content"] for m in result.chat_history] == ["Go.", "Over to you.", "Remote answer.", "Thanks!"]


async def test_remote_agent_runs_its_own_tools(llm: FakeLLMServer, serve: Any) -> None:
    served = serve("tools")
    llm.add_replies(
        {"content": None, "tool_calls": [tool_call("get_weather", {"city": "Oslo"}, id="call_1")]},
        "Oslo is sunny, 21 C.",
    )
    remote = A2aRemoteAgent(url=served.url, name="weather")
    user = ConversableAgent("user", llm_config=False)

    result = await user.a_initiate_chat(remote, message="Weather in Oslo?", max_turns=1)

    assert result.chat_history[-1]["content"] == "Oslo is sunny, 21 C."
    first, second = chat_requests(llm)
    assert {t["function"]["name"] for t in first.body["tools"]} == {"get_weather", "count_issues"}
    # the tool ran on the server and its result went back to the model there
    assert second.messages[-2]["tool_calls"][0]["function"]["name"] == "get_weather"
    assert second.messages[-1] == {"role": "tool", "tool_call_id": "call_1", "content": "Sunny in Oslo, 21 C"}
    # the local side only sees the final answer, not the remote tool exchange
    assert len(result.chat_history) == 2


async def test_remote_tool_updates_the_pattern_context_variables(llm: FakeLLMServer, serve: Any) -> None:
    served = serve("tools")
    llm.add_replies({"content": None, "tool_calls": [tool_call("count_issues", {})]}, "Counted.")
    remote = A2aRemoteAgent(url=served.url, name="weather")
    local = ConversableAgent("local", llm_config=False)
    pattern = RoundRobinPattern(
        initial_agent=local, agents=[local, remote], context_variables=ContextVariables({"issue_count": 2})
    )

    with TestAgent(local, ["Count it."]):
        result, context, _ = await a_initiate_group_chat(pattern=pattern, messages="Start.", max_rounds=3)

    assert result.chat_history[-1]["content"] == "Counted."
    assert context.get("issue_count") == 3


async def test_client_side_tool_is_handed_back_to_the_caller(llm: FakeLLMServer, serve: Any) -> None:
    """A tool registered on the remote agent here is offered to the served model; its call comes back."""
    served = serve("plain")
    llm.add_replies({"content": None, "tool_calls": [tool_call("local_clock", {}, id="call_clock")]})
    remote = A2aRemoteAgent(url=served.url, name="weather")

    @remote.register_for_llm(description="The local time.")
    def local_clock() -> str:
        return "12:00"

    _, reply = await remote.a_generate_remote_reply([{"content": "What time is it here?", "role": "user"}])

    assert reply is not None
    assert reply["tool_calls"][0]["function"]["name"] == "local_clock"
    assert [t["function"]["name"] for t in chat_requests(llm)[0].body["tools"]] == ["local_clock"]


async def test_streamed_text_reaches_the_local_io_stream(llm: FakeLLMServer, serve: Any) -> None:
    served = serve("plain", "--stream")
    llm.add_replies("A fairly long streamed answer about the weather.")
    remote = A2aRemoteAgent(url=served.url, name="weather")
    stream = ScriptedHuman()

    with IOStream.set_default(stream):
        _, reply = await remote.a_generate_remote_reply([{"content": "Weather?", "role": "user"}])

    assert reply is not None
    assert reply["content"] == "A fairly long streamed answer about the weather."
    assert stream.streamed_text() == "A fairly long streamed answer about the weather."
    assert chat_requests(llm)[0].body["stream"] is True


async def test_polling_when_the_server_does_not_stream(llm: FakeLLMServer, serve: Any) -> None:
    served = serve("plain", "--polling")
    llm.add_replies("Polled answer.")
    remote = A2aRemoteAgent(url=served.url, name="weather", polling_interval=0.05)

    _, reply = await remote.a_generate_remote_reply([{"content": "Weather?", "role": "user"}])

    assert remote._agent_card is not None and remote._agent_card.capabilities.streaming is False
    assert reply is not None and reply["content"] == "Polled answer."


async def test_remote_human_input_is_asked_here(llm: FakeLLMServer, serve: Any) -> None:
    served = serve("human")
    llm.add_replies("Noted: you like rain.")
    remote = A2aRemoteAgent(url=served.url, name="weather")
    user = ConversableAgent("user", llm_config=False)
    human = ScriptedHuman("I like rain.", "")

    with IOStream.set_default(human):
        result = await user.a_initiate_chat(remote, message="Hi!", max_turns=1)

    assert "Input for `weather`" in human.prompts[0]
    assert "Provide feedback" in human.prompts[0]
    assert result.chat_history[-1]["content"] == "Noted: you like rain."
    # the served model saw the human's words as the last user message
    assert chat_requests(llm)[0].messages[-1]["content"] == "I like rain."


async def test_remote_human_exit_ends_the_reply(llm: FakeLLMServer, serve: Any) -> None:
    served = serve("human")
    remote = A2aRemoteAgent(url=served.url, name="weather")
    user = ConversableAgent("user", llm_config=False)

    with IOStream.set_default(ScriptedHuman("exit")):
        result = await user.a_initiate_chat(remote, message="Hi!", max_turns=1)

    assert [m["content"] for m in result.chat_history] == ["Hi!"]
    assert chat_requests(llm) == []


async def test_the_server_restarts_between_turns(llm: FakeLLMServer, serve: Any) -> None:
    served = serve("plain")
    llm.add_replies("First answer.", "Second answer.")
    remote = A2aRemoteAgent(url=served.url, name="weather")
    user = ConversableAgent("user", llm_config=False)

    async def restart(recipient: Any, messages: Any = None, sender: Any = None, config: Any = None) -> Any:
        served.kill()
        await asyncio.to_thread(served.start)
        return True, "Still there?"

    user.register_reply([A2aRemoteAgent], restart, position=0)
    result = await user.a_initiate_chat(remote, message="Hello?", max_turns=2)

    assert [m["content"] for m in result.chat_history] == ["Hello?", "First answer.", "Still there?", "Second answer."]


async def test_the_server_restarts_during_a_reply(llm: FakeLLMServer, serve: Any) -> None:
    """The served process dies while its model is thinking; once it is back, the request is sent again."""
    served = serve("plain")
    llm.add_replies(Fault.slow(3.0, then="Lost with the old process."), "Answer after the restart.")
    remote = A2aRemoteAgent(url=served.url, name="weather", polling_interval=0.3, max_reconnects=10)

    async def kill_and_restart() -> None:
        while not chat_requests(llm):  # the model got the request: the task is running
            await asyncio.sleep(0.01)
        served.kill()
        await asyncio.to_thread(served.start)

    (_, reply), _ = await asyncio.gather(
        remote.a_generate_remote_reply([{"content": "Weather?", "role": "user"}]), kill_and_restart()
    )

    assert reply is not None and reply["content"] == "Answer after the restart."
    assert [r.messages[-1]["content"] for r in chat_requests(llm)] == ["Weather?", "Weather?"]


async def test_unreachable_server(unused_url: str) -> None:
    remote = A2aRemoteAgent(url=unused_url, name="nobody")
    with pytest.raises(A2aAgentNotFoundError):
        await remote.a_generate_remote_reply([{"content": "Hi", "role": "user"}])


async def test_from_card_uses_the_card_without_fetching(llm: FakeLLMServer, serve: Any) -> None:
    served = serve("plain")
    llm.add_replies("From a known card.")
    card = await A2aRemoteAgent(url=served.url, name="probe")._get_agent_card()
    assert isinstance(card, AgentCard)

    remote = A2aRemoteAgent.from_card(card, client=HttpxClientFactory(timeout=10))
    _, reply = await remote.a_generate_remote_reply([{"content": "Hi", "role": "user"}])

    assert remote.url == "UNKNOWN" and remote.name == "weather"
    assert reply is not None and reply["content"] == "From a known card."


async def test_a_failing_model_fails_the_task(llm: FakeLLMServer, serve: Any) -> None:
    served = serve("plain")
    llm.add_replies(Fault.error(401, "bad key"))
    remote = A2aRemoteAgent(url=served.url, name="weather")

    with pytest.raises(A2aClientError, match="Task failed.*bad key"):
        await remote.a_generate_remote_reply([{"content": "Hi", "role": "user"}])


async def test_remote_agent_executes_code(llm: FakeLLMServer, serve: Any) -> None:
    served = serve("code")
    remote = A2aRemoteAgent(url=served.url, name="coder")
    writer = ConversableAgent("writer", llm_config=False)

    with TestAgent(writer, []):
        result = await writer.a_initiate_chat(remote, message="```python\nprint(6 * 7)\n```", max_turns=1)

    reply = result.chat_history[-1]
    assert reply["name"] == "coder"
    assert "exitcode: 0" in reply["content"] and "42" in reply["content"]
    assert chat_requests(llm) == []


async def test_served_agent_runs_its_nested_chats(llm: FakeLLMServer, serve: Any) -> None:
    served = serve("nested", "--stream")
    llm.add_replies("Too long; cut the second paragraph.")
    remote = A2aRemoteAgent(url=served.url, name="editor")
    writer = ConversableAgent("writer", llm_config=False)
    human = ScriptedHuman()

    with IOStream.set_default(human), TestAgent(writer, []):
        result = await writer.a_initiate_chat(remote, message="Draft: a long story.", max_turns=1)

    # the editor answered with the summary of its nested chat with the critic
    assert [(m["name"], m["content"]) for m in result.chat_history] == [
        ("writer", "Draft: a long story."),
        ("editor", "Too long; cut the second paragraph."),
    ]
    (request,) = chat_requests(llm)  # the critic's model call only: the editor's LLM was not asked
    assert request.messages[0] == {"role": "system", "content": "You criticise drafts."}
    assert [(m["role"], m["content"]) for m in request.messages[1:]] == [("user", "Draft: a long story.")]
    # the critic's streamed text is not the editor's: nothing was streamed as the editor's reply
    assert human.streamed_text() == ""


async def test_nested_chat_trigger_is_matched_against_the_caller(llm: FakeLLMServer, serve: Any) -> None:
    served = serve("nested")
    llm.add_replies("Looks fine to me.")
    remote = A2aRemoteAgent(url=served.url, name="editor")
    reader = ConversableAgent("reader", llm_config=False)

    with TestAgent(reader, []):
        result = await reader.a_initiate_chat(remote, message="Is this good?", max_turns=1)

    # the trigger names "writer": for "reader" the editor answers with its own LLM
    assert result.chat_history[-1]["content"] == "Looks fine to me."
    (request,) = chat_requests(llm)
    assert request.messages[0] == {"role": "system", "content": "You edit."}
