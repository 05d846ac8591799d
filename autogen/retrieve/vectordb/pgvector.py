"""A `VectorDB` backed by PostgreSQL with the pgvector extension.

Each collection is one table in the connection's current schema::

    seq        bigint identity   -- insertion order, so "all documents" come back in a stable order
    id         text primary key  -- the document id (ints are stored as text, see id_is_int)
    id_is_int  boolean           -- so integer ids come back as integers
    content    text
    metadata   jsonb
    embedding  vector(N)         -- N is fixed by the first embedding stored

A JSON comment on the table marks it as ours and records the distance space, so an existing table
that PGVectorDB did not create is never read as a collection nor dropped.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ...import_utils import optional_import
from .base import Document, EmbeddingFunction, ItemID, QueryResults
from .utils import include_fields

if TYPE_CHECKING:
    import psycopg
    from typing_extensions import Self

__all__ = ["PGVectorCollection", "PGVectorDB"]

logger = logging.getLogger(__name__)

_EXTRA = "retrievechat-pgvector"
_MARKER = "autogen.pgvector"
# Postgres truncates identifiers longer than this many bytes, which would silently merge names.
_MAX_IDENTIFIER_BYTES = 63
# pgvector's HNSW index accepts `vector` columns of at most this many dimensions.
_HNSW_MAX_DIM = 2000
# Loads of at least this many rows may rebuild the index instead of growing it (see _write).
_REBUILD_MIN_BATCH = 1000
# hnsw.ef_search bounds how many rows one index scan can return; its allowed maximum is 1000.
_EF_SEARCH_MIN, _EF_SEARCH_MAX = 40, 1000

# space -> (operator ordering by distance, operator class of the index, SQL turning the operator
# result into the distance we report)
_SPACES: dict[str, tuple[str, str, str]] = {
    "cosine": ("<=>", "vector_cosine_ops", "{op}"),  # 1 - cosine similarity
    "l2": ("<->", "vector_l2_ops", "{op}"),  # euclidean distance
    "ip": ("<#>", "vector_ip_ops", "1 + ({op})"),  # <#> is the negated dot product -> 1 - dot
}
_SPACE_ALIASES = {"cosine": "cosine", "l2": "l2", "euclidean": "l2", "ip": "ip", "inner_product": "ip", "dot": "ip"}

DEFAULT_METADATA: dict[str, Any] = {"hnsw:space": "cosine", "hnsw:construction_ef": 64, "hnsw:M": 16}



@dataclass
class PGVectorCollection:
    """Handle on one collection (table). `dimension` is None until the first document is stored."""

    name: str
    space: str = "cosine"
    dimension: int | None = None
    _db: PGVectorDB | None = field(default=None, repr=False, compare=False)

    def count(self) -> int:
        """Number of documents stored in this collection."""
        if self._db is None:
            raise RuntimeError("This collection handle is not bound to a PGVectorDB.")
        return self._db.count(self.name)


@dataclass
class _Row:
    id: ItemID
    key: str
    is_int: bool
    content: str
    metadata: Mapping[str, Any] | None
    embedding: Any  # numpy float32 vector


class PGVectorDB:
    """Vector database on PostgreSQL + pgvector (psycopg 3).

    Give exactly one way to reach the server: an open psycopg ``conn``, a ``connection_string``
    (``postgresql://user:pass@host:port/db`` or ``"host=... dbname=..."``), or ``host`` + ``port``
    + ``dbname`` (with optional ``username``/``password``). ``connect_timeout`` (seconds) bounds the
    connection attempt, so a server that is down gives a ConnectionError instead of a hang.

    ``metadata`` configures new collections: ``{"hnsw:space": "cosine" | "l2" | "ip",
    "hnsw:construction_ef": 64, "hnsw:M": 16}`` (cosine by default). Distances returned by
    `retrieve_docs` are cosine distance (1 - cos), euclidean distance, or 1 - dot product.

    ``embedding_function`` maps a list of texts to one vector per text; by default the project's
    offline MiniLM embedding (autogen.retrieve.embeddings) is loaded at first use.
    """

    type: str = "pgvector"

    def __init__(
        self,
        *,
        conn: psycopg.Connection | None = None,
        connection_string: str | None = None,
        host: str | None = None,
        port: int | str | None = None,
        dbname: str | None = None,
        username: str | None = None,
        password: str | None = None,
        connect_timeout: int = 10,
        embedding_function: EmbeddingFunction | None = None,
        metadata: Mapping[str, Any] | None = None,
    ) -> None:
        self.metadata: dict[str, Any] = _check_metadata(metadata)
        self.embedding_function: EmbeddingFunction | None = embedding_function
        self.active_collection: PGVectorCollection | None = None
        self._owns_connection = conn is None
        self.client: psycopg.Connection = _connect(
            conn=conn,
            connection_string=connection_string,
            host=host,
            port=port,
            dbname=dbname,
            username=username,
            password=password,
            connect_timeout=connect_timeout,
        )

    # ------------------------------------------------------------------ lifecycle

    def close(self) -> None:
        """Close the connection if PGVectorDB opened it (a connection passed in is left open)."""
        if self._owns_connection and not self.client.closed:
            self.client.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ collections

    def create_collection(
        self, collection_name: str, overwrite: bool = False, get_or_create: bool = True, *, dimension: int | None = None
    ) -> PGVectorCollection:
        """Create the collection (a table); recreate it when ``overwrite``; return it when it exists
        and ``get_or_create``; otherwise raise ValueError if it exists. ``dimension`` optionally
        fixes the embedding size now instead of at the first insert."""
        name = _check_collection_name(collection_name)
        if dimension is not None and (not isinstance(dimension, int) or isinstance(dimension, bool) or dimension < 1):
            raise ValueError(f"dimension must be a positive integer, got {dimension!r}.")
        sql = self._sql()
        with self._cursor() as cur:
            existing = self._describe(cur, name)
            if existing is not None and not overwrite:
                if not get_or_create:
                    raise ValueError(
                        f"Collection {name!r} already exists. Pass get_or_create=True to use it, "
                        "or overwrite=True to replace it."
                    )
                if dimension is not None and existing.dimension not in (None, dimension):
                    raise ValueError(
                        f"Collection {name!r} stores {existing.dimension}-dimensional embeddings, "
                        f"not {dimension}-dimensional ones."
                    )
                self.active_collection = existing
                return existing
            if existing is not None:
                cur.execute(sql.SQL("DROP TABLE {}").format(sql.Identifier(name)))
            space = self.metadata["hnsw:space"]
            cur.execute(
                sql.SQL(
                    "CREATE TABLE {} (seq bigint GENERATED ALWAYS AS IDENTITY, id text PRIMARY KEY, "
                    "id_is_int boolean NOT NULL DEFAULT false, content text NOT NULL, metadata jsonb, "
                    "embedding vector NOT NULL)"
                ).format(sql.Identifier(name))
            )
            comment = json.dumps({"managed_by": _MARKER, "space": space})
            cur.execute(sql.SQL("COMMENT ON TABLE {} IS {}").format(sql.Identifier(name), sql.Literal(comment)))
            collection = PGVectorCollection(name=name, space=space, _db=self)
            if dimension is not None:
                self._fix_dimension(cur, collection, dimension)
                self._ensure_index(cur, collection)
        self.active_collection = collection
        return collection

    def get_collection(self, collection_name: str | None = None) -> PGVectorCollection:
        """Return the named collection (which becomes the active one), or the active collection
        when no name is given. ValueError when it does not exist."""
        with self._cursor() as cur:
            return self._resolve(cur, collection_name)

    def delete_collection(self, collection_name: str) -> None:
        """Drop the collection's table. Deleting a collection that does not exist does nothing."""
        name = _check_collection_name(collection_name)
        sql = self._sql()
        with self._cursor() as cur:
            if self._describe(cur, name) is not None:
                cur.execute(sql.SQL("DROP TABLE {}").format(sql.Identifier(name)))
        if self.active_collection is not None and self.active_collection.name == name:
            self.active_collection = None

    def list_collections(self) -> list[str]:
        """Names of the PGVectorDB collections in the current schema."""
        with self._cursor() as cur:
            cur.execute(
                "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = current_schema() AND c.relkind = 'r' "
                "AND obj_description(c.oid, 'pg_class') LIKE %s ORDER BY c.relname",
                (f'%"{_MARKER}"%',),
            )
            return [r[0] for r in cur.fetchall()]

    def count(self, collection_name: str | None = None) -> int:
        """Number of documents in the collection (the active one by default)."""
        sql = self._sql()
        with self._cursor() as cur:
            collection = self._resolve(cur, collection_name)
            cur.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(collection.name)))
            return int(cur.fetchone()[0])

    # ------------------------------------------------------------------ documents

    def insert_docs(
        self, docs: list[Document], collection_name: str | None = None, upsert: bool = False, **kwargs: Any
    ) -> None:
        """Store documents, computing embeddings for those that have none.

        Without ``upsert`` an id that is already stored (or repeated in ``docs``) is a ValueError;
        with ``upsert`` stored documents are replaced (the last one wins within ``docs``). Either
        all documents are written or none are.
        """
        if not docs:
            return
        collection = self.get_collection(collection_name)
        rows = self._prepare_rows(docs, allow_duplicates=upsert)
        self._write(collection, rows, mode="upsert" if upsert else "insert")

    def update_docs(self, docs: list[Document], collection_name: str | None = None, **kwargs: Any) -> None:
        """Replace stored documents (content, metadata and embedding).

        As in the original pgvector backend, ids not stored yet are inserted; pass ``upsert=False``
        to only touch documents that exist (the others are skipped with a warning).
        """
        if not docs:
            return
        collection = self.get_collection(collection_name)
        rows = self._prepare_rows(docs, allow_duplicates=True)
        self._write(collection, rows, mode="upsert" if kwargs.get("upsert", True) else "update")

    def delete_docs(self, ids: list[ItemID], collection_name: str | None = None, **kwargs: Any) -> None:
        """Delete the documents with these ids; unknown ids are ignored."""
        keys = [_id_key(i)[0] for i in ids]
        sql = self._sql()
        with self._cursor() as cur:
            collection = self._resolve(cur, collection_name)
            if keys:
                cur.execute(
                    sql.SQL("DELETE FROM {} WHERE id = ANY(%s)").format(sql.Identifier(collection.name)), (keys,)
                )

    def get_docs_by_ids(
        self,
        ids: list[ItemID] | None = None,
        collection_name: str | None = None,
        include: list[str] | None = None,
        **kwargs: Any,
    ) -> list[Document]:
        """Fetch documents by id, in the order asked (missing ids are skipped); ``ids=None`` returns
        every document in insertion order. ``include`` picks among "content", "metadata" and
        "embedding" (default: content and metadata; the id is always included)."""
        fields = include_fields(include)
        sql = self._sql()
        columns = sql.SQL(", ").join(sql.Identifier(f) for f in ("id", "id_is_int", *fields))
        with self._cursor() as cur:
            table = sql.Identifier(self._resolve(cur, collection_name).name)
            if ids is None:
                cur.execute(sql.SQL("SELECT {} FROM {} ORDER BY seq").format(columns, table))
                records = cur.fetchall()
            else:
                if not ids:
                    return []
                keys = [_id_key(i)[0] for i in ids]
                cur.execute(sql.SQL("SELECT {} FROM {} WHERE id = ANY(%s)").format(columns, table), (keys,))
                by_key = {r[0]: r for r in cur.fetchall()}
                seen: set[str] = set()
                records = []
                for key in keys:
                    if key in by_key and key not in seen:
                        seen.add(key)
                        records.append(by_key[key])
        return [_to_document(r, fields) for r in records]

    def retrieve_docs(
        self,
        queries: list[str],
        collection_name: str | None = None,
        n_results: int = 10,
        distance_threshold: float = -1,
        **kwargs: Any,
    ) -> QueryResults:
        """Nearest documents for each query text, closest first, as (document, distance) pairs.

        Only distances strictly below ``distance_threshold`` are kept when it is >= 0 (applied to
        the nearest ``n_results``). Keyword options: ``include_embedding=True`` returns the stored
        embeddings too; ``ef_search`` (1-1000) sets how many candidates the HNSW index explores
        (default max(40, n_results); higher = better recall, slower).
        """
        if isinstance(queries, str):
            queries = [queries]
        if not isinstance(n_results, int) or isinstance(n_results, bool) or n_results < 1:
            raise ValueError(f"n_results must be a positive integer, got {n_results!r}.")
        ef_search = kwargs.get("ef_search")
        if ef_search is not None and (not isinstance(ef_search, int) or not 1 <= ef_search <= _EF_SEARCH_MAX):
            raise ValueError(f"ef_search must be an integer from 1 to {_EF_SEARCH_MAX}, got {ef_search!r}.")
        include_embedding = bool(kwargs.get("include_embedding", False))
        fields = ("content", "metadata", "embedding") if include_embedding else ("content", "metadata")
        queries = list(queries)
        results: QueryResults = []
        # One transaction for the lookup of the collection, the search setting and the searches:
        # each round trip to the server counts at these latencies.
        with self._cursor() as cur:
            collection = self._resolve(cur, collection_name)
            if not queries:
                return []
            if collection.dimension is None:  # nothing stored yet
                return [[] for _ in queries]
            vectors = self._embed(queries)
            if vectors.shape[1] != collection.dimension:
                raise ValueError(
                    f"The query embeddings have {vectors.shape[1]} dimensions but collection "
                    f"{collection.name!r} stores {collection.dimension}-dimensional embeddings: "
                    "use the embedding function the collection was built with."
                )
            statement = self._search_statement(collection, fields, distance_threshold >= 0)
            if ef_search is None and n_results > _EF_SEARCH_MAX:
                # An HNSW scan cannot return that many rows; an exact scan can.
                cur.execute("SET LOCAL enable_indexscan = off")
            else:
                width = ef_search if ef_search is not None else max(_EF_SEARCH_MIN, n_results)
                cur.execute(f"SET LOCAL hnsw.ef_search = {int(width)}")
            for vector in vectors:
                params: dict[str, Any] = {"q": vector, "n": n_results, "t": float(distance_threshold)}
                cur.execute(statement, params)
                results.append([(_to_document(r[:-1], fields), float(r[-1])) for r in cur.fetchall()])
        return results

    # ------------------------------------------------------------------ internals

    def _sql(self) -> Any:
        return optional_import("psycopg.sql", _EXTRA, feature="PGVectorDB")

    @contextmanager
    def _cursor(self) -> Iterator[psycopg.Cursor]:
        # Every call runs in its own transaction (a savepoint inside a caller's open transaction),
        # so a failed write leaves nothing behind.
        with self.client.transaction(), self.client.cursor() as cur:
            yield cur

    def _resolve(self, cur: psycopg.Cursor, collection_name: str | None) -> PGVectorCollection:
        """get_collection's work, inside an open transaction."""
        if collection_name is None:
            if self.active_collection is None:
                raise ValueError("No collection is active: pass collection_name, or call create_collection() first.")
            collection_name = self.active_collection.name
        name = _check_collection_name(collection_name)
        collection = self._describe(cur, name)
        if collection is None:
            raise ValueError(f"Collection {name!r} does not exist. Create it with create_collection({name!r}).")
        self.active_collection = collection
        return collection

    def _describe(self, cur: psycopg.Cursor, name: str) -> PGVectorCollection | None:
        """Read a collection's space and dimension from the catalog; None if the table is missing."""
        cur.execute(
            "SELECT obj_description(c.oid, 'pg_class'), a.atttypmod FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'embedding' AND NOT a.attisdropped "
            "WHERE c.relname = %s AND n.nspname = current_schema() AND c.relkind IN ('r', 'p')",
            (name,),
        )
        row = cur.fetchone()
        if row is None:
            return None
        try:
            info = json.loads(row[0] or "")
        except ValueError:
            info = None
        if not isinstance(info, dict) or info.get("managed_by") != _MARKER:
            raise ValueError(
                f"A table named {name!r} exists but was not created by PGVectorDB; "
                "choose another collection name (the table is left untouched)."
            )
        dimension = row[1] if row[1] is not None and row[1] > 0 else None
        return PGVectorCollection(name=name, space=info.get("space", "cosine"), dimension=dimension, _db=self)

    def _fix_dimension(self, cur: psycopg.Cursor, collection: PGVectorCollection, dimension: int) -> None:
        """Give the (still empty) embedding column its size: done once, at the first insert."""
        sql = self._sql()
        cur.execute(
            sql.SQL("ALTER TABLE {} ALTER COLUMN embedding TYPE vector({})").format(
                sql.Identifier(collection.name), dimension
            )
        )
        collection.dimension = dimension

    def _ensure_index(self, cur: psycopg.Cursor, collection: PGVectorCollection) -> None:
        """Build the HNSW index for the collection's distance space if it is missing."""
        assert collection.dimension is not None
        if collection.dimension > _HNSW_MAX_DIM:
            logger.warning(
                "Collection %r stores %d-dimensional vectors; pgvector's HNSW index stops at %d, "
                "so searches on it scan every row.",
                collection.name,
                collection.dimension,
                _HNSW_MAX_DIM,
            )
            return
        sql = self._sql()
        _, opclass, _ = _SPACES[collection.space]
        cur.execute(
            sql.SQL(
                "CREATE INDEX IF NOT EXISTS {} ON {} USING hnsw (embedding {}) WITH (m = {}, ef_construction = {})"
            ).format(
                sql.Identifier(_index_name(collection.name)),
                sql.Identifier(collection.name),
                sql.SQL(opclass),
                sql.Literal(int(self.metadata["hnsw:M"])),
                sql.Literal(int(self.metadata["hnsw:construction_ef"])),
            )
        )

    def _embed(self, texts: list[str]) -> Any:
        """Embed texts into a (len(texts), dim) float32 array."""
        np = optional_import("numpy", _EXTRA, feature="PGVectorDB")
        if self.embedding_function is None:
            from ..embeddings import get_embedding_function  # loads onnxruntime: only on first use

            self.embedding_function = get_embedding_function()
        raw = self.embedding_function(texts)
        try:
            vectors = np.asarray(raw, dtype=np.float32)
        except (ValueError, TypeError) as e:
            raise ValueError(f"The embedding function did not return one equal-length vector per text: {e}") from e
        if vectors.ndim != 2 or vectors.shape[0] != len(texts):
            raise ValueError(
                f"The embedding function returned an array of shape {vectors.shape} for {len(texts)} texts; "
                "it must return one vector per text."
            )
        return vectors

    def _prepare_rows(self, docs: Sequence[Document], *, allow_duplicates: bool) -> list[_Row]:
        """Validate documents and compute the missing embeddings. Nothing touches the database."""
        np = optional_import("numpy", _EXTRA, feature="PGVectorDB")
        rows: list[_Row] = []
        missing: list[int] = []
        seen: dict[str, int] = {}
        for position, doc in enumerate(docs):
            if not isinstance(doc, Mapping):
                raise TypeError(f"Document #{position} is a {type(doc).__name__}, not a dict with 'id' and 'content'.")
            if doc.get("id") is None:
                raise ValueError(f"Document #{position} has no 'id'.")
            key, is_int = _id_key(doc["id"])
            content = doc.get("content")
            if content is None:
                raise ValueError(f"Document {doc['id']!r} has no 'content'.")
            if not isinstance(content, str):
                raise TypeError(f"Document {doc['id']!r} needs a str 'content', got {type(content).__name__}.")
            metadata = doc.get("metadata")
            if metadata is not None:
                if not isinstance(metadata, Mapping):
                    raise TypeError(f"Document {doc['id']!r}: 'metadata' must be a mapping or None.")
                try:
                    json.dumps(dict(metadata))
                except (TypeError, ValueError) as e:
                    raise ValueError(f"Document {doc['id']!r}: metadata is not JSON-serialisable ({e}).") from e
            if key in seen:
                if not allow_duplicates:
                    raise ValueError(f"The id {doc['id']!r} appears more than once in the documents to insert.")
                rows[seen[key]] = None  # type: ignore[call-overload]  # the last occurrence wins
            seen[key] = len(rows)
            embedding = doc.get("embedding")
            if embedding is None:
                missing.append(len(rows))
                vector = None
            else:
                vector = np.asarray(embedding, dtype=np.float32)
                if vector.ndim != 1 or vector.size == 0:
                    raise ValueError(f"Document {doc['id']!r}: 'embedding' must be a non-empty flat list of numbers.")
            rows.append(_Row(doc["id"], key, is_int, content, dict(metadata) if metadata is not None else None, vector))
        if missing:
            live = [i for i in missing if rows[i] is not None]
            if live:
                vectors = self._embed([rows[i].content for i in live])
                for i, vector in zip(live, vectors):
                    rows[i].embedding = vector
        return [r for r in rows if r is not None]

    def _write(self, collection: PGVectorCollection, rows: list[_Row], mode: str) -> None:
        psycopg = optional_import("psycopg", _EXTRA, feature="PGVectorDB")
        sql = self._sql()
        table = sql.Identifier(collection.name)
        with self._cursor() as cur:
            current = self._describe(cur, collection.name)
            if current is None:
                raise ValueError(f"Collection {collection.name!r} no longer exists.")
            dimension = current.dimension
            if dimension is None:
                # Serialise concurrent first inserts, then re-read: another writer may have won.
                cur.execute(sql.SQL("LOCK TABLE {} IN SHARE ROW EXCLUSIVE MODE").format(table))
                current = self._describe(cur, collection.name)
                dimension = current.dimension if current is not None else None
            expected = dimension if dimension is not None else int(rows[0].embedding.shape[0])
            for row in rows:
                if row.embedding.shape[0] != expected:
                    what = "stores" if dimension is not None else "would get (from the first document)"
                    raise ValueError(
                        f"Embedding dimension mismatch: collection {collection.name!r} {what} {expected}-dimensional "
                        f"embeddings, but document {row.id!r} has a {row.embedding.shape[0]}-dimensional one. "
                        "Nothing was written."
                    )
            if dimension is None:
                self._fix_dimension(cur, collection, expected)
            collection.dimension = expected
            # Building an HNSW index over loaded rows is ~9x faster per row than growing it row by
            # row. So a load into an empty collection, or a big load (>= 1,000 rows) into a
            # collection holding fewer than twice as many rows, drops the index and rebuilds it
            # after the load (within this transaction: readers wait for it).
            probe = 2 * len(rows) if len(rows) >= _REBUILD_MIN_BATCH else 1
            cur.execute(sql.SQL("SELECT count(*) FROM (SELECT 1 FROM {} LIMIT %s) AS head").format(table), (probe,))
            if cur.fetchone()[0] < probe:
                cur.execute(sql.SQL("DROP INDEX IF EXISTS {}").format(sql.Identifier(_index_name(collection.name))))
            try:
                if mode == "insert":
                    self._copy(cur, table, rows)
                else:
                    self._merge(cur, table, rows, mode)
            except psycopg.errors.UniqueViolation as e:
                detail = getattr(e.diag, "message_detail", None) or str(e)
                raise ValueError(
                    f"Cannot insert into collection {collection.name!r}: {detail} Nothing was written. "
                    "Pass upsert=True to replace stored documents."
                ) from e
            except psycopg.errors.DataError as e:
                raise ValueError(
                    f"PostgreSQL rejected the documents for collection {collection.name!r}: {e}. Nothing was written."
                ) from e
            self._ensure_index(cur, collection)
        if self.active_collection is not None and self.active_collection.name == collection.name:
            self.active_collection.dimension = expected

    @staticmethod
    def _copy(cur: psycopg.Cursor, table: Any, rows: list[_Row]) -> None:
        from psycopg import sql

        statement = sql.SQL(
            "COPY {} (id, id_is_int, content, metadata, embedding) FROM STDIN WITH (FORMAT BINARY)"
        ).format(table)
        with cur.copy(statement) as copy:
            copy.set_types(["text", "bool", "text", "jsonb", "vector"])
            for r in rows:
                copy.write_row((r.key, r.is_int, r.content, r.metadata, r.embedding))

    def _merge(self, cur: psycopg.Cursor, table: Any, rows: list[_Row], mode: str) -> None:
        """Upsert (or update only existing) rows through a temporary staging table."""
        from psycopg import sql

        stage = sql.Identifier("ag2_pgvector_stage")
        cur.execute(sql.SQL("DROP TABLE IF EXISTS pg_temp.{}").format(stage))
        cur.execute(
            sql.SQL(
                "CREATE TEMP TABLE {} (id text, id_is_int boolean, content text, metadata jsonb, embedding vector) "
                "ON COMMIT DROP"
            ).format(stage)
        )
        self._copy(cur, stage, rows)
        if mode == "upsert":
            cur.execute(
                sql.SQL(
                    "INSERT INTO {t} (id, id_is_int, content, metadata, embedding) "
                    "SELECT id, id_is_int, content, metadata, embedding FROM {s} "
                    "ON CONFLICT (id) DO UPDATE SET id_is_int = EXCLUDED.id_is_int, content = EXCLUDED.content, "
                    "metadata = EXCLUDED.metadata, embedding = EXCLUDED.embedding"
                ).format(t=table, s=stage)
            )
            return
        cur.execute(
            sql.SQL(
                "UPDATE {t} AS d SET id_is_int = s.id_is_int, content = s.content, metadata = s.metadata, "
                "embedding = s.embedding FROM {s} AS s WHERE d.id = s.id RETURNING d.id"
            ).format(t=table, s=stage)
        )
        updated = {r[0] for r in cur.fetchall()}
        skipped = [r.key for r in rows if r.key not in updated]
        if skipped:
            logger.warning("update_docs skipped %d ids that are not stored: %s", len(skipped), skipped[:10])

    def _search_statement(self, collection: PGVectorCollection, fields: Sequence[str], filtered: bool) -> Any:
        sql = self._sql()
        operator, _, distance_sql = _SPACES[collection.space]
        op = sql.SQL("embedding {} %(q)s::vector").format(sql.SQL(operator))
        distance = sql.SQL(distance_sql).format(op=op)
        columns = sql.SQL(", ").join(sql.Identifier(f) for f in ("id", "id_is_int", *fields))
        # Nearest n first (this is what uses the index), then the threshold on those.
        inner = sql.SQL("SELECT {cols}, {dist} AS distance FROM {t} ORDER BY {op} LIMIT %(n)s").format(
            cols=columns, dist=distance, t=sql.Identifier(collection.name), op=op
        )
        where = sql.SQL(" WHERE distance < %(t)s") if filtered else sql.SQL("")
        return sql.SQL("SELECT * FROM ({inner}) AS nearest{where} ORDER BY distance").format(inner=inner, where=where)


