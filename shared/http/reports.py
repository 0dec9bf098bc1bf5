"""The report of a succeeded job as a document: HTML (Jinja2) or PDF, by the report package's renderers.

A renderer the installed version lacks answers 501, so the API stays truthful while formats are added.
"""

from __future__ import annotations

import importlib
import inspect
from typing import Literal

from starlette.responses import Response

from shared import service
from shared.http.problems import ApiError
from shared.models.api import Job
from shared.models.report import Report
from shared.service import Runtime

ReportFormat = Literal["html", "pdf"]
MEDIA_TYPES: dict[ReportFormat, str] = {"html": "text/html; charset=utf-8", "pdf": "application/pdf"}
RENDERERS: dict[ReportFormat, tuple[str, str]] = {
    "html": ("shared.report.html", "render_html"),
    "pdf": ("shared.report.pdf", "render_pdf"),
}


async def render_report(rt: Runtime, job: Job, report: Report, fmt: ReportFormat) -> Response:
    module_name, function_name = RENDERERS[fmt]
    try:
        renderer = getattr(importlib.import_module(module_name), function_name)
    except (ImportError, AttributeError) as exc:
        raise ApiError(501, "format_unavailable", f"this deployment cannot render report.{fmt}") from exc
    screenshots: dict[str, bytes] = {}
    for shot in report.screenshots:
        png = await service.get_screenshot(rt, job.id, shot.name)
        if png is not None:
            screenshots[shot.name] = png
    document = renderer(report, screenshots)
    if inspect.isawaitable(document):
        document = await document
    filename = f"cro-report-{job.id}.{fmt}"
    return Response(
        document,
        media_type=MEDIA_TYPES[fmt],
        headers={"Content-Disposition": f'inline; filename="{filename}"', "Cache-Control": "private, max-age=3600"},
    )
