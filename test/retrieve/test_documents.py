"""Finding documents (folders, files, globs, lists, URLs) and reading their text in every supported format."""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

import pytest

from autogen.retrieve import (
    TEXT_FORMATS,
    DocumentFetchError,
    DocumentReadError,
    extract_text_from_pdf,
    get_file_from_url,
    get_files_from_dir,
    is_url,
    read_document,
    split_files_to_chunks,
)


def _write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_text_formats_cover_the_classic_list():
    for ext in [
        "txt",
        "json",
        "csv",
        "tsv",
        "md",
        "html",
        "htm",
        "rtf",
        "rst",
        "jsonl",
        "log",
        "xml",
        "yaml",
        "yml",
        "pdf",
        "mdx",
    ]:
        assert ext in TEXT_FORMATS


def test_folder_is_searched_recursively_by_extension_any_case(tmp_path):
    _write(tmp_path / "a.md", "alpha")
    _write(tmp_path / "sub" / "b.TXT", "beta")
    _write(tmp_path / "sub" / "deeper" / "c.rst", "gamma")
    _write(tmp_path / "image.png", "not a doc")
    found = get_files_from_dir(str(tmp_path))
    assert sorted(os.path.basename(f) for f in found) == ["a.md", "b.TXT", "c.rst"]
    flat = get_files_from_dir(str(tmp_path), recursive=False)
    assert [os.path.basename(f) for f in flat] == ["a.md"]
    only_md = get_files_from_dir(str(tmp_path), types=[".md"])
    assert [os.path.basename(f) for f in only_md] == ["a.md"]


def test_file_glob_and_list_inputs(tmp_path, caplog):
    a = _write(tmp_path / "a.md", "alpha")
    b = _write(tmp_path / "docs" / "b.md", "beta")
    _write(tmp_path / "docs" / "c.txt", "gamma")
    assert get_files_from_dir(str(a)) == [str(a)]
    assert get_files_from_dir(str(tmp_path / "docs" / "*.md")) == [str(b)]
    with caplog.at_level(logging.WARNING):
        listed = get_files_from_dir([str(a), str(tmp_path / "docs"), str(tmp_path / "missing")])
    assert sorted(os.path.basename(f) for f in listed) == ["a.md", "b.md", "c.txt"]
    assert "missing" in caplog.text  # a missing list item is named and skipped


def test_missing_folder_and_empty_types_are_errors(tmp_path):
    with pytest.raises(ValueError, match="does not exist"):
        get_files_from_dir(str(tmp_path / "nope"))
    with pytest.raises(ValueError, match="types cannot be empty"):
        get_files_from_dir(str(tmp_path), types=[])


def test_empty_folder_gives_no_files_and_a_warning(tmp_path, caplog):
    with caplog.at_level(logging.WARNING):
        assert get_files_from_dir(str(tmp_path)) == []
    assert str(tmp_path) in caplog.text


def test_is_url():
    assert is_url("http://127.0.0.1:8000/x.md")
    assert is_url("https://example.org")
    assert not is_url("docs/readme.md")
    assert not is_url("/abs/path.txt")


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("notes.txt", "plain words here", "plain words here"),
        ("guide.md", "# Title\n\nSome *markdown* text", "Some *markdown* text"),
        ("page.rst", "Heading\n=======\n\nBody text.", "Body text."),
        ("data.json", json.dumps({"city": "Velmora", "year": 1874}), '"city": "Velmora"'),
        ("rows.jsonl", '{"k": "first"}\n{"k": "second"}', '{"k": "second"}'),
        ("table.csv", "name,age\nAda,36\nLin,41", "Lin,41"),
        ("tool.py", "def add(a, b):\n    return a + b\n", "return a + b"),
    ],
)
def test_plain_text_formats_are_read_verbatim(tmp_path, name, content, expected):
    path = _write(tmp_path / name, content)
    assert expected in read_document(str(path))


