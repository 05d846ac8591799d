"""File edits for the Responses API's hosted ``apply_patch`` tool."""

from .apply_patch_tool import PatchEditor, WorkspaceEditor, apply_diff

__all__ = ["PatchEditor", "WorkspaceEditor", "apply_diff"]
