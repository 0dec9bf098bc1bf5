"""The Cloud Tasks emulator (`gcloud-tasks-emulator`, from the venv) as a subprocess, one per session.

It keeps queues in memory, dispatches one task at a time per queue to the task's absolute URL, retries
failed tasks without backoff up to `MAX_RETRIES`, sends no OIDC token, and does not implement
`get_task`/`delete_task` nor task-name deduplication. Each test gets its own queue from `fresh_queue`.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import grpc
import pytest
from google.cloud import tasks_v2
from google.cloud.tasks_v2.services.cloud_tasks.transports import CloudTasksGrpcAsyncIOTransport

from harness.servers import free_port

PROJECT = "cro-test"
LOCATION = "local"
MAX_RETRIES = 5
START_TIMEOUT_S = 20.0


class CloudTasksEmulator:
    def __init__(self, log_path: Path) -> None:
        executable = Path(sys.executable).with_name("gcloud-tasks-emulator")
        if not executable.exists():
            found = shutil.which("gcloud-tasks-emulator")
            if found is None:
                raise RuntimeError("gcloud-tasks-emulator is not installed (make install)")
            executable = Path(found)
        self.port = free_port()
        self._log = log_path.open("wb")
        self.process = subprocess.Popen(
            [str(executable), "start", "--port", str(self.port), "--max-retries", str(MAX_RETRIES)],
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    @property
    def host(self) -> str:
        return f"127.0.0.1:{self.port}"

    def client(self) -> tasks_v2.CloudTasksAsyncClient:
        channel = grpc.aio.insecure_channel(self.host)
        return tasks_v2.CloudTasksAsyncClient(transport=CloudTasksGrpcAsyncIOTransport(channel=channel))

    def wait_ready(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            with grpc.insecure_channel(self.host) as channel:
                try:
                    grpc.channel_ready_future(channel).result(timeout=0.5)
                    return
                except grpc.FutureTimeoutError:
                    pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("gcloud-tasks-emulator did not start")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()


@pytest.fixture(scope="session")
def cloud_tasks_emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CloudTasksEmulator]:
    emulator = CloudTasksEmulator(tmp_path_factory.mktemp("cloudtasks") / "emulator.log")
    try:
        emulator.wait_ready()
        yield emulator
    finally:
        emulator.stop()


@pytest.fixture
async def fresh_queue(cloud_tasks_emulator: CloudTasksEmulator) -> AsyncIterator[str]:
    """A new, empty queue; yields its short name (CLOUD_TASKS_QUEUE)."""
    name = f"q{uuid.uuid4().hex[:12]}"
    client = cloud_tasks_emulator.client()
    parent = f"projects/{PROJECT}/locations/{LOCATION}"
    try:
        await client.create_queue(parent=parent, queue=tasks_v2.Queue(name=f"{parent}/queues/{name}"))
        yield name
        await client.delete_queue(name=f"{parent}/queues/{name}")
    finally:
        await client.transport.close()
