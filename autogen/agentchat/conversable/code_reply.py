"""Replying by running the code blocks of received messages (part of `ConversableAgent`): through
a code executor (``code_execution_config={"executor": ...}``) or the legacy 0.2 path."""

from __future__ import annotations

import warnings
from typing import Any, Literal

from ... import runtime_logging
from ..._effects import Call, perform
from ..agent import Agent
from .events import emit

__all__ = ["CodeExecutionReply"]

# code_execution_config keys the legacy execute_code takes (the others configure the reply itself)
_RUN_CODE_KEYS = ("timeout", "filename", "work_dir", "use_docker", "lang", "kill_background_processes")


class CodeExecutionReply:
    """Code-execution reply functions (part of `ConversableAgent`)."""

    _oai_messages: dict[Agent, list[dict[str, Any]]]
    _code_execution_config: dict[str, Any] | Literal[False]
    _code_executor: Any

    def _setup_code_execution(self, code_execution_config: Any) -> None:
        if code_execution_config is None:
            warnings.warn(
                "code_execution_config=None is deprecated; use False to disable code execution or a dict to enable it.",
                DeprecationWarning,
                stacklevel=3,
            )
            code_execution_config = {}
        if code_execution_config is False:
            self._code_execution_config = False
            return
        if not isinstance(code_execution_config, dict):
            raise ValueError("code_execution_config must be a dict or False.")
        config = dict(code_execution_config)
        self._code_execution_config = config
        if config.get("executor") is not None:
            bad = [k for k in ("use_docker", "work_dir", "timeout") if k in config]
            if bad:
                raise ValueError(
                    f"code_execution_config with an 'executor' must not also set {', '.join(bad)}: "
                    "configure those on the executor itself."
                )
            from ...coding.factory import CodeExecutorFactory

            self._code_executor = CodeExecutorFactory.create(config)
            self.register_reply([Agent, None], _as_on_conversable_agent("_generate_code_execution_reply_using_executor"))
        else:
            from ...code_utils import check_can_use_docker_or_throw, decide_use_docker

            config["use_docker"] = decide_use_docker(config.get("use_docker"))
            check_can_use_docker_or_throw(config["use_docker"])
            self.register_reply([Agent, None], _as_on_conversable_agent("generate_code_execution_reply"))

    def _messages_to_scan(self, messages: list[dict[str, Any]], last_n_messages: Any) -> list[dict[str, Any]]:
        if last_n_messages == "auto":
            n = 0
            for m in reversed(messages):
                if m.get("role") != "user":
                    break
                n += 1
            last_n_messages = n
        if not isinstance(last_n_messages, int) or last_n_messages < 0:
            raise ValueError("last_n_messages must be a non-negative int or 'auto'.")
        return messages[-last_n_messages:] if last_n_messages else []

    def generate_code_execution_reply(
        self, messages: list[dict[str, Any]] | None = None, sender: Agent | None = None, config: Any | None = None
    ) -> tuple[bool, str | None]:
        """Run the code blocks of the latest received messages (legacy code_execution_config)."""
        from ...code_utils import UNKNOWN, content_str, extract_code

        code_config = config if config is not None else self._code_execution_config
        if code_config is False:
            return False, None
        if messages is None:
            messages = self._oai_messages[sender]  # type: ignore[index]
        for message in reversed(self._messages_to_scan(messages, code_config.get("last_n_messages", "auto"))):
            content = message.get("content")
            if not content:
                continue
            code_blocks = extract_code(content_str(content))
            if len(code_blocks) == 1 and code_blocks[0][0] == UNKNOWN:
                continue
            # execute_code_blocks announces each block (one banner per block, as the original)
            exitcode, logs = perform(Call.of_kind("code", self.execute_code_blocks, None, code_blocks))
            status = "execution succeeded" if exitcode == 0 else "execution failed"
            return True, f"exitcode: {exitcode} ({status})\nCode output: {logs}"
        return False, None

    def _generate_code_execution_reply_using_executor(
        self, messages: list[dict[str, Any]] | None = None, sender: Agent | None = None, config: Any | None = None
    ) -> tuple[bool, str | None]:
        if self._code_execution_config is False or self._code_executor is None:
            return False, None
        if messages is None:
            messages = self._oai_messages[sender]  # type: ignore[index]
        from ...code_utils import content_str

        last_n = self._code_execution_config.get("last_n_messages", "auto")
        for message in reversed(self._messages_to_scan(messages, last_n)):
            content = message.get("content")
            if not content:
                continue
            blocks = self._code_executor.code_extractor.extract_code_blocks(content_str(content))
            if not blocks:
                continue
            emit("GenerateCodeExecutionReplyEvent", code_blocks=blocks, sender=sender or self, recipient=self)
            result = perform(Call.of_kind("code", execute_code_blocks, None, self, blocks))
            status = "execution succeeded" if result.exit_code == 0 else "execution failed"
            return True, f"exitcode: {result.exit_code} ({status})\nCode output: {result.output}"
        return False, None

    def execute_code_blocks(self, code_blocks: list[tuple[str, str]]) -> tuple[int, str]:
        """Run (language, code) blocks in order, stopping at the first failure."""
        from ...code_utils import infer_lang

        logs_all = ""
        exitcode = 0
        config = self._code_execution_config or {}
        for i, (lang, code) in enumerate(code_blocks):
            lang = lang or infer_lang(code)
            emit("ExecuteCodeBlockEvent", code=code, language=lang, code_block_count=i, recipient=self)
            logged = _CodeRunLog() if runtime_logging.is_logging else None
            try:
                if lang in ("bash", "shell", "sh"):
                    exitcode, logs, image = self.run_code(code, lang=lang, **config)
                elif lang in ("python", "Python", "py"):
                    filename = None
                    if code.startswith("# filename: "):
                        filename = code[len("# filename: ") :].split("\n")[0].strip()
                    exitcode, logs, image = self.run_code(code, lang="python", filename=filename, **config)
                else:
                    exitcode, logs, image = 1, f"unknown language {lang}", None
            except Exception as e:
                if logged is not None:
                    logged.done(self, _legacy_executor(config), [(lang, code)], None, None, e)
                raise
            if logged is not None:
                logged.done(self, _legacy_executor(config), [(lang, code)], exitcode, logs, None)
            if image is not None and isinstance(self._code_execution_config, dict):
                self._code_execution_config["use_docker"] = image
            logs_all += "\n" + logs
            if exitcode != 0:
                return exitcode, logs_all
        return exitcode, logs_all

    def run_code(self, code: str, **kwargs: Any) -> tuple[int, str, str | None]:
        """Run one code block (legacy path); override to run code elsewhere."""
        from ...code_utils import execute_code

        kwargs = {k: v for k, v in kwargs.items() if k in _RUN_CODE_KEYS}
        return execute_code(code, **kwargs)


