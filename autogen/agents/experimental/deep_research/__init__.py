from .deep_research import DeepResearchAgent

__all__ = ["DeepResearchAgent"]
