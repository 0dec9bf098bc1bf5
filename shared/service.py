"""The use cases every entry point calls: submit a job, process one delivery of it, read it back.

The functions, the gateway, the worker and the CLI are adapters over these; nothing here knows HTTP.
At-least-once delivery is assumed everywhere: a lease lets one attempt run, a final job is acknowledged
without work, and submits are idempotent (Idempotency-Key, in-flight coalescing, result cache).
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import logging
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from redis.asyncio import Redis
from redis.exceptions import RedisError

from shared import metrics, stats
from shared.batches.progress import settle_batches
from shared.batches.store import BatchStore
from shared.config import Settings
from shared.errors import (
    AnalysisError,
    CanceledMidAttemptError,
    ErrorCode,
    IdempotencyConflictError,
    JobAlreadyFinishedError,
    JobNotFinishedError,
    JobNotFoundError,
    LeaseLostError,
    ServiceUnavailableError,
)
from shared.logs import job_context
from shared.models.api import AnalysisRequest, Job, JobError, Progress, WebhookState
from shared.models.report import Report
from shared.netguard.allowlist import Allowlist
from shared.netguard.egress import EgressGuard
from shared.netguard.policy import check_field_syntax, check_target
from shared.netguard.resolver import KeyedSlots, Resolver, system_resolver
from shared.queue import Delivery, DeliveryOutcome, Queue, build_queue
from shared.store import JobStore, connect_redis
from shared.store.fingerprints import body_digest, cache_fingerprint, request_digest, series_fingerprint
from shared.store.index import JobIndex, Page
from shared.store.jobs import IdempotencyRef
from shared.webhooks import send_job_webhook

if TYPE_CHECKING:
    from shared.engine import AnalysisOptions, AnalysisOutcome, Engine, ProgressCallback

log = logging.getLogger(__name__)

AnalyzeFn = Callable[["AnalysisOptions", "ProgressCallback"], Awaitable["AnalysisOutcome"]]

__all__ = [
    "AnalyzeFn",
    "Delivery",
    "ReportRead",
    "Runtime",
    "SubmitOutcome",
    "cancel_job",
    "find_job",
    "get_job",
    "get_previous",
    "get_report",
    "get_result",
    "get_screenshot",
    "list_jobs",
    "process_delivery",
    "readiness",
    "submit_job",
]


class Runtime:
    """What one process wires up from Settings: the store, the queue, and (lazily) the engine."""

    def __init__(self, settings: Settings, redis: Redis, *, analyze: AnalyzeFn | None = None) -> None:
        self.settings = settings
        self.redis = redis
        self.store = JobStore(redis, settings)
        self.index = JobIndex(redis, settings)
        # This process's name in /v1/stats' worker list (a worker sets its consumer name).
        self.instance = stats.instance_name()
        self.allowlist = Allowlist.parse(settings.allowed_private_hosts)
        self.resolver: Resolver = system_resolver(settings.dns_timeout_s)
        self.dns_slots = KeyedSlots(settings.dns_lookups_per_key)
        self.queue: Queue = build_queue(
            settings,
            redis,
            lambda delivery: process_delivery(self, delivery),
            lambda job_id: abandon_job(self, job_id),
        )
        self._analyze_override = analyze
        self._engine: Engine | None = None
        self._engine_lock = asyncio.Lock()
        self._browser_answer: tuple[float, bool] | None = None  # (monotonic time, answer)
        self._browser_check_lock = asyncio.Lock()

    @classmethod
    async def create(cls, settings: Settings, *, analyze: AnalyzeFn | None = None) -> Runtime:
        """REDIS_URL unset -> the embedded store (one process); the engine starts on the first analysis."""
        return cls(settings, connect_redis(settings), analyze=analyze)

    async def analyze(self, options: AnalysisOptions, progress: ProgressCallback) -> AnalysisOutcome:
        if self._analyze_override is not None:
            return await self._analyze_override(options, progress)
        return await (await self.engine()).analyze(options, progress)

    async def engine(self) -> Engine:
        """This process's engine (one Chromium), created on first use; the PDF reports print with it too."""
        async with self._engine_lock:
            if self._engine is None:
                from shared.engine import Engine  # Chromium and the analysis modules only where analyses run

                self._engine = Engine(self.settings, self.redis)
        return self._engine

    async def browser_starts(self) -> bool:
        """Whether this process's Chromium runs, or can be started now. The engine's own pool answers, so
        a browser started here is the one the next analysis or PDF uses; the answer is kept for
        `browser_check_cache_s`, so frequent probes do not relaunch a browser that cannot start (each try
        may take `browser_op_timeout_s`), and concurrent probes share one launch."""
        async with self._browser_check_lock:
            answer = self._browser_answer
            if answer is not None and time.monotonic() - answer[0] < self.settings.browser_check_cache_s:
                return answer[1]
            starts = await (await self.engine()).browser.check()
            self._browser_answer = (time.monotonic(), starts)
            return starts

    async def close(self) -> None:
        """Stops taking work, lets running work finish or release its leases, then frees connections."""
        await self.queue.close()
        if self._engine is not None:
            await self._engine.close()
        await self.redis.aclose()


