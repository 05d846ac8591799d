"""apply_patch: V4A diffs applied to real files of a workspace, its path rules, and ApplyPatchTool in a chat."""

from __future__ import annotations

import ast
import asyncio
import os
from pathlib import Path
from typing import Any

import pytest

from autogen import AssistantAgent, UserProxyAgent
from autogen.testing import FakeLLMServer, tool_call
from autogen.tools.experimental.apply_patch import ApplyPatchTool, WorkspaceEditor, apply_diff

SOURCE = "def greet(name):\n    print('Hi', name)\n\n\ndef add(a, b):\n    return a + b\n"


def test_v4a_hunks_are_found_by_their_lines_or_their_anchor():
    # What GPT-5.1 sends: bare "@@" hunks and "@@ <line>" anchors, no line numbers.
    bare = "@@\n def greet(name):\n-    print('Hi', name)\n+    print('Hello', name)\n"
    assert apply_diff(SOURCE, bare) == SOURCE.replace("'Hi'", "'Hello'")
    anchored = "@@ def add(a, b):\n-    return a + b\n+    return a + b + 0\n"
    assert apply_diff(SOURCE, anchored).endswith("    return a + b + 0\n")
    inserted = "@@ def add(a, b):\n+    '''Sum.'''\n"
    assert "def add(a, b):\n    '''Sum.'''\n    return a + b" in apply_diff(SOURCE, inserted)
    with pytest.raises(ValueError, match="Could not find the line 'def nope\\(\\):'"):
        apply_diff(SOURCE, "@@ def nope():\n-x\n+y")


def test_numbered_hunks_go_where_their_lines_are_and_mismatches_say_where():
    text = "\n".join(f"line{i}" for i in range(1, 11))
    # Two hunks; the second's line number is off by two (the model miscounted): its lines decide.
    diff = "@@ -2,1 +2,1 @@\n-line2\n+TWO\n@@ -5,2 +5,2 @@\n line7\n-line8\n+EIGHT"
    assert apply_diff(text, diff).split("\n")[1:8] == ["TWO", "line3", "line4", "line5", "line6", "line7", "EIGHT"]
    with pytest.raises(ValueError, match=r"Deletion mismatch at line 3:\n  Expected: 'line3'\n  Got:      'zzz'"):
        apply_diff(text, "@@ -3,1 +3,1 @@\n-zzz\n+y")
    with pytest.raises(ValueError, match="Context mismatch at line 1"):
        apply_diff("a\nb", "@@ -1,2 +1,2 @@\n x\n-b\n+c")
    with pytest.raises(ValueError, match="Deletion beyond file end"):
        apply_diff("only", "@@ -1,2 +1,0 @@\n-only\n-more")


def test_whitespace_line_ends_and_blank_lines_survive():
    # A model dropping trailing spaces still matches; the file keeps its own context lines.
    assert apply_diff("a  \nb\nc", "@@\n a\n-b\n+B") == "a  \nB\nc"
    # A blank context line may come without its leading space; trailing blank lines are layout.
    assert apply_diff("x\n\ny\n", "@@\n x\n\n-y\n+Y\n\n\n") == "x\n\nY\n"
    assert apply_diff("one\r\ntwo\r\n", "@@\n-two\n+2") == "one\r\n2\r\n"
    assert apply_diff("a\nb", "@@\n-b\n+") == "a\n"  # "+" alone adds an empty line
    # A diff without any header is one hunk found by its lines; "\ No newline" markers are skipped.
    assert apply_diff("k = 1\n", "--- a/x.py\n+++ b/x.py\n-k = 1\n+k = 2\n\\ No newline at end of file") == "k = 2\n"


def test_created_files_are_the_added_lines():
    envelope = "*** Begin Patch\n*** Add File: x.py\n+import os\n+\n+print(os.sep)\n*** End Patch"
    assert apply_diff("", envelope, create=True) == "import os\n\nprint(os.sep)"
    assert apply_diff("", "--- /dev/null\n+++ b.txt\n@@ -0,0 +1,2 @@\n+one\n+two", create=True) == "one\ntwo"
    # updating an empty file writes the added lines too
    assert apply_diff("", "@@\n+first") == "first"


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    (tmp_path / "ws" / "src").mkdir(parents=True)
    (tmp_path / "outside.txt").write_text("secret")
    return tmp_path / "ws"


