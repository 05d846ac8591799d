"""Find fenced Markdown code blocks in a message."""

from __future__ import annotations

import re
from typing import Any

from .base import CodeBlock, CodeExtractor
from .extraction import CODE_BLOCK_PATTERN, UNKNOWN, content_str, infer_lang

__all__ = ["MarkdownCodeExtractor"]

_BLOCK_RE = re.compile(CODE_BLOCK_PATTERN, flags=re.DOTALL)


class MarkdownCodeExtractor(CodeExtractor):
    """Extracts triple-backtick code blocks; an untagged block gets an inferred language."""

    def extract_code_blocks(self, message: str | list[Any] | None) -> list[CodeBlock]:
        """Blocks in ``message`` in order; ``[]`` when there is none.

        A block without a language tag gets ``infer_lang(code)``; when that cannot tell, the
        language is ``""``.
        """
        blocks: list[CodeBlock] = []
        for lang, code in _BLOCK_RE.findall(content_str(message)):
            if not lang:
                lang = infer_lang(code)
            if lang == UNKNOWN:
                lang = ""
            blocks.append(CodeBlock(code=code, language=lang))
        return blocks
