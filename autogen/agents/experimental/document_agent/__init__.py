"""DocAgent and its parts: document ingestion (files, folders, URLs) and question answering over the documents."""

from .chroma_query_engine import VectorChromaCitationQueryEngine, VectorChromaQueryEngine
from .docling_doc_ingest_agent import DoclingDocIngestAgent
from .document_agent import DocAgent
from .document_utils import handle_input
from .inmemory_query_engine import InMemoryQueryEngine
from .parser_utils import docling_parse_docs

__all__ = [
    "DocAgent",
    "DoclingDocIngestAgent",
    "InMemoryQueryEngine",
    "VectorChromaCitationQueryEngine",
    "VectorChromaQueryEngine",
    "docling_parse_docs",
    "handle_input",
]
