"""The batch use cases: create one (each page an ordinary job), follow its pages, summarise it, call back once.

Nothing watches a batch: whoever sees a page job become final records its digest. That is the queue
delivery that finished the job (`settle_batches`, called where the job's own webhook is settled, so a
redelivery of a final job does it again after a crash), the batch's submit for pages already final (cache
hits), and any reader of the batch for a page whose delivery never got that far. The delivery whose
digest completes the batch sends the batch's one webhook, under a lock, and records how it went.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from datetime import UTC, datetime

from shared import service
from shared.batches.model import (
    DEFAULT_MAX_PAGES,
    Batch,
    BatchEvent,
    BatchLinks,
    BatchPage,
    BatchRequest,
    BatchView,
    Discovery,
    PageDigest,
    PageLinks,
    PageView,
)
from shared.batches.pages import PageCollector
from shared.batches.sitemap import SitemapError, read_sitemap
from shared.batches.store import BatchStore
from shared.batches.summary import digest_of, site_summary
from shared.errors import AnalysisError
from shared.http.links import base_url, job_links
from shared.models.api import AnalysisRequest, Job, JobError, JobStatus, WebhookState
from shared.netguard.policy import check_target
from shared.service import Runtime

log = logging.getLogger(__name__)

EXPIRED = JobError(code="job_expired", message="the page's job expired before the batch was read")


class BatchRefused(Exception):  # noqa: N818 - the HTTP layer's 422
    """The batch cannot be made as asked; `code` is stable snake_case, `details` say what was found."""

    def __init__(self, code: str, message: str, details: object = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = details


def batch_store(rt: Runtime) -> BatchStore:
    return BatchStore(rt.redis, rt.settings)


def batch_path(batch_id: str) -> str:
    return f"/v1/batches/{batch_id}"


# --- create -------------------------------------------------------------------------------------------


async def submit_batch(rt: Runtime, request: BatchRequest, *, principal: str) -> Batch:
    """Finds the pages, submits each as a job (cache, coalescing, retries as for any job), stores the batch.

    Raises BatchRefused (max_pages over the setting, no page left, an unreadable sitemap), InputError (the
    sitemap or callback URL refused), ServiceUnavailable. A page whose URL is refused becomes a failed
    page of the batch, not an error of the whole request.
    """
    settings = rt.settings
    if request.max_pages is not None and request.max_pages > settings.batch_max_pages:
        raise BatchRefused(
            "too_many_pages",
            f"max_pages may be at most {settings.batch_max_pages} (BATCH_MAX_PAGES)",
            {"max_pages": request.max_pages, "limit": settings.batch_max_pages},
        )
    limit = request.max_pages or min(DEFAULT_MAX_PAGES, settings.batch_max_pages)
    urls, discovery = await _find_pages(rt, request, limit)
    if not urls:
        raise BatchRefused("no_pages", "no page to analyse was left", discovery.model_dump())
    stored = request
    webhook = None
    if request.callback_url is not None:
        callback = await check_target(
            request.callback_url, rt.allowlist, field="callback_url", resolve_timeout_s=settings.dns_timeout_s
        )
        stored = request.model_copy(update={"callback_url": callback})
        webhook = WebhookState(status="pending")
    slots = asyncio.Semaphore(settings.batch_submit_concurrency)
    submitted = await asyncio.gather(*(_submit_page(rt, stored, url, principal, slots) for url in urls))
    if not any(job for _, job in submitted):
        refused = [page.model_dump() for page, _ in submitted]
        raise BatchRefused("no_pages", "every page was refused", {"pages": refused[: settings.batch_summary_top]})
    batch = Batch(
        id=uuid.uuid4().hex,
        created_at=datetime.now(UTC),
        request=stored,
        discovery=discovery,
        pages=[page for page, _ in submitted],
    )
    store = batch_store(rt)
    await store.create(batch, webhook)
    log.info("batch created", extra={"batch_id": batch.id, "pages": len(batch.pages), "jobs": len(batch.job_ids)})
    # Pages final already (cache hits, or jobs that finished before the membership above was written) had
    # no delivery that knew of this batch: their digests are recorded here.
    complete = False
    for job in {job.id: job for _, job in submitted if job is not None}.values():
        current = await service.get_job(rt, job.id)
        if current is not None and current.is_final:
            count, jobs, _ = await store.add_digest(batch.id, await page_digest(rt, current))
            complete = count >= jobs
    if complete and webhook is not None:
        # The callback goes out from a queue delivery, as a job's does: this request may lose its CPU once
        # it has answered. A delivery of a final job settles its batches and acknowledges.
        await rt.queue.enqueue(batch.job_ids[-1])
    return batch


async def _find_pages(rt: Runtime, request: BatchRequest, limit: int) -> tuple[list[str], Discovery]:
    if request.sitemap_url is not None:
        try:
            return await read_sitemap(rt.settings, rt.allowlist, request.sitemap_url, limit)
        except SitemapError as exc:
            raise BatchRefused("sitemap_unreadable", f"sitemap_url: the sitemap {exc.reason}") from None
    discovery = Discovery(source="urls", found=0)
    collector = PageCollector(discovery, limit)
    for url in request.urls or ():
        collector.add(url)
    return collector.pages, discovery


async def _submit_page(
    rt: Runtime, request: BatchRequest, url: str, principal: str, slots: asyncio.Semaphore
) -> tuple[BatchPage, Job | None]:
    page_request = AnalysisRequest(url=url, devices=request.devices, llm=request.llm, force=request.force)
    async with slots:
        try:
            outcome = await service.submit_job(rt, page_request, principal=principal, idempotency_key=None)
        except AnalysisError as exc:
            return BatchPage(url=url, error=JobError(code=exc.code.value, message=exc.message)), None
    return BatchPage(url=url, job_id=outcome.job.id), outcome.job


# --- follow -------------------------------------------------------------------------------------------


async def page_digest(rt: Runtime, job: Job) -> PageDigest:
    """The digest of a final job; a succeeded job whose report expired counts as failed."""
    if job.status == "succeeded":
        try:
            report = await service.get_report(rt, job.id)
        except (service.JobNotFound, service.JobNotFinished):
            report = None
        if report is not None:
            return digest_of(job.id, job.url, report)
    return PageDigest(job_id=job.id, url=job.url, status="failed", error=job.error or EXPIRED)


async def settle_batches(rt: Runtime, job_id: str) -> None:
    """For a final job: records its digest in each batch it is a page of, and sends the webhook of any
    batch it completes. Raises RedisError (the delivery is then retried)."""
    store = batch_store(rt)
    batch_ids = await store.batches_of(job_id)
    if not batch_ids:
        return
    job = await rt.store.get_job(job_id)
    if job is None or not job.is_final:
        return
    digest = await page_digest(rt, job)
    for batch_id in batch_ids:
        count, jobs, webhook = await store.add_digest(batch_id, digest)
        if count >= jobs and webhook is not None and webhook.status == "pending":
            await _send_webhook(rt, store, batch_id)


async def _send_webhook(rt: Runtime, store: BatchStore, batch_id: str) -> None:
    from shared.webhooks.delivery import send_signed  # here: shared.webhooks imports the service

    token = await store.lock(batch_id)
    if token is None:
        return  # another delivery is sending it
    try:
        found = await store.get(batch_id)
        if found is None or found[1] is None or found[1].status != "pending":
            return
        batch, _ = found
        view = await batch_view(rt, batch_id, base_url(rt.settings))
        assert view is not None and batch.request.callback_url is not None
        body = BatchEvent(**dict(view)).model_dump_json().encode()
        try:
            result = await send_signed(rt, batch.request.callback_url, body, f"msg_batch_{batch_id}")
        except Exception as exc:
            log.exception("batch webhook delivery crashed")
            state = WebhookState(status="failed", error=f"{type(exc).__name__}: {exc}", at=datetime.now(UTC))
        else:
            state = WebhookState(
                status="delivered" if result.delivered else "failed",
                attempts=result.attempts,
                status_code=result.status_code,
                error=result.error,
                at=datetime.now(UTC),
            )
        await store.record_webhook(batch_id, state)
    finally:
        await store.unlock(batch_id, token)


# --- read ---------------------------------------------------------------------------------------------


async def batch_view(rt: Runtime, batch_id: str, base: str) -> BatchView | None:
    """The batch with each page's state and score, and its site summary once every page is final."""
    store = batch_store(rt)
    found = await store.get(batch_id)
    if found is None:
        return None
    batch, webhook = found
    digests = await store.digests(batch_id)
    statuses: dict[str, JobStatus] = {}
    for job_id in batch.job_ids:
        if job_id in digests:
            continue
        job = await service.get_job(rt, job_id)
        if job is None:
            digests[job_id] = PageDigest(job_id=job_id, url="", status="failed", error=EXPIRED)
        elif job.is_final:
            digests[job_id] = await page_digest(rt, job)
            await store.add_digest(batch_id, digests[job_id])
        else:
            statuses[job_id] = job.status
    pages = [_page_view(page, digests, statuses, base) for page in batch.pages]
    counts: dict[JobStatus, int] = {"queued": 0, "running": 0, "succeeded": 0, "failed": 0}
    for page in pages:
        counts[page.status] += 1
    finished = not statuses
    summary = None
    if finished:
        refused = [page.error.code for page in batch.pages if page.job_id is None and page.error is not None]
        summary = site_summary(
            (digests[job_id] for job_id in batch.job_ids), refused, top=rt.settings.batch_summary_top
        )
    path = base + batch_path(batch_id)
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


