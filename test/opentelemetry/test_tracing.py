"""Spans of real chats (agents against FakeLLMServer over HTTP), as the GenAI conventions name them."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys

import openai
import pytest
from opentelemetry import trace

from autogen import ConversableAgent, GroupChat, GroupChatManager
from autogen.agentchat.group import AgentTarget, OnCondition, StringLLMCondition
from autogen.agentchat.group.multi_agent_chat import a_initiate_group_chat, initiate_group_chat
from autogen.agentchat.group.patterns import DefaultPattern
from autogen.oai.client import STOCK_A_CREATE, STOCK_CREATE, OpenAIWrapper
from autogen.opentelemetry import instrument_agent, instrument_pattern
from autogen.opentelemetry.setup import get_tracer
from autogen.testing import FakeLLMServer, Fault, tool_call

MODEL = "gpt-4o-mini"


def all_attribute_values(spans) -> str:
    return " ".join(str(v) for s in spans for v in s.attributes.values())


def terminates(msg) -> bool:
    return "TERMINATE" in (msg.get("content") or "")


def pair(llm, traces, **kwargs):
    alice = ConversableAgent("alice", llm_config=False, human_input_mode="NEVER", is_termination_msg=terminates)
    bob = ConversableAgent("bob", llm_config=llm.llm_config, **kwargs)
    instrument_agent(alice, tracer_provider=traces.provider)
    instrument_agent(bob, tracer_provider=traces.provider)
    return alice, bob


def test_two_agent_chat_span_tree_and_attributes(traces):
    with FakeLLMServer(["Hi alice.", "Bye. TERMINATE"], model=MODEL) as llm:
        alice, bob = pair(llm, traces)
        result = alice.initiate_chat(bob, message="Hello bob", max_turns=2)

    conversation = traces.one("conversation alice")
    assert conversation.parent is None
    attrs = conversation.attributes
    assert attrs["gen_ai.operation.name"] == "conversation" and attrs["ag2.span.type"] == "conversation"
    assert attrs["gen_ai.agent.name"] == "alice"
    assert attrs["gen_ai.provider.name"] == "openai" and attrs["gen_ai.request.model"] == MODEL
    assert attrs["gen_ai.conversation.id"] == str(result.chat_id)
    assert attrs["gen_ai.conversation.max_turns"] == 2
    assert attrs["gen_ai.conversation.turns"] == len(result.chat_history)
    assert attrs["gen_ai.usage.input_tokens"] > 0 and attrs["gen_ai.usage.output_tokens"] > 0
    assert "gen_ai.usage.cost" in attrs

    invokes = traces.named("invoke_agent bob")
    assert len(invokes) == 2
    for invoke in invokes:
        assert traces.parent(invoke) is conversation or traces.parent_name(invoke) == "conversation alice"
        assert invoke.attributes["gen_ai.operation.name"] == "invoke_agent"
        assert invoke.attributes["gen_ai.request.model"] == MODEL
        (chat,) = traces.children(invoke)
        assert chat.name == f"chat {MODEL}"
        assert chat.kind == trace.SpanKind.CLIENT
        a = chat.attributes
        assert a["gen_ai.operation.name"] == "chat" and a["gen_ai.provider.name"] == "openai"
        assert a["gen_ai.request.model"] == MODEL and a["gen_ai.response.model"] == MODEL
        assert a["gen_ai.agent.name"] == "bob"
        assert a["gen_ai.usage.input_tokens"] > 0 and a["gen_ai.usage.output_tokens"] > 0
        assert json.loads(a["gen_ai.response.finish_reasons"]) == ["stop"]
        assert "gen_ai.usage.cost" in a
    # alice replies without an LLM: its invoke_agent span has no chat child
    (alice_invoke,) = traces.named("invoke_agent alice")
    assert traces.children(alice_invoke) == []
    assert {s.context.trace_id for s in traces.spans} == {conversation.context.trace_id}
    # contents and secrets stay out unless asked
    for span in traces.spans:
        assert "gen_ai.input.messages" not in span.attributes
        assert "gen_ai.output.messages" not in span.attributes
    assert "sk-" not in all_attribute_values(traces.spans)


def test_messages_are_recorded_when_asked(traces):
    from autogen.opentelemetry import instrument_llm_wrapper

    instrument_llm_wrapper(tracer_provider=traces.provider, capture_messages=True)
    with FakeLLMServer(["Hi alice. TERMINATE"], model=MODEL) as llm:
        alice = ConversableAgent("alice", llm_config=False, human_input_mode="NEVER")
        bob = ConversableAgent("bob", llm_config=llm.llm_config, system_message="Be brief.")
        instrument_agent(alice, tracer_provider=traces.provider, capture_messages=True)
        instrument_agent(bob, tracer_provider=traces.provider, capture_messages=True)
        alice.initiate_chat(bob, message="Hello bob", max_turns=1)
    conversation = traces.one("conversation alice")
    assert json.loads(conversation.attributes["gen_ai.input.messages"]) == [
        {"role": "user", "parts": [{"type": "text", "content": "Hello bob"}]}
    ]
    assert len(json.loads(conversation.attributes["gen_ai.output.messages"])) == 2
    invoke = traces.one("invoke_agent bob")
    assert json.loads(invoke.attributes["gen_ai.output.messages"])[0]["parts"][0]["content"] == "Hi alice. TERMINATE"
    chat = traces.one(f"chat {MODEL}")
    sent = json.loads(chat.attributes["gen_ai.input.messages"])
    assert [m["role"] for m in sent] == ["system", "user"]
    assert json.loads(chat.attributes["gen_ai.output.messages"])[0]["parts"][0]["content"] == "Hi alice. TERMINATE"


async def test_async_two_agent_chat_has_the_same_tree(traces):
    with FakeLLMServer(["Hi alice.", "Bye. TERMINATE"], model=MODEL) as llm:
        alice, bob = pair(llm, traces)
        await alice.a_initiate_chat(bob, message="Hello bob", max_turns=2)
    conversation = traces.one("conversation alice")
    chats = traces.named("chat ")
    assert len(chats) == 2
    for chat in chats:
        assert traces.parent_name(chat) == "invoke_agent bob"
        assert traces.parent(traces.parent(chat)).context.span_id == conversation.context.span_id


def _add(a: int, b: int) -> int:
    return a + b


def _tool_chat_agents(llm, tool=None):
    assistant = ConversableAgent("assistant", llm_config=llm.llm_config)
    user = ConversableAgent("user", llm_config=False, human_input_mode="NEVER", is_termination_msg=terminates)
    tool = tool or _add
    user.register_for_execution()(assistant.register_for_llm(name="add", description="Add two integers.")(tool))
    return user, assistant


def _tool_chat(llm, traces, tool):
    user, assistant = _tool_chat_agents(llm, tool)
    instrument_agent(assistant, tracer_provider=traces.provider)
    instrument_agent(user, tracer_provider=traces.provider)
    return user, assistant


TOOL_REPLIES = [
    {"tool_calls": [tool_call("add", {"a": 1, "b": 2}, id="call_1"), tool_call("add", {"a": 3, "b": 4}, id="call_2")]},
    "3 and 7. TERMINATE",
]


def _check_tool_spans(traces, results=("3", "7")):
    tools = sorted(traces.named("execute_tool add"), key=lambda s: s.attributes["gen_ai.tool.call.id"])
    assert [s.attributes["gen_ai.tool.call.id"] for s in tools] == ["call_1", "call_2"]
    for span, result, args in zip(tools, results, ({"a": 1, "b": 2}, {"a": 3, "b": 4})):
        a = span.attributes
        assert a["gen_ai.operation.name"] == "execute_tool" and a["gen_ai.tool.name"] == "add"
        assert a["gen_ai.tool.type"] == "function" and a["gen_ai.agent.name"] == "user"
        assert json.loads(a["gen_ai.tool.call.arguments"]) == args
        assert a["gen_ai.tool.call.result"] == result
        assert traces.parent_name(span) == "invoke_agent user"
    return tools


def test_tool_calls_are_execute_tool_spans_under_the_executor(traces):
    with FakeLLMServer(TOOL_REPLIES, model=MODEL) as llm:

        def add(a: int, b: int) -> int:
            return a + b

        user, assistant = _tool_chat(llm, traces, add)
        user.initiate_chat(assistant, message="Add 1+2 and 3+4.", max_turns=3)
    _check_tool_spans(traces)


async def test_parallel_tool_calls_in_an_async_chat_each_get_their_span(traces):
    tracer = get_tracer(traces.provider)

    async def add(a: int, b: int) -> int:
        with tracer.start_as_current_span(f"inside add {a}"):  # user code tracing inside the tool
            await asyncio.sleep(0.01)
        return a + b

    with FakeLLMServer(TOOL_REPLIES, model=MODEL) as llm:
        user, assistant = _tool_chat(llm, traces, add)
        await user.a_initiate_chat(assistant, message="Add 1+2 and 3+4.", max_turns=3)
    tools = _check_tool_spans(traces)
    assert traces.parent(traces.one("inside add 1")).context.span_id == tools[0].context.span_id
    assert traces.parent(traces.one("inside add 3")).context.span_id == tools[1].context.span_id
    # the two calls overlapped (run concurrently), each in its own span
    assert tools[0].start_time < tools[1].end_time and tools[1].start_time < tools[0].end_time


def test_async_tool_in_a_sync_chat_under_a_running_loop_keeps_the_trace(traces):
    """A sync chat started inside a running event loop runs an async tool on a helper thread: the
    tool's own spans still nest under its execute_tool span."""
    tracer = get_tracer(traces.provider)

    async def add(a: int, b: int) -> int:
        with tracer.start_as_current_span(f"inside add {a}"):
            await asyncio.sleep(0)
        return a + b

    async def main() -> None:
        user, assistant = _tool_chat(llm, traces, add)
        user.initiate_chat(assistant, message="Add 1+2 and 3+4.", max_turns=3)  # sync, loop running

    with FakeLLMServer(TOOL_REPLIES, model=MODEL) as llm:
        asyncio.run(main())
    tools = _check_tool_spans(traces)
    assert traces.parent(traces.one("inside add 1")).context.span_id == tools[0].context.span_id


