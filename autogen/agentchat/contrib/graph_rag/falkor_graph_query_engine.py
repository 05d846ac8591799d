"""`FalkorGraphQueryEngine`: a knowledge graph in FalkorDB, built and queried with the FalkorDB GraphRAG SDK.

Needs ``falkordb`` and ``graphrag_sdk`` (imported when the engine is built): ``pip install
"ag2[graph-rag-falkor-db]"``, and a running FalkorDB server.
"""

from __future__ import annotations

import os
import warnings
from typing import Any

from ....import_utils import optional_import
from .document import Document
from .graph_query_engine import GraphStoreQueryResult

__all__ = ["FalkorGraphQueryEngine"]

_EXTRA = "graph-rag-falkor-db"


class FalkorGraphQueryEngine:
    """A FalkorDB knowledge graph (GraphRAG SDK ``KnowledgeGraph``) whose ontology is kept in the
    database, in a graph named ``<name>_ontology``, so that `connect_db` can reopen it later."""

    def __init__(
        self,
        name: str,
        host: str = "127.0.0.1",
        port: int = 6379,
        username: str | None = None,
        password: str | None = None,
        model: Any = None,
        ontology: Any = None,
    ) -> None:
        """Connect to FalkorDB (the graph is built by `init_db` or opened by `connect_db`).

        Args:
            name: the knowledge graph's name.
            host: FalkorDB host.
            port: FalkorDB port.
            username: FalkorDB user name.
            password: FalkorDB password.
            model: the GraphRAG SDK ``GenerativeModel`` that builds and queries the graph (default OpenAI gpt-4o).
            ontology: the graph's ``Ontology``; None lets `init_db` derive one from the documents.
        """
        falkordb = optional_import("falkordb", _EXTRA, feature="FalkorGraphQueryEngine")
        model_config = optional_import("graphrag_sdk.model_config", _EXTRA, feature="FalkorGraphQueryEngine")
        if model is None:
            openai_models = optional_import("graphrag_sdk.models.openai", _EXTRA, feature="FalkorGraphQueryEngine")
            model = openai_models.OpenAiGenerativeModel("gpt-4o")
        self.name = name
        self.ontology_table_name = name + "_ontology"
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.model = model
        self.model_config = model_config.KnowledgeGraphModelConfig.with_model(self.model)
        self.ontology = ontology
        self.knowledge_graph: Any = None
        self.falkordb = falkordb.FalkorDB(host=host, port=port, username=username, password=password)

    def connect_db(self) -> None:
        """Open the existing graph with its stored ontology; ValueError when it does not exist."""
        if self.name not in self.falkordb.list_graphs():
            raise ValueError(f"Knowledge graph '{self.name}' does not exist")
        try:
            self.ontology = self._load_ontology_from_db()
        except Exception:  # noqa: BLE001 - an ontology given to the constructor may still do
            warnings.warn("Graph Ontology is not loaded.", stacklevel=2)
        if self.ontology is None:
            raise ValueError(f"Ontology of the knowledge graph '{self.name}' can't be None.")
        self._open_knowledge_graph()

    def init_db(self, input_doc: list[Document]) -> None:
        """Build the graph from the documents whose ``path_or_url`` is an existing file.

        The ontology is derived from them when none was given, and saved to ``<name>_ontology``;
        ValueError when no document can be read or the graph already exists.
        """
        from graphrag_sdk import Source
        from graphrag_sdk.ontology import Ontology

        sources = [Source(d.path_or_url) for d in input_doc if d.path_or_url and os.path.exists(d.path_or_url)]
        if not sources:
            raise ValueError("No input documents could be loaded.")
        if self.ontology is None:
            self.ontology = Ontology.from_sources(sources=sources, model=self.model)
        self._save_ontology_to_db(self.ontology)
        self._open_knowledge_graph()
        self.knowledge_graph.process_sources(sources)

    def _open_knowledge_graph(self) -> None:
        from graphrag_sdk import KnowledgeGraph

        self.knowledge_graph = KnowledgeGraph(
            name=self.name,
            host=self.host,
            port=self.port,
            username=self.username,
            password=self.password,
            model_config=self.model_config,
            ontology=self.ontology,
        )
        self._chat_session = self.knowledge_graph.chat_session()  # keeps the conversation history

    def add_records(self, new_records: list[Document]) -> bool:
        """Not supported by the FalkorDB GraphRAG SDK."""
        raise NotImplementedError("This method is not supported by FalkorDB SDK yet.")

    def query(self, question: str, n_results: int = 1, **kwargs: Any) -> GraphStoreQueryResult:
        """Ask the graph's chat session (which remembers earlier questions) ``question``."""
        if self.knowledge_graph is None:
            raise ValueError("Knowledge graph has not been selected or created.")
        response = self._chat_session.send_message(question)
        return GraphStoreQueryResult(answer=response["response"], results=[])

    def delete(self) -> bool:
        """Delete the graph and its ontology graph from the database; True."""
        graphs = self.falkordb.list_graphs()
        for graph_name in (self.name, self.ontology_table_name):
            if graph_name in graphs:
                self.falkordb.select_graph(graph_name).delete()
        return True

    def _save_ontology_to_db(self, ontology: Any) -> None:
        """Store ``ontology`` in the ``<name>_ontology`` graph; ValueError when the graph already exists."""
        if self.ontology_table_name in self.falkordb.list_graphs():
            raise ValueError(f"Knowledge graph {self.name} is already created.")
        ontology.save_to_graph(self.falkordb.select_graph(self.ontology_table_name))

    def _load_ontology_from_db(self) -> Any:
        """The ontology stored in ``<name>_ontology``; ValueError when there is none."""
        from graphrag_sdk.ontology import Ontology

        if self.ontology_table_name not in self.falkordb.list_graphs():
            raise ValueError(f"Knowledge graph {self.name} has not been created.")
        return Ontology.from_schema_graph(self.falkordb.select_graph(self.ontology_table_name))
