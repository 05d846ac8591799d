"""autogen.durable in one process: the effect seam, the step records, replay and its checks."""

from __future__ import annotations

import pickle
from typing import Any

import pytest
from durable_helpers import wait_for

from autogen import AssistantAgent, UserProxyAgent, durable
from autogen._effects import Call, Parallel, Sleep, intercept_effects, run_async, run_sync
from autogen.durable._codec import (
    StepNotSavableError,
    StepRecord,
    decode_agents,
    dump_record,
    encode_agents,
    load_record,
    pack_exception,
    unpack_exception,
)
from autogen.testing import FakeLLMServer, tool_call

# ---------------------------------------------------------------------------------- the effect seam


class PassThrough:
    """Claims every effect and runs it as the driver would, noting what it saw."""

    def __init__(self) -> None:
        self.seen: list[str] = []
        self.tracked: list[Any] = []

    def claims(self, effect: Any) -> bool:
        return True

    def _note(self, effect: Any) -> None:
        self.seen.append(getattr(effect, "kind", None) or type(effect).__name__)

    def run_sync(self, effect, run):
        self._note(effect)
        return run(effect)

    async def run_async(self, effect, run):
        self._note(effect)
        return await run(effect)

    def track(self, state: Any) -> None:
        self.tracked.append(state)


SCRIPT = [
    {"tool_calls": [tool_call("note", {"i": 1}, id="c1"), tool_call("note", {"i": 2}, id="c2")]},
    "done TERMINATE",
]


def _tool_chat(server: FakeLLMServer):
    assistant = AssistantAgent("assistant", llm_config=server.llm_config)
    user = UserProxyAgent(
        "user",
        human_input_mode="NEVER",
        code_execution_config=False,
        is_termination_msg=lambda m: "TERMINATE" in (m.get("content") or ""),
    )

    @user.register_for_execution()
    @assistant.register_for_llm(description="note")
    def note(i: int) -> str:
        return f"noted {i}"

    return assistant, user


def test_an_interceptor_sees_every_effect_and_changes_nothing():
    with FakeLLMServer(SCRIPT) as server:
        assistant, user = _tool_chat(server)
        plain = user.initiate_chat(assistant, message="go", max_turns=3, silent=True)
    with FakeLLMServer(SCRIPT) as server:
        hook = PassThrough()
        with intercept_effects(hook):
            assistant, user = _tool_chat(server)
            seen = user.initiate_chat(assistant, message="go", max_turns=3, silent=True)
    assert seen.chat_history == plain.chat_history and seen.cost == plain.cost and seen.summary == plain.summary
    assert hook.seen.count("CallModel") == 2 and hook.seen.count("tool") == 2 and "Parallel" in hook.seen
    from autogen.agentchat.group import ContextVariables

    with intercept_effects(hook):
        context = ContextVariables({"a": 1})
    ContextVariables({"b": 2})
    assert hook.tracked == [context]  # state created under the interceptor is reported to it


async def test_an_interceptor_under_the_async_driver():
    with FakeLLMServer(SCRIPT) as server:
        assistant, user = _tool_chat(server)
        plain = await user.a_initiate_chat(assistant, message="go", max_turns=3, silent=True)
    with FakeLLMServer(SCRIPT) as server:
        hook = PassThrough()
        with intercept_effects(hook):
            assistant, user = _tool_chat(server)
            seen = await user.a_initiate_chat(assistant, message="go", max_turns=3, silent=True)
    assert seen.chat_history == plain.chat_history
    assert hook.seen.count("CallModel") == 2 and hook.seen.count("tool") == 2


def test_no_interceptor_outside_the_block_and_the_drivers_agree():
    def flow():
        a = yield Call(lambda: 1)
        b = yield Call.of_kind("tool", lambda x: x + 1, None, a)
        yield Sleep(0)
        c = yield Parallel([(x for x in ()), _one(Call(lambda: 5))])
        return a, b, c

    def _one(effect):
        return (yield effect)

    hook = PassThrough()
    with intercept_effects(hook):
        assert run_sync(flow()) == (1, 2, [None, 5])
    assert hook.seen == ["Call", "tool", "Sleep", "Parallel", "Call"]
    hook.seen.clear()
    assert run_sync(flow()) == (1, 2, [None, 5]) and hook.seen == []
    import asyncio

    assert asyncio.run(run_async(flow())) == (1, 2, [None, 5])


# ------------------------------------------------------------------------------------ step records


def test_model_responses_round_trip_through_a_record():
    from openai.types.chat import ChatCompletion as OpenAICompletion

    from autogen.oai.oai_models import ChatCompletion

    body = {
        "id": "x",
        "object": "chat.completion",
        "created": 1,
        "model": "m",
        "choices": [
            {
                "index": 0,
                "finish_reason": "tool_calls",
                "message": {
                    "role": "assistant",
                    "content": None,
                    "tool_calls": [{"id": "c", "type": "function", "function": {"name": "f", "arguments": "{}"}}],
                },
            }
        ],
        "usage": {"prompt_tokens": 3, "completion_tokens": 4, "total_tokens": 7},
    }
    for cls in (OpenAICompletion, ChatCompletion):
        response = cls.model_validate(body)
        back = load_record(dump_record(StepRecord("llm:X", True, response))).value
        assert type(back) is cls and back == response


