from .tinyfish_tool import TinyFishFetchTool, TinyFishSearchTool, TinyFishTool

__all__ = ["TinyFishFetchTool", "TinyFishSearchTool", "TinyFishTool"]
