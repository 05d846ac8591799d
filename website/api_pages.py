"""Write the API reference pages of the documentation site (run by website/build.sh).

Each page documents an area: the names in the ``__all__`` of the modules it lists. Every public object is
documented once, on the page whose ``home`` prefix matches the module that defines it most closely (the first
page exporting it when none does); the other pages that export it link to it. Objects already documented by a
hand-written page of ``docs/api`` (a ``::: path`` line) are linked, not repeated. So a name added to an
``__all__`` shows up in the reference with no edit here, and the nav (mkdocs.yml) lists the pages by file name.

Usage: ``python website/api_pages.py OUT_DIR`` (run from the project root, which must be importable).
"""

from __future__ import annotations

import ast
import functools
import importlib
import inspect
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
EXTERNAL = "external:"
LONG_VALUE = 120
LONG_VALUES: set[str] = set()  # constants whose value is too long to show (a price table, a prompt)


@dataclass
class Page:
    """One reference page."""

    file: str
    """File name under api/ (also its URL)."""
    title: str
    intro: str
    """A short paragraph under the title (markdown)."""
    modules: list[str]
    """The modules whose ``__all__`` the page covers, in order; each becomes a section."""
    home: list[str] = field(default_factory=list)
    """Module prefixes whose objects are documented here (default: ``modules``)."""
    options: dict[str, dict[str, Any]] = field(default_factory=dict)
    """mkdocstrings options for some objects, by the object's path."""
    skip: set[str] = field(default_factory=set)
    """Exported names left out of the page (say why in a comment next to them)."""


