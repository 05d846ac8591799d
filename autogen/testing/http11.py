"""The small slice of HTTP/1.1 the fake LLM server needs: read one request, format one response."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

__all__ = ["HTTPError", "RawRequest", "error_body", "format_response", "read_request"]

_MAX_HEADER_BYTES = 1 << 20


class HTTPError(Exception):
    """A request the server cannot read; answered with ``status`` and the connection is then closed."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass
class RawRequest:
    """One parsed HTTP request."""

    method: str
    path: str
    query: str
    version: str
    headers: dict[str, str]
    body: bytes

    @property
    def keep_alive(self) -> bool:
        """Whether the client wants the connection kept open after the response."""
        conn = self.headers.get("connection", "").lower()
        if self.version == "HTTP/1.0":
            return "keep-alive" in conn
        return "close" not in conn


async def read_request(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> RawRequest | None:
    """Read the next request from a connection, or None when the client closed it between requests."""
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError as e:
        if e.partial.strip():
            raise HTTPError(400, "Incomplete HTTP request head.") from None
        return None
    except asyncio.LimitOverrunError:
        raise HTTPError(431, "Request headers are too large.") from None
    lines = head[:-4].decode("latin-1").split("\r\n")
    try:
        method, target, version = lines[0].split(" ")
    except ValueError:
        raise HTTPError(400, f"Malformed request line {lines[0]!r}.") from None
    if not version.startswith("HTTP/1."):
        raise HTTPError(505, f"Only HTTP/1.x is supported, got {version!r}.")
    headers: dict[str, str] = {}
    for line in lines[1:]:
        name, sep, value = line.partition(":")
        if not sep:
            raise HTTPError(400, f"Malformed header line {line!r}.")
        name, value = name.strip().lower(), value.strip()
        headers[name] = f"{headers[name]}, {value}" if name in headers else value
    path, _, query = target.partition("?")

    if headers.get("expect", "").lower() == "100-continue":
        writer.write(b"HTTP/1.1 100 Continue\r\n\r\n")
    if "chunked" in headers.get("transfer-encoding", "").lower():
        body = await _read_chunked(reader)
    else:
        try:
            length = int(headers.get("content-length", "0"))
        except ValueError:
            raise HTTPError(400, "Content-Length is not a number.") from None
        if length < 0:
            raise HTTPError(400, "Content-Length is negative.")
        try:
            body = await reader.readexactly(length) if length else b""
        except asyncio.IncompleteReadError:
            raise HTTPError(400, "The connection closed before the whole body was sent.") from None
    return RawRequest(method.upper(), path, query, version, headers, body)


async def _read_chunked(reader: asyncio.StreamReader) -> bytes:
    parts: list[bytes] = []
    try:
        while True:
            size_line = await reader.readuntil(b"\r\n")
            try:
                size = int(size_line.split(b";", 1)[0].strip(), 16)
            except ValueError:
                raise HTTPError(400, "Malformed chunk size in a chunked request body.") from None
            if size == 0:
                # Skip optional trailers up to the blank line that ends the body.
                while (await reader.readuntil(b"\r\n")) != b"\r\n":
                    pass
                return b"".join(parts)
            parts.append(await reader.readexactly(size))
            await reader.readexactly(2)
    except (asyncio.IncompleteReadError, asyncio.LimitOverrunError):
        raise HTTPError(400, "The connection closed inside a chunked request body.") from None


def format_response(
    status: int,
    body: bytes,
    *,
    content_type: str = "application/json",
    keep_alive: bool = True,
    headers: dict[str, str] | None = None,
    chunked: bool = False,
) -> bytes:
    """The bytes of a whole HTTP/1.1 response; with ``chunked`` the body must already be chunk-encoded."""
    try:
        reason = HTTPStatus(status).phrase
    except ValueError:
        reason = "Error"
    lines = [f"HTTP/1.1 {status} {reason}", f"content-type: {content_type}"]
    lines.append("transfer-encoding: chunked" if chunked else f"content-length: {len(body)}")
    lines.append("connection: keep-alive" if keep_alive else "connection: close")
    for name, value in (headers or {}).items():
        lines.append(f"{name}: {value}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


_ERROR_TYPES = {
    400: ("invalid_request_error", None),
    401: ("authentication_error", "invalid_api_key"),
    403: ("permission_error", None),
    404: ("not_found_error", None),
    408: ("timeout_error", None),
    409: ("conflict_error", None),
    422: ("invalid_request_error", None),
    429: ("requests", "rate_limit_exceeded"),
}


def error_body(status: int, message: str, *, code: str | None = None, param: str | None = None) -> bytes:
    """An OpenAI-shaped error JSON body: ``{"error": {"message", "type", "param", "code"}}``."""
    err_type, default_code = _ERROR_TYPES.get(status, ("server_error" if status >= 500 else "api_error", None))
    payload: dict[str, Any] = {
        "error": {"message": message, "type": err_type, "param": param, "code": code or default_code}
    }
    return json.dumps(payload).encode()
