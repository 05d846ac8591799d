"""WikipediaAgent: an assistant that answers from Wikipedia."""

from .wikipedia import WikipediaAgent

__all__ = ["WikipediaAgent"]