# --- submit -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SubmitOutcome:
    job: Job
    created: bool  # a new job id (also for a cache hit); False = an existing job returned again
    cached: bool


async def submit_job(
    rt: Runtime, request: AnalysisRequest, *, principal: str, idempotency_key: str | None
) -> SubmitOutcome:
    """Creates (or finds) the job for `request` and hands new ones to the queue.

    Raises InputError (URL policy), AnalysisError (DNS gave no answer in time: transient),
    IdempotencyConflictError, ServiceUnavailableError. The job keeps `callback_url` as the check normalised it; the
    Idempotency-Key compares the body as the client sent it.
    """
    budget_s = rt.settings.dns_timeout_s
    # The caller's lookups share the caller's slots: slow names cost their own submits, not another key's.
    resolver = rt.dns_slots.resolver_for(principal, rt.resolver)
    url = await check_target(request.url, rt.allowlist, field="url", resolve_timeout_s=budget_s, resolver=resolver)
    stored = request
    if request.callback_url is not None:
        callback = await check_target(
            request.callback_url, rt.allowlist, field="callback_url", resolve_timeout_s=budget_s, resolver=resolver
        )
        # What was checked is what is delivered to: the raw string may parse to another host elsewhere.
        stored = request.model_copy(update={"callback_url": callback})
    now = _now()
    webhook = WebhookState(status="pending") if request.callback_url else None
    queued = Job(id=uuid.uuid4().hex, status="queued", url=url, request=stored, created_at=now, webhook=webhook)
    cached = queued.model_copy(
        update={
            "status": "succeeded",
            "cached": True,
            "progress": Progress(stage="done", percent=100),
            "started_at": now,
            "finished_at": now,
        }
    )
    idempotency = (
        IdempotencyRef(principal=principal, key=idempotency_key, body_digest=body_digest(request))
        if idempotency_key
        else None
    )
    try:
        result = await rt.store.submit(
            queued=queued,
            cached=cached,
            cache_fingerprint=cache_fingerprint(url, request.devices, request.llm),
            use_cache=not request.force,
            request_digest=request_digest(principal, stored, url),
            idempotency=idempotency,
            stream=rt.queue.submit_stream,
        )
    except RedisError as exc:
        raise ServiceUnavailableError("the job store is unavailable") from exc
    if result.kind == "conflict":
        raise IdempotencyConflictError("this Idempotency-Key was used with a different request body")
    assert result.job is not None
    job = result.job
    metrics.JOBS_SUBMITTED.labels(result.kind).inc()
    if result.kind in ("created", "cached"):
        await _index(rt, principal, job, series_fingerprint(principal, url, request.devices, request.llm))
    with job_context(job.id):
        if result.kind == "created":
            if rt.queue.submit_stream is None:  # else the submit step added the job's message itself
                await _enqueue(rt, job, idempotency)
            log.info("job queued", extra={"url": job.url})
        elif result.kind == "cached":
            log.info("served from cache", extra={"url": job.url})
            await stats.observe_finished(rt.redis, rt.settings, job, None)
            if job.webhook is not None:
                # The callback goes out from a queue delivery, not from here: a serverless submit has no
                # CPU once it has answered, and a delivery is retried until the webhook state is settled.
                await _enqueue(rt, job, idempotency)
        else:
            log.info("existing job returned", extra={"reason": result.kind})
    return SubmitOutcome(job=job, created=result.kind in ("created", "cached"), cached=job.cached)


