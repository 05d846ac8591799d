"""The Starlette endpoint serving an `AGUIStream` over HTTP (SSE)."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING

from ag_ui.core import RunAgentInput
from ag_ui.encoder import EventEncoder
from pydantic import ValidationError

from ..import_utils import optional_import

optional_import("starlette", "ag-ui", feature="AGUIStream.build_asgi")

from starlette.endpoints import HTTPEndpoint
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse

if TYPE_CHECKING:
    from .adapter import AGUIStream

__all__ = ["build_asgi"]

logger = logging.getLogger(__name__)


def build_asgi(stream: AGUIStream) -> type[HTTPEndpoint]:
    """An endpoint class answering ``POST`` with the events of one run of ``stream``'s agent."""

    async def body(events: AsyncIterator[str]) -> AsyncIterator[str]:
        try:
            async for chunk in events:
                yield chunk
        except Exception:  # already sent to the client as RUN_ERROR; end the response cleanly
            logger.exception("AG-UI run failed")

    class AGUIEndpoint(HTTPEndpoint):
        async def post(self, request: Request) -> Response:
            try:
                run_input = RunAgentInput.model_validate_json(await request.body())
            except ValidationError as e:
                return JSONResponse({"error": "invalid RunAgentInput", "detail": e.errors(include_url=False)}, 422)
            accept = request.headers.get("accept")
            return StreamingResponse(
                body(stream.dispatch(run_input, accept=accept)),
                media_type=EventEncoder(accept=accept).get_content_type(),  # type: ignore[arg-type]
                headers={"Cache-Control": "no-cache"},
            )

    return AGUIEndpoint