def test_exceptions_that_do_not_pickle_are_rebuilt_with_their_class_and_message():
    import httpx
    import openai

    request = httpx.Request("POST", "http://127.0.0.1/v1/chat/completions")
    error = openai.RateLimitError("slow down", response=httpx.Response(429, request=request), body=None)
    back = unpack_exception(pickle.loads(pickle.dumps(pack_exception(error))))
    assert type(back) is openai.RateLimitError and str(back) == "slow down" and back.status_code == 429

    class Local(Exception):  # not importable: replaced, message kept
        def __init__(self, a, b):
            super().__init__(f"{a}/{b}")

    back = unpack_exception(pickle.loads(pickle.dumps(pack_exception(Local(1, 2)))))
    assert isinstance(back, durable.RecordedStepError) and "1/2" in str(back)


def test_a_result_that_cannot_be_saved_names_the_step():
    import threading

    with pytest.raises(StepNotSavableError, match="tool:make_lock.*lock"):
        dump_record(StepRecord("tool:make_lock", True, threading.Lock()))


def test_speaker_choices_are_saved_by_name():
    from autogen import ConversableAgent, GroupChat

    a, b = ConversableAgent("a", llm_config=False), ConversableAgent("b", llm_config=False)
    group = GroupChat([a, b], messages=[])
    saved = pickle.loads(pickle.dumps(encode_agents(b)))
    assert decode_agents(saved, (group,)) is b and decode_agents(saved, ([a, b],)) is b
    assert decode_agents("auto", (group,)) == "auto"
    with pytest.raises(LookupError, match="'b'"):
        decode_agents(saved, ([a],))


# ------------------------------------------------------------------------------ durable, in-process

MODE = {"tool": "a"}


def note_a(i: int) -> str:
    return f"a{i}"


@durable.chat
def noted(base_url: str) -> list[dict[str, Any]]:
    assistant = AssistantAgent(
        "assistant", llm_config={"config_list": [{"model": "fake-model", "base_url": base_url, "api_key": "x"}]}
    )
    user = UserProxyAgent(
        "user",
        human_input_mode="NEVER",
        code_execution_config=False,
        is_termination_msg=lambda m: "TERMINATE" in (m.get("content") or ""),
    )
    name = "note" if MODE["tool"] == "a" else "jot"  # a path that is not the same on every run
    user.register_for_execution(name=name)(note_a)
    assistant.register_for_llm(name=name, description="note")(note_a)
    return user.initiate_chat(assistant, message="go", max_turns=3, silent=True).chat_history


@pytest.fixture
def local(tmp_path):
    durable.launch(f"sqlite:///{tmp_path / 'local.sqlite'}")
    yield
    durable.shutdown()
    MODE["tool"] = "a"


def test_a_direct_call_is_a_workflow_of_recorded_steps(local):
    from dbos import DBOS, SetWorkflowID

    with FakeLLMServer(SCRIPT) as server:
        with SetWorkflowID("direct"):
            history = noted(server.base_url)
        assert history[-1]["content"] == "done TERMINATE"
        steps = [s["function_name"] for s in DBOS.list_workflow_steps("direct")]
        assert steps == ["llm:OpenAIClient", "tool:note", "tool:note", "llm:OpenAIClient"]
        # the same chat id again: the recorded result, no model call
        n = len(server.requests)
        assert durable.start(noted, server.base_url, chat_id="direct").result() == history
        assert len(server.requests) == n


def test_a_replay_that_takes_another_path_names_the_step(local):
    from dbos import DBOS

    with FakeLLMServer(SCRIPT) as server:
        first = durable.start(noted, server.base_url, chat_id="first")
        first.result(timeout=30)
        n = len(server.requests)
        replay = DBOS.fork_workflow("first", 99)  # every recorded step is replayed
        assert replay.get_result() == first.result()
        assert len(server.requests) == n  # nothing ran again
        MODE["tool"] = "b"
        diverged = DBOS.fork_workflow("first", 99)
        with pytest.raises(
            durable.NonDeterministicChatError, match=r"step #2 is now 'llm:OpenAIClient'.*'tool:note' was"
        ):
            diverged.get_result()


def test_steps_after_a_fresh_one_are_recorded_alike_on_the_one_transaction_path(local, monkeypatch):
    # once a step of an execution ran afresh, later ones skip DBOS's read of their record (autogen.durable._fresh);
    # the records, and what a replay makes of them, are those of DBOS's own run_step
    from dbos import DBOS, SetWorkflowID

    from autogen.durable import _fresh

    assert _fresh.AVAILABLE, "the installed DBOS lacks what the one-transaction step path uses"
    histories, steps = {}, {}
    for fast in (True, False):
        monkeypatch.setattr(_fresh, "AVAILABLE", fast)
        with FakeLLMServer(SCRIPT) as server, SetWorkflowID(f"fast-{fast}"):
            histories[fast] = noted(server.base_url)
        steps[fast] = [
            (s["function_id"], s["function_name"], s["output"]) for s in DBOS.list_workflow_steps(f"fast-{fast}")
        ]
    assert histories[True] == histories[False]
    assert [s[:2] for s in steps[True]] == [s[:2] for s in steps[False]]

    def contents(records):  # a model response's id and time are the server's own
        return [getattr(v := load_record(r[2]).value, "choices", v) for r in records]

    assert contents(steps[True]) == contents(steps[False])
    with FakeLLMServer([]) as server:  # a replay of every recorded step sends nothing
        assert DBOS.fork_workflow("fast-True", 99).get_result() == histories[True]
        assert server.requests == []


