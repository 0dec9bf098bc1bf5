"""The HTML report rendered in real Chromium: markers over their regions, page text shown not run, not blank."""

from __future__ import annotations

import io
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
from PIL import Image
from playwright.async_api import Page

from shared.capture.browser import BrowserPool
from shared.models.report import Report
from shared.report.html import render_html
from tests.support.reports import HOSTILE_DETAIL, HOSTILE_TITLE, build_report, marker_geometry

pytestmark = pytest.mark.browser

# Which screenshot each sample finding must be marked on (tests/support/reports.py places the regions).
EXPECTED_SHOT: dict[str, str | None] = {
    "cta.low_contrast:desktop:cta-2": "desktop-fold.png",  # inside the first viewport
    "a11y.image_alt_missing:desktop:image-3": "desktop-fold.png",  # partly off the left edge: clipped
    "mobile.tap_targets_small:mobile:cta-7": "mobile-fold.png",
    "llm-1": "mobile-fold.png",
    "content.h1_multiple:desktop": "desktop-full.png",  # straddles the fold
    "form.missing_labels:desktop:form-1": "desktop-full.png",  # below the fold
    "llm-2": "desktop-full.png",
    "mobile.footer_links:mobile": None,  # below the capped full-page shot
}
TOLERANCE_PX = 1.5


@asynccontextmanager
async def opened(pool: BrowserPool, html: str, width: int = 1280, height: int = 900) -> AsyncIterator[Page]:
    """The report loaded as a visitor would open the file: offline, nothing but the HTML."""
    browser = await pool.browser()
    context = await browser.new_context(viewport={"width": width, "height": height}, offline=True)
    try:
        page = await context.new_page()
        requests: list[str] = []
        page.on("request", lambda request: requests.append(request.url))
        await page.set_content(html, wait_until="load")
        page.requests = requests  # type: ignore[attr-defined]
        yield page
    finally:
        await context.close()


@pytest.fixture(scope="module")
def sample_html(sample_report: Report, sample_screenshots: dict[str, bytes]) -> str:
    return render_html(sample_report, sample_screenshots)


@pytest.mark.parametrize("width", [1280, 390], ids=["wide", "phone"])
async def test_every_marker_lies_over_its_region(
    report_browser: BrowserPool, sample_report: Report, sample_html: str, width: int
) -> None:
    shots = {shot.name: shot for shot in sample_report.screenshots}
    async with opened(report_browser, sample_html, width=width) as page:
        geometry = await marker_geometry(page)
    markers = {marker["finding"]: marker for marker in geometry["markers"]}
    cards = {card["finding"]: card for card in geometry["cards"]}
    assert len(markers) == len(geometry["markers"]), "one marker per finding"
    expected = {finding_id for finding_id, shot in EXPECTED_SHOT.items() if shot is not None}
    assert set(markers) == expected
    for finding in sample_report.findings:
        if finding.id not in markers:
            continue
        marker, region = markers[finding.id], finding.region
        assert region is not None
        assert marker["shot"] == EXPECTED_SHOT[finding.id], finding.id
        shot, image, box = shots[marker["shot"]], marker["image"], marker["box"]
        scale = image["width"] / shot.width
        assert image["height"] / shot.height == pytest.approx(scale, rel=1e-3)
        left, top = max(region.x, 0), max(region.y, 0)
        right, bottom = min(region.x + region.w, shot.width), min(region.y + region.h, shot.height)
        assert box["x"] == pytest.approx(image["x"] + left * scale, abs=TOLERANCE_PX), finding.id
        assert box["y"] == pytest.approx(image["y"] + top * scale, abs=TOLERANCE_PX), finding.id
        assert box["width"] == pytest.approx((right - left) * scale, abs=TOLERANCE_PX), finding.id
        assert box["height"] == pytest.approx((bottom - top) * scale, abs=TOLERANCE_PX), finding.id
        # The number on the marker is the number beside the finding in the list.
        assert marker["label"] == marker["number"] == cards[finding.id]["number"], finding.id
        assert cards[finding.id]["anchor"] == f"finding-{marker['number']}"


async def test_top_issues_are_numbered_first_and_link_to_their_findings(
    report_browser: BrowserPool, sample_report: Report, sample_html: str
) -> None:
    async with opened(report_browser, sample_html) as page:
        links = page.locator(".top-list a.top-link")
        assert await links.count() == len(sample_report.top_issues)
        for position, finding_id in enumerate(sample_report.top_issues, start=1):
            link = links.nth(position - 1)
            assert await link.get_attribute("href") == f"#finding-{position}"
            assert (await link.locator(".num").inner_text()).strip() == str(position)
            card = page.locator(f"article#finding-{position}")
            assert await card.get_attribute("data-finding") == finding_id
        # Every finding is listed exactly once, under its category.
        assert await page.locator("article.finding").count() == len(sample_report.findings)


