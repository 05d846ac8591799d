"""Fixtures for retrieval tests: the shared corpus and question set, embedders, document builders, a local HTTP server.

The quality fixtures are meant for every backend's tests (chroma, qdrant, pgvector...):

    def test_my_backend_quality(corpus_docs, retrieval_hit_rate, my_db):
        my_db.create_collection("quality", overwrite=True)
        my_db.insert_docs(corpus_docs)
        rate, misses = retrieval_hit_rate(my_db, "quality")
        assert rate >= QUESTIONS["min_hit_rate"], misses
"""

from __future__ import annotations

import functools
import hashlib
import http.server
import json
import threading
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

CORPUS_DIR = Path(__file__).parent / "corpus"
DOCS_DIR = CORPUS_DIR / "docs"
QUESTIONS = json.loads((CORPUS_DIR / "questions.json").read_text())


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    """Folder of the 12 made-up documents the quality questions are about."""
    return DOCS_DIR


@pytest.fixture(scope="session")
def questions() -> dict:
    """test/retrieve/corpus/questions.json: questions, chunk_token_size, top_k, min_hit_rate."""
    return QUESTIONS


@pytest.fixture(scope="session")
def corpus_docs() -> list[dict]:
    """The corpus chunked with the question set's chunk_token_size, as VectorDB Documents (content-hash ids)."""
    from autogen.retrieve import get_files_from_dir, iter_file_chunks

    files = get_files_from_dir(str(DOCS_DIR))
    chunks = iter_file_chunks(files, max_tokens=QUESTIONS["chunk_token_size"])
    return [{"id": c.id, "content": c.content, "metadata": c.metadata} for c in chunks]


@pytest.fixture(scope="session")
def retrieval_hit_rate() -> Callable:
    """``(db, collection_name) -> (hit_rate, misses)``: share of questions whose answer chunk is in the top_k."""

    def evaluate(db, collection_name: str) -> tuple[float, list[str]]:
        misses = []
        items = QUESTIONS["questions"]
        results = db.retrieve_docs(
            [q["question"] for q in items], collection_name=collection_name, n_results=QUESTIONS["top_k"]
        )
        for q, hits in zip(items, results):
            found = any(
                q["answer_contains"] in doc["content"]
                and str((doc.get("metadata") or {}).get("source", "")).endswith(q["source"])
                for doc, _ in hits
            )
            if not found:
                misses.append(q["question"])
        return 1 - len(misses) / len(items), misses

    return evaluate


@pytest.fixture(scope="session")
def embedder():
    """The real default embedder (model loaded once per process)."""
    from autogen.retrieve.embeddings import DefaultEmbeddingFunction

    return DefaultEmbeddingFunction()


class HashEmbedder:
    """A tiny deterministic bag-of-words embedder: fast, and it counts its calls."""

    def __init__(self, dimension: int = 32) -> None:
        self.dimension = dimension
        self.calls: list[list[str]] = []

    def __call__(self, texts: list[str]) -> list[list[float]]:
        self.calls.append(list(texts))
        out = []
        for text in texts:
            vec = [0.0] * self.dimension
            for word in text.lower().split():
                vec[int(hashlib.md5(word.encode()).hexdigest(), 16) % self.dimension] += 1.0
            norm = sum(v * v for v in vec) ** 0.5 or 1.0
            out.append([v / norm for v in vec])
        return out


@pytest.fixture
def hash_embedder() -> HashEmbedder:
    return HashEmbedder()


def make_pdf(path: Path, pages: list[list[str]]) -> Path:
    """Write a small valid PDF whose pages show the given text lines (Helvetica)."""
    objects: list[bytes] = []
    page_ids = []
    font_id = 3
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    objects.append(b"")  # pages tree, filled below
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    for lines in pages:
        ops = ["BT", "/F1 12 Tf", "14 TL", "72 720 Td"]
        for line in lines:
            safe = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
            ops.append(f"({safe}) Tj T*")
        ops.append("ET")
        stream = zlib.compress("\n".join(ops).encode("latin-1"))
        objects.append(b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream")
        content_id = len(objects)
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 %d 0 R >> >> "
            b"/Contents %d 0 R >>" % (font_id, content_id)
        )
        page_ids.append(len(objects))
    kids = " ".join(f"{i} 0 R" for i in page_ids).encode()
    objects[1] = b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % len(page_ids)
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path.write_bytes(bytes(out))
    return path


def make_docx(path: Path, paragraphs: list[str], table: list[list[str]] | None = None) -> Path:
    import docx

    document = docx.Document()
    for p in paragraphs:
        document.add_paragraph(p)
    if table:
        t = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                t.cell(r, c).text = value
    document.save(str(path))
    return path


@pytest.fixture
def doc_builders():
    """Functions that write real PDF and DOCX files."""
    return {"pdf": make_pdf, "docx": make_docx}


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:  # keep test output clean
        pass


@pytest.fixture
def http_dir(tmp_path) -> Iterator[tuple[str, Path]]:
    """A real HTTP server on 127.0.0.1 serving a temp folder: yields (base_url, folder)."""
    root = tmp_path / "site"
    root.mkdir()
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", root
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def closed_port() -> int:
    """A 127.0.0.1 port nothing listens on."""
    import socket

    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port
