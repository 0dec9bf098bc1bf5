"""The report of a real page: a corpus page captured and audited (rules only), rendered to HTML and PDF.

The sample-report tests prove the layout; this one proves the renderers take what capture and the rules
really produce (real screenshots, real regions) and still put every marker over its element. The stages
run as the engine runs them, in the session's shared Chromium.
"""

from __future__ import annotations

import io
from typing import NamedTuple

import pytest
from pypdf import PdfReader

from harness.servers import LoopbackServer
from shared.capture.browser import BrowserPool
from shared.capture.page_capture import capture_page
from shared.llm import judge
from shared.models.facts import DEVICES
from shared.models.report import Report
from shared.netguard.egress import EgressGuard
from shared.report.assemble import build_report
from shared.report.html import render_html
from shared.report.markers import place_region
from shared.report.pdf import render_pdf
from shared.rules import evaluate
from tests.conftest import make_settings
from tests.support.pdf import pdf_text
from tests.support.reports import marker_geometry

pytestmark = pytest.mark.browser

# Short budgets: the corpus pages wait for third-party hosts that never answer here.
BUDGETS = {
    "navigation_timeout_s": 10.0,
    "load_budget_s": 2.0,
    "network_quiet_ms": 200,
    "network_quiet_budget_s": 1.0,
    "lazy_scroll_budget_s": 1.5,
    "capture_timeout_s": 40.0,
}


class Outcome(NamedTuple):
    report: Report
    screenshots: dict[str, bytes]


@pytest.fixture(scope="module")
async def agency(corpus_server: LoopbackServer, browser_pool: BrowserPool, capture_guard: EgressGuard) -> Outcome:
    settings = make_settings(corpus_server, **BUDGETS)
    capture = await capture_page(
        corpus_server.url("/agency/index.html"), DEVICES, browser=browser_pool, guard=capture_guard, settings=settings
    )
    findings = evaluate(capture.facts)
    verdict = await judge(capture, findings, settings, enabled=False)
    report = build_report(capture, findings, verdict, capture.timings_ms)
    return Outcome(report, {image.ref.name: image.png for image in capture.screenshots})


async def test_real_page_report_marks_its_findings_and_prints(agency: Outcome, report_browser: BrowserPool) -> None:
    report, pngs = agency
    assert {shot.kind for shot in report.screenshots} == {"fold", "full"}
    html = render_html(report, pngs)

    placed = {
        finding.id: placement
        for finding in report.findings
        if finding.region and (placement := place_region(finding.region, report.screenshots))
    }
    # The agency page's unlabelled contact form lies far below the fold: it must be marked somewhere.
    labels = next(f for f in report.findings if f.rule == "form.missing_labels")
    assert labels.id in placed

    browser = await report_browser.browser()
    context = await browser.new_context(viewport={"width": 1280, "height": 900}, offline=True)
    try:
        page = await context.new_page()
        await page.set_content(html, wait_until="load")
        assert await page.evaluate("[...document.images].every(img => img.complete && img.naturalWidth > 0)")
        geometry = await marker_geometry(page)
    finally:
        await context.close()
    markers = {marker["finding"]: marker for marker in geometry["markers"]}
    assert set(markers) == set(placed)
    shots = {shot.name: shot for shot in report.screenshots}
    for finding in report.findings:
        if finding.id not in placed:
            continue
        marker, region = markers[finding.id], finding.region
        assert region is not None and marker["shot"] == placed[finding.id].screenshot
        image, box = marker["image"], marker["box"]
        scale = image["width"] / shots[marker["shot"]].width
        assert box["x"] == pytest.approx(image["x"] + max(region.x, 0) * scale, abs=1.5), finding.id
        assert box["y"] == pytest.approx(image["y"] + max(region.y, 0) * scale, abs=1.5), finding.id
    assert len(geometry["cards"]) == len(report.findings)

    pdf = await render_pdf(html, report_browser)
    assert len(PdfReader(io.BytesIO(pdf)).pages) >= 2
    text = " ".join(pdf_text(pdf).split())
    assert report.final_url in text
    assert labels.title in text
