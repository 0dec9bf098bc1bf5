"""The console in a real headless Chromium (Playwright) against a live gateway on a real redis-server:
set a key, submit a page, watch the stage and percent change until `succeeded`, open the report from
the list, copy the share link and open it in a fresh context without the key, cancel a slow job and see
`canceled`; markup in a label stays text; the Operations view shows /v1/stats; no horizontal scrolling
on a phone; the page's CSP is in force and nothing it loads breaks it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from playwright.async_api import Browser, Page, async_playwright, expect

from harness.scripted_analysis import make_outcome
from shared.capture.locate import locate_chromium
from shared.config import Settings
from shared.engine import AnalysisOptions, AnalysisOutcome, ProgressCallback
from shared.http.endpoints.console import CONSOLE_CSP
from tests.support.gateway import ServerThread, http_settings, running_gateway, target

pytestmark = pytest.mark.browser

API_KEY = "console-key"
TIMEOUT_MS = 20_000
HOSTILE_LABEL = "<script>window.__pwned = 1</script><b>bold</b>"


async def staged_analysis(options: AnalysisOptions, progress: ProgressCallback) -> AnalysisOutcome:
    """Moves through two stages slowly enough to be seen; a URL with `slow` in it stays in the second."""
    await progress("capturing", 10)
    await asyncio.sleep(0.8)
    await progress("auditing", 60)
    await asyncio.sleep(30 if "slow" in options.url else 0.8)
    return make_outcome(options)


@pytest.fixture
def gateway(redis_url: str):  # type: ignore[no-untyped-def]
    settings = http_settings(
        redis_url=redis_url,
        api_keys=[API_KEY],
        share_link_secret="console-share-secret",
        cancel_poll_s=0.1,
        events_poll_s=0.05,
        analysis_timeout_s=60,
        lease_s=90,
    )
    with running_gateway(settings, analyze=staged_analysis) as server:
        yield server


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    executable = locate_chromium(Settings())
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(
            executable_path=str(executable) if executable else None, chromium_sandbox=False
        )
        try:
            yield launched
        finally:
            await launched.close()


async def submit(page: Page, path: str, label: str = "") -> None:
    await page.fill("#url", target(path))
    await page.fill("#label", label)
    await page.uncheck("#llm")
    await page.click("#submit-form button[type=submit]")


async def test_console_end_to_end(gateway: ServerThread, browser: Browser) -> None:
    context = await browser.new_context()
    await context.grant_permissions(["clipboard-read", "clipboard-write"], origin=gateway.url())
    page = await context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    problems: list[str] = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))

    response = await page.goto(gateway.url("/"))
    assert response is not None and response.headers["content-security-policy"] == CONSOLE_CSP
    # Without a key the list cannot load: the console says why.
    await expect(page.locator("#message")).to_contain_text("unauthorized")
    problems.clear()
    await page.fill("#api-key", API_KEY)
    await page.click("#key-form button[type=submit]")
    await expect(page.locator("#key-state")).to_have_text("A key is set for this tab.")
    assert await page.evaluate("sessionStorage.getItem('cro-analyzer.api-key')") == API_KEY

    await submit(page, "/landing", HOSTILE_LABEL)
    stages = set()
    async with asyncio.timeout(TIMEOUT_MS / 1000):
        while (status := await page.text_content("#current-status")) != "succeeded":
            stages.add((status, await page.text_content("#current-stage"), await page.text_content("#current-percent")))
            await asyncio.sleep(0.05)
    assert ("running", "(capturing)", "10%") in stages and ("running", "(auditing)", "60%") in stages
    await expect(page.locator("#current-percent")).to_have_text("100%")

    row = page.locator("#recent tbody tr").first
    await expect(row.locator(".status")).to_have_text("succeeded")
    await expect(row.locator(".url")).to_have_text(HOSTILE_LABEL)
    assert await row.locator(".url b").count() == 0, "the label's markup is text, not elements"
    assert await page.evaluate("window.__pwned") is None
    await expect(row.locator(".score")).to_have_text("70")

    async with context.expect_page() as opened:
        await row.locator(".open-report").click()
    report = await opened.value
    await report.wait_for_load_state()
    assert "/report.html?expires=" in report.url
    assert await report.locator("body").count() == 1

    await row.locator(".copy-share").click()
    await expect(page.locator("#share-link-note")).to_contain_text("Share link copied")
    link = await page.evaluate("navigator.clipboard.readText()")
    assert link.startswith(gateway.url("/v1/analyses/")) and "&sig=" in link

    fresh = await browser.new_context()
    try:
        shared_page = await fresh.new_page()
        shared = await shared_page.goto(link)
        assert shared is not None and shared.status == 200
        assert await shared_page.evaluate("sessionStorage.length") == 0
        unshared = await shared_page.goto(link.split("?")[0])
        assert unshared is not None and unshared.status == 401
    finally:
        await fresh.close()

    await submit(page, "/slow")
    await expect(page.locator("#current-stage")).to_have_text("(auditing)")
    await page.locator("#current-actions .cancel").click()
    await expect(page.locator("#current-status")).to_have_text("canceled")
    await expect(page.locator("#recent tbody tr").first.locator(".status")).to_have_text("canceled")

    await page.click("#tab-operations")
    await expect(page.locator("#operations")).to_be_visible()
    await expect(page.locator("#ops-jobs tbody tr").first).to_contain_text("last hour")
    hour = page.locator("#ops-jobs tbody tr").first.locator("td")
    await expect(hour.nth(1)).to_have_text("1")  # succeeded
    await expect(hour.nth(3)).to_have_text("1")  # canceled
    assert problems == [], problems
    await context.close()


async def test_console_reads_on_a_phone(gateway: ServerThread, browser: Browser) -> None:
    context = await browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = await context.new_page()
    await page.goto(gateway.url("/"))
    await page.evaluate(f"sessionStorage.setItem('cro-analyzer.api-key', {API_KEY!r})")
    await page.reload()
    await submit(page, "/phone")
    await expect(page.locator("#current-status")).to_have_text("succeeded", timeout=TIMEOUT_MS)
    await expect(page.locator("#recent tbody tr")).to_have_count(1)
    assert await page.evaluate("document.documentElement.scrollWidth") <= 390, "no sideways scrolling"
    font_px = await page.evaluate("parseFloat(getComputedStyle(document.querySelector('#recent td')).fontSize)")
    assert font_px >= 14
    await context.close()
