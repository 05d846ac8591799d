"""Legacy import path: the retrieval helpers now live in `autogen.retrieve`."""

from __future__ import annotations

from .retrieve.chunking import (
    HASH_LENGTH,
    RAG_MINIMUM_MESSAGE_LENGTH,
    VALID_CHUNK_MODES,
    split_files_to_chunks,
    split_text_to_chunks,
)
from .retrieve.documents import (
    TEXT_FORMATS,
    UNSTRUCTURED_FORMATS,
    extract_text_from_pdf,
    get_file_from_url,
    get_files_from_dir,
    is_url,
    parse_html_to_markdown,
)
from .retrieve.legacy_chroma import create_vector_db_from_dir, query_vector_db
from .token_count_utils import count_token

__all__ = [
    "HASH_LENGTH",
    "RAG_MINIMUM_MESSAGE_LENGTH",
    "TEXT_FORMATS",
    "UNSTRUCTURED_FORMATS",
    "VALID_CHUNK_MODES",
    "count_token",
    "create_vector_db_from_dir",
    "extract_text_from_pdf",
    "get_file_from_url",
    "get_files_from_dir",
    "is_url",
    "parse_html_to_markdown",
    "query_vector_db",
    "split_files_to_chunks",
    "split_text_to_chunks",
]
