"""The report as PDF: the same HTML printed by the Chromium the process already runs (no second engine).

The page is printed in a context of its own that cannot reach the network (offline, every request
aborted) and runs no script: the HTML is self-contained, so nothing is lost, and a report built from
a hostile page cannot make the service's browser fetch or execute anything while it prints.
"""

from __future__ import annotations

import asyncio
import contextlib

from playwright.async_api import BrowserContext, Route
from playwright.async_api import Error as PlaywrightError

from shared.capture.browser import BrowserPool
from shared.config import get_settings
from shared.errors import AnalysisError, ErrorCode

# Chromium's own footer, outside the page content: page numbers only, so nothing untrusted goes there.
_FOOTER = (
    '<div style="width:100%;font:8px sans-serif;color:#6b7280;text-align:right;padding:0 11mm">'
    'CRO Analyzer report · page <span class="pageNumber"></span> of <span class="totalPages"></span></div>'
)


async def render_pdf(html: str, browser: BrowserPool, *, timeout_s: float | None = None) -> bytes:
    """A4 PDF of `html` (from `render_html`); `timeout_s` defaults to REPORT_PDF_TIMEOUT_S."""
    budget = timeout_s if timeout_s is not None else get_settings().report_pdf_timeout_s
    chromium = await browser.browser()
    try:
        async with asyncio.timeout(budget):
            context = await chromium.new_context(offline=True, java_script_enabled=False, service_workers="block")
        try:
            async with asyncio.timeout(budget):
                return await _print(context, html)
        finally:
            with contextlib.suppress(PlaywrightError, TimeoutError):
                async with asyncio.timeout(budget):
                    await context.close()
    except TimeoutError as exc:
        raise AnalysisError(ErrorCode.internal, f"the PDF was not printed within {budget:g} s") from exc
    except PlaywrightError as exc:
        raise AnalysisError(ErrorCode.browser_crashed, f"Chromium could not print the report: {exc}") from exc


async def _print(context: BrowserContext, html: str) -> bytes:
    await context.route("**/*", _refuse)
    page = await context.new_page()
    await page.set_content(html, wait_until="load")
    await page.emulate_media(media="print")
    return await page.pdf(
        prefer_css_page_size=True,
        print_background=True,
        display_header_footer=True,
        header_template="<span></span>",
        footer_template=_FOOTER,
    )


async def _refuse(route: Route) -> None:
    await route.abort("blockedbyclient")