PAGES: list[Page] = [
    Page(
        "agentchat.md",
        "Agents and chats",
        "`import autogen` and `autogen.agentchat`: the agent base protocols, running chats, chat results and "
        "usage summaries, the errors of the package root. The agent classes have their own pages: "
        "[ConversableAgent](conversable_agent.md), [AssistantAgent](assistant_agent.md), "
        "[UserProxyAgent](user_proxy_agent.md).",
        ["autogen", "autogen.agentchat"],
        home=["autogen.agentchat", "autogen.exception_utils", "autogen.version"],
    ),
    Page(
        "tools.md",
        "Tools",
        "`autogen.tools`: `Tool`, the `@tool` decorator, `Toolkit`, function schemas from type hints, and "
        "dependency injection (`Depends`, `BaseContext`, `ChatContext`). See the [tools guide](../guide/tools.md).",
        ["autogen.tools"],
    ),
    Page(
        "group.md",
        "Group orchestration",
        "`autogen.agentchat.group`: running a pattern (`initiate_group_chat`, `run_group_chat`), "
        "`ContextVariables`, handoffs and their conditions, `ReplyResult`; and the legacy swarm API. "
        "Patterns, targets and guardrails have their own pages. See the [patterns guide](../guide/patterns.md).",
        [
            "autogen.agentchat.group",
            "autogen.agentchat.group.multi_agent_chat",
            "autogen.agentchat.contrib.swarm_agent",
        ],
        home=[
            "autogen.agentchat.group",
            "autogen.agentchat.context_variables",
            "autogen.agentchat.contrib.swarm_agent",
        ],
    ),
    Page(
        "group_patterns.md",
        "Group orchestration: patterns",
        "`autogen.agentchat.group.patterns`: the patterns that set up a group chat's agents and speaker selection.",
        ["autogen.agentchat.group.patterns"],
    ),
    Page(
        "group_targets.md",
        "Group orchestration: transition targets",
        "`autogen.agentchat.group.targets`: where a handoff, an after-work rule or a guardrail sends the chat.",
        ["autogen.agentchat.group.targets"],
    ),
    Page(
        "group_guardrails.md",
        "Group orchestration: guardrails and safeguards",
        "`autogen.agentchat.group.guardrails` checks messages and redirects the chat when one triggers; "
        "`autogen.agentchat.group.safeguards` applies a policy of checks to the messages and tool calls "
        "between agents.",
        ["autogen.agentchat.group.guardrails", "autogen.agentchat.group.safeguards"],
    ),
    Page(
        "groupchat.md",
        "Classic group chat",
        "`autogen.agentchat.groupchat`: `GroupChat` (agents, messages, speaker selection rules), "
        "`GroupChatManager` (the agent that runs it) and speaker eligibility policies. "
        "See the [group chat guide](../guide/group-chat.md).",
        ["autogen.agentchat.groupchat"],
    ),
    Page(
        "coding.md",
        "Code execution",
        "`autogen.coding`: code blocks and results, the executor protocol, and the local, sandboxed, Docker and "
        "Jupyter executors. See the [code execution guide](../guide/code-execution.md).",
        ["autogen.coding", "autogen.coding.sandbox", "autogen.coding.jupyter"],
    ),
    Page(
        "retrieve.md",
        "Retrieval (RAG)",
        "`autogen.retrieve`: reading documents, chunking, offline embeddings, building and querying a vector "
        "database; and the retrieval agents of `autogen.agentchat.contrib`. See the [RAG guide](../guide/rag.md).",
        [
            "autogen.retrieve",
            "autogen.agentchat.contrib.retrieve_user_proxy_agent",
            "autogen.agentchat.contrib.retrieve_assistant_agent",
        ],
        home=["autogen.retrieve", "autogen.agentchat.contrib.retrieve_"],
    ),
    Page(
        "vectordb.md",
        "Vector databases",
        "`autogen.retrieve.vectordb`: the `VectorDB` protocol and its Chroma, Qdrant, PostgreSQL (pgvector) and "
        "MongoDB Atlas backends, each behind its extra.",
        ["autogen.retrieve.vectordb"],
    ),
    Page(
        "cache.md",
        "Caching",
        "`autogen.cache`: `Cache` and its disk, Redis and in-memory backends. See the "
        "[caching guide](../guide/caching.md).",
        [
            "autogen.cache",
            "autogen.cache.disk_cache",
            "autogen.cache.redis_cache",
            "autogen.cache.in_memory_cache",
            "autogen.cache.cosmos_db_cache",
        ],
    ),
    Page(
        "llm_config.md",
        "LLM configuration and clients",
        "`autogen.llm_config` and `autogen.oai`: `LLMConfig` and the per-provider config entries, config list "
        "helpers, the model client protocol and errors. `OpenAIWrapper` has [its own page](openai_wrapper.md). "
        "See the [LLM configuration guide](../guide/llm-config.md).",
        ["autogen.llm_config", "autogen.oai"],
        home=["autogen.llm_config", "autogen.oai", "autogen.llm_clients"],
    ),
    Page(
        "runtime_logging.md",
        "Runtime logging",
        "`autogen.runtime_logging` starts and stops a logging session and records its events; `autogen.logger` "
        "holds the SQLite and file loggers. See the [logging guide](../guide/logging.md).",
        ["autogen.runtime_logging", "autogen.logger"],
    ),
    Page(
        "opentelemetry.md",
        "OpenTelemetry tracing",
        "`autogen.opentelemetry` (extra `tracing`): instrument agents, group chats, patterns, the LLM wrapper and "
        "A2A servers. See [tracing and the viewer](../guide/tracing-viewer.md).",
        ["autogen.opentelemetry"],
    ),
    Page(
        "viewer.md",
        "Conversation viewer",
        "`autogen.viewer`: load a runtime log or an OTLP trace and show it, served on 127.0.0.1, exported as one "
        "HTML file or inline in a notebook. See [tracing and the viewer](../guide/tracing-viewer.md).",
        ["autogen.viewer"],
    ),
    Page(
        "durable.md",
        "Durable chats",
        "`autogen.durable` (extra `durable`): chats recorded step by step on DBOS, resumed after a crash. "
        "See the [durable chats guide](../guide/durable.md).",
        ["autogen.durable"],
    ),
    Page(
        "mcp.md",
        "MCP",
        "`autogen.mcp` (extra `mcp`): MCP servers' tools as a `Toolkit`. See "
        "[protocols](../guide/protocols.md#mcp-autogenmcp-extra-mcp).",
        ["autogen.mcp"],
    ),
    Page(
        "a2a.md",
        "A2A",
        "`autogen.a2a` (extra `a2a`): serve an agent over the Agent2Agent protocol, or talk to one served "
        "elsewhere. See [protocols](../guide/protocols.md#a2a-autogena2a-extra-a2a).",
        ["autogen.a2a"],
    ),
    Page(
        "ag_ui.md",
        "AG-UI",
        "`autogen.ag_ui` (extra `ag-ui`): stream an agent's run as AG-UI events. See "
        "[protocols](../guide/protocols.md#ag-ui-autogenag_ui-extra-ag-ui).",
        ["autogen.ag_ui"],
    ),
    Page(
        "interop.md",
        "Interoperability",
        "`autogen.interop`: tools of LangChain, PydanticAI and CrewAI as ag2 tools (extras `interop-langchain`, "
        "`interop-pydantic-ai`, `interop-crewai`), and an ag2 LLM config as a LangChain chat model or as LiteLLM "
        "settings.",
        ["autogen.interop"],
    ),
    Page(
        "testing.md",
        "Testing",
        "`autogen.testing`: `FakeLLMServer` (a scripted LLM on 127.0.0.1), in-process fakes and scripted replies. "
        "See [testing your agents](../guide/testing.md).",
        ["autogen.testing"],
    ),
    Page(
        "events.md",
        "Events",
        "`autogen.events`: the events a run emits (messages, tool calls, speaker selection, termination, usage), "
        "as iterated from `run()` responses and printed by the console.",
        ["autogen.events", "autogen.events.agent_events", "autogen.events.client_events"],
    ),
    Page(
        "io.md",
        "Input and output",
        "`autogen.io`: the input/output streams agents print to and read from (console, thread, websockets), and "
        "the responses of `run()`.",
        ["autogen.io"],
    ),
    Page(
        "llm_clients.md",
        "v2 model clients",
        "`autogen.llm_clients`: the new-style model clients (`api_type` `openai_v2`, `anthropic_v2`, `bedrock_v2`, "
        "`responses_v2`) and the unified response they return (typed content blocks, usage, cost).",
        ["autogen.llm_clients"],
    ),
    Page(
        "contrib.md",
        "Contrib agents and capabilities",
        "`autogen.agentchat.contrib`: the agents and capabilities 0.2-era scripts import: multimodal agents and "
        "image helpers, GPTAssistantAgent, LLaVA, MathUserProxyAgent, TextAnalyzerAgent, SocietyOfMindAgent, "
        "AgentOptimizer, AgentEval, CaptainAgent / AgentBuilder, and the capabilities (teachability, vision, "
        "image generation, message transforms).",
        [
            "autogen.agentchat.contrib.multimodal_conversable_agent",
            "autogen.agentchat.contrib.img_utils",
            "autogen.agentchat.contrib.llava_agent",
            "autogen.agentchat.contrib.gpt_assistant_agent",
            "autogen.agentchat.contrib.math_user_proxy_agent",
            "autogen.agentchat.contrib.text_analyzer_agent",
            "autogen.agentchat.contrib.society_of_mind_agent",
            "autogen.agentchat.contrib.agent_optimizer",
            "autogen.agentchat.contrib.agent_eval.agent_eval",
            "autogen.agentchat.contrib.agent_eval.criterion",
            "autogen.agentchat.contrib.agent_eval.task",
            "autogen.agentchat.contrib.captainagent",
            "autogen.agentchat.contrib.capabilities",
        ],
        home=[
            "autogen.agentchat.contrib.multimodal_conversable_agent",
            "autogen.agentchat.contrib.img_utils",
            "autogen.agentchat.contrib.llava_agent",
            "autogen.agentchat.contrib.gpt_assistant_agent",
            "autogen.agentchat.contrib.math_user_proxy_agent",
            "autogen.agentchat.contrib.text_analyzer_agent",
            "autogen.agentchat.contrib.society_of_mind_agent",
            "autogen.agentchat.contrib.agent_optimizer",
            "autogen.agentchat.contrib.agent_eval",
            "autogen.agentchat.contrib.captainagent",
            "autogen.agentchat.contrib.capabilities",
        ],
    ),
    Page(
        "experimental.md",
        "Experimental agents and tools",
        "`autogen.agents.experimental` (ReasoningAgent, DocAgent, DeepResearchAgent, WebSurferAgent, "
        "WikipediaAgent) and `autogen.tools.experimental` (code execution, ReliableTool, search and web tools, "
        "messaging platforms), with the Google Drive toolkit of `autogen.tools.experimental.google`; and the "
        "small reference agents and tool of `autogen.agents.contrib` and `autogen.tools.contrib` (date and time). "
        "Tools for external services need their extra and a key; without them they fail "
        "with an error that names what is missing.",
        [
            "autogen.agents.experimental",
            "autogen.tools.experimental",
            "autogen.tools.experimental.google",
            "autogen.agents.contrib",
            "autogen.tools.contrib",
        ],
    ),
    Page(
        "local.md",
        "Embedded local model",
        "`autogen.local` (extra `local`): a llama.cpp model served on 127.0.0.1 with an OpenAI-compatible API.",
        ["autogen.local"],
    ),
]


