"""Old and new ways scripts use agents: config forms, tools with secrets, legacy function calls, caching."""

from __future__ import annotations

import asyncio
from typing import Annotated

import pytest

import autogen
from autogen import AssistantAgent, ConversableAgent, LLMConfig, UpdateSystemMessage, UserProxyAgent
from autogen.testing import FakeLLMServer, tool_call
from autogen.tools import ChatContext, Depends, Tool


def proxy(**kw):
    kw.setdefault("human_input_mode", "NEVER")
    kw.setdefault("code_execution_config", False)
    kw.setdefault("is_termination_msg", lambda m: "TERMINATE" in (m.get("content") or ""))
    return UserProxyAgent("user", **kw)


def test_secret_injected_with_depends_never_reaches_the_llm(stream):
    seen = {}

    class Account:
        def __init__(self, token: str) -> None:
            self.token = token

    def get_account() -> Account:
        return Account("s3cr3t")

    def balance(
        who: Annotated[str, "account owner"], account: Annotated[Account, Depends(get_account)], ctx: ChatContext
    ) -> str:
        seen["token"] = account.token
        seen["history_len"] = len(ctx.chat_messages)
        return f"{who}: 10 EUR"

    with FakeLLMServer([{"tool_calls": [tool_call("balance", {"who": "ann"}, id="b1")]}, "10 EUR TERMINATE"]) as server:
        asst = AssistantAgent("asst", llm_config=server.llm_config)
        user = proxy()
        autogen.register_function(balance, caller=asst, executor=user, description="account balance")
        user.initiate_chat(asst, message="balance?")
        schema = server.requests[0].body["tools"][0]["function"]["parameters"]
        assert list(schema["properties"]) == ["who"]
        assert "s3cr3t" not in str(server.requests[1].body)
        assert seen == {"token": "s3cr3t", "history_len": 1}
        assert user.chat_messages[asst][2]["content"] == "ann: 10 EUR"


def test_tool_objects_and_functions_param(stream):
    def echo(text: str) -> str:
        """Echo the text back."""
        return text

    with FakeLLMServer([{"tool_calls": [tool_call("echo", {"text": "hi"}, id="e")]}, "TERMINATE"]) as server:
        asst = ConversableAgent("asst", llm_config=server.llm_config, functions=[echo])
        assert asst.llm_config["tools"][0]["function"]["description"] == "Echo the text back."
        user = proxy()
        Tool(func_or_tool=echo).register_for_execution(user)
        user.initiate_chat(asst, message="go")
        assert user.chat_messages[asst][2]["content"] == "hi"
    with pytest.raises(AssertionError):
        ConversableAgent("x", llm_config=False, functions=[echo])


def test_legacy_function_map_and_function_call(stream):
    reply = {"function_call": {"name": "add", "arguments": '{"a": 2, "b": 5}'}}
    with FakeLLMServer([reply, "7 TERMINATE"]) as server:
        asst = AssistantAgent(
            "asst",
            llm_config={
                **server.llm_config,
                "functions": [
                    {"name": "add", "description": "add", "parameters": {"type": "object", "properties": {}}}
                ],
            },
        )
        user = proxy(function_map={"add": lambda a, b: a + b})
        user.initiate_chat(asst, message="2+5")
        assert user.chat_messages[asst][2] == {"name": "add", "role": "function", "content": 7}
        assert server.requests[1].messages[-1] == {"name": "add", "role": "function", "content": "7"}


def test_old_and_new_llm_config_forms(stream):
    with FakeLLMServer(lambda req: "ok") as server:
        entry = server.config_list[0]
        forms = [
            {"config_list": [entry], "temperature": 0, "cache_seed": None},
            LLMConfig(entry, temperature=0),
            LLMConfig(config_list=[entry]),
            LLMConfig(**entry),
        ]
        for form in forms:
            asst = AssistantAgent("asst", llm_config=form)
            user = proxy()
            assert user.initiate_chat(asst, message="hi", max_turns=1).summary == "ok"
        with LLMConfig(entry):
            inside = AssistantAgent("inside")
        assert inside.client is not None
        assert AssistantAgent("outside").client is None


