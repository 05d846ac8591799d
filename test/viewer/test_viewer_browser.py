"""The viewer page in a real browser (headless Chromium through Playwright): a recorded group chat
with tool calls opens, the timeline shows every message, selecting an LLM call shows the messages
it sent, paging through a 10,000-message run works, the exported file works offline, and the
console stays free of errors. Screenshots are kept under the test's tmp dir.

Skipped without Playwright or /usr/bin/chromium, unless AG2_REQUIRE_BROWSER=1 (CI)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from test_viewer_server import N_MESSAGES, synthetic_log
from viewer_logs import TRANSCRIPT

from autogen.viewer import export, load, serve

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip


def _browser_missing() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed"
    if not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
        return f"{CHROMIUM} is missing (apt-get install chromium)"
    return None


@pytest.fixture(scope="module")
def browser():
    missing = _browser_missing()
    if missing:
        if os.environ.get("AG2_REQUIRE_BROWSER") == "1":
            pytest.fail(f"AG2_REQUIRE_BROWSER=1 but {missing}")
        pytest.skip(missing)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM if os.path.exists(CHROMIUM) else shutil.which("chromium"), args=ARGS
        )
        yield b
        b.close()


@pytest.fixture
def page(browser):
    """A fresh page that records console errors, page errors and requests."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    pg = context.new_page()
    pg.problems = []
    pg.requests = []
    pg.on(
        "console",
        lambda m: pg.problems.append(f"console {m.type}: {m.text}") if m.type in ("error", "warning") else None,
    )
    pg.on("pageerror", lambda e: pg.problems.append(f"page error: {e}"))
    pg.on("requestfailed", lambda r: pg.problems.append(f"request failed: {r.url}"))
    pg.on("request", lambda r: pg.requests.append(r.url))
    yield pg
    context.close()


def artifact(tmp_path: Path, name: str) -> Path:
    """Where a screenshot goes: the test's tmp dir, or test-artifacts/ when AG2_TEST_ARTIFACTS is set."""
    root = Path(os.environ["AG2_TEST_ARTIFACTS"]) if os.environ.get("AG2_TEST_ARTIFACTS") else tmp_path
    root.mkdir(parents=True, exist_ok=True)
    return root / name


def test_a_group_chat_with_tool_calls_in_the_browser(page, group_chat_logs, tmp_path):
    with serve(group_chat_logs["sqlite"]) as server:
        page.goto(server.url)
        page.wait_for_selector("#timeline .item")
        assert page.locator("#runs li").count() == 1
        shown = page.locator("#timeline .item[data-kind=message]")
        assert shown.count() == len(TRANSCRIPT)
        for n, (speaker, text) in enumerate(TRANSCRIPT):
            assert shown.nth(n).locator(".who").inner_text() == speaker
            if text:
                assert text.replace("\n\n", "") in shown.nth(n).inner_text().replace("\n", "")
        assert page.locator("[data-testid=tool-call]").count() == 2
        assert page.locator("[data-testid=tool-response]").count() == 2
        assert page.locator(".item[data-kind=tool]").count() == 2
        assert "speaker selection \u2192 writer" in page.locator(".item[data-kind=llm_call]").nth(5).inner_text()
        assert "planner" in page.locator("table[data-table=agent]").inner_text()

        # The writer's call: its whole context window, tools and reply.
        page.locator(".item[data-kind=llm_call][data-call='6']").click()
        page.wait_for_selector("#call-messages [data-testid=req-message]")
        sent = page.locator("#call-messages [data-testid=req-message]")
        context = load(group_chat_logs["sqlite"])["runs"][0]["calls"][6]["request"]["messages"]
        assert sent.count() == len(context) == 7  # system, the task, tool calls, two results, two turns
        assert "You write reports." in sent.nth(0).inner_text()
        assert TRANSCRIPT[0][1] in sent.nth(1).inner_text()
        assert "call add" in page.locator("#call-messages").inner_text()
        assert "TERMINATE" in page.locator("#call-reply").inner_text()
        assert "fake-model" in page.locator("#call-params").inner_text()
        page.screenshot(path=str(artifact(tmp_path, "viewer-group-chat.png")), full_page=False)

        # A message links to the call that produced it.
        page.locator("[data-testid=close]").click()
        assert page.locator("#detail").is_hidden()
        page.locator(".item[data-kind=message] a.link").first.click()
        page.wait_for_selector("#call-messages [data-testid=req-message]")
        assert page.locator("#detail h2").first.text_content() == "LLM call 1"

        # Filters: messages only, then a search.
        page.locator(".bar input[data-kind=llm_call]").uncheck()
        page.locator(".bar input[data-kind=tool]").uncheck()
        page.wait_for_function(f"document.querySelectorAll('#timeline .item').length === {len(TRANSCRIPT)}")
        page.fill("#search", "sums are")
        page.wait_for_function("document.querySelectorAll('#timeline .item').length === 1")
    assert all(u.startswith((server.url, "data:")) for u in page.requests), page.requests
    assert page.problems == []


def test_paging_a_10000_message_run(page, tmp_path):
    db = str(tmp_path / "big.db")
    synthetic_log(db, N_MESSAGES)
    with serve(db) as server:
        page.goto(server.url)
        page.wait_for_selector("#timeline .item")
        assert page.locator("#timeline .item").count() == 200
        assert "of 15000" in page.locator("#page-info").inner_text()
        page.locator("[data-testid=next]").click()
        page.wait_for_function("document.querySelector('#timeline .item').dataset.i === '200'")
        page.locator("button[title='last page']").click()
        page.wait_for_function("document.querySelector('#timeline .item:last-child').dataset.i === '14999'")
        page.locator(".bar input[data-kind=llm_call]").uncheck()
        page.wait_for_function("document.querySelector('#page-info').textContent.includes('of 10000')")
        page.screenshot(path=str(artifact(tmp_path, "viewer-10k.png")))
    assert page.problems == []


def test_the_exported_file_works_offline(page, group_chat_logs, tmp_path):
    path = export(group_chat_logs["jsonl"], str(tmp_path / "run.html"))
    page.route("**/*", lambda route: route.abort() if not route.request.url.startswith("file:") else route.continue_())
    page.goto(Path(path).as_uri())
    page.wait_for_selector("#timeline .item")
    assert page.locator("#timeline .item[data-kind=message]").count() == len(TRANSCRIPT)
    page.locator(".item[data-kind=llm_call]").nth(1).click()
    page.wait_for_selector("#call-messages [data-testid=req-message]")
    assert page.locator("#call-messages [data-testid=req-message]").count() == 2
    assert page.problems == []
