"""`Document`: an input file (or URL) for building a knowledge graph, and its `DocumentType`."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum, auto
from typing import Any

__all__ = ["Document", "DocumentType"]


class DocumentType(Enum):
    """The kinds of documents the graph engines read."""

    TEXT = auto()
    HTML = auto()
    PDF = auto()
    JSON = auto()


@dataclass
class Document:
    """A document to put into a graph: its type, optional in-memory data, and its path or URL."""

    doctype: DocumentType
    data: Any | None = None
    path_or_url: str | None = ""