def test_editor_creates_updates_and_deletes_files(workspace):
    editor = WorkspaceEditor(workspace)
    assert editor.create_file({"path": "src/pkg/mod.py", "diff": "+x = 1\n+y = 2"}) == {
        "status": "completed",
        "output": "Created src/pkg/mod.py",
    }
    assert (workspace / "src/pkg/mod.py").read_text() == "x = 1\ny = 2"
    assert editor.update_file({"path": "src/pkg/mod.py", "diff": "@@\n-y = 2\n+y = 3"})["output"] == (
        "Updated src/pkg/mod.py"
    )
    assert (workspace / "src/pkg/mod.py").read_text() == "x = 1\ny = 3"
    failed = editor.update_file({"path": "src/pkg/mod.py", "diff": "@@\n-nothing like this\n+z"})
    assert failed["status"] == "failed" and failed["output"].startswith("Error updating src/pkg/mod.py: Could not find")
    assert (workspace / "src/pkg/mod.py").read_text() == "x = 1\ny = 3"  # untouched on failure
    assert editor.delete_file({"path": "src/pkg/mod.py"}) == {"status": "completed", "output": "Deleted src/pkg/mod.py"}
    assert not (workspace / "src/pkg/mod.py").exists()
    assert editor.delete_file({"path": "src/pkg/mod.py"})["output"] == "Error: File not found at path 'src/pkg/mod.py'"
    assert editor.update_file({"path": "gone.py", "diff": "@@\n+x"})["status"] == "failed"
    assert editor.create_file({"diff": "+x"}) == {"status": "failed", "output": "Missing 'path' in operation"}


def test_editor_keeps_to_its_workspace_and_allowed_paths(workspace, tmp_path):
    editor = WorkspaceEditor(workspace, allowed_paths=["src/**", "*.md"])
    assert editor.create_file({"path": "src/a/b/c.py", "diff": "+ok"})["status"] == "completed"
    assert editor.create_file({"path": "README.md", "diff": "+ok"})["status"] == "completed"
    for path in ("setup.py", "src/../setup.py", "../outside.txt", "../../etc/passwd"):
        refused = editor.create_file({"path": path, "diff": "+x"})
        assert refused["status"] == "failed" and "not allowed" in refused["output"], path
    everything = WorkspaceEditor(workspace)
    for path in ("../outside.txt", str(tmp_path / "outside.txt")):
        refused = everything.update_file({"path": path, "diff": "@@\n-secret\n+gone"})
        assert refused["status"] == "failed" and "outside the workspace" in refused["output"], path
    os.symlink(tmp_path, workspace / "src" / "link")  # a link out of the workspace does not help
    refused = everything.delete_file({"path": "src/link/outside.txt"})
    assert refused["status"] == "failed" and "outside the workspace" in refused["output"]
    assert (tmp_path / "outside.txt").read_text() == "secret"
    missing = WorkspaceEditor(tmp_path / "typo").create_file({"path": "a.py", "diff": "+x"})
    assert missing["status"] == "failed" and "does not exist" in missing["output"]
    assert not (tmp_path / "typo").exists()


def test_async_editor_methods(workspace):
    editor = WorkspaceEditor(workspace)

    async def main() -> list[dict[str, Any]]:
        return [
            await editor.a_create_file({"path": "n.txt", "diff": "+1"}),
            await editor.a_update_file({"path": "n.txt", "diff": "@@\n-1\n+2"}),
            await editor.a_delete_file({"path": "n.txt"}),
        ]

    assert [r["output"] for r in asyncio.run(main())] == ["Created n.txt", "Updated n.txt", "Deleted n.txt"]


