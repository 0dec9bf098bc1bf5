"""A job as the API shows it (JobView): the record, its links and, once succeeded, its report."""

from __future__ import annotations

import base64

from shared import service
from shared.http.links import job_links
from shared.models.api import Job, JobView
from shared.models.report import Report
from shared.service import Runtime


async def report_for(rt: Runtime, job: Job) -> Report | None:
    """The job's report, screenshots inlined as base64 when the job asked for them."""
    if job.status != "succeeded":
        return None
    report = await service.get_report(rt, job.id)
    if report is None or not job.request.include_screenshots:
        return report
    screenshots = []
    for shot in report.screenshots:
        png = await service.get_screenshot(rt, job.id, shot.name)
        data = base64.b64encode(png).decode("ascii") if png is not None else None
        screenshots.append(shot.model_copy(update={"data_base64": data}))
    return report.model_copy(update={"screenshots": screenshots})


def job_view(job: Job, base: str, result: Report | None = None) -> JobView:
    return JobView(
        id=job.id,
        status=job.status,
        url=job.url,
        progress=job.progress,
        attempts=job.attempts,
        cached=job.cached,
        created_at=job.created_at,
        started_at=job.started_at,
        finished_at=job.finished_at,
        error=job.error,
        metadata=job.request.metadata,
        webhook=job.webhook,
        links=job_links(base, job.id),
        result=result,
    )
