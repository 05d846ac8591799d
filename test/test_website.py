"""The documentation site in a real browser (headless Chromium through Playwright): the home page and the
ConversableAgent API page load with no console errors, and the site search finds ``GroupChatManager``.

The site is what ``bash website/build.sh`` writes into ``website/build`` (CI builds it before the tests);
when it is missing, the test builds it. Skipped without MkDocs, Playwright or /usr/bin/chromium, unless
AG2_REQUIRE_BROWSER=1 (CI). Every check waits for a condition, never for a fixed time."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import subprocess
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "website" / "build"
CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip


def _missing() -> str | None:
    for module, what in (("mkdocs", "mkdocs (pip install -e '.[docs]')"), ("playwright.sync_api", "playwright")):
        try:
            __import__(module)
        except ImportError:
            return f"{what} is not installed"
    if not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
        return f"{CHROMIUM} is missing (apt-get install chromium)"
    return None


@pytest.fixture(scope="module")
def site_url():
    missing = _missing()
    if missing:
        if os.environ.get("AG2_REQUIRE_BROWSER") == "1":
            pytest.fail(f"AG2_REQUIRE_BROWSER=1 but {missing}")
        pytest.skip(missing)
    if not (SITE / "index.html").exists():
        subprocess.run(["bash", str(ROOT / "website" / "build.sh")], check=True, timeout=600)

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(SITE)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture(scope="module")
def browser(site_url):
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=60_000)  # a loaded machine may be slow; a failing check still fails
    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM if os.path.exists(CHROMIUM) else shutil.which("chromium"), args=ARGS
        )
        yield b
        b.close()


@pytest.fixture
def page(browser, site_url):
    """A fresh page that records console errors and warnings, page errors, failed and off-site requests."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    pg = context.new_page()
    pg.problems = []
    pg.on(
        "console",
        lambda m: pg.problems.append(f"console {m.type}: {m.text}") if m.type in ("error", "warning") else None,
    )
    pg.on("pageerror", lambda e: pg.problems.append(f"page error: {e}"))
    pg.on("requestfailed", lambda r: pg.problems.append(f"request failed: {r.url}"))
    pg.on(
        "request",
        lambda r: None if r.url.startswith((site_url, "data:", "blob:")) else pg.problems.append(f"off-site: {r.url}"),
    )
    yield pg
    context.close()


def test_the_home_page_loads_cleanly(page, site_url):
    from playwright.sync_api import expect

    page.goto(f"{site_url}/")
    expect(page.locator("h1").first).to_contain_text("ag2")
    expect(page.locator("nav.md-nav").first).to_contain_text("User guide")
    page.wait_for_load_state("networkidle")
    assert page.problems == []


def test_the_conversable_agent_api_page_loads_cleanly(page, site_url):
    from playwright.sync_api import expect

    page.goto(f"{site_url}/api/conversable_agent/")
    expect(page.locator("h1").first).to_contain_text("ConversableAgent")
    # mkdocstrings rendered the class and its methods from the docstrings
    expect(page.locator(".doc-class").first).to_be_visible()
    expect(page.locator("[id='autogen.agentchat.conversable_agent.ConversableAgent.initiate_chat']")).to_have_count(1)
    page.wait_for_load_state("networkidle")
    assert page.problems == []


def test_the_site_search_finds_group_chat_manager(page, site_url):
    from playwright.sync_api import expect

    page.goto(f"{site_url}/")
    page.locator("label.md-search__icon, .md-search__input").first.click()
    box = page.locator("input.md-search__input")
    box.fill("GroupChatManager")
    result = page.locator(".md-search-result__item").first
    expect(result).to_be_visible()
    expect(page.locator(".md-search-result")).to_contain_text("GroupChatManager")
    assert page.problems == []


def test_the_api_reference_has_a_page_per_area_with_working_cross_links(page, site_url):
    from playwright.sync_api import expect

    page.goto(f"{site_url}/api/")
    for area in ("Tools", "Group orchestration", "Classic group chat", "Code execution", "Vector databases",
                 "Durable chats", "MCP", "A2A", "AG-UI", "Testing", "Events"):  # fmt: skip
        expect(page.locator("article table")).to_contain_text(area)
    # `autogen.agentchat` re-exports ContextVariables; its link leads to the group page, which documents it
    page.goto(f"{site_url}/api/agentchat/")
    page.locator("article a[href*='autogen.agentchat.context_variables.ContextVariables']").first.click()
    expect(page).to_have_url(f"{site_url}/api/group/#autogen.agentchat.context_variables.ContextVariables")
    expect(page.locator("[id='autogen.agentchat.context_variables.ContextVariables.get']")).to_have_count(1)
    page.wait_for_load_state("networkidle")
    assert page.problems == []
