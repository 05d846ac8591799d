"""A local executor whose programs run inside a bubblewrap sandbox (Linux, no Docker needed).

Every program the executor starts (python, sh, bash, node, pwsh) runs under ``bwrap`` with the
whole file system mounted read-only, a private ``/tmp``, no network and only ``work_dir``
writable. It keeps every rule of :class:`LocalCommandLineCodeExecutor` (file names, policies,
timeouts, output truncation) because it only changes *which program* is started.

How: the parent executor starts ``self._python_executable()`` for Python and looks ``sh`` /
``bash`` / ``node`` / ``pwsh`` up on the ``PATH`` of ``self._env()``. This subclass points both
at small launcher scripts (in a private directory) that ``exec bwrap ... <real program>``, and
gives the sandboxed program back the original ``PATH``.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import weakref
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .local_commandline_code_executor import LocalCommandLineCodeExecutor

__all__ = ["BubblewrapNotAvailableError", "SandboxedLocalCommandLineCodeExecutor", "bwrap_available"]

# Programs the parent executor may start by name (see languages.script_command).
_WRAPPED_PROGRAMS = ("sh", "bash", "node", "pwsh", "powershell")
_PATH_VAR = "_AG2_SANDBOX_PATH"


class BubblewrapNotAvailableError(RuntimeError):
    """bubblewrap (``bwrap``) is not installed or cannot create a sandbox on this machine."""


def bwrap_available(bwrap: str | None = None) -> str | None:
    """Why a bubblewrap sandbox cannot be used here, or None when it works.

    Tries a trivial sandbox once, because an installed ``bwrap`` can still fail (e.g. user
    namespaces disabled in the kernel or by a container runtime).
    """
    if not sys.platform.startswith("linux"):
        return f"bubblewrap sandboxes need Linux; this is {sys.platform}."
    program = shutil.which(bwrap) if bwrap else shutil.which("bwrap")
    if program is None:
        where = repr(bwrap) if bwrap else "'bwrap' on PATH"
        return f"bubblewrap is not installed (no {where}). Install it, e.g. `apt-get install -y bubblewrap`."
    try:
        probe = subprocess.run(
            [program, "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--unshare-net", "true"],
            capture_output=True,
            timeout=20,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as e:
        return f"running {program} failed: {e}"
    if probe.returncode != 0:
        detail = probe.stderr.decode("utf-8", errors="replace").strip()
        return f"{program} cannot create a sandbox here (exit {probe.returncode}): {detail}"
    return None


class SandboxedLocalCommandLineCodeExecutor(LocalCommandLineCodeExecutor):
    """:class:`LocalCommandLineCodeExecutor` whose programs run in a bubblewrap sandbox.

    Inside the sandbox the root file system is read-only, ``/tmp`` is a fresh private tmpfs,
    processes of the host are invisible, and there is no network; ``work_dir`` (plus any
    ``writable_paths``) is the only place code can write to. The code still runs as your user,
    so it can *read* whatever you can read: keep secrets out of readable paths or hide them with
    ``hidden_paths`` (each replaced by an empty tmpfs).

    ``network=True`` keeps the host network (needed e.g. for ``pip install``). Without Docker
    this is the advised way to run model-written code. Needs Linux and the ``bwrap`` program
    (``apt-get install -y bubblewrap``).

    Each block has its own pid namespace, and nothing it starts outlives it (the supervisor of
    :class:`LocalCommandLineCodeExecutor` kills the whole namespace when the block's main process
    exits). With ``kill_background_processes=False`` background processes keep running, still
    inside their sandbox (bwrap then runs without ``--die-with-parent``).
    """

    def __init__(
        self,
        *args: Any,
        network: bool = False,
        writable_paths: Sequence[str | os.PathLike[str]] = (),
        hidden_paths: Sequence[str | os.PathLike[str]] = (),
        bwrap_path: str | None = None,
        **kwargs: Any,
    ) -> None:
        """Same arguments as :class:`LocalCommandLineCodeExecutor`, plus the sandbox options.

        Raises:
            BubblewrapNotAvailableError: ``bwrap`` is missing or cannot create a sandbox here.
        """
        problem = bwrap_available(bwrap_path)
        if problem is not None:
            raise BubblewrapNotAvailableError(
                f"SandboxedLocalCommandLineCodeExecutor cannot run: {problem} "
                "Alternatives: DockerCommandLineCodeExecutor, or LocalCommandLineCodeExecutor (no isolation)."
            )
        super().__init__(*args, **kwargs)
        self._bwrap = bwrap_path or shutil.which("bwrap") or "bwrap"
        self._network = network
        self._writable_paths = [Path(p).resolve() for p in writable_paths]
        self._hidden_paths = [Path(p).resolve() for p in hidden_paths]
        self._launcher_dir = Path(tempfile.mkdtemp(prefix="ag2-sandbox-"))
        self._cleanup = weakref.finalize(self, shutil.rmtree, str(self._launcher_dir), True)
        self._write_launchers()

    @property
    def network(self) -> bool:
        """Whether sandboxed code can use the network."""
        return self._network

    def bwrap_args(self) -> list[str]:
        """The ``bwrap`` command line (without the program to run) used for every block."""
        work_dir = str(self.work_dir.resolve())
        args = [
            self._bwrap,
            "--ro-bind", "/", "/",
            "--dev", "/dev",
            "--proc", "/proc",
            "--tmpfs", "/tmp",
            "--unshare-pid",
            "--unshare-ipc",
            "--unshare-uts",
            "--new-session",
        ]  # fmt: skip
        if self.kill_background_processes:
            # If the block's bwrap dies, so does the namespace (the supervisor then reaps it).
            args.append("--die-with-parent")
        if not self._network:
            args.append("--unshare-net")
        for hidden in self._hidden_paths:
            args += ["--tmpfs", str(hidden)]
        # Writable binds come last so they win over the tmpfs /tmp (work_dir is often under /tmp).
        for path in [work_dir, *map(str, self._writable_paths)]:
            args += ["--bind", path, path]
        args += ["--chdir", work_dir]
        return args

    def _write_launchers(self) -> None:
        prefix = " ".join(shlex.quote(a) for a in self.bwrap_args())
        # The program gets the PATH the parent computed (venv first), without the launcher dir.
        common = f'{prefix} --setenv PATH "${_PATH_VAR}" --unsetenv {_PATH_VAR} --'
        targets = {"python": super()._python_executable()}
        for name in _WRAPPED_PROGRAMS:
            targets[name] = shutil.which(name, path=self._search_path()) or ""
        for name, real in targets.items():
            if real:
                body = f'exec {common} {shlex.quote(real)} "$@"\n'
            else:
                # Never fall through to an unsandboxed program found later on PATH.
                body = f"echo {shlex.quote(name + ': not found (sandboxed executor)')} >&2\nexit 127\n"
            launcher = self._launcher_dir / name
            launcher.write_text("#!/bin/sh\n" + body, encoding="utf-8")
            launcher.chmod(0o755)

    def _search_path(self) -> str:
        return super()._env(self.work_dir.resolve()).get("PATH", os.defpath)

    def _python_executable(self) -> str:
        return str(self._launcher_dir / "python")

    def _env(self, work_dir: Path) -> dict[str, str]:
        env = super()._env(work_dir)
        env[_PATH_VAR] = env.get("PATH", os.defpath)
        env["PATH"] = str(self._launcher_dir) + os.pathsep + env[_PATH_VAR]
        return env

    def stop(self) -> None:
        """Remove the launcher scripts (also done when the executor is garbage-collected)."""
        self._cleanup()