def test_failed_tool_and_failed_llm_call_set_error_type(traces):
    def boom(a: int, b: int) -> int:
        raise ValueError("no")

    replies = [{"tool_calls": [tool_call("add", {"a": 1, "b": 2}, id="call_1")]}, Fault.error(400, "bad")]
    with FakeLLMServer(replies, model=MODEL) as llm:
        user, assistant = _tool_chat(llm, traces, boom)
        with pytest.raises(openai.BadRequestError):
            user.initiate_chat(assistant, message="Add.", max_turns=3)
    tool = traces.one("execute_tool add")
    assert tool.attributes["error.type"] == "ExecutionError"
    failed = [s for s in traces.named("chat ") if "error.type" in s.attributes]
    assert len(failed) == 1 and failed[0].status.status_code == trace.StatusCode.ERROR
    conversation = traces.one("conversation user")
    assert conversation.attributes["error.type"] and conversation.status.status_code == trace.StatusCode.ERROR


def test_sequential_and_nested_chats(traces):
    with FakeLLMServer(default_reply="done", model=MODEL) as llm:
        boss = ConversableAgent("boss", llm_config=False, human_input_mode="NEVER")
        writer = ConversableAgent("writer", llm_config=llm.llm_config)
        critic = ConversableAgent("critic", llm_config=llm.llm_config)
        for agent in (boss, writer, critic):
            instrument_agent(agent, tracer_provider=traces.provider)
        boss.initiate_chats(
            [
                {"recipient": writer, "message": "Write.", "max_turns": 1},
                {"recipient": critic, "message": "Review.", "max_turns": 1},
            ]
        )
        multi = traces.one("agent.initiate_chats")
        assert multi.attributes["ag2.chats.count"] == 2
        assert json.loads(multi.attributes["ag2.chats.recipients"]) == ["writer", "critic"]
        conversations = traces.named("conversation boss")
        assert len(conversations) == 2 and all(traces.parent(c) is not None for c in conversations)
        assert {traces.parent_name(c) for c in conversations} == {"agent.initiate_chats"}

        traces.exporter.clear()
        # writer answers a message by running a nested chat with critic first
        writer.register_nested_chats(
            [{"recipient": critic, "max_turns": 1, "summary_method": "last_msg"}], trigger=boss
        )
        boss.initiate_chat(writer, message="Write again.", max_turns=1)
    outer = traces.one("conversation boss")
    writer_invoke = traces.one("invoke_agent writer")
    assert traces.parent(writer_invoke).context.span_id == outer.context.span_id
    nested = traces.one("conversation writer")
    assert traces.parent(nested).context.span_id == writer_invoke.context.span_id
    critic_invoke = traces.one("invoke_agent critic")
    assert traces.parent(critic_invoke).context.span_id == nested.context.span_id
    assert traces.parent_name(traces.children(critic_invoke)[0]) == "invoke_agent critic"


