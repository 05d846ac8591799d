"""The viewer page in a real browser (headless Chromium through Playwright): a recorded group chat
with tool calls opens, the timeline shows every message and speaker selection, selecting an LLM call
shows the messages it sent; a session of several chats shows failed attempts (retry, fallback, give
up), tool outcomes, handoffs, a guardrail, code runs and a nested chat; paging through a
10,000-message run works, the exported file works offline, and the console stays free of errors.
Screenshots are kept under the test's tmp dir.

The page answers asynchronously: every check waits for a condition (``expect`` retries until it
holds), never for a fixed time, so the tests pass on a loaded machine too.

Skipped without Playwright or /usr/bin/chromium, unless AG2_REQUIRE_BROWSER=1 (CI)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

try:
    from playwright.sync_api import expect
except ImportError:  # the browser tests skip themselves
    expect = None
from test_viewer_server import N_MESSAGES, synthetic_log
from viewer_logs import FEATURE_RUNS, TRANSCRIPT

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
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=60_000)  # a loaded machine may be slow; a failing check still fails

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


def only(page, kind: str) -> None:
    """Show only the items of one kind: uncheck every other kind, then wait until the page shows that."""
    for box in page.locator(".bar input[type=checkbox]").all():
        if box.get_attribute("data-kind") == kind:
            box.check()
        else:
            box.uncheck()
    page.wait_for_function(
        "kind => { const xs = [...document.querySelectorAll('#timeline .item')];"
        " return xs.length > 0 && xs.every(x => x.dataset.kind === kind); }",
        arg=kind,
    )


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
        speakers = page.locator(".item[data-kind=speaker]")
        assert speakers.count() == 5
        assert "speaker selected #1: planner (auto, llm, 1 attempt)" in speakers.nth(0).inner_text()
        assert "candidates: user, planner, writer" in speakers.nth(0).inner_text()
        assert "speaker selected #5: writer" in speakers.nth(4).inner_text()
        assert "Termination message condition on the GroupChatManager" in page.locator("#termination").inner_text()
        assert page.locator("[data-testid=termination-code]").inner_text() == "termination_message"
        assert "group chat: user \u2192 chat_manager" in page.locator("#chat-info").inner_text()

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
        only(page, "message")
        expect(page.locator("#timeline .item")).to_have_count(len(TRANSCRIPT))
        page.fill("#search", "sums are")
        expect(page.locator("#timeline .item")).to_have_count(1)
        expect(page.locator("#timeline .item")).to_contain_text("The sums are 3 and 7.")
    assert all(u.startswith((server.url, "data:")) for u in page.requests), page.requests
    assert page.problems == []


def test_retries_tools_handoffs_code_and_nested_chats_in_the_browser(page, feature_logs, tmp_path):
    with serve(feature_logs["sqlite"]) as server:
        page.goto(server.url)
        page.wait_for_selector("#timeline .item")
        runs = page.locator("#runs li")
        expect(runs).to_have_count(len(FEATURE_RUNS))
        for n, (title, _, code) in enumerate(FEATURE_RUNS):
            expect(runs.nth(n).locator(".t")).to_have_text(title)
            expect(runs.nth(n).locator(".m")).to_contain_text(code)
        expect(runs.nth(1).locator(".m")).to_contain_text("pattern chat")

        # 1. Retries and fallbacks: each failed attempt, what came next, the call that answered in the end.
        expect(page.locator("#termination")).to_contain_text("Termination message condition on agent 'user' met")
        failures = page.locator(".item[data-kind=llm_failure]")
        expect(failures).to_have_count(3)
        expect(failures.nth(0)).to_contain_text("LLM call failed (attempt 1/2)")
        expect(failures.nth(0)).to_contain_text("InternalServerError: Error code: 503")
        expect(failures.nth(0)).to_contain_text("then: retry after")
        expect(failures.nth(0)).to_contain_text("config 0 \u00b7 fake-model \u00b7 http://127.0.0.1:")
        expect(failures.nth(1)).to_contain_text("then: fall back to config 1")
        expect(failures.nth(2)).to_contain_text("BadRequestError")
        expect(page.locator(".item.err[data-kind=llm_failure] [data-testid=error-badge]")).to_have_count(3)
        expect(page.locator(".item[data-kind=llm_call]").first).to_contain_text("after 2 failed attempts")
        expect(page.locator("table[data-table=agent] tr", has_text="asst")).to_contain_text("3")
        expect(page.locator("table[data-table=agent]")).to_contain_text("failed attempts")
        failed_tool = page.locator(".item.err[data-kind=tool]")
        expect(failed_tool).to_have_count(1)
        expect(failed_tool).to_contain_text("ran tool divide [call_div] \u00b7 failed")
        expect(failed_tool).to_contain_text("error: ZeroDivisionError: division by zero")
        expect(page.locator(".item[data-kind=tool]:not(.err)")).to_contain_text("ran tool add [call_add] \u00b7 ok")
        failures.nth(1).locator("[data-testid=call-link]").click()
        expect(page.locator("#detail h2").first).to_have_text("LLM call 0")
        expect(page.locator("#call-failures [data-testid=call-failure]")).to_have_count(2)
        expect(page.locator("#call-failures")).to_contain_text("then: fall back to config 1")
        page.screenshot(path=str(artifact(tmp_path, "viewer-failures.png")))
        only(page, "llm_failure")
        expect(page.locator("#timeline .item")).to_have_count(3)

        # 2. The pattern chat: handoffs, the guardrail, the termination chosen by the after-work.
        runs.nth(1).click()
        handoffs = page.locator(".item[data-kind=handoff]")
        expect(handoffs).to_have_count(5)
        expect(handoffs.nth(2)).to_contain_text("handoff triage \u2192 tech (llm_handoff) \u00b7 AgentTarget")
        expect(handoffs.nth(4)).to_contain_text("security \u2192 Terminate (group_after_work)")
        guardrail = page.locator(".item[data-kind=guardrail]")
        expect(guardrail).to_contain_text("guardrail 'secrets' activated \u2192 security")
        expect(guardrail).to_contain_text("justification: Match found -> password")
        expect(page.locator("#termination")).to_contain_text("Terminate chosen by group_after_work after 'security'")
        expect(page.locator("[data-testid=termination-code]")).to_have_text("terminate_target")

        # 3. Code executions.
        runs.nth(2).click()
        code = page.locator(".item[data-kind=code]")
        expect(code).to_have_count(2)
        expect(code.nth(0)).to_contain_text(
            "code execution (python) \u00b7 exit code 0 \u00b7 LocalCommandLineCodeExecutor"
        )
        expect(code.nth(0).locator("pre.code")).to_have_text("print(6 * 7)")
        expect(code.nth(0).locator("pre.output")).to_have_text("42")
        expect(code.nth(1)).to_contain_text("exit code 3")
        expect(code.nth(1).locator("[data-testid=error-badge]")).to_have_count(1)

        # 4. A nested chat inside its parent's run.
        runs.nth(3).click()
        chats = page.locator(".item[data-kind=chat]")
        expect(chats).to_have_count(2)
        expect(chats.nth(0)).to_contain_text("nested two-agent chat started: host \u2192 inner")
        expect(chats.nth(1)).to_contain_text("nested chat ended: Maximum turns (1) reached")
        expect(page.locator(".item[data-depth='1']")).to_have_count(3)
        page.screenshot(path=str(artifact(tmp_path, "viewer-nested.png")))

        # 5. A call that gave up: the error ended the chat.
        runs.nth(4).click()
        expect(page.locator(".item[data-kind=llm_failure]")).to_contain_text("then: give up")
        expect(page.locator("#termination")).to_contain_text("AuthenticationError")
        expect(page.locator("[data-testid=termination-code]")).to_have_text("error")
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