async def test_page_and_model_text_is_shown_as_text_and_never_run(
    report_browser: BrowserPool, sample_report: Report, sample_html: str
) -> None:
    # Without the Content-Security-Policy too: escaping alone must keep the page's text inert.
    without_csp = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", sample_html)
    assert without_csp != sample_html
    for html in (sample_html, without_csp):
        async with opened(report_browser, html) as page:
            assert await page.evaluate("typeof window.__pwned") == "undefined"
            assert await page.locator("script").count() == 0
            assert await page.evaluate("document.querySelectorAll('[onerror], [onload], [onclick]').length") == 0
            card = page.locator('article.finding[data-finding="llm-2"]')
            assert (await card.locator(".finding-title").inner_text()).strip() == HOSTILE_TITLE
            assert (await card.locator(".finding-detail").inner_text()).strip() == HOSTILE_DETAIL
            assert await card.locator("b, img").count() == 0
            # A javascript: reference is printed, never linked.
            assert await page.locator('a[href^="javascript" i]').count() == 0
            assert "javascript:window.__pwned='link'" in await card.inner_text()
            # The report's own structure survived the hostile text: every category still renders.
            assert await page.locator("[id^=category-]").count() == 7


async def test_report_is_self_contained_and_not_blank(report_browser: BrowserPool, sample_html: str) -> None:
    assert "<script" not in sample_html.lower().replace("&lt;script", "")
    assert "url(" not in sample_html
    assert not re.search(r'\ssrc="(?!data:image/(png|jpeg);base64,)', sample_html)
    async with opened(report_browser, sample_html) as page:
        assert [url for url in page.requests if not url.startswith("data:")] == []  # type: ignore[attr-defined]
        loaded = await page.evaluate("[...document.images].every(img => img.complete && img.naturalWidth > 0)")
        assert loaded
        assert await page.locator("img").count() == 4
        png = await page.screenshot(full_page=True)
    image = Image.open(io.BytesIO(png)).convert("RGB")
    small = image.resize((image.width // 4, image.height // 4))
    colours = small.getcolors(maxcolors=small.width * small.height) or []
    non_white = sum(count for count, pixel in colours if min(pixel) < 235)
    assert len(colours) > 500
    assert non_white / (small.width * small.height) > 0.15


async def test_metrics_carry_core_web_vitals_bands(report_browser: BrowserPool, sample_html: str) -> None:
    async with opened(report_browser, sample_html) as page:
        rows = page.locator("table.metrics tbody tr")

        async def bands(label: str) -> list[str | None]:
            row = rows.filter(has=page.locator("th", has_text=re.compile(f"^{label}$")))
            cells = row.locator("td:not(.threshold-col)")
            return [await cells.nth(i).get_attribute("class") for i in range(await cells.count())]

        # Sample: desktop LCP 2.1 s / mobile 5.2 s; CLS 0.04 / 0.31; TBT 150 / 480 ms; FCP 1.2 / 2.6 s.
        assert await bands("Largest Contentful Paint") == ["band-good", "band-poor"]
        assert await bands("Cumulative Layout Shift") == ["band-good", "band-poor"]
        assert await bands("Total Blocking Time") == ["band-good", "band-average"]
        assert await bands("First Contentful Paint") == ["band-good", "band-average"]
        assert await bands("Requests") == [None, None]


async def test_score_gauges_use_lighthouse_bands(report_browser: BrowserPool, sample_html: str) -> None:
    async with opened(report_browser, sample_html) as page:
        gauges = page.locator(".gauge")
        found = {}
        for index in range(await gauges.count()):
            gauge = gauges.nth(index)
            label = await gauge.get_attribute("aria-label")
            classes = (await gauge.get_attribute("class") or "").split()
            found[label] = next(c for c in classes if c.startswith("band-"))
        assert found["Overall: 58 out of 100"] == "band-average"
        assert found["Performance: 38 out of 100"] == "band-poor"
        assert found["Content: 92 out of 100"] == "band-good"
        assert found["Forms: 55 out of 100"] == "band-average"
        assert len(found) == 8


@pytest.mark.parametrize(
    ("status", "reason", "headline"),
    [
        ("disabled", "rules only was requested (llm: false)", "Rules-only analysis"),
        ("unavailable", "Claude did not answer within 60 s <overloaded>", "Claude was unavailable"),
        ("invalid", "the answer did not match the schema after 2 attempts", "rejected as invalid"),
    ],
)
def test_banner_says_when_claude_did_not_contribute(status: str, reason: str, headline: str) -> None:
    report = build_report(llm_status=status, reason=reason)  # type: ignore[arg-type]
    html = render_html(report, {})
    banner = re.search(r'<aside class="banner banner--\w+" role="status">(.*?)</aside>', html, re.S)
    assert banner is not None
    assert headline in banner.group(1)
    assert reason.replace("<", "&lt;").replace(">", "&gt;") in banner.group(1)
    assert "<overloaded>" not in html


def test_no_banner_when_claude_reviewed_the_page(sample_report: Report) -> None:
    html = render_html(sample_report, {})
    assert 'class="banner' not in html
    assert "claude-sonnet-5-5" in html


def test_missing_screenshots_leave_findings_listed_but_unmarked(sample_report: Report) -> None:
    html = render_html(sample_report, {})
    assert "<img" not in html
    assert 'class="marker' not in html
    assert html.count('<article class="finding') == len(sample_report.findings)