async def _index(rt: Runtime, principal: str, job: Job, series: str) -> None:
    try:
        await rt.index.add(principal, job, series)
    except RedisError as exc:
        # The job stands; it is only missing from its key's listing.
        log.warning("could not add the job to the listing", extra={"error": str(exc)})


async def _enqueue(rt: Runtime, job: Job, idempotency: IdempotencyRef | None) -> None:
    try:
        await rt.queue.enqueue(job.id)
    except Exception as exc:
        # Nothing half-written: a job no queue holds would coalesce identical submits into a dead end.
        log.warning("enqueue failed; job withdrawn", extra={"error": repr(exc)})
        with contextlib.suppress(RedisError):
            await rt.store.discard(job.id, idempotency)
        raise ServiceUnavailableError("the queue is unavailable") from exc


# --- analyze ------------------------------------------------------------------------------------------


async def process_delivery(rt: Runtime, delivery: Delivery) -> DeliveryOutcome:
    """Runs one delivery of a job: "done" (acknowledge it) or "retry" (the queue should deliver it again).

    A lease lets one attempt run at a time; a final job is acknowledged without work; a permanent
    AnalysisError fails the job at once; a transient one is retried until the last allowed attempt,
    which fails the job with its reason. A delivery past the last attempt fails an abandoned job with
    `lease_expired` (the attempts before it stopped without a word, e.g. a killed worker).
    """
    with job_context(delivery.job_id):
        await _beat(rt)
        try:
            return await _process(rt, delivery)
        except RedisError as exc:
            log.warning("store unavailable during delivery", extra={"error": str(exc)})
            return "retry"
        finally:
            await _beat(rt)


async def _beat(rt: Runtime) -> None:
    """An analyze instance on Cloud Run has no CPU between requests: it reports itself around deliveries."""
    try:
        await stats.beat(rt.redis, rt.settings, rt.instance, metrics.running_analyses())
    except RedisError as exc:
        log.warning("heartbeat failed", extra={"error": str(exc)})


async def _process(rt: Runtime, delivery: Delivery) -> DeliveryOutcome:
    store = rt.store
    job = await store.get_job(delivery.job_id)
    if job is None:
        log.warning("delivery for an unknown or expired job")
        return "done"
    if job.is_final:
        log.info("job already final; delivery acknowledged", extra={"status": job.status})
        return await _settle_webhook(rt, job.id)
    token = await store.leases.acquire(job.id)
    if token is None:
        log.info("another attempt holds the lease", extra={"attempt": delivery.attempt})
        return "retry"
    # Read again under the lease: a concurrent delivery may have finished the job (and freed the lease)
    # since the read above, and that stale copy would put a succeeded job back to running.
    job = await store.get_job(delivery.job_id)
    if job is None or job.is_final:
        await store.leases.release(delivery.job_id, token)
        log.info("job finished by a concurrent delivery; acknowledged")
        return await _settle_webhook(rt, delivery.job_id)
    attempt = max(delivery.attempt, job.attempts + 1)
    if attempt > delivery.max_attempts:
        abandoned = JobError(
            code=ErrorCode.lease_expired,
            message=f"the analysis stopped without finishing {job.attempts} time(s); no attempts left",
        )
        reason = abandoned if job.status == "running" or job.error is None else job.error
        await _finish_failed(rt, job, token, reason)
        return "done"
    if job.status == "running":
        log.warning("taking over a job whose attempt stopped", extra={"attempts": job.attempts})
    running = job.model_copy(
        update={
            "status": "running",
            "attempts": job.attempts + 1,
            "started_at": job.started_at or _now(),
            "progress": Progress(stage="starting", percent=0),
        }
    )
    if not await store.update(running, token):
        return "retry"
    log.info("attempt started", extra={"attempt": running.attempts, "delivery": delivery.attempt})
    try:
        outcome = await _analyze_holding_lease(rt, running, token)
    except (LeaseLostError, CanceledMidAttemptError):
        if await _canceled_meanwhile(rt, running.id, token):
            return await _settle_webhook(rt, running.id)
        log.warning("lease lost mid-attempt; another attempt took over")
        return "retry"
    except asyncio.CancelledError:
        await asyncio.shield(_hand_back(rt, running, token))
        raise
    except AnalysisError as exc:
        return await _after_failure(rt, running, token, exc.code, exc.message, exc.permanent, attempt, delivery)
    except Exception as exc:
        log.exception("analysis crashed")
        message = f"unexpected error during the analysis ({type(exc).__name__})"
        return await _after_failure(rt, running, token, ErrorCode.internal, message, False, attempt, delivery)
    await _finish_succeeded(rt, running, token, outcome)
    return "done"


