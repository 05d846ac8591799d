"""Start a program so that, when it ends, everything it started ends too (Linux).

:func:`spawn` hands the program to a small helper process (``_supervisor_helper.py``, started on
first use, one per calling process, gone when the caller exits), which runs it under a per-program
supervisor that is a child subreaper: background children, ``setsid`` sessions and double-forked
daemons are all killed and reaped when the program's main process exits, before the result is
reported. Forking the warm helper adds about a millisecond per program, where starting a fresh
supervisor interpreter would add about 10 ms (a quarter of a trivial Python block's run time).

The program gets exactly the arguments, environment and working directory it is given, its own
session (as with ``start_new_session=True``), stdin from ``/dev/null``, default signal
dispositions, and the caller's current umask. Process state not passed along (resource limits,
for instance) is the caller's as it was when the helper started.

:func:`spawn` returns None when supervision is not available (not Linux, no ``prctl``, no
``/proc``, or the helper could not start); the caller then starts the program itself.
"""

from __future__ import annotations

import atexit
import json
import logging
import os
import select
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Mapping, Sequence

from . import _supervisor_helper as _helper_program
from .process import kill_process_tree

__all__ = ["SupervisedProcess", "spawn", "supervision_problem"]

logger = logging.getLogger(__name__)

# Generous: the helper is a Python interpreter starting on a possibly loaded machine.
_STARTUP_SECONDS = 30.0
# How long a supervisor may take to kill and reap a stopped program's processes before the caller
# kills its tree directly.
_STOP_SECONDS = _helper_program.CLEANUP_LIMIT_SECONDS + 2.0


class _Unsupported(Exception):
    """Supervision cannot work on this machine (reason in the message)."""


class _Helper:
    """The running helper process and this side of its socket."""

    def __init__(self, proc: subprocess.Popen, sock: socket.socket) -> None:
        self.proc = proc
        self.sock = sock
        self.owner = os.getpid()
        self._send_lock = threading.Lock()

    @classmethod
    def start(cls) -> _Helper:
        if not sys.platform.startswith("linux"):
            raise _Unsupported(f"supervision needs Linux; this is {sys.platform}")
        if not sys.executable:
            raise _Unsupported("sys.executable is unknown, so the helper cannot be started")
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            proc = subprocess.Popen(
                [sys.executable, "-I", "-S", _helper_program.__file__, str(theirs.fileno())],
                pass_fds=(theirs.fileno(),),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,  # terminal signals go to the caller, not to the helper
            )
        except OSError:
            ours.close()
            raise
        finally:
            theirs.close()
        try:
            ours.settimeout(_STARTUP_SECONDS)
            hello = ours.recv(4096)
            ours.settimeout(None)
        except OSError:
            hello = b""
        if hello == b"R":
            return cls(proc, ours)
        ours.close()
        _end(proc)
        if hello.startswith(b"U"):
            raise _Unsupported(hello[1:].decode("utf-8", errors="replace"))
        raise OSError(f"the supervisor helper did not start (exit status {proc.returncode})")

    def usable(self) -> bool:
        return self.owner == os.getpid() and self.proc.poll() is None

    def send(self, payload: bytes, fds: list[int]) -> bool:
        data = len(payload).to_bytes(_helper_program.HEADER_BYTES, "big") + payload
        try:
            with self._send_lock:
                # MSG_NOSIGNAL: a dead helper must not SIGPIPE a caller that restored SIGPIPE.
                sent = socket.send_fds(self.sock, [data], fds, socket.MSG_NOSIGNAL)
                if sent < len(data):
                    self.sock.sendall(data[sent:], socket.MSG_NOSIGNAL)
        except OSError:
            return False
        return True

    def close(self) -> None:
        self.sock.close()  # the helper exits when it sees the socket closed
        _end(self.proc)


def _end(proc: subprocess.Popen) -> None:
    try:
        proc.wait(timeout=2)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


_lock = threading.Lock()
_helper: _Helper | None = None
_problem: str | None = None
# Helpers inherited through fork() belong to the parent; kept referenced so their Popen objects
# are never finalised (and never waited for) in the child.
_inherited: list[_Helper] = []


def _get_helper() -> _Helper | None:
    global _helper, _problem
    if _problem is not None:
        return None
    with _lock:
        if _helper is not None and _helper.usable():
            return _helper
        if _helper is not None:  # it died: start a new one
            _helper.close()
            _helper = None
        try:
            _helper = _Helper.start()
        except (_Unsupported, OSError) as e:
            _problem = str(e)
            log = logger.debug if isinstance(e, _Unsupported) else logger.warning
            log("Code blocks run without a supervisor (%s): background processes are killed only at a timeout.", e)
            return None
        return _helper


def _discard(helper: _Helper) -> None:
    global _helper
    with _lock:
        if _helper is helper:
            _helper = None
            helper.close()


def _after_fork_in_child() -> None:
    global _helper, _lock
    _lock = threading.Lock()
    if _helper is not None:
        _helper.sock.close()
        _inherited.append(_helper)
        _helper = None


def _at_exit() -> None:
    if _helper is not None and _helper.owner == os.getpid():
        _helper.close()


os.register_at_fork(after_in_child=_after_fork_in_child)
atexit.register(_at_exit)


def supervision_problem() -> str | None:
    """Why programs cannot run supervised here, or None when they can (starts the helper)."""
    _get_helper()
    return _problem


