"""The Responses API's ``apply_patch`` tool: V4A file edits run inside a workspace."""

from .apply_patch_tool import ApplyPatchTool, PatchEditor, WorkspaceEditor, apply_diff

__all__ = ["ApplyPatchTool", "PatchEditor", "WorkspaceEditor", "apply_diff"]