async def abandon_job(rt: Runtime, job_id: str) -> None:
    """Ends a job no delivery will ever come for (the in-process queue shut down): failed, with a reason
    that tells the caller to submit again, rather than queued forever."""
    try:
        token = await rt.store.leases.acquire(job_id)
        if token is None:
            return
        job = await rt.store.get_job(job_id)
        if job is None or job.is_final:
            await rt.store.leases.release(job_id, token)
            return
        error = JobError(
            code=ErrorCode.internal, message="the service stopped before this analysis finished; submit again"
        )
        await _finish_failed(rt, job, token, error)
    except RedisError as exc:
        log.warning("could not end an abandoned job", extra={"error": str(exc)})


async def _analyze_holding_lease(rt: Runtime, job: Job, token: str) -> AnalysisOutcome:
    """Runs the analysis while renewing the lease; stops it if the lease is lost."""
    from shared.engine import AnalysisOptions

    current = job

    async def progress(stage: str, percent: int) -> None:
        nonlocal current
        current = current.model_copy(update={"progress": Progress(stage=stage, percent=percent)})
        if not await rt.store.update(current, token):
            raise LeaseLostError(job.id)

    options = AnalysisOptions(url=job.url, devices=tuple(job.request.devices), llm=job.request.llm)
    with metrics.analysis_in_flight():
        task = asyncio.create_task(rt.analyze(options, progress))
        return await _watch(rt, job, token, task)


async def _watch(rt: Runtime, job: Job, token: str, task: asyncio.Task[AnalysisOutcome]) -> AnalysisOutcome:
    """Waits for the analysis, renewing the lease every third of it and looking every CANCEL_POLL_S for
    a cancel, so a long stage does not keep a canceled job running until its next progress write."""
    renew_every = rt.settings.lease_s / 3
    next_renewal = time.monotonic() + renew_every
    try:
        while True:
            timeout = max(0.0, min(next_renewal - time.monotonic(), rt.settings.cancel_poll_s))
            done, _ = await asyncio.wait({task}, timeout=timeout)
            if done:
                return task.result()
            try:
                if await rt.index.status(job.id) == "canceled":
                    raise CanceledMidAttemptError(job.id)
                if time.monotonic() < next_renewal:
                    continue
                next_renewal = time.monotonic() + renew_every
                renewed = await rt.store.leases.renew(job.id, token)
            except RedisError as exc:
                # The lease is still valid for a while; the next renewal may get through.
                log.warning("lease renewal failed", extra={"error": str(exc)})
                continue
            if not renewed:
                raise LeaseLostError(job.id)
    finally:
        if not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task


