"""Where the documents to ingest are: local files and folders, or URLs downloaded into a folder first.

Web pages are fetched over HTTP as served (their JavaScript is not run); files behind a URL (.pdf, .md,
.docx...) are saved under a name with the right extension. Every download passes `validate_url` first.
"""

from __future__ import annotations

import logging
from enum import Enum
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from pydantic import BaseModel, Field

from ....import_utils import optional_import
from ....retrieve.documents import is_url as _looks_like_url
from .url_utils import ExtensionToFormat, InputFormat, URLAnalyzer, validate_url

__all__ = ["Ingest", "Query", "QueryType", "download_url", "handle_input", "is_url", "list_files", "preprocess_path"]

_logger = logging.getLogger(__name__)

_TEXT_EXTENSIONS = frozenset({".md", ".txt", ".csv", ".html", ".htm", ".xml", ".json", ".adoc"})
_DOWNLOAD_TIMEOUT = 30


class QueryType(Enum):
    """The kinds of question the document agent answers."""

    RAG_QUERY = "RAG_QUERY"


class Ingest(BaseModel):
    """One document (file, folder or URL) to ingest."""

    path_or_url: str = Field(description="The path or URL of the documents to ingest.")


class Query(BaseModel):
    """One question to answer from the ingested documents."""

    query_type: QueryType = Field(description="The type of query to perform for the Document Agent.")
    query: str = Field(description="The query to perform for the Document Agent.")


def is_url(url: str) -> bool:
    """True when ``url`` (surrounding spaces ignored) has a scheme and a host."""
    return isinstance(url, str) and _looks_like_url(url.strip())


def _requests() -> Any:
    return optional_import("requests", "rag", feature="Downloading documents")


def _text_of(response: Any) -> str:
    """The body as text: in the charset the server declares, else UTF-8 (requests would guess Latin-1)."""
    declared = "charset=" in response.headers.get("Content-Type", "").lower()
    return response.content.decode(response.encoding if declared else "utf-8", errors="replace")


def _download_rendered_html(url: str) -> str:
    """The HTML of the page at ``url`` (as served: scripts are not executed). Raises `UnsafeURLError`."""
    validate_url(url)
    response = _requests().get(url, timeout=_DOWNLOAD_TIMEOUT)
    response.raise_for_status()
    return _text_of(response)


def _get_extension_from_file_type(file_type: InputFormat, content_type: str = "") -> str:
    """A file extension (with dot) for ``file_type``; images take theirs from ``content_type``."""
    if file_type == InputFormat.IMAGE:
        for marker, ext in (("jpeg", ".jpeg"), ("jpg", ".jpeg"), ("png", ".png"), ("tiff", ".tiff"), ("bmp", ".bmp")):
            if marker in content_type:
                return ext
    if file_type != InputFormat.INVALID:
        for ext, fmt in ExtensionToFormat.items():  # the first extension listed for a format is its default
            if fmt == file_type:
                return f".{ext}"
    return ".bin"


def _is_valid_extension_for_file_type(extension: str, file_type: InputFormat) -> bool:
    """True when ``extension`` (dot optional) is one of ``file_type``'s extensions."""
    return ExtensionToFormat.get(extension.lstrip(".")) == file_type


def _download_file_name(url: str, final_url: str, file_type: Any, content_type: str) -> str:
    """A local file name for the download: the URL's own, with an extension that matches its format."""
    known_type = file_type if isinstance(file_type, InputFormat) else InputFormat.INVALID
    path = Path(urlparse(final_url).path)
    filename, suffix = path.name, path.suffix.lower()
    if not filename or not suffix:
        prefix = "image" if known_type == InputFormat.IMAGE else "download"
        filename = filename or f"{prefix}_{abs(hash(url)) % 10000}"
        return f"{filename}{_get_extension_from_file_type(known_type, content_type)}"
    if not isinstance(file_type, InputFormat) or not _is_valid_extension_for_file_type(suffix, file_type):
        return f"{Path(filename).stem}{_get_extension_from_file_type(known_type, content_type)}"
    return filename


