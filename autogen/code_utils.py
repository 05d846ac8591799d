"""0.2-style import path for code helpers; the code lives in ``autogen.coding`` (re-exports only)."""

from __future__ import annotations

from .coding.docker_utils import (
    check_can_use_docker_or_throw,
    decide_use_docker,
    in_docker_container,
    is_docker_running,
)
from .coding.extraction import CODE_BLOCK_PATTERN, UNKNOWN, content_str, extract_code, infer_lang
from .coding.languages import PYTHON_VARIANTS, WIN32, get_powershell_command
from .coding.legacy_execution import (  # noqa: F401  (old private names)
    DEFAULT_TIMEOUT,
    PATH_SEPARATOR,
    SENTINEL,
    TIMEOUT_MSG,
    WORKING_DIR,
    _cmd,
    _sanitize_filename_for_docker_tag,
    create_virtual_env,
    execute_code,
)

DEFAULT_MODEL = "gpt-5"
FAST_MODEL = "gpt-5-nano"

__all__ = [
    "CODE_BLOCK_PATTERN",
    "DEFAULT_MODEL",
    "DEFAULT_TIMEOUT",
    "FAST_MODEL",
    "PATH_SEPARATOR",
    "PYTHON_VARIANTS",
    "SENTINEL",
    "TIMEOUT_MSG",
    "UNKNOWN",
    "WIN32",
    "WORKING_DIR",
    "check_can_use_docker_or_throw",
    "content_str",
    "create_virtual_env",
    "decide_use_docker",
    "execute_code",
    "extract_code",
    "get_powershell_command",
    "in_docker_container",
    "infer_lang",
    "is_docker_running",
]