def _page_view(page: BatchPage, digests: dict[str, PageDigest], statuses: dict[str, JobStatus], base: str) -> PageView:
    if page.job_id is None:
        return PageView(url=page.url, job_id=None, status="failed", error=page.error)
    links = job_links(base, page.job_id)
    page_links = PageLinks(self=links.self, report_html=links.report_html)
    digest = digests.get(page.job_id)
    if digest is None:
        return PageView(url=page.url, job_id=page.job_id, status=statuses[page.job_id], links=page_links)
    return PageView(
        url=page.url,
        job_id=page.job_id,
        status=digest.status,
        score=digest.overall,
        categories=digest.categories,
        error=digest.error,
        links=page_links,
    )


async def batch_thumbnails(rt: Runtime, batch_id: str) -> dict[str, str]:
    """Each succeeded page's fold as a small data: URI, by job id, for the batch report."""
    from shared.report.thumbnails import thumbnail_data_uri  # Pillow only where a report is drawn

    thumbnails: dict[str, str] = {}
    for job_id, digest in (await batch_store(rt).digests(batch_id)).items():
        if digest.fold is None:
            continue
        try:
            png = await service.get_screenshot(rt, job_id, digest.fold)
        except (service.JobNotFound, service.JobNotFinished):
            continue
        uri = thumbnail_data_uri(png, rt.settings.batch_thumbnail_px) if png else None
        if uri is not None:
            thumbnails[job_id] = uri
    return thumbnails
