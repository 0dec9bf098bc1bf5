"""The job store on a real redis-server and on the embedded store: TTLs, leases, coalescing,
idempotency, cache and force, failures never cached, rate limits, store outages."""

from __future__ import annotations

import asyncio
import base64
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis
from redis.asyncio.connection import AbstractConnection

from harness.redis_server import RedisServer
from harness.scripted_analysis import ScriptedAnalysis, png
from shared.errors import (
    AnalysisError,
    ErrorCode,
    IdempotencyConflictError,
    JobNotFinishedError,
    ServiceUnavailableError,
)
from shared.service import Runtime, find_job, get_job, get_result, submit_job
from shared.store.keys import Keys
from shared.store.leases import Leases
from tests.support.jobs import jobs_settings, report_of, request, screenshot_of, wait_until


@pytest.fixture(params=["redis", "embedded"])
def store_mode(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def analysis() -> ScriptedAnalysis:
    return ScriptedAnalysis()


@pytest.fixture
async def rt(store_mode: str, request: pytest.FixtureRequest, analysis: ScriptedAnalysis) -> AsyncIterator[Runtime]:
    redis_url = request.getfixturevalue("redis_url") if store_mode == "redis" else None
    runtime = await Runtime.create(jobs_settings(redis_url), analyze=analysis)
    try:
        yield runtime
    finally:
        await runtime.close()


async def all_keys(redis: Redis) -> list[bytes]:
    return [key async for key in redis.scan_iter(match="*")]


async def test_every_key_has_a_ttl(rt: Runtime) -> None:
    first = await submit_job(rt, request("/ttl", callback_url=None), principal="p1", idempotency_key="k1")
    await wait_until(rt, first.job.id)
    await submit_job(rt, request("/ttl"), principal="p2", idempotency_key="k2")  # a cache hit
    slow = ScriptedAnalysis([1.0])
    rt._analyze_override = slow
    running = await submit_job(rt, request("/running"), principal="p1", idempotency_key=None)
    await asyncio.wait_for(slow.started.wait(), 10)  # a lease and an in-flight pointer exist now
    await rt.store.hit_rate_limit("p1", 10)

    keys = await all_keys(rt.redis)
    kinds = {key.decode().split(":")[1] for key in keys}
    assert {"job", "report", "shots", "cache", "inflight", "idem", "lease", "rate", "index", "series"} <= kinds
    for key in keys:
        assert await rt.redis.ttl(key) > 0, key
    assert (await get_job(rt, running.job.id)).status == "running"  # type: ignore[union-attr]


async def test_lease_is_exclusive_and_expires(rt: Runtime) -> None:
    leases = Leases(rt.redis, Keys("test:"), lease_s=0.3)
    token = await leases.acquire("job1")
    assert token is not None
    assert await leases.acquire("job1") is None
    assert not await leases.release("job1", "not-the-token")
    assert await leases.renew("job1", token)
    assert await leases.held("job1")
    await asyncio.sleep(0.5)
    assert not await leases.held("job1")
    successor = await leases.acquire("job1")
    assert successor is not None
    assert not await leases.renew("job1", token), "an expired holder must not extend its successor's lease"
    assert not await leases.release("job1", token)
    assert await leases.release("job1", successor)


async def test_twenty_identical_concurrent_submits_make_one_job(rt: Runtime, analysis: ScriptedAnalysis) -> None:
    analysis._steps = [0.5]
    outcomes = await asyncio.gather(
        *(submit_job(rt, request("/same"), principal="p", idempotency_key=None) for _ in range(20))
    )
    ids = {outcome.job.id for outcome in outcomes}
    assert len(ids) == 1
    assert sum(outcome.created for outcome in outcomes) == 1
    job = await wait_until(rt, ids.pop())
    assert job.status == "succeeded"
    assert len(analysis.calls) == 1


async def test_different_bodies_are_not_coalesced(rt: Runtime) -> None:
    first = await submit_job(rt, request("/x", metadata={"n": 1}), principal="p", idempotency_key=None)
    second = await submit_job(rt, request("/x", metadata={"n": 2}), principal="p", idempotency_key=None)
    other_caller = await submit_job(rt, request("/x", metadata={"n": 1}), principal="q", idempotency_key=None)
    assert len({first.job.id, second.job.id, other_caller.job.id}) == 3


async def test_idempotency_key_returns_the_same_job_and_rejects_another_body(rt: Runtime) -> None:
    first = await submit_job(rt, request("/idem"), principal="p", idempotency_key="key-1")
    await wait_until(rt, first.job.id)
    again = await submit_job(rt, request("/idem"), principal="p", idempotency_key="key-1")
    assert again.job.id == first.job.id
    assert not again.created
    assert again.job.status == "succeeded"
    with pytest.raises(IdempotencyConflictError):
        await submit_job(rt, request("/idem", llm=False), principal="p", idempotency_key="key-1")
    elsewhere = await submit_job(rt, request("/idem", force=True), principal="q", idempotency_key="key-1")
    assert elsewhere.job.id != first.job.id


async def test_cache_hit_is_a_new_job_pointing_at_the_report(rt: Runtime, analysis: ScriptedAnalysis) -> None:
    first = await submit_job(rt, request("/cached", metadata={"run": 1}), principal="p", idempotency_key=None)
    await wait_until(rt, first.job.id)
    hit = await submit_job(rt, request("/cached", metadata={"run": 2}), principal="p", idempotency_key=None)
    assert hit.cached and hit.created
    assert hit.job.id != first.job.id
    assert hit.job.status == "succeeded"
    assert hit.job.request.metadata == {"run": 2}
    assert await report_of(rt, hit.job.id) == await report_of(rt, first.job.id)
    assert await screenshot_of(rt, hit.job.id, "desktop-fold.png") == png()
    assert await screenshot_of(rt, hit.job.id, "nope.png") is None
    assert len(analysis.calls) == 1

    forced = await submit_job(rt, request("/cached", force=True), principal="p", idempotency_key=None)
    assert not forced.cached
    assert forced.job.status == "queued"
    assert (await wait_until(rt, forced.job.id)).status == "succeeded"
    assert len(analysis.calls) == 2


async def test_cache_key_covers_devices_and_llm(rt: Runtime, analysis: ScriptedAnalysis) -> None:
    first = await submit_job(rt, request("/opts"), principal="p", idempotency_key=None)
    await wait_until(rt, first.job.id)
    for variant in (request("/opts", llm=False), request("/opts", devices=["mobile"])):
        outcome = await submit_job(rt, variant, principal="p", idempotency_key=None)
        assert not outcome.cached
        await wait_until(rt, outcome.job.id)
    assert len(analysis.calls) == 3


async def test_failed_analyses_are_never_cached(rt: Runtime, analysis: ScriptedAnalysis) -> None:
    analysis._steps = [AnalysisError(ErrorCode.target_http_error, "the page answered 404")]
    first = await submit_job(rt, request("/broken"), principal="p", idempotency_key=None)
    failed = await wait_until(rt, first.job.id)
    assert failed.status == "failed"
    with pytest.raises(JobNotFinishedError):
        await report_of(rt, failed.id)
    again = await submit_job(rt, request("/broken"), principal="p", idempotency_key=None)
    assert not again.cached
    assert again.job.id != first.job.id
    assert (await wait_until(rt, again.job.id)).status == "succeeded"
    cached_ids = [await rt.redis.get(key) for key in await all_keys(rt.redis) if key.startswith(b"test:cache:")]
    assert failed.id.encode() not in cached_ids
    assert again.job.id.encode() in cached_ids


async def test_rate_limit_counts_per_key(rt: Runtime) -> None:
    results = [await rt.store.hit_rate_limit("principal-a", 3) for _ in range(4)]
    assert results[:3] == [None, None, None]
    assert results[3] is not None and 1 <= results[3] <= 60
    assert await rt.store.hit_rate_limit("principal-b", 3) is None
    assert await rt.store.hit_rate_limit("principal-a", 0) is None


async def test_store_down_is_service_unavailable(redis_server: RedisServer, redis_url: str) -> None:
    rt = await Runtime.create(jobs_settings(redis_url, redis_timeout_s=0.5), analyze=ScriptedAnalysis())
    try:
        redis_server.stop()
        with pytest.raises(ServiceUnavailableError):
            await submit_job(rt, request("/down"), principal="p", idempotency_key=None)
        with pytest.raises(ServiceUnavailableError):
            await get_job(rt, "whatever")
        redis_server.start()
        outcome = await submit_job(rt, request("/down"), principal="p", idempotency_key=None)
        assert (await wait_until(rt, outcome.job.id)).status == "succeeded"
    finally:
        if not redis_server.running:
            redis_server.start()
        await rt.close()


async def test_a_job_with_its_report_and_screenshots_is_read_in_two_round_trips(
    rt: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = await submit_job(rt, request("/trips", include_screenshots=True), principal="p", idempotency_key=None)
    await wait_until(rt, first.job.id)
    hit = await submit_job(rt, request("/trips", include_screenshots=True), principal="q", idempotency_key=None)
    assert hit.cached
    sent = 0
    original = AbstractConnection.send_packed_command

    async def counting(self: AbstractConnection, *args: object, **kwargs: object) -> None:
        nonlocal sent
        sent += 1
        await original(self, *args, **kwargs)  # type: ignore[arg-type]

    await get_result(rt, await find_job(rt, first.job.id))  # loads the script into Redis, once per server
    monkeypatch.setattr(AbstractConnection, "send_packed_command", counting)
    for job_id in (first.job.id, hit.job.id):
        sent = 0
        # What GET /v1/analyses/{id} does: the job (and its lease) in one trip, the report and every
        # screenshot in one more, whether the job has its own result or shares a cached one.
        result = await get_result(rt, await find_job(rt, job_id))
        assert sent == 2, (job_id, sent)
        assert result is not None and len(result.screenshots) == 2
        assert all(base64.b64decode(shot.data_base64 or "") == png() for shot in result.screenshots)