def test_each_conversation_span_says_why_its_chat_ended(traces):
    """The reason a chat stopped is on its own conversation span (a nested chat keeps its own), as the
    runtime log's chats table has it; the same holds with a group chat, and when nothing is logged."""
    with FakeLLMServer(default_reply="done", model=MODEL) as llm:
        boss = ConversableAgent("boss", llm_config=False, human_input_mode="NEVER", is_termination_msg=terminates)
        writer = ConversableAgent("writer", llm_config=llm.llm_config)
        critic = ConversableAgent("critic", llm_config=llm.llm_config)
        for agent in (boss, writer, critic):
            instrument_agent(agent, tracer_provider=traces.provider)
        writer.register_nested_chats([{"recipient": critic, "max_turns": 1}], trigger=boss)
        boss.initiate_chat(writer, message="Write.", max_turns=2)
    outer, nested = traces.one("conversation boss"), traces.one("conversation writer")
    assert outer.attributes["ag2.termination.code"] == "max_turns"
    assert outer.attributes["ag2.termination.reason"] == "Maximum turns (2) reached"
    assert nested.attributes["ag2.termination.code"] == "max_turns"
    assert nested.attributes["ag2.termination.reason"] == "Maximum turns (1) reached"

    traces.exporter.clear()
    with FakeLLMServer(["Hi alice.", "Bye. TERMINATE"], model=MODEL) as llm:
        alice, bob = pair(llm, traces)
        alice.initiate_chat(bob, message="Hello bob", max_turns=5)
    ended = traces.one("conversation alice").attributes
    assert ended["ag2.termination.code"] == "termination_message"
    assert ended["ag2.termination.reason"] == "Termination message condition on agent 'alice' met"


