"""Finding the documents to ingest: files, folders, and URLs downloaded from a real HTTP server."""

from __future__ import annotations

from pathlib import Path

import pytest

from autogen.agents.experimental.document_agent.document_utils import (
    download_url,
    handle_input,
    is_url,
    list_files,
    preprocess_path,
)
from autogen.agents.experimental.document_agent.url_utils import UnsafeURLError


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("https://www.example.com", True),
        (" https://www.example.com/a?b=c#d ", True),
        ("www.example.com", False),
        ("https://", False),
        ("", False),
        (None, False),
    ],
)
def test_is_url(text: str, expected: bool) -> None:
    assert is_url(text) is expected


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "docs" / "sub").mkdir(parents=True)
    (tmp_path / "docs" / "a.txt").write_text("A")
    (tmp_path / "docs" / "sub" / "b.md").write_text("B")
    return tmp_path / "docs"


def test_list_files_and_handle_input_on_local_paths(folder: Path, tmp_path: Path) -> None:
    assert list_files(folder) == [folder / "a.txt", folder / "sub" / "b.md"]
    assert handle_input(str(folder), output_dir=tmp_path / "out") == [folder / "a.txt", folder / "sub" / "b.md"]
    assert handle_input(folder / "a.txt", output_dir=tmp_path / "out") == [folder / "a.txt"]
    with pytest.raises(ValueError, match="does not exist"):
        handle_input(str(tmp_path / "nothing"), output_dir=tmp_path / "out")
    with pytest.raises(ValueError, match="does not exist"):
        list_files(folder / "a.txt")


def test_preprocess_path(tmp_path: Path) -> None:
    made = preprocess_path(tmp_path / "x" / "y", mk_path=True)
    assert made.is_dir() and made.is_absolute()
    assert preprocess_path(str(made)) == made
    with pytest.raises(NotADirectoryError):
        preprocess_path(tmp_path / "missing")
    with pytest.raises(FileNotFoundError):
        preprocess_path(tmp_path / "f" / "file.txt", is_file=True, is_dir=False, mk_path=True)
    assert (tmp_path / "f").is_dir()  # the parent was made
    with pytest.raises(ValueError, match="both"):
        preprocess_path(tmp_path / "nope", is_file=True, is_dir=True)


def test_download_files_and_pages(site: tuple[str, Path], tmp_path: Path) -> None:
    base, root = site
    (root / "notes.md").write_text("# Notes\n\nCafé ☕")
    (root / "report.pdf").write_bytes(b"%PDF-1.4\n" + bytes(range(256)))
    (root / "guide").mkdir()
    (root / "guide" / "index.html").write_text("<html><body><p>Guide</p></body></html>")
    out = tmp_path / "downloads"

    md = download_url(f"{base}/notes.md", out)
    assert md == out / "notes.md" and md.read_text(encoding="utf-8") == "# Notes\n\nCafé ☕"

    pdf = download_url(f"{base}/report.pdf", out)
    assert pdf == out / "report.pdf" and pdf.read_bytes() == (root / "report.pdf").read_bytes()

    page = download_url(f"{base}/guide/", out)
    assert page.suffix == ".html" and "<p>Guide</p>" in page.read_text()

    redirected = download_url(f"{base}/redirect/notes.md", out)
    assert redirected.name == "notes.md"


def test_handle_input_downloads_urls_into_output_dir(site: tuple[str, Path], tmp_path: Path) -> None:
    base, root = site
    (root / "data.csv").write_text("a,b\n1,2\n")
    [path] = handle_input(f"{base}/data.csv", output_dir=tmp_path / "out")
    assert path == (tmp_path / "out" / "data.csv").resolve() and path.read_text() == "a,b\n1,2\n"


def test_download_refuses_private_hosts_by_default(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("AG2_ALLOW_PRIVATE_URLS", raising=False)
    with pytest.raises(UnsafeURLError):
        download_url("http://127.0.0.1:9/report.pdf", tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_download_of_missing_or_unsupported_url_fails(site: tuple[str, Path], tmp_path: Path) -> None:
    base, root = site
    (root / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(ValueError, match="not supported"):
        download_url(f"{base}/old.doc", tmp_path)
    with pytest.raises(Exception, match="404"):
        download_url(f"{base}/missing.md", tmp_path)
