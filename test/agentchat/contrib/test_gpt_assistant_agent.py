"""GPTAssistantAgent against a fake Assistants API on 127.0.0.1, through the real openai SDK (``client.beta``):
assistants found by name or created, instructions/tools overwritten, threads and runs with function calls
that the agent executes and submits, citations, thread clean-up, and the clear error without the API."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest
from fake_assistants_api import FakeAssistantsAPI

from autogen import UserProxyAgent
from autogen.agentchat.contrib.gpt_assistant_agent import GPTAssistantAgent
from autogen.oai import openai_assistants
from autogen.oai.openai_utils import detect_gpt_assistant_api_version, retrieve_assistants_by_name

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

STARS = {
    "name": "ossinsight_data_api",
    "description": "Answer a question about GitHub data.",
    "parameters": {
        "type": "object",
        "properties": {"question": {"type": "string", "description": "The question."}},
        "required": ["question"],
    },
}


def agent(api: FakeAssistantsAPI, name: str = "analyst", **kwargs) -> GPTAssistantAgent:
    kwargs.setdefault("llm_config", {"config_list": api.config_list})
    return GPTAssistantAgent(name, **kwargs)


def test_creates_an_assistant_and_answers_through_a_run() -> None:
    with FakeAssistantsAPI(["Hello from the assistant."]) as api:
        a = agent(api, instructions="Be brief.")
        assert a.get_assistant_instructions() == "Be brief." and a.system_message == "Be brief."
        created = api.assistants[a.assistant_id]
        assert created["name"] == "analyst" and created["model"] == "gpt-4o" and created["tools"] == []
        ok, reply = a._invoke_assistant([{"role": "user", "content": "Hi"}])
        run = next(iter(api.runs.values()))
    assert ok is True and reply == {"role": "assistant", "content": "Hello from the assistant."}
    assert run["instructions"] == "Be brief." and run["assistant_id"] == a.assistant_id


def test_runs_function_calls_and_submits_their_outputs() -> None:
    asked = []

    def ossinsight_data_api(question: str) -> str:
        asked.append(question)
        return "microsoft/autogen has 123,456 stars."

    with FakeAssistantsAPI(
        [
            {"tool_calls": [("ossinsight_data_api", {"question": "stars of microsoft/autogen"})]},
            "microsoft/autogen has 123,456 stars on GitHub.",
        ]
    ) as api:
        a = agent(api, assistant_config={"tools": [{"type": "function", "function": STARS}]})
        a.register_function(function_map={"ossinsight_data_api": ossinsight_data_api})
        ok, reply = a._invoke_assistant([{"role": "user", "content": "How many stars has microsoft/autogen?"}])
        executable = a.can_execute_function("ossinsight_data_api")
        a.reset()
        assert len(a._openai_threads) == 0 and len(api.deleted_threads) == 1
        submitted = api.submitted
        assert api.assistants[a.assistant_id]["tools"] == [{"type": "function", "function": STARS}]
    assert asked == ["stars of microsoft/autogen"]
    assert submitted[0][0]["output"] == "microsoft/autogen has 123,456 stars."
    assert ok and "123,456" in reply["content"] and executable is False


def test_finds_the_assistant_by_name_and_filters_mismatches() -> None:
    tools = [{"type": "function", "function": STARS}, {"type": "code_interpreter"}]
    with FakeAssistantsAPI() as api:
        first = agent(api, instructions="Same", assistant_config={"tools": tools})
        again = agent(api, instructions="Same", assistant_config={"tools": tools})
        assert again.assistant_id == first.assistant_id and len(api.assistants) == 1
        assert [x.id for x in retrieve_assistants_by_name(first.openai_client, "analyst")] == [first.assistant_id]
        other_instructions = agent(api, instructions="Different", assistant_config={"tools": tools})
        other_tools = agent(api, instructions="Same", assistant_config={"tools": tools[:1]})
        assert len({first.assistant_id, other_instructions.assistant_id, other_tools.assistant_id}) == 3
        first.delete_assistant()
        assert first.assistant_id not in api.assistants


def test_existing_assistant_id_instructions_and_tools() -> None:
    with FakeAssistantsAPI() as api:
        first = agent(api, instructions="This is a test #1")
        aid = first.assistant_id
        # no instructions: the assistant's are used
        kept = agent(api, assistant_config={"assistant_id": aid})
        assert kept.get_assistant_instructions() == "This is a test #1" and kept.system_message == "This is a test #1"
        # instructions given, not overwritten: used for runs only
        local = agent(api, instructions="Only here", llm_config={"config_list": api.config_list, "assistant_id": aid})
        assert local.system_message == "Only here" and api.assistants[aid]["instructions"] == "This is a test #1"
        # overwritten (assistant_id given the 0.2 way, in llm_config)
        over = agent(
            api,
            instructions="This is a test #2",
            llm_config={"config_list": api.config_list, "assistant_id": aid},
            overwrite_instructions=True,
        )
        assert over.get_assistant_instructions() == "This is a test #2" == api.assistants[aid]["instructions"]
        tools = [{"type": "function", "function": STARS}]
        agent(api, assistant_config={"assistant_id": aid, "tools": tools})
        assert api.assistants[aid]["tools"] == []
        agent(api, assistant_config={"assistant_id": aid, "tools": tools}, overwrite_tools=True)
        assert api.assistants[aid]["tools"] == tools


def test_in_a_chat_each_partner_has_a_thread_and_only_new_messages_are_sent() -> None:
    with FakeAssistantsAPI(["first answer", "second answer"]) as api:
        a = agent(api, instructions="Answer.")
        user = UserProxyAgent(
            "user", human_input_mode="NEVER", code_execution_config=False, max_consecutive_auto_reply=0
        )
        user.initiate_chat(a, message="question one", max_turns=1)
        user.send("question two", a, request_reply=True)
        thread_id = a.oai_threads[user].id
        roles_and_texts = [(m["role"], m["content"][0]["text"]["value"]) for m in api.messages[thread_id]]
        a.clear_history(user)
        assert user not in a.oai_threads and api.deleted_threads == [thread_id]
    assert roles_and_texts == [
        ("user", "question one"),
        ("assistant", "first answer"),
        ("user", "question two"),
        ("assistant", "second answer"),
    ]
    assert user.last_message(a)["content"] == "second answer"


def test_tool_function_and_system_roles_become_roles_the_api_accepts() -> None:
    with FakeAssistantsAPI(["ok", "ok", "ok"]) as api:
        a = agent(api)
        for history in (
            [{"role": "system", "content": "Be nice"}, {"role": "user", "content": "Run it"}],
            [{"role": "tool", "content": "result: 1"}, {"role": "function", "content": "{}", "name": "f"}],
            [{"role": "user", "content": ""}, {"role": "assistant", "content": None}, {"role": "user", "content": "x"}],
        ):
            ok, reply = a._invoke_assistant(history)
            assert ok and reply["role"] == "assistant"
    posted = [body["role"] for method, path, body in api.requests if method == "POST" and path.endswith("/messages")]
    assert posted == ["user", "user", "assistant", "assistant", "user"]  # empty contents are not sent


def test_citations_become_footnotes() -> None:
    text = "See the doc【4:0†source】."
    outcome = {
        "text": text,
        "annotations": [
            {
                "type": "file_citation",
                "text": "【4:0†source】",
                "start_index": 11,
                "end_index": 23,
                "file_citation": {"file_id": "file_1"},
            }
        ],
    }
    with FakeAssistantsAPI([outcome]) as api:
        _, reply = agent(api)._invoke_assistant([{"role": "user", "content": "cite"}])
    assert reply["content"] == "See the doc [0].\n[0] file_1.txt"


def test_failed_run_raises_with_the_run_info() -> None:
    with FakeAssistantsAPI([{"status": "failed", "last_error": {"code": "server_error", "message": "boom"}}]) as api:
        a = agent(api)
        with pytest.raises(ValueError, match="Unexpected run status: failed"):
            a._invoke_assistant([{"role": "user", "content": "hi"}])


def test_config_checks_and_version() -> None:
    assert detect_gpt_assistant_api_version() == "v2"
    with pytest.raises(ValueError, match="llm_config=False"):
        GPTAssistantAgent("x", llm_config=False)
    client = SimpleNamespace(beta=SimpleNamespace())  # an SDK whose beta namespace lost the Assistants API
    with pytest.raises(RuntimeError, match="no Assistants API"):
        openai_assistants.retrieve_assistants_by_name(client, "x")
    with pytest.raises(ValueError, match="Cannot specify both"):
        openai_assistants.create_gpt_assistant(
            SimpleNamespace(beta=SimpleNamespace(assistants=1, threads=1)),
            "n",
            "i",
            "m",
            {"tool_resources": {"file_search": {}}, "file_ids": ["f"]},
        )


def test_sdk_without_the_assistants_api_gets_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from openai.resources import beta

    with FakeAssistantsAPI() as api:
        monkeypatch.delattr(beta.Beta, "assistants")
        with pytest.raises(RuntimeError, match=r"client\.beta\.assistants is missing"):
            agent(api)


def test_agent_builder_can_build_assistant_agents() -> None:
    from autogen.agentchat.contrib.captainagent import AgentBuilder

    with FakeAssistantsAPI() as api:
        builder = AgentBuilder(llm_config={"config_list": api.config_list})
        config = {
            "building_task": "t",
            "agent_configs": [{"name": "Helper", "system_message": "Help.", "description": "helps"}],
            "coding": False,
            "default_llm_config": {"temperature": 0},
            "code_execution_config": {"use_docker": False},
        }
        agents, _ = builder.load(config_json=json.dumps(config), use_oai_assistant=True)
        assert isinstance(agents[0], GPTAssistantAgent)
        assert api.assistants[agents[0].assistant_id]["instructions"] == "Help."