def test_html_becomes_markdown_without_scripts(tmp_path):
    html = (
        "<html><head><title>Ferry news</title><style>p{color:red}</style></head>"
        "<body><h2>Timetable</h2><p>Boats leave <b>hourly</b>.</p><script>alert('x')</script></body></html>"
    )
    text = read_document(str(_write(tmp_path / "news.html", html)))
    assert text.startswith("# Ferry news")
    assert "Timetable" in text and "**hourly**" in text
    assert "alert" not in text and "color:red" not in text


def test_pdf_text_is_extracted_page_by_page(tmp_path, doc_builders):
    pdf = doc_builders["pdf"](
        tmp_path / "report.pdf", [["First page says hello."], ["Second page mentions cobaltine."]]
    )
    text = extract_text_from_pdf(str(pdf))
    assert "First page says hello." in text and "cobaltine" in text
    assert "cobaltine" in read_document(str(pdf))


def test_docx_paragraphs_and_tables_are_read(tmp_path, doc_builders):
    path = doc_builders["docx"](
        tmp_path / "memo.docx", ["Quarterly memo", "The ferry is late."], [["Item", "Cost"], ["Rope", "12"]]
    )
    text = read_document(str(path))
    assert "The ferry is late." in text
    assert "Rope | 12" in text


def test_corrupt_pdf_raises_a_read_error_naming_the_file(tmp_path):
    bad = tmp_path / "broken.pdf"
    bad.write_bytes(b"%PDF-1.4\nthis is not really a pdf\x00\x01")
    with pytest.raises(DocumentReadError, match="broken.pdf"):
        read_document(str(bad))


def test_unreadable_files_are_skipped_with_a_log_naming_them(tmp_path, caplog):
    good = _write(tmp_path / "good.md", "Good content that should be indexed.")
    bad_pdf = tmp_path / "broken.pdf"
    bad_pdf.write_bytes(b"garbage that is not a pdf")
    blob = tmp_path / "blob.bin"
    blob.write_bytes(os.urandom(64) + b"\x00" * 16)
    with caplog.at_level(logging.WARNING):
        chunks, metas = split_files_to_chunks([str(bad_pdf), str(blob), str(good)])
    assert chunks == ["Good content that should be indexed."]
    assert metas[0]["source"] == str(good)
    assert "broken.pdf" in caplog.text and "blob.bin" in caplog.text


def test_unknown_text_extension_named_explicitly_is_read_as_text(tmp_path):
    path = _write(tmp_path / "notes.weird", "still plain text inside")
    chunks, _ = split_files_to_chunks(get_files_from_dir(str(path)))
    assert chunks == ["still plain text inside"]


def test_url_is_downloaded_and_html_converted(tmp_path, http_dir, monkeypatch):
    base, root = http_dir
    (root / "page.html").write_text(
        "<html><head><title>Spa</title></head><body><p>Pools open at nine.</p></body></html>"
    )
    (root / "notes.txt").write_text("Plain notes from the server.")
    monkeypatch.chdir(tmp_path)
    files = get_files_from_dir([f"{base}/page.html", f"{base}/notes.txt"])
    assert [url for _, url in files] == [f"{base}/page.html", f"{base}/notes.txt"]
    assert all(os.path.exists(path) for path, _ in files)
    chunks, metas = split_files_to_chunks(files)
    assert any("Pools open at nine." in c for c in chunks)
    assert metas[0]["source"] == f"{base}/page.html"  # the URL, not the temp file, is the source
    # downloads land under tmp/chromadb by default, or where asked
    assert files[0][0].startswith(os.path.join("tmp", "chromadb"))
    path, _ = get_file_from_url(f"{base}/notes.txt", save_path=str(tmp_path / "one.txt"))
    assert Path(path).read_text() == "Plain notes from the server."


def test_unreachable_or_missing_url_is_a_clear_error(http_dir, closed_port, tmp_path, monkeypatch):
    base, _ = http_dir
    monkeypatch.chdir(tmp_path)
    with pytest.raises(DocumentFetchError, match="HTTP 404"):
        get_files_from_dir(f"{base}/nothing-here.md")
    with pytest.raises(DocumentFetchError, match=f"127.0.0.1:{closed_port}"):
        get_files_from_dir(f"http://127.0.0.1:{closed_port}/doc.md")
