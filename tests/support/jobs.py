"""Helpers for job tests: settings with small leases and backoffs, and waiting for a job to end."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

from harness.paths import REPO_ROOT
from shared.config import Settings
from shared.models.api import AnalysisRequest, Job
from shared.models.report import Report
from shared.service import Runtime, find_job, get_job, get_report, get_screenshot

# Submitted URLs point here; the allowlist lets the URL policy accept them without a server.
TARGET = "127.0.0.1:8000"
WAIT_TIMEOUT_S = 30.0


# Small leases and backoffs keep the tests quick; the worker subprocesses get the same as variables.
TEST_SETTINGS: dict[str, object] = {
    "queue_backend": "inline",
    "allowed_private_hosts": [TARGET],
    "analysis_timeout_s": 1.0,
    "lease_s": 2.0,
    "max_attempts": 3,
    "retry_backoff_s": 0.01,
    "retry_backoff_max_s": 0.05,
    "shutdown_grace_s": 5.0,
    "worker_poll_s": 0.1,
    "worker_reclaim_interval_s": 0.2,
    "key_prefix": "test:",
    "mobile_throttling": "none",
    "desktop_throttling": "none",
}


def jobs_settings(redis_url: str | None = None, **overrides: object) -> Settings:
    return Settings(**{**TEST_SETTINGS, "redis_url": redis_url, **overrides})  # type: ignore[arg-type]


def request(path: str = "/", **fields: object) -> AnalysisRequest:
    return AnalysisRequest(url=f"http://{TARGET}{path}", **fields)  # type: ignore[arg-type]


async def wait_until(rt: Runtime, job_id: str, *statuses: str, timeout_s: float = WAIT_TIMEOUT_S) -> Job:
    """Polls the job until its status is one of `statuses` (default: final)."""
    wanted = set(statuses or ("succeeded", "failed"))
    async with asyncio.timeout(timeout_s):
        while True:
            job = await get_job(rt, job_id)
            if job is not None and job.status in wanted:
                return job
            await asyncio.sleep(0.02)


WORKER_EXIT_TIMEOUT_S = 30.0


def worker_env(redis_url: str, **settings: object) -> dict[str, str]:
    """Environment of a `cro-analyzer worker` subprocess: the test settings as variables, plus `settings`."""
    values = {**TEST_SETTINGS, "redis_url": redis_url, "queue_backend": "redis", **settings}
    env = dict(os.environ)
    for key, value in values.items():
        env[key.upper()] = ",".join(map(str, value)) if isinstance(value, list) else str(value)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), os.environ.get("PYTHONPATH")]))
    return env


class WorkerProcess:
    """`cro-analyzer worker` as a subprocess with the scripted slow analysis; its JSON logs go to a file."""

    def __init__(
        self,
        env: dict[str, str],
        log_path: Path,
        consumer: str,
        analyze_fn: str = "harness.scripted_analysis:slow_analysis",
    ) -> None:
        self.log_path = log_path
        executable = Path(sys.executable).with_name("cro-analyzer")
        self._log = log_path.open("wb")
        self.process = subprocess.Popen(
            [
                str(executable),
                "worker",
                "--consumer",
                consumer,
                "--analyze-fn",
                analyze_fn,
            ],
            env=env,
            cwd=REPO_ROOT,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    def signal(self, signum: int) -> None:
        self.process.send_signal(signum)

    def wait(self, timeout_s: float = WORKER_EXIT_TIMEOUT_S) -> int:
        try:
            return self.process.wait(timeout=timeout_s)
        finally:
            self._log.close()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.wait()

    def log_lines(self) -> list[str]:
        return self.log_path.read_text().splitlines()


async def report_of(rt: Runtime, job_id: str) -> Report | None:
    """The report of the job `job_id` (the service reads it for a job the caller holds)."""
    read = await get_report(rt, await find_job(rt, job_id))
    return read.report if read else None


async def screenshot_of(rt: Runtime, job_id: str, name: str) -> bytes | None:
    return await get_screenshot(rt, await find_job(rt, job_id), name)
