"""A disk cache in one SQLite file, safe to share between threads and processes.

Layout: ``<directory>/cache.db``, table ``autogen_cache(key TEXT PRIMARY KEY, value BLOB, stored_at REAL)``,
values pickled. The original used the ``diskcache`` package, which fails with "database is locked"
when several processes share a cache; here every write is one short autocommit statement in WAL mode,
SQLite waits on a busy lock (busy_timeout), and a retry loop with backoff covers the cases where SQLite
gives up immediately (e.g. while switching to WAL).
"""

from __future__ import annotations

import logging
import os
import pickle
import random
import sqlite3
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from .abstract_cache_base import CloseOnExitMixin

__all__ = ["DiskCache"]

logger = logging.getLogger(__name__)

_T = TypeVar("_T")
_DB_FILE = "cache.db"
_TABLE = "autogen_cache"


def _is_lock_error(error: sqlite3.Error) -> bool:
    text = str(error).lower()
    return isinstance(error, sqlite3.OperationalError) and ("locked" in text or "busy" in text)


class DiskCache(CloseOnExitMixin):
    """A persistent cache stored in ``<seed>/cache.db``.

    ``seed`` is the cache directory (named ``seed`` for compatibility with the original class;
    ``Cache.disk`` passes ``<cache_path_root>/<cache_seed>``). The directory is resolved to an
    absolute path once, so a later ``os.chdir`` does not move the cache.

    ``timeout`` bounds how long one operation waits for other writers before giving up; a read that
    gives up is a miss and a write that gives up is skipped, each with a warning.
    """

    def __init__(self, seed: str | int | os.PathLike[str], *, timeout: float = 60.0):
        self.directory = os.path.abspath(os.fspath(seed) if not isinstance(seed, int) else str(seed))
        self.path = os.path.join(self.directory, _DB_FILE)
        self._timeout = float(timeout)
        self._lock = threading.RLock()
        self._pid = os.getpid()
        self._conn: sqlite3.Connection | None = None
        try:
            os.makedirs(self.directory, exist_ok=True)
        except OSError as e:
            raise OSError(
                f"Cannot create the disk cache directory {self.directory!r}: {e}. Choose a writable cache_path_root."
            ) from e
        # Open now so that a bad location fails at construction, not in the middle of a chat.
        with self._locked():
            self._connection()

    # -- connection management -------------------------------------------------------------

    def _locked(self) -> threading.RLock:
        # A lock or connection inherited through fork() belongs to the parent; start afresh.
        if self._pid != os.getpid():
            self._pid = os.getpid()
            self._lock = threading.RLock()
            self._conn = None  # not closed: closing it here would release the parent's locks
        return self._lock

    def _connection(self) -> sqlite3.Connection:
        if self._conn is None:
            self._conn = self._with_retry(self._open)
        return self._conn

    def _open(self) -> sqlite3.Connection:
        try:
            return self._open_once()
        except sqlite3.DatabaseError as e:
            text = str(e).lower()
            if "not a database" not in text and "malformed" not in text:
                raise
            # The file is not a usable SQLite database: keep it aside and start an empty cache.
            aside = f"{self.path}.corrupt-{int(time.time())}-{os.getpid()}"
            logger.warning("Disk cache %s is unreadable (%s); moving it to %s and starting empty.", self.path, e, aside)
            for suffix in ("", "-wal", "-shm"):
                try:
                    os.replace(self.path + suffix, aside + suffix)
                except OSError:
                    pass
            return self._open_once()

    def _open_once(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=self._timeout, isolation_level=None, check_same_thread=False)
        try:
            conn.execute(f"PRAGMA busy_timeout = {int(self._timeout * 1000)}")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute(
                f"CREATE TABLE IF NOT EXISTS {_TABLE} (key TEXT PRIMARY KEY, value BLOB NOT NULL, stored_at REAL NOT NULL)"
            )
        except BaseException:
            conn.close()
            raise
        return conn

    def _with_retry(self, operation: Callable[[], _T]) -> _T:
        deadline = time.monotonic() + self._timeout
        delay = 0.005
        while True:
            try:
                return operation()
            except sqlite3.Error as e:
                if not _is_lock_error(e) or time.monotonic() >= deadline:
                    raise
            time.sleep(delay * (0.5 + random.random()))
            delay = min(delay * 2, 0.25)

    def _run(self, sql: str, params: tuple[Any, ...]) -> list[Any]:
        def attempt() -> list[Any]:
            return self._connection().execute(sql, params).fetchall()

        with self._locked():
            return self._with_retry(attempt)

    # -- public API ------------------------------------------------------------------------

    def get(self, key: str, default: Any | None = None) -> Any | None:
        """Return the value stored under ``key``, or ``default`` (also when it cannot be read)."""
        try:
            rows = self._run(f"SELECT value FROM {_TABLE} WHERE key = ?", (str(key),))
        except sqlite3.Error as e:
            logger.warning("Disk cache %s could not be read (%s); treating key %r as a miss.", self.path, e, key)
            return default
        if not rows:
            return default
        try:
            return pickle.loads(rows[0][0])
        except Exception as e:  # noqa: BLE001 - any damage or an incompatible class: a miss, never a crash
            logger.warning(
                "Disk cache %s holds an unreadable value for key %r (%s); treating it as a miss.", self.path, key, e
            )
            return default

    def set(self, key: str, value: Any) -> None:
        """Store ``value`` (pickled) under ``key``; raises TypeError if the value cannot be pickled."""
        try:
            data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as e:
            raise TypeError(f"Cannot store the value for cache key {key!r}: it cannot be pickled ({e}).") from e
        try:
            self._run(
                f"INSERT OR REPLACE INTO {_TABLE} (key, value, stored_at) VALUES (?, ?, ?)",
                (str(key), sqlite3.Binary(data), time.time()),
            )
        except sqlite3.Error as e:
            logger.warning("Disk cache %s could not store key %r (%s); the value was not cached.", self.path, key, e)

    def close(self) -> None:
        """Close the database connection; a later get/set reopens it."""
        with self._locked():
            conn, self._conn = self._conn, None
            if conn is not None:
                conn.close()

    def __repr__(self) -> str:
        return f"DiskCache({self.directory!r})"
