"""`Neo4jNativeGraphQueryEngine`: a knowledge graph built and queried with the Neo4j GraphRAG SDK.

An LLM extracts entities and relations from text or PDF documents into Neo4j (``SimpleKGPipeline``),
chunks get a vector index, and questions are answered by ``GraphRAG`` over a vector retriever. Needs
``neo4j`` and ``neo4j_graphrag`` (imported when the engine is built): ``pip install "ag2[neo4j]"``, and a
running Neo4j server.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from ....import_utils import optional_import
from .document import Document, DocumentType
from .graph_query_engine import GraphStoreQueryResult

__all__ = ["Neo4jNativeGraphQueryEngine"]

logger = logging.getLogger(__name__)

_EXTRA = "neo4j"


def _need(module: str) -> Any:
    return optional_import(module, _EXTRA, feature="Neo4jNativeGraphQueryEngine")


class Neo4jNativeGraphQueryEngine:
    """Build a knowledge graph in Neo4j from documents and answer questions from it (Neo4j GraphRAG SDK)."""

    def __init__(
        self,
        host: str = "neo4j://localhost",
        port: int = 7687,
        username: str = "neo4j",
        password: str = "password",
        embeddings: Any = None,
        embedding_dimension: int | None = 3072,
        llm: Any = None,
        query_llm: Any = None,
        entities: list[str] | None = None,
        relations: list[str] | None = None,
        potential_schema: list[tuple[str, str, str]] | None = None,
    ) -> None:
        """Create the Neo4j driver (it connects on first use).

        Args:
            host: Neo4j URL without the port.
            port: Neo4j port.
            username: Neo4j user name.
            password: Neo4j password.
            embeddings: the ``Embedder`` for chunks and questions (default OpenAI text-embedding-3-large).
            embedding_dimension: the embeddings' dimension (for the vector index).
            llm: the ``LLMInterface`` that builds the graph (JSON answers; default OpenAI gpt-4o).
            query_llm: the ``LLMInterface`` that answers questions (default OpenAI gpt-4o).
            entities: entity types that guide the extraction.
            relations: relation types that guide the extraction.
            potential_schema: (entity, relation, entity) triplets that guide the extraction.
        """
        neo4j = _need("neo4j")
        _need("neo4j_graphrag")
        self.uri = f"{host}:{port}"
        self.driver = neo4j.GraphDatabase.driver(self.uri, auth=(username, password))
        if embeddings is None:
            embeddings = _need("neo4j_graphrag.embeddings").OpenAIEmbeddings(model="text-embedding-3-large")
        self.embeddings = embeddings
        self.embedding_dimension = embedding_dimension
        if llm is None or query_llm is None:
            openai_llm = _need("neo4j_graphrag.llm.openai_llm").OpenAILLM
            llm = llm or openai_llm(
                model_name="gpt-4o", model_params={"response_format": {"type": "json_object"}, "temperature": 0}
            )
            query_llm = query_llm or openai_llm(model_name="gpt-4o", model_params={"temperature": 0})
        self.llm = llm
        self.query_llm = query_llm
        self.entities = entities
        self.relations = relations
        self.potential_schema = potential_schema

    def init_db(self, input_doc: list[Document] | None = None) -> None:
        """Empty the database, build the graph from the one document given and index its chunks.

        ValueError when no document or more than one is given.
        """
        if not input_doc:
            raise ValueError("Input document is required to initialize the database.")
        if len(input_doc) > 1:
            raise ValueError("Only the first document will be used to initialize the database.")
        self._clear_db()
        self._initialize_kg_builders()
        self._build_graph(input_doc)
        self.index_name = "vector-index-name"
        self._create_index(self.index_name)

    def add_records(self, new_records: list[Document]) -> bool:
        """Add the documents to the graph; True. ValueError for anything that is not a `Document`."""
        if any(not isinstance(record, Document) for record in new_records):
            raise ValueError("Invalid record type. Expected Document.")
        self._build_graph(new_records)
        return True

    def query(self, question: str) -> GraphStoreQueryResult:
        """Answer ``question`` from the 5 nearest chunks and their graph neighbourhood."""
        from neo4j_graphrag.generation import GraphRAG
        from neo4j_graphrag.retrievers import VectorRetriever

        self.retriever = VectorRetriever(driver=self.driver, index_name=self.index_name, embedder=self.embeddings)
        rag = GraphRAG(retriever=self.retriever, llm=self.query_llm)
        result = rag.search(query_text=question, retriever_config={"top_k": 5})
        return GraphStoreQueryResult(answer=result.answer)

    def _create_index(self, name: str) -> None:
        """Create the vector index ``name`` on the ``embedding`` of ``Chunk`` nodes."""
        from neo4j_graphrag.indexes import create_vector_index

        logger.info("Creating vector index '%s'...", name)
        create_vector_index(
            self.driver,
            name=name,
            label="Chunk",
            embedding_property="embedding",
            dimensions=self.embedding_dimension,
            similarity_fn="euclidean",
        )

    def _clear_db(self) -> None:
        """Delete every node and relationship."""
        logger.info("Clearing all nodes and relationships in the database...")
        self.driver.execute_query("MATCH (n) DETACH DELETE n;")

    def _initialize_kg_builders(self) -> None:
        """One extraction pipeline for text and one for PDF files."""
        from neo4j_graphrag.experimental.pipeline.kg_builder import SimpleKGPipeline

        def pipeline(from_pdf: bool) -> Any:
            return SimpleKGPipeline(
                driver=self.driver,
                embedder=self.embeddings,
                llm=self.llm,
                entities=self.entities,
                relations=self.relations,
                potential_schema=self.potential_schema,
                on_error="IGNORE",
                from_pdf=from_pdf,
            )

        self.text_kg_builder = pipeline(from_pdf=False)
        self.pdf_kg_builder = pipeline(from_pdf=True)

    def _build_graph(self, input_doc: list[Document]) -> None:
        """Run the text or PDF pipeline on each document (a local path); ValueError for other types."""
        for doc in input_doc:
            if doc.doctype == DocumentType.TEXT:
                with open(doc.path_or_url) as file:  # type: ignore[arg-type]
                    text = file.read()
                asyncio.run(self.text_kg_builder.run_async(text=text))
            elif doc.doctype == DocumentType.PDF:
                asyncio.run(self.pdf_kg_builder.run_async(file_path=doc.path_or_url))
            else:
                raise ValueError(f"Unsupported document type: {doc.doctype}")
        logger.info("Knowledge graph built successfully.")
