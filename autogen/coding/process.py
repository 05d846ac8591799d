"""Run one program with a deadline and bounded, deadlock-free output capture.

Every code executor goes through :func:`run_process`. It guarantees three things the plain
``subprocess.run`` does not:

* the program runs in its own session / process group, and on timeout the whole group (plus any
  process of the same session that moved to another group) is killed, so nothing it started keeps
  running; with ``kill_background_processes=True`` everything it started is also killed when it
  exits normally (on Linux through a supervisor that catches daemons too: see
  :mod:`autogen.coding.supervisor`; elsewhere its process group and session are killed);
* stdout and stderr are read concurrently, so a program filling one pipe never blocks;
* each stream keeps only its first and last bytes once it grows past a limit, so a program that
  prints hundreds of megabytes costs bounded memory; the dropped middle is replaced by a marker.
"""

from __future__ import annotations

import os
import selectors
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .supervisor import SupervisedProcess

__all__ = [
    "DEFAULT_OUTPUT_HEAD_BYTES",
    "DEFAULT_OUTPUT_TAIL_BYTES",
    "ProcessOutcome",
    "kill_process_tree",
    "run_process",
]

WIN32 = sys.platform == "win32"

#: Bytes kept from the start of each stream before truncation kicks in.
DEFAULT_OUTPUT_HEAD_BYTES = 512 * 1024
#: Bytes kept from the end of each stream once it has been truncated.
DEFAULT_OUTPUT_TAIL_BYTES = 128 * 1024

# After the program itself exits, processes it left in the background may still hold the pipes
# open. Wait this long for them to close, then stop capturing (the program is done).
_EXIT_GRACE_SECONDS = 0.25
# How often the read loop checks whether the program has exited while pipes stay open.
_POLL_SECONDS = 0.05
_CHUNK = 64 * 1024


@dataclass
class ProcessOutcome:
    """What happened to one program run.

    ``returncode`` is the program's exit status (negative signal number when killed by a signal,
    ``None`` only if it could not be collected); ``timed_out`` says the deadline was hit and the
    process group was killed. ``stdout``/``stderr`` are decoded as UTF-8 (undecodable bytes are
    replaced) and carry a truncation marker when they were cut.
    """

    returncode: int | None
    stdout: str
    stderr: str
    timed_out: bool
    stdout_truncated: bool = False
    stderr_truncated: bool = False


class _CappedBuffer:
    """Keeps the first ``head_limit`` and the last ``tail_limit`` bytes of a stream."""

    def __init__(self, name: str, head_limit: int, tail_limit: int) -> None:
        self.name = name
        self._head_limit = head_limit
        self._tail_limit = tail_limit
        self._head = bytearray()
        self._tail = bytearray()
        self.dropped = 0

    def feed(self, data: bytes) -> None:
        room = self._head_limit - len(self._head)
        if room > 0:
            self._head += data[:room]
            data = data[room:]
        if not data:
            return
        if len(data) >= self._tail_limit:
            # The new chunk alone fills the tail: everything older is dropped.
            self.dropped += len(self._tail) + len(data) - self._tail_limit
            self._tail = bytearray(data[len(data) - self._tail_limit :])
            return
        self._tail += data
        excess = len(self._tail) - self._tail_limit
        if excess > 0:
            del self._tail[:excess]
            self.dropped += excess

    def text(self) -> str:
        head = self._head.decode("utf-8", errors="replace")
        if not self.dropped:
            return head + self._tail.decode("utf-8", errors="replace")
        marker = (
            f"\n[... {self.name} truncated: {self.dropped} bytes omitted; "
            f"showing the first {len(self._head)} and the last {len(self._tail)} bytes ...]\n"
        )
        return head + marker + self._tail.decode("utf-8", errors="replace")


