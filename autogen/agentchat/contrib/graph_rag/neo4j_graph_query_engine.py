"""`Neo4jGraphQueryEngine`: a LlamaIndex property graph stored in Neo4j.

Triplets ([entity] -> [relationship] -> [entity]) are extracted from the documents by an LLM, guided by
optional entities, relations and a schema; questions go to LlamaIndex's chat engine (condense plus
context), which keeps the conversation history. Needs LlamaIndex with its Neo4j graph store (imported
when the engine is used): ``pip install "ag2[neo4j]"``, and a running Neo4j server.
"""

from __future__ import annotations

import logging
import os
from typing import Any

from ....import_utils import optional_import
from .document import Document, DocumentType
from .graph_query_engine import GraphStoreQueryResult

__all__ = ["Neo4jGraphQueryEngine"]

logger = logging.getLogger(__name__)

_EXTRA = "neo4j"


def _need(module: str) -> Any:
    return optional_import(module, _EXTRA, feature="Neo4jGraphQueryEngine")


class Neo4jGraphQueryEngine:
    """Create, open, extend and query a LlamaIndex ``PropertyGraphIndex`` kept in Neo4j.

    With ``strict`` the extracted triplets must follow ``schema``; otherwise a dynamic extractor may add
    relationships outside it.
    """

    def __init__(
        self,
        host: str = "bolt://localhost",
        port: int = 7687,
        database: str = "neo4j",
        username: str = "neo4j",
        password: str = "neo4j",
        llm: Any = None,
        embedding: Any = None,
        entities: Any = None,
        relations: Any = None,
        schema: dict[str, str] | list[Any] | None = None,
        strict: bool | None = False,
    ) -> None:
        """Remember the database and the extraction settings (nothing connects yet).

        Args:
            host: Neo4j URL without the port.
            port: Neo4j port.
            database: Neo4j database name.
            username: Neo4j user name.
            password: Neo4j password.
            llm: the LlamaIndex LLM that extracts triplets and answers (default OpenAI gpt-4o at temperature 0).
            embedding: the LlamaIndex embedding model (default OpenAI text-embedding-3-small).
            entities: suggested entity types (a ``Literal[...]``).
            relations: suggested relation types (a ``Literal[...]``).
            schema: allowed relationships per entity (dict or list of triplets).
            strict: only keep triplets that follow ``schema``.
        """
        _need("llama_index.core")
        if llm is None:
            llm = _need("llama_index.llms.openai").OpenAI(model="gpt-4o", temperature=0.0)
        if embedding is None:
            embedding = _need("llama_index.embeddings.openai").OpenAIEmbedding(model_name="text-embedding-3-small")
        self.host = host
        self.port = port
        self.database = database
        self.username = username
        self.password = password
        self.llm = llm
        self.embedding = embedding
        self.entities = entities
        self.relations = relations
        self.schema = schema
        self.strict = strict
        self.graph_store: Any = None

    def _open_store(self) -> None:
        stores = _need("llama_index.graph_stores.neo4j")
        self.graph_store = stores.Neo4jPropertyGraphStore(
            username=self.username,
            password=self.password,
            url=f"{self.host}:{self.port}",
            database=self.database,
        )
        self.kg_extractors = self._create_kg_extractors()

    def init_db(self, input_doc: list[Document] | None = None) -> None:
        """Empty the database and build the property graph from ``input_doc``."""
        from llama_index.core import PropertyGraphIndex

        self.documents = self._load_doc(input_doc if input_doc is not None else [])
        self._open_store()
        self._clear()
        self.index = PropertyGraphIndex.from_documents(
            self.documents,
            llm=self.llm,
            embed_model=self.embedding,
            kg_extractors=self.kg_extractors,
            property_graph_store=self.graph_store,
            show_progress=True,
        )

    def connect_db(self) -> None:
        """Open the property graph already in the database."""
        from llama_index.core import PropertyGraphIndex

        self._open_store()
        self.index = PropertyGraphIndex.from_existing(
            property_graph_store=self.graph_store,
            kg_extractors=self.kg_extractors,
            llm=self.llm,
            embed_model=self.embedding,
            show_progress=True,
        )

    def add_records(self, new_records: list[Document]) -> bool:
        """Add local files to the graph; False (logged) when reading or inserting fails."""
        if self.graph_store is None:
            raise ValueError("Knowledge graph is not initialized. Please call init_db or connect_db first.")
        from llama_index.core import SimpleDirectoryReader

        try:
            files = [doc.path_or_url for doc in new_records]
            for document in SimpleDirectoryReader(input_files=files).load_data():
                self.index.insert(document)
            return True
        except Exception as e:  # noqa: BLE001 - ag2 reports any failure as False
            logger.error("Error adding records: %s", e)
            return False

    def query(self, question: str, n_results: int = 1, **kwargs: Any) -> GraphStoreQueryResult:
        """Answer ``question`` with the chat engine (created on the first question, then kept)."""
        if not hasattr(self, "index"):
            raise ValueError("Property graph index is not created.")
        if not hasattr(self, "chat_engine"):
            from llama_index.core.chat_engine.types import ChatMode

            self.chat_engine = self.index.as_chat_engine(chat_mode=ChatMode.CONDENSE_PLUS_CONTEXT, llm=self.llm)
        return GraphStoreQueryResult(answer=str(self.chat_engine.chat(question)))

    def _clear(self) -> None:
        """Delete every node and relationship (indexes and constraints stay)."""
        with self.graph_store._driver.session() as session:
            session.run("MATCH (n) DETACH DELETE n;")

    def _load_doc(self, input_doc: list[Document]) -> list[Any]:
        """Read the documents: JSON ones with LlamaIndex's JSONReader, the others with SimpleDirectoryReader
        (csv, docx, epub, ipynb, images, md, audio/video, pdf, pptx...). ValueError for a missing file."""
        from llama_index.core import SimpleDirectoryReader
        from llama_index.core.readers.json import JSONReader

        for doc in input_doc:
            if not doc.path_or_url or not os.path.exists(doc.path_or_url):
                raise ValueError(f"Document file not found: {doc.path_or_url}")
        json_files = [d.path_or_url for d in input_doc if d.doctype is DocumentType.JSON]
        other_files = [d.path_or_url for d in input_doc if d.doctype is not DocumentType.JSON]
        documents: list[Any] = []
        if other_files:
            documents.extend(SimpleDirectoryReader(input_files=other_files).load_data())
        for json_file in json_files:
            documents.extend(JSONReader().load_data(input_file=json_file))
        return documents

    def _create_kg_extractors(self) -> list[Any]:
        """A schema-guided extractor, plus a dynamic one unless ``strict``."""
        from llama_index.core.indices.property_graph import DynamicLLMPathExtractor, SchemaLLMPathExtractor

        extractors: list[Any] = [
            SchemaLLMPathExtractor(
                llm=self.llm,
                possible_entities=self.entities,
                possible_relations=self.relations,
                kg_validation_schema=self.schema,
                strict=bool(self.strict),
            )
        ]
        if not self.strict:
            extractors.append(
                DynamicLLMPathExtractor(
                    llm=self.llm, allowed_entity_types=self.entities, allowed_relation_types=self.relations
                )
            )
        return extractors
