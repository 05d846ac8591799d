"""The result models of the browser-use tool (the browsing itself needs ag2[browser-use])."""

from autogen.tools.experimental.browser_use.browser_use import BrowserUseResult, ExtractedContent


def test_a_page_left_at_about_blank_has_no_url() -> None:
    assert ExtractedContent(content="nothing loaded", url="about:blank").url is None
    assert ExtractedContent(content="a page", url="https://example.org/a").url == "https://example.org/a"
    result = BrowserUseResult(extracted_content=[{"content": "x", "url": "about:blank"}], final_result="done")
    assert result.extracted_content[0].url is None
