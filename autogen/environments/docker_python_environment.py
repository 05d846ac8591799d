"""DockerPythonEnvironment: run scripts inside a Docker container (through the ``docker`` command)."""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import tempfile
import uuid
from typing import Any

from .python_environment import PythonEnvironment

__all__ = ["DockerPythonEnvironment"]


class DockerPythonEnvironment(PythonEnvironment):
    """A container started from ``image`` (or built from ``dockerfile``) with a host folder at /workspace.

    ``pip_packages`` / ``requirements_file`` are installed after start. Needs the ``docker`` CLI and a
    running daemon; without them construction raises RuntimeError.
    """

    def __init__(
        self,
        image: str = "python:3.11-slim",
        container_name_prefix: str = "ag2_docker_env_",
        volumes: dict[str, str] | None = None,
        environment: dict[str, str] | None = None,
        network: str | None = None,
        pip_packages: list[str] | None = None,
        requirements_file: str | None = None,
        dockerfile: str | None = None,
        build_args: dict[str, str] | None = None,
        cleanup_container: bool = True,
        keep_container_running: bool = False,
        container_startup_timeout: int = 30,
    ) -> None:
        self.image = image
        self.container_name_prefix = container_name_prefix
        self.volumes = volumes or {}
        self.environment = environment or {}
        self.network = network
        self.pip_packages = pip_packages or []
        self.requirements_file = requirements_file
        self.dockerfile = dockerfile
        self.build_args = build_args or {}
        self.cleanup_container = cleanup_container
        self.keep_container_running = keep_container_running
        self.container_startup_timeout = container_startup_timeout
        self._container_id: str | None = None
        self._container_name: str | None = None
        self._custom_image_name: str | None = None
        self._temp_dir: str | None = None
        super().__init__()

    def _docker(self, *args: str, timeout: int | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(["docker", *args], capture_output=True, text=True, timeout=timeout, check=False)

    def _setup_environment(self) -> None:
        if shutil.which("docker") is None or self._docker("info", timeout=30).returncode != 0:
            raise RuntimeError(
                "Docker is not available: install Docker and start its daemon to use DockerPythonEnvironment."
            )
        self._temp_dir = tempfile.mkdtemp(prefix="ag2_docker_")
        self._container_name = f"{self.container_name_prefix}{uuid.uuid4().hex[:8]}"
        if self.dockerfile:
            self._custom_image_name = f"ag2-custom-python-{uuid.uuid4().hex[:8]}"
            build = ["build", "-t", self._custom_image_name, "-f", self.dockerfile]
            for key, value in self.build_args.items():
                build += ["--build-arg", f"{key}={value}"]
            result = self._docker(*build, os.path.dirname(os.path.abspath(self.dockerfile)))
            if result.returncode != 0:
                raise RuntimeError(f"Failed to build the Docker image: {result.stderr}")
            self.image = self._custom_image_name
        run = ["run", "-d", "--name", self._container_name]
        if self.network:
            run += ["--network", self.network]
        for key, value in self.environment.items():
            run += ["-e", f"{key}={value}"]
        run += ["-v", f"{self._temp_dir}:/workspace"]
        for host, container in self.volumes.items():
            run += ["-v", f"{host}:{container}"]
        run += ["-w", "/workspace", "-t", self.image, "tail", "-f", "/dev/null"]
        result = self._docker(*run, timeout=self.container_startup_timeout)
        if result.returncode != 0:
            raise RuntimeError(f"Failed to start the Docker container: {result.stderr}")
        self._container_id = result.stdout.strip()
        packages = list(self.pip_packages)
        if self.requirements_file:
            shutil.copy(self.requirements_file, os.path.join(self._temp_dir, "requirements.txt"))
            packages = ["-r", "/workspace/requirements.txt", *packages]
        if packages:
            result = self._docker("exec", self._container_name, "pip", "install", "--no-cache-dir", *packages)
            if result.returncode != 0:
                raise RuntimeError(f"Failed to install packages in the container: {result.stderr}")

    def _cleanup_environment(self) -> None:
        if self._container_name and self.cleanup_container and not self.keep_container_running:
            self._docker("rm", "-f", self._container_name, timeout=60)
            if self._custom_image_name:
                self._docker("rmi", self._custom_image_name, timeout=60)
            self._container_id = None
        if self._temp_dir and os.path.isdir(self._temp_dir):
            shutil.rmtree(self._temp_dir, ignore_errors=True)

    def get_executable(self) -> str:
        return "python"

    async def execute_code(self, code: str, script_path: str, timeout: int = 30) -> dict[str, Any]:
        if not self._container_id or not self._temp_dir or not self._container_name:
            return {"success": False, "error": "Docker container not started"}
        relative = os.path.basename(script_path) if os.path.isabs(script_path) else script_path
        host_path = os.path.join(self._temp_dir, relative)
        os.makedirs(os.path.dirname(host_path), exist_ok=True)
        await asyncio.to_thread(self._write_to_file, host_path, code)
        command = ["exec", self._container_name, "python", f"/workspace/{relative}"]
        try:
            result = await asyncio.to_thread(self._docker, *command, timeout=timeout)
        except subprocess.TimeoutExpired:
            return {"success": False, "error": f"Execution timed out after {timeout} seconds"}
        return {
            "success": result.returncode == 0,
            "stdout": result.stdout,
            "stderr": result.stderr,
            "returncode": result.returncode,
        }
