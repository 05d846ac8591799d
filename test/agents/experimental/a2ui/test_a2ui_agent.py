"""A2UIAgent in real chats: its model is a FakeLLMServer, so the validation loop's requests are real."""

from __future__ import annotations

import json
from typing import Any

import pytest

pytest.importorskip("jsonschema")

from autogen import ConversableAgent
from autogen.agents.experimental import A2UIAgent as ExportedAgent
from autogen.agents.experimental.a2ui import A2UIAction, A2UIAgent, A2UISchemaManager
from autogen.testing import FakeLLMServer

CATALOG = "https://a2ui.org/specification/v0_9/basic_catalog.json"
CREATE = {"version": "v0.9", "createSurface": {"surfaceId": "s1", "catalogId": CATALOG}}
CARD = {
    "version": "v0.9",
    "updateComponents": {
        "surfaceId": "s1",
        "components": [
            {"id": "root", "component": "Card", "child": "title"},
            {"id": "title", "component": "Text", "text": "Hello"},
        ],
    },
}


def answer(text: str, *operations: Any) -> str:
    return f"{text}\n---a2ui_JSON---\n{json.dumps(list(operations))}"


def chat_requests(llm: FakeLLMServer) -> list[Any]:
    return [r for r in llm.requests if r.path.endswith("/chat/completions")]


def ask(agent: A2UIAgent, text: str) -> str:
    user = ConversableAgent("user", llm_config=False, human_input_mode="NEVER")
    result = user.initiate_chat(agent, message=text, max_turns=1, silent=True)
    return str(result.chat_history[-1]["content"])


def test_valid_answer_is_kept_and_the_prompt_teaches_a2ui(llm: FakeLLMServer) -> None:
    reply = answer("Here is a card.", CREATE, CARD)
    llm.add_replies(reply)
    agent = A2UIAgent(llm_config=llm.llm_config)
    assert ask(agent, "show me a card") == reply
    (request,) = chat_requests(llm)
    system = request.messages[0]
    assert system["role"] == "system"
    assert system["content"].startswith(A2UIAgent.DEFAULT_SYSTEM_MESSAGE)
    assert "A2UI Response Format (v0.9)" in system["content"] and CATALOG in system["content"]


def test_invalid_answer_is_retried_with_its_errors(llm: FakeLLMServer) -> None:
    broken = answer("Here.", {"version": "v0.9", "createSurface": {"surfaceId": "s1"}})
    fixed = answer("Here.", CREATE)
    llm.add_replies(broken, fixed)
    agent = A2UIAgent(llm_config=llm.llm_config)
    assert ask(agent, "show me a surface") == fixed
    _, second = chat_requests(llm)
    assert [m["role"] for m in second.messages[-3:]] == ["user", "assistant", "user"]
    assert second.messages[-2]["content"] == broken
    feedback = second.messages[-1]["content"]
    assert "Operation 0: 'catalogId' is a required property" in feedback
    assert '"version": "v0.9"' in feedback


def test_component_errors_are_named_per_component(llm: FakeLLMServer) -> None:
    bad_button = {
        "version": "v0.9",
        "updateComponents": {
            "surfaceId": "s1",
            "components": [{"id": "go", "component": "Button", "text": "Go", "action": {"event": {"name": "go"}}}],
        },
    }
    llm.add_replies(answer("A button.", CREATE, bad_button), answer("A button.", CREATE, CARD))
    ask(A2UIAgent(llm_config=llm.llm_config), "a button please")
    feedback = chat_requests(llm)[1].messages[-1]["content"]
    assert "Component 'go' (Button): 'child' is a required property" in feedback


def test_retries_exhausted_gives_the_text_alone(llm: FakeLLMServer) -> None:
    broken = "Sorry, here it is.\n---a2ui_JSON---\n[{not json"
    llm.add_replies(broken, broken, broken)
    agent = A2UIAgent(llm_config=llm.llm_config, validation_retries=2)
    assert ask(agent, "show me") == "Sorry, here it is."
    assert len(chat_requests(llm)) == 3
    assert "Invalid JSON" in chat_requests(llm)[2].messages[-1]["content"]


def test_plain_text_and_no_validation(llm: FakeLLMServer) -> None:
    unchecked = answer("As you like.", {"version": "v0.9", "createSurface": {"surfaceId": "s1"}})
    llm.add_replies("Just text.", unchecked)
    assert ask(A2UIAgent(llm_config=llm.llm_config), "hi") == "Just text."
    assert ask(A2UIAgent(llm_config=llm.llm_config, validate_responses=False), "hi") == unchecked
    assert len(chat_requests(llm)) == 2


