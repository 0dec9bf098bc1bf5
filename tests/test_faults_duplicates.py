"""The same task delivered more than once *at the same time* (at-least-once delivery): exactly one
analysis runs, one report is stored, and every duplicate is answered so the queue stops or retries it.

First the analyze endpoint of the gateway pushed by many threads at once, both while the first delivery
is still analysing and racing for the lease from the start; then the Cloud Tasks emulator itself with the
same task in two queues (it dispatches one task at a time per queue, so two queues deliver concurrently).
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
import uuid
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from google.cloud import tasks_v2

from harness.redis_server import RedisServer
from harness.scripted_analysis import ScriptedAnalysis
from harness.store_checks import leftovers, report_keys
from shared.queue.cloudtasks import build_task
from tests.support.cloudtasks import LOCATION, PROJECT, CloudTasksEmulator
from tests.support.gateway import GatedAnalysis, ServerThread, http_settings, running_gateway, target, wait_for_status

SECRET = "duplicate-push-secret"
PREFIX = "dupes:"
PUSHES = 8
WAIT_S = 30.0


def push(client: httpx.Client, server: ServerThread, job_id: str) -> int:
    response = client.post(
        server.url("/v1/tasks/analyze"),
        json={"job_id": job_id},
        headers={"X-Task-Secret": SECRET, "X-CloudTasks-TaskRetryCount": "0"},
    )
    assert response.status_code in (200, 503), response.text
    return response.status_code


def queued_job(client: httpx.Client, server: ServerThread) -> str:
    response = client.post(server.url("/v1/analyses"), json={"url": target("/duplicated")})
    assert response.status_code == 202, response.text
    return response.json()["id"]


def assert_settled(redis_server: RedisServer, job_id: str) -> None:
    with redis_server.client() as client:
        assert report_keys(client, PREFIX) == [f"{PREFIX}report:{job_id}"]
        assert leftovers(client, PREFIX) == {}


def wait_for(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + WAIT_S
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(what)
        time.sleep(0.02)


@pytest.mark.parametrize("mode", ["overlapping", "racing"])
def test_concurrent_pushes_of_one_task_run_one_analysis(
    mode: str, redis_url: str, redis_server: RedisServer, http_client: httpx.Client
) -> None:
    """`overlapping`: the duplicates arrive while the first delivery analyses (held until they are all
    answered). `racing`: all pushes leave together and race for the lease of a queued job."""
    analysis = GatedAnalysis() if mode == "overlapping" else ScriptedAnalysis()
    settings = http_settings(redis_url=redis_url, queue_backend="redis", task_secret=SECRET, key_prefix=PREFIX)
    with running_gateway(settings, analyze=analysis) as server, ThreadPoolExecutor(PUSHES) as pool:
        job_id = queued_job(http_client, server)
        start = threading.Barrier(PUSHES)

        def together(_: int) -> int:
            start.wait(WAIT_S)
            return push(http_client, server, job_id)

        futures = [pool.submit(together, n) for n in range(PUSHES)]
        if isinstance(analysis, GatedAnalysis):
            wait_for(lambda: sum(f.done() for f in futures) == PUSHES - 1, "the duplicates were not answered")
            assert [f.result() for f in futures if f.done()] == [503] * (PUSHES - 1), "retry later, lease held"
            analysis.release()
        first_round = [future.result(WAIT_S) for future in futures]
        # The queue delivers the refused ones again: each is acknowledged without a second analysis.
        second_round = [push(http_client, server, job_id) for status in first_round if status == 503]
        done = wait_for_status(http_client, server.url(f"/v1/analyses/{job_id}"))

    assert first_round.count(200) >= 1
    assert second_round == [200] * len(second_round)
    assert len(analysis.calls) == 1
    assert done["status"] == "succeeded" and done["attempts"] == 1
    assert_settled(redis_server, job_id)


@pytest.fixture
async def second_queue(cloud_tasks_emulator: CloudTasksEmulator) -> AsyncIterator[str]:
    """Another empty queue of the emulator (its full path), beside the test's `fresh_queue`."""
    client = cloud_tasks_emulator.client()
    parent = f"projects/{PROJECT}/locations/{LOCATION}"
    path = f"{parent}/queues/dupes{uuid.uuid4().hex[:12]}"
    try:
        await client.create_queue(parent=parent, queue=tasks_v2.Queue(name=path))
        yield path
        await client.delete_queue(name=path)
    finally:
        await client.transport.close()


async def test_the_emulator_delivering_one_task_from_two_queues_at_once_runs_one_analysis(
    redis_url: str,
    redis_server: RedisServer,
    cloud_tasks_emulator: CloudTasksEmulator,
    fresh_queue: str,
    second_queue: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="shared.service")
    analysis = GatedAnalysis()
    settings = http_settings(redis_url=redis_url, queue_backend="redis", task_secret=SECRET, key_prefix=PREFIX)
    queues = (f"projects/{PROJECT}/locations/{LOCATION}/queues/{fresh_queue}", second_queue)
    client = cloud_tasks_emulator.client()
    try:
        with running_gateway(settings, analyze=analysis) as server:
            async with httpx.AsyncClient(timeout=WAIT_S) as http:
                submitted = await http.post(server.url("/v1/analyses"), json={"url": target("/two-queues")})
                job_id = submitted.json()["id"]
                # The gateway's own queue here is Redis Streams with no worker: only the emulator pushes.
                pushes = settings.model_copy(update={"analyze_url": server.url("/v1/tasks/analyze")})
                for queue in queues:
                    await client.create_task(parent=queue, task=build_task(pushes, queue, job_id))
                await eventually(lambda: bool(lease_refusals(caplog)))
                analysis.release()
                done = await asyncio.to_thread(
                    wait_for_status, httpx.Client(timeout=WAIT_S), server.url(f"/v1/analyses/{job_id}")
                )
    finally:
        await client.transport.close()

    assert lease_refusals(caplog), "one queue's delivery arrived while the other's was analysing"
    assert len(analysis.calls) == 1
    assert done["status"] == "succeeded" and done["attempts"] == 1
    assert_settled(redis_server, job_id)


async def eventually(condition: Callable[[], bool]) -> None:
    async with asyncio.timeout(WAIT_S):
        while True:
            if condition():
                return
            await asyncio.sleep(0.02)


def lease_refusals(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.getMessage() == "another attempt holds the lease"]
