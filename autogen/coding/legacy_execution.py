"""The 0.2-era ``execute_code`` function (re-exported by ``autogen.code_utils``).

Conventions kept from the original: it returns ``(exit_code, logs, image)``; on success ``logs``
is the program's stdout only, on failure its stderr only (with the script path scrubbed); a
timeout gives ``(1, "Timeout", image)``. Unlike the original, a natively run program is killed
together with everything it started when it ends or times out (background children and daemons
do not outlive it; pass ``kill_background_processes=False`` to keep them), output is captured with
bounded memory, and a file name that points outside ``work_dir`` is refused.
"""

from __future__ import annotations

import logging
import os
import shlex
import string
import sys
import uuid
import venv
from hashlib import md5
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from ..import_utils import optional_import
from .docker_utils import check_can_use_docker_or_throw, decide_use_docker, in_docker_container
from .languages import PYTHON_VARIANTS, WIN32, installed_powershell
from .process import DEFAULT_OUTPUT_HEAD_BYTES, DEFAULT_OUTPUT_TAIL_BYTES, _CappedBuffer, run_process
from .utils import FilenameOutsideWorkspaceError, resolve_in_workspace

__all__ = [
    "DEFAULT_TIMEOUT",
    "SENTINEL",
    "TIMEOUT_MSG",
    "WORKING_DIR",
    "create_virtual_env",
    "execute_code",
]

logger = logging.getLogger(__name__)

#: Marks "argument not given" (``use_docker=None`` given explicitly means "no Docker").
SENTINEL: Any = object()
TIMEOUT_MSG = "Timeout"
DEFAULT_TIMEOUT = 600
#: Default folder for code files: ``extensions`` inside the autogen package (created on first use).
WORKING_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.realpath(__file__))), "extensions")
PATH_SEPARATOR = "\\" if WIN32 else "/"
DEFAULT_DOCKER_IMAGES = ["python:3-slim", "python:3", "python:3-windowsservercore"]


def _cmd(lang: str) -> str:
    """Program that runs a ``lang`` script (the 0.2 mapping); NotImplementedError if none."""
    if lang in PYTHON_VARIANTS:
        return "python"
    if lang.startswith("python") or lang in ("bash", "sh"):
        return lang
    if lang == "shell":
        return "sh"
    if lang == "javascript":
        return "node"
    if lang in ("ps1", "pwsh", "powershell"):
        program = installed_powershell()
        if program is None:
            raise FileNotFoundError("Neither powershell nor pwsh is installed. Install PowerShell and try again.")
        return program
    raise NotImplementedError(f"{lang} not recognized in code execution")


def _native_command(lang: str, script: str) -> list[str]:
    if lang in PYTHON_VARIANTS or lang.startswith("python"):
        return [sys.executable, script]  # this interpreter, not whatever "python" is on PATH
    program = _cmd(lang)
    if program in ("pwsh", "powershell"):
        return [program, "-NoProfile", "-NonInteractive", "-File", script]
    return [program, script]


