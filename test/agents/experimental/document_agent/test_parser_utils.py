"""docling_parse_docs without docling: the formats the project reads itself become Markdown/JSON files; the
others fail with an ImportError naming the extra."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from autogen import AssistantAgent
from autogen.agents.experimental.document_agent import docling_parse_docs
from autogen.import_utils import OptionalDependencyError
from autogen.tools import Tool

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("docling") is not None, reason="docling is installed: it parses instead"
)


def test_markdown_html_pdf_and_docx_become_markdown(tmp_path: Path, doc_builders: dict) -> None:
    src = tmp_path / "src"
    src.mkdir()
    (src / "notes.md").write_text("# Notes\n\nCafé ☕ — the notes.", encoding="utf-8")
    (src / "page.html").write_text(
        "<html><head><title>Guide</title><script>x()</script></head><body><h2>Install</h2><p>Run it.</p></body></html>"
    )
    doc_builders["pdf"](src / "paper.pdf", [["Quarterly revenue was 42 million."], ["Second page text."]])
    doc_builders["docx"](src / "memo.docx", ["The memo says hello."], table=[["k", "v"], ["speed", "fast"]])
    out = tmp_path / "out"

    written = docling_parse_docs(src, out)

    assert sorted(p.name for p in written) == ["memo.md", "notes.md", "page.md", "paper.md"]
    assert all(p.parent == out.resolve() for p in written)
    assert (out / "notes.md").read_bytes() == "# Notes\n\nCafé ☕ — the notes.".encode()
    page = (out / "page.md").read_text()
    assert page.startswith("# Guide") and "Install" in page and "Run it." in page and "x()" not in page
    paper = (out / "paper.md").read_text()
    assert "Quarterly revenue was 42 million." in paper and "Second page text." in paper
    memo = (out / "memo.md").read_text()
    assert "The memo says hello." in memo and "speed | fast" in memo


def test_json_output_and_default_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.txt").write_text("alpha")
    written = docling_parse_docs("a.txt", output_formats=["markdown", "json"])
    assert written == [tmp_path / "output" / "a.md", tmp_path / "output" / "a.json"]
    data = json.loads(written[1].read_text())
    assert data["name"] == "a" and data["markdown"] == "alpha"


def test_docling_only_formats_name_the_extra(tmp_path: Path) -> None:
    (tmp_path / "slides.pptx").write_bytes(b"PK\x03\x04")
    with pytest.raises(OptionalDependencyError, match=r'slides\.pptx.*pip install "ag2\[docling\]"'):
        docling_parse_docs(tmp_path / "slides.pptx", tmp_path / "out")


def test_missing_input(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="The input provided does not exist."):
        docling_parse_docs(tmp_path / "missing.pdf", tmp_path / "out")
    (tmp_path / "empty").mkdir()
    with pytest.raises(ValueError, match="No documents found."):
        docling_parse_docs(tmp_path / "empty", tmp_path / "out")


def test_url_input_is_downloaded_then_parsed(site: tuple[str, Path], tmp_path: Path) -> None:
    base, root = site
    (root / "faq.html").write_text("<html><body><h1>FAQ</h1><p>Answers live here.</p></body></html>")
    [md] = docling_parse_docs(f"{base}/faq.html", tmp_path / "out")
    assert md.name == "faq.md" and "Answers live here." in md.read_text()


def test_usable_as_a_tool(tmp_path: Path) -> None:
    (tmp_path / "in.md").write_text("# In")
    tool = Tool(name="docling_parse_docs", description="Parse documents.", func_or_tool=docling_parse_docs)
    schema = tool.function_schema["parameters"]
    assert schema["required"] == ["input_file_path"]
    assert schema["properties"]["output_formats"]["description"] == "List of output formats (markdown, json)"
    agent = AssistantAgent("a", llm_config=False)
    tool.register_for_execution(agent)
    result = agent.function_map["docling_parse_docs"](
        input_file_path=tmp_path / "in.md", output_dir_path=tmp_path / "o"
    )
    assert str((tmp_path / "o" / "in.md").resolve()) in str(result)
