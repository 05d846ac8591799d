"""The helper program that runs code blocks under a per-block supervisor (Linux only, stdlib only).

:mod:`autogen.coding.supervisor` starts this file once per calling process, as
``python -I -S <this file> <socket fd>``, and sends it one request per block over that Unix
socket. Starting a Python interpreter per block would add about 10 ms to every block; forking
this small, single-threaded helper adds about one.

For each request the helper forks a *supervisor*. The supervisor starts its own session and marks
itself a child subreaper (``prctl(PR_SET_CHILD_SUBREAPER)``), so that every process the block
orphans (a double-forked or ``setsid`` daemon included) is re-parented to it instead of to
``init``; then it starts the block's program with ``posix_spawn`` (in a session of its own, as
without a supervisor). When the program's main process exits (or the caller asks it to stop),
the supervisor SIGKILLs every descendant it still has, reaps them, and only then reports the
exit code. So when the report arrives nothing the block started is left, and nothing holds the
block's output pipes open any more.

Protocol (all integers in ASCII):

* at start the helper writes ``R`` (ready) or ``U<reason>`` (cannot supervise here) on the socket;
* a request is an 8-byte big-endian length and a JSON object ``{"args", "cwd", "env", "umask",
  "deadline"}``, with three file descriptors attached: the block's stdout and stderr and a status
  pipe (write ends);
* on the status pipe the supervisor writes ``S <supervisor pid>`` once the block runs, or
  ``E <cwd|exec|fork> <errno>`` if it could not be started, and finally ``X <returncode>``
  (``Popen`` convention: negative signal number when killed) once everything is gone.

The helper exits when the socket is closed (its caller exited). SIGTERM to a supervisor means
"stop": it kills the block and everything the block started, then reports ``X``.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import sys
import time

PR_SET_CHILD_SUBREAPER = 36
PR_GET_CHILD_SUBREAPER = 37
HEADER_BYTES = 8
# If the caller vanished without stopping a block, the supervisor stops it this long after its
# own timeout (the caller normally does it at the timeout).
BACKSTOP_SECONDS = 30.0
# Give up on processes that cannot be killed (another user's) after this long.
CLEANUP_LIMIT_SECONDS = 5.0

_STOP_SIGNALS = {signal.SIGCHLD, signal.SIGTERM}


def _prctl_or_problem():  # type: ignore[no-untyped-def]
    """``(prctl, None)`` when child subreapers work here, else ``(None, why not)``."""
    if not sys.platform.startswith("linux"):
        return None, f"child subreapers need Linux; this is {sys.platform}"
    if not os.path.isdir(f"/proc/{os.getpid()}/task"):
        return None, "/proc is not mounted"
    try:
        import ctypes

        prctl = ctypes.CDLL(None, use_errno=True).prctl
        prctl.restype = ctypes.c_int
        value = ctypes.c_int(0)
        if prctl(PR_GET_CHILD_SUBREAPER, ctypes.byref(value), 0, 0, 0) != 0:
            return None, f"prctl(PR_GET_CHILD_SUBREAPER) failed: {os.strerror(ctypes.get_errno())}"
    except (OSError, AttributeError, ImportError) as e:
        return None, f"prctl is not callable: {e}"
    return prctl, None


def main(argv: list[str]) -> int:
    sock = socket.socket(fileno=int(argv[1]))
    # Terminal signals are not for the helper (it also runs in its own session).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    prctl, problem = _prctl_or_problem()
    if problem is not None:
        sock.sendall(b"U" + problem.encode("utf-8", errors="replace"))
        return 0
    # The kernel reaps the supervisors (this helper never waits for them).
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)
    sock.sendall(b"R")
    while True:
        request = _receive(sock)
        if request is None:
            return 0
        spec, fds = request
        try:
            pid = os.fork()
        except OSError as e:
            _report(fds[2], f"E fork {e.errno or 0}")
            pid = -1
        if pid == 0:
            code = 1
            try:
                sock.close()
                _supervise(spec, fds, prctl)
                code = 0
            finally:
                os._exit(code)
        for fd in fds:
            os.close(fd)


def _receive(sock: socket.socket) -> tuple[dict, list[int]] | None:
    """The next request, or None when the caller closed the socket."""
    while True:
        head, fds, _flags, _addr = socket.recv_fds(sock, HEADER_BYTES, 3)
        if not head:
            return None
        while len(head) < HEADER_BYTES:
            more = sock.recv(HEADER_BYTES - len(head))
            if not more:
                return None
            head += more
        size = int.from_bytes(head, "big")
        body = bytearray()
        while len(body) < size:
            chunk = sock.recv(min(size - len(body), 1 << 20))
            if not chunk:
                return None
            body += chunk
        if len(fds) == 3:
            return json.loads(body), fds
        for fd in fds:  # malformed request: drop it
            os.close(fd)


def _report(fd: int, line: str) -> None:
    try:
        os.write(fd, (line + "\n").encode("ascii"))
    except OSError:  # the caller is gone; finish the job anyway
        pass


def _supervise(spec: dict, fds: list[int], prctl) -> None:  # type: ignore[no-untyped-def]
    out_fd, err_fd, status_fd = fds
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    os.setsid()
    prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    # Blocked signals are queued; they are taken with sigtimedwait, so nothing interrupts cleanup.
    signal.pthread_sigmask(signal.SIG_BLOCK, _STOP_SIGNALS)
    # Only stdin, stdout and stderr are passed on (received descriptors come inheritable).
    for fd in fds:
        os.set_inheritable(fd, False)
    try:
        pid = _spawn_block(spec, out_fd, err_fd)
    except _StartError as e:
        _report(status_fd, f"E {e.where} {e.errno}")
        return
    finally:
        os.close(out_fd)
        os.close(err_fd)
    _report(status_fd, f"S {os.getpid()}")

    deadline = spec.get("deadline")
    give_up = time.monotonic() + float(deadline) + BACKSTOP_SECONDS if deadline else None
    while True:
        finished, returncode = _reap(pid)
        if finished:
            break
        wait = None if give_up is None else give_up - time.monotonic()
        if wait is not None and wait <= 0:
            break
        info = signal.sigtimedwait(_STOP_SIGNALS, wait) if wait is not None else signal.sigwaitinfo(_STOP_SIGNALS)
        if info is not None and info.si_signo == signal.SIGTERM:
            returncode = None
            break
    _kill_descendants()
    _report(status_fd, f"X {returncode if returncode is not None else 'none'}")


def _reap(main_pid: int) -> tuple[bool, int | None]:
    """Reap every exited child; (True, returncode) once the block's main process is among them."""
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return True, None
        if pid == 0:
            return False, None
        if pid == main_pid:
            return True, os.waitstatus_to_exitcode(status)


