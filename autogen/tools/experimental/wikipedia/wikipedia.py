"""Wikipedia tools (package ``wikipedia-api``, extra ``wikipedia``).

The constructors check the package; querying Wikipedia is not implemented in this version
(NotImplementedError when the package is installed).
"""

from __future__ import annotations

from ...tool import Tool
from .._external import not_here, require_package

__all__ = ["WikipediaPageLoadTool", "WikipediaQueryRunTool"]


class WikipediaQueryRunTool(Tool):
    """Search Wikipedia and return the summaries of the ``top_k`` best pages."""

    def __init__(self, language: str = "en", top_k: int = 3, verbose: bool = False) -> None:
        require_package("wikipediaapi", "wikipedia", "WikipediaQueryRunTool")
        raise not_here("WikipediaQueryRunTool")


class WikipediaPageLoadTool(Tool):
    """Search Wikipedia and return the ``top_k`` best pages' text, each cut at ``truncate`` characters."""

    def __init__(self, language: str = "en", top_k: int = 3, truncate: int = 4000, verbose: bool = False) -> None:
        require_package("wikipediaapi", "wikipedia", "WikipediaPageLoadTool")
        raise not_here("WikipediaPageLoadTool")