def test_classic_group_chat_with_auto_speaker_selection(traces):
    def member(name):
        return ConversableAgent(name, llm_config=False, human_input_mode="NEVER", default_auto_reply=f"from {name}")

    alice, bob, carol = member("alice"), member("bob"), member("carol")
    with FakeLLMServer(["bob", "carol", "alice"], model=MODEL) as llm:
        gc = GroupChat([alice, bob, carol], max_round=4)
        manager = GroupChatManager(gc, llm_config=llm.llm_config)
        instrument_agent(manager, tracer_provider=traces.provider)  # brings the group chat and its agents
        alice.initiate_chat(manager, message="hi")
    assert [m["name"] for m in gc.messages] == ["alice", "bob", "carol", "alice"]
    conversation = traces.one("conversation alice")
    manager_invoke = traces.one("invoke_agent chat_manager")
    assert traces.parent(manager_invoke).context.span_id == conversation.context.span_id
    selections = traces.named("speaker_selection")
    assert [s.attributes["ag2.speaker_selection.selected"] for s in selections] == ["bob", "carol", "alice"]
    for selection in selections:
        assert traces.parent_name(selection) == "invoke_agent chat_manager"
        assert json.loads(selection.attributes["ag2.speaker_selection.candidates"]) == ["alice", "bob", "carol"]
        (selector_invoke,) = traces.children(selection)
        assert selector_invoke.name.startswith("invoke_agent ")
        (chat,) = traces.children(selector_invoke)
        assert chat.name == f"chat {MODEL}"
    member_invokes = [s.name for s in traces.named("invoke_agent ") if traces.parent(s) is manager_invoke]
    assert member_invokes == ["invoke_agent bob", "invoke_agent carol", "invoke_agent alice"]
    assert conversation.attributes["ag2.termination.reason"] == "Maximum rounds (4) reached"


