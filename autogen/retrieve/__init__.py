"""Retrieval building blocks: read documents, chunk them, embed them, store and query them in a vector database.

Nothing heavy is imported here: numpy, onnxruntime, chromadb and qdrant_client load on first use.
"""

from __future__ import annotations

from .chunking import (
    RAG_MINIMUM_MESSAGE_LENGTH,
    VALID_CHUNK_MODES,
    Chunk,
    chunk_id,
    iter_file_chunks,
    split_files_to_chunks,
    split_text_to_chunks,
)
from .documents import (
    TEXT_FORMATS,
    UNSTRUCTURED_FORMATS,
    DocumentFetchError,
    DocumentReadError,
    extract_text_from_pdf,
    get_file_from_url,
    get_files_from_dir,
    is_url,
    parse_html_to_markdown,
    read_document,
)
from .embeddings import DefaultEmbeddingFunction, EmbeddingModelNotFound, get_embedding_function
from .legacy_chroma import create_vector_db_from_dir, query_vector_db

__all__ = [
    "RAG_MINIMUM_MESSAGE_LENGTH",
    "TEXT_FORMATS",
    "UNSTRUCTURED_FORMATS",
    "VALID_CHUNK_MODES",
    "Chunk",
    "DefaultEmbeddingFunction",
    "DocumentFetchError",
    "DocumentReadError",
    "EmbeddingModelNotFound",
    "chunk_id",
    "create_vector_db_from_dir",
    "extract_text_from_pdf",
    "get_embedding_function",
    "get_file_from_url",
    "get_files_from_dir",
    "is_url",
    "iter_file_chunks",
    "parse_html_to_markdown",
    "query_vector_db",
    "read_document",
    "split_files_to_chunks",
    "split_text_to_chunks",
]