class RecordingEditor:
    """A PatchEditor that keeps the operations it is given (sync and async methods apart)."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []

    def _done(self, name: str, operation: dict[str, Any]) -> dict[str, Any]:
        self.calls.append((name, operation))
        return {"status": "completed", "output": f"{name} {operation['path']}"}

    def create_file(self, operation: dict[str, Any]) -> dict[str, Any]:
        return self._done("create_file", operation)

    def update_file(self, operation: dict[str, Any]) -> dict[str, Any]:
        return self._done("update_file", operation)

    def delete_file(self, operation: dict[str, Any]) -> dict[str, Any]:
        return self._done("delete_file", operation)

    async def a_create_file(self, operation: dict[str, Any]) -> dict[str, Any]:
        return self._done("a_create_file", operation)

    async def a_update_file(self, operation: dict[str, Any]) -> dict[str, Any]:
        return self._done("a_update_file", operation)

    async def a_delete_file(self, operation: dict[str, Any]) -> dict[str, Any]:
        return self._done("a_delete_file", operation)


def test_tool_routes_operations_and_asks_for_approval():
    editor = RecordingEditor()
    tool = ApplyPatchTool(editor=editor)
    assert tool.name == "apply_patch_tool" and tool.editor is editor and not tool.needs_approval
    op = {"type": "update_file", "path": "a.py", "diff": "@@\n-a\n+b"}
    assert asyncio.run(tool.func("c1", op)) == {
        "type": "apply_patch_call_output",
        "call_id": "c1",
        "status": "completed",
        "output": "update_file a.py",
    }
    bad = asyncio.run(tool.func("c2", {"type": "rename_file", "path": "a.py"}))
    assert bad["status"] == "failed" and bad["output"].startswith("Invalid operation type: rename_file")

    seen: list[dict[str, Any]] = []

    async def approve_py_only(ctx: dict[str, Any], item: dict[str, Any]) -> dict[str, Any]:
        seen.append(item)
        return {"approve": item["path"].endswith(".py")}

    guarded = ApplyPatchTool(editor=editor, needs_approval=True, on_approval=approve_py_only, async_patches=True)
    assert asyncio.run(guarded.func("c3", {"type": "delete_file", "path": "b.py"}))["output"] == "a_delete_file b.py"
    rejected = asyncio.run(guarded.func("c4", {"type": "delete_file", "path": "notes.txt"}))
    assert rejected == {
        "type": "apply_patch_call_output",
        "call_id": "c4",
        "status": "failed",
        "output": "Operation rejected by user",
    }
    assert [c[0] for c in editor.calls] == ["update_file", "a_delete_file"] and len(seen) == 2
    with pytest.raises(ValueError, match="Either 'editor' or 'workspace_dir' must be provided"):
        ApplyPatchTool()


def test_an_agent_edits_files_through_the_tool(workspace):
    (workspace / "src" / "calc.py").write_text("def double(x):\n    return x + x\n")
    patch = {
        "type": "update_file",
        "path": "src/calc.py",
        "diff": "@@ def double(x):\n-    return x + x\n+    return 2 * x",
    }
    replies = [
        {"tool_calls": [tool_call("apply_patch_tool", {"call_id": "p1", "operation": patch})]},
        "Patched. TERMINATE",
    ]
    with FakeLLMServer(replies) as server:
        tool = ApplyPatchTool(workspace_dir=workspace, allowed_paths=["src/**"])
        assistant = AssistantAgent("assistant", llm_config=server.llm_config)
        user = UserProxyAgent(
            "user",
            human_input_mode="NEVER",
            code_execution_config=False,
            is_termination_msg=lambda m: "TERMINATE" in (m.get("content") or ""),
        )
        tool.register_for_llm(assistant)
        tool.register_for_execution(user)
        user.initiate_chat(assistant, message="make double use multiplication", silent=True)
        schema = server.requests[0].body["tools"][0]["function"]
        tool_result = server.requests[1].messages[-1]
    assert schema["name"] == "apply_patch_tool" and set(schema["parameters"]["required"]) == {"call_id", "operation"}
    assert ast.literal_eval(tool_result["content"])["status"] == "completed"  # a dict's str(), as in ag2
    assert (workspace / "src" / "calc.py").read_text() == "def double(x):\n    return 2 * x\n"
