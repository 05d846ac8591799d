"""§6.13: the worked trace of a DefaultPattern chat where a tool's ReplyResult picks the next agent."""

from __future__ import annotations


from autogen import ConversableAgent
from autogen.agentchat import a_initiate_group_chat, a_run_group_chat, initiate_group_chat, run_group_chat
from autogen.agentchat.group import AgentTarget, ContextVariables, ReplyResult
from autogen.agentchat.group.patterns import DefaultPattern
from autogen.testing import FakeLLMServer, tool_call


def _build(server):
    b = ConversableAgent("b", llm_config=server.llm_config)

    def route(x: int, context_variables: ContextVariables) -> ReplyResult:
        """Route the request."""
        context_variables["x"] = x
        return ReplyResult(message=f"routed {x}", target=AgentTarget(b), context_variables=context_variables)

    a = ConversableAgent("a", llm_config=server.llm_config, functions=[route])
    return a, b, DefaultPattern(initial_agent=a, agents=[a, b])


SCRIPT = [{"tool_calls": [tool_call("route", {"x": 5}, id="call_1")]}, "done by b"]

EXPECTED_HISTORY = [
    {"content": "hello", "role": "assistant"},
    {
        "content": "None",
        "name": "a",
        "tool_calls": [{"id": "call_1", "type": "function", "function": {"name": "route", "arguments": '{"x": 5}'}}],
        "role": "assistant",
    },
    {
        "content": "routed 5",
        "tool_responses": [{"tool_call_id": "call_1", "role": "tool", "content": "routed 5"}],
        "name": "_Group_Tool_Executor",
        "role": "tool",
    },
    {"content": "done by b", "name": "b", "role": "user"},
]


def test_worked_trace_sync(stream):
    with FakeLLMServer(SCRIPT) as server:
        a, b, pattern = _build(server)
        result, context, last = initiate_group_chat(pattern=pattern, messages="hello", max_rounds=6)

        # The tool schema hides the injected context parameter.
        tools = server.requests[0].body["tools"]
        assert tools == [
            {
                "type": "function",
                "function": {
                    "description": "Route the request.",
                    "name": "route",
                    "parameters": {
                        "type": "object",
                        "properties": {"x": {"type": "integer", "description": "x"}},
                        "required": ["x"],
                    },
                },
            }
        ]
        # b's request carries the whole transcript, the tool response unrolled.
        b_messages = server.requests[1].messages
        assert [m["role"] for m in b_messages] == ["system", "user", "assistant", "tool"]
        assert b_messages[-1] == {"role": "tool", "tool_call_id": "call_1", "content": "routed 5"}

    assert result.chat_history == EXPECTED_HISTORY
    assert result.summary == "done by b"
    assert isinstance(context, ContextVariables) and context.to_dict() == {"x": 5}
    assert last is b
    assert set(result.cost) == {"usage_including_cached_inference", "usage_excluding_cached_inference"}
    assert result.cost["usage_including_cached_inference"]["total_cost"] == 0
    assert "fake-model" in result.cost["usage_including_cached_inference"]  # usage of a and b counted

    reasons = [e.content.termination_reason for e in stream.of_type("TerminationEvent")]
    assert reasons[-1] == "No next speaker selected"
    banners = [(type(e).__name__, *e.content.model_dump(include={"source_agent", "transition_target"}).values()) for e in stream.events if "Transition" in type(e).__name__]
    assert ("ReplyResultTransitionEvent", "a", "b") in banners
    assert ("AfterWorksTransitionEvent", "b", "Terminate") in banners
    speakers = [e.content.speaker for e in stream.of_type("GroupChatRunChatEvent")]
    assert speakers == ["a", "_Group_Tool_Executor", "b"]


async def test_worked_trace_async(stream):
    with FakeLLMServer(SCRIPT) as server:
        a, b, pattern = _build(server)
        result, context, last = await a_initiate_group_chat(pattern=pattern, messages="hello", max_rounds=6)
    assert result.chat_history == EXPECTED_HISTORY
    assert result.summary == "done by b"
    assert context.to_dict() == {"x": 5}
    assert last is b


def test_run_group_chat_events_and_results():
    with FakeLLMServer(SCRIPT) as server:
        a, b, pattern = _build(server)
        response = run_group_chat(pattern=pattern, messages="hello", max_rounds=6)
        kinds = [type(e).__name__ for e in response.events]
    assert "ReplyResultTransitionEvent" in kinds
    assert response.summary == "done by b"
    assert response.last_speaker == "b"
    assert response.context_variables.to_dict() == {"x": 5}
    assert response.messages == EXPECTED_HISTORY


async def test_a_run_group_chat():
    with FakeLLMServer(SCRIPT) as server:
        a, b, pattern = _build(server)
        response = await a_run_group_chat(pattern=pattern, messages="hello", max_rounds=6)
        async for _ in response.events:
            pass
        assert await response.summary == "done by b"
        assert (await response.context_variables).to_dict() == {"x": 5}


def test_first_speaker_is_initial_agent_even_if_a_member_opens(stream):
    with FakeLLMServer(["from a", "from b"]) as server:
        a = ConversableAgent("a", llm_config=server.llm_config)
        b = ConversableAgent("b", llm_config=server.llm_config)
        b.handoffs.set_after_work(AgentTarget(a))
        pattern = DefaultPattern(initial_agent=a, agents=[a, b])
        result, _, last = initiate_group_chat(pattern, messages=[{"role": "user", "content": "go", "name": "b"}], max_rounds=2)
    assert [m["content"] for m in result.chat_history] == ["go", "from a"]
    assert last is a
