"""SimpleTextBrowser against a local website: HTML to Markdown, paging, text, PDF, downloads, errors, Bing."""

import json
from pathlib import Path

import pytest

pytest.importorskip("markdownify")
pytest.importorskip("bs4")
pytest.importorskip("requests")

from _local_site import LocalSite, minimal_pdf

from autogen.browser_utils import IS_PDF_CAPABLE, SimpleTextBrowser

ARTICLE = (
    "<html><head><title>Field Notes</title><style>p {color: red}</style><script>var x = 1;</script></head>"
    "<body><h1>Birds of the marsh</h1>"
    + "".join(f"<p>Paragraph {i} about herons and egrets wading in shallow water.</p>" for i in range(200))
    + '<a href="/notes.txt">the notes</a></body></html>'
)

BING_RESULTS = {
    "webPages": {
        "value": [
            {
                "name": "Heron facts",
                "url": "http://example.invalid/herons",
                "snippet": "All about herons.",
                "deepLinks": [{"name": "Diet", "url": "http://example.invalid/herons/diet"}],
            },
            {"name": "Egrets", "url": "http://example.invalid/egrets", "snippet": "White birds."},
        ]
    },
    "news": {"value": [{"name": "Heron spotted", "url": "http://example.invalid/news", "description": "Today."}]},
}


@pytest.fixture
def site():
    routes = {
        "/article": ("text/html", ARTICLE.encode()),
        "/utf8": ("text/html", "<html><head><title>Café</title></head><body><p>naïve crème</p></body></html>".encode()),
        "/notes.txt": ("text/plain; charset=utf-8", b"line one\nline two\n"),
        "/paper.pdf": ("application/pdf", minimal_pdf("Herons eat fish")),
        "/data/report.bin": ("application/octet-stream", bytes(range(256))),
        "/bing": ("application/json", json.dumps(BING_RESULTS).encode()),
    }
    with LocalSite(routes) as s:
        yield s


def test_html_page_becomes_markdown_with_title(site: LocalSite) -> None:
    browser = SimpleTextBrowser(viewport_size=1024)
    first = browser.visit_page(site.url("/article"))
    assert browser.address == site.url("/article")
    assert browser.page_title == "Field Notes"
    assert browser.page_content.startswith("Field Notes\n\nBirds of the marsh\n=====")
    assert "var x" not in browser.page_content and "color: red" not in browser.page_content
    assert "[the notes](/notes.txt)" in browser.page_content
    assert first == browser.viewport and len(first) >= 1024


def test_viewport_paging_covers_the_page_and_stops_at_both_ends(site: LocalSite) -> None:
    browser = SimpleTextBrowser(viewport_size=1024)
    browser.visit_page(site.url("/article"))
    pages = len(browser.viewport_pages)
    assert pages > 3
    seen = [browser.viewport]
    for _ in range(pages + 2):
        browser.page_down()
        if browser.viewport != seen[-1]:
            seen.append(browser.viewport)
    assert browser.viewport_current_page == pages - 1
    assert "".join(seen) == browser.page_content
    assert all(p[-1].isspace() for p in seen[:-1])  # pages end on whitespace, never mid-word
    for _ in range(pages + 2):
        browser.page_up()
    assert browser.viewport_current_page == 0


def test_relative_links_resolve_against_the_current_page(site: LocalSite) -> None:
    browser = SimpleTextBrowser(start_page=site.url("/article"))
    assert browser.visit_page("/notes.txt") == "line one\nline two\n"
    assert browser.address == site.url("/notes.txt")
    assert browser.page_title is None
    assert browser.history == [site.url("/article"), site.url("/notes.txt")]


def test_charset_is_guessed_when_not_given(site: LocalSite) -> None:
    browser = SimpleTextBrowser()
    browser.visit_page(site.url("/utf8"))
    assert browser.page_title == "Café" and "naïve crème" in browser.page_content


@pytest.mark.skipif(not IS_PDF_CAPABLE, reason="pdfminer.six is not installed")
def test_pdf_is_read_as_text(site: LocalSite) -> None:
    browser = SimpleTextBrowser()
    assert "Herons eat fish" in browser.visit_page(site.url("/paper.pdf"))


def test_other_files_are_downloaded_or_refused(site: LocalSite, tmp_path: Path) -> None:
    browser = SimpleTextBrowser(downloads_folder=str(tmp_path))
    page = browser.visit_page(site.url("/data/report.bin"))
    saved = tmp_path / "report.bin"
    assert browser.page_title == "Download complete."
    assert page == f"Downloaded '{site.url('/data/report.bin')}' to '{saved}'."
    assert saved.read_bytes() == bytes(range(256))

    no_folder = SimpleTextBrowser()
    assert (
        no_folder.visit_page(site.url("/data/report.bin"))
        == "Error - Unsupported Content-Type 'application/octet-stream'"
    )


def test_http_errors_become_an_error_page(site: LocalSite) -> None:
    browser = SimpleTextBrowser()
    text = browser.visit_page(site.url("/missing"))
    assert browser.page_title == "Error" and "404" in text
    browser.visit_page("http://127.0.0.1:1/")
    assert browser.page_title == "Error" and browser.page_content


def test_about_blank_and_request_kwargs(site: LocalSite) -> None:
    browser = SimpleTextBrowser(request_kwargs={"headers": {"User-Agent": "ag2-test"}})
    assert browser.address == "about:blank" and browser.viewport == ""
    browser.visit_page(site.url("/notes.txt"))
    assert site.requests[-1].headers["User-Agent"] == "ag2-test"


def test_bing_search_page(site: LocalSite) -> None:
    browser = SimpleTextBrowser(bing_base_url=site.url("/bing"), bing_api_key="k123")
    text = browser.visit_page("bing: grey heron")
    sent = site.requests[-1]
    assert sent.query == {"q": "grey heron", "textDecorations": "False", "textFormat": "raw"}
    assert sent.headers["Ocp-Apim-Subscription-Key"] == "k123"
    assert browser.page_title == "grey heron - Search"
    assert text.startswith("A Bing search for 'grey heron' found 4 results:\n\n## Web Results\n")
    assert "1. [Heron facts](http://example.invalid/herons)\nAll about herons." in text
    assert "2. [Diet](http://example.invalid/herons/diet)\n" in text
    assert "## News Results:\n4. [Heron spotted](http://example.invalid/news)\nToday." in text


def test_bing_search_needs_a_key() -> None:
    with pytest.raises(ValueError, match="Missing Bing API key."):
        SimpleTextBrowser().visit_page("bing: anything")
