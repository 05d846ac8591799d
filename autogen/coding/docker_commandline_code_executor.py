"""Run code blocks inside one long-lived Docker container.

The docker SDK is imported with this module, which loads only when the executor is asked for (ag2 code patches
``autogen.coding.docker_commandline_code_executor.docker``); a missing SDK is reported, naming the extra, when an
executor is made."""

from __future__ import annotations

import atexit
import logging
import time
import uuid
import warnings
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, ClassVar

from ..import_utils import optional_import
from .base import CodeBlock, CodeExecutor, CodeExtractor, CommandLineCodeResult
from .local_commandline_code_executor import (
    TIMEOUT_EXIT_CODE,
    LocalCommandLineCodeExecutor,
    _run_saved_blocks,
    _script_path,
    _timeout_note,
)
from .markdown_code_extractor import MarkdownCodeExtractor
from .process import DEFAULT_OUTPUT_HEAD_BYTES, DEFAULT_OUTPUT_TAIL_BYTES
from .utils import silence_pip

try:
    import docker
except ImportError:
    docker = None  # type: ignore[assignment]

if TYPE_CHECKING:
    from typing_extensions import Self

__all__ = ["DockerCommandLineCodeExecutor"]

logger = logging.getLogger(__name__)

_CONTAINER_WORKSPACE = "/workspace"
# Seconds between the polite SIGTERM at the timeout and the SIGKILL that follows.
_KILL_AFTER = 2

# Runs one script inside the container. Output goes to files rather than to the exec stream, so a
# background process left running by the script cannot keep `docker exec` open; the files are
# then printed back with their middle cut when they are huge (bounded memory on both sides).
# Arguments: $1 timeout seconds, $2 language, $3 script path.
_RUNNER = (
    r"""
t="$1"; lang="$2"; script="$3"
case "$lang" in
  python) if command -v python3 >/dev/null 2>&1; then set -- python3; else set -- python; fi ;;
  bash) set -- bash ;;
  sh|shell) set -- sh ;;
  pwsh|powershell|ps1) set -- pwsh -NoProfile -NonInteractive -File ;;
  javascript) set -- node ;;
  *) echo "no program is known to run $lang code" >&2; exit 1 ;;
esac
o=$(mktemp); e=$(mktemp)
timeout -k __KILL__ "$t" "$@" "$script" </dev/null >"$o" 2>"$e"
rc=$?
emit() {
  n=$(wc -c <"$1" | tr -d ' ')
  if [ "$n" -gt __LIMIT__ ]; then
    head -c __HEAD__ "$1"
    printf '\n[... %s truncated: %s bytes omitted; showing the first __HEAD__ and the last __TAIL__ bytes ...]\n' "$2" $((n - __LIMIT__))
    tail -c __TAIL__ "$1"
  else
    cat "$1"
  fi
}
emit "$e" stderr >&2
emit "$o" stdout
rm -f "$o" "$e"
exit $rc
""".replace("__KILL__", str(_KILL_AFTER))
    .replace("__HEAD__", str(DEFAULT_OUTPUT_HEAD_BYTES))
    .replace("__TAIL__", str(DEFAULT_OUTPUT_TAIL_BYTES))
    .replace("__LIMIT__", str(DEFAULT_OUTPUT_HEAD_BYTES + DEFAULT_OUTPUT_TAIL_BYTES))
)

# Keys of container_create_kwargs that replace a setting the executor relies on.
_MANAGED_KEYS = ("entrypoint", "volumes", "working_dir", "tty")


def _docker() -> Any:
    return optional_import("docker", "docker", feature="DockerCommandLineCodeExecutor")