# ---------------------------------------------------------------------- helpers


def _connect(
    *,
    conn: Any,
    connection_string: str | None,
    host: str | None,
    port: int | str | None,
    dbname: str | None,
    username: str | None,
    password: str | None,
    connect_timeout: int,
) -> psycopg.Connection:
    """Open (or adopt) the connection, enable pgvector and register its type adapters."""
    if conn is None and not connection_string:
        if not host and not port and not dbname:
            raise ValueError(
                "PGVectorDB needs a PostgreSQL database: pass conn=<psycopg connection>, "
                "connection_string='postgresql://user:password@host:port/dbname', "
                "or host=, port= and dbname= (plus username=/password= if needed)."
            )
        absent = [n for n, v in (("host", host), ("port", port), ("dbname", dbname)) if not v]
        if absent:
            raise ValueError(
                f"PGVectorDB got only part of host/port/dbname (missing: {', '.join(absent)}); "
                "pass all three, or a connection_string."
            )
    psycopg = optional_import("psycopg", _EXTRA, feature="PGVectorDB")
    pgvector_psycopg = optional_import("pgvector.psycopg", _EXTRA, feature="PGVectorDB")
    if conn is None:
        if connection_string:
            try:
                params = psycopg.conninfo.conninfo_to_dict(connection_string)
            except psycopg.ProgrammingError as e:
                raise ValueError(f"Invalid PostgreSQL connection string: {e}") from e
            kwargs: dict[str, Any] = {"autocommit": True}
            if "connect_timeout" not in params:
                kwargs["connect_timeout"] = connect_timeout
            where = _describe_target(params.get("host"), params.get("port"), params.get("dbname"))
            target: tuple[Any, ...] = (connection_string,)
        else:
            kwargs = {
                "host": host,
                "port": int(port),  # type: ignore[arg-type]
                "dbname": dbname,
                "connect_timeout": connect_timeout,
                "autocommit": True,
            }
            if username:
                kwargs["user"] = username
            if password:
                kwargs["password"] = password
            where = _describe_target(host, port, dbname)
            target = ()
        try:
            conn = psycopg.connect(*target, **kwargs)
        except psycopg.OperationalError as e:
            raise ConnectionError(
                f"Could not connect to PostgreSQL at {where} (connect_timeout={kwargs.get('connect_timeout')} s): "
                f"{str(e).strip()}. Check that the server is running and the connection settings are right."
            ) from e
    elif not isinstance(conn, psycopg.Connection):
        raise TypeError(f"conn must be a psycopg (version 3) Connection, got {type(conn).__name__}.")
    try:
        with conn.transaction():
            exists = conn.execute("SELECT 1 FROM pg_extension WHERE extname = 'vector'").fetchone()
            if not exists:
                conn.execute("CREATE EXTENSION IF NOT EXISTS vector")
    except psycopg.Error as e:
        raise RuntimeError(
            f"The pgvector extension is not available in this database ({str(e).strip()}). Install pgvector on the "
            "server, or have a superuser run CREATE EXTENSION vector."
        ) from e
    pgvector_psycopg.register_vector(conn)
    return conn


