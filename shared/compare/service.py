"""The comparison use cases: make one from two jobs or URLs (URLs are submitted as ordinary jobs), read it.

The record names the two jobs and nothing else; the diff is computed from their reports when read, so a
comparison made while its sides are still analysed becomes ready by itself. It expires with RESULT_TTL_S.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime

from shared import service
from shared.compare.diff import compare_reports
from shared.compare.model import Comparison, ComparisonLinks, ComparisonRequest, ComparisonView, Side, SideView
from shared.models.api import AnalysisRequest, Job, job_links
from shared.service import Runtime
from shared.store.keys import Keys

# The ids the store issues; a side matching this and naming an existing job is that job, else a URL.
JOB_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def comparison_path(comparison_id: str) -> str:
    return f"/v1/comparisons/{comparison_id}"


async def create_comparison(rt: Runtime, request: ComparisonRequest, *, principal: str) -> Comparison:
    """Raises InputError (a side is neither a known job nor an acceptable URL), AnalysisError (DNS did not
    answer in time), ServiceUnavailableError."""
    a = await _side(rt, request, request.a, principal)
    b = await _side(rt, request, request.b, principal)
    comparison = Comparison(id=uuid.uuid4().hex, created_at=datetime.now(UTC), a=a, b=b)
    key = Keys(rt.settings.key_prefix).comparison(comparison.id)
    await rt.redis.set(key, comparison.model_dump_json(), ex=rt.settings.result_ttl_s)
    return comparison


async def _side(rt: Runtime, request: ComparisonRequest, named: str, principal: str) -> Side:
    if JOB_ID.match(named):
        job = await service.get_job(rt, named)
        if job is not None:
            return Side(input=named, job_id=job.id)
    analysis = AnalysisRequest(url=named, devices=request.devices, llm=request.llm, force=request.force)
    outcome = await service.submit_job(rt, analysis, principal=principal, idempotency_key=None)
    return Side(input=named, job_id=outcome.job.id)


async def comparison_view(rt: Runtime, comparison_id: str, base: str) -> ComparisonView | None:
    data = await rt.redis.get(Keys(rt.settings.key_prefix).comparison(comparison_id))
    if not data:
        return None
    comparison = Comparison.model_validate_json(data)
    a = await service.get_job(rt, comparison.a.job_id)
    b = await service.get_job(rt, comparison.b.job_id)
    if a is None or b is None:
        return None  # a side expired: the comparison can no longer be shown
    path = base + comparison_path(comparison.id)
    view = ComparisonView(
        id=comparison.id,
        status="waiting",
        created_at=comparison.created_at,
        a=_side_view(comparison.a, a, base),
        b=_side_view(comparison.b, b, base),
        links=ComparisonLinks(self=path, report_html=f"{path}/report.html"),
    )
    if a.status == "failed" or b.status == "failed":
        view.status = "failed"
    elif a.status == "succeeded" and b.status == "succeeded":
        before, after = await service.get_report(rt, a), await service.get_report(rt, b)
        if before is None or after is None:
            return None
        view.status = "ready"
        view.diff = compare_reports(before.report, after.report)
    return view


def _side_view(side: Side, job: Job, base: str) -> SideView:
    return SideView(
        input=side.input, job_id=job.id, url=job.url, status=job.status, error=job.error, links=job_links(base, job.id)
    )


async def comparison_folds(rt: Runtime, view: ComparisonView, width: int) -> dict[str, str]:
    """Each side's first view (the desktop fold when there is one) as a data: URI, by side."""
    from shared.report.thumbnails import thumbnail_data_uri  # Pillow only where a view is drawn

    folds: dict[str, str] = {}
    for name, side in (("a", view.a), ("b", view.b)):
        job = await service.get_job(rt, side.job_id)
        read = await service.get_report(rt, job, screenshots=True) if job and job.status == "succeeded" else None
        shots = [shot for shot in (read.report.screenshots if read else []) if shot.kind == "fold"]
        shot = next((s for s in shots if s.device == "desktop"), shots[0] if shots else None)
        png = read.screenshots.get(shot.name) if read and shot else None
        uri = thumbnail_data_uri(png, width) if png else None
        if uri is not None:
            folds[name] = uri
    return folds
