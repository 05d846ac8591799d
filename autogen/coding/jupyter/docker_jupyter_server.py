"""A Jupyter kernel gateway running in a Docker container (docker SDK imported lazily)."""

from __future__ import annotations

import atexit
import secrets
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from ...import_utils import optional_import
from .base import JupyterConnectionInfo
from .local_jupyter_server import _free_port

if TYPE_CHECKING:
    from typing_extensions import Self

__all__ = ["DockerJupyterServer"]

_GATEWAY_DIR = "/opt/ag2-jupyter"
_CONTAINER_PORT = 8888
_START_TIMEOUT = 60


def _docker() -> Any:
    return optional_import("docker", "docker", feature="DockerJupyterServer")


class DockerJupyterServer:
    """A ``jupyter kernelgateway`` inside a Docker container, for :class:`JupyterCodeExecutor`.

    Kernels (and so the generated code) run in the container. The image must provide
    ``python3 -m jupyter kernelgateway`` (jupyter-kernel-gateway and ipykernel). Without
    ``custom_image_name`` the image ``DEFAULT_IMAGE`` is used and, when missing, built by
    :meth:`build_image` on top of ``BASE_IMAGE`` (no network needed in the build: the packages are
    fetched by this machine's pip and copied in).

    Networking: when the engine has its default ``bridge`` network the gateway port is published
    on 127.0.0.1 only; otherwise (engines started with ``--bridge=none``) the container uses the
    host network and the gateway listens on 127.0.0.1 — then the code in the kernel can reach the
    network like any local program.
    """

    DEFAULT_IMAGE = "ag2-jupyter-gateway:latest"
    BASE_IMAGE = "python:3-slim"

    def __init__(
        self,
        *,
        custom_image_name: str | None = None,
        container_name: str | None = None,
        auto_remove: bool = True,
        stop_container: bool = True,
        docker_env: dict[str, str] | None = None,
        token: str | None = None,
    ) -> None:
        """Start the container and wait until the gateway answers.

        Raises:
            RuntimeError: Docker is unreachable, the image is missing/unbuildable, or the gateway
                did not come up (its log is included).
        """
        docker = _docker()
        try:
            self._client = docker.from_env()
            self._client.ping()
        except docker.errors.DockerException as e:
            raise RuntimeError(f"DockerJupyterServer needs a running Docker engine: {e}") from e
        image = custom_image_name or self.DEFAULT_IMAGE
        try:
            self._client.images.get(image)
        except docker.errors.ImageNotFound:
            if custom_image_name is not None:
                raise RuntimeError(
                    f"The Docker image {image!r} does not exist; build it (it needs jupyter-kernel-gateway and ipykernel)."
                ) from None
            self.build_image(self._client)

        self.token = token if token is not None else secrets.token_hex(32)
        self._container_name = container_name or f"autogen-jupyterkernelgateway-{uuid.uuid4()}"
        use_bridge = bool(self._client.networks.list(names=["bridge"]))
        if use_bridge:
            ip, port = "0.0.0.0", _CONTAINER_PORT
            network: dict[str, Any] = {"ports": {f"{_CONTAINER_PORT}/tcp": ("127.0.0.1", None)}}
        else:
            ip, port = "127.0.0.1", _free_port("127.0.0.1")
            network = {"network_mode": "host"}
        command = [
            "python3",
            "-m",
            "kernel_gateway",
            f"--KernelGatewayApp.ip={ip}",
            f"--KernelGatewayApp.port={port}",
            "--KernelGatewayApp.auth_token=" + self.token,
            "--JupyterApp.answer_yes=true",
            "--JupyterWebsocketPersonality.list_kernels=true",
        ]
        try:
            self._container = self._client.containers.run(
                image,
                command,
                name=self._container_name,
                detach=True,
                auto_remove=auto_remove,
                environment=dict(docker_env or {}),
                working_dir="/workspace",
                **network,
            )
        except docker.errors.DockerException as e:
            raise RuntimeError(f"Could not start the Jupyter gateway container: {e}") from e
        self._stopped = False
        if stop_container:
            atexit.register(self.stop)
        try:
            self._host, self._port = "127.0.0.1", self._published_port(port, use_bridge)
            self._wait_until_up()
        except BaseException:
            self.stop()
            raise

    def _published_port(self, port: int, use_bridge: bool) -> int:
        if not use_bridge:
            return port
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            self._container.reload()
            bindings = (self._container.attrs.get("NetworkSettings", {}).get("Ports") or {}).get(f"{port}/tcp")
            if bindings:
                return int(bindings[0]["HostPort"])
            time.sleep(0.05)
        raise RuntimeError("Docker did not publish the Jupyter gateway port.")

    def _logs(self) -> str:
        try:
            return self._container.logs(tail=30).decode("utf-8", errors="replace")
        except Exception:  # noqa: BLE001 - container already gone
            return "(no log: the container is gone)"

    def _wait_until_up(self) -> None:
        url = f"http://{self._host}:{self._port}/api"
        request = urllib.request.Request(url, headers={"Authorization": f"token {self.token}"})
        deadline = time.monotonic() + _START_TIMEOUT
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(request, timeout=2):
                    return
            except (urllib.error.URLError, OSError):
                pass
            self._container.reload()
            if self._container.status not in ("created", "running"):
                raise RuntimeError(f"The Jupyter gateway container stopped during start-up:\n{self._logs()}")
            time.sleep(0.1)
        raise RuntimeError(f"The Jupyter gateway in Docker did not answer within {_START_TIMEOUT} s:\n{self._logs()}")

    @property
    def connection_info(self) -> JupyterConnectionInfo:
        """How to reach the gateway from this machine."""
        return JupyterConnectionInfo(host=self._host, use_https=False, port=self._port, token=self.token)

    @property
    def container_name(self) -> str:
        """Name of the gateway's container."""
        return self._container_name

    def stop(self) -> None:
        """Stop the container (removed too with ``auto_remove``). Safe to call twice."""
        atexit.unregister(self.stop)
        if getattr(self, "_stopped", True):
            return
        self._stopped = True
        try:
            self._container.stop(timeout=2)
        except Exception:  # noqa: BLE001, S110 - already gone
            pass

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc_val: BaseException | None, exc_tb: TracebackType | None
    ) -> None:
        self.stop()

    @classmethod
    def build_image(cls, client: Any = None, *, base_image: str | None = None, tag: str | None = None) -> str:
        """Build the gateway image: ``base_image`` plus jupyter-kernel-gateway and ipykernel.

        The packages are installed by this machine's pip (``--target``, for the base image's
        Python version) into a folder copied into the image, so the base image needs neither pip
        nor network. Returns the tag.

        Raises:
            RuntimeError: pip or the build failed (their output is included).
        """
        docker = _docker()
        client = client or docker.from_env()
        base_image = base_image or cls.BASE_IMAGE
        tag = tag or cls.DEFAULT_IMAGE
        version = client.containers.run(
            base_image,
            ["python3", "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
            remove=True,
            network_mode="none",
        )
        py_version = version.decode().strip()
        with tempfile.TemporaryDirectory(prefix="ag2-jupyter-image-") as ctx:
            site = Path(ctx) / "site"
            pip = subprocess.run(
                [
                    sys.executable, "-m", "pip", "install", "-q", "--ignore-installed", "--target", str(site),
                    "--python-version", py_version, "--only-binary=:all:", "--implementation", "cp",
                    "jupyter-kernel-gateway", "ipykernel",
                ],
                capture_output=True,
                text=True,
                check=False,
            )  # fmt: skip
            if pip.returncode != 0:
                raise RuntimeError(f"Installing the Jupyter packages for the image failed:\n{pip.stderr[-3000:]}")
            dockerfile = (
                f"FROM {base_image}\n"
                f"COPY site {_GATEWAY_DIR}\n"
                f"ENV PYTHONPATH={_GATEWAY_DIR}\n"
                f"ENV PATH={_GATEWAY_DIR}/bin:$PATH\n"
                "RUN mkdir -p /workspace\n"
                "WORKDIR /workspace\n"
            )
            (Path(ctx) / "Dockerfile").write_text(dockerfile, encoding="utf-8")
            try:
                client.images.build(path=ctx, tag=tag, network_mode="none", rm=True)
            except docker.errors.DockerException as e:
                raise RuntimeError(f"Building the Jupyter gateway image {tag!r} failed: {e}") from e
        return tag
