"""Tool library retrieval for CaptainAgent: find the library functions that fit a skill, tell an agent about
them (their signatures and docstrings in its system message) and give the user proxy an executor that can
import or call them.

The default library is ``tools/`` next to this file: ``tool_description.tsv`` (``docid``, ``document_content``
= ``"<category> <function name> <description>"``) and ``tools/<category>/<function name>.py``. Descriptions
are embedded with the project's offline embedder (see ``autogen.retrieve.embeddings``).
"""

from __future__ import annotations

import contextlib
import csv
import functools
import importlib.util
import inspect
import io
import os
import traceback
from collections.abc import Callable
from hashlib import md5
from pathlib import Path
from textwrap import dedent, indent
from typing import Any

from ....coding.base import CodeBlock, CodeExtractor, CommandLineCodeResult
from ....coding.markdown_code_extractor import MarkdownCodeExtractor
from ....tools import Tool, get_function_schema, load_basemodels_if_needed
from ...assistant_agent import AssistantAgent
from ...user_proxy_agent import UserProxyAgent

__all__ = ["LocalExecutorWithTools", "ToolBuilder", "find_callables", "format_ag2_tool", "get_full_tool_description"]

_ORIGINAL_RETRIEVER = "all-mpnet-base-v2"


def library_embedding_function(model_name: str | None) -> Callable[[list[str]], Any]:
    """The embedding function for agent/tool library retrieval.

    The original's default, "all-mpnet-base-v2", needs sentence-transformers and a model download; without
    sentence-transformers the built-in offline all-MiniLM-L6-v2 is used for it instead.
    """
    from ....retrieve.embeddings import DEFAULT_EMBEDDING_MODEL, get_embedding_function

    name = model_name or DEFAULT_EMBEDDING_MODEL
    if name == _ORIGINAL_RETRIEVER and importlib.util.find_spec("sentence_transformers") is None:
        name = DEFAULT_EMBEDDING_MODEL
    return get_embedding_function(name)


def rank_by_similarity(
    embed: Callable[[list[str]], Any], queries: list[str], documents: list[str], top_k: int
) -> list[list[int]]:
    """For each query, the indices of the ``top_k`` most similar documents (cosine), best first."""
    from ....import_utils import optional_import
    from ....retrieve.embeddings import embeddings_to_matrix

    np = optional_import("numpy", "autobuild")
    if not documents or not queries:
        return [[] for _ in queries]
    docs = embeddings_to_matrix(embed(documents))
    qs = embeddings_to_matrix(embed(queries))
    docs = docs / np.maximum(np.linalg.norm(docs, axis=1, keepdims=True), 1e-12)
    qs = qs / np.maximum(np.linalg.norm(qs, axis=1, keepdims=True), 1e-12)
    scores = qs @ docs.T
    return [[int(i) for i in np.argsort(-row, kind="stable")[:top_k]] for row in scores]


class ToolBuilder:
    """Retrieves library tools for a skill and binds them to agents (``bind``) and to the user proxy
    (``bind_user_proxy``).

    Args:
        corpus_root: the library directory (``type="default"``) or a list of ``Tool`` objects
            (``type="user_defined"``).
        retriever: embedding model name for the retrieval (see ``library_embedding_function``).
        type: "default" or "user_defined".
    """

    TOOL_PROMPT_DEFAULT = """\n## Functions
You can use the following functions. They are in the module called 'functions', under their own names.
For example, a function called `foo` is imported with `from functions import foo`
{functions}
"""
    TOOL_PROMPT_USER_DEFINED = """\n## Functions
You can use the following functions. Call them directly in your python code, without importing them.
{functions}
"""

    def __init__(self, corpus_root: str | list[Tool], retriever: str = _ORIGINAL_RETRIEVER, type: str = "default"):
        self.type = type
        self.rows: list[dict[str, str]] = []
        if type == "default":
            corpus_path = os.path.join(str(corpus_root), "tool_description.tsv")
            with open(corpus_path, encoding="utf-8", newline="") as f:
                self.rows = list(csv.DictReader(f, delimiter="\t"))
            self.documents = [row["document_content"] for row in self.rows]
            self.TOOL_PROMPT = self.TOOL_PROMPT_DEFAULT
        else:
            self.documents = [tool.description for tool in corpus_root]  # type: ignore[union-attr]
            self.TOOL_PROMPT = self.TOOL_PROMPT_USER_DEFINED
        self.model = library_embedding_function(retriever)

    def retrieve(self, query: str, top_k: int = 3) -> list[str]:
        """The ``document_content`` of the ``top_k`` tools nearest to ``query`` ("<category> <name> <description>")."""
        hits = rank_by_similarity(self.model, [query], self.documents, top_k)[0]
        return [self.documents[i] for i in hits]

    def bind(self, agent: AssistantAgent, functions: str) -> None:
        """Append the functions' descriptions to the agent's system message."""
        agent.update_system_message(agent.system_message + self.TOOL_PROMPT.format(functions=functions))

    def bind_user_proxy(self, agent: UserProxyAgent, tool_root: str | list[Tool]) -> UserProxyAgent:
        """A copy of the user proxy whose executor can run code that uses the tools."""
        from ....coding.local_commandline_code_executor import LocalCommandLineCodeExecutor

        config = agent._code_execution_config if isinstance(agent._code_execution_config, dict) else {}
        executor: Any
        if isinstance(tool_root, (str, os.PathLike)):
            executor = LocalCommandLineCodeExecutor(
                timeout=config.get("timeout", 180),
                work_dir=config.get("work_dir", "coding"),
                functions=find_callables(str(tool_root)),
            )
        else:
            executor = LocalExecutorWithTools(tools=tool_root, work_dir=config.get("work_dir", "coding"))
        return UserProxyAgent(
            name=agent.name,
            is_termination_msg=agent._is_termination_msg,
            code_execution_config={"executor": executor, "last_n_messages": config.get("last_n_messages", 1)},
            human_input_mode="NEVER",
            default_auto_reply=agent._default_auto_reply,
        )