def test_an_async_chat_records_its_steps_on_the_one_transaction_path_too(local):
    from dbos import DBOS

    @durable.chat(name="test_durable.async_noted")
    async def async_noted(base_url: str) -> list[dict[str, Any]]:
        assistant = AssistantAgent(
            "assistant", llm_config={"config_list": [{"model": "fake-model", "base_url": base_url, "api_key": "x"}]}
        )
        user = UserProxyAgent(
            "user",
            human_input_mode="NEVER",
            code_execution_config=False,
            is_termination_msg=lambda m: "TERMINATE" in (m.get("content") or ""),
        )
        user.register_for_execution(name="note")(note_a)
        assistant.register_for_llm(name="note", description="note")(note_a)
        result = await user.a_initiate_chat(assistant, message="go", max_turns=3, silent=True)
        return result.chat_history

    with FakeLLMServer(SCRIPT) as server:
        history = durable.start(async_noted, server.base_url, chat_id="async-noted").result(timeout=30)
    assert history[-1]["content"] == "done TERMINATE"
    steps = [s["function_name"] for s in DBOS.list_workflow_steps("async-noted")]
    assert steps == ["llm:OpenAIClient", "tool:note", "tool:note", "llm:OpenAIClient"]
    with FakeLLMServer([]) as server:
        assert DBOS.fork_workflow("async-noted", 99).get_result() == history
        assert server.requests == []


def test_a_cancelled_chat_makes_no_further_calls(local):
    from dbos import DBOS

    @durable.chat(name="test_durable.talker")
    def talker(base_url: str) -> int:
        assistant = AssistantAgent(
            "assistant", llm_config={"config_list": [{"model": "fake-model", "base_url": base_url, "api_key": "x"}]}
        )
        user = UserProxyAgent("user", human_input_mode="NEVER", code_execution_config=False, default_auto_reply="go")
        return len(user.initiate_chat(assistant, message="talk", max_turns=30, silent=True).chat_history)

    with FakeLLMServer(default_reply="more", delay=0.2) as server:
        chat = durable.start(talker, server.base_url, chat_id="talker")
        wait_for(lambda: len(server.requests) >= 3, what="three calls")
        DBOS.cancel_workflow("talker")
        at_cancel = len(server.requests)
        wait_for(lambda: chat.status() == "CANCELLED", what="the cancellation")
        import time

        time.sleep(1.0)  # five calls' time: a chat still running would have made more
        assert len(server.requests) <= at_cancel + 1  # at most one that was already on its way


def test_human_input_in_process(local):
    @durable.chat(name="test_durable.asker")
    def asker(base_url: str) -> list[str]:
        assistant = AssistantAgent(
            "assistant", llm_config={"config_list": [{"model": "fake-model", "base_url": base_url, "api_key": "x"}]}
        )
        user = UserProxyAgent("user", human_input_mode="ALWAYS", code_execution_config=False)
        return user.initiate_chat(assistant, message="hi", max_turns=5, silent=True).human_input

    with FakeLLMServer(default_reply="ok") as server:
        chat = durable.start(asker, server.base_url, chat_id="asker")
        wait_for(lambda: chat.input_prompt() is not None, what="a prompt")
        chat.send_input("more")
        wait_for(lambda: len(server.requests) == 2, what="the second call")
        durable.send_input("asker", "exit")
        assert chat.result(timeout=30) == ["more", "exit"]
        assert chat.status() == "SUCCESS" and chat.input_prompt() is None


def test_start_needs_a_durable_chat_and_a_launch(tmp_path):
    with pytest.raises(RuntimeError, match="launch"):
        durable.start(noted, "http://x")
    with pytest.raises(TypeError, match="not a durable chat"):
        durable.start(note_a, 1)


def test_handles_work_where_an_event_loop_runs(local):
    # a notebook (or an async web app) runs an event loop in the calling thread; DBOS's synchronous
    # API refuses to run there, so the handle's calls go through a helper thread
    import asyncio

    with FakeLLMServer(SCRIPT) as server:

        async def notebook_cell():
            chat = durable.start(noted, server.base_url, chat_id="in-a-loop")
            history = chat.result(timeout=30)
            return chat.status(), history, chat.input_prompt(), durable.retrieve("in-a-loop").result()

        status, history, prompt, again = asyncio.run(notebook_cell())
        assert status == "SUCCESS" and history[-1]["content"] == "done TERMINATE"
        assert prompt is None and again == history
