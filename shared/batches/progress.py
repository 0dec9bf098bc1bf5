"""What a final page job does to its batches: records its digest, and sends the webhook of a batch it
completes. Called by the service where a final job's own webhook is settled, so the queue delivery that
finished the job does it, and a delivery redone after a crash does it again (a digest is written once).

The delivery whose digest completes the batch sends the batch's one webhook, under the batch's lock, and
records how it went; a concurrent delivery that finds the lock taken leaves it to the holder.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from shared.batches.model import BatchEvent, PageDigest
from shared.batches.store import BatchStore
from shared.batches.summary import digest_of
from shared.batches.view import CANCELED, EXPIRED, build_view
from shared.config import Settings
from shared.models.api import Job, WebhookState
from shared.models.report import Report
from shared.netguard.egress import EgressGuard
from shared.store.jobs import JobStore
from shared.webhooks.sender import send_signed

log = logging.getLogger(__name__)


async def page_digest(jobs: JobStore, job: Job) -> PageDigest:
    """The digest of a final job; a succeeded job whose report expired, or a canceled one, counts as failed."""
    if job.status == "succeeded":
        stored = await jobs.read_result(job.id, screenshots=False)
        if stored is not None:
            return digest_of(job.id, job.url, Report.model_validate_json(stored.report_json))
    reason = CANCELED if job.status == "canceled" else EXPIRED
    return PageDigest(job_id=job.id, url=job.url, status="failed", error=job.error or reason)


async def settle_batches(
    jobs: JobStore, batches: BatchStore, job_id: str, *, settings: Settings, guard: EgressGuard
) -> None:
    """For a final job: its digest in each batch it is a page of, and the webhook of any batch it completes.
    Raises RedisError (the delivery is then retried)."""
    batch_ids = await batches.batches_of(job_id)
    if not batch_ids:
        return
    job = await jobs.get_job(job_id)
    if job is None or not job.is_final:
        return
    digest = await page_digest(jobs, job)
    for batch_id in batch_ids:
        count, total, webhook = await batches.add_digest(batch_id, digest)
        if count >= total and webhook is not None and webhook.status == "pending":
            await _send_webhook(batches, batch_id, settings=settings, guard=guard)


async def _send_webhook(batches: BatchStore, batch_id: str, *, settings: Settings, guard: EgressGuard) -> None:
    token = await batches.lock(batch_id)
    if token is None:
        return
    try:
        found = await batches.get(batch_id)
        if found is None or found[1] is None or found[1].status != "pending":
            return
        batch, webhook = found
        assert batch.request.callback_url is not None
        digests = await batches.digests(batch_id)
        view = build_view(batch, webhook, digests, {}, base=settings.link_base(), top=settings.batch_summary_top)
        body = BatchEvent(**dict(view)).model_dump_json().encode()
        try:
            result = await send_signed(settings, guard, batch.request.callback_url, body, f"msg_batch_{batch_id}")
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
        await batches.record_webhook(batch_id, state)
    finally:
        await batches.unlock(batch_id, token)
