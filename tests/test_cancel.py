"""`cancel_job` in each queue mode, on a real redis-server: a queued job and a running one end as
`canceled`, the running attempt stops (within CANCEL_POLL_S) and frees its lease, no report is written,
the webhook goes out with `status: canceled`, and a finished job cannot be canceled. The original routes
read a canceled job as REVOKED."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from harness.scripted_analysis import CALLS_FILE_ENV, DELAY_ENV, ScriptedAnalysis
from harness.servers import LoopbackServer
from shared.errors import JobAlreadyFinishedError
from shared.http.legacy.mapping import legacy_state
from shared.service import Runtime, cancel_job, submit_job
from tests.support.cloudtasks import LOCATION, PROJECT, CloudTasksEmulator
from tests.support.gateway import Receiver
from tests.support.jobs import TARGET, WorkerProcess, jobs_settings, request, wait_until, worker_env
from tests.test_queue_cloudtasks import PATH, SECRET
from tests.test_queue_cloudtasks import Receiver as TaskReceiver

POLL_S = 0.1


async def until_lease_free(rt: Runtime, job_id: str, timeout_s: float = 10) -> None:
    async with asyncio.timeout(timeout_s):
        while True:
            if not await rt.store.leases.held(job_id):
                return
            await asyncio.sleep(0.02)


@pytest.fixture
def hooks() -> Iterator[Receiver]:
    receiver = Receiver()
    with receiver.server:
        yield receiver


@pytest.fixture
async def inline_rt(redis_url: str, hooks: Receiver) -> AsyncIterator[tuple[Runtime, ScriptedAnalysis]]:
    analysis = ScriptedAnalysis([30.0, 30.0])  # the first two analyses take long; later ones are instant
    settings = jobs_settings(
        redis_url,
        inline_concurrency=1,
        cancel_poll_s=POLL_S,
        analysis_timeout_s=60,
        lease_s=90,
        allowed_private_hosts=[TARGET, hooks.server.host_port],
    )
    rt = await Runtime.create(settings, analyze=analysis)
    try:
        yield rt, analysis
    finally:
        await rt.close()


async def test_inline_running_and_queued_jobs_end_canceled(
    inline_rt: tuple[Runtime, ScriptedAnalysis], hooks: Receiver
) -> None:
    rt, analysis = inline_rt
    running = (await submit_job(rt, request("/run", callback_url=hooks.url), principal="p", idempotency_key=None)).job
    queued = (await submit_job(rt, request("/wait"), principal="p", idempotency_key=None)).job
    await wait_until(rt, running.id, "running")
    assert (await rt.store.get_job(queued.id)).status == "queued"  # the one slot is taken

    canceled = await cancel_job(rt, queued.id)
    assert canceled.status == "canceled" and canceled.finished_at is not None
    assert legacy_state(canceled) == "REVOKED"

    stopped = await cancel_job(rt, running.id)
    assert stopped.status == "canceled"
    await until_lease_free(rt, running.id, timeout_s=5)  # noticed by the attempt's watch, not after 30 s
    assert await rt.store.read_result(running.id, screenshots=False) is None

    [(headers, body)] = await asyncio.to_thread(hooks.wait_for, 1)
    event = json.loads(body)
    assert event["id"] == running.id and event["status"] == "canceled" and event["type"] == "analysis.canceled"
    assert headers["webhook-id"] == f"msg_{running.id}_canceled"
    assert event["links"]["share_report_html"] is None

    # The queued job's delivery comes after the slot frees, finds it final and runs nothing.
    await asyncio.sleep(0.3)
    assert [call.url for call in analysis.calls] == [running.url]
    assert (await rt.store.get_job(running.id)).status == "canceled", "the stopped attempt wrote nothing after"

    again = (await submit_job(rt, request("/run"), principal="p", idempotency_key=None)).job
    assert again.id != running.id, "a canceled job no longer coalesces identical submits"


async def test_a_finished_job_cannot_be_canceled(inline_rt: tuple[Runtime, ScriptedAnalysis]) -> None:
    rt, analysis = inline_rt
    analysis._steps = []
    job = (await submit_job(rt, request("/quick"), principal="p", idempotency_key=None)).job
    assert (await wait_until(rt, job.id)).status == "succeeded"
    with pytest.raises(JobAlreadyFinishedError) as refused:
        await cancel_job(rt, job.id)
    assert refused.value.status == "succeeded"
    assert (await rt.store.get_job(job.id)).status == "succeeded"


async def test_redis_streams_worker_stops_the_canceled_job_and_goes_on(redis_url: str, tmp_path: Path) -> None:
    calls = tmp_path / "calls.txt"
    env = worker_env(
        redis_url, lease_s=30, cancel_poll_s=POLL_S, **{DELAY_ENV.lower(): 20, CALLS_FILE_ENV.lower(): calls}
    )
    worker = WorkerProcess(env, tmp_path / "worker.log", consumer="canceler")
    rt = await Runtime.create(jobs_settings(redis_url, queue_backend="redis", lease_s=30))
    try:
        job = (await submit_job(rt, request("/slow"), principal="p", idempotency_key=None)).job
        await wait_until(rt, job.id, "running")
        assert (await cancel_job(rt, job.id)).status == "canceled"
        await until_lease_free(rt, job.id)
        assert await rt.store.read_result(job.id, screenshots=False) is None
        assert (await rt.store.get_job(job.id)).status == "canceled"
        assert len(calls.read_text().splitlines()) == 1
        lines = [json.loads(line) for line in worker.log_lines()]
        assert any(entry["message"] == "job canceled; attempt stopped, lease released" for entry in lines)
    finally:
        worker.stop()
        await rt.close()


@pytest.fixture
async def pushes() -> AsyncIterator[tuple[TaskReceiver, LoopbackServer]]:
    target = TaskReceiver(loop=asyncio.get_running_loop())
    with LoopbackServer(routes={PATH: target.handle}) as server:
        yield target, server


async def test_cloud_tasks_running_and_queued_jobs_end_canceled(
    redis_url: str,
    cloud_tasks_emulator: CloudTasksEmulator,
    fresh_queue: str,
    pushes: tuple[TaskReceiver, LoopbackServer],
) -> None:
    target, server = pushes
    settings = jobs_settings(
        redis_url,
        queue_backend="cloudtasks",
        cloud_tasks_emulator_host=cloud_tasks_emulator.host,
        cloud_tasks_project=PROJECT,
        cloud_tasks_location=LOCATION,
        cloud_tasks_queue=fresh_queue,
        analyze_url=server.url(PATH),
        task_secret=SECRET,
        cancel_poll_s=POLL_S,
        analysis_timeout_s=60,
        lease_s=90,
    )
    analysis = ScriptedAnalysis([20.0])
    rt = await Runtime.create(settings, analyze=analysis)
    target.rt = rt
    try:
        job = (await submit_job(rt, request("/ct-slow"), principal="p", idempotency_key=None)).job
        await wait_until(rt, job.id, "running")
        assert (await cancel_job(rt, job.id)).status == "canceled"
        await until_lease_free(rt, job.id, timeout_s=5)
        assert await rt.store.read_result(job.id, screenshots=False) is None
        assert [push[0] for push in target.pushes] == [job.id], "the delivery ended done, not retried"

        # A queued job (its task not yet run) canceled: the task arrives, finds it final, runs nothing.
        target.rt = None  # pushes answer 403 meanwhile, so the job stays queued
        queued = (await submit_job(rt, request("/ct-queued"), principal="p", idempotency_key=None)).job
        assert (await cancel_job(rt, queued.id)).status == "canceled"
        target.rt = rt
        await asyncio.sleep(1.5)
        assert len(analysis.calls) == 1
        assert (await rt.store.get_job(queued.id)).status == "canceled"
    finally:
        await rt.close()
