"""The job lifecycle through the service on a real redis-server: progress, retries, permanent failures,
attempts, leases taken over or expired, shutdown mid-attempt, readiness, and the JSON logs."""

from __future__ import annotations

import asyncio
import ipaddress
import json
import logging
from collections.abc import AsyncIterator, Sequence
from http.server import SimpleHTTPRequestHandler

import pytest

from harness.scripted_analysis import ScriptedAnalysis
from harness.servers import LoopbackServer
from shared.errors import AnalysisError, ErrorCode, InputError, JobNotFinishedError, JobNotFoundError
from shared.logs import JsonFormatter, job_context
from shared.models.api import Job
from shared.netguard.addresses import IPAddress
from shared.service import (
    Delivery,
    Runtime,
    get_job,
    process_delivery,
    readiness,
    submit_job,
)
from tests.support.jobs import TARGET, jobs_settings, report_of, request, wait_until

TRANSIENT = AnalysisError(ErrorCode.capture_timeout, "the page did not load in time")
PERMANENT = AnalysisError(ErrorCode.not_html, "the URL is a PDF, not a page")


@pytest.fixture
def analysis() -> ScriptedAnalysis:
    return ScriptedAnalysis()


@pytest.fixture
async def rt(redis_url: str, analysis: ScriptedAnalysis) -> AsyncIterator[Runtime]:
    runtime = await Runtime.create(jobs_settings(redis_url), analyze=analysis)
    try:
        yield runtime
    finally:
        await runtime.close()


@pytest.fixture
async def parked(redis_url: str, analysis: ScriptedAnalysis) -> AsyncIterator[Runtime]:
    """A runtime whose queue is Redis Streams with no worker: jobs wait, tests deliver them by hand."""
    runtime = await Runtime.create(jobs_settings(redis_url, queue_backend="redis"), analyze=analysis)
    try:
        yield runtime
    finally:
        await runtime.close()


async def submitted(rt: Runtime, path: str = "/") -> Job:
    return (await submit_job(rt, request(path), principal="p", idempotency_key=None)).job


def delivery(job: Job, attempt: int) -> Delivery:
    return Delivery(job_id=job.id, attempt=attempt, max_attempts=3)


async def test_lifecycle_records_progress_attempts_and_timestamps(rt: Runtime, analysis: ScriptedAnalysis) -> None:
    analysis._steps = [0.5]
    job = await submitted(rt)
    assert job.status == "queued" and job.attempts == 0 and job.started_at is None
    running = await wait_until(rt, job.id, "running")
    while running.progress.stage != "capturing":
        running = await wait_until(rt, job.id, "running")
    assert running.progress.percent == 10
    assert running.attempts == 1 and running.started_at is not None
    done = await wait_until(rt, job.id)
    assert done.status == "succeeded"
    assert (done.progress.stage, done.progress.percent) == ("done", 100)
    assert done.finished_at is not None and done.started_at is not None
    assert done.created_at <= done.started_at <= done.finished_at
    report = await report_of(rt, job.id)
    assert report is not None and report.url == job.url


async def test_transient_failure_is_retried_then_succeeds(rt: Runtime, analysis: ScriptedAnalysis) -> None:
    analysis._steps = [TRANSIENT]
    done = await wait_until(rt, (await submitted(rt)).id)
    assert done.status == "succeeded"
    assert done.attempts == 2
    assert done.error is None
    assert len(analysis.calls) == 2


async def test_permanent_failure_is_not_retried(rt: Runtime, analysis: ScriptedAnalysis) -> None:
    analysis._steps = [PERMANENT]
    done = await wait_until(rt, (await submitted(rt)).id)
    assert done.status == "failed"
    assert done.error is not None and done.error.code == "not_html"
    assert done.attempts == 1
    assert len(analysis.calls) == 1


