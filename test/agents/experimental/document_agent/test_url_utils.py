"""URLAnalyzer and the SSRF guard, against a real HTTP server on 127.0.0.1 (private hosts allowed by the
AG2_ALLOW_PRIVATE_URLS switch the ``site`` fixture sets)."""

from __future__ import annotations

import pytest

from autogen.agents.experimental.document_agent.url_utils import (
    ExtensionToFormat,
    InputFormat,
    UnsafeURLError,
    URLAnalyzer,
    validate_url,
)


class TestValidateUrl:
    def test_loopback_is_refused_by_default(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.delenv("AG2_ALLOW_PRIVATE_URLS", raising=False)
        with pytest.raises(UnsafeURLError, match="non-public IP 127.0.0.1.*AG2_ALLOW_PRIVATE_URLS"):
            validate_url("http://127.0.0.1:8000/report.pdf")
        with pytest.raises(UnsafeURLError, match="non-public"):
            validate_url("http://localhost/")

    def test_private_hosts_can_be_allowed(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("AG2_ALLOW_PRIVATE_URLS", "1")
        validate_url("http://127.0.0.1:8000/report.pdf")
        validate_url("http://localhost/")

    @pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.com/x", "javascript:alert(1)"])
    def test_only_http_and_https(self, url: str, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("AG2_ALLOW_PRIVATE_URLS", "1")  # the scheme rule holds even then
        with pytest.raises(UnsafeURLError, match="scheme not allowed"):
            validate_url(url)

    def test_malformed_urls_are_plain_value_errors(self) -> None:
        with pytest.raises(ValueError, match="no hostname") as info:
            validate_url("https://")
        assert not isinstance(info.value, UnsafeURLError)
        with pytest.raises(ValueError, match="Cannot resolve host") as info:
            validate_url("https://no-such-host.invalid/")
        assert not isinstance(info.value, UnsafeURLError)


def test_extension_table_and_supported_lists() -> None:
    assert ExtensionToFormat["pdf"] is InputFormat.PDF
    assert ExtensionToFormat["markdown"] is InputFormat.MD
    assert ExtensionToFormat["doc"] is InputFormat.INVALID
    assert InputFormat.INVALID not in URLAnalyzer.get_supported_formats()
    assert "text/markdown" in URLAnalyzer.get_supported_mime_types()
    assert "xls" in URLAnalyzer.get_supported_extensions()


def test_analysis_by_extension_needs_no_request() -> None:
    analyzer = URLAnalyzer("https://example.com/files/Report.PDF?x=1")
    assert analyzer.get_result() is None
    result = analyzer.analyze()
    assert result["is_file"] is True and result["file_type"] is InputFormat.PDF
    assert result["method"] == "extension_analysis"
    assert URLAnalyzer("https://example.com/page").analyze()["is_file"] is False


def test_request_analysis_reads_content_type(site: tuple[str, object]) -> None:
    base, root = site
    (root / "report.pdf").write_bytes(b"%PDF-1.4 fake")
    (root / "notes.md").write_text("# Notes")
    (root / "index.html").write_text("<html><body>hi</body></html>")

    pdf = URLAnalyzer(f"{base}/report.pdf").analyze(test_url=True)
    assert (pdf["file_type"], pdf["mime_type"], pdf["method"]) == (
        InputFormat.PDF,
        "application/pdf",
        "request_analysis",
    )

    md = URLAnalyzer(f"{base}/notes.md").analyze(test_url=True)
    assert md["file_type"] is InputFormat.MD and md["mime_type"] == "text/markdown"

    page = URLAnalyzer(f"{base}/").analyze(test_url=True)
    assert page["file_type"] is InputFormat.HTML and page["mime_type"] == "text/html"


def test_redirects_are_followed_and_reported(site: tuple[str, object]) -> None:
    base, root = site
    (root / "final.pdf").write_bytes(b"%PDF-1.4 fake")
    analyzer = URLAnalyzer(f"{base}/redirect/final.pdf")
    result = analyzer.analyze(test_url=True)
    assert result["redirects"] is True and result["redirect_count"] == 1
    assert result["final_url"] == f"{base}/final.pdf"
    assert result["file_type"] is InputFormat.PDF
    info = analyzer.get_redirect_info()
    assert info["redirects"] is True and info["redirect_chain"] == [f"{base}/redirect/final.pdf"]
    assert URLAnalyzer(f"{base}/redirect/final.pdf").follow_redirects() == (
        f"{base}/final.pdf",
        [f"{base}/redirect/final.pdf"],
    )


def test_head_refused_falls_back_to_get(site: tuple[str, object]) -> None:
    base, root = site
    (root / "data.csv").write_text("a,b\n1,2\n")
    result = URLAnalyzer(f"{base}/nohead/data.csv").analyze(test_url=True)
    assert result["file_type"] is InputFormat.CSV and result["mime_type"] == "text/csv"


def test_failures_give_invalid(site: tuple[str, object], closed_port: int) -> None:
    base, _ = site
    missing = URLAnalyzer(f"{base}/missing.pdf")._analyze_by_request()
    assert missing["file_type"] is InputFormat.INVALID and missing["status_code"] == 404
    refused = URLAnalyzer(f"http://127.0.0.1:{closed_port}/x.pdf")._analyze_by_request()
    assert refused["file_type"] is InputFormat.INVALID and "Connection error" in refused["error"]
    assert URLAnalyzer(f"http://127.0.0.1:{closed_port}/x").follow_redirects() == (
        f"http://127.0.0.1:{closed_port}/x",
        [],
    )


def test_guard_stops_analysis_of_private_hosts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AG2_ALLOW_PRIVATE_URLS", raising=False)
    with pytest.raises(UnsafeURLError):
        URLAnalyzer("http://127.0.0.1:9/doc.pdf").analyze(test_url=True)
    with pytest.raises(UnsafeURLError):
        URLAnalyzer("http://127.0.0.1:9/doc.pdf").follow_redirects()
