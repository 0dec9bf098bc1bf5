"""The batch use cases: create one (each page an ordinary job), read it, draw its thumbnails.

Nothing watches a batch: the queue delivery that makes a page job final records its digest
(`shared.batches.progress`, called by the service), and so does the batch's submit for pages final
already (cache hits, or jobs that ended before the batch was stored). Reads never write: a reader
computes the digest of a final job no delivery has recorded yet, and shows it.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from datetime import UTC, datetime

from shared import service
from shared.batches.model import DEFAULT_MAX_PAGES, Batch, BatchPage, BatchRequest, BatchView, Discovery
from shared.batches.pages import PageCollector
from shared.batches.progress import page_digest
from shared.batches.sitemap import SitemapError, read_sitemap
from shared.batches.store import BatchStore
from shared.batches.view import build_view
from shared.errors import AnalysisError, CroAnalyzerError
from shared.models.api import AnalysisRequest, Job, JobError, JobStatus, WebhookState
from shared.netguard.policy import check_target
from shared.service import Runtime

log = logging.getLogger(__name__)


class BatchRefusedError(CroAnalyzerError):
    """The batch cannot be made as asked; `code` is stable snake_case, `details` say what was found."""

    def __init__(self, code: str, message: str, details: object = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = details


def batch_store(rt: Runtime) -> BatchStore:
    return BatchStore(rt.redis, rt.settings)


async def submit_batch(rt: Runtime, request: BatchRequest, *, principal: str) -> Batch:
    """Finds the pages, submits each as a job (cache, coalescing, retries as for any job), stores the batch.

    Raises BatchRefusedError (max_pages over the setting, no page left, an unreadable sitemap), InputError
    (the sitemap or callback URL refused), ServiceUnavailableError. A page whose URL is refused becomes a
    failed page of the batch, not an error of the whole request.
    """
    settings = rt.settings
    if request.max_pages is not None and request.max_pages > settings.batch_max_pages:
        raise BatchRefusedError(
            "too_many_pages",
            f"max_pages may be at most {settings.batch_max_pages} (BATCH_MAX_PAGES)",
            {"max_pages": request.max_pages, "limit": settings.batch_max_pages},
        )
    limit = request.max_pages or min(DEFAULT_MAX_PAGES, settings.batch_max_pages)
    urls, discovery = await _find_pages(rt, request, limit)
    if not urls:
        raise BatchRefusedError("no_pages", "no page to analyse was left", discovery.model_dump())
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
        raise BatchRefusedError("no_pages", "every page was refused", {"pages": refused[: settings.batch_summary_top]})
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
    # Pages final already had no delivery that knew of this batch (the membership above came after them).
    complete = False
    for job_id in batch.job_ids:
        current = await rt.store.get_job(job_id)
        if current is not None and current.is_final:
            count, total, _ = await store.add_digest(batch.id, await page_digest(rt.store, current))
            complete = count >= total
    if complete and webhook is not None:
        # The callback goes out from a queue delivery, as a job's does: this request may lose its CPU once
        # it has answered. A delivery of a final job settles its batches and is acknowledged.
        await rt.queue.enqueue(batch.job_ids[-1])
    return batch


async def _find_pages(rt: Runtime, request: BatchRequest, limit: int) -> tuple[list[str], Discovery]:
    if request.sitemap_url is not None:
        try:
            return await read_sitemap(rt.settings, rt.allowlist, request.sitemap_url, limit)
        except SitemapError as exc:
            raise BatchRefusedError("sitemap_unreadable", f"sitemap_url: the sitemap {exc.reason}") from None
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
        if job is not None and job.is_final:
            digests[job_id] = await page_digest(rt.store, job)
        elif job is not None:
            statuses[job_id] = job.status
    return build_view(batch, webhook, digests, statuses, base=base, top=rt.settings.batch_summary_top)


async def batch_thumbnails(rt: Runtime, batch_id: str) -> dict[str, str]:
    """Each succeeded page's fold as a small data: URI, by job id, for the batch report."""
    from shared.report.thumbnails import thumbnail_data_uri  # Pillow only where a report is drawn

    thumbnails: dict[str, str] = {}
    for job_id, digest in (await batch_store(rt).digests(batch_id)).items():
        png = await rt.store.get_screenshot(job_id, digest.fold) if digest.fold else None
        uri = thumbnail_data_uri(png, rt.settings.batch_thumbnail_px) if png else None
        if uri is not None:
            thumbnails[job_id] = uri
    return thumbnails