async def test_last_attempt_fails_the_job_with_the_reason(rt: Runtime, analysis: ScriptedAnalysis) -> None:
    analysis._steps = [TRANSIENT, TRANSIENT, TRANSIENT, None]
    done = await wait_until(rt, (await submitted(rt)).id)
    assert done.status == "failed"
    assert done.error is not None and done.error.code == "capture_timeout"
    assert done.attempts == 3
    assert len(analysis.calls) == 3
    with pytest.raises(JobNotFinishedError):
        await report_of(rt, done.id)


async def test_unexpected_exception_is_transient(rt: Runtime, analysis: ScriptedAnalysis) -> None:
    async def broken(options: object, progress: object) -> None:
        raise RuntimeError("boom")

    rt._analyze_override = broken  # type: ignore[assignment]
    done = await wait_until(rt, (await submitted(rt)).id)
    assert done.status == "failed"
    assert done.error is not None and done.error.code == "internal"
    assert "boom" not in done.error.message
    assert done.attempts == 3


async def test_final_job_is_acknowledged_without_work(parked: Runtime, analysis: ScriptedAnalysis) -> None:
    job = await submitted(parked)
    assert await process_delivery(parked, delivery(job, 1)) == "done"
    assert await process_delivery(parked, delivery(job, 2)) == "done"
    assert len(analysis.calls) == 1
    assert await process_delivery(parked, Delivery("no-such-job", 1, 3)) == "done"


async def test_busy_lease_asks_for_a_retry(parked: Runtime, analysis: ScriptedAnalysis) -> None:
    job = await submitted(parked)
    token = await parked.store.leases.acquire(job.id)
    assert token is not None
    assert await process_delivery(parked, delivery(job, 1)) == "retry"
    assert analysis.calls == []
    await parked.store.leases.release(job.id, token)
    assert await process_delivery(parked, delivery(job, 2)) == "done"
    assert (await get_job(parked, job.id)).status == "succeeded"  # type: ignore[union-attr]


async def abandon(rt: Runtime, job: Job, attempts: int) -> None:
    """Leaves the job as a killed attempt would: running, with a lease that then expires."""
    token = await rt.store.leases.acquire(job.id)
    assert token is not None
    await rt.store.update(job.model_copy(update={"status": "running", "attempts": attempts}), token)
    await rt.redis.pexpire(rt.store.keys.lease(job.id), 1)
    await asyncio.sleep(0.01)


async def test_next_delivery_takes_over_an_abandoned_attempt(parked: Runtime, analysis: ScriptedAnalysis) -> None:
    job = await submitted(parked)
    await abandon(parked, job, attempts=1)
    assert (await get_job(parked, job.id)).status == "running"  # type: ignore[union-attr]
    assert await process_delivery(parked, delivery(job, 2)) == "done"
    done = await get_job(parked, job.id)
    assert done is not None and done.status == "succeeded" and done.attempts == 2


async def test_delivery_past_the_last_attempt_fails_an_abandoned_job(
    parked: Runtime, analysis: ScriptedAnalysis
) -> None:
    job = await submitted(parked)
    await abandon(parked, job, attempts=3)
    assert await process_delivery(parked, delivery(job, 4)) == "done"
    failed = await get_job(parked, job.id)
    assert failed is not None and failed.status == "failed"
    assert failed.error is not None and failed.error.code == "lease_expired"
    assert analysis.calls == []


async def test_reading_an_abandoned_job_queues_its_settlement_once(parked: Runtime) -> None:
    job = await submitted(parked)
    await abandon(parked, job, attempts=3)
    stream = parked.store.keys.stream
    queued = await parked.redis.xlen(stream)
    # The read shows the job as stored and writes nothing but one queued delivery, however often it is read.
    for _ in range(3):
        seen = await get_job(parked, job.id)
        assert seen is not None and seen.status == "running" and seen.webhook == job.webhook
    assert await parked.redis.xlen(stream) == queued + 1
    assert await process_delivery(parked, delivery(job, 4)) == "done"
    failed = await get_job(parked, job.id)
    assert failed is not None and failed.status == "failed"
    assert failed.error is not None and failed.error.code == "lease_expired"
    other = await submitted(parked, "/other")
    await abandon(parked, other, attempts=1)
    before = await parked.redis.xlen(stream)
    assert (await get_job(parked, other.id)).status == "running"  # type: ignore[union-attr]
    assert await parked.redis.xlen(stream) == before, "a job with attempts left waits for its own delivery"