async def test_async_chat_validates_too(llm: FakeLLMServer) -> None:
    llm.add_replies(answer("x", {"version": "v0.9"}), answer("Done.", CREATE))
    agent = A2UIAgent(llm_config=llm.llm_config)
    user = ConversableAgent("user", llm_config=False, human_input_mode="NEVER")
    result = await user.a_initiate_chat(agent, message="go", max_turns=1, silent=True)
    assert result.chat_history[-1]["content"] == answer("Done.", CREATE)
    assert len(chat_requests(llm)) == 2


def test_termination_is_checked_before_the_a2ui_reply(llm: FakeLLMServer) -> None:
    agent = A2UIAgent(
        llm_config=llm.llm_config,
        human_input_mode="NEVER",
        is_termination_msg=lambda m: "BYE" in (m.get("content") or ""),
    )
    user = ConversableAgent("user", llm_config=False, human_input_mode="NEVER")
    user.initiate_chat(agent, message="BYE", max_turns=2, silent=True)
    assert chat_requests(llm) == []


def test_system_message_updates_keep_the_a2ui_section() -> None:
    agent = A2UIAgent(system_message="You sell shoes.", llm_config=False)
    assert agent.system_message == f"You sell shoes.\n\n{agent.a2ui_prompt_section}"
    agent.update_system_message("You sell hats.")
    assert agent.system_message == f"You sell hats.\n\n{agent.a2ui_prompt_section}"
    agent.update_system_message(agent.system_message)
    assert agent.system_message.count("## A2UI Response Format") == 1


def test_options_shape_the_prompt(tmp_path: Any) -> None:
    catalog = {
        "$id": "https://shop.example/catalog.json",
        "components": {
            "Rating": {"description": "Stars from 0 to 5."},
            "Price": {"allOf": [{"properties": {"id": {}, "component": {}, "amount": {}, "currency": {}}}]},
        },
    }
    path = tmp_path / "catalog.json"
    path.write_text(json.dumps(catalog))
    actions = [
        A2UIAction(name="buy", tool_name="buy_item", description="Buy it", example_context={"sku": "A1"}),
        A2UIAction(name="openUrl", action_type="functionCall", example_args={"url": "https://shop.example"}),
    ]
    agent = A2UIAgent(
        llm_config=False,
        custom_catalog=path,
        custom_catalog_rules="Rating needs 'value'.",
        response_delimiter="@@UI@@",
        include_schema_in_prompt=False,
        actions=actions,
    )
    prompt = agent.system_message
    assert agent.catalog_id == "https://shop.example/catalog.json" and agent.catalog_id in prompt
    assert "- **Rating**: Stars from 0 to 5." in prompt
    assert "- **Price**: Properties: amount, currency" in prompt
    assert "Rating needs 'value'." in prompt and "REQUIRED PROPERTIES" in prompt
    assert "@@UI@@" in prompt and "---a2ui_JSON---" not in prompt
    assert "A2UI Message Schema" not in prompt
    assert '- `buy`: Buy it\n  Context: {"sku": "A1"}' in prompt
    assert (
        '"functionCall": {"call": "openUrl", "args": {"url": "https://shop.example"}, "returnType": "void"}' in prompt
    )
    assert agent.get_action("buy") is actions[0] and agent.get_action("sell") is None
    assert ExportedAgent is A2UIAgent


def test_client_function_buttons_are_checked_against_the_catalog() -> None:
    agent = A2UIAgent(llm_config=False, actions=[A2UIAction(name="openUrl", action_type="functionCall")])

    def button(call: dict[str, Any]) -> list[dict[str, Any]]:
        label = {"id": "label", "component": "Text", "text": "Open"}
        root = {"id": "root", "component": "Button", "child": "label", "action": {"functionCall": call}}
        return [CREATE, {"version": "v0.9", "updateComponents": {"surfaceId": "s1", "components": [root, label]}}]

    good = {"call": "openUrl", "args": {"url": "https://example.com"}, "returnType": "void"}
    assert agent.response_parser.validate(button(good)).is_valid
    result = agent.response_parser.validate(button({"call": "openUrl", "args": {}, "returnType": "void"}))
    expected = (
        "Operation 1: Component 'root' (Button): "
        "{'call': 'openUrl', 'args': {}, 'returnType': 'void'} is not valid under any of the given schemas "
        "(at action/functionCall)"
    )
    assert result.errors == [expected]


def test_schema_manager_rejects_what_it_cannot_serve() -> None:
    with pytest.raises(ValueError, match="Unsupported A2UI protocol version"):
        A2UISchemaManager(protocol_version="v1.0")
    with pytest.raises(ValueError, match="must include a '\\$id'"):
        A2UISchemaManager(custom_catalog={"components": {}})