def _handwritten() -> dict[str, str]:
    """Identifier -> page file, for the objects the hand-written pages of docs/api document."""
    found = {}
    for md in sorted((HERE / "docs" / "api").glob("*.md")):
        for line in md.read_text().splitlines():
            m = re.match(r":::\s+(\S+)", line)
            if m:
                found[m.group(1)] = md.name
    return found


@functools.cache
def _top_level_names(module_name: str) -> set[str]:
    """Names a module assigns at top level (constants, type aliases), read from its source."""
    module = sys.modules[module_name]
    try:
        tree = ast.parse(inspect.getsource(module))
    except (OSError, TypeError):
        return set()
    names = set()
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
        names.update(t.id for t in targets if isinstance(t, ast.Name))
    return names


def _where(module_name: str, name: str, obj: Any) -> str | None:
    """The defining path of an exported object, or None when it cannot be found."""
    if inspect.isclass(obj) or inspect.isroutine(obj):
        module = getattr(obj, "__module__", None)
        qualname = getattr(obj, "__qualname__", None)
        if module and qualname and "<" not in qualname:
            # another package's class re-exported for convenience is named, not documented
            return f"{module}.{qualname}" if module.split(".")[0] == "autogen" else f"{EXTERNAL}{module}.{qualname}"
    # A constant or alias: the autogen module that assigns it, starting with the exporting one.
    candidates = [module_name] + sorted(m for m in sys.modules if m.startswith("autogen.") and m != module_name)
    for candidate in candidates:
        mod = sys.modules.get(candidate)
        if mod is not None and vars(mod).get(name, object()) is obj and name in _top_level_names(candidate):
            return f"{candidate}.{name}"
    return None


