"""Split text into chunks of at most ``max_tokens`` tokens, line by line, keeping where each chunk came from.

The chunker consumes lines from an iterator and yields chunks as soon as they are full, so a document of
any size is chunked with bounded memory. Each chunk remembers its source, its index in that source and
the lines it spans (``start_line``/``end_line``, 1-based).
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from .documents import DocumentReadError, iter_document_lines, read_document

__all__ = [
    "RAG_MINIMUM_MESSAGE_LENGTH",
    "VALID_CHUNK_MODES",
    "Chunk",
    "ChunkModeError",
    "chunk_id",
    "chunk_lines",
    "iter_file_chunks",
    "split_files_to_chunks",
    "split_text_to_chunks",
]

logger = logging.getLogger(__name__)

VALID_CHUNK_MODES = frozenset({"one_line", "multi_lines"})
RAG_MINIMUM_MESSAGE_LENGTH = int(os.environ.get("RAG_MINIMUM_MESSAGE_LENGTH", "5"))
"""Chunks shorter than this many characters are dropped (they carry no retrievable meaning)."""
HASH_LENGTH = int(os.environ.get("HASH_LENGTH", "16"))
"""Hex digits of the content hash used as chunk id (16 = 64 bits: no collisions in practice)."""

TokenCounter = Callable[[str], int]


class ChunkModeError(ValueError, AssertionError):
    """An unknown ``chunk_mode`` (an AssertionError too, as ag2 raised one)."""


def chunk_id(content: str, length: int | None = None) -> str:
    """The id of a chunk: a hash of its content, so the same text always gets the same id."""
    return hashlib.blake2b(content.encode("utf-8")).hexdigest()[: length or HASH_LENGTH]


@dataclass
class Chunk:
    """One chunk of a document and where it came from."""

    content: str
    metadata: dict[str, Any] = field(default_factory=dict)

    @property
    def id(self) -> str:
        """Content-hash id (see `chunk_id`)."""
        return chunk_id(self.content)


def _default_counter() -> TokenCounter:
    from ..token_count_utils import count_token

    return count_token


def _split_long_line(line: str, tokens: int, max_tokens: int, count: TokenCounter) -> list[str]:
    """Cut a line longer than ``max_tokens`` into character slices that each fit."""
    pieces: list[str] = []
    rest, rest_tokens = line, tokens
    while rest and rest_tokens > max_tokens:
        # Estimate the cut from the average characters per token, then shrink until it fits.
        size = max(int(len(rest) * max_tokens / rest_tokens * 0.95), 1)
        piece = rest[:size]
        while size > 1 and count(piece) > max_tokens:
            size = max(int(size * 0.9), 1)
            piece = rest[:size]
        pieces.append(piece)
        rest = rest[size:]
        rest_tokens = count(rest) if rest else 0
    if rest:
        pieces.append(rest)
    return pieces


def chunk_lines(
    lines: Iterable[str],
    max_tokens: int = 4000,
    chunk_mode: str = "multi_lines",
    must_break_at_empty_line: bool = True,
    overlap: int = 0,
    token_counter: TokenCounter | None = None,
) -> Iterator[tuple[str, int, int]]:
    """Yield ``(text, start_line, end_line)`` chunks from ``lines`` (greedy, by token count).

    multi_lines: whole lines are packed until the next would exceed ``max_tokens``; with
    ``must_break_at_empty_line`` the cut falls on the last empty line when there is one; ``overlap``
    lines are repeated at the start of the next chunk. one_line: every line is its own chunk.
    A line longer than ``max_tokens`` is split by characters.
    """
    if chunk_mode not in VALID_CHUNK_MODES:
        raise ChunkModeError(f"chunk_mode must be one of {sorted(VALID_CHUNK_MODES)}, not {chunk_mode!r}.")
    if max_tokens < 1:
        raise ValueError("max_tokens (chunk_token_size) must be at least 1.")
    if overlap < 0:
        raise ValueError("overlap must be >= 0 lines.")
    count = token_counter or _default_counter()

    def emit(block: list[tuple[int, str, int]]) -> tuple[str, int, int] | None:
        first, last = 0, len(block) - 1
        while first < last and not block[first][1].strip():
            first += 1
        while last > first and not block[last][1].strip():
            last -= 1
        block = block[first : last + 1]  # so start_line/end_line point at real text
        text = "\n".join(line for _, line, _ in block).strip()
        if len(text) < RAG_MINIMUM_MESSAGE_LENGTH:
            return None
        return text, block[0][0], block[-1][0]

    if chunk_mode == "one_line":
        for number, line in enumerate(lines, start=1):
            tokens = count(line) if line.strip() else 0
            parts = _split_long_line(line, tokens, max_tokens, count) if tokens > max_tokens else [line]
            for part in parts:
                out = emit([(number, part, 0)])
                if out:
                    yield out
        return

    buffer: list[tuple[int, str, int]] = []  # (line number, text, tokens)
    total = 0
    warned = False
    for number, line in enumerate(lines, start=1):
        tokens = count(line) if line.strip() else 0
        if tokens > max_tokens:
            if buffer:
                out = emit(buffer)
                if out:
                    yield out
                buffer, total = [], 0
            if not warned:
                logger.warning("A line is longer than max_tokens=%d; splitting it by characters.", max_tokens)
                warned = True
            for part in _split_long_line(line, tokens, max_tokens, count):
                out = emit([(number, part, 0)])
                if out:
                    yield out
            continue
        while buffer and total + tokens > max_tokens:
            cut = len(buffer)
            if must_break_at_empty_line:
                empties = [i for i in range(1, len(buffer)) if not buffer[i][1].strip()]
                if empties:
                    cut = empties[-1]
            head, tail = buffer[:cut], buffer[cut:]
            out = emit(head)
            if out:
                yield out
            keep = head[-overlap:] if overlap and len(head) > overlap else []
            if keep and sum(t for _, _, t in keep + tail) + tokens > max_tokens:
                keep = []  # no room for the overlap next to the incoming line: drop it, keep progressing
            buffer = keep + tail
            total = sum(t for _, _, t in buffer)
        buffer.append((number, line, tokens))
        total += tokens
    if buffer:
        out = emit(buffer)
        if out:
            yield out


def split_text_to_chunks(
    text: str,
    max_tokens: int = 4000,
    chunk_mode: str = "multi_lines",
    must_break_at_empty_line: bool = True,
    overlap: int = 0,
) -> list[str]:
    """Split ``text`` into chunks of at most ``max_tokens`` tokens (see `chunk_lines` for the rules)."""
    if chunk_mode == "multi_lines" and must_break_at_empty_line and text.count("\n") < 2:
        must_break_at_empty_line = False  # a text of under 3 lines has no paragraph to respect
    return [c for c, _, _ in chunk_lines(text.split("\n"), max_tokens, chunk_mode, must_break_at_empty_line, overlap)]


def _file_and_source(file: str | tuple[str, str]) -> tuple[str, str]:
    if isinstance(file, tuple):
        return file[0], file[1]
    return file, file


def iter_file_chunks(
    files: Iterable[str | tuple[str, str]],
    max_tokens: int = 4000,
    chunk_mode: str = "multi_lines",
    must_break_at_empty_line: bool = True,
    custom_text_split_function: Callable[[str], list[str]] | None = None,
    overlap: int = 0,
    token_counter: TokenCounter | None = None,
    skipped: list[tuple[str, str]] | None = None,
) -> Iterator[Chunk]:
    """Yield the chunks of every file in turn, streaming each file; unreadable files are logged and skipped.

    ``files`` items are paths or ``(path, url)`` tuples (as `get_files_from_dir` returns for URLs); the
    chunk's ``source`` is the URL when there is one. Skipped files are appended to ``skipped`` as
    ``(path, reason)`` when a list is given.
    """
    for file in files:
        path, source = _file_and_source(file)
        produced = 0
        try:
            if custom_text_split_function is not None:
                text = read_document(path)
                pieces: Iterable[tuple[str, int | None, int | None]] = (
                    (c, None, None) for c in custom_text_split_function(text) if c and c.strip()
                )
            else:
                pieces = chunk_lines(
                    iter_document_lines(path), max_tokens, chunk_mode, must_break_at_empty_line, overlap, token_counter
                )
            for content, start, end in pieces:
                metadata: dict[str, Any] = {"source": source, "chunk_index": produced}
                if start is not None:
                    metadata["start_line"] = start
                    metadata["end_line"] = end
                produced += 1
                yield Chunk(content, metadata)
        except DocumentReadError as e:
            logger.warning("Skipping %s: %s", path, e.reason)
            if skipped is not None:
                skipped.append((path, e.reason))
            continue
        except (OSError, UnicodeError) as e:
            logger.warning("Skipping %s: %s", path, e)
            if skipped is not None:
                skipped.append((path, str(e)))
            continue
        if produced == 0:
            logger.warning("No text available in file: %s", path)


def split_files_to_chunks(
    files: list[str | tuple[str, str]],
    max_tokens: int = 4000,
    chunk_mode: str = "multi_lines",
    must_break_at_empty_line: bool = True,
    custom_text_split_function: Callable[[str], list[str]] | None = None,
    overlap: int = 0,
) -> tuple[list[str], list[dict[str, Any]]]:
    """Chunk every file; return ``(chunks, metadatas)`` where each metadata holds ``source`` and the position."""
    chunks: list[str] = []
    metadatas: list[dict[str, Any]] = []
    for chunk in iter_file_chunks(
        files, max_tokens, chunk_mode, must_break_at_empty_line, custom_text_split_function, overlap
    ):
        chunks.append(chunk.content)
        metadatas.append(chunk.metadata)
    return chunks, metadatas
