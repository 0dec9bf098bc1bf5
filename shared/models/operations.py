"""Contracts of the console's and operators' routes: the job listing, `/v1/stats`, and the event stream."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from shared.models.api import ApiModel, JobView

MAX_LIST_LIMIT = 100


class ListedAnalysis(JobView):
    """A job as `GET /v1/analyses` lists it: the JobView without its report, plus the report's score."""

    score: int | None = Field(None, description="The report's overall score, once the job has succeeded.")


class AnalysisList(ApiModel):
    items: list[ListedAnalysis] = Field(description="Newest first.")
    next_cursor: str | None = Field(None, description="Pass as `cursor` for the next page; null on the last page.")


class QueueFigures(ApiModel):
    """How much work waits. null where the backend cannot tell cheaply (Cloud Tasks: see its own metrics)."""

    depth: int | None = Field(description="Jobs the queue holds: waiting or being delivered.")
    pending: int | None = Field(description="Deliveries handed to a worker and not yet settled.")
    delayed: int | None = Field(description="Retries waiting for their backoff.")


class WorkerView(ApiModel):
    name: str
    last_seen: datetime
    running: int = Field(description="Analyses it was running at its last heartbeat.")


class JobCounts(ApiModel):
    succeeded: int = 0
    failed: int = 0
    canceled: int = 0
    by_error_code: dict[str, int] = Field(default_factory=dict, description="Failed jobs by `error.code`.")


class JobWindows(ApiModel):
    last_hour: JobCounts
    last_day: JobCounts


class Percentiles(ApiModel):
    p50: float | None = None
    p95: float | None = None


class Durations(Percentiles):
    """Of the jobs that ran an analysis in the last day: from the attempt's start to the end."""

    by_stage: dict[str, Percentiles] = Field(default_factory=dict, description="Wall time per engine stage.")


class Stats(ApiModel):
    queue: QueueFigures
    workers: list[WorkerView]
    jobs: JobWindows
    durations_ms: Durations
