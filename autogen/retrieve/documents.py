"""Find documents (files, folders, globs, URLs) and read their text, one piece at a time.

Text files are streamed line by line so a multi-GB log never sits in memory whole; PDF pages and DOCX
paragraphs are read one by one. A file that cannot be read raises `DocumentReadError` naming it;
`split_files_to_chunks` turns that into a logged skip so the other files still get indexed.
"""

from __future__ import annotations

import glob
import hashlib
import logging
import os
import re
from collections.abc import Iterator
from urllib.parse import urlparse

__all__ = [
    "TEXT_FORMATS",
    "UNSTRUCTURED_FORMATS",
    "DocumentFetchError",
    "DocumentReadError",
    "extract_text_from_pdf",
    "get_file_from_url",
    "get_files_from_dir",
    "is_url",
    "iter_document_lines",
    "parse_html_to_markdown",
    "read_document",
]

logger = logging.getLogger(__name__)

TEXT_FORMATS = [
    "txt", "json", "csv", "tsv", "md", "html", "htm", "rtf", "rst", "jsonl",
    "log", "xml", "yaml", "yml", "pdf", "mdx",
]  # fmt: skip
UNSTRUCTURED_FORMATS = ["doc", "docx", "epub", "msg", "odt", "org", "pdf", "ppt", "pptx", "rtf", "rst", "xlsx"]
"""Formats the optional `unstructured` package can read; added to TEXT_FORMATS when it is installed."""

# Read by a parser of our own whatever else is installed.
_DOCX_FORMATS = {"docx"}
_HTML_FORMATS = {"html", "htm"}
_BINARY_SNIFF_BYTES = 8192


def _has_unstructured() -> bool:
    import importlib.util

    return importlib.util.find_spec("unstructured") is not None


if _has_unstructured():  # pragma: no cover - depends on an optional package
    TEXT_FORMATS = sorted(set(TEXT_FORMATS) | set(UNSTRUCTURED_FORMATS))


class DocumentReadError(ValueError):
    """A document could not be read (corrupt, encrypted, binary of an unknown format...)."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"Could not read {path}: {reason}")
        self.path = path
        self.reason = reason


class DocumentFetchError(ConnectionError):
    """A URL given as a document could not be downloaded."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(
            f"Could not download {url}: {reason}. Check the address (and that the server is up), "
            "or remove it from docs_path."
        )
        self.url = url
        self.reason = reason


# ---------------------------------------------------------------------------- locating documents


def is_url(string: str) -> bool:
    """True when ``string`` looks like an absolute URL (has a scheme and a host)."""
    if not isinstance(string, str):
        return False
    try:
        parsed = urlparse(string)
    except ValueError:
        return False
    return bool(parsed.scheme and parsed.netloc)


def _normalise_types(types: list[str]) -> set[str]:
    if not types:
        raise ValueError("types cannot be empty: give the file extensions to look for, e.g. ['md', 'txt'].")
    return {t.lower().lstrip(".") for t in types}


def _has_glob_magic(path: str) -> bool:
    return any(ch in path for ch in "*?[")


def _files_in_dir(dir_path: str, wanted: set[str], recursive: bool) -> list[str]:
    found: list[str] = []
    if recursive:
        for root, dirs, names in os.walk(dir_path):
            dirs.sort()
            for name in sorted(names):
                if os.path.splitext(name)[1][1:].lower() in wanted:
                    found.append(os.path.join(root, name))
    else:
        for name in sorted(os.listdir(dir_path)):
            full = os.path.join(dir_path, name)
            if os.path.isfile(full) and os.path.splitext(name)[1][1:].lower() in wanted:
                found.append(full)
    return found