class DockerCommandLineCodeExecutor(CodeExecutor):
    """Saves each code block to ``work_dir`` and runs it inside one reusable Docker container.

    The container (entrypoint ``/bin/sh``, ``bind_dir`` mounted read-write at ``/workspace``, which
    is also its working directory) is created and started by the constructor and reused by every
    block, so files and installed packages persist between blocks until :meth:`restart` or
    :meth:`stop`.

    **The container has no network by default** (``network_mode="none"``), so generated code cannot
    reach the internet or this machine's services. Give it a network on purpose with
    ``container_create_kwargs={"network_mode": "bridge"}`` (or ``"host"``, or
    ``{"network": "<name>"}``).

    Blocks follow the same rules as :class:`LocalCommandLineCodeExecutor`: a first-line comment
    (``# filename: x.py``) names the file, which must stay inside ``work_dir``; ``execution_policies``
    decide what runs and what is only saved; ``pip install`` lines are silenced. A block that runs
    longer than ``timeout`` is killed (with everything it started): exit code 124 and ``Timeout``
    in the output. Execution stops at the first failing block.

    ``bind_dir`` is the host path of ``work_dir`` and only differs from it when this program itself
    runs inside a container that shares the Docker engine of its host.
    """

    SUPPORTED_LANGUAGES: ClassVar[list[str]] = LocalCommandLineCodeExecutor.SUPPORTED_LANGUAGES
    DEFAULT_EXECUTION_POLICY: ClassVar[dict[str, bool]] = LocalCommandLineCodeExecutor.DEFAULT_EXECUTION_POLICY
    #: Short language tags and the language they stand for (ag2's table; blocks are read with a wider one).
    LANGUAGE_ALIASES: ClassVar[dict[str, str]] = {"py": "python", "js": "javascript"}

    def __init__(
        self,
        image: str = "python:3-slim",
        container_name: str | None = None,
        timeout: int = 60,
        work_dir: Path | str | None = None,
        bind_dir: Path | str | None = None,
        auto_remove: bool = True,
        stop_container: bool = True,
        execution_policies: dict[str, bool] | None = None,
        *,
        container_create_kwargs: dict[str, Any] | None = None,
    ) -> None:
        """Connect to Docker, make sure ``image`` is there (pulling it if needed) and start the container.

        Raises:
            ValueError: ``timeout`` is below 1 second.
            ImportError: the ``docker`` package is missing (``pip install "ag2[docker]"``).
            RuntimeError: no Docker engine answers, the image is missing and cannot be pulled, or
                the container does not start.
        """
        if timeout < 1:
            raise ValueError(f"Timeout must be greater than or equal to 1 second, got {timeout!r}.")
        work_dir = Path.cwd() if work_dir is None else Path(work_dir)
        work_dir.mkdir(exist_ok=True)
        bind_dir = work_dir if bind_dir is None else Path(bind_dir)

        self._timeout = timeout
        self._work_dir = work_dir
        self._bind_dir = bind_dir
        self._image = image
        self._auto_remove = auto_remove
        self._container_name = container_name or f"autogen-code-exec-{uuid.uuid4()}"
        self._create_kwargs = self._container_settings(container_create_kwargs or {})
        self.execution_policies = self.DEFAULT_EXECUTION_POLICY.copy()
        if execution_policies is not None:
            self.execution_policies.update({k.lower(): v for k, v in execution_policies.items()})

        docker = _docker()
        try:
            # The read timeout must outlast the longest block: output only arrives at its end.
            self._client = docker.from_env(timeout=timeout + _KILL_AFTER + 60)
            self._client.ping()
        except docker.errors.DockerException as e:
            raise RuntimeError(
                "DockerCommandLineCodeExecutor needs a running Docker engine, but none answered "
                f"({e}). Start Docker (e.g. `dockerd &`, see scripts/ci_docker.sh) or use "
                "LocalCommandLineCodeExecutor."
            ) from e
        self._ensure_image()
        self._container: Any = None
        self._start_container()

        self._stop_registered = False
        if stop_container:
            atexit.register(self.stop)
            self._stop_registered = True

    # ------------------------------------------------------------------ properties
    @property
    def timeout(self) -> int:
        """Seconds a single block may run before it is killed."""
        return self._timeout

    @property
    def work_dir(self) -> Path:
        """Directory (on this machine) where code files are written."""
        return self._work_dir

    @property
    def bind_dir(self) -> Path:
        """Host directory mounted at ``/workspace`` in the container."""
        return self._bind_dir

    @property
    def container_name(self) -> str:
        """Name of the container the code runs in."""
        return self._container_name

    @property
    def code_extractor(self) -> CodeExtractor:
        """A Markdown fenced-block extractor."""
        return MarkdownCodeExtractor()

    # ------------------------------------------------------------------ container lifecycle
    def _container_settings(self, user_kwargs: dict[str, Any]) -> dict[str, Any]:
        settings: dict[str, Any] = {
            "entrypoint": "/bin/sh",
            "tty": True,
            "detach": True,
            "auto_remove": self._auto_remove,
            "volumes": {str(self._bind_dir.resolve()): {"bind": _CONTAINER_WORKSPACE, "mode": "rw"}},
            "working_dir": _CONTAINER_WORKSPACE,
        }
        if "network_mode" not in user_kwargs and "network" not in user_kwargs:
            settings["network_mode"] = "none"
        for key in _MANAGED_KEYS:
            if key in user_kwargs:
                warnings.warn(
                    f"container_create_kwargs overrides {key!r}, which DockerCommandLineCodeExecutor sets itself; "
                    "code execution may not work as documented.",
                    UserWarning,
                    stacklevel=3,
                )
        settings.update(user_kwargs)
        return settings

    def _ensure_image(self) -> None:
        docker = _docker()
        try:
            self._client.images.get(self._image)
            return
        except docker.errors.ImageNotFound:
            pass
        logger.info("Pulling docker image %s", self._image)
        try:
            self._client.images.pull(self._image)
        except docker.errors.DockerException as e:
            raise RuntimeError(
                f"The Docker image {self._image!r} is not available locally and could not be pulled ({e}). "
                "Pull or build it first (scripts/ci_docker.sh builds python:3-slim offline), or pass image=..."
            ) from e

    def _start_container(self) -> None:
        docker = _docker()
        try:
            self._container = self._client.containers.create(
                self._image, name=self._container_name, **self._create_kwargs
            )
            self._container.start()
        except docker.errors.DockerException as e:
            raise RuntimeError(f"Could not start the Docker container {self._container_name!r}: {e}") from e
        self._wait_running()

    def _wait_running(self) -> None:
        deadline = time.monotonic() + 30
        while True:
            try:
                self._container.reload()
                status = self._container.status
            except _docker().errors.NotFound:
                status = "removed"
            if status == "running":
                return
            if status in ("exited", "dead", "removed") or time.monotonic() > deadline:
                raise RuntimeError(
                    f"The Docker container {self._container_name!r} did not stay running (status {status!r}); "
                    "the image needs /bin/sh."
                )
            time.sleep(0.05)

    def _container_status(self) -> str:
        try:
            self._container.reload()
            return str(self._container.status)
        except Exception:  # noqa: BLE001 - NotFound, engine gone: the container is unusable either way
            return "gone"

    def restart(self) -> None:
        """Restart the container: processes the code left running are stopped; files are kept.

        A container that no longer exists (stopped with ``auto_remove``) is created again.
        """
        if self._container is None:
            raise RuntimeError("The Docker executor has been stopped; create a new DockerCommandLineCodeExecutor.")
        status = self._container_status()
        if status == "running":
            self._container.restart(timeout=0)
        elif status in ("created", "exited", "paused"):
            self._container.start() if status != "paused" else self._container.unpause()
        else:
            # Being removed (auto_remove after it died) or gone: the name is free again soon.
            deadline = time.monotonic() + 15
            while self._container_status() != "gone" and time.monotonic() < deadline:
                time.sleep(0.05)
            self._start_container()
            return
        self._wait_running()
        self._wait_exec_ready()

    def _wait_exec_ready(self) -> None:
        """Right after a restart the engine can report "running" while an exec still meets the old,
        stopped task ("cannot exec in a stopped state"): wait until a trivial exec succeeds."""
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                if self._container.exec_run(["true"]).exit_code == 0:
                    return
            except _docker().errors.APIError:
                pass
            time.sleep(0.05)

    def stop(self) -> None:
        """Stop the container (it is removed too when ``auto_remove`` is set). Safe to call twice."""
        if self._stop_registered:
            atexit.unregister(self.stop)
            self._stop_registered = False
        container, self._container = self._container, None
        if container is None:
            return
        try:
            # The entrypoint shell ignores SIGTERM as PID 1: kill right away instead of waiting 10 s.
            container.stop(timeout=0)
        except Exception as e:  # noqa: BLE001 - already gone or engine down: nothing left to stop
            logger.debug("Stopping container %s: %s", self._container_name, e)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc_val: BaseException | None, exc_tb: TracebackType | None
    ) -> None:
        self.stop()

    # ------------------------------------------------------------------ execution
    def execute_code_blocks(self, code_blocks: list[CodeBlock]) -> CommandLineCodeResult:
        """Run the blocks in order in the container, stopping at the first failure.

        The output is each executed block's stderr followed by its stdout. Problems (unknown
        language, file outside ``work_dir``, timeout, container gone) are reported in the result.
        """
        if self._container is None:
            return CommandLineCodeResult(
                exit_code=1, output="The Docker executor has been stopped; create a new DockerCommandLineCodeExecutor."
            )
        return _run_saved_blocks(
            code_blocks,
            self._work_dir.resolve(),
            supported_languages=self.SUPPORTED_LANGUAGES,
            execution_policies=self.execution_policies,
            target_path=self._target_path,
            prepare=lambda lang, code: (lang, silence_pip(code, lang)),
            run=self._run_saved_script,
        )

    def _run_saved_script(self, lang: str, path: Path, work_dir: Path) -> tuple[str, int]:
        return self._run_in_container(lang, f"{_CONTAINER_WORKSPACE}/{path.relative_to(work_dir).as_posix()}")

    def _run_in_container(self, lang: str, script: str) -> tuple[str, int]:
        """Run one saved script; (stderr + stdout, exit code). Never raises."""
        started = time.monotonic()
        try:
            res = self._container.exec_run(
                ["sh", "-c", _RUNNER, "runner", str(self._timeout), lang, script],
                workdir=_CONTAINER_WORKSPACE,
                demux=True,
            )
        except Exception as e:  # noqa: BLE001 - any engine/transport failure becomes a result
            return self._container_failure(e), 1
        stdout, stderr = res.output if res.output is not None else (None, None)
        output = (stderr or b"").decode("utf-8", errors="replace") + (stdout or b"").decode("utf-8", errors="replace")
        exit_code = res.exit_code if res.exit_code is not None else 1
        elapsed = time.monotonic() - started
        # 124: timeout's TERM worked; 137: the program ignored it and got the KILL that follows.
        if exit_code == TIMEOUT_EXIT_CODE or (exit_code == 137 and elapsed >= self._timeout):
            output += _timeout_note(self._timeout)
            exit_code = TIMEOUT_EXIT_CODE
        return output, exit_code

    def _container_failure(self, error: Exception) -> str:
        status = self._container_status()
        if status == "running":
            return f"\nRunning the code in the container failed: {error}"
        # The container died (or was removed): start a fresh one so the next block can run.
        try:
            self.restart()
            recovery = "A new container was started; files in /workspace are kept, everything else was reset."
        except Exception as e:  # noqa: BLE001 - report both failures
            recovery = f"Starting a new container failed too: {e}"
        return (
            f"\nThe Docker container {self._container_name!r} is not running (status {status!r}): {error}\n{recovery}"
        )

    def _target_path(self, code: str, lang: str, work_dir: Path) -> Path:
        # Same naming rules as the local executor.
        return _script_path(code, lang, work_dir)
