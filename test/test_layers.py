"""Imports point down the layers (see /work/shared/STYLE.md): the agentchat core loads neither the
group patterns nor contrib, ``graph_utils`` does not reach up into agentchat, and events, io and
testing import one another without cycles."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import typing
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _import_graph_module():
    spec = importlib.util.spec_from_file_location("import_graph", ROOT / "scripts" / "import_graph.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def graphs():
    """The import graph of autogen without and with the imports under ``if TYPE_CHECKING:``."""
    tool = _import_graph_module()
    return tool, tool.import_graph(ROOT), tool.import_graph(ROOT, type_checking=True)


def modules_loaded_by(code: str, prefixes: tuple[str, ...]) -> list[str]:
    """The modules under ``prefixes`` that a fresh interpreter has loaded after running ``code``."""
    probe = f"import sys\n{code}\nprint(','.join(sorted(m for m in sys.modules if m.startswith({prefixes!r}))))"
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=ROOT
    ).stdout.strip()
    return [m for m in out.split(",") if m]


def test_the_agentchat_core_loads_neither_group_patterns_nor_contrib() -> None:
    loaded = modules_loaded_by(
        "import autogen.agentchat.groupchat\nimport autogen.agentchat.conversable_agent\n"
        "import autogen.agentchat.user_proxy_agent, autogen.agentchat.assistant_agent, autogen.agentchat.chat",
        ("autogen.agentchat.group.", "autogen.agentchat.contrib"),
    )
    loaded += modules_loaded_by("import autogen.agentchat.group", ("autogen.agentchat.contrib",))
    assert loaded == []


def test_the_core_source_imports_group_and_contrib_only_inside_functions(graphs) -> None:
    tool, _, _ = graphs
    core = [m for m in tool.module_names(ROOT) if tool.package_of(m) == "autogen.agentchat"]
    assert "autogen.agentchat.groupchat.manager" in core and "autogen.agentchat.conversable.messaging" in core
    top_level = tool.import_graph(ROOT, type_checking=False, top_level_only=True)
    upward = [
        (m, t)
        for m in core
        for t in top_level[m]
        if tool.package_of(t) in ("autogen.agentchat.group", "autogen.agentchat.contrib")
    ]
    assert upward == []


def test_old_eligibility_path_gives_the_same_classes() -> None:
    from autogen.agentchat.group import eligibility as old
    from autogen.agentchat.groupchat import eligibility as new

    assert old.AgentEligibilityPolicy is new.AgentEligibilityPolicy
    assert old.SelectionContext is new.SelectionContext
    assert old.AgentDescriptionGuard is new.AgentDescriptionGuard


def test_graph_utils_depends_on_nothing_in_agentchat(graphs) -> None:
    _, _, with_types = graphs
    assert not [t for t in with_types["autogen.graph_utils"] if t.startswith("autogen.agentchat")]
    code = (
        "import logging\nfrom autogen.graph_utils import check_graph_validity, invert_disallowed_to_allowed\n"
        "class A:\n"
        "    description = ''\n"
        "    def __init__(self, name): self.name = name\n"
        "    send = a_send = receive = a_receive = generate_reply = a_generate_reply = lambda *a, **k: None\n"
        "    set_ui_tools = unset_ui_tools = lambda *a, **k: None\n"
        "a, b = A('a'), A('b')\n"
        "check_graph_validity(invert_disallowed_to_allowed({a: [a]}, [a, b]), [a, b])\n"
        "try:\n"
        "    check_graph_validity({a: ['b']}, [a, b])\n"
        "except ValueError as e:\n"
        "    assert 'not agents' in str(e)\n"
        "else:\n"
        "    raise AssertionError('a name string is not an agent')\n"
    )
    assert modules_loaded_by(code, ("autogen.agentchat",)) == []


def test_graph_utils_agent_check_matches_the_agent_protocol() -> None:
    from unittest.mock import MagicMock

    from autogen import ConversableAgent
    from autogen.agentchat.agent import Agent
    from autogen.graph_utils import _AGENT_METHODS, _is_agent

    protocol_members = typing._get_protocol_attrs(Agent)  # what isinstance(x, Agent) checks
    assert set(_AGENT_METHODS) | {"name", "description"} == set(protocol_members)

    class Partial:
        name = "p"
        description = ""

        def send(self, *args): ...

    for candidate in (ConversableAgent("x", llm_config=False), MagicMock(), Partial(), "x", 3, None):
        assert _is_agent(candidate) == isinstance(candidate, Agent), candidate


def test_no_import_cycles_in_events_io_and_testing(graphs) -> None:
    tool, _, with_types = graphs
    lower = ("autogen.events", "autogen.io", "autogen.testing")
    cycles = [
        component
        for component in tool.strongly_connected(with_types)
        if any(m == p or m.startswith(p + ".") for m in component for p in lower)
    ]
    assert cycles == []


def test_events_io_and_testing_do_not_import_agentchat(graphs) -> None:
    tool, _, with_types = graphs
    lower = {"autogen.events", "autogen.io", "autogen.io.processors", "autogen.testing"}
    upward = [(m, t) for m, targets in with_types.items() if tool.package_of(m) in lower for t in targets]
    upward = [(m, t) for m, t in upward if t.startswith("autogen.agentchat")]
    assert upward == []


def test_the_event_union_holds_the_built_in_events_without_importing_them_first() -> None:
    loaded = modules_loaded_by(
        "import autogen.events\nassert 'autogen.events.agent_events' not in sys.modules\n"
        "union = autogen.events.get_annotated_type_for_event_classes()\n"
        "assert 'TextEvent' in repr(union) and 'StreamEvent' in repr(union) and 'PrintEvent' in repr(union)",
        ("autogen.events.",),
    )
    assert "autogen.events.agent_events" in loaded


def test_durable_is_a_top_layer(graphs) -> None:
    """autogen.durable builds on everything else; nothing else imports it (or dbos)."""
    _, _, with_types = graphs
    upward = [
        (m, t)
        for m, targets in with_types.items()
        if not (m == "autogen.durable" or m.startswith("autogen.durable."))
        for t in targets
        if t == "autogen.durable" or t.startswith("autogen.durable.")
    ]
    assert upward == []
    assert modules_loaded_by("import autogen, autogen.agentchat.group", ("autogen.durable", "dbos")) == []