async def _after_failure(
    rt: Runtime,
    job: Job,
    token: str,
    code: ErrorCode,
    message: str,
    permanent: bool,
    attempt: int,
    delivery: Delivery,
) -> DeliveryOutcome:
    error = JobError(code=code, message=message)
    if permanent or attempt >= delivery.max_attempts:
        log.info("attempt failed; job failed", extra={"code": code, "permanent": permanent, "attempt": attempt})
        await _finish_failed(rt, job, token, error)
        return "done"
    log.info("attempt failed; will retry", extra={"code": code, "attempt": attempt})
    retrying = job.model_copy(
        update={"status": "queued", "error": error, "progress": Progress(stage="retrying", percent=0)}
    )
    if await rt.store.update(retrying, token):
        await rt.store.leases.release(job.id, token)
    elif await _canceled_meanwhile(rt, job.id, token):
        return await _settle_webhook(rt, job.id)
    return "retry"


async def _canceled_meanwhile(rt: Runtime, job_id: str, token: str) -> bool:
    """After a write of this attempt was refused: whether the job was canceled; if so the attempt's lease
    is released, so the webhook (and any later delivery) can go ahead."""
    if await rt.index.status(job_id) != "canceled":
        return False
    await rt.store.leases.release(job_id, token)
    log.info("job canceled; attempt stopped, lease released")
    return True


async def _hand_back(rt: Runtime, job: Job, token: str) -> None:
    """Shutdown mid-attempt: the job goes back to queued and its lease is freed for the next delivery."""
    log.info("attempt interrupted by shutdown; lease released")
    with contextlib.suppress(RedisError):
        interrupted = job.model_copy(update={"status": "queued", "progress": Progress(stage="interrupted", percent=0)})
        if await rt.store.update(interrupted, token) or await rt.index.status(job.id) == "canceled":
            await rt.store.leases.release(job.id, token)


async def _finish_succeeded(rt: Runtime, job: Job, token: str, outcome: AnalysisOutcome) -> None:
    final = job.model_copy(
        update={
            "status": "succeeded",
            "progress": Progress(stage="done", percent=100),
            "finished_at": _now(),
            "error": None,
        }
    )
    screenshots = {shot.ref.name: shot.png for shot in outcome.screenshots}
    if not await rt.store.succeed(final, token, outcome.report.model_dump_json(), screenshots):
        if await _canceled_meanwhile(rt, job.id, token):
            await _settle_webhook(rt, job.id)
            return
        log.warning("lease lost before the result was stored; another attempt owns the job")
        return
    log.info("job succeeded", extra={"attempts": final.attempts})
    await rt.index.record_score(final.id, outcome.report.scores.overall)
    await stats.observe_finished(rt.redis, rt.settings, final, outcome.report)
    await _settle_webhook(rt, final.id)


async def _finish_failed(rt: Runtime, job: Job, token: str, error: JobError) -> None:
    final = job.model_copy(update={"status": "failed", "finished_at": _now(), "error": error})
    if not await rt.store.fail(final, token):
        if await _canceled_meanwhile(rt, job.id, token):
            await _settle_webhook(rt, job.id)
            return
        log.warning("lease lost before the failure was stored; another attempt owns the job")
        return
    log.info("job failed", extra={"code": error.code, "attempts": final.attempts})
    await stats.observe_finished(rt.redis, rt.settings, final, None)
    await _settle_webhook(rt, final.id)