def get_files_from_dir(
    dir_path: str | list[str], types: list[str] = TEXT_FORMATS, recursive: bool = True
) -> list[str | tuple[str, str]]:
    """List the documents under ``dir_path``: a folder, a file, a glob pattern, a URL, or a list of them.

    Folders are searched (recursively by default) for files whose extension is in ``types`` (any case).
    A URL is downloaded and returned as a ``(local_path, url)`` tuple. A missing folder raises ValueError;
    inside a list, missing items are logged and skipped. An unreachable URL raises `DocumentFetchError`.
    """
    wanted = _normalise_types(types)
    if isinstance(dir_path, (list, tuple)):
        files: list[str | tuple[str, str]] = []
        for item in dir_path:
            if isinstance(item, str) and not is_url(item) and not os.path.exists(item) and not _has_glob_magic(item):
                logger.warning("Document path %s does not exist. Skipping it.", item)
                continue
            files.extend(get_files_from_dir(item, types, recursive))
        return files

    if not isinstance(dir_path, (str, os.PathLike)):
        raise TypeError(f"docs_path must be a path, a URL or a list of them, not {type(dir_path).__name__}.")
    dir_path = os.fspath(dir_path)
    if is_url(dir_path):
        return [get_file_from_url(dir_path)]
    if os.path.isfile(dir_path):
        return [dir_path]
    if os.path.isdir(dir_path):
        files_found = _files_in_dir(dir_path, wanted, recursive)
        if not files_found:
            logger.warning("No documents of types %s found in %s.", sorted(wanted), dir_path)
        return list(files_found)
    if _has_glob_magic(dir_path):
        matches = sorted(p for p in glob.glob(dir_path, recursive=True) if os.path.isfile(p))
        if not matches:
            logger.warning("The pattern %s matches no file.", dir_path)
        return list(matches)
    raise ValueError(f"Directory {dir_path} does not exist. Check docs_path (a folder, file, glob, URL or a list).")


# ---------------------------------------------------------------------------- URLs


def _file_name_from_url(url: str, is_html: bool) -> str:
    parsed = urlparse(url)
    base = os.path.basename(parsed.path.rstrip("/")) or "index"
    base = re.sub(r"[^A-Za-z0-9._-]", "_", base)[:100]
    digest = hashlib.blake2b(url.encode("utf-8"), digest_size=4).hexdigest()
    stem, ext = os.path.splitext(base)
    host = re.sub(r"[^A-Za-z0-9._-]", "_", parsed.netloc)
    if is_html:
        return f"{host}_{stem}_{digest}.md"
    return f"{host}_{stem}_{digest}{ext}"


def get_file_from_url(url: str, save_path: str | None = None, timeout: float = 30.0) -> tuple[str, str]:
    """Download ``url`` and return ``(local_path, url)``; HTML pages are saved converted to Markdown.

    ``save_path`` is a folder (default ``tmp/chromadb``) or a file path. Raises `DocumentFetchError`
    when the URL cannot be fetched.
    """
    import urllib.error
    import urllib.request

    request = urllib.request.Request(url, headers={"User-Agent": "ag2-retrieve/1.0"})
    try:
        response = urllib.request.urlopen(request, timeout=timeout)
    except urllib.error.HTTPError as e:
        raise DocumentFetchError(url, f"HTTP {e.code} {e.reason}") from e
    except (urllib.error.URLError, OSError, ValueError) as e:
        reason = getattr(e, "reason", e)
        raise DocumentFetchError(url, str(reason)) from e

    with response:
        content_type = response.headers.get("Content-Type", "")
        is_html = "text/html" in content_type
        if save_path is None:
            save_path = os.path.join("tmp", "chromadb")
            os.makedirs(save_path, exist_ok=True)
        if os.path.isdir(save_path):
            target = os.path.join(save_path, _file_name_from_url(url, is_html))
        else:
            os.makedirs(os.path.dirname(os.path.abspath(save_path)), exist_ok=True)
            target = save_path
        try:
            if is_html:
                charset = response.headers.get_content_charset() or "utf-8"
                html = response.read().decode(charset, errors="replace")
                with open(target, "w", encoding="utf-8") as f:
                    f.write(parse_html_to_markdown(html, url))
            else:
                with open(target, "wb") as f:
                    while True:
                        block = response.read(1 << 16)
                        if not block:
                            break
                        f.write(block)
        except OSError as e:
            raise DocumentFetchError(url, f"the download broke off ({e})") from e
    return target, url


# ---------------------------------------------------------------------------- reading


