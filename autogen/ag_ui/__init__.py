"""AG2 agents as AG-UI event streams (extra ``ag2[ag-ui]``): ``AGUIStream(agent)``.

Not imported by ``import autogen``.
"""

from ..import_utils import optional_import

optional_import("ag_ui.core", "ag-ui", feature="autogen.ag_ui")

from ag_ui.core import RunAgentInput

from .adapter import AGUIStream

__all__ = ("AGUIStream", "RunAgentInput")