class _StartError(Exception):
    def __init__(self, where: str, error: OSError) -> None:
        super().__init__(where, error)
        self.where = where
        self.errno = error.errno or 0


# Python ignores SIGPIPE and SIGXFSZ, the helper SIGINT: programs expect the defaults.
_DEFAULT_SIGNALS = (signal.SIGPIPE, signal.SIGXFSZ, signal.SIGINT, signal.SIGCHLD, signal.SIGTERM)


def _spawn_block(spec: dict, out_fd: int, err_fd: int) -> int:
    """Start the block's program (cwd, umask, stdio, signals, own session); its pid.

    ``posix_spawn`` (vfork and exec) is used rather than ``fork``: copying this Python process
    would cost more than the rest of the supervision.
    """
    if spec.get("umask") is not None:
        os.umask(int(spec["umask"]))
    if spec.get("cwd"):
        try:
            os.chdir(spec["cwd"])  # this process's own: the program inherits it
        except OSError as e:
            raise _StartError("cwd", e) from None
    args = list(spec["args"])
    env = dict(spec["env"])
    null = os.open(os.devnull, os.O_RDONLY)
    actions = [
        (os.POSIX_SPAWN_DUP2, null, 0),
        (os.POSIX_SPAWN_DUP2, out_fd, 1),
        (os.POSIX_SPAWN_DUP2, err_fd, 2),
    ]
    try:
        program = _find_program(args[0], env)
        try:
            # Its own session, as without a supervisor: `kill 0` in a script stays in the block.
            return os.posix_spawn(
                program, args, env, file_actions=actions, setsigmask=(), setsigdef=_DEFAULT_SIGNALS, setsid=True
            )
        except NotImplementedError:  # no POSIX_SPAWN_SETSID in this libc: its own group, then
            return os.posix_spawn(
                program, args, env, file_actions=actions, setsigmask=(), setsigdef=_DEFAULT_SIGNALS, setpgroup=0
            )
    except OSError as e:
        raise _StartError("exec", e) from None
    finally:
        os.close(null)


def _find_program(name: str, env: dict[str, str]) -> str:
    """Where ``execvpe`` would find ``name`` on the program's own PATH."""
    if os.sep in name:
        return name
    denied: str | None = None
    for folder in env.get("PATH", os.defpath).split(os.pathsep):
        candidate = os.path.join(folder or ".", name)
        if os.path.isfile(candidate):
            if os.access(candidate, os.X_OK):
                return candidate
            denied = denied or candidate
    if denied is not None:
        raise PermissionError(13, os.strerror(13), denied)
    raise FileNotFoundError(2, os.strerror(2), name)


def _kill_descendants() -> None:
    """SIGKILL every remaining descendant and reap them; they all end up as our children."""
    me = os.getpid()
    give_up = time.monotonic() + CLEANUP_LIMIT_SECONDS
    while True:
        for pid in _descendants(me):
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        finished, _ = _reap(-1)
        if finished or time.monotonic() > give_up:
            return
        signal.sigtimedwait({signal.SIGCHLD}, 0.01)


def _descendants(root: int) -> list[int]:
    """All processes below ``root``, from /proc/<pid>/task/<tid>/children (or a full /proc scan)."""
    if not os.path.exists(f"/proc/{root}/task/{root}/children"):
        return _descendants_by_scan(root)
    found: list[int] = []
    frontier = [root]
    while frontier:
        pid = frontier.pop()
        try:
            tids = os.listdir(f"/proc/{pid}/task")
        except OSError:
            continue
        for tid in tids:
            try:
                with open(f"/proc/{pid}/task/{tid}/children", "rb") as f:
                    kids = [int(k) for k in f.read().split()]
            except (OSError, ValueError):
                continue
            found += kids
            frontier += kids
    return found


def _descendants_by_scan(root: int) -> list[int]:
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue
        fields = stat[stat.rfind(b")") + 2 :].split()
        if len(fields) >= 2:
            parents[int(entry)] = int(fields[1])
    found: list[int] = []
    frontier = {root}
    while frontier:
        frontier = {p for p, ppid in parents.items() if ppid in frontier}
        found += frontier
    return found


if __name__ == "__main__":
    sys.exit(main(sys.argv))