class SupervisedProcess:
    """A program running under its supervisor (the parts of ``Popen`` that ``run_process`` uses).

    ``pid`` is the supervisor's; while it runs, every process of the program descends from it.
    The program has ended, and everything it started is gone, once :meth:`has_exited` or
    :meth:`wait` says so.
    """

    def __init__(self, stdout_fd: int, stderr_fd: int, status_fd: int) -> None:
        self.stdout_fd = stdout_fd
        self.stderr_fd = stderr_fd
        self._status_fd = status_fd
        self._pending = b""
        self.pid: int | None = None
        self.returncode: int | None = None
        self.finished = False
        self.start_error: tuple[str, int] | None = None

    def _feed(self, data: bytes) -> None:
        if not data:
            self.finished = True  # the supervisor is gone, whether it reported or not
            return
        self._pending += data
        *lines, self._pending = self._pending.split(b"\n")
        for line in lines:
            kind, _, rest = line.decode("ascii", errors="replace").partition(" ")
            if kind == "S":
                self.pid = int(rest)
            elif kind == "E":
                where, _, number = rest.partition(" ")
                self.start_error = (where, int(number or 0))
            elif kind == "X":
                self.returncode = None if rest == "none" else int(rest)
                self.finished = True

    def _read(self, timeout: float) -> bool:
        """Read what the supervisor reported within ``timeout`` seconds; False if nothing came."""
        if self._status_fd < 0:
            return False
        # poll(), not select(): select() refuses descriptors numbered 1024 and above, which a busy
        # process (many sockets, files and subprocesses open) reaches
        poller = select.poll()
        poller.register(self._status_fd, select.POLLIN | select.POLLHUP | select.POLLERR)
        if not poller.poll(max(0.0, timeout) * 1000):
            return False
        self._feed(os.read(self._status_fd, 4096))
        return True

    def wait_started(self, timeout: float) -> bool:
        """Wait until the program runs or failed to start; False if the supervisor vanished first."""
        deadline = time.monotonic() + timeout
        while self.pid is None and self.start_error is None and not self.finished:
            if not self._read(deadline - time.monotonic()) and time.monotonic() >= deadline:
                return False
        return self.pid is not None or self.start_error is not None

    def has_exited(self) -> bool:
        """Non-blocking: True once the program ended and everything it started is gone."""
        while not self.finished and self._read(0):
            pass
        return self.finished

    def wait(self, timeout: float) -> bool:
        """Wait at most ``timeout`` seconds for the end; True once finished."""
        deadline = time.monotonic() + timeout
        while not self.finished:
            if not self._read(deadline - time.monotonic()) and time.monotonic() >= deadline:
                return False
        return True

    def stop(self) -> None:
        """Kill the program and everything it started; return once they are gone."""
        if self.finished or self.pid is None:
            return
        try:
            os.kill(self.pid, signal.SIGTERM)  # the supervisor kills and reaps the whole tree
        except ProcessLookupError:
            pass
        if not self.wait(_STOP_SECONDS):
            kill_process_tree(self.pid)
            self.wait(_STOP_SECONDS)

    def close(self) -> None:
        """Stop the program if it still runs and close the pipes."""
        if not self.finished:
            self.stop()
        for fd in (self.stdout_fd, self.stderr_fd, self._status_fd):
            if fd >= 0:
                os.close(fd)
        self.stdout_fd = self.stderr_fd = self._status_fd = -1


def _umask() -> int | None:
    """This process's umask, read without changing it (Linux >= 4.7), else None."""
    try:
        with open("/proc/self/status", "rb") as f:
            for line in f:
                if line.startswith(b"Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    return None


def spawn(
    args: Sequence[str],
    *,
    cwd: str | os.PathLike[str] | None,
    env: Mapping[str, str] | None,
    timeout: float,
) -> SupervisedProcess | None:
    """Start ``args`` under a supervisor; None when supervision is not available here.

    Raises ``OSError`` (e.g. ``FileNotFoundError``) when the program or ``cwd`` cannot be used,
    as ``subprocess.Popen`` does.
    """
    helper = _get_helper()
    if helper is None:
        return None
    try:
        workdir: str | None = os.path.abspath(cwd) if cwd is not None else os.getcwd()
    except OSError:  # our own working directory was removed; let the helper's stand
        workdir = None
    spec = {
        "args": [os.fsdecode(a) for a in args],
        "cwd": workdir,
        "env": {os.fsdecode(k): os.fsdecode(v) for k, v in (os.environ if env is None else env).items()},
        "umask": _umask(),
        "deadline": timeout,
    }
    payload = json.dumps(spec).encode("ascii")
    out_r, out_w = os.pipe()
    err_r, err_w = os.pipe()
    status_r, status_w = os.pipe()
    try:
        sent = helper.send(payload, [out_w, err_w, status_w])
    finally:
        for fd in (out_w, err_w, status_w):
            os.close(fd)
    proc = SupervisedProcess(out_r, err_r, status_r)
    if not sent or not proc.wait_started(max(_STARTUP_SECONDS, timeout)):
        # The helper died before starting the program (so it never ran): the caller runs it.
        proc.close()
        _discard(helper)
        return None
    if proc.start_error is not None:
        proc.close()
        where, number = proc.start_error
        filename = workdir if where == "cwd" else spec["args"][0]
        raise OSError(number, os.strerror(number) if number else "cannot start the program", filename)
    return proc