async def _settle_webhook(rt: Runtime, job_id: str) -> DeliveryOutcome:
    """Sends a finished job's pending webhook, once, and records how it went.

    Under the job's lease, so concurrent deliveries do not both send it; "retry" when another delivery
    holds the lease, so the queue comes back until the state is settled. A webhook that could not be
    delivered after its own retries is recorded as failed and never changes the job.
    """
    # The batches this job is a page of record it first; a delivery redone after a crash records it again.
    await settle_batches(
        rt.store,
        BatchStore(rt.redis, rt.settings),
        job_id,
        settings=rt.settings,
        guard=EgressGuard.from_settings(rt.settings, rt.allowlist),
    )
    token = await rt.store.leases.acquire(job_id)
    if token is None:
        return "retry"
    try:
        job = await rt.store.get_job(job_id)
        if job is None or job.webhook is None or job.webhook.status != "pending":
            return "done"
        try:
            result = await send_job_webhook(
                job,
                await get_result(rt, job),
                previous=await get_previous(rt, job),
                settings=rt.settings,
                guard=EgressGuard.from_settings(rt.settings, rt.allowlist),
            )
        except Exception as exc:
            log.exception("webhook delivery crashed")
            state = WebhookState(status="failed", error=f"{type(exc).__name__}: {exc}", at=_now())
        else:
            state = WebhookState(
                status="delivered" if result.delivered else "failed",
                attempts=result.attempts,
                status_code=result.status_code,
                error=result.error,
                at=_now(),
            )
        await rt.store.record_webhook(job_id, state)
        metrics.WEBHOOKS.labels(state.status).inc()
        return "done"
    finally:
        await rt.store.leases.release(job_id, token)


# --- read ---------------------------------------------------------------------------------------------


async def get_job(rt: Runtime, job_id: str) -> Job | None:
    """The job, or None when unknown or expired. Raises ServiceUnavailableError.

    Reads never write: a running job whose lease is gone with no attempts left gets one delivery queued
    (by the first reader to see it), which fails it with `lease_expired` and sends its webhook where
    deliveries run, not inside this read; until then it is shown as it is stored.
    """
    try:
        snapshot = await rt.store.snapshot(job_id)
        if snapshot is None:
            return None
        job = snapshot.job
        if (
            job.status == "running"
            and not snapshot.lease_held
            and job.attempts >= rt.settings.max_attempts
            and await rt.store.claim_settlement(job.id)
        ):
            with job_context(job.id):
                log.info("abandoned job seen by a read; its settlement is queued")
                await rt.queue.enqueue(job.id)
        return job
    except RedisError as exc:
        raise ServiceUnavailableError("the job store is unavailable") from exc


@dataclass(frozen=True)
class ReportRead:
    report: Report
    screenshots: dict[str, bytes]


async def get_report(rt: Runtime, job: Job, *, screenshots: bool = False) -> ReportRead | None:
    """The report of a succeeded job (with all its screenshots when asked), read in one round trip; None
    when it has expired although the job has not.

    Raises JobNotFinishedError (queued, running or failed), ServiceUnavailableError.
    """
    _require_succeeded(job)
    try:
        stored = await rt.store.read_result(job.id, screenshots=screenshots)
    except RedisError as exc:
        raise ServiceUnavailableError("the job store is unavailable") from exc
    if stored is None:
        return None
    return ReportRead(report=Report.model_validate_json(stored.report_json), screenshots=stored.screenshots)


async def get_result(rt: Runtime, job: Job) -> Report | None:
    """What the job's view carries: its report once succeeded, screenshots inlined as base64 when the job
    asked for them; None before (or once the report expired)."""
    if job.status != "succeeded":
        return None
    inline = job.request.include_screenshots
    read = await get_report(rt, job, screenshots=inline)
    if read is None or not inline:
        return read.report if read else None
    shots = []
    for shot in read.report.screenshots:
        png = read.screenshots.get(shot.name)
        data = base64.b64encode(png).decode("ascii") if png is not None else None
        shots.append(shot.model_copy(update={"data_base64": data}))
    return read.report.model_copy(update={"screenshots": shots})


async def get_previous(rt: Runtime, job: Job) -> str | None:
    """The id of the job a succeeded job's `links.previous` names: the newest one created before it, of
    the same page and options and API key, that succeeded. None for a job that has not succeeded (no read).

    Raises ServiceUnavailableError.
    """
    if job.status != "succeeded":
        return None
    try:
        return await rt.index.previous(job)
    except RedisError as exc:
        raise ServiceUnavailableError("the job store is unavailable") from exc