def _exports(module_name: str) -> list[tuple[str, str]]:
    """(name, defining path) for each name of a module's ``__all__``: found by importing the module, or, when
    that needs a missing extra, by reading the source (griffe), as mkdocstrings does."""
    try:
        module = importlib.import_module(module_name)
        names = getattr(module, "__all__", None)
        if names is None:
            raise SystemExit(f"{module_name} has no __all__: list its public names there")
        objects = [(name, getattr(module, name)) for name in names]  # a lazy package imports here
    except ImportError:
        return _static_exports(module_name)
    found = []
    for name, obj in objects:
        path = _where(module_name, name, obj)
        if path is None:
            raise SystemExit(f"cannot tell where {module_name}.{name} is defined")
        if isinstance(obj, (str, bytes, dict, list, tuple, set, frozenset)) and len(repr(obj)) > LONG_VALUE:
            LONG_VALUES.add(path)
        found.append((name, path))
    return found


@functools.cache
def _source_tree() -> Any:
    import griffe  # installed with mkdocstrings[python]

    return griffe.load("autogen", search_paths=[str(HERE.parent)], resolve_aliases=False)


def _static_exports(module_name: str) -> list[tuple[str, str]]:
    root = _source_tree()
    module = root if module_name == "autogen" else root[module_name.removeprefix("autogen.")]
    if module.exports is None:
        raise SystemExit(f"{module_name} has no __all__: list its public names there")
    found = []
    for name in module.exports:
        member = module.members[name]
        if member.is_alias and not member.target_path.startswith("autogen."):
            found.append((name, EXTERNAL + member.target_path))
        else:
            found.append((name, member.final_target.path if member.is_alias else member.path))
    return found