def run_process(
    args: Sequence[str],
    *,
    cwd: str | os.PathLike[str] | None = None,
    env: Mapping[str, str] | None = None,
    timeout: float,
    head_bytes: int = DEFAULT_OUTPUT_HEAD_BYTES,
    tail_bytes: int = DEFAULT_OUTPUT_TAIL_BYTES,
    kill_background_processes: bool = False,
) -> ProcessOutcome:
    """Run ``args`` (no shell) and wait at most ``timeout`` seconds for it.

    With ``kill_background_processes`` every process the program started is killed when the
    program exits, before this returns: on Linux all of them, daemons that left its session
    included (see :mod:`autogen.coding.supervisor`); elsewhere, or if the supervisor cannot run,
    those still in its process group or session. Without it they are killed only at the timeout,
    and ones that keep the output pipes open are no longer read 0.25 s after the program exited.

    Raises ``OSError`` (e.g. ``FileNotFoundError``) when the program cannot be started; every
    other problem is reported in the returned :class:`ProcessOutcome`.
    """
    out = _CappedBuffer("stdout", head_bytes, tail_bytes)
    err = _CappedBuffer("stderr", head_bytes, tail_bytes)
    deadline = time.monotonic() + timeout
    proc = _start(args, cwd, env, timeout, kill_background_processes)
    try:
        if isinstance(proc, _PlainProcess) and WIN32:
            timed_out = _capture_with_threads(proc.popen, out, err, deadline)
        else:
            timed_out = _capture_with_selector(proc, out, err, deadline)
        if not timed_out and not proc.wait(max(0.0, deadline - time.monotonic())):
            timed_out = True  # it closed its output but kept running until the deadline
        if timed_out or kill_background_processes:
            proc.stop()
    finally:
        proc.close()  # also stops it after an unexpected error inside the loop
    return ProcessOutcome(
        returncode=proc.returncode,
        stdout=out.text(),
        stderr=err.text(),
        timed_out=timed_out,
        stdout_truncated=bool(out.dropped),
        stderr_truncated=bool(err.dropped),
    )


