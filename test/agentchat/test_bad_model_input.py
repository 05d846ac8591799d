"""Bad input from a model gets a clear answer and the chat goes on (real chats against FakeLLMServer)."""

from __future__ import annotations

import json
import random
import warnings

import pytest

from autogen import AssistantAgent, UserProxyAgent, register_function
from autogen.testing import FakeLLMServer, tool_call


def echo(text: str = "", n: int = 0) -> str:
    return f"{text[:20]}/{n}"


def make_pair(server: FakeLLMServer, **user_kwargs) -> tuple[AssistantAgent, UserProxyAgent]:
    asst = AssistantAgent("asst", llm_config=server.llm_config)
    user_kwargs.setdefault("is_termination_msg", lambda m: "TERMINATE" in (m.get("content") or ""))
    user = UserProxyAgent("user", human_input_mode="NEVER", code_execution_config=False, **user_kwargs)
    register_function(echo, caller=asst, executor=user, description="echo")
    return asst, user


@pytest.mark.parametrize("raw", ["null", "[1, 2]", "3", '"x"', "true", "[]"])
def test_arguments_that_are_json_but_not_an_object(stream, raw):
    with FakeLLMServer([{"tool_calls": [tool_call("echo", raw, id="c1")]}, "ok TERMINATE"]) as server:
        asst, user = make_pair(server)
        user.initiate_chat(asst, message="go", silent=True)
        answer = user.chat_messages[asst][2]["tool_responses"][0]
        assert answer["tool_call_id"] == "c1"
        assert "must be a JSON object" in answer["content"]
        assert user.chat_messages[asst][-1]["content"] == "ok TERMINATE"


def _fuzz_arguments(rng: random.Random, n: int) -> list[str]:
    """Argument strings a model might produce: JSON values of every kind, broken JSON, escapes
    that decode to lone surrogates, very long and very deep inputs."""

    def value(depth: int = 0):
        kind = rng.randrange(7 if depth < 3 else 4)
        if kind == 0:
            return None
        if kind == 1:
            return rng.randint(-(10**12), 10**12)
        if kind == 2:
            return rng.random() * 10 ** rng.randint(-5, 5)
        if kind == 3:
            return "".join(chr(rng.randrange(32, 0x2FFF)) for _ in range(rng.randrange(12)))
        if kind == 4:
            return [value(depth + 1) for _ in range(rng.randrange(4))]
        if kind == 5:
            return {rng.choice(["text", "n", "extra", ""]): value(depth + 1) for _ in range(rng.randrange(4))}
        return rng.choice([True, False])

    out: list[str] = []
    for i in range(n):
        kind = i % 8
        if kind == 0:  # any JSON value
            out.append(json.dumps(value()))
        elif kind == 1:  # an object, maybe with wrong types
            out.append(json.dumps({"text": value(), "n": value()}))
        elif kind == 2:  # truncated JSON
            text = json.dumps({"text": "abc" * rng.randrange(1, 5), "n": rng.randrange(100)})
            out.append(text[: rng.randrange(1, len(text))])
        elif kind == 3:  # escapes decoding to lone surrogates and control characters
            out.append('{"text": "\\udc80\\ud800 \\u0000\\u001b x", "n": 1}')
        elif kind == 4:  # a huge string
            out.append(json.dumps({"text": "y" * rng.randrange(10_000, 60_000), "n": 2}))
        elif kind == 5:  # nesting deeper than a parser's recursion limit
            depth = rng.randrange(2_000, 30_000)
            out.append("[" * depth + "]" * depth)
        elif kind == 6:  # not JSON at all
            out.append(rng.choice(["{text: 1}", "{'text': 'a'}", "NaN", "{", "}", "\\", "\x00", "undefined", "{\"n\": 1,}"]))
        else:  # raw newlines and tabs inside strings (models emit them)
            out.append('{"text": "line one\nline\ttwo", "n": 3}')
    return out


def test_fuzzed_tool_arguments_never_break_the_chat(stream):
    rng = random.Random(12)
    arguments = _fuzz_arguments(rng, 320)
    replies: list = []
    ids: list[list[str]] = []
    for turn in range(0, len(arguments), 4):
        batch = arguments[turn : turn + 4]
        call_ids = [f"call_{turn + k}" for k in range(len(batch))]
        ids.append(call_ids)
        replies.append({"tool_calls": [tool_call("echo", raw, id=cid) for raw, cid in zip(batch, call_ids)]})
    replies.append("done TERMINATE")
    with FakeLLMServer(replies) as server:
        asst, user = make_pair(server)
        user.initiate_chat(asst, message="go", silent=True)
        history = user.chat_messages[asst]
        assert history[-1]["content"] == "done TERMINATE"
        # every tool call got exactly one answer, in order
        answers = [m for m in history if m.get("role") == "tool"]
        assert len(answers) == len(ids)
        for answer, call_ids in zip(answers, ids):
            assert [r["tool_call_id"] for r in answer["tool_responses"]] == call_ids
        # every request was a valid sequence: each assistant tool-call message is followed by
        # exactly one tool message per call id
        assert len(server.requests) == len(replies)
        for request in server.requests:
            messages = request.messages
            i = 0
            while i < len(messages):
                message = messages[i]
                calls = message.get("tool_calls")
                if calls:
                    expected = [c["id"] for c in calls]
                    got = [m.get("tool_call_id") for m in messages[i + 1 : i + 1 + len(expected)]]
                    assert got == expected
                    assert all(m["role"] == "tool" for m in messages[i + 1 : i + 1 + len(expected)])
                    i += 1 + len(expected)
                else:
                    assert message["role"] != "tool", "a tool message without its call"
                    i += 1


def test_termination_predicate_that_fails_on_a_tool_call(stream):
    """The documented predicate raises on content None; the chat goes on to the later TERMINATE."""
    documented = lambda x: x.get("content", "").rstrip().endswith("TERMINATE")
    replies = [{"tool_calls": [tool_call("echo", {"text": "a"}, id="c1")]}, {"tool_calls": [tool_call("echo", {"text": "b"}, id="c2")]}, "all done TERMINATE"]
    with FakeLLMServer(replies) as server:
        asst, user = make_pair(server, is_termination_msg=documented)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            user.initiate_chat(asst, message="go", silent=True)
        history = user.chat_messages[asst]
        assert history[-1]["content"] == "all done TERMINATE"
        assert len(history) == 6
        about = [w for w in caught if "is_termination_msg" in str(w.message)]
        assert len(about) == 1, "warned once, not per message"
        assert '(x.get("content") or "")' in str(about[0].message)


def test_a_predicate_error_on_text_still_propagates(stream):
    def broken(message):
        raise KeyError("oops")

    with FakeLLMServer(["hello"]) as server:
        asst, user = make_pair(server, is_termination_msg=broken)
        with pytest.raises(KeyError):
            user.initiate_chat(asst, message="go", silent=True)
