"""Deciding whether code should run in Docker, and whether it can (docker SDK imported lazily)."""

from __future__ import annotations

import os
from typing import Any

__all__ = ["check_can_use_docker_or_throw", "decide_use_docker", "in_docker_container", "is_docker_running"]

_TRUTHY = {"1", "true", "yes", "t"}
_FALSY = {"0", "false", "no", "f"}


def is_docker_running() -> bool:
    """True when the ``docker`` package is installed and a Docker engine answers a ping."""
    try:
        import docker  # optional dependency: pip install "ag2[docker]"
    except ImportError:
        return False
    try:
        client = docker.from_env(timeout=5)
    except Exception:  # noqa: BLE001 - DockerException, requests and socket errors all mean: no engine
        return False
    try:
        return bool(client.ping())
    except Exception:  # noqa: BLE001 - any failure to answer means not running
        return False
    finally:
        client.close()


def in_docker_container() -> bool:
    """True when this process itself runs inside a Docker container (``/.dockerenv`` exists)."""
    return os.path.exists("/.dockerenv")


def decide_use_docker(use_docker: bool | str | list[str] | None) -> Any:
    """Resolve ``use_docker``: an explicit value wins; ``None`` reads ``AUTOGEN_USE_DOCKER``.

    The variable defaults to ``"True"``; ``1/true/yes/t`` give True, ``0/false/no/f`` False and
    ``none`` None (case-insensitive).

    Raises:
        ValueError: ``AUTOGEN_USE_DOCKER`` has any other value.
    """
    if use_docker is not None:
        return use_docker
    raw = os.environ.get("AUTOGEN_USE_DOCKER", "True")
    value = raw.strip().lower()
    if value in _TRUTHY:
        return True
    if value in _FALSY:
        return False
    if value == "none":
        return None
    raise ValueError(
        f"Invalid value for AUTOGEN_USE_DOCKER: {raw!r}. "
        'Set it to "1"/"True"/"yes" (run code in Docker), "0"/"False"/"no" (run code locally) or "None".'
    )


def check_can_use_docker_or_throw(use_docker: Any) -> None:
    """Raise when Docker is wanted but cannot be used.

    Docker is wanted when ``use_docker`` is truthy (True, an image name or a list of images). It
    is fine when this process already runs inside a container (code then runs natively) or a
    Docker engine answers.

    Raises:
        RuntimeError: Docker is wanted, this is not a container, and no engine is reachable (or
            the ``docker`` package is missing). The message lists the ways out.
    """
    if not use_docker or in_docker_container() or is_docker_running():
        return
    raise RuntimeError(
        "Code execution is set to run in Docker (use_docker is on, the default), but Docker cannot be used: "
        "either the 'docker' Python package is missing (pip install \"ag2[docker]\") or no Docker engine is "
        "running.\nThe options are:\n"
        "- start Docker (the advised way to run model-written code), or\n"
        '- set "use_docker": False in code_execution_config, or\n'
        '- set the environment variable AUTOGEN_USE_DOCKER to "0"/"False"/"no".'
    )
