"""What `/v1/stats` shows, kept in Redis so every process sees every other's: worker heartbeats and the
jobs that ended in the last day.

A heartbeat is a field of one hash (name -> time and running analyses); a worker is listed while its
last heartbeat is younger than HEARTBEAT_TTL_S, and stale fields are removed when the stats are read, so
a killed worker disappears on its own. Workers beat on a timer; an analyze instance on Cloud Run, which
has no CPU between requests, beats when a delivery starts and ends. Every job that ends adds its
figures (status, error code, duration, stage timings) to a sorted set by end time, trimmed to the last
day and to STATS_MAX_SAMPLES members, so reading the stats is bounded whatever the traffic.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import math
import os
import secrets
import socket
import time
from collections import Counter
from datetime import UTC, datetime
from functools import cache

from redis.asyncio import Redis
from redis.exceptions import RedisError

from shared import metrics
from shared.config import Settings
from shared.models.api import Job
from shared.models.operations import (
    Durations,
    JobCounts,
    JobWindows,
    Percentiles,
    QueueFigures,
    Stats,
    WorkerView,
)
from shared.models.report import Report
from shared.store.keys import Keys

log = logging.getLogger(__name__)

HOUR_S = 3600
DAY_S = 24 * HOUR_S


@cache
def instance_name() -> str:
    """This process's name in the worker list: the Cloud Run revision (or host), the PID and a random part
    (two containers can share a host name and a PID)."""
    return f"{os.environ.get('K_REVISION') or socket.gethostname()}-{os.getpid()}-{secrets.token_hex(3)}"


async def beat(redis: Redis, settings: Settings, name: str, running: int) -> None:
    keys = Keys(settings.key_prefix)
    value = json.dumps({"last_seen": time.time(), "running": running})
    async with redis.pipeline(transaction=False) as pipe:
        pipe.hset(keys.workers, name, value)
        pipe.expire(keys.workers, math.ceil(settings.heartbeat_ttl_s))
        await pipe.execute()


async def live_workers(redis: Redis, settings: Settings) -> list[WorkerView]:
    keys = Keys(settings.key_prefix)
    oldest = time.time() - settings.heartbeat_ttl_s
    live, stale = [], []
    for raw_name, raw in (await redis.hgetall(keys.workers)).items():
        name = raw_name.decode()
        entry = json.loads(raw)
        if entry["last_seen"] < oldest:
            stale.append(name)
            continue
        last_seen = datetime.fromtimestamp(entry["last_seen"], UTC)
        live.append(WorkerView(name=name, last_seen=last_seen, running=entry["running"]))
    if stale:
        await redis.hdel(keys.workers, *stale)
    return sorted(live, key=lambda worker: worker.name)


async def record_finished(redis: Redis, settings: Settings, job: Job, report: Report | None) -> None:
    keys = Keys(settings.key_prefix)
    now = time.time()
    duration_ms = (
        (job.finished_at - job.started_at).total_seconds() * 1000 if job.finished_at and job.started_at else None
    )
    entry = {
        "id": job.id,
        "status": job.status,
        "code": job.error.code if job.error and job.status == "failed" else None,
        "ms": None if job.cached else duration_ms,
        "stages": report.timings_ms if report is not None and not job.cached else {},
    }
    async with redis.pipeline(transaction=False) as pipe:
        pipe.zadd(keys.finished, {json.dumps(entry, separators=(",", ":")): int(now * 1000)})
        pipe.zremrangebyscore(keys.finished, "-inf", int((now - DAY_S) * 1000))
        pipe.zremrangebyrank(keys.finished, 0, -settings.stats_max_samples - 1)
        pipe.expire(keys.finished, DAY_S)
        await pipe.execute()


def percentiles(values: list[float]) -> Percentiles:
    """Nearest-rank p50 and p95; None without values."""
    if not values:
        return Percentiles()
    ordered = sorted(values)

    def rank(fraction: float) -> float:
        return round(ordered[max(0, math.ceil(fraction * len(ordered)) - 1)], 1)

    return Percentiles(p50=rank(0.5), p95=rank(0.95))


def _counts(entries: list[dict]) -> JobCounts:
    statuses = Counter(entry["status"] for entry in entries)
    codes = Counter(entry["code"] for entry in entries if entry["status"] == "failed" and entry["code"])
    return JobCounts(
        succeeded=statuses["succeeded"],
        failed=statuses["failed"],
        canceled=statuses["canceled"],
        by_error_code=dict(sorted(codes.items())),
    )


async def read_stats(redis: Redis, settings: Settings, queue: QueueFigures) -> Stats:
    keys = Keys(settings.key_prefix)
    now_ms = int(time.time() * 1000)
    day = await redis.zrangebyscore(keys.finished, now_ms - DAY_S * 1000, "+inf", withscores=True)
    entries = [(json.loads(member), score) for member, score in day]
    hour = [entry for entry, score in entries if score >= now_ms - HOUR_S * 1000]
    last_day = [entry for entry, _ in entries]
    stages: dict[str, list[float]] = {}
    for entry in last_day:
        for stage, ms in entry["stages"].items():
            stages.setdefault(stage, []).append(ms)
    overall = percentiles([entry["ms"] for entry in last_day if entry["ms"] is not None])
    return Stats(
        queue=queue,
        workers=await live_workers(redis, settings),
        jobs=JobWindows(last_hour=_counts(hour), last_day=_counts(last_day)),
        durations_ms=Durations(
            p50=overall.p50,
            p95=overall.p95,
            by_stage={stage: percentiles(values) for stage, values in sorted(stages.items())},
        ),
    )


async def heartbeats(redis: Redis, settings: Settings, name: str, stop: asyncio.Event) -> None:
    """Beats every HEARTBEAT_INTERVAL_S until `stop`, then removes this worker from the list at once."""
    while not stop.is_set():
        try:
            await beat(redis, settings, name, metrics.running_analyses())
        except RedisError as exc:
            log.warning("heartbeat failed", extra={"error": str(exc)})
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), settings.heartbeat_interval_s)
    with contextlib.suppress(RedisError):
        await redis.hdel(Keys(settings.key_prefix).workers, name)


async def observe_finished(redis: Redis, settings: Settings, job: Job, report: Report | None) -> None:
    """Counts a job that reached its final state, in this process's metrics and in the shared stats; a
    store error loses the sample, never the job."""
    code = job.error.code if job.error is not None and job.status == "failed" else ""
    metrics.JOBS_FINISHED.labels(job.status, code).inc()
    if job.started_at and job.finished_at and not job.cached:
        metrics.ANALYSIS_SECONDS.labels(job.status).observe((job.finished_at - job.started_at).total_seconds())
    if report is not None and not job.cached:
        for stage, ms in report.timings_ms.items():
            metrics.STAGE_SECONDS.labels(stage).observe(ms / 1000)
        llm = report.llm
        for kind, tokens in (
            ("input", llm.input_tokens),
            ("output", llm.output_tokens),
            ("cache_read", llm.cache_read_tokens),
            ("cache_write", llm.cache_write_tokens),
        ):
            metrics.CLAUDE_TOKENS.labels(kind).inc(tokens)
    try:
        await record_finished(redis, settings, job, report)
    except RedisError as exc:
        log.warning("could not record the job in the stats", extra={"error": str(exc)})