async def test_shutdown_ends_the_jobs_the_inline_queue_gives_up(redis_url: str) -> None:
    slow = ScriptedAnalysis([30.0])
    settings = jobs_settings(redis_url, shutdown_grace_s=0, inline_concurrency=1)
    rt = await Runtime.create(settings, analyze=slow)
    running = await submitted(rt, "/running")
    waiting = await submitted(rt, "/waiting")
    await asyncio.wait_for(slow.started.wait(), 10)
    await rt.close()
    reader = await Runtime.create(jobs_settings(redis_url, queue_backend="redis"), analyze=slow)
    try:
        for job, attempts in ((running, 1), (waiting, 0)):
            ended = await get_job(reader, job.id)
            assert ended is not None and ended.status == "failed" and ended.attempts == attempts
            assert ended.error is not None and "submit again" in ended.error.message
            assert not await reader.store.leases.held(job.id)
        again = await submit_job(reader, request("/running"), principal="p", idempotency_key=None)
        assert again.created and again.job.id != running.id, "an ended job no longer coalesces submits"
    finally:
        await reader.close()


async def test_policy_errors_reach_the_caller(rt: Runtime) -> None:
    with pytest.raises(InputError) as caught:
        await submit_job(rt, request("/").model_copy(update={"url": "ftp://x/"}), principal="p", idempotency_key=None)
    assert caught.value.code == ErrorCode.unsupported_scheme
    with pytest.raises(InputError) as caught:
        await submit_job(
            rt, request("/", callback_url="http://169.254.169.254/hook"), principal="p", idempotency_key=None
        )
    assert caught.value.code == ErrorCode.blocked_by_policy
    assert [key async for key in rt.redis.scan_iter(match="test:job:*")] == []


class SlowNames:
    """Answers `slow*` names only after `hold_s`, everything else at once (with the allowlisted target)."""

    def __init__(self, hold_s: float) -> None:
        self.hold_s = hold_s
        self.in_flight: dict[str, int] = {}

    async def __call__(self, host: str, port: int) -> Sequence[IPAddress]:
        if host.startswith("slow"):
            self.in_flight[host] = self.in_flight.get(host, 0) + 1
            try:
                await asyncio.sleep(self.hold_s)
            finally:
                self.in_flight[host] -= 1
        return [ipaddress.ip_address("127.0.0.1")]


async def test_one_keys_slow_callback_hosts_do_not_hold_up_another_keys_submit(redis_url: str) -> None:
    rt = await Runtime.create(
        jobs_settings(redis_url, dns_timeout_s=1.0, dns_lookups_per_key=3), analyze=ScriptedAnalysis()
    )
    names = SlowNames(hold_s=5.0)
    rt.resolver = names
    try:
        slow = [
            asyncio.create_task(
                submit_job(
                    rt,
                    request(f"/a{n}", callback_url=f"http://slow-{n}.example:8000/hook"),
                    principal="key_a",
                    idempotency_key=None,
                )
            )
            for n in range(10)
        ]
        await asyncio.sleep(0.1)
        assert sum(names.in_flight.values()) == 3, "key A holds its 3 lookup slots and no more"
        started = asyncio.get_running_loop().time()
        other = await submit_job(
            rt, request("/b", callback_url="http://hooks-b.example:8000/hook"), principal="key_b", idempotency_key=None
        )
        assert asyncio.get_running_loop().time() - started < 0.5
        assert other.created
        failures = await asyncio.gather(*slow, return_exceptions=True)
        assert all(isinstance(f, AnalysisError) and f.code is ErrorCode.connection_failed for f in failures)
        assert all(not f.permanent and f.details["field"] == "callback_url" for f in failures)  # type: ignore[union-attr]
        assert len(rt.dns_slots) == 0, "no per-key state is left once a key's lookups are done"
    finally:
        await rt.close()


