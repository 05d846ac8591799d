"""Turning message content into text and finding the code in it.

Light on purpose (standard library only): agents call :func:`content_str` on every message.
``autogen.code_utils`` re-exports these names for 0.2-style imports.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["CODE_BLOCK_PATTERN", "UNKNOWN", "content_str", "extract_code", "infer_lang"]

#: Language reported when no code block was found / the language cannot be told.
UNKNOWN = "unknown"

# A fenced block: ``` then optional blanks, an optional word-character language tag, optional
# blanks, a line break, the body (shortest match, may span lines), a line break, optional
# indentation, and the closing ```.
CODE_BLOCK_PATTERN = r"```[ \t]*(\w+)?[ \t]*\r?\n(.*?)\r?\n[ \t]*```"

_INLINE_CODE_PATTERN = re.compile(CODE_BLOCK_PATTERN + r"|`([^`]+)`", flags=re.DOTALL)

_PLACEHOLDERS = {
    "image_url": "<image>",
    "input_image": "<image>",
    "audio_url": "<audio>",
    "input_audio": "<audio>",
    "video_url": "<video>",
    "input_video": "<video>",
}
_FUNCTION_PART_TYPES = {"function", "tool_call", "tool_calls"}


def content_str(content: str | list[Any] | None) -> str:
    """Render a message ``content`` as plain text.

    ``None`` becomes ``""``; a string is returned as is; a list of content parts is joined with
    newlines, text parts contributing their text, media parts a placeholder (``<image>``,
    ``<audio>``, ``<video>``), function/tool parts ``<function>`` or ``<function: name>`` and
    ``apply_patch_call`` parts a one-line summary of the file edit.

    Raises:
        TypeError: ``content`` is neither None, a str nor a list, or a list item is not a dict.
        ValueError: a part has no ``type`` or an unknown one.
    """
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    if not isinstance(content, list):
        raise TypeError(f"content must be None, a str or a list of content parts, not {type(content).__name__}")
    pieces: list[str] = []
    for part in content:
        if not isinstance(part, dict):
            raise TypeError(f"every item of a content list must be a dict with a 'type' key, got {type(part).__name__}")
        kind = part.get("type")
        if kind is None:
            raise ValueError(f"content part has no 'type' key: {part!r}")
        if kind in ("text", "input_text"):
            if "text" not in part:
                raise ValueError(f"text content part has no 'text' key: {part!r}")
            pieces.append(str(part["text"]))
        elif kind in _PLACEHOLDERS:
            pieces.append(_PLACEHOLDERS[kind])
        elif kind in _FUNCTION_PART_TYPES:
            pieces.append(f"<function: {part['name']}>" if "name" in part else "<function>")
        elif kind == "apply_patch_call":
            pieces.append(_apply_patch_text(part))
        else:
            raise ValueError(
                f"unknown content part type {kind!r}; expected text, image_url, audio_url, video_url, function "
                "or apply_patch_call"
            )
    return "\n".join(pieces)


def _apply_patch_text(part: dict[str, Any]) -> str:
    # a file edit proposed through the Responses API's apply_patch tool, summarised on one line
    operation = part.get("operation") or {}
    return (
        f"<apply_patch_call: {operation.get('type', 'unknown_operation')} on {operation.get('path', 'unknown_path')} "
        f"(status: {part.get('status', 'unknown_status')}) diff: {operation.get('diff', 'unknown_diff')}>"
    )


def infer_lang(code: str) -> str:
    """Guess the language of an untagged block: ``"sh"``, ``"python"`` or ``UNKNOWN``.

    Code starting with ``python ``, ``python3 `` or ``pip`` is a shell command; code that compiles
    as Python is Python; anything else is unknown.
    """
    if code.startswith(("python ", "pip", "python3 ")):
        return "sh"
    try:
        compile(code, "<code block>", "exec")
    except (SyntaxError, ValueError):  # ValueError: source contains NUL bytes
        return UNKNOWN
    return "python"


def extract_code(
    text: str | list[Any], pattern: str = CODE_BLOCK_PATTERN, detect_single_line_code: bool = False
) -> list[tuple[str, str]]:
    """Find code in ``text`` (a string or multimodal content list).

    Returns ``(language, code)`` pairs, one per fenced block, with language ``""`` for an untagged
    fence. When there is no block at all the whole text comes back as ``[(UNKNOWN, text)]``.

    With ``detect_single_line_code=True`` inline `` `code` `` spans are returned too (language
    ``""``), every code is stripped, and an empty list means nothing was found.
    """
    text = content_str(text)
    if not detect_single_line_code:
        found = re.findall(pattern, text, flags=re.DOTALL)
        return found if found else [(UNKNOWN, text)]
    extracted: list[tuple[str, str]] = []
    for lang, block, inline in _INLINE_CODE_PATTERN.findall(text):
        if block:
            extracted.append((lang.strip(), block.strip()))
        elif inline:
            extracted.append(("", inline.strip()))
    return extracted
