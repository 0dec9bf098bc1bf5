"""The Cloud Tasks backend against the real emulator, delivering to a receiver on loopback that does what
the analyze function does (task secret check, attempt from X-CloudTasks-TaskRetryCount, 200 / 503)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler

import pytest

from harness.scripted_analysis import ScriptedAnalysis
from harness.servers import LoopbackServer
from shared.errors import AnalysisError, ErrorCode
from shared.queue.cloudtasks import TASK_SECRET_HEADER, CloudTasksQueue, build_task
from shared.service import Delivery, Runtime, process_delivery, submit_job
from tests.support.cloudtasks import LOCATION, PROJECT, CloudTasksEmulator
from tests.support.jobs import jobs_settings, request, wait_until

SECRET = "s3cret-for-tests"
PATH = "/v1/tasks/analyze"


@dataclass
class Receiver:
    """Records each push and answers it by running the delivery in the test's event loop."""

    loop: asyncio.AbstractEventLoop
    rt: Runtime | None = None
    pushes: list[tuple[str, int, str | None]] = field(default_factory=list)

    def handle(self, handler: SimpleHTTPRequestHandler) -> None:
        body = json.loads(handler.rfile.read(int(handler.headers["Content-Length"])))
        retry_count = int(handler.headers.get("X-CloudTasks-TaskRetryCount", "0"))
        secret = handler.headers.get(TASK_SECRET_HEADER)
        self.pushes.append((body["job_id"], retry_count, secret))
        status = 403
        if secret == SECRET and self.rt is not None:
            delivery = Delivery(body["job_id"], retry_count + 1, self.rt.settings.max_attempts)
            outcome = asyncio.run_coroutine_threadsafe(process_delivery(self.rt, delivery), self.loop).result(30)
            status = 200 if outcome == "done" else 503
        handler.send_response(status)
        handler.send_header("Content-Length", "0")
        handler.end_headers()


@pytest.fixture
async def receiver() -> AsyncIterator[tuple[Receiver, LoopbackServer]]:
    target = Receiver(loop=asyncio.get_running_loop())
    with LoopbackServer(routes={PATH: target.handle}) as server:
        yield target, server


@pytest.fixture
def analysis() -> ScriptedAnalysis:
    return ScriptedAnalysis()


@pytest.fixture
async def rt(
    redis_url: str,
    cloud_tasks_emulator: CloudTasksEmulator,
    fresh_queue: str,
    receiver: tuple[Receiver, LoopbackServer],
    analysis: ScriptedAnalysis,
) -> AsyncIterator[Runtime]:
    target, server = receiver
    settings = jobs_settings(
        redis_url,
        queue_backend="cloudtasks",
        cloud_tasks_emulator_host=cloud_tasks_emulator.host,
        cloud_tasks_project=PROJECT,
        cloud_tasks_location=LOCATION,
        cloud_tasks_queue=fresh_queue,
        analyze_url=server.url(PATH),
        task_secret=SECRET,
    )
    runtime = await Runtime.create(settings, analyze=analysis)
    target.rt = runtime
    try:
        yield runtime
    finally:
        await runtime.close()


async def test_task_is_pushed_with_the_secret_and_the_job_succeeds(
    rt: Runtime, receiver: tuple[Receiver, LoopbackServer]
) -> None:
    target, _ = receiver
    job = (await submit_job(rt, request("/ct"), principal="p", idempotency_key=None)).job
    done = await wait_until(rt, job.id)
    assert done.status == "succeeded" and done.attempts == 1
    assert target.pushes == [(job.id, 0, SECRET)]


async def test_a_503_makes_the_emulator_retry_with_the_next_attempt(
    rt: Runtime, receiver: tuple[Receiver, LoopbackServer], analysis: ScriptedAnalysis
) -> None:
    target, _ = receiver
    analysis._steps = [AnalysisError(ErrorCode.capture_timeout, "slow page")]
    job = (await submit_job(rt, request("/ct-retry"), principal="p", idempotency_key=None)).job
    done = await wait_until(rt, job.id)
    assert done.status == "succeeded" and done.attempts == 2
    assert [(job_id, count) for job_id, count, _ in target.pushes] == [(job.id, 0), (job.id, 1)]


async def test_the_same_task_twice_is_analysed_once(
    rt: Runtime, receiver: tuple[Receiver, LoopbackServer], analysis: ScriptedAnalysis
) -> None:
    target, _ = receiver
    job = (await submit_job(rt, request("/ct-twice"), principal="p", idempotency_key=None)).job
    await rt.queue.enqueue(job.id)  # a duplicate (the emulator does not dedupe names; Cloud Tasks would)
    await wait_until(rt, job.id)
    async with asyncio.timeout(20):
        while True:
            if len(target.pushes) >= 2:
                break
            await asyncio.sleep(0.05)
    assert [push[0] for push in target.pushes] == [job.id, job.id]
    assert len(analysis.calls) == 1
    assert (await wait_until(rt, job.id)).attempts == 1


async def test_check_sees_the_queue_and_its_absence(rt: Runtime, cloud_tasks_emulator: CloudTasksEmulator) -> None:
    assert await rt.queue.check()
    missing = rt.settings.model_copy(update={"cloud_tasks_queue": "no-such-queue"})
    queue = CloudTasksQueue(missing)
    try:
        assert not await queue.check()
    finally:
        await queue.close()


def test_task_carries_an_oidc_token_when_a_service_account_is_set() -> None:
    settings = jobs_settings(
        queue_backend="cloudtasks",
        cloud_tasks_project="p",
        cloud_tasks_location="europe-west1",
        cloud_tasks_queue="analyses",
        analyze_url="https://analyze.example.run.app/v1/tasks/analyze",
        cloud_tasks_service_account="tasks@p.iam.gserviceaccount.com",
        task_secret=SECRET,
        dispatch_deadline_s=300,
    )
    task = build_task(settings, "projects/p/locations/europe-west1/queues/analyses", "abc123")
    assert task.name == "projects/p/locations/europe-west1/queues/analyses/tasks/abc123"
    assert task.http_request.oidc_token.service_account_email == "tasks@p.iam.gserviceaccount.com"
    assert task.http_request.oidc_token.audience == settings.analyze_url
    assert TASK_SECRET_HEADER not in task.http_request.headers, "no secret travels when OIDC authenticates"
    assert json.loads(task.http_request.body) == {"job_id": "abc123"}
    assert task.dispatch_deadline.total_seconds() == 300