def test_cache_seed_serves_the_second_chat_from_cache(stream, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with FakeLLMServer(["cached answer"]) as server:
        config = {"config_list": server.config_list, "cache_seed": 7}
        for _ in range(2):
            asst = AssistantAgent("asst", llm_config=config)
            result = proxy().initiate_chat(asst, message="same question", max_turns=1)
            assert result.summary == "cached answer"
        assert len([r for r in server.requests if r.path.endswith("/chat/completions")]) == 1
        assert (tmp_path / ".cache" / "7").exists()
        usage = result.cost
        assert usage["usage_excluding_cached_inference"]["total_cost"] == 0


def test_cache_context_manager_used_by_initiate_chat(stream, tmp_path):
    with FakeLLMServer(["from server"]) as server:
        asst = AssistantAgent("asst", llm_config=server.llm_config)
        with autogen.Cache.disk(cache_path_root=str(tmp_path)):
            proxy().initiate_chat(asst, message="q", max_turns=1)
            proxy().initiate_chat(asst, message="q", max_turns=1)
        assert len(server.requests) == 1


def test_update_system_message_from_context(stream):
    with FakeLLMServer(lambda req: "fine") as server:
        asst = ConversableAgent(
            "asst",
            llm_config=server.llm_config,
            context_variables=autogen.agentchat.ContextVariables(data={"city": "Oslo"}),
            update_agent_state_before_reply=[UpdateSystemMessage("You help people in {city}.")],
        )
        proxy().initiate_chat(asst, message="hi", max_turns=1)
        assert server.requests[0].messages[0]["content"] == "You help people in Oslo."


def test_async_sequential_chats_with_prerequisites(stream):
    a = ConversableAgent("a", llm_config=False, human_input_mode="NEVER")
    b = ConversableAgent("b", llm_config=False, human_input_mode="NEVER", default_auto_reply="B done")
    c = ConversableAgent("c", llm_config=False, human_input_mode="NEVER", default_auto_reply="C done")
    results = asyncio.run(
        a.a_initiate_chats(
            [
                {"chat_id": 1, "recipient": b, "message": "first", "max_turns": 1},
                {"chat_id": 2, "recipient": c, "message": "second", "max_turns": 1, "prerequisites": [1]},
            ]
        )
    )
    assert results[1].summary == "B done" and results[2].summary == "C done"
    assert c.chat_messages[a][0]["content"] == "second\nContext: \nB done"
    with pytest.raises(ValueError, match="cycle"):
        asyncio.run(
            a.a_initiate_chats(
                [
                    {"chat_id": 1, "recipient": b, "message": "x", "prerequisites": [2]},
                    {"chat_id": 2, "recipient": c, "message": "y", "prerequisites": [1]},
                ]
            )
        )


def test_an_llm_agent_name_with_whitespace_is_refused_for_openai(stream):
    # the API refuses such a message `name`: said when the agent is built, in ag2's words
    with FakeLLMServer(["hello"]) as server:
        for name in ("My Assistant", "tab\tname", "trailing "):
            with pytest.raises(ValueError, match=f"cannot contain any whitespace. The name provided is: '{name}'"):
                AssistantAgent(name, llm_config=server.llm_config)
        # other providers, and agents without an LLM, may have such names
        assert AssistantAgent("My Assistant", llm_config={"api_type": "anthropic", "model": "m", "api_key": "k"})
        asst = AssistantAgent("assistant", llm_config=server.llm_config)
        user = proxy()
        user._name = "User Proxy"
        user.initiate_chat(asst, message="hi", max_turns=1)
        assert server.requests[0].messages[1]["name"] == "User_Proxy"  # sent in a form the API takes
        assert asst.chat_messages[user][0]["name"] == "User Proxy"


def test_exceptions_keep_old_names():
    from autogen.exception_utils import NoEligibleSpeaker, NoEligibleSpeakerError

    assert NoEligibleSpeaker is NoEligibleSpeakerError


def test_transform_messages_limit_what_the_llm_sees(stream):
    from autogen.agentchat.contrib.capabilities.transform_messages import TransformMessages
    from autogen.agentchat.contrib.capabilities.transforms import MessageHistoryLimiter

    with FakeLLMServer(lambda req: "noted") as server:
        asst = AssistantAgent("asst", llm_config=server.llm_config)
        TransformMessages(transforms=[MessageHistoryLimiter(max_messages=3)], verbose=False).add_to_agent(asst)
        user = ConversableAgent("user", llm_config=False, human_input_mode="NEVER", default_auto_reply="more")
        user.initiate_chat(asst, message="start", max_turns=5)
        last = server.requests[-1].messages
        assert last[0]["role"] == "system"
        assert len(last) == 4  # system + the last 3 messages
        assert len(asst.chat_messages[user]) == 10  # stored history untouched (5 turns)


def test_an_llm_config_dict_is_copied_deeply():
    from autogen.agentchat.conversable_agent import _copy_config

    entry = {"model": "m", "api_key": "sk-x", "tags": ["a"], "extra_body": {"k": [1, {"n": 2}]}}
    config = {"config_list": [entry], "temperature": 0.5}
    agent = ConversableAgent("copy_check", llm_config=config)
    entry["tags"].append("b")
    entry["extra_body"]["k"][1]["n"] = 3
    config["config_list"].append({"model": "other"})
    kept = agent.llm_config.config_list
    assert len(kept) == 1 and kept[0].tags == ["a"]
    assert kept[0].model_dump()["extra_body"] == {"k": [1, {"n": 2}]}
    assert agent.client._config_list[0]["extra_body"] == {"k": [1, {"n": 2}]}

    class Marker:
        pass

    original = {"a": [Marker(), (1, [2])], "b": {"c": None, "d": 1.5}}
    copied = _copy_config(original)
    assert copied == {**original, "a": [copied["a"][0], (1, [2])]}
    assert copied["a"][0] is not original["a"][0] and isinstance(copied["a"][0], Marker)  # other objects: deepcopy
    assert copied["a"][1][1] is not original["a"][1][1] and copied["b"] is not original["b"]