class LocalExecutorWithTools:
    """Runs python code blocks in this process with the tools' functions defined as globals, so code can
    call a tool by its name without importing anything (for tools converted from other frameworks).

    Args:
        tools: the tools to inject.
        work_dir: where each block is saved before it runs (created if missing).
    """

    def __init__(self, tools: list[Tool] | None = None, work_dir: Path | str = Path()):
        self.tools = list(tools) if tools is not None else []
        self.work_dir = work_dir
        os.makedirs(work_dir, exist_ok=True)

    @property
    def code_extractor(self) -> CodeExtractor:
        """Extracts the markdown code blocks of a message."""
        return MarkdownCodeExtractor()

    def execute_code_blocks(self, code_blocks: list[CodeBlock]) -> CommandLineCodeResult:
        """Run the blocks one after the other; output is stdout and stderr (with tracebacks) of all blocks."""
        logs = ""
        exit_code = 0
        code_file = None
        for idx, block in enumerate(code_blocks):
            filepath = os.path.join(self.work_dir, f"tmp_code_{md5(block.code.encode()).hexdigest()}.py")
            with open(filepath, "w", encoding="utf-8") as f:
                f.write(block.code)
            if idx == 0:
                code_file = filepath
            env: dict[str, Any] = {"__name__": "__main__"}
            for tool in self.tools:
                env[tool.name] = _wrap_function(tool.func)
            stdout, stderr = io.StringIO(), io.StringIO()
            try:
                with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
                    exec(compile(block.code, filepath, "exec"), env)  # noqa: S102 - running the agent's code is the point
            except Exception:  # noqa: BLE001 - the error is the block's output
                stderr.write(traceback.format_exc())
                exit_code = 1
            logs += stdout.getvalue() + stderr.getvalue()
        return CommandLineCodeResult(exit_code=exit_code, output=logs, code_file=code_file)

    def restart(self) -> None:
        """Nothing to restart: every block runs in a fresh namespace."""


def format_ag2_tool(tool: Tool) -> str:
    """A Python-style stub (signature and docstring) of a tool whose single argument takes a dict of kwargs."""
    schema = get_function_schema(tool.func, description=tool.description)
    arg_name = next(iter(inspect.signature(tool.func).parameters))
    arg_info = schema["function"]["parameters"]["properties"][arg_name].get("properties", {})

    lines = [f"def {tool.name}({arg_name}):", '    """', indent(tool.description, "    ")]
    lines.append(f"    Put all the arguments in one dictionary and pass it as {arg_name}. Print the result to see it.")
    lines.append(f"    For example:\n    \tresult = {tool.name}({arg_name}={{'arg1': 'value1' }})")
    lines.append(f"    Arguments passed in {arg_name}:")
    for arg, info in arg_info.items():
        lines.append(f"        {arg} ({info.get('type', 'any')}): {info.get('description', '')}")
    lines.append('    """')
    return "\n".join(lines) + "\n"


def _wrap_function(func: Callable[..., Any]) -> Callable[..., Any]:
    """The tool function with pydantic-model arguments built from the dicts the code passes."""

    @load_basemodels_if_needed
    @functools.wraps(func)
    def _wrapped_func(*args: Any, **kwargs: Any) -> Any:
        return func(*args, **kwargs)

    return _wrapped_func


def _load_module(py_file: str) -> Any:
    name = os.path.splitext(os.path.basename(py_file))[0]
    spec = importlib.util.spec_from_file_location(name, py_file)
    if spec is None or spec.loader is None:
        raise ImportError(f"Cannot load {py_file}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def get_full_tool_description(py_file: str) -> str:
    """The signature and docstring of the function named like the file ``py_file``, as Python source text."""
    function_name = os.path.splitext(os.path.basename(py_file))[0]
    func = getattr(_load_module(py_file), function_name, None)
    if not callable(func):
        raise ValueError(f"Function {function_name} not found in {py_file}")  # noqa: TRY004 - the original's error
    content = f"def {func.__name__}{inspect.signature(func)}:\n"
    if func.__doc__:
        content += indent('"""' + dedent(func.__doc__) + '"""', "    ") + "\n"
    return content


def find_callables(directory: str) -> list[Callable[..., Any]]:
    """The function named like its file from every ``.py`` file under ``directory`` (sorted by path)."""
    callables = []
    for root, dirs, files in os.walk(directory):
        dirs.sort()
        for file in sorted(files):
            if not file.endswith(".py") or file.startswith("_"):
                continue
            module = _load_module(os.path.join(root, file))
            value = getattr(module, os.path.splitext(file)[0], None)
            if callable(value):
                callables.append(value)
    return callables
