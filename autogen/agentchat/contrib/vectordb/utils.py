"""Legacy import path: `autogen.retrieve.vectordb.utils`."""

from ....retrieve.vectordb.utils import chroma_results_to_query_results, filter_results_by_distance, get_logger

__all__ = ["chroma_results_to_query_results", "filter_results_by_distance", "get_logger"]