def _download_binary_file(url: str, output_dir: Path) -> Path:
    """Download the file at ``url`` into ``output_dir`` and return its path.

    Raises `UnsafeURLError` for a refused host (also after redirects) and ValueError for a format that
    cannot be ingested.
    """
    validate_url(url)
    output_dir.mkdir(parents=True, exist_ok=True)
    analysis = URLAnalyzer(url).analyze(test_url=True, follow_redirects=True)
    final_url = analysis.get("final_url", url)
    validate_url(final_url)
    file_type = analysis.get("file_type")
    content_type = analysis.get("mime_type") or ""
    _logger.info("Downloading %s (final URL %s, %s, %s)", url, final_url, content_type, file_type)
    if file_type == InputFormat.INVALID:
        raise ValueError(f"File type is not supported: {analysis}")

    filepath = output_dir / _download_file_name(url, final_url, file_type, content_type)
    requests = _requests()
    if filepath.suffix.lower() in _TEXT_EXTENSIONS:
        response = requests.get(final_url, timeout=_DOWNLOAD_TIMEOUT)
        response.raise_for_status()
        filepath.write_text(_text_of(response), encoding="utf-8")
    else:
        response = requests.get(final_url, stream=True, timeout=_DOWNLOAD_TIMEOUT)
        response.raise_for_status()
        with open(filepath, "wb") as f:
            for block in response.iter_content(chunk_size=8192):
                if block:
                    f.write(block)
    return filepath


def download_url(url: Any, output_dir: str | Path | None = None) -> Path:
    """Download ``url`` into ``output_dir`` (default: the working folder) and return the saved file.

    Files (.pdf, .md, .docx, ...) are saved as they are; web pages are saved as ``.html``.
    """
    url = str(url)
    output_dir = Path(output_dir) if output_dir else Path()
    analysis = URLAnalyzer(url).analyze(test_url=True, follow_redirects=True)
    _logger.info("URL analysis result: %s", analysis)
    final_url = analysis.get("final_url", url)
    is_file = analysis.get("is_file", False)
    file_type = analysis.get("file_type")

    if is_file and file_type not in (InputFormat.HTML, InputFormat.INVALID):
        return _download_binary_file(url=final_url, output_dir=output_dir)
    if file_type == InputFormat.HTML or not is_file:
        html = _download_rendered_html(final_url)
        filename = Path(urlparse(final_url).path).name or "downloaded_content.html"
        if not filename.endswith(".html"):
            filename += ".html"
        filepath = output_dir / filename
        with open(file=filepath, mode="w", encoding="utf-8") as f:
            f.write(html)
        return filepath
    return _download_binary_file(url=final_url, output_dir=output_dir)


def list_files(directory: Path | str) -> list[Path]:
    """Every file under ``directory``, recursively; ValueError when it is not a folder."""
    path = Path(directory)
    if not path.is_dir():
        raise ValueError(f"The directory {directory} does not exist.")
    return sorted(f for f in path.rglob("*") if f.is_file())


def handle_input(input_path: Path | str, output_dir: Path | str = "./output") -> list[Path]:
    """The files behind ``input_path``: a URL (downloaded into ``output_dir``), a folder (all its files) or a file."""
    output_dir = preprocess_path(str_or_path=output_dir, is_dir=True, mk_path=True)
    if isinstance(input_path, str) and is_url(input_path):
        _logger.info("Detected URL. Downloading content...")
        return [download_url(url=input_path.strip(), output_dir=output_dir)]
    path = Path(input_path)
    if not path.exists():
        raise ValueError("The input provided does not exist.")
    if path.is_dir():
        return list_files(directory=path)
    if path.is_file():
        return [path]
    raise ValueError("The input provided is neither a URL, directory, nor a file path.")


def preprocess_path(str_or_path: Path | str, mk_path: bool = False, is_file: bool = False, is_dir: bool = True) -> Path:
    """``str_or_path`` as an absolute path; with ``mk_path`` the folder (or a file's parent) is created.

    An existing path is returned as is. Otherwise FileNotFoundError / NotADirectoryError tell that the
    file or folder is missing; ``is_file`` and ``is_dir`` together are a ValueError.
    """
    path = Path(str_or_path).absolute().resolve()
    if path.exists():
        return path
    if is_file and is_dir:
        raise ValueError("Path cannot be both a file and a directory.")
    if mk_path:
        if is_file:
            path.parent.mkdir(parents=True, exist_ok=True)
        elif is_dir:
            path.mkdir(parents=True, exist_ok=True)
    if is_file and not path.is_file():
        raise FileNotFoundError(f"File not found: {path}")
    if is_dir and not path.is_dir():
        raise NotADirectoryError(f"Directory not found: {path}")
    return path
