"""The Redis Streams backend with the worker loop in this process: consumption, retry with backoff through
the delayed set, permanent failures, the attempt limit, and the TTL of the queue's own keys."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from redis.exceptions import ResponseError

from harness.scripted_analysis import ScriptedAnalysis
from shared.errors import AnalysisError, ErrorCode
from shared.models.api import Job
from shared.queue.delivery import Delivery, DeliveryOutcome
from shared.queue.redis_streams import GROUP
from shared.queue.redis_worker import StreamWorker
from shared.service import Runtime, process_delivery, submit_job
from tests.support.jobs import jobs_settings, request, wait_until

TRANSIENT = AnalysisError(ErrorCode.browser_crashed, "the browser went away")
PERMANENT = AnalysisError(ErrorCode.dns_failure, "no such host")
ACK_TIMEOUT_S = 5.0


@pytest.fixture
def analysis() -> ScriptedAnalysis:
    return ScriptedAnalysis()


@pytest.fixture
async def rt(redis_url: str, analysis: ScriptedAnalysis) -> AsyncIterator[Runtime]:
    runtime = await Runtime.create(jobs_settings(redis_url, queue_backend="redis"), analyze=analysis)
    try:
        yield runtime
    finally:
        await runtime.close()


@pytest.fixture
async def worker(rt: Runtime) -> AsyncIterator[list[Delivery]]:
    """A consumer running in this process; yields the deliveries it made, in order."""
    seen: list[Delivery] = []

    async def handler(delivery: Delivery) -> DeliveryOutcome:
        seen.append(delivery)
        return await process_delivery(rt, delivery)

    stop = asyncio.Event()
    consumer = StreamWorker(rt.redis, rt.settings, handler, consumer="in-test", concurrency=2)
    task = asyncio.create_task(consumer.run(stop))
    try:
        yield seen
    finally:
        stop.set()
        await asyncio.wait_for(task, 15)


async def submit(rt: Runtime, path: str = "/") -> Job:
    return (await submit_job(rt, request(path), principal="p", idempotency_key=None)).job


async def acknowledged(rt: Runtime, timeout_s: float = ACK_TIMEOUT_S) -> None:
    """Waits until the group has nothing pending: the worker acknowledges once the handler has returned,
    which is after the job already reads succeeded."""
    stream = rt.store.keys.stream
    async with asyncio.timeout(timeout_s):
        while True:
            if (await rt.redis.xpending(stream, GROUP))["pending"] == 0:
                return
            await asyncio.sleep(0.02)


async def test_worker_consumes_a_job_and_acknowledges_it(rt: Runtime, worker: list[Delivery]) -> None:
    done = await wait_until(rt, (await submit(rt)).id)
    assert done.status == "succeeded"
    await acknowledged(rt)
    assert [d.attempt for d in worker] == [1]
    assert await rt.redis.xlen(rt.store.keys.stream) == 0


async def test_transient_failure_waits_its_backoff_then_succeeds(
    rt: Runtime, worker: list[Delivery], analysis: ScriptedAnalysis
) -> None:
    analysis._steps = [TRANSIENT]
    done = await wait_until(rt, (await submit(rt)).id)
    assert done.status == "succeeded" and done.attempts == 2
    assert [d.attempt for d in worker] == [1, 2]
    assert await rt.redis.zcard(rt.store.keys.delayed) == 0


async def test_permanent_failure_is_not_retried(
    rt: Runtime, worker: list[Delivery], analysis: ScriptedAnalysis
) -> None:
    analysis._steps = [PERMANENT]
    done = await wait_until(rt, (await submit(rt)).id)
    assert done.status == "failed" and done.error is not None and done.error.code == "dns_failure"
    await asyncio.sleep(0.3)
    assert len(worker) == 1


async def test_attempts_run_out_then_the_job_fails(
    rt: Runtime, worker: list[Delivery], analysis: ScriptedAnalysis
) -> None:
    analysis._steps = [TRANSIENT] * 5
    done = await wait_until(rt, (await submit(rt)).id)
    assert done.status == "failed" and done.attempts == 3
    assert done.error is not None and done.error.code == "browser_crashed"
    await asyncio.sleep(0.3)
    assert [d.attempt for d in worker] == [1, 2, 3]


async def test_queue_keys_expire(rt: Runtime, analysis: ScriptedAnalysis) -> None:
    analysis._steps = [TRANSIENT]
    job = await submit(rt)
    stop = asyncio.Event()
    retried = asyncio.Event()

    async def handler(delivery: Delivery) -> DeliveryOutcome:
        outcome = await process_delivery(rt, delivery)
        if outcome == "retry":
            stop.set()
            retried.set()
        return outcome

    await StreamWorker(rt.redis, rt.settings, handler, consumer="c", concurrency=1).run(stop)
    assert retried.is_set()
    for key in (rt.store.keys.stream, rt.store.keys.delayed):
        assert await rt.redis.ttl(key) > 0, key
    assert await rt.redis.zrange(rt.store.keys.delayed, 0, -1) == [f"{job.id}:2".encode()]


async def test_a_consumer_cannot_acknowledge_a_message_another_took_over(rt: Runtime) -> None:
    gate = asyncio.Event()

    async def stuck(delivery: Delivery) -> DeliveryOutcome:
        await gate.wait()
        return "done"

    job = await submit(rt)
    first_stop, second_stop = asyncio.Event(), asyncio.Event()
    settings = rt.settings.model_copy(update={"lease_s": 0.2})
    first = asyncio.create_task(StreamWorker(rt.redis, settings, stuck, consumer="slow", concurrency=1).run(first_stop))
    await _until(lambda: _pending_owner(rt), "slow")
    taken: list[Delivery] = []

    async def record(delivery: Delivery) -> DeliveryOutcome:
        taken.append(delivery)
        await gate.wait()
        return "retry"

    second = asyncio.create_task(
        StreamWorker(rt.redis, settings, record, consumer="fresh", concurrency=1).run(second_stop)
    )
    await _until(lambda: _pending_owner(rt), "fresh")

    async def delivered() -> int:
        return len(taken)

    # XAUTOCLAIM makes "fresh" the owner before its handler is called: wait for the call too.
    await _until(delivered, 1)
    assert taken[0].job_id == job.id and taken[0].attempt == 2
    first_stop.set()
    gate.set()
    await asyncio.wait_for(first, 10)
    assert await _pending_owner(rt) in ("fresh", None)
    second_stop.set()
    await asyncio.wait_for(second, 10)
    assert await rt.redis.zrange(rt.store.keys.delayed, 0, -1) == [f"{job.id}:3".encode()]


async def _pending_owner(rt: Runtime) -> str | None:
    try:
        pending = await rt.redis.xpending_range(rt.store.keys.stream, GROUP, "-", "+", 1)
    except ResponseError:  # no group yet: the first consumer has not started
        return None
    return pending[0]["consumer"].decode() if pending else None


async def _until(read: Callable[[], Awaitable[object]], wanted: object, timeout_s: float = 10) -> None:
    async with asyncio.timeout(timeout_s):
        while True:
            if await read() == wanted:
                return
            await asyncio.sleep(0.02)


async def test_departed_consumers_with_nothing_pending_are_forgotten(rt: Runtime) -> None:
    stream = rt.store.keys.stream
    await rt.redis.xgroup_create(stream, GROUP, id="0", mkstream=True)
    await rt.redis.xgroup_createconsumer(stream, GROUP, "departed")
    await rt.redis.xadd(stream, {"job_id": "held", "attempt": "1"})
    await rt.redis.xreadgroup(GROUP, "holding", {stream: ">"}, count=1)
    await asyncio.sleep(0.2)
    settings = rt.settings.model_copy(update={"worker_forget_consumer_after_s": 0.1})
    stop = asyncio.Event()

    async def handler(delivery: Delivery) -> DeliveryOutcome:
        return "done"

    task = asyncio.create_task(StreamWorker(rt.redis, settings, handler, consumer="alive", concurrency=1).run(stop))

    async def names() -> set[str]:
        return {consumer["name"].decode() for consumer in await rt.redis.xinfo_consumers(stream, GROUP)}

    try:
        async with asyncio.timeout(10):
            while True:
                if "departed" not in await names():
                    break
                await asyncio.sleep(0.05)
    finally:
        stop.set()
        await asyncio.wait_for(task, 10)
    assert "holding" in await names(), "a consumer with a pending delivery is kept for XAUTOCLAIM"
