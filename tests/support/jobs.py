"""Helpers for job tests: settings with small leases and backoffs, and waiting for a job to end."""

from __future__ import annotations

import asyncio

from shared.config import Settings
from shared.models.api import AnalysisRequest, Job
from shared.service import Runtime, get_job

# Submitted URLs point here; the allowlist lets the URL policy accept them without a server.
TARGET = "127.0.0.1:8000"
WAIT_TIMEOUT_S = 30.0


def jobs_settings(redis_url: str | None = None, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "redis_url": redis_url,
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
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


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
