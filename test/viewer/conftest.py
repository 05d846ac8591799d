"""Fixtures of the viewer tests: logs of a real group chat (see viewer_logs.py)."""

from __future__ import annotations

from typing import Any

import pytest
from viewer_logs import run_group_chat

from autogen import runtime_logging


@pytest.fixture(scope="session")
def group_chat_logs(tmp_path_factory) -> dict[str, Any]:
    """The same group chat logged to SQLite and to JSON lines: ``{"sqlite", "jsonl", "result"}``."""
    root = tmp_path_factory.mktemp("viewer-logs")
    out: dict[str, Any] = {"sqlite": str(root / "group.db"), "jsonl": str(root / "group.jsonl")}
    try:
        runtime_logging.start(config={"dbname": out["sqlite"]})
        out["result"] = run_group_chat()
        runtime_logging.start(logger_type="file", config={"filename": out["jsonl"]})
        run_group_chat()
    finally:
        runtime_logging.stop()
    return out
