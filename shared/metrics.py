"""This process's Prometheus metrics (`GET /metrics`), in a registry of their own.

Counters count what this process did: a submit function counts submits, an analyze instance or a worker
the analyses it ran, the gateway both. The queue depth is read from the queue when scraped. Labels have
bounded values only: statuses, error codes, stage names, outcomes, never a URL or a job id.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

REGISTRY = CollectorRegistry(auto_describe=True)

# Seconds, from a quick scripted analysis to a throttled two-device analysis with Claude.
_ANALYSIS_BUCKETS = (0.5, 1, 2.5, 5, 10, 20, 30, 45, 60, 90, 120, 180, 300)
_STAGE_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120)

JOBS_SUBMITTED = Counter(
    "cro_jobs_submitted",
    "Submits answered, by what they did: created (a new job), cached, inflight, idempotent.",
    ["kind"],
    registry=REGISTRY,
)
JOBS_FINISHED = Counter(
    "cro_jobs_finished",
    "Jobs this process ended, by final status and error code ('' when none).",
    ["status", "error_code"],
    registry=REGISTRY,
)
ANALYSIS_SECONDS = Histogram(
    "cro_analysis_duration_seconds",
    "Wall time of a job's analysis, from the attempt's start to the end.",
    ["status"],
    buckets=_ANALYSIS_BUCKETS,
    registry=REGISTRY,
)
STAGE_SECONDS = Histogram(
    "cro_stage_duration_seconds",
    "Wall time of one engine stage of a succeeded analysis.",
    ["stage"],
    buckets=_STAGE_BUCKETS,
    registry=REGISTRY,
)
QUEUE = Gauge(
    "cro_queue_jobs",
    "The queue when scraped: depth, pending (delivered), delayed (backoff).",
    ["kind"],
    registry=REGISTRY,
)
IN_FLIGHT = Gauge("cro_analyses_in_flight", "Analyses running in this process now.", registry=REGISTRY)
BROWSER_RESTARTS = Counter(
    "cro_browser_restarts", "Chromium relaunched after it died or disconnected.", registry=REGISTRY
)
CLAUDE_TOKENS = Counter(
    "cro_claude_tokens",
    "Claude tokens of finished analyses: input, output, cache_read, cache_write.",
    ["kind"],
    registry=REGISTRY,
)
WEBHOOKS = Counter(
    "cro_webhook_deliveries", "Webhooks settled, by outcome: delivered or failed.", ["outcome"], registry=REGISTRY
)

_running = 0


@contextlib.contextmanager
def analysis_in_flight() -> Iterator[None]:
    global _running
    _running += 1
    IN_FLIGHT.inc()
    try:
        yield
    finally:
        _running -= 1
        IN_FLIGHT.dec()


def running_analyses() -> int:
    """Analyses in flight in this process (what a heartbeat reports)."""
    return _running


def exposition() -> bytes:
    return generate_latest(REGISTRY)
