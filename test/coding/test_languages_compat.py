"""content_str for apply_patch_call parts, and ag2's get_powershell_command probing."""

from __future__ import annotations

import subprocess
from unittest.mock import MagicMock

import pytest

from autogen.code_utils import content_str, get_powershell_command


def test_apply_patch_call_parts_read_as_one_line_summaries() -> None:
    part = {
        "type": "apply_patch_call",
        "operation": {"type": "update_file", "path": "a.py", "diff": "+x"},
        "status": "completed",
    }
    assert content_str([{"type": "text", "text": "editing"}, part]) == (
        "editing\n<apply_patch_call: update_file on a.py (status: completed) diff: +x>"
    )
    assert content_str([{"type": "apply_patch_call"}]) == (
        "<apply_patch_call: unknown_operation on unknown_path (status: unknown_status) diff: unknown_diff>"
    )


def test_powershell_probe_prefers_windows_powershell_then_pwsh(monkeypatch: pytest.MonkeyPatch) -> None:
    tried: list[str] = []

    def run(cmd, **kwargs):
        tried.append(cmd[0])
        if cmd[0] == "powershell":
            raise FileNotFoundError(cmd[0])
        return MagicMock(returncode=0)

    monkeypatch.setattr(subprocess, "run", run)
    assert get_powershell_command() == "pwsh" and tried == ["powershell", "pwsh"]


def test_powershell_probe_raises_when_missing_or_forbidden(monkeypatch: pytest.MonkeyPatch) -> None:
    def missing(cmd, **kwargs):
        raise FileNotFoundError(cmd[0])

    monkeypatch.setattr(subprocess, "run", missing)
    with pytest.raises(FileNotFoundError, match="Neither powershell nor pwsh"):
        get_powershell_command()

    def forbidden(cmd, **kwargs):
        raise PermissionError(cmd[0])

    monkeypatch.setattr(subprocess, "run", forbidden)
    with pytest.raises(PermissionError):
        get_powershell_command()
