"""An A2UIAgent served over A2A by uvicorn on 127.0.0.1 (its model a FakeLLMServer), asked over JSON-RPC."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from uuid import uuid4

import pytest

pytest.importorskip("a2a")
pytest.importorskip("jsonschema")

import httpx

from autogen import ConversableAgent
from autogen.a2a import A2aAgentServer, A2aRemoteAgent
from autogen.a2a.constants import A2UI_MIME_TYPE
from autogen.agents.experimental.a2ui import (
    A2UI_EXTENSION_URI,
    A2UIAction,
    A2UIAgent,
    A2UIAgentExecutor,
    create_a2ui_part,
    get_a2ui_agent_extension,
    get_a2ui_datapart,
    is_a2ui_part,
)
from autogen.testing import FakeLLMServer

Serve = Callable[[Callable[[str], Any]], str]
DELETE = {"version": "v0.9", "deleteSurface": {"surfaceId": "s1"}}
CREATE = {
    "version": "v0.9",
    "createSurface": {"surfaceId": "s1", "catalogId": "https://a2ui.org/specification/v0_9/basic_catalog.json"},
}
ANSWER = f"Here you are.\n---a2ui_JSON---\n{json.dumps([CREATE, DELETE])}"


def make_agent(llm: FakeLLMServer, **kwargs: Any) -> A2UIAgent:
    return A2UIAgent(name="ui", llm_config=llm.llm_config, human_input_mode="NEVER", **kwargs)


def send(
    base: str, parts: list[dict[str, Any]], *, a2ui: bool, legacy_header: bool = True, task: Any = None
) -> dict[str, Any]:
    """``message/send`` (A2A 0.3 JSON-RPC), continuing ``task`` if given; the task as it stands."""
    header = "X-A2A-Extensions" if legacy_header else "A2A-Extensions"
    message = {"role": "user", "parts": parts, "messageId": uuid4().hex, "kind": "message"}
    if task is not None:
        message.update(taskId=task["id"], contextId=task["contextId"])
    body = {"jsonrpc": "2.0", "id": 1, "method": "message/send", "params": {"message": message}}
    response = httpx.post(f"{base}/", json=body, headers={header: A2UI_EXTENSION_URI} if a2ui else {}, timeout=30)
    response.raise_for_status()
    return response.json()["result"]


def a2a_app(agent: A2UIAgent, url: str) -> Any:
    return A2aAgentServer(agent, url=f"{url}/").build()


def text(content: str) -> dict[str, Any]:
    return {"kind": "text", "text": content}


def chat_requests(llm: FakeLLMServer) -> list[Any]:
    return [r for r in llm.requests if r.path.endswith("/chat/completions")]


def test_card_declares_the_a2ui_extension(llm: FakeLLMServer, serve: Serve) -> None:
    agent = make_agent(llm, custom_catalog={"$id": "https://shop.example/catalog.json", "components": {}})
    assert isinstance(A2aAgentServer(agent).executor, A2UIAgentExecutor)
    base = serve(lambda url: a2a_app(agent, url))
    card = httpx.get(f"{base}/.well-known/agent-card.json").json()
    (extension,) = card["capabilities"]["extensions"]
    assert extension["uri"] == A2UI_EXTENSION_URI
    assert extension["params"] == {"supportedCatalogIds": ["https://shop.example/catalog.json"]}


@pytest.mark.parametrize("legacy_header", [True, False])
def test_a2ui_client_gets_text_and_data_parts(llm: FakeLLMServer, serve: Serve, legacy_header: bool) -> None:
    llm.add_replies(ANSWER)
    base = serve(lambda url: a2a_app(make_agent(llm), url))
    task = send(base, [text("show me")], a2ui=True, legacy_header=legacy_header)
    assert task["status"]["state"] == "completed"
    parts = task["status"]["message"]["parts"]
    assert parts[0] == {"kind": "text", "text": "Here you are."}
    assert [(p["kind"], p["data"], p["metadata"]) for p in parts[1:]] == [
        ("data", CREATE, {"mimeType": A2UI_MIME_TYPE}),
        ("data", DELETE, {"mimeType": A2UI_MIME_TYPE}),
    ]


def test_other_clients_get_the_raw_text(llm: FakeLLMServer, serve: Serve) -> None:
    llm.add_replies(ANSWER, ANSWER)
    base = serve(lambda url: a2a_app(make_agent(llm), url))
    task = send(base, [text("show me")], a2ui=False)
    assert task["status"]["message"]["parts"] == [{"kind": "text", "text": ANSWER}]

    # AG2's own client reads the answer from the status message
    remote = A2aRemoteAgent(url=f"{base}/", name="ui")
    user = ConversableAgent("user", llm_config=False, human_input_mode="NEVER")
    result = user.initiate_chat(remote, message="show me", max_turns=1, silent=True)
    assert result.chat_history[-1]["content"] == ANSWER


def test_human_input_pauses_the_task(llm: FakeLLMServer, serve: Serve) -> None:
    llm.add_replies(ANSWER)
    agent = A2UIAgent(name="ui", llm_config=llm.llm_config, human_input_mode="ALWAYS")
    base = serve(lambda url: a2a_app(agent, url))
    task = send(base, [text("show me")], a2ui=True)
    assert task["status"]["state"] == "input-required"
    assert chat_requests(llm) == []
    task = send(base, [text("show me"), text("yes, a surface")], a2ui=True, task=task)
    assert task["status"]["state"] == "completed"
    assert [p["kind"] for p in task["status"]["message"]["parts"]] == ["text", "data", "data"]
    assert chat_requests(llm)[0].messages[-1]["content"] == "yes, a surface"


def test_invalid_json_is_sent_as_text(llm: FakeLLMServer, serve: Serve) -> None:
    broken = "Here.\n---a2ui_JSON---\n[{oops"
    llm.add_replies(broken)
    base = serve(lambda url: a2a_app(make_agent(llm, validate_responses=False), url))
    task = send(base, [text("show me")], a2ui=True)
    assert task["status"]["message"]["parts"] == [{"kind": "text", "text": broken}]


def test_button_action_runs_its_tool(llm: FakeLLMServer, serve: Serve) -> None:
    agent = make_agent(llm, actions=[A2UIAction(name="book", tool_name="book_table", description="Book a table")])
    booked: list[dict[str, Any]] = []

    @agent.register_for_llm(description="Book a table.")
    def book_table(day: str, people: int) -> str:
        booked.append({"day": day, "people": people})
        return f"Booked for {people} on {day}."

    base = serve(lambda url: a2a_app(agent, url))
    click = {"messages": [{"action": {"name": "book", "context": {"day": "Friday", "people": 2}}}]}
    task = send(base, [{"kind": "data", "data": click, "metadata": {"mimeType": A2UI_MIME_TYPE}}], a2ui=True)
    assert task["status"]["message"]["parts"] == [{"kind": "text", "text": "Booked for 2 on Friday."}]
    assert booked == [{"day": "Friday", "people": 2}]
    assert chat_requests(llm) == []


def test_button_action_without_tool_goes_to_the_llm(llm: FakeLLMServer, serve: Serve) -> None:
    llm.add_replies("Rewritten.")
    agent = make_agent(llm, actions=[A2UIAction(name="rewrite", description="Write the previews again")])
    base = serve(lambda url: a2a_app(agent, url))
    # genui's form: a data part holding the action, no MIME type
    click = {"version": "v0.9", "action": {"name": "rewrite", "context": {"tone": "funny"}}}
    task = send(base, [text("earlier question"), {"kind": "data", "data": click}], a2ui=True)
    assert task["status"]["message"]["parts"] == [{"kind": "text", "text": "Rewritten."}]
    (request,) = chat_requests(llm)
    assert request.messages[-1] == {
        "role": "user",
        "content": "The user clicked the 'rewrite' button. Action: Write the previews again. "
        'Context: {"tone": "funny"}',
    }


def test_streamed_answer_arrives_as_working_updates(llm: FakeLLMServer, serve: Serve) -> None:
    llm.add_replies(ANSWER)
    config = llm.llm_config
    config["config_list"][0]["stream"] = True
    agent = A2UIAgent(name="ui", llm_config=config, human_input_mode="NEVER", validate_responses=False)
    base = serve(lambda url: a2a_app(agent, url))
    message = {"role": "user", "parts": [text("show me")], "messageId": "m1", "kind": "message"}
    body = {"jsonrpc": "2.0", "id": 1, "method": "message/stream", "params": {"message": message}}
    events: list[dict[str, Any]] = []
    with httpx.stream(
        "POST", f"{base}/", json=body, headers={"X-A2A-Extensions": A2UI_EXTENSION_URI}, timeout=30
    ) as response:
        for line in response.iter_lines():
            if line.startswith("data:"):
                events.append(json.loads(line[5:])["result"])
    updates = [e for e in events if e.get("kind") == "status-update"]
    chunks = [
        u["status"]["message"]["parts"][0]["text"]
        for u in updates
        if u["status"]["state"] == "working" and u["status"].get("message")
    ]
    assert "".join(chunks) == ANSWER
    final = updates[-1]["status"]
    assert final["state"] == "completed"
    assert [p["kind"] for p in final["message"]["parts"]] == ["text", "data", "data"]


def test_part_helpers() -> None:
    single = create_a2ui_part(CREATE)
    assert not isinstance(single, list) and is_a2ui_part(single)
    datapart = get_a2ui_datapart(single)
    assert datapart is not None and datapart.data == CREATE
    several = create_a2ui_part([CREATE, DELETE])
    assert isinstance(several, list) and [p.root.data for p in several] == [CREATE, DELETE]
    extension = get_a2ui_agent_extension(accepts_inline_custom_catalog=True)
    assert (extension.uri, extension.params) == (A2UI_EXTENSION_URI, {"acceptsInlineCustomCatalog": True})
