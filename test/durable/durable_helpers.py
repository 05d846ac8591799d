"""Helpers of the durable-chat tests (a module of its own: test modules import it by name, which a
``conftest`` module cannot be when several test folders have one)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent


#: Run a test on SQLite and on PostgreSQL (the others run on SQLite only, to keep the suite short).
BOTH_BACKENDS = pytest.mark.parametrize("database_url", ["sqlite", "postgres"], indirect=True)


def wait_for(condition: Callable[[], bool], timeout: float = 60.0, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


class Workers:
    """Worker processes (``python -m autogen.durable worker``) started by a test, killed at its end."""

    def __init__(self, database_url: str, log_dir: Path) -> None:
        self.database_url = database_url
        self.log_dir = log_dir
        self.procs: dict[str, subprocess.Popen[bytes]] = {}

    def start(self, executor_id: str, concurrency: int | None = None) -> subprocess.Popen[bytes]:
        cmd = [sys.executable, "-m", "autogen.durable", "worker", "--database-url", self.database_url]
        cmd += ["--import", "durable_app", "--executor-id", executor_id]
        if concurrency is not None:
            cmd += ["--concurrency", str(concurrency)]
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(HERE), str(ROOT), os.environ.get("PYTHONPATH", "")])}
        out = open(self.log_dir / f"worker-{executor_id}.out", "ab")  # noqa: SIM115 - closed with the process
        proc = subprocess.Popen(cmd, cwd=self.log_dir, env=env, stdout=out, stderr=subprocess.STDOUT)
        self.procs[executor_id] = proc
        return proc

    def wait_ready(self, *executor_ids: str, timeout: float = 60) -> None:
        """Wait until each worker has launched and taken its queues (its start line is printed)."""
        for executor_id in executor_ids:
            wait_for(
                lambda executor_id=executor_id: f"worker {executor_id} running queues" in self.output(executor_id),
                timeout=timeout,
                what=f"worker {executor_id} to start",
            )

    def kill(self, executor_id: str) -> None:
        proc = self.procs.pop(executor_id)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)

    def stop_all(self) -> None:
        for proc in self.procs.values():
            proc.send_signal(signal.SIGTERM)
        for proc in self.procs.values():
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
        self.procs.clear()

    def output(self, executor_id: str) -> str:
        return (self.log_dir / f"worker-{executor_id}.out").read_text(errors="replace")