def execute_code_blocks(agent: Any, blocks: list[Any]) -> Any:
    """Run ``blocks`` on the agent's code executor (logged when runtime logging is on): the step a
    durable chat records as its code execution."""
    executor = agent._code_executor
    if runtime_logging.is_logging:
        return _logged_execution(agent, type(executor).__name__, blocks)
    return executor.execute_code_blocks(blocks)


def _legacy_executor(config: dict[str, Any]) -> str:
    """The legacy path's executor kind as logged: where ``execute_code`` runs the code."""
    docker = config.get("use_docker")
    return f"legacy:docker({docker})" if isinstance(docker, str) else ("legacy:docker" if docker else "legacy:local")


class _CodeRunLog:
    """Timing of one code execution, kept only while runtime logging is on."""

    __slots__ = ("start", "start_ts")

    def __init__(self) -> None:
        import time

        self.start = time.perf_counter()
        self.start_ts = runtime_logging.get_current_ts()

    def done(
        self, agent: Any, executor: str, blocks: list[Any], exit_code: Any, output: Any, error: BaseException | None
    ) -> None:
        import time

        pairs = [
            [getattr(b, "language", None), getattr(b, "code", None)] if not isinstance(b, (tuple, list)) else list(b)
            for b in blocks
        ]
        languages = list(dict.fromkeys(str(lang) for lang, _ in pairs if lang))
        runtime_logging.log_code_execution(
            agent,
            {
                "executor": executor,
                "language": ",".join(languages) or None,
                "code": "\n\n".join(str(code) for _, code in pairs),
                "code_blocks": pairs,
                "exit_code": exit_code,
                "output": output,
                "error": None if error is None else f"{type(error).__name__}: {error}",
                "start_time": self.start_ts,
                "duration_ms": (time.perf_counter() - self.start) * 1000.0,
            },
        )


def _logged_execution(agent: Any, executor: str, blocks: list[Any]) -> Any:
    """``agent``'s code executor run on ``blocks``, logged (success or exception)."""
    logged = _CodeRunLog()
    try:
        result = agent._code_executor.execute_code_blocks(blocks)
    except Exception as e:
        logged.done(agent, executor, blocks, None, None, e)
        raise
    logged.done(agent, executor, blocks, getattr(result, "exit_code", None), getattr(result, "output", None), None)
    return result


def _as_on_conversable_agent(name: str) -> Any:
    """The reply function ``name`` as ``ConversableAgent`` has it now (ag2 registers it from there, so a
    test's patch of ``ConversableAgent.<name>`` is what runs)."""
    from ..conversable_agent import ConversableAgent

    return getattr(ConversableAgent, name)