@pytest.mark.parametrize("use_async", [False, True], ids=["sync", "async"])
def test_pattern_chat_with_an_llm_handoff(traces, use_async):
    with FakeLLMServer(model=MODEL) as llm:
        llm.add_replies({"tool_calls": [tool_call("transfer_to_tech_1", {})]}, "Restart the router. TERMINATE")
        triage = ConversableAgent("triage", llm_config=llm.llm_config, system_message="Route questions.")
        tech = ConversableAgent("tech", llm_config=llm.llm_config, system_message="Fix computers.")
        triage.handoffs.add_llm_condition(
            OnCondition(target=AgentTarget(tech), condition=StringLLMCondition("When it is a tech question."))
        )
        user = ConversableAgent("user", llm_config=False, human_input_mode="NEVER")
        pattern = instrument_pattern(
            DefaultPattern(initial_agent=triage, agents=[triage, tech], user_agent=user),
            tracer_provider=traces.provider,
        )
        if use_async:
            _, _, last = asyncio.run(a_initiate_group_chat(pattern, "My wifi is down.", max_rounds=6))
        else:
            _, _, last = initiate_group_chat(pattern, "My wifi is down.", max_rounds=6)
    assert last is tech
    conversation = traces.one("conversation user")
    assert conversation.parent is None
    manager_invoke = traces.one("invoke_agent chat_manager")
    assert traces.parent(manager_invoke).context.span_id == conversation.context.span_id
    triage_invoke, tech_invoke = traces.one("invoke_agent triage"), traces.one("invoke_agent tech")
    for invoke in (triage_invoke, tech_invoke):
        assert traces.parent(invoke).context.span_id == manager_invoke.context.span_id
        assert [c.name for c in traces.children(invoke)] == [f"chat {MODEL}"]
    handoff = traces.one("execute_tool transfer_to_tech_1")
    assert traces.parent(traces.parent(handoff)).context.span_id == manager_invoke.context.span_id
    assert {s.context.trace_id for s in traces.spans} == {conversation.context.trace_id}


def test_human_input_and_code_execution_spans(traces, tmp_path, monkeypatch):
    from autogen.coding import LocalCommandLineCodeExecutor

    answers = iter(["", "exit"])
    monkeypatch.setattr("builtins.input", lambda prompt="": next(answers))
    with FakeLLMServer(["```python\nprint(6 * 7)\n```"], default_reply="ok", model=MODEL) as llm:
        coder = ConversableAgent("coder", llm_config=llm.llm_config)
        runner = ConversableAgent(
            "runner",
            llm_config=False,
            human_input_mode="ALWAYS",
            code_execution_config={"executor": LocalCommandLineCodeExecutor(work_dir=tmp_path)},
        )
        instrument_agent(coder, tracer_provider=traces.provider)
        instrument_agent(runner, tracer_provider=traces.provider)
        runner.initiate_chat(coder, message="Compute 6*7 in Python.", max_turns=2)
    code = traces.one("execute_code runner")
    assert code.attributes["ag2.code_execution.exit_code"] == 0
    assert code.attributes["ag2.code_execution.output"] == "42"
    assert traces.parent_name(code) == "invoke_agent runner"
    waits = traces.named("await_human_input runner")
    assert waits and all(traces.parent_name(w) == "invoke_agent runner" for w in waits)
    assert all("ag2.human_input.prompt" in w.attributes for w in waits)
    assert all("ag2.human_input.response" not in w.attributes for w in waits)


