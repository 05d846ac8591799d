"""Fixtures and helpers for the code-execution tests (real subprocesses, temp folders)."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from autogen.coding import LocalCommandLineCodeExecutor


def process_alive(pid: int) -> bool:
    """True if ``pid`` is a live process (a zombie waiting to be reaped counts as dead)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            stat = f.read()
    except FileNotFoundError:
        return False
    except OSError:  # no /proc: fall back to a signal probe
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        return True
    return stat[stat.rfind(b")") + 2 :].split()[0] != b"Z"


def wait_until_dead(pid: int, within: float = 3.0) -> bool:
    """Poll until ``pid`` is gone; False if it is still alive after ``within`` seconds."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if not process_alive(pid):
            return True
        time.sleep(0.05)
    return not process_alive(pid)


@pytest.fixture
def wait_dead():
    """The :func:`wait_until_dead` helper (fixtures avoid importing conftest across test folders)."""
    return wait_until_dead


@pytest.fixture
def alive():
    """The :func:`process_alive` helper."""
    return process_alive


@pytest.fixture
def work_dir(tmp_path: Path) -> Path:
    d = tmp_path / "work"
    d.mkdir()
    return d


@pytest.fixture
def executor(work_dir: Path) -> LocalCommandLineCodeExecutor:
    return LocalCommandLineCodeExecutor(work_dir=work_dir, timeout=10)


@pytest.fixture
def kill_later():
    """Collects pids a test spawned indirectly and kills any survivor at teardown."""
    pids: list[int] = []
    yield pids
    for pid in pids:
        if process_alive(pid):
            try:
                os.kill(pid, 9)
            except ProcessLookupError:
                pass