def _home(path: str) -> str | None:
    """The page whose home prefix is the longest match for a defining path."""
    best, best_len = None, -1
    for page in PAGES:
        for prefix in page.home or page.modules:
            matches = path.startswith(prefix + ".") or (prefix.endswith("_") and path.startswith(prefix))
            if matches and len(prefix) > best_len:
                best, best_len = page.file, len(prefix)
    return best


def collect() -> tuple[dict[str, list[tuple[str, list[tuple[str, str]]]]], dict[str, str]]:
    """Per page, its sections (module, [(exported name, path)]); and the page of every documented path."""
    pages = _handwritten()
    sections: dict[str, list[tuple[str, list[tuple[str, str]]]]] = {}
    for page in PAGES:
        sections[page.file] = []
        for module_name in page.modules:
            rows = []
            for name, path in _exports(module_name):
                if name in page.skip or (name.startswith("__") and name != "__version__"):
                    continue
                rows.append((name, path))
                if not path.startswith(EXTERNAL) and path not in pages:
                    pages[path] = _home(path) or page.file
            sections[page.file].append((module_name, rows))
    return sections, pages


def _directive(path: str, options: dict[str, Any] | None) -> str:
    lines = [f"::: {path}", "    options:", "      heading_level: 3"]
    if path in LONG_VALUES:
        lines.append("      show_attribute_values: false")
    lines.extend(f"      {key}: {json.dumps(value)}" for key, value in (options or {}).items())  # JSON is YAML
    return "\n".join(lines)


def render(page: Page, sections: list[tuple[str, list[tuple[str, str]]]], pages: dict[str, str]) -> str:
    """A page: per section, the objects documented here and links to those documented elsewhere."""
    out = [f"# {page.title}", "", page.intro, ""]
    done: set[str] = set()

    def section(title: str, rows: list[tuple[str, str]]) -> None:
        external = [(n, p[len(EXTERNAL) :]) for n, p in rows if p.startswith(EXTERNAL)]
        rows = [(n, p) for n, p in rows if not p.startswith(EXTERNAL)]
        here = [p for _, p in rows if pages[p] == page.file and p not in done]
        elsewhere = [(n, p) for n, p in rows if pages[p] != page.file or p in done]
        out.extend([f"## {title}", ""])
        if external:
            names = ", ".join(f"`{n}` (from `{p.split('.')[0]}`)" for n, p in external)
            out.extend([f"Re-exported from other packages: {names}.", ""])
        if elsewhere:
            links = ", ".join(f"[`{n}`][{p}]" for n, p in elsewhere)
            what = "Also exported here" if here else "Exports"
            out.extend([f"{what}: {links}.", ""])
        for path in dict.fromkeys(here):
            out.extend([_directive(path, page.options.get(path)), ""])
            done.add(path)

    for module_name, rows in sections:
        section(f"`{module_name}`", rows)
    # objects of this area that none of its modules export (reached through another package)
    rest = [(p.rsplit(".", 1)[-1], p) for p, f in pages.items() if f == page.file and p not in done]
    if rest:
        section("Also in this area", rest)
    return "\n".join(out).rstrip() + "\n"


def render_index() -> str:
    out = [
        "# API reference",
        "",
        "Generated from the docstrings, one page per package or area. A name is documented on the page of the",
        "module that defines it; the pages of the packages that re-export it link there.",
        "",
        "| page | modules |",
        "|---|---|",
        (
            "| [ConversableAgent](conversable_agent.md), [AssistantAgent](assistant_agent.md), "
            "[UserProxyAgent](user_proxy_agent.md) | the agent classes |"
        ),
        "| [OpenAIWrapper](openai_wrapper.md) | the LLM client of every agent |",
    ]
    for page in PAGES:
        modules = ", ".join(f"`{m}`" for m in page.modules)
        out.append(f"| [{page.title}]({page.file}) | {modules} |")
    return "\n".join(out) + "\n"


def main(out_dir: str) -> None:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    sections, pages = collect()
    for page in PAGES:
        (out / page.file).write_text(render(page, sections[page.file], pages))
    (out / "index.md").write_text(render_index())


if __name__ == "__main__":
    main(sys.argv[1])