async def test_the_job_keeps_the_callback_url_the_check_normalised(rt: Runtime) -> None:
    raw = "http://127.0.0.1:8000\\@127.0.0.2:8470/hook"
    first = await submit_job(rt, request("/cb", callback_url=raw), principal="p", idempotency_key="cb-1")
    assert first.job.request.callback_url == "http://127.0.0.1:8000/@127.0.0.2:8470/hook"
    stored = await get_job(rt, first.job.id)
    assert stored is not None and stored.request.callback_url == "http://127.0.0.1:8000/@127.0.0.2:8470/hook"
    # The Idempotency-Key compares what the client sent: the same raw body is the same request.
    again = await submit_job(rt, request("/cb", callback_url=raw), principal="p", idempotency_key="cb-1")
    assert again.job.id == first.job.id


async def test_unknown_job(rt: Runtime) -> None:
    assert await get_job(rt, "nope") is None
    with pytest.raises(JobNotFoundError):
        await report_of(rt, "nope")


async def test_readiness_reports_each_part(rt: Runtime) -> None:
    ready = await readiness(rt)
    assert ready["store"] is True and ready["queue"] is True
    assert ready["browser"] == "injected"
    assert ready["claude"] is False
    assert ready["ready"] is True


async def test_logs_are_json_lines_with_severity_and_job_id() -> None:
    record = logging.LogRecord("svc", logging.WARNING, __file__, 1, "lease lost %s", ("now",), None)
    record.attempt = 2
    with job_context("job-42"):
        line = JsonFormatter().format(record)
    entry = json.loads(line)
    assert entry["severity"] == "WARNING"
    assert entry["message"] == "lease lost now"
    assert entry["job_id"] == "job-42"
    assert entry["attempt"] == 2
    assert "job_id" not in json.loads(JsonFormatter().format(record))


async def test_every_job_with_a_callback_gets_its_webhook_also_from_cache(redis_url: str) -> None:
    received: list[dict[str, object]] = []
    arrived = asyncio.Condition()
    loop = asyncio.get_running_loop()

    def hook(handler: SimpleHTTPRequestHandler) -> None:
        received.append(json.loads(handler.rfile.read(int(handler.headers["Content-Length"]))))
        handler.send_response(204)
        handler.end_headers()
        asyncio.run_coroutine_threadsafe(_notify_all(arrived), loop)

    with LoopbackServer(routes={"/hook": hook}) as receiver:
        settings = jobs_settings(redis_url, allowed_private_hosts=[TARGET, receiver.host_port], webhook_secret="k")
        rt = await Runtime.create(settings, analyze=ScriptedAnalysis())
        try:
            body = request("/hooked", callback_url=receiver.url("/hook"))
            first = (await submit_job(rt, body, principal="p", idempotency_key=None)).job
            async with arrived:
                await asyncio.wait_for(arrived.wait_for(lambda: len(received) == 1), 20)
            hit = await submit_job(
                rt, body.model_copy(update={"metadata": {"again": True}}), principal="p", idempotency_key=None
            )
            assert hit.cached
            async with arrived:
                await asyncio.wait_for(arrived.wait_for(lambda: len(received) == 2), 20)
        finally:
            await rt.close()
    assert [(event["id"], event["status"], event["type"]) for event in received] == [
        (first.id, "succeeded", "analysis.succeeded"),
        (hit.job.id, "succeeded", "analysis.succeeded"),
    ]
    assert received[1]["cached"] is True and received[1]["metadata"] == {"again": True}


async def _notify_all(condition: asyncio.Condition) -> None:
    async with condition:
        condition.notify_all()