class _PlainProcess:
    """A program started directly in its own session; :meth:`stop` kills its group and session.

    With ``hold_pid`` (POSIX) its exit is noticed without reaping it, so its pid, which is also
    its group's and session's id, cannot be reused before :meth:`stop` has signalled them.
    """

    def __init__(self, popen: subprocess.Popen, hold_pid: bool = False) -> None:
        assert popen.stdout is not None and popen.stderr is not None
        self.popen = popen
        self.stdout_fd = popen.stdout.fileno()
        self.stderr_fd = popen.stderr.fileno()
        self._hold_pid = hold_pid

    @property
    def returncode(self) -> int | None:
        return self.popen.returncode

    def has_exited(self) -> bool:
        if not self._hold_pid or self.popen.returncode is not None:
            return self.popen.poll() is not None
        try:
            return os.waitid(os.P_PID, self.popen.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None
        except ChildProcessError:
            return True

    def wait(self, timeout: float) -> bool:
        if self._hold_pid:
            deadline = time.monotonic() + timeout
            while not self.has_exited():
                if time.monotonic() >= deadline:
                    return False
                time.sleep(0.005)
            return True
        try:
            self.popen.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return False
        return True

    def stop(self) -> None:
        kill_process_tree(self.popen.pid)
        self.popen.wait()

    def close(self) -> None:
        for stream in (self.popen.stdout, self.popen.stderr):
            if stream is not None:
                stream.close()
        if self.popen.poll() is None:
            self.stop()


def _start(
    args: Sequence[str],
    cwd: str | os.PathLike[str] | None,
    env: Mapping[str, str] | None,
    timeout: float,
    supervised: bool,
) -> _PlainProcess | SupervisedProcess:
    """Start the program, under a supervisor when asked and possible."""
    if supervised and sys.platform.startswith("linux"):
        from .supervisor import spawn

        proc = spawn(args, cwd=cwd, env=env, timeout=timeout)
        if proc is not None:
            return proc
    popen_kwargs: dict = {
        "stdin": subprocess.DEVNULL,
        "stdout": subprocess.PIPE,
        "stderr": subprocess.PIPE,
        "cwd": cwd,
        "env": dict(env) if env is not None else None,
    }
    if WIN32:
        popen_kwargs["creationflags"] = subprocess.CREATE_NEW_PROCESS_GROUP  # type: ignore[attr-defined]
    else:
        # Own session (hence own process group): the whole tree can be killed at once.
        popen_kwargs["start_new_session"] = True
    # Without a supervisor, "kill what it started" falls back to its group and session (after exit).
    return _PlainProcess(subprocess.Popen(list(args), **popen_kwargs), hold_pid=supervised and not WIN32)


def _capture_with_selector(
    proc: _PlainProcess | SupervisedProcess, out: _CappedBuffer, err: _CappedBuffer, deadline: float
) -> bool:
    """Read both pipes until they close; return True if the deadline passed first."""
    buffers = {proc.stdout_fd: out, proc.stderr_fd: err}
    exit_deadline: float | None = None
    with selectors.DefaultSelector() as sel:
        for fd in buffers:
            sel.register(fd, selectors.EVENT_READ)
        while sel.get_map():
            now = time.monotonic()
            if now >= deadline:
                _drain_ready(sel, buffers)
                return True
            if exit_deadline is None and proc.has_exited():
                exit_deadline = now + _EXIT_GRACE_SECONDS
            if exit_deadline is not None and now >= exit_deadline:
                break  # the program is done; background leftovers keep the pipes open
            wait = min(deadline - now, _POLL_SECONDS)
            for key, _ in sel.select(wait):
                data = os.read(key.fd, _CHUNK)
                if data:
                    buffers[key.fd].feed(data)
                else:
                    sel.unregister(key.fd)
    return False


def _drain_ready(sel: selectors.BaseSelector, buffers: dict[int, _CappedBuffer]) -> None:
    # Keep what is already sitting in the pipes when the deadline hits (bounded by a few reads).
    for _ in range(16):
        events = sel.select(0)
        if not events:
            return
        for key, _ in events:
            data = os.read(key.fd, _CHUNK)
            if data:
                buffers[key.fd].feed(data)
            else:
                sel.unregister(key.fd)


def _capture_with_threads(proc: subprocess.Popen, out: _CappedBuffer, err: _CappedBuffer, deadline: float) -> bool:
    """Windows fallback: one reader thread per pipe (select() does not work on pipes there)."""

    def pump(stream, buf: _CappedBuffer) -> None:  # type: ignore[no-untyped-def]
        try:
            for chunk in iter(lambda: stream.read1(_CHUNK), b""):
                buf.feed(chunk)
        except (OSError, ValueError):  # pipe closed under us when the run ends
            pass

    threads = [
        threading.Thread(target=pump, args=(proc.stdout, out), daemon=True),
        threading.Thread(target=pump, args=(proc.stderr, err), daemon=True),
    ]
    for t in threads:
        t.start()
    try:
        proc.wait(timeout=max(0.0, deadline - time.monotonic()))
    except subprocess.TimeoutExpired:
        return True
    for t in threads:
        t.join(timeout=_EXIT_GRACE_SECONDS)
    return False


def kill_process_tree(pid: int) -> None:
    """Kill the process group led by ``pid`` and every process of its session or descendants.

    The executors start each program as the leader of a new session, so its group id and session
    id are both ``pid``. A process that moved to another group keeps the session id and is found
    through ``/proc`` on Linux; a child that called ``setsid`` is found through its parent chain.
    """
    if WIN32:
        subprocess.run(
            ["taskkill", "/T", "/F", "/PID", str(pid)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=False,
        )
        return
    # Repeat: a process may fork between the scan and the kill.
    for _ in range(3):
        members = _tree_members(pid)
        try:
            os.killpg(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        for member in members:
            try:
                os.kill(member, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        if not members:
            break


def _tree_members(root: int) -> set[int]:
    """Live processes in ``root``'s session or descended from ``root`` (Linux /proc; else empty)."""
    try:
        entries = os.listdir("/proc")
    except OSError:
        return set()
    parents: dict[int, int] = {}
    in_session: set[int] = set()
    for entry in entries:
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue
        # Format: pid (comm) state ppid pgrp session ... ; comm may contain spaces or parens.
        fields = stat[stat.rfind(b")") + 2 :].split()
        if len(fields) < 4 or fields[0] == b"Z":
            continue
        pid = int(entry)
        parents[pid] = int(fields[1])
        if int(fields[3]) == root or int(fields[2]) == root:
            in_session.add(pid)
    descendants: set[int] = set()
    frontier = {root}
    while frontier:
        children = {p for p, ppid in parents.items() if ppid in frontier and p not in descendants}
        descendants |= children
        frontier = children
    members = (in_session | descendants) - {root}
    if root in parents:
        members.add(root)
    members.discard(os.getpid())
    return members
