"""LlamaIndexQueryEngine: llama-index is not installed on the test machines, so only the protocol and the
missing-package error are tested here; indexing and querying through LlamaIndex are UNTESTED."""

from __future__ import annotations

import importlib.util

import pytest

from autogen.agentchat.contrib.rag import LlamaIndexQueryEngine, RAGQueryEngine


def test_implements_the_protocol() -> None:
    assert issubclass(LlamaIndexQueryEngine, RAGQueryEngine)


@pytest.mark.skipif(importlib.util.find_spec("llama_index") is not None, reason="llama-index is installed")
def test_building_it_without_llama_index_names_the_extra() -> None:
    with pytest.raises(ImportError, match=r'pip install "ag2\[llama-index\]"'):
        LlamaIndexQueryEngine(vector_store=object())
