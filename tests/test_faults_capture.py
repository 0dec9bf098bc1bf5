"""Capture faults through whole jobs, with the real engine (Chromium) on a real redis-server: a page that
exhausts the capture budget fails with `capture_timeout` after its attempts; a page whose load never
fires but fits the budget succeeds with what timed out recorded; Chromium killed mid-capture makes the
attempt fail as transient, and the next attempt relaunches the browser and succeeds."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

import psutil
import pytest

from harness.redis_server import RedisServer
from harness.servers import LoopbackServer
from harness.store_checks import leftovers
from shared.errors import ErrorCode, JobNotFinishedError
from shared.models.api import AnalysisRequest, Job
from shared.service import Runtime, submit_job
from tests.support.browser import chromium_main_processes
from tests.support.faults import (
    ENGINE_JOB_TIMEOUT_S,
    SLOW_IMAGE,
    SLOW_PAGE,
    engine_settings,
)
from tests.support.jobs import report_of, wait_until

pytestmark = [pytest.mark.browser, pytest.mark.timeout(150)]

NEVER_LOADS = "/capture/never-loads.html"
STALLED = "/stall.png"
KILL_WAIT_S = 30.0

RuntimeFactory = Callable[..., AbstractAsyncContextManager[Runtime]]


@pytest.fixture
def engine_runtime(redis_url: str) -> RuntimeFactory:
    """A Runtime with the real engine (its own Chromium) reaching `allowed`, with these setting overrides."""

    @asynccontextmanager
    async def start(*allowed: LoopbackServer, **overrides: object) -> AsyncIterator[Runtime]:
        rt = await Runtime.create(engine_settings(redis_url, *allowed, **overrides))
        try:
            yield rt
        finally:
            await rt.close()

    return start


async def run_job(rt: Runtime, url: str) -> Job:
    request = AnalysisRequest(url=url, llm=False, devices=["desktop"])
    job = (await submit_job(rt, request, principal="p", idempotency_key=None)).job
    return await wait_until(rt, job.id, timeout_s=ENGINE_JOB_TIMEOUT_S)


def hits_of(server: LoopbackServer, path: str, since: int) -> int:
    return sum(1 for hit in server.hits[since:] if hit.split("?", 1)[0] == path)


async def test_a_page_exhausting_the_capture_budget_fails_after_its_attempts(
    engine_runtime: RuntimeFactory, hostile_server: LoopbackServer, redis_server: RedisServer
) -> None:
    # Its load event never comes and the load budget alone is over the capture budget.
    seen = len(hostile_server.hits)
    async with engine_runtime(hostile_server, load_budget_s=30.0, capture_timeout_s=2.0, max_attempts=2) as rt:
        done = await run_job(rt, hostile_server.url(NEVER_LOADS))
        with pytest.raises(JobNotFinishedError):
            await report_of(rt, done.id)

    assert done.status == "failed"
    assert done.error is not None and done.error.code == ErrorCode.capture_timeout
    assert done.attempts == 2, "a capture timeout is transient: retried until the attempts ran out"
    assert hits_of(hostile_server, STALLED, seen) == 2, "each attempt was loading the page when cut"
    with redis_server.client() as client:
        assert leftovers(client, rt.settings.key_prefix) == {}


async def test_a_page_whose_load_never_fires_is_reported_with_what_timed_out(
    engine_runtime: RuntimeFactory, hostile_server: LoopbackServer
) -> None:
    async with engine_runtime(hostile_server, load_budget_s=1.0) as rt:
        done = await run_job(rt, hostile_server.url(NEVER_LOADS))
        report = await report_of(rt, done.id)

    assert done.status == "succeeded" and done.attempts == 1
    assert report is not None
    (desktop,) = report.devices
    assert "load" in desktop.timed_out


async def test_chromium_killed_mid_capture_is_retried_on_a_new_browser(
    engine_runtime: RuntimeFactory,
    fault_site: LoopbackServer,
    redis_server: RedisServer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="shared.service")
    before = {process.pid for process in psutil.Process().children(recursive=True)}
    seen = len(fault_site.hits)
    async with engine_runtime(fault_site) as rt:
        request = AnalysisRequest(url=fault_site.url(SLOW_PAGE), llm=False, devices=["desktop"])
        job = (await submit_job(rt, request, principal="p", idempotency_key=None)).job
        # The page is mid-load once its slow image is asked for.
        await wait_until_hit(fault_site, SLOW_IMAGE, seen)
        (doomed,) = chromium_main_processes(exclude=before)
        os.kill(doomed.pid, signal.SIGKILL)
        done = await wait_until(rt, job.id, timeout_s=ENGINE_JOB_TIMEOUT_S)
        report = await report_of(rt, job.id)
        relaunched = chromium_main_processes(exclude=before | {doomed.pid})

    assert done.status == "succeeded", done.error
    assert done.attempts == 2 and done.error is None
    assert report is not None and report.final_url == fault_site.url(SLOW_PAGE)
    assert len(relaunched) == 1, "the second attempt ran on a new Chromium"
    retried = [r for r in caplog.records if r.getMessage() == "attempt failed; will retry"]
    assert [getattr(r, "code", None) for r in retried] == [ErrorCode.browser_crashed]
    assert hits_of(fault_site, SLOW_PAGE, seen) == 2
    with redis_server.client() as client:
        assert leftovers(client, rt.settings.key_prefix) == {}


async def wait_until_hit(server: LoopbackServer, path: str, since: int) -> None:
    async with asyncio.timeout(KILL_WAIT_S):
        while True:
            if hits_of(server, path, since):
                return
            await asyncio.sleep(0.02)