def parse_html_to_markdown(html: str, url: str | None = None) -> str:
    """Convert an HTML page to Markdown text (scripts and styles dropped, title as a heading)."""
    from ..import_utils import optional_import

    bs4 = optional_import("bs4", "retrievechat", feature="Reading HTML")
    markdownify = optional_import("markdownify", "retrievechat", feature="Reading HTML")
    soup = bs4.BeautifulSoup(html, "html.parser")
    title = soup.title.string.strip() if soup.title and soup.title.string else ""
    for tag in soup(["script", "style", "noscript"]):
        tag.extract()
    if soup.title:
        soup.title.extract()
    text = markdownify.MarkdownConverter().convert_soup(soup)
    text = re.sub(r"\r\n?", "\n", text)
    text = re.sub(r"\n{3,}", "\n\n", text).strip()
    return f"# {title}\n\n{text}" if title else text


def _pdf_pages(path: str) -> Iterator[str]:
    from ..import_utils import optional_import

    pypdf = optional_import("pypdf", "retrievechat", feature="Reading PDF files")
    try:
        reader = pypdf.PdfReader(path)
        if reader.is_encrypted:
            try:
                reader.decrypt("")
            except Exception as e:  # pypdf raises several types for a wrong password
                raise DocumentReadError(path, f"the PDF is encrypted and opens only with a password ({e})") from e
        pages = reader.pages
        count = len(pages)
    except DocumentReadError:
        raise
    except Exception as e:  # pypdf signals corrupt files with many exception types
        raise DocumentReadError(path, f"not a readable PDF ({type(e).__name__}: {e})") from e
    for number in range(count):
        try:
            text = pages[number].extract_text() or ""
        except Exception as e:
            raise DocumentReadError(path, f"page {number + 1} could not be read ({type(e).__name__}: {e})") from e
        yield text


def extract_text_from_pdf(file: str) -> str:
    """All the text of a PDF (tries an empty password on encrypted files); raises `DocumentReadError`."""
    text = "".join(_pdf_pages(file))
    if not text.strip():
        logger.warning("No text could be extracted from PDF %s (scanned images?).", file)
    return text


def _docx_paragraphs(path: str) -> Iterator[str]:
    from ..import_utils import optional_import

    docx = optional_import("docx", "retrievechat", feature="Reading DOCX files")
    try:
        document = docx.Document(path)
    except Exception as e:
        raise DocumentReadError(path, f"not a readable DOCX file ({type(e).__name__}: {e})") from e
    for paragraph in document.paragraphs:
        yield paragraph.text
    for table in document.tables:
        for row in table.rows:
            yield " | ".join(cell.text.strip() for cell in row.cells)


def _looks_binary(path: str) -> bool:
    with open(path, "rb") as f:
        head = f.read(_BINARY_SNIFF_BYTES)
    return b"\x00" in head


def _text_lines(path: str) -> Iterator[str]:
    with open(path, encoding="utf-8", errors="replace", newline=None) as f:
        for line in f:
            yield line.rstrip("\n")


def iter_document_lines(path: str) -> Iterator[str]:
    """Yield the text of the document at ``path`` as lines, reading it incrementally.

    Raises `DocumentReadError` for a corrupt PDF/DOCX or a binary file of an unknown format.
    """
    ext = os.path.splitext(path)[1][1:].lower()
    if not os.path.isfile(path):
        raise DocumentReadError(path, "no such file")
    if ext == "pdf":
        for page in _pdf_pages(path):
            yield from page.split("\n")
        return
    if ext in _DOCX_FORMATS:
        yield from _docx_paragraphs(path)
        return
    if ext in UNSTRUCTURED_FORMATS and ext not in ("rtf", "rst") and _has_unstructured():  # pragma: no cover
        from unstructured.partition.auto import partition

        for element in partition(path):
            yield from str(element.text).split("\n")
        return
    if _looks_binary(path):
        raise DocumentReadError(path, f"binary file of an unsupported format ({ext or 'no extension'}); skipped")
    if ext in _HTML_FORMATS:
        with open(path, encoding="utf-8", errors="replace") as f:
            yield from parse_html_to_markdown(f.read()).split("\n")
        return
    # Everything else (txt, md, rst, json, jsonl, csv, logs, source code...) is plain text.
    yield from _text_lines(path)


def read_document(path: str) -> str:
    """The whole text of one document (use `iter_document_lines` for very large files)."""
    return "\n".join(iter_document_lines(path))