def counting_receiver(status: int) -> tuple[LoopbackServer, list[str]]:
    """A callback receiver answering `status`, recording the webhook-id of every call."""
    calls: list[str] = []

    def hook(handler: SimpleHTTPRequestHandler) -> None:
        handler.rfile.read(int(handler.headers["Content-Length"]))
        calls.append(handler.headers["webhook-id"])
        handler.send_response(status)
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    return LoopbackServer(routes={"/hook": hook}), calls


async def test_a_finished_job_is_called_back_once_however_often_it_is_delivered(
    redis_url: str, analysis: ScriptedAnalysis
) -> None:
    receiver, calls = counting_receiver(204)
    with receiver:
        settings = jobs_settings(redis_url, queue_backend="redis", allowed_private_hosts=[TARGET, receiver.host_port])
        rt = await Runtime.create(settings, analyze=analysis)
        try:
            job = (
                await submit_job(
                    rt, request("/once", callback_url=receiver.url("/hook")), principal="p", idempotency_key=None
                )
            ).job
            assert job.webhook is not None and job.webhook.status == "pending"
            deliveries = [Delivery(job.id, attempt, settings.max_attempts) for attempt in (1, 2, 3)]
            outcomes = [await process_delivery(rt, delivery) for delivery in deliveries]
            finished = await get_job(rt, job.id)
        finally:
            await rt.close()
    assert outcomes == ["done", "done", "done"]
    assert calls == [f"msg_{job.id}_succeeded"], "redeliveries of a finished job do not call back again"
    assert finished is not None and finished.webhook is not None
    assert (finished.webhook.status, finished.webhook.status_code, finished.webhook.attempts) == ("delivered", 204, 1)


async def test_a_callback_that_keeps_failing_is_recorded_and_the_job_stays_succeeded(
    redis_url: str, analysis: ScriptedAnalysis
) -> None:
    receiver, calls = counting_receiver(500)
    with receiver:
        settings = jobs_settings(
            redis_url,
            queue_backend="redis",
            allowed_private_hosts=[TARGET, receiver.host_port],
            webhook_max_attempts=2,
            webhook_retry_backoff_s=0.01,
        )
        rt = await Runtime.create(settings, analyze=analysis)
        try:
            job = (
                await submit_job(
                    rt, request("/down", callback_url=receiver.url("/hook")), principal="p", idempotency_key=None
                )
            ).job
            assert await process_delivery(rt, Delivery(job.id, 1, settings.max_attempts)) == "done"
            finished = await get_job(rt, job.id)
        finally:
            await rt.close()
    assert len(calls) == 2
    assert finished is not None and finished.status == "succeeded"
    assert finished.webhook is not None
    assert (finished.webhook.status, finished.webhook.status_code, finished.webhook.attempts) == ("failed", 500, 2)


async def test_a_cache_hit_with_a_callback_is_called_back_from_a_queue_delivery(
    redis_url: str, analysis: ScriptedAnalysis
) -> None:
    """Not from the submit itself: a serverless submit has no CPU left once it has answered."""
    receiver, calls = counting_receiver(204)
    with receiver:
        settings = jobs_settings(redis_url, queue_backend="redis", allowed_private_hosts=[TARGET, receiver.host_port])
        rt = await Runtime.create(settings, analyze=analysis)
        try:
            first = (await submit_job(rt, request("/cached"), principal="p", idempotency_key=None)).job
            assert await process_delivery(rt, Delivery(first.id, 1, settings.max_attempts)) == "done"
            hit = await submit_job(
                rt, request("/cached", callback_url=receiver.url("/hook")), principal="p", idempotency_key=None
            )
            assert hit.cached and calls == [], "the submit answers before any callback"
            assert await process_delivery(rt, Delivery(hit.job.id, 1, settings.max_attempts)) == "done"
            called_back = await get_job(rt, hit.job.id)
        finally:
            await rt.close()
    assert calls == [f"msg_{hit.job.id}_succeeded"]
    assert called_back is not None and called_back.webhook is not None and called_back.webhook.status == "delivered"