def test_run_executor_is_instrumented(traces):
    with FakeLLMServer(["All done. TERMINATE"], model=MODEL) as llm:
        agent = ConversableAgent("solo", llm_config=llm.llm_config)
        instrument_agent(agent, tracer_provider=traces.provider)
        response = agent.run(message="Say done.", max_turns=1, user_input=False)
        response.process()
    assert traces.one("conversation user").parent is None
    assert traces.parent_name(traces.one("invoke_agent solo")) == "conversation user"


def test_instrumenting_changes_only_the_instances_and_the_wrapper_class(traces):
    from autogen.opentelemetry import uninstrument_llm_wrapper

    plain = ConversableAgent("plain", llm_config=False)
    traced = ConversableAgent("traced", llm_config=False)
    instrument_agent(traced, tracer_provider=traces.provider)
    assert "generate_reply" in vars(traced) and "generate_reply" not in vars(plain)
    assert type(plain).generate_reply is type(traced).generate_reply
    assert OpenAIWrapper.create is not STOCK_CREATE and OpenAIWrapper.a_create is not STOCK_A_CREATE
    uninstrument_llm_wrapper()
    assert OpenAIWrapper.create is STOCK_CREATE and OpenAIWrapper.a_create is STOCK_A_CREATE
    assert not hasattr(OpenAIWrapper._plan, "__otel_wrapped__")


def _tool_transcript(llm):
    user, assistant = _tool_chat_agents(llm)
    result = user.initiate_chat(assistant, message="Add 1+2 and 3+4.", max_turns=3)
    return result.chat_history, [r.body for r in llm.requests if r.method == "POST"]


@pytest.mark.parametrize("use_async", [False, True])
def test_traced_agents_stay_on_the_stock_flow_and_chat_the_same(traces, use_async):
    """Tracing a library agent and the library's wrapper keeps the chat loops entering their flows by
    delegation (the traced flows sit where the loops look; the methods hold marked forwarders), and
    the chat, its requests and its result are exactly those of the untraced chat."""
    from autogen.agentchat.conversable.llm_reply import _stock_plan
    from autogen.agentchat.conversable.messaging import _stock_generate

    with FakeLLMServer(TOOL_REPLIES, model=MODEL) as llm:
        plain = _tool_transcript(llm)  # (its LLM calls are traced: the fixture instruments the wrapper)
    traces.exporter.clear()
    with FakeLLMServer(TOOL_REPLIES, model=MODEL) as llm:
        user, assistant = _tool_chat_agents(llm)
        for agent in (user, assistant):
            instrument_agent(agent, tracer_provider=traces.provider)
        assert _stock_generate(user) and _stock_generate(assistant)
        assert hasattr(assistant.generate_reply, "__otel_wrapped__")
        assert _stock_plan(assistant.client) is OpenAIWrapper._plan
        if use_async:
            result = asyncio.run(user.a_initiate_chat(assistant, message="Add 1+2 and 3+4.", max_turns=3))
        else:
            result = user.initiate_chat(assistant, message="Add 1+2 and 3+4.", max_turns=3)
        traced = result.chat_history, [r.body for r in llm.requests if r.method == "POST"]
    assert traced == plain
    # every reply and LLM call still has its span, in the right place
    calls = len(plain[1])
    assert len(traces.named("invoke_agent assistant")) == calls and len(traces.named(f"chat {MODEL}")) == calls
    assert all(traces.parent_name(c) == "invoke_agent assistant" for c in traces.named(f"chat {MODEL}"))
    # a direct call of the forwarders is traced too
    traces.exporter.clear()
    with FakeLLMServer(["direct"], model=MODEL) as llm:
        bob = ConversableAgent("bob", llm_config=llm.llm_config)
        instrument_agent(bob, tracer_provider=traces.provider)
        assert bob.generate_reply(messages=[{"role": "user", "content": "hi"}]) == "direct"
    assert traces.parent_name(traces.one(f"chat {MODEL}")) == "invoke_agent bob"


def test_import_autogen_loads_no_opentelemetry():
    code = "import sys, autogen; print(any(m.startswith('opentelemetry') for m in sys.modules))"
    assert (
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
        == "False"
    )
