"""`cro-analyzer worker` as real subprocesses on a real redis-server: a consumer killed with SIGKILL
mid-job leaves the job to another consumer (XAUTOCLAIM after the lease), SIGTERM finishes or hands back
the running job and exits 0, every log line is JSON with the job id, and each process has its own
consumer name."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from harness.scripted_analysis import CALLS_FILE_ENV, DELAY_ENV
from shared.cli.worker import default_consumer
from shared.models.api import Job
from shared.service import Runtime, submit_job
from tests.support.jobs import WorkerProcess, jobs_settings, request, wait_until, worker_env


@pytest.fixture
async def rt(redis_url: str) -> AsyncIterator[Runtime]:
    """The submitting side: a Redis Streams producer, no consumer of its own."""
    runtime = await Runtime.create(jobs_settings(redis_url, queue_backend="redis", lease_s=1.5))
    try:
        yield runtime
    finally:
        await runtime.close()


@pytest.fixture
def workers(tmp_path: Path, redis_url: str) -> Iterator[list[WorkerProcess]]:
    started: list[WorkerProcess] = []
    yield started
    for worker in started:
        worker.stop()


def start_worker(
    workers: list[WorkerProcess], tmp_path: Path, redis_url: str, name: str, **env: object
) -> WorkerProcess:
    settings = {"lease_s": 1.5, DELAY_ENV.lower(): 0, CALLS_FILE_ENV.lower(): tmp_path / "calls.txt", **env}
    worker = WorkerProcess(worker_env(redis_url, **settings), tmp_path / f"{name}.log", consumer=name)
    workers.append(worker)
    return worker


def analyses(tmp_path: Path) -> list[str]:
    calls = tmp_path / "calls.txt"
    return calls.read_text().splitlines() if calls.exists() else []


async def until_analysed(tmp_path: Path, count: int, timeout_s: float = 30) -> list[str]:
    async with asyncio.timeout(timeout_s):
        while True:
            calls = analyses(tmp_path)
            if len(calls) >= count:
                return calls
            await asyncio.sleep(0.05)


async def submit(rt: Runtime, path: str = "/") -> Job:
    return (await submit_job(rt, request(path), principal="p", idempotency_key=None)).job


async def test_killed_consumer_job_is_finished_by_another(
    rt: Runtime, workers: list[WorkerProcess], tmp_path: Path, redis_url: str
) -> None:
    doomed = start_worker(workers, tmp_path, redis_url, "doomed", scripted_analysis_delay_s=60)
    job = await submit(rt)
    first = await until_analysed(tmp_path, 1)
    assert (await wait_until(rt, job.id, "running")).attempts == 1
    doomed.signal(signal.SIGKILL)
    assert doomed.wait() == -signal.SIGKILL

    start_worker(workers, tmp_path, redis_url, "rescuer")
    done = await wait_until(rt, job.id)
    assert done.status == "succeeded"
    assert done.attempts == 2
    calls = analyses(tmp_path)
    assert len(calls) == 2
    assert calls[0] == first[0] and calls[1].split()[0] != first[0].split()[0], "another process finished it"


async def test_sigterm_lets_the_running_job_finish_and_exits_zero(
    rt: Runtime, workers: list[WorkerProcess], tmp_path: Path, redis_url: str
) -> None:
    worker = start_worker(workers, tmp_path, redis_url, "graceful", scripted_analysis_delay_s=1.0)
    job = await submit(rt)
    await until_analysed(tmp_path, 1)
    worker.signal(signal.SIGTERM)
    assert await asyncio.to_thread(worker.wait) == 0
    done = await wait_until(rt, job.id, timeout_s=1)
    assert done.status == "succeeded" and done.attempts == 1

    lines = [json.loads(line) for line in worker.log_lines()]
    assert all("severity" in entry and "message" in entry for entry in lines)
    job_lines = [entry for entry in lines if entry.get("job_id") == job.id]
    assert any(entry["message"] == "job succeeded" for entry in job_lines)
    assert lines[-1]["message"] == "worker stopped"


async def test_sigterm_past_the_grace_hands_the_job_back(
    rt: Runtime, workers: list[WorkerProcess], tmp_path: Path, redis_url: str
) -> None:
    worker = start_worker(workers, tmp_path, redis_url, "impatient", scripted_analysis_delay_s=60, shutdown_grace_s=0)
    job = await submit(rt)
    await until_analysed(tmp_path, 1)
    worker.signal(signal.SIGTERM)
    assert await asyncio.to_thread(worker.wait) == 0
    back = await wait_until(rt, job.id, "queued", timeout_s=1)
    assert not await rt.store.leases.held(job.id)
    assert back.progress.stage == "interrupted"

    start_worker(workers, tmp_path, redis_url, "next")
    done = await wait_until(rt, job.id)
    assert done.status == "succeeded"
    assert len(analyses(tmp_path)) == 2


def test_each_worker_process_has_its_own_consumer_name() -> None:
    first, second = default_consumer(), default_consumer()
    assert first != second, "two workers with one hostname and PID (two containers) would share a consumer"
    assert first.startswith(f"{socket.gethostname()}-{os.getpid()}-")
