from .deep_research import DeepResearchTool

__all__ = ["DeepResearchTool"]
