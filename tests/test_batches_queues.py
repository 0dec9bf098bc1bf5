"""A batch in the two shared-queue modes: the gateway with a `cro-analyzer worker` subprocess on redis-server
(Redis Streams), and the service on Cloud Tasks (the real emulator pushing each page to a receiver that
runs the delivery, as the analyze function does). The inline mode is tests/test_batches.py."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler
from pathlib import Path

import httpx
import pytest

from harness.scripted_analysis import site_analysis
from harness.servers import LoopbackServer
from shared.batches.model import BatchRequest
from shared.queue.cloudtasks import TASK_SECRET_HEADER
from shared.service import Delivery, Runtime, process_delivery
from shared.sites.service import batch_view, submit_batch
from tests.support.cloudtasks import LOCATION, PROJECT, CloudTasksEmulator
from tests.support.gateway import http_settings, running_gateway, target
from tests.support.jobs import WorkerProcess, jobs_settings, worker_env
from tests.test_batches import wait_finished

PATH = "/v1/tasks/analyze"
SECRET = "batch-task-secret"
PAGES = ["/q0", "/q1-form", "/q2", "/fail"]


@pytest.mark.timeout(90)
def test_a_batch_through_the_gateway_and_a_worker_on_redis(redis_url: str, tmp_path: Path) -> None:
    prefix = "batch-redis:"
    settings = http_settings(redis_url=redis_url, queue_backend="redis", key_prefix=prefix)
    worker = WorkerProcess(
        worker_env(redis_url, key_prefix=prefix),
        tmp_path / "worker.log",
        consumer="batch-worker",
        analyze_fn="harness.scripted_analysis:site_analysis",
    )
    try:
        with running_gateway(settings) as server, httpx.Client(timeout=15) as client:
            response = client.post(server.url("/v1/batches"), json={"urls": [target(p) for p in PAGES], "llm": False})
            assert response.status_code == 202, response.text
            done = wait_finished(client, response.json()["links"]["self"])
    finally:
        worker.stop()
    assert done["counts"] == {"queued": 0, "running": 0, "succeeded": 3, "failed": 1}
    assert done["summary"]["failures"] == {"target_http_error": 1}
    assert done["summary"]["top_rules"][0]["rule"] == "cta.weak_primary"
    assert sum("job succeeded" in line for line in worker.log_lines()) == 3


@dataclass
class Receiver:
    """Answers each push by running the delivery in the test's loop, as the analyze function would."""

    loop: asyncio.AbstractEventLoop
    rt: Runtime | None = None
    pushes: list[str] = field(default_factory=list)

    def handle(self, handler: SimpleHTTPRequestHandler) -> None:
        body = json.loads(handler.rfile.read(int(handler.headers["Content-Length"])))
        self.pushes.append(body["job_id"])
        status = 403
        if handler.headers.get(TASK_SECRET_HEADER) == SECRET and self.rt is not None:
            attempt = int(handler.headers.get("X-CloudTasks-TaskRetryCount", "0")) + 1
            delivery = Delivery(body["job_id"], attempt, self.rt.settings.max_attempts)
            outcome = asyncio.run_coroutine_threadsafe(process_delivery(self.rt, delivery), self.loop).result(30)
            status = 200 if outcome == "done" else 503
        handler.send_response(status)
        handler.send_header("Content-Length", "0")
        handler.end_headers()


@pytest.fixture
async def cloudtasks_rt(
    redis_url: str, cloud_tasks_emulator: CloudTasksEmulator, fresh_queue: str
) -> AsyncIterator[tuple[Runtime, Receiver]]:
    receiver = Receiver(loop=asyncio.get_running_loop())
    with LoopbackServer(routes={PATH: receiver.handle}) as server:
        settings = jobs_settings(
            redis_url,
            key_prefix="batch-ct:",
            queue_backend="cloudtasks",
            cloud_tasks_emulator_host=cloud_tasks_emulator.host,
            cloud_tasks_project=PROJECT,
            cloud_tasks_location=LOCATION,
            cloud_tasks_queue=fresh_queue,
            analyze_url=server.url(PATH),
            task_secret=SECRET,
        )
        rt = await Runtime.create(settings, analyze=site_analysis)
        receiver.rt = rt
        try:
            yield rt, receiver
        finally:
            await rt.close()


@pytest.mark.timeout(90)
async def test_a_batch_on_cloud_tasks(cloudtasks_rt: tuple[Runtime, Receiver]) -> None:
    rt, receiver = cloudtasks_rt
    request = BatchRequest(urls=[target(p) for p in PAGES], llm=False)
    batch = await submit_batch(rt, request, principal="p")
    async with asyncio.timeout(60):
        while True:
            view = await batch_view(rt, batch.id, "")
            if view is not None and view.status == "finished":
                break
            await asyncio.sleep(0.1)
    assert view.counts == {"queued": 0, "running": 0, "succeeded": 3, "failed": 1}
    assert view.summary is not None and view.summary.failures == {"target_http_error": 1}
    assert sorted(receiver.pushes) == sorted(batch.job_ids)
    # The same pages again are cache hits: a batch of final pages is finished when it is created.
    again = await submit_batch(rt, BatchRequest(urls=[target(p) for p in PAGES[:3]], llm=False), principal="p")
    view = await batch_view(rt, again.id, "")
    assert view is not None and view.status == "finished" and view.counts["succeeded"] == 3
