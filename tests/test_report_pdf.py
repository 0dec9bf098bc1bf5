"""The PDF: the report's HTML printed by the service's own Chromium, offline."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from harness.servers import ConnectionSentinel
from shared.capture.browser import BrowserPool
from shared.errors import AnalysisError
from shared.models.report import Report
from shared.report.html import render_html
from shared.report.pdf import render_pdf
from tests.support.pdf import pdf_page_images

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
async def sample_pdf(report_browser: BrowserPool, sample_report: Report, sample_screenshots: dict[str, bytes]) -> bytes:
    return await render_pdf(render_html(sample_report, sample_screenshots), report_browser)


def test_pdf_holds_the_report(sample_pdf: bytes, sample_report: Report) -> None:
    assert sample_pdf.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(sample_pdf))
    assert len(reader.pages) >= 2
    text = " ".join(page.extract_text() for page in reader.pages)
    flat = " ".join(text.split())
    assert sample_report.final_url in flat
    for finding in sample_report.findings[:3]:
        assert finding.title in flat
    assert f"page 1 of {len(reader.pages)}" in flat
    # A4 portrait, in points.
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)


def test_pdf_pages_render_with_the_screenshots(sample_pdf: bytes) -> None:
    """PDFium draws the first pages: they carry colour (gauges, screenshots), not just text."""
    pages = pdf_page_images(sample_pdf, pages=3, dpi=30)
    assert len(pages) == 3
    for number, image in enumerate(pages, start=1):
        colours = image.getcolors(maxcolors=image.width * image.height) or []
        assert len(colours) > 50, f"page {number}"


async def test_printing_makes_no_network_request(report_browser: BrowserPool, sample_report: Report) -> None:
    """HTML that points outside, with its CSP removed (say a template slipped), still fetches nothing."""
    with ConnectionSentinel() as sentinel:
        html = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", render_html(sample_report, {}))
        html = html.replace("</main>", f'<img src="http://127.0.0.1:{sentinel.port}/beacon.png"></main>')
        pdf = await render_pdf(html, report_browser)
    assert pdf.startswith(b"%PDF-")
    assert sentinel.connections == 0


async def test_printing_is_bounded(report_browser: BrowserPool, sample_report: Report) -> None:
    with pytest.raises(AnalysisError, match="not printed within"):
        await render_pdf(render_html(sample_report, {}), report_browser, timeout_s=0.001)