def _describe_target(host: Any, port: Any, dbname: Any) -> str:
    return f"host={host or 'localhost'} port={port or 5432} dbname={dbname or '(default)'}"


def _check_metadata(metadata: Mapping[str, Any] | None) -> dict[str, Any]:
    merged = dict(DEFAULT_METADATA)
    if metadata:
        if not isinstance(metadata, Mapping):
            raise ValueError(f"metadata must be a dict such as {DEFAULT_METADATA}, got {type(metadata).__name__}.")
        merged.update(metadata)
    space = _SPACE_ALIASES.get(str(merged["hnsw:space"]).lower())
    if space is None:
        raise ValueError(f"metadata['hnsw:space'] must be 'cosine', 'l2' or 'ip', got {merged['hnsw:space']!r}.")
    merged["hnsw:space"] = space
    for key in ("hnsw:construction_ef", "hnsw:M"):
        value = merged[key]
        if not isinstance(value, int) or isinstance(value, bool) or value < 2:
            raise ValueError(f"metadata[{key!r}] must be an integer >= 2, got {value!r}.")
    return merged


def _check_collection_name(name: Any) -> str:
    if not isinstance(name, str) or not name:
        raise ValueError(f"collection_name must be a non-empty string, got {name!r}.")
    if "\x00" in name:
        raise ValueError("collection_name must not contain NUL characters.")
    if len(name.encode("utf-8")) > _MAX_IDENTIFIER_BYTES:
        raise ValueError(
            f"collection_name {name!r} is longer than PostgreSQL's {_MAX_IDENTIFIER_BYTES}-byte limit for table names."
        )
    return name


