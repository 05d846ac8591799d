"""Fixtures of the viewer tests: logs of real chats (see viewer_logs.py)."""

from __future__ import annotations

from typing import Any

import pytest
from viewer_logs import run_all_features, run_group_chat

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


@pytest.fixture(scope="session")
def feature_logs(tmp_path_factory) -> dict[str, str]:
    """One session of several chats (retries and a fallback, failing tools, a pattern with a handoff and a
    guardrail, code execution, a nested chat, a call that gives up), logged to SQLite and to JSON lines."""
    root = tmp_path_factory.mktemp("viewer-feature-logs")
    out = {"sqlite": str(root / "features.db"), "jsonl": str(root / "features.jsonl")}
    try:
        runtime_logging.start(config={"dbname": out["sqlite"]})
        run_all_features(str(root / "work-sqlite"))
        runtime_logging.start(logger_type="file", config={"filename": out["jsonl"]})
        run_all_features(str(root / "work-jsonl"))
    finally:
        runtime_logging.stop()
    return out
