"""The report of a succeeded job as a document: self-contained HTML (Jinja2), or that HTML printed to PDF by
the Chromium this process already runs for analyses (the engine's), never a second browser."""

from __future__ import annotations

from typing import Literal

from starlette.responses import Response

from shared.models.api import Job
from shared.report.html import render_html
from shared.service import ReportRead, Runtime

ReportFormat = Literal["html", "pdf"]
MEDIA_TYPES: dict[ReportFormat, str] = {"html": "text/html; charset=utf-8", "pdf": "application/pdf"}


async def render_report(rt: Runtime, job: Job, read: ReportRead, fmt: ReportFormat) -> Response:
    html = render_html(read.report, read.screenshots)
    document: str | bytes = html
    if fmt == "pdf":
        from shared.report.pdf import render_pdf  # Playwright only where a PDF is asked for

        document = await render_pdf(html, (await rt.engine()).browser)
    filename = f"cro-report-{job.id}.{fmt}"
    return Response(
        document,
        media_type=MEDIA_TYPES[fmt],
        headers={
            "Content-Disposition": f'inline; filename="{filename}"',
            "Cache-Control": "private, max-age=3600",
            # The report quotes the analysed page: never let a browser sniff it into something else.
            "X-Content-Type-Options": "nosniff",
        },
    )