async def list_jobs(
    rt: Runtime,
    principal: str,
    *,
    status: str | None,
    limit: int,
    cursor: str | None,
    same_as: AnalysisRequest | None = None,
) -> Page:
    """A page of the key's jobs, newest first; with `same_as`, only those of its page and options (its URL
    normalised as submit does, its `devices` and `llm`).

    Raises InputError (a URL submit would refuse for its syntax), ServiceUnavailableError.
    """
    series = None
    if same_as is not None:
        url = check_field_syntax(same_as.url, "url")
        series = series_fingerprint(principal, url, same_as.devices, same_as.llm)
    try:
        return await rt.index.page(principal, status=status, limit=limit, cursor=cursor, series=series)
    except RedisError as exc:
        raise ServiceUnavailableError("the job store is unavailable") from exc


async def get_screenshot(rt: Runtime, job: Job, name: str) -> bytes | None:
    """A PNG of a succeeded job by its name in the report; None when there is no such screenshot.

    Raises JobNotFinishedError, ServiceUnavailableError.
    """
    _require_succeeded(job)
    try:
        return await rt.store.get_screenshot(job.id, name)
    except RedisError as exc:
        raise ServiceUnavailableError("the job store is unavailable") from exc


async def find_job(rt: Runtime, job_id: str) -> Job:
    """The job; raises JobNotFoundError when unknown or expired, ServiceUnavailableError."""
    job = await get_job(rt, job_id)
    if job is None:
        raise JobNotFoundError(job_id)
    return job


def _require_succeeded(job: Job) -> None:
    if job.status != "succeeded":
        raise JobNotFinishedError(job.id, job.status)


# --- cancel -------------------------------------------------------------------------------------------


async def cancel_job(rt: Runtime, job_id: str) -> Job:
    """Ends a queued or running job as `canceled`. An attempt running it notices (its next write is
    refused, or its watch sees the status within CANCEL_POLL_S), stops and releases the lease; the
    webhook goes out from the next delivery, as for any final job. No report is written.

    Raises JobNotFoundError, JobAlreadyFinishedError (succeeded, failed or canceled already),
    ServiceUnavailableError.
    """
    now = _now()

    def canceled(job: Job) -> Job:
        return job.model_copy(
            update={
                "status": "canceled",
                "finished_at": now,
                "progress": Progress(stage="canceled", percent=job.progress.percent),
            }
        )

    try:
        outcome = await rt.index.cancel(job_id, canceled)
        if outcome.kind == "missing":
            raise JobNotFoundError(job_id)
        if outcome.kind == "final":
            raise JobAlreadyFinishedError(job_id, outcome.status or "")
        if outcome.kind == "busy":
            raise ServiceUnavailableError("the job changed too often to be canceled; try again")
        assert outcome.job is not None
        with job_context(job_id):
            log.info("job canceled")
            await stats.observe_finished(rt.redis, rt.settings, outcome.job, None)
        return await rt.store.get_job(job_id) or outcome.job
    except RedisError as exc:
        raise ServiceUnavailableError("the job store is unavailable") from exc


# --- operations ---------------------------------------------------------------------------------------


async def readiness(rt: Runtime, *, browser: bool = True) -> dict[str, bool | str]:
    """store and queue reachable, Chromium starts (launched once, see `Runtime.browser_starts`), Claude
    configured; `ready` sums up. `browser=False` is for a process that never starts Chromium: it reports
    "unused" and launches nothing.

    Claude missing does not make the service unready: reports then say the model was not used.
    """
    try:
        store_ok = await asyncio.wait_for(rt.store.ping(), rt.settings.redis_timeout_s)
    except (RedisError, TimeoutError, OSError):
        store_ok = False
    queue_ok = await rt.queue.check()
    browser_state: bool | str
    if rt._analyze_override is not None:
        browser_state = "injected"
    elif not browser:
        browser_state = "unused"
    else:
        browser_state = await rt.browser_starts()
    return {
        "ready": bool(store_ok and queue_ok and browser_state is not False),
        "store": store_ok,
        "queue": queue_ok,
        "queue_backend": rt.settings.queue_backend,
        "browser": browser_state,
        "claude": rt.settings.llm_configured,
    }


def _now() -> datetime:
    return datetime.now(UTC)
