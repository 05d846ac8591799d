"""`docling_parse_docs`: turn documents (files, folders, URLs) into Markdown (and JSON) files for ingestion.

With the optional ``docling`` package installed (``pip install "ag2[docling]"``) docling converts every
format it knows (with OCR and table structure). Without it, the formats this project reads itself are
converted: plain text, Markdown, AsciiDoc, CSV, JSON, XML, HTML, PDF (text layer, via pypdf) and DOCX;
PowerPoint, Excel and image files then raise an ImportError naming the ``docling`` extra.
"""

from __future__ import annotations

import importlib.util
import json
import logging
import time
from pathlib import Path
from typing import Annotated, Any

from ....import_utils import OptionalDependencyError
from ....retrieve.documents import read_document
from .document_utils import handle_input

__all__ = ["DOCLING_ONLY_EXTENSIONS", "docling_parse_docs"]

logger = logging.getLogger(__name__)

DOCLING_ONLY_EXTENSIONS = frozenset(
    {".pptx", ".potx", ".ppsx", ".pptm", ".potm", ".ppsm", ".xlsx", ".png", ".jpg", ".jpeg", ".tiff", ".tif", ".bmp"}
)
"""Formats only docling can parse (slides, spreadsheets, and images through OCR)."""


def __getattr__(name: str) -> Any:
    # docling's classes, for code that looks them up here as in ag2; importing docling is slow, so only on demand.
    if name == "DocumentConverter":
        from docling.document_converter import DocumentConverter

        return DocumentConverter
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _has_docling() -> bool:
    try:
        return importlib.util.find_spec("docling") is not None
    except (ImportError, ValueError):
        return False


class _ParsedDocument:
    """One converted document: its source path, Markdown text and HTML tables (the shape docling gives)."""

    def __init__(self, source: Path, markdown: str, as_dict: dict[str, Any], tables_html: list[str]) -> None:
        self.source = source
        self.markdown = markdown
        self.as_dict = as_dict
        self.tables_html = tables_html


def _convert_with_docling(paths: list[Path]) -> list[_ParsedDocument]:
    from docling.datamodel.base_models import InputFormat
    from docling.datamodel.pipeline_options import AcceleratorDevice, AcceleratorOptions, PdfPipelineOptions
    from docling.document_converter import DocumentConverter, PdfFormatOption

    # OCR on the CPU, table structure with cell matching: ag2's settings.
    options = PdfPipelineOptions()
    options.do_ocr = True
    if hasattr(options.ocr_options, "use_gpu"):
        options.ocr_options.use_gpu = False
    options.do_table_structure = True
    options.table_structure_options.do_cell_matching = True
    options.ocr_options.lang = ["en"]
    options.accelerator_options = AcceleratorOptions(num_threads=4, device=AcceleratorDevice.AUTO)
    converter = DocumentConverter(format_options={InputFormat.PDF: PdfFormatOption(pipeline_options=options)})
    parsed = []
    for result in converter.convert_all(paths):
        document = result.document
        parsed.append(
            _ParsedDocument(
                Path(result.input.file),
                document.export_to_markdown(),
                document.export_to_dict(),
                [table.export_to_html() for table in document.tables],
            )
        )
    return parsed


def _convert_natively(paths: list[Path]) -> list[_ParsedDocument]:
    unsupported = [p for p in paths if p.suffix.lower() in DOCLING_ONLY_EXTENSIONS]
    if unsupported:
        names = ", ".join(p.name for p in unsupported)
        raise OptionalDependencyError(
            f"Parsing {names} needs the optional package 'docling', which is not installed. "
            'Install it with: pip install "ag2[docling]" (text, Markdown, HTML, PDF and DOCX files are parsed '
            "without it)."
        )
    parsed = []
    for path in paths:
        text = read_document(str(path))
        as_dict = {"schema_name": "ag2.ParsedDocument", "name": path.stem, "origin": str(path), "markdown": text}
        parsed.append(_ParsedDocument(path, text, as_dict, []))
    return parsed


def docling_parse_docs(
    input_file_path: Annotated[Path | str, "Path to the input file or directory"],
    output_dir_path: Annotated[Path | str | None, "Path to the output directory"] = None,
    output_formats: Annotated[list[str] | None, "List of output formats (markdown, json)"] = None,
    table_output_format: str = "html",
) -> list[Path]:
    """Convert the document(s) at ``input_file_path`` (a file, folder or URL) and save them in ``output_dir_path``.

    Writes ``<name>.md`` for the "markdown" format (the default) and ``<name>.json`` for "json"; with docling,
    each table is also saved as ``<name>-table-<n>.html``. Returns the Markdown/JSON files written.
    Raises ValueError when the input does not exist or holds no document.
    """
    output_dir = Path(output_dir_path or (Path.cwd() / "output")).resolve()
    output_dir.mkdir(parents=True, exist_ok=True)
    formats = output_formats or ["markdown"]

    input_paths = handle_input(input_file_path, output_dir=output_dir)
    if not input_paths:
        raise ValueError("No documents found.")

    start = time.time()
    documents = _convert_with_docling(input_paths) if _has_docling() else _convert_natively(input_paths)
    logger.info(f"Document converted in {time.time() - start:.2f} seconds.")

    written: list[Path] = []
    for document in documents:
        stem = document.source.stem
        logger.debug(f"Document {document.source.name} converted.\nSaved markdown output to: {output_dir!s}")
        if "markdown" in formats:
            target = output_dir / f"{stem}.md"
            with target.open("w", encoding="utf-8") as fp:
                fp.write(document.markdown)
            written.append(target)
        if "json" in formats:
            target = output_dir / f"{stem}.json"
            with target.open("w", encoding="utf-8") as fp:
                fp.write(json.dumps(document.as_dict))
            written.append(target)
        if table_output_format == "html":
            for number, table in enumerate(document.tables_html, start=1):
                with (output_dir / f"{stem}-table-{number}.html").open("w", encoding="utf-8") as fp:
                    fp.write(table)
    return written
