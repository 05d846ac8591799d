"""Values the framework injects into tools: Depends providers, constants, contexts, chat state."""

from __future__ import annotations

from typing import Annotated, Any

import pytest
from pydantic import BaseModel

from autogen.tools import BaseContext, ChatContext, Depends, Tool
from autogen.tools.dependency_injection import get_context_params, inject_params, on


class Account(BaseContext, BaseModel):
    username: str
    password: str


class ContextVariables:  # recognised by its class name, as the group-chat class will be
    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data


def test_depends_provider_is_called_for_every_call() -> None:
    calls = []

    def get_token() -> str:
        calls.append(1)
        return f"tok{len(calls)}"

    def fetch(url: str, token: Annotated[str, Depends(get_token)]) -> str:
        return f"{url}?{token}"

    run = Tool(func_or_tool=fetch).make_executable()
    assert run(url="u") == "u?tok1"
    assert run(url="u") == "u?tok2"


def test_on_injects_a_constant_and_default_form_works() -> None:
    def login(user: str, password: Annotated[str, Depends(on("hunter2"))], host: str = Depends(on("db"))) -> str:
        return f"{user}:{password}@{host}"

    t = Tool(func_or_tool=login)
    assert t.make_executable()(user="bob") == "bob:hunter2@db"
    assert t(user="bob") == "bob:hunter2@db"  # direct calls inject too
    assert t.func(user="al") == "al:hunter2@db"


def test_base_context_instance_is_injected_as_is() -> None:
    account = Account(username="bob", password="pw")

    def whoami(account: Annotated[Account, Depends(account)]) -> str:
        return account.username

    t = Tool(func_or_tool=whoami)
    assert t.tool_schema["function"]["parameters"]["properties"] == {}
    assert t.make_executable()() == "bob"


def test_model_cannot_override_an_injected_value() -> None:
    def pay(amount: int, account: Annotated[Account, Depends(Account(username="bob", password="pw"))]) -> str:
        return account.username

    t = Tool(func_or_tool=pay)
    forged = {"username": "mallory", "password": "x"}
    # the model's value is dropped (as in ag2) and the injected account used, by agents and direct calls
    assert t.make_executable()(amount=1, account=forged) == "bob"
    assert t(amount=1, account=forged) == "bob"


def test_providers_can_depend_on_providers_and_on_tool_arguments() -> None:
    def base_url() -> str:
        return "https://api"

    def endpoint(city: str, base: str = Depends(base_url)) -> str:
        return f"{base}/{city}"

    def weather(city: str, url: Annotated[str, Depends(endpoint)]) -> str:
        return url

    assert Tool(func_or_tool=weather).make_executable()(city="Paris") == "https://api/Paris"


def test_provider_needing_an_unknown_input_is_rejected_early() -> None:
    def needs(x: int) -> int:
        return x

    def f(a: int, v: int = Depends(needs)) -> int:
        return a + v

    with pytest.raises(TypeError, match="needs the parameter 'x'"):
        Tool(func_or_tool=f)


async def test_async_providers_are_awaited_in_async_tools() -> None:
    async def load_user() -> str:
        return "ann"

    async def hello(greeting: str, user: Annotated[str, Depends(load_user)]) -> str:
        return f"{greeting} {user}"

    assert await Tool(func_or_tool=hello).make_executable()(greeting="hi") == "hi ann"


def test_async_provider_in_sync_tool_is_a_clear_error() -> None:
    async def load_user() -> str:
        return "ann"

    def hello(user: Annotated[str, Depends(load_user)]) -> str:
        return user

    with pytest.raises(TypeError, match="make 'hello' an 'async def'"):
        Tool(func_or_tool=hello)


def test_depends_rejects_values_that_are_not_providers() -> None:
    with pytest.raises(TypeError, match=r"Depends\(on\(value\)\)"):
        Depends("secret")


def test_chat_context_gives_the_executing_agents_messages(agent: Any) -> None:
    def summarize(topic: str, ctx: ChatContext) -> str:
        last = ctx.last_message
        return f"{topic}: {len(ctx.chat_messages['partner'])} messages, last={last['content']}"

    t = Tool(func_or_tool=summarize)
    assert list(t.tool_schema["function"]["parameters"]["properties"]) == ["topic"]
    t.register_for_execution(agent)
    assert agent.function_map["summarize"](topic="x") == "x: 2 messages, last=hello"
    agent.chat_messages["partner"].append({"role": "user", "content": "bye"})  # read live
    assert agent.function_map["summarize"](topic="x") == "x: 3 messages, last=bye"


def test_chat_context_uses_the_agents_last_message_method_when_present(agent_cls: Any) -> None:
    class Agent(agent_cls):
        def last_message(self, agent: Any = None) -> dict[str, Any]:
            return {"content": "from method"}

    ctx = ChatContext(Agent("a", {"x": [], "y": []}))
    assert ctx.last_message == {"content": "from method"}
    with pytest.raises(ValueError, match="more than one conversation"):
        ChatContext(agent_cls("b", {"x": [{}], "y": [{}]})).last_message  # noqa: B018


def test_chat_context_needs_an_agent() -> None:
    def f(ctx: ChatContext) -> str:
        return "x"

    with pytest.raises(TypeError, match=r"make_executable\(agent=...\)"):
        Tool(func_or_tool=f).make_executable()


def test_context_variables_come_from_the_agent(agent: Any) -> None:
    def bump(key: str, context_variables: ContextVariables) -> str:
        context_variables.data[key] = context_variables.data.get(key, 0) + 1
        return str(context_variables.data[key])

    def read(key: str, context_variables: dict | None = None) -> str:
        return "none" if context_variables is None else str(context_variables.data[key])

    shared = ContextVariables({"n": 1})
    agent.context_variables = shared
    assert Tool(func_or_tool=bump).tool_schema["function"]["parameters"]["required"] == ["key"]
    assert Tool(func_or_tool=bump).make_executable(agent=agent)(key="n") == "2"
    assert shared.data["n"] == 2
    assert Tool(func_or_tool=read).make_executable(agent=agent)(key="n") == "2"
    agent.context_variables = None  # no shared context: the parameter keeps its default
    assert Tool(func_or_tool=read).make_executable(agent=agent)(key="n") == "none"


def test_context_without_provider_must_be_given_one() -> None:
    def f(a: int, account: Account) -> str:
        return account.username

    t = Tool(func_or_tool=f)
    assert list(t.tool_schema["function"]["parameters"]["properties"]) == ["a"]
    with pytest.raises(TypeError, match=r"Annotated\[Account, Depends"):
        t.make_executable()
    # a direct call can still pass it
    assert t(a=1, account=Account(username="z", password="p")) == "z"


def test_helpers_report_and_hide_context_parameters() -> None:
    def f(a: int, ctx: ChatContext, acc: Annotated[Account, Depends(Account(username="q", password="p"))]) -> str:
        return acc.username

    assert get_context_params(f, subclass=ChatContext) == ["ctx"]
    assert get_context_params(f) == ["ctx", "acc"]
    wrapped = inject_params(f)
    assert wrapped(a=1, ctx=None) == "q"