def execute_code(
    code: str | None = None,
    timeout: float | None = None,
    filename: str | None = None,
    work_dir: str | None = None,
    use_docker: list[str] | str | bool | None = SENTINEL,
    lang: str | None = "python",
    *,
    kill_background_processes: bool = True,
) -> tuple[int, str, str | None]:
    """Run ``code`` (or the existing file ``filename``) and return ``(exit_code, logs, image)``.

    Args:
        code: the code to run; saved to ``filename`` (or ``tmp_code_<md5>.<ext>``, deleted after).
        timeout: seconds before the program is killed (default 600).
        filename: file name relative to ``work_dir``; with ``code`` it must stay inside ``work_dir``.
        work_dir: folder the code is saved in and run from (default ``WORKING_DIR``).
        use_docker: not given: decided by ``AUTOGEN_USE_DOCKER`` (default on). True, an image name
            or a list of images: run in a Docker container (natively when already inside one).
            False or None: run here, with this machine's permissions.
        lang: ``python`` (and variants), ``sh``/``shell``/``bash``, ``javascript``, ``ps1``/``pwsh``.
        kill_background_processes: when run natively, kill every process the code started once it
            ends (default); False lets background processes keep running. (In Docker the
            container is removed after the run either way.)

    Returns:
        exit code (0 on success); stdout on success or stderr on failure (``"Timeout"`` after a
        timeout, with exit code 1); the Docker image used (None when run natively).

    Raises:
        AssertionError: neither ``code`` nor ``filename`` given.
        RuntimeError: Docker is wanted but not usable (see ``check_can_use_docker_or_throw``).
        NotImplementedError: no program is known for ``lang``.
    """
    if code is None and filename is None:
        message = f"Either code or filename must be provided (got code={code!r}, filename={filename!r})."
        logger.error(message)
        raise AssertionError(message)
    if use_docker is SENTINEL:
        use_docker = decide_use_docker(None)
    check_can_use_docker_or_throw(use_docker)

    timeout = timeout or DEFAULT_TIMEOUT
    lang = lang or "python"
    run_natively = not use_docker or in_docker_container()
    if WIN32 and lang in ("sh", "shell") and run_natively:
        lang = "ps1"
    if run_natively:
        _native_command(lang, "")  # fail on an unknown language before writing anything

    original_filename = filename
    if filename is None:
        assert code is not None
        digest = md5(code.encode("utf-8", errors="replace")).hexdigest()
        filename = f"tmp_code_{digest}.{'py' if lang.startswith('python') else lang}"
    work_dir = work_dir or WORKING_DIR
    os.makedirs(work_dir, exist_ok=True)

    if code is not None:
        try:
            resolved = resolve_in_workspace(filename, Path(work_dir))
        except FilenameOutsideWorkspaceError as e:
            return 1, str(e), None
        filepath = str(resolved)
        filename = str(resolved.relative_to(Path(work_dir).resolve()))  # "a/../b.py" -> "b.py"
        os.makedirs(os.path.dirname(filepath), exist_ok=True)
        with open(filepath, "w", encoding="utf-8", errors="replace") as f:
            f.write(code)
    else:
        filepath = os.path.join(work_dir, filename)  # running an existing file writes nothing

    try:
        if run_natively:
            return _run_natively(
                lang, filename, filepath, work_dir, timeout, original_filename, kill_background_processes
            )
        return _run_in_docker(use_docker, lang, filename, work_dir, timeout, original_filename)
    finally:
        if original_filename is None and os.path.exists(filepath):
            os.remove(filepath)


def _run_natively(
    lang: str,
    filename: str,
    filepath: str,
    work_dir: str,
    timeout: float,
    original_filename: str | None,
    kill_background_processes: bool,
) -> tuple[int, str, None]:
    script = filename if not filename.startswith("-") else os.path.join(".", filename)
    env = os.environ.copy()
    env.setdefault("PYTHONIOENCODING", "utf-8")
    outcome = run_process(
        _native_command(lang, script),
        cwd=work_dir,
        env=env,
        timeout=float(timeout),
        kill_background_processes=kill_background_processes,
    )
    if outcome.timed_out:
        return 1, TIMEOUT_MSG, None
    if outcome.returncode == 0:
        return 0, outcome.stdout, None
    logs = outcome.stderr
    # Scrub the script path so error messages read the same wherever the code ran.
    if original_filename is None:
        logs = logs.replace(str(Path(filepath).absolute()), "").replace(filename, "")
    else:
        logs = logs.replace(str(Path(work_dir).absolute()) + PATH_SEPARATOR, "")
    return outcome.returncode if outcome.returncode is not None else 1, logs, None


