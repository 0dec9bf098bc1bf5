"""The in-process backend: retry policy, the concurrency bound, and shutdown."""

from __future__ import annotations

import asyncio

import pytest

from shared.errors import QueueClosedError
from shared.queue import build_queue
from shared.queue.backoff import retry_delay_s
from shared.queue.delivery import Delivery, DeliveryOutcome
from shared.queue.inline import InlineQueue
from shared.queue.redis_streams import RedisStreamQueue
from tests.support.jobs import jobs_settings


async def refuse_abandon(job_id: str) -> None:
    raise AssertionError(f"{job_id} was abandoned although every job finished")


def test_backoff_doubles_up_to_its_cap() -> None:
    settings = jobs_settings(retry_backoff_s=0.5, retry_backoff_max_s=3.0)
    assert [retry_delay_s(settings, attempt) for attempt in range(1, 6)] == [0.5, 1.0, 2.0, 3.0, 3.0]


def test_the_setting_picks_the_backend(redis_url: str) -> None:
    import fakeredis

    async def handler(delivery: Delivery) -> DeliveryOutcome:
        return "done"

    redis = fakeredis.FakeAsyncRedis()
    inline = build_queue(jobs_settings(), redis, handler, refuse_abandon)
    streams = build_queue(jobs_settings(redis_url, queue_backend="redis"), redis, handler, refuse_abandon)
    assert isinstance(inline, InlineQueue) and inline.submit_stream is None
    assert isinstance(streams, RedisStreamQueue) and streams.submit_stream is not None
    assert streams.submit_stream.key.endswith("queue")


async def test_retries_until_done_with_increasing_attempts() -> None:
    seen: list[Delivery] = []
    finished = asyncio.Event()

    async def handler(delivery: Delivery) -> DeliveryOutcome:
        seen.append(delivery)
        if delivery.attempt < 3:
            return "retry"
        finished.set()
        return "done"

    queue = InlineQueue(jobs_settings(max_attempts=3), handler, refuse_abandon)
    await queue.enqueue("job-1")
    await asyncio.wait_for(finished.wait(), 10)
    await queue.close()
    assert [(d.job_id, d.attempt, d.max_attempts) for d in seen] == [("job-1", 1, 3), ("job-1", 2, 3), ("job-1", 3, 3)]


async def test_concurrency_is_bounded() -> None:
    running = 0
    peak = 0
    done = 0

    async def handler(delivery: Delivery) -> DeliveryOutcome:
        nonlocal running, peak, done
        running += 1
        peak = max(peak, running)
        await asyncio.sleep(0.05)
        running -= 1
        done += 1
        return "done"

    queue = InlineQueue(jobs_settings(inline_concurrency=2), handler, refuse_abandon)
    for number in range(6):
        await queue.enqueue(f"job-{number}")
    await queue.close()
    assert done == 6
    assert peak == 2


async def test_close_stops_taking_work_and_cancels_past_the_grace() -> None:
    cancelled = asyncio.Event()
    started = asyncio.Event()

    async def handler(delivery: Delivery) -> DeliveryOutcome:
        started.set()
        try:
            await asyncio.sleep(60)
        except asyncio.CancelledError:
            cancelled.set()
            raise
        return "done"

    abandoned: list[str] = []

    async def abandon(job_id: str) -> None:
        abandoned.append(job_id)

    queue = InlineQueue(jobs_settings(shutdown_grace_s=0.1, inline_concurrency=1), handler, abandon)
    await queue.enqueue("job-1")
    await queue.enqueue("job-waiting")
    await asyncio.wait_for(started.wait(), 10)
    await asyncio.wait_for(queue.close(), 10)
    assert cancelled.is_set()
    assert sorted(abandoned) == ["job-1", "job-waiting"]
    assert not await queue.check()
    with pytest.raises(QueueClosedError):
        await queue.enqueue("job-2")
