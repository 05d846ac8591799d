"""Shared real components for the executor tests: Docker engine, Jupyter gateway, bubblewrap.

Import the fixtures into a test module (``from docker_fixtures import docker_image, ...``).
Each component is started at most once per test session (module-level singletons, stopped at
exit), so several test modules can share it. When a component is unavailable the test is
skipped with the reason; with ``AG2_REQUIRE_DOCKER=1`` / ``AG2_REQUIRE_JUPYTER=1`` (CI, after
scripts/ci_docker.sh / scripts/ci_jupyter.sh) it fails instead, so CI cannot silently skip.
"""

from __future__ import annotations

import atexit
import importlib.util
import os
import shutil
import tempfile
from typing import Any

import pytest

DOCKER_IMAGE = os.environ.get("AG2_DOCKER_IMAGE", "python:3-slim")
JUPYTER_IMAGE = "ag2-jupyter-gateway:latest"

_shared: dict[str, Any] = {}


def _unavailable(reason: str, require_var: str) -> None:
    if os.environ.get(require_var):
        pytest.fail(f"{reason} ({require_var} is set, so this must work: run the scripts/ci_*.sh setup)")
    pytest.skip(reason)


def docker_problem() -> str | None:
    """Why Docker tests cannot run here, or None."""
    if importlib.util.find_spec("docker") is None:
        return "the docker package is not installed (pip install docker)"
    import docker

    try:
        client = docker.from_env(timeout=10)
        client.ping()
    except Exception as e:  # noqa: BLE001 - any failure means no usable engine
        return f"no Docker engine answers ({e}); run scripts/ci_docker.sh"
    try:
        client.images.get(DOCKER_IMAGE)
    except Exception:  # noqa: BLE001
        return f"the Docker image {DOCKER_IMAGE} is missing; run scripts/ci_docker.sh"
    finally:
        client.close()
    return None


@pytest.fixture(scope="session")
def docker_image() -> str:
    """Name of a runnable local image (skips/fails when Docker is not usable)."""
    if "docker_problem" not in _shared:
        _shared["docker_problem"] = docker_problem()
    if _shared["docker_problem"]:
        _unavailable(_shared["docker_problem"], "AG2_REQUIRE_DOCKER")
    return DOCKER_IMAGE


@pytest.fixture(scope="session")
def shared_docker_executor(docker_image: str):
    """One DockerCommandLineCodeExecutor (timeout 10 s) shared by tests that do not stop or restart it."""
    if "docker_executor" not in _shared:
        from autogen.coding import DockerCommandLineCodeExecutor

        work_dir = tempfile.mkdtemp(prefix="ag2-docker-tests-")
        executor = DockerCommandLineCodeExecutor(image=docker_image, work_dir=work_dir, timeout=10)
        _shared["docker_executor"] = executor
        atexit.register(shutil.rmtree, work_dir, True)  # runs after stop (atexit is LIFO)
        atexit.register(executor.stop)
    return _shared["docker_executor"]


def jupyter_problem() -> str | None:
    """Why the Jupyter tests cannot run here, or None."""
    for module, package in (
        ("jupyter_client", "jupyter_client"),
        ("ipykernel", "ipykernel"),
        ("kernel_gateway", "jupyter-kernel-gateway"),
        ("websocket", "websocket-client"),
    ):
        if importlib.util.find_spec(module) is None:
            return f"{package} is not installed; run scripts/ci_jupyter.sh"
    return None


@pytest.fixture(scope="session")
def jupyter_available() -> None:
    """Skips (or fails under AG2_REQUIRE_JUPYTER) when the Jupyter packages are missing."""
    problem = jupyter_problem()
    if problem:
        _unavailable(problem, "AG2_REQUIRE_JUPYTER")


@pytest.fixture(scope="session")
def local_jupyter_server(jupyter_available: None):
    """One real kernel gateway on 127.0.0.1 for the whole session."""
    if "jupyter_server" not in _shared:
        from autogen.coding.jupyter import LocalJupyterServer

        log_dir = tempfile.mkdtemp(prefix="ag2-jupyter-tests-")
        server = LocalJupyterServer(log_file=os.path.join(log_dir, "gateway.log"))
        _shared["jupyter_server"] = server
        atexit.register(shutil.rmtree, log_dir, True)
        atexit.register(server.stop)
    return _shared["jupyter_server"]


@pytest.fixture(scope="session")
def jupyter_docker_image(docker_image: str, jupyter_available: None) -> str:
    """The DockerJupyterServer image (built by scripts/ci_jupyter.sh)."""
    import docker

    client = docker.from_env()
    try:
        client.images.get(JUPYTER_IMAGE)
    except docker.errors.ImageNotFound:
        _unavailable(f"the image {JUPYTER_IMAGE} is missing; run scripts/ci_jupyter.sh", "AG2_REQUIRE_DOCKER")
    finally:
        client.close()
    return JUPYTER_IMAGE


@pytest.fixture(scope="session")
def bwrap_ok() -> None:
    """Skips when bubblewrap cannot create a sandbox here (fails under AG2_REQUIRE_DOCKER)."""
    from autogen.coding.sandbox import bwrap_available

    problem = bwrap_available()
    if problem:
        _unavailable(problem, "AG2_REQUIRE_DOCKER")