def _sanitize_filename_for_docker_tag(filename: str) -> str:
    """A valid Docker tag made from a file name (other characters become ``_``)."""
    allowed = set(string.ascii_letters + string.digits + "_.-")
    tag = "".join(c if c in allowed else "_" for c in filename)
    if tag[:1] in (".", "-"):
        tag = "_" + tag[1:]
    return tag[:128]


def _run_in_docker(
    use_docker: Any, lang: str, filename: str, work_dir: str, timeout: float, original_filename: str | None
) -> tuple[int, str, str | None]:
    docker = optional_import("docker", "docker", feature="Running code in Docker")
    images = (
        DEFAULT_DOCKER_IMAGES
        if use_docker is True
        else [use_docker]
        if isinstance(use_docker, str)
        else list(use_docker)
    )
    client = docker.from_env()
    try:
        image = _first_available_image(client, docker, images)
        marker = f"exitcode{uuid.uuid4().hex}"
        if lang in PYTHON_VARIANTS or lang.startswith("python"):
            program = "$(command -v python3 || command -v python)"
        else:
            program = _cmd(lang)
        script = f"{program} {shlex.quote(filename)}; exit_code=$?; echo -n {marker}; echo -n $exit_code; echo {marker}"
        container = client.containers.run(
            image,
            command=["sh", "-c", script],
            working_dir="/workspace",
            detach=True,
            network_mode="none",
            volumes={str(Path(work_dir).absolute()): {"bind": "/workspace", "mode": "rw"}},
        )
        try:
            try:
                status = container.wait(timeout=timeout)
            except Exception:  # noqa: BLE001 - the HTTP read timed out (requests error): still running
                return 1, TIMEOUT_MSG, image
            buf = _CappedBuffer("output", DEFAULT_OUTPUT_HEAD_BYTES, DEFAULT_OUTPUT_TAIL_BYTES)
            for chunk in container.logs(stream=True, follow=False):
                buf.feed(chunk)
            logs = buf.text().rstrip()
            tag = _sanitize_filename_for_docker_tag(filename)
            container.commit(repository="python", tag=tag)
        finally:
            container.remove(force=True)
    finally:
        client.close()

    exit_code = int(status.get("StatusCode", 1))
    if exit_code == 0:
        # The shell itself exits 0; the program's code sits between two markers.
        first, last = logs.find(marker), logs.rfind(marker)
        value = logs[first + len(marker) : last] if first != -1 and last > first else ""
        if value.isdigit():
            exit_code = int(value)
            logs = logs[:first] + logs[last + len(marker) :]
        else:
            exit_code = 1
    if exit_code:
        logs = logs.replace(f"/workspace/{filename if original_filename is None else ''}", "")
    return exit_code, logs, f"python:{tag}"


def _first_available_image(client: Any, docker: Any, images: list[str]) -> str:
    for image in images:
        try:
            client.images.get(image)
            return image
        except docker.errors.ImageNotFound:
            logger.info("Pulling docker image %s", image)
            try:
                client.images.pull(image)
                return image
            except docker.errors.DockerException as e:
                logger.warning("Failed to pull docker image %s: %s", image, e)
    raise RuntimeError(
        f"None of the docker images {images} is available locally or could be pulled. Build or pull one "
        '(e.g. `docker pull python:3-slim`), give use_docker="<image>", or set use_docker=False.'
    )


def create_virtual_env(dir_path: str, **env_args: Any) -> SimpleNamespace:
    """Create a Python virtual environment in ``dir_path`` and return its context.

    ``env_args`` go to ``venv.EnvBuilder`` (default ``with_pip=True``). The returned namespace has
    ``env_dir``, ``env_exe`` and ``bin_path``; pass it as ``virtual_env_context`` to
    ``LocalCommandLineCodeExecutor``.
    """
    if not env_args:
        env_args = {"with_pip": True}
    builder = venv.EnvBuilder(**env_args)
    builder.create(dir_path)
    return builder.ensure_directories(dir_path)
