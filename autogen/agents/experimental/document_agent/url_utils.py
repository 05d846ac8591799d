"""What a URL points at (a web page or a file of some format), found from its extension and a HEAD request,
and the guard that keeps document downloads off private hosts (SSRF).

Hosts on private networks (loopback, RFC 1918, link-local, ...) are refused unless the environment variable
``AG2_ALLOW_PRIVATE_URLS`` is ``1``/``true`` (e.g. to ingest documents from an intranet or a local server).
"""

from __future__ import annotations

import ipaddress
import os
import socket
from enum import Enum
from typing import Any, ClassVar
from urllib.parse import urlparse

from ....import_utils import optional_import

__all__ = ["ExtensionToFormat", "InputFormat", "URLAnalyzer", "UnsafeURLError", "validate_url"]

_ALLOWED_URL_SCHEMES = frozenset({"http", "https"})
ALLOW_PRIVATE_URLS_ENV = "AG2_ALLOW_PRIVATE_URLS"


class UnsafeURLError(ValueError):
    """A well-formed URL that must not be fetched (a disallowed scheme or a non-public address)."""


def _private_hosts_allowed() -> bool:
    return os.environ.get(ALLOW_PRIVATE_URLS_ENV, "").strip().lower() in ("1", "true", "yes")


def _is_non_public(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    return ip.is_loopback or ip.is_link_local or ip.is_private or ip.is_multicast or ip.is_reserved or ip.is_unspecified


def validate_url(url: str) -> None:
    """Refuse URLs that a document download must not follow.

    Raises ``UnsafeURLError`` for a scheme other than http/https, or when any address the host resolves to
    is not public (loopback, private, link-local such as cloud metadata, multicast, reserved, unspecified);
    set ``AG2_ALLOW_PRIVATE_URLS=1`` to allow non-public hosts. Raises a plain ``ValueError`` for a URL
    without host or a host that does not resolve. DNS rebinding is not prevented: this is a best-effort guard.
    """
    parsed = urlparse(url.strip())
    scheme = parsed.scheme.lower()
    if scheme not in _ALLOWED_URL_SCHEMES:
        raise UnsafeURLError(f"URL scheme not allowed: {scheme!r} (allowed: http, https)")
    host = parsed.hostname
    if not host:
        raise ValueError(f"URL has no hostname: {url!r}")
    try:
        infos = socket.getaddrinfo(host, None)
    except socket.gaierror as e:
        raise ValueError(f"Cannot resolve host {host!r}: {e}") from e
    if _private_hosts_allowed():
        return
    for info in infos:
        try:
            ip = ipaddress.ip_address(info[4][0])
        except ValueError:
            continue
        if _is_non_public(ip):
            raise UnsafeURLError(
                f"URL resolves to non-public IP {ip} (host={host!r}): {url!r}. "
                f"Set {ALLOW_PRIVATE_URLS_ENV}=1 to allow hosts on private networks."
            )


class InputFormat(Enum):
    """The document formats a URL or file can be (``INVALID``: unsupported, or the URL failed)."""

    DOCX = "docx"
    PPTX = "pptx"
    HTML = "html"
    XML = "xml"
    IMAGE = "image"
    PDF = "pdf"
    ASCIIDOC = "asciidoc"
    MD = "md"
    CSV = "csv"
    XLSX = "xlsx"
    JSON = "json"
    INVALID = "invalid"


def _formats(fmt: InputFormat, *extensions: str) -> dict[str, InputFormat]:
    return dict.fromkeys(extensions, fmt)


ExtensionToFormat: dict[str, InputFormat] = {
    **_formats(InputFormat.DOCX, "docx", "dotx", "docm", "dotm"),
    **_formats(InputFormat.PPTX, "pptx", "potx", "ppsx", "pptm", "potm", "ppsm"),
    **_formats(InputFormat.XLSX, "xlsx"),
    **_formats(InputFormat.HTML, "html", "htm", "xhtml"),
    # .txt is read as XML/plain text, as docling's own table does.
    **_formats(InputFormat.XML, "xml", "nxml", "txt"),
    **_formats(InputFormat.IMAGE, "png", "jpg", "jpeg", "tiff", "tif", "bmp"),
    **_formats(InputFormat.PDF, "pdf"),
    **_formats(InputFormat.ASCIIDOC, "adoc", "asciidoc", "asc"),
    **_formats(InputFormat.MD, "md", "markdown"),
    **_formats(InputFormat.CSV, "csv"),
    **_formats(InputFormat.JSON, "json"),
    **_formats(InputFormat.INVALID, "doc", "ppt", "xls", "gif"),
}
"""File extension (lower case, no dot) -> format; ``INVALID`` marks known but unsupported extensions."""


def _invalid(error: str, **extra: Any) -> dict[str, Any]:
    return {"is_file": False, "file_type": InputFormat.INVALID, "mime_type": None, "error": error, **extra}


class URLAnalyzer:
    """Tells whether a URL is a web page or a file, and which format, from its extension and its headers."""

    FormatToMimeType: ClassVar[dict[InputFormat, list[str]]] = {
        InputFormat.DOCX: [
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.template",
        ],
        InputFormat.PPTX: [
            "application/vnd.openxmlformats-officedocument.presentationml.template",
            "application/vnd.openxmlformats-officedocument.presentationml.slideshow",
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        ],
        InputFormat.HTML: ["text/html", "application/xhtml+xml"],
        InputFormat.XML: ["application/xml", "text/xml", "text/plain"],
        InputFormat.IMAGE: ["image/png", "image/jpeg", "image/tiff", "image/gif", "image/bmp"],
        InputFormat.PDF: ["application/pdf"],
        InputFormat.ASCIIDOC: ["text/asciidoc"],
        InputFormat.MD: ["text/markdown", "text/x-markdown"],
        InputFormat.CSV: ["text/csv"],
        InputFormat.XLSX: ["application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"],
        InputFormat.JSON: ["application/json"],
    }
    MimeTypeToFormat: ClassVar[dict[str, InputFormat]] = {}
    for _fmt, _mimes in FormatToMimeType.items():
        for _mime in _mimes:
            MimeTypeToFormat.setdefault(_mime, _fmt)
    del _fmt, _mimes, _mime

    def __init__(self, url: str) -> None:
        self.url = url
        self.analysis_result: dict[str, Any] | None = None
        self.final_url: str | None = None
        self.redirect_chain: list[str] = []

    def analyze(
        self, test_url: bool = False, follow_redirects: bool = True, prioritize_extension: bool = True
    ) -> dict[str, Any]:
        """Analyse the URL: by extension, and with ``test_url`` also by a request (Content-Type, redirects).

        With ``prioritize_extension`` a recognised extension decides the file type even when the server's
        MIME type says otherwise (the MIME type is still reported).
        """
        result: dict[str, Any] = {
            "url": self.url,
            "is_file": False,
            "file_type": None,
            "mime_type": None,
            "method": "extension_analysis",
            "redirects": False,
            "redirect_count": 0,
            "final_url": self.url,
        }
        by_extension = self._analyze_by_extension(self.url)
        if by_extension["is_file"]:
            result.update(by_extension)

        if test_url:
            by_request = self._analyze_by_request(follow_redirects)
            if by_request:
                if self.final_url and self.final_url != self.url:
                    result.update(
                        redirects=True,
                        redirect_count=len(self.redirect_chain),
                        redirect_chain=self.redirect_chain,
                        final_url=self.final_url,
                    )
                    final_by_extension = self._analyze_by_extension(self.final_url)
                    if final_by_extension["is_file"]:
                        if prioritize_extension:
                            mime_type = by_request.get("mime_type")
                            by_request.update(final_by_extension)
                            if mime_type:
                                by_request["mime_type"] = mime_type
                        elif not by_request.get("file_type"):
                            by_request.update(final_by_extension)
                if (
                    prioritize_extension
                    and result.get("extension")
                    and result.get("file_type")
                    and by_request.get("mime_type")
                ):
                    by_request["file_type"] = result["file_type"]
                    by_request["is_file"] = True
                result.update(by_request)
                result["method"] = "request_analysis"

        self.analysis_result = result
        return result

    def _analyze_by_extension(self, url: str) -> dict[str, Any]:
        """The file type the URL's path extension names (``is_file`` False when there is none we know)."""
        path = urlparse(url).path.lower()
        if "." in path:
            extension = path.rsplit(".", 1)[-1]
            if extension in ExtensionToFormat:
                return {"is_file": True, "file_type": ExtensionToFormat[extension], "extension": extension}
        return {"is_file": False, "file_type": None, "extension": None}

    def _request_head(self, allow_redirects: bool) -> Any:
        """HEAD the URL (GET without reading the body when the server refuses HEAD with 405)."""
        requests = optional_import("requests", "rag", feature="Analysing URLs")
        response = requests.head(self.url, allow_redirects=allow_redirects, timeout=5)
        if response.status_code == 405:
            response = requests.get(self.url, allow_redirects=allow_redirects, timeout=5, stream=True)
            response.close()
        # Every redirect hop and the final address must pass the guard too.
        for hop in getattr(response, "history", None) or []:
            validate_url(hop.url)
        validate_url(response.url)
        return response

    def _record_redirects(self, response: Any) -> None:
        history = getattr(response, "history", None) or []
        if history:
            self.redirect_chain = [hop.url for hop in history]
            self.final_url = response.url
        else:
            self.redirect_chain = []
            self.final_url = self.url

    def _analyze_by_request(self, follow_redirects: bool = True) -> dict[str, Any] | None:
        """Analyse the URL from the Content-Type of a HEAD request; network failures give ``INVALID``.

        Raises ``UnsafeURLError`` when the URL or a redirect leads to a refused host.
        """
        requests = optional_import("requests", "rag", feature="Analysing URLs")
        self.redirect_chain = []
        try:
            validate_url(self.url)
            response = self._request_head(follow_redirects)
            if response.status_code >= 400:
                return _invalid(f"HTTP error: {response.status_code}", status_code=response.status_code)
            self._record_redirects(response)
            content_type = response.headers.get("Content-Type", "").split(";")[0].strip()
            format_type = self.MimeTypeToFormat.get(content_type)
            if format_type:
                return {"is_file": True, "file_type": format_type, "mime_type": content_type}
            return {"is_file": True, "file_type": "unknown", "mime_type": content_type}
        except UnsafeURLError:
            raise
        except requests.exceptions.TooManyRedirects:
            return _invalid("Too many redirects", redirects=True)
        except requests.exceptions.ConnectionError:
            return _invalid("Connection error - URL may be invalid or server unavailable")
        except requests.exceptions.Timeout:
            return _invalid("Request timed out")
        except requests.exceptions.InvalidURL:
            return _invalid("Invalid URL format")
        except Exception as e:  # noqa: BLE001 - any other failure makes the URL unusable, not the caller's crash
            return _invalid(str(e))

    def get_result(self) -> dict[str, Any] | None:
        """The last analysis, or None before `analyze` ran."""
        return self.analysis_result

    def get_redirect_info(self) -> dict[str, Any]:
        """Redirects seen by the last request (none before a request was made)."""
        final = self.final_url or self.url
        return {
            "redirects": self.url != final,
            "redirect_count": len(self.redirect_chain) if self.final_url else 0,
            "original_url": self.url,
            "final_url": final,
            "redirect_chain": self.redirect_chain if self.final_url else [],
        }

    def follow_redirects(self) -> tuple[str, list[str]]:
        """Follow the URL's redirects: ``(final_url, redirect_chain)``; the URL itself when the request fails.

        Raises ``UnsafeURLError`` when the URL or a redirect leads to a refused host.
        """
        validate_url(self.url)
        try:
            response = self._request_head(True)
        except UnsafeURLError:
            raise
        except Exception:  # noqa: BLE001 - unreachable: report the URL as its own destination
            return self.url, []
        self._record_redirects(response)
        return self.final_url or self.url, self.redirect_chain

    @classmethod
    def get_supported_formats(cls) -> list[InputFormat]:
        """The formats a URL can be recognised as."""
        return list(cls.FormatToMimeType)

    @classmethod
    def get_supported_mime_types(cls) -> list[str]:
        """Every MIME type that maps to a format."""
        return list(cls.MimeTypeToFormat)

    @classmethod
    def get_supported_extensions(cls) -> list[str]:
        """Every known extension (unsupported ones, mapped to ``INVALID``, included)."""
        return list(ExtensionToFormat)
