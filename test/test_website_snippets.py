"""The python code blocks of the documentation pages (website/docs) run, so the docs cannot rot.

Each page's ```python blocks run in order, in one namespace, in a fresh process whose working directory is
a temporary folder, against one ``autogen.testing.FakeLLMServer`` (default reply ``TERMINATE``):
``OPENAI_API_KEY`` / ``OPENAI_BASE_URL`` and ``OAI_CONFIG_LIST`` point at it, and ``llm_config`` is
predefined. The markers a page can use (HTML comments, not shown on the site; see website/README.md):

- ``<!-- snippet: skip REASON -->`` on the line before a fence: that block is not run.
- ``<!-- snippet: setup`` ... ``-->``: hidden python run at that point (agents a block refers to, files).
- ``<!-- snippet: needs MODULE ... -->``: the page is skipped when one of these modules is missing
  (an optional extra), unless AG2_REQUIRE_SNIPPET_EXTRAS=1 (CI).

Code keeps its line numbers: a failure's traceback names the page and the line in it. ```json blocks
must parse.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from autogen.testing import FakeLLMServer

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "website" / "docs"
PAGES = sorted(DOCS.rglob("*.md"))

FENCE = re.compile(r"^```\s*(\w*)")
SKIP = re.compile(r"^<!-- snippet: skip \S.*-->\s*$")
NEEDS = re.compile(r"<!-- snippet: needs ([\w. ]+?)\s*-->")
SETUP_OPEN = "<!-- snippet: setup"

# Runs in the child: the page's code, compiled under the page's own path so tracebacks point into it.
RUNNER = """
import json, os, sys
namespace = {"__name__": "__main__", "llm_config": {"config_list": json.loads(os.environ["OAI_CONFIG_LIST"])}}
exec(compile(sys.stdin.read(), sys.argv[1], "exec"), namespace)
"""


def page_code(page: Path) -> tuple[str, int, list[str]]:
    """The page's runnable python (other lines blank, so line numbers match), its block count, its json blocks."""
    lines = page.read_text().splitlines()
    code = [""] * len(lines)
    blocks, json_blocks = 0, []
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.strip() == SETUP_OPEN:
            i += 1
            while lines[i].strip() != "-->":
                code[i] = lines[i]
                i += 1
        elif m := FENCE.match(line):
            lang, skipped = m.group(1), i > 0 and SKIP.match(lines[i - 1])
            start = i + 1
            i = start
            while not lines[i].startswith("```"):
                i += 1
            if lang in ("python", "py") and not skipped:
                code[start:i] = lines[start:i]
                blocks += 1
            elif lang == "json":
                json_blocks.append("\n".join(lines[start:i]))
        elif line.startswith("<!-- snippet:") and not (SKIP.match(line) or NEEDS.search(line)):
            raise AssertionError(f"{page}:{i + 1}: unknown snippet marker {line!r} (see website/README.md)")
        i += 1
    return "\n".join(code) + "\n", blocks, json_blocks


RUNNABLE = [p for p in PAGES if page_code(p)[1]]


@pytest.fixture(scope="module")
def server():
    with FakeLLMServer(default_reply="TERMINATE", model="gpt-4o-mini") as s:
        yield s


@pytest.mark.parametrize("page", RUNNABLE, ids=[str(p.relative_to(DOCS)) for p in RUNNABLE])
def test_the_python_blocks_of_a_page_run(page, server, tmp_path):
    text = page.read_text()
    for needs in NEEDS.findall(text):
        for module in needs.split():
            if importlib.util.find_spec(module) is None:
                if os.environ.get("AG2_REQUIRE_SNIPPET_EXTRAS") == "1":
                    pytest.fail(f"{page.name} needs {module}, which is not installed")
                pytest.skip(f"{page.name} needs {module}, which is not installed")
    code, _, _ = page_code(page)
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
        "OPENAI_API_KEY": "sk-fake-key-for-snippets",
        "OPENAI_BASE_URL": server.base_url,
        "OAI_CONFIG_LIST": json.dumps(server.config_list),
        "AUTOGEN_USE_DOCKER": "False",
    }
    done = subprocess.run(
        [sys.executable, "-c", RUNNER, str(page)],
        input=code,
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, f"a python block of {page.relative_to(ROOT)} failed:\n{done.stderr[-4000:]}"


def test_the_json_blocks_parse():
    for page in PAGES:
        for block in page_code(page)[2]:
            json.loads(block)


def test_every_page_with_python_runs_some_of_it():
    """A page whose every block is skipped says nothing testable: at least one block of each page runs."""
    for page in PAGES:
        lines = page.read_text().splitlines()
        fences = [i for i, line in enumerate(lines) if re.match(r"^```(python|py)\b", line)]
        if fences:
            assert page_code(page)[1] > 0, f"{page.relative_to(ROOT)}: every python block is skipped"


def test_the_markers_steer_what_runs(tmp_path):
    page = tmp_path / "page.md"
    page.write_text(
        "# A page\n"
        "<!-- snippet: setup\n"
        "x = 1\n"
        "-->\n"
        "```python\n"
        "y = x + 1\n"
        "```\n"
        "<!-- snippet: skip needs a real key -->\n"
        "```python\n"
        "raise RuntimeError\n"
        "```\n"
        '```json\n{"a": 1}\n```\n'
        "```bash\nexit 1\n```\n"
    )
    code, blocks, json_blocks = page_code(page)
    assert blocks == 1 and json_blocks == ['{"a": 1}']
    lines = code.splitlines()
    assert lines[2] == "x = 1" and lines[5] == "y = x + 1"  # at their own line numbers
    assert "raise" not in code and "exit" not in code
    namespace: dict = {}
    exec(compile(code, str(page), "exec"), namespace)  # noqa: S102 - the test runs code it wrote itself
    assert namespace["y"] == 2

    page.write_text("<!-- snippet: run always -->\n")
    with pytest.raises(AssertionError, match="unknown snippet marker"):
        page_code(page)
