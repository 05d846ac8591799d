"""AgentBuilder against a FakeLLMServer that answers the builder's questions (expert names, system messages,
descriptions, coding, library selection), with real files for save/load and the offline embedder for the
library recall."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from autogen import AssistantAgent, UserProxyAgent
from autogen.agentchat.contrib.captainagent import AgentBuilder
from autogen.agentchat.contrib.captainagent import agent_builder as ab
from autogen.agentchat.contrib.text_analyzer_agent import TextAnalyzerAgent
from autogen.testing import FakeLLMServer

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

TASK = "Find a recent paper about gpt-4 on arxiv and find its potential applications in software."
EXEC = {"last_n_messages": 2, "work_dir": "scripts", "timeout": 60, "use_docker": False}


def builder_router(names: str = "ArXiv_Expert, Software Expert", coding: str = "YES", selection: Any = None):
    """Answer each builder prompt by its kind (so the order of the questions does not matter)."""

    def reply(request) -> str:
        prompt = request.messages[-1]["content"]
        if prompt.startswith("# Your task\nSuggest at most"):
            return names
        if prompt.startswith("# Your goal\n- Fill in the template"):
            position = prompt.split("# Expert name\n", 1)[1].split("\n", 1)[0]
            return f"## Your role\n{position} knows its field."
        if prompt.startswith("# Your goal\nSummarize the description"):
            position = prompt.split("# Expert name\n", 1)[1].split("\n", 1)[0]
            return f"{position} is an expert."
        if prompt.startswith("Does solving the following task need programming"):
            return coding
        if prompt.startswith("# Your goal\nMatch each skill") and selection is not None:
            return selection(prompt) if callable(selection) else selection.pop(0)
        raise AssertionError(f"unexpected prompt {prompt[:80]!r}")

    return reply


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_build_asks_the_builder_model_and_creates_the_team(work: Path) -> None:
    with FakeLLMServer(builder_router()) as llm:
        builder = AgentBuilder(llm_config=llm.llm_config, max_agents=3)
        agents, config = builder.build(TASK, default_llm_config={"temperature": 0}, code_execution_config=EXEC)
        prompts = [r.messages[-1]["content"] for r in llm.requests]
    assert [a.name for a in agents] == ["ArXiv_Expert", "Software_Expert", "Computer_terminal"]
    assert all(isinstance(a, AssistantAgent) for a in agents[:2]) and isinstance(agents[2], UserProxyAgent)
    assert len(prompts) == 6  # names, 2 system messages, 2 descriptions, coding
    assert "at most 3 experts" in prompts[0] and TASK in prompts[0]
    assert config["coding"] is True and config["building_task"] == TASK and config["code_execution_config"] == EXEC
    arxiv = agents[0]
    assert arxiv.description == "ArXiv_Expert is an expert."
    assert "**Your role is**: ArXiv_Expert" in arxiv.system_message
    assert "['ArXiv_Expert', 'Software_Expert']" in arxiv.system_message and "Computer_terminal" in arxiv.system_message
    assert "ArXiv_Expert knows its field." in arxiv.system_message
    assert AgentBuilder.CODING_AND_TASK_SKILL_INSTRUCTION in arxiv.system_message
    assert arxiv.llm_config["temperature"] == 0
    assert arxiv.llm_config["config_list"][0]["base_url"] == llm.base_url
    assert config["agent_configs"][1] == {
        "name": "Software_Expert",
        "model": [],
        "tags": [],
        "system_message": "## Your role\nSoftware_Expert knows its field.",
        "description": "Software_Expert is an expert.",
    }
    terminal = agents[2]
    assert terminal._is_termination_msg({"content": "TERMINATE"}) and not terminal._is_termination_msg(
        {"content": "go"}
    )
    assert set(builder.agent_procs_assign) == {"ArXiv_Expert", "Software_Expert"}


def test_build_limits_agents_and_skips_the_coding_question_when_told(work: Path) -> None:
    with FakeLLMServer(builder_router(names="A_Expert, B_Expert, C_Expert, A_Expert")) as llm:
        builder = AgentBuilder(llm_config=llm.llm_config)
        agents, config = builder.build(TASK, default_llm_config={}, coding=False, max_agents=2)
        assert len(llm.requests) == 5
    assert [a.name for a in agents] == ["A_Expert", "B_Expert"] and config["coding"] is False
    assert config["code_execution_config"] == {
        "last_n_messages": 1,
        "work_dir": "groupchat",
        "use_docker": False,
        "timeout": 10,
    }


def test_build_with_given_agent_configs_and_agent_path(work: Path) -> None:
    conf = {
        "building_task": "Generate one TextAnalyzerAgent to analyze text",
        "agent_configs": [
            {
                "name": "TextAnalyzerAgent",
                "model": ["gpt-4o"],
                "description": "Analyzes text.",
                "system_message": "",
                "agent_path": "autogen/agentchat/contrib/text_analyzer_agent/TextAnalyzerAgent",
            }
        ],
        "coding": True,
        "default_llm_config": {"temperature": 0},
        "code_execution_config": EXEC,
    }
    with FakeLLMServer(builder_router(names="Writer_Expert")) as llm:
        agents, config = AgentBuilder(llm_config=llm.llm_config).build(**conf)
    analyzer = agents[0]
    assert isinstance(analyzer, TextAnalyzerAgent) and [a.name for a in agents][1:] == [
        "Writer_Expert",
        "Computer_terminal",
    ]
    assert "You are an expert in text analysis." in analyzer.system_message  # its own system message is kept
    assert AgentBuilder.CODING_AND_TASK_SKILL_INSTRUCTION not in analyzer.system_message
    assert [c["name"] for c in config["agent_configs"]] == ["TextAnalyzerAgent", "Writer_Expert"]


def test_save_then_load_rebuilds_without_the_llm(work: Path) -> None:
    with FakeLLMServer(builder_router()) as llm:
        builder = AgentBuilder(llm_config=llm.llm_config)
        builder.build(TASK, default_llm_config={"temperature": 0}, code_execution_config=EXEC)
        path = builder.save(str(work / "team.json"))
        default_path = builder.save()
        saved = json.loads(Path(path).read_text())
        n_requests = len(llm.requests)

        fresh = AgentBuilder(llm_config=llm.llm_config)
        agents, loaded = fresh.load(path, code_execution_config={**EXEC, "timeout": 5})
        again, from_json = AgentBuilder(llm_config=llm.llm_config).load(config_json=json.dumps(saved))
        assert len(llm.requests) == n_requests
    assert Path(default_path).name.startswith("save_config_") and (work / Path(default_path).name).is_file()
    assert set(saved) == {"building_task", "agent_configs", "coding", "default_llm_config", "code_execution_config"}
    assert [a.name for a in agents] == ["ArXiv_Expert", "Software_Expert", "Computer_terminal"]
    assert loaded["code_execution_config"]["timeout"] == 5 and from_json["code_execution_config"] == EXEC
    assert [a.system_message for a in again] == [a.system_message for a in agents]
    fresh.clear_agent("ArXiv_Expert")
    assert list(fresh.agent_procs_assign) == ["Software_Expert"]
    fresh.clear_all_agents()
    assert fresh.agent_procs_assign == {}


def test_load_checks_the_config(work: Path) -> None:
    builder = AgentBuilder(llm_config={"config_list": [{"model": "m", "api_key": "k"}]})
    with pytest.raises(AssertionError, match='Missing "coding"'):
        builder.load(
            config_json=json.dumps({"agent_configs": [], "default_llm_config": {}, "code_execution_config": {}})
        )
    bad_agent = {
        "coding": False,
        "default_llm_config": {},
        "code_execution_config": {},
        "agent_configs": [{"name": "x"}],
    }
    with pytest.raises(AssertionError, match='Missing agent "system_message"'):
        builder.load(config_json=json.dumps(bad_agent))
    with pytest.raises(ValueError, match="filepath= or config_json="):
        builder.load()


def test_configs_from_an_oai_config_list_file_with_model_filters(work: Path) -> None:
    with FakeLLMServer(builder_router(), model="builder-model") as llm:
        entries = [
            {"model": "builder-model", "api_key": "k", "base_url": llm.base_url, "tags": ["b"]},
            {"model": "agent-model", "api_key": "k", "base_url": llm.base_url, "tags": ["a"]},
        ]
        (work / "OAI_CONFIG_LIST").write_text(json.dumps(entries))
        builder = AgentBuilder(
            config_file_or_env="OAI_CONFIG_LIST", builder_model="builder-model", agent_model=["agent-model"]
        )
        agents, config = builder.build(TASK, default_llm_config={}, coding=False)
        assert {r.model for r in llm.requests} == {"builder-model"}
    assert [e["model"] for e in agents[0].llm_config["config_list"]] == ["agent-model"]
    assert config["agent_configs"][0]["model"] == ["agent-model"]
    with pytest.raises(RuntimeError, match="Fail to initialize build manager"):
        AgentBuilder(config_file_or_env="OAI_CONFIG_LIST", builder_model="gpt-missing")
    builder.cached_configs["coding"] = False
    with pytest.raises(RuntimeError, match="Fail to initialize agent X"):
        builder._create_agent({"name": "X", "model": "nope", "system_message": "", "description": "d"}, ["X"], {})


LIBRARY = [
    {
        "name": "Python_Programmer",
        "description": "Writes and debugs Python programs and scripts.",
        "system_message": "You program in Python.",
    },
    {
        "name": "ArXiv_Researcher",
        "description": "Searches arXiv and reads scientific papers about machine learning.",
        "system_message": "You find papers on arXiv.",
    },
    {"name": "Chef", "description": "Cooks Italian food and plans dinner menus.", "system_message": "You cook."},
    {"name": "Gardener", "description": "Grows tomatoes and prunes fruit trees.", "system_message": "You garden."},
]


def test_build_from_library_recalls_by_embedding_then_selects(work: Path) -> None:
    pools: list[str] = []

    def selection(prompt: str) -> str:
        pools.append(prompt.split("# Expert pool (name: description)\n", 1)[1].split("\n\n# Answer format", 1)[0])
        return (
            "Here you go:\n```json\n{\n"
            '    "search arxiv for machine learning papers": "ArXiv_Researcher: Searches arXiv and reads scientific '
            'papers about machine learning.", // the researcher\n'
            '    "write python code": "Python_Programmer: Writes and debugs Python programs and scripts.",\n'
            '    "check the results": "None"\n}\n```'
        )

    library_file = work / "library.json"
    library_file.write_text(json.dumps(LIBRARY))
    task = "search arxiv for machine learning papers\nwrite python code\ncheck the results"
    with FakeLLMServer(builder_router(names="Checker_Expert", selection=selection)) as llm:
        builder = AgentBuilder(llm_config=llm.llm_config)
        agents, config = builder.build_from_library(
            task, str(library_file), default_llm_config={"temperature": 0}, top_k=1, code_execution_config=EXEC
        )
        from_json, _ = AgentBuilder(llm_config=llm.llm_config).build_from_library(
            task, json.dumps(LIBRARY), default_llm_config={}, top_k=1, coding=False
        )
    pool = pools[0].splitlines()
    assert "ArXiv_Researcher: Searches arXiv and reads scientific papers about machine learning." in pool
    assert "Python_Programmer: Writes and debugs Python programs and scripts." in pool
    assert not any(line.startswith(("Chef", "Gardener")) for line in pool)
    names = [a.name for a in agents]
    assert names == ["ArXiv_Researcher", "Python_Programmer", "Checker_Expert", "Computer_terminal"]
    assert [c["name"] for c in config["agent_configs"]] == names[:3]
    assert config["building_task"] == task and config["coding"] is True
    assert "You find papers on arXiv." in agents[0].system_message
    assert [a.name for a in from_json] == names[:3]


def test_build_from_library_retries_then_fails_on_a_non_json_selection(work: Path) -> None:
    answers = ["not json", "still not json", "[1, 2]"]
    with FakeLLMServer(builder_router(selection=answers)) as llm:
        builder = AgentBuilder(llm_config=llm.llm_config)
        with pytest.raises(ValueError, match="did not answer the expert selection with a JSON object"):
            builder.build_from_library("write code", json.dumps(LIBRARY), default_llm_config={}, coding=False)
        assert len(llm.requests) == 3


def test_json_helpers() -> None:
    assert ab._retrieve_json('text\n```json\n{"a": 1}\n```\nmore') == '{"a": 1}'
    assert ab._retrieve_json('{"a": 1}') == '{"a": 1}'
    assert json.loads(ab._strip_json_comments('{"u": "http://x", // note\n "b": 2}')) == {"u": "http://x", "b": 2}
