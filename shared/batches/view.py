"""A batch as callers see it (`BatchView`), built from the record, its digests and the unfinished pages'
statuses: pure, so the reader and the delivery sending the webhook show exactly the same thing."""

from __future__ import annotations

from shared.batches.model import (
    Batch,
    BatchLinks,
    BatchPage,
    BatchView,
    PageDigest,
    PageLinks,
    PageView,
)
from shared.batches.summary import site_summary
from shared.models.api import JobError, JobStatus, WebhookState, job_links

EXPIRED = JobError(code="job_expired", message="the page's job expired before the batch was read")
CANCELED = JobError(code="job_canceled", message="the page's job was canceled (DELETE /v1/analyses/{id})")


def batch_path(batch_id: str) -> str:
    return f"/v1/batches/{batch_id}"


def build_view(
    batch: Batch,
    webhook: WebhookState | None,
    digests: dict[str, PageDigest],
    statuses: dict[str, JobStatus],
    *,
    base: str,
    top: int,
) -> BatchView:
    """`digests`: the final page jobs; `statuses`: the others. The batch is finished when no job is left
    unfinished; a job in neither mapping has expired and counts as failed."""
    pages = [_page_view(page, digests, statuses, base) for page in batch.pages]
    counts: dict[JobStatus, int] = {"queued": 0, "running": 0, "succeeded": 0, "failed": 0}
    for page in pages:
        counts[page.status] += 1
    finished = not statuses
    summary = None
    if finished:
        refused = [page.error.code for page in batch.pages if page.job_id is None and page.error is not None]
        final = [digests.get(job_id) or _expired(job_id) for job_id in batch.job_ids]
        summary = site_summary(final, refused, top=top)
    path = base + batch_path(batch.id)
    return BatchView(
        id=batch.id,
        status="finished" if finished else "running",
        created_at=batch.created_at,
        total=len(pages),
        counts=counts,
        discovery=batch.discovery,
        pages=pages,
        summary=summary,
        metadata=batch.request.metadata,
        webhook=webhook,
        links=BatchLinks(self=path, report_html=f"{path}/report.html", report_pdf=f"{path}/report.pdf"),
    )


def _expired(job_id: str) -> PageDigest:
    return PageDigest(job_id=job_id, url="", status="failed", error=EXPIRED)


def _page_view(page: BatchPage, digests: dict[str, PageDigest], statuses: dict[str, JobStatus], base: str) -> PageView:
    if page.job_id is None:
        return PageView(url=page.url, job_id=None, status="failed", error=page.error)
    links = job_links(base, page.job_id)
    page_links = PageLinks(self=links.self, report_html=links.report_html)
    if page.job_id in statuses:
        return PageView(url=page.url, job_id=page.job_id, status=statuses[page.job_id], links=page_links)
    digest = digests.get(page.job_id) or _expired(page.job_id)
    return PageView(
        url=page.url,
        job_id=page.job_id,
        status=digest.status,
        score=digest.overall,
        categories=digest.categories,
        error=digest.error,
        links=page_links,
    )