def _index_name(table: str) -> str:
    candidate = f"{table}_embedding_hnsw"
    if len(candidate.encode("utf-8")) <= _MAX_IDENTIFIER_BYTES:
        return candidate
    return "ag2_hnsw_" + hashlib.sha1(table.encode("utf-8")).hexdigest()[:24]


def _id_key(item_id: Any) -> tuple[str, bool]:
    """The text key stored for an id, and whether it was an int."""
    if isinstance(item_id, bool) or not isinstance(item_id, (str, int)):
        raise TypeError(f"Document ids must be str or int, got {item_id!r} ({type(item_id).__name__}).")
    return str(item_id), isinstance(item_id, int)


def _vector_to_list(value: Any) -> list[float]:
    # pgvector's loader gives a `Vector` (to_list) or, in older versions, a numpy array (tolist).
    for method in ("to_list", "tolist"):
        if hasattr(value, method):
            return [float(x) for x in getattr(value, method)()]
    return [float(x) for x in value]


def _to_document(record: Sequence[Any], fields: Sequence[str]) -> Document:
    key, is_int = record[0], record[1]
    doc: dict[str, Any] = {"id": int(key) if is_int else key}
    for name, value in zip(fields, record[2:]):
        if name == "embedding" and value is not None:
            value = _vector_to_list(value)
        doc[name] = value
    return doc  # type: ignore[return-value]
