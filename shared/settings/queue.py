"""How jobs reach an analysis: the backend, leases and attempts, the worker, Cloud Tasks."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

QueueBackend = Literal["inline", "redis", "cloudtasks"]


class QueueSettings(BaseModel):
    queue_backend: QueueBackend = Field("inline", description="inline (in process), redis (Streams) or cloudtasks.")
    max_attempts: int = Field(3, ge=1, le=20, description="Deliveries of one job before it fails for good.")
    retry_backoff_s: float = Field(2.0, ge=0, description="First retry delay; doubles per attempt.")
    retry_backoff_max_s: float = Field(60.0, ge=0, description="Longest delay between two attempts.")
    worker_concurrency: int = Field(2, ge=1, le=64, description="Analyses one `cro-analyzer worker` runs at once.")
    inline_concurrency: int = Field(2, ge=1, le=64, description="Analyses the inline queue runs at once.")
    analyze_url: str | None = Field(None, description="Public URL of the analyze function (Cloud Tasks target).")
    cloud_tasks_project: str | None = Field(None, description="Google Cloud project of the Cloud Tasks queue.")
    cloud_tasks_location: str | None = Field(None, description="Region of the Cloud Tasks queue.")
    cloud_tasks_queue: str | None = Field(None, description="Name of the Cloud Tasks queue.")
    cloud_tasks_service_account: str | None = Field(
        None, description="Service account whose OIDC token Cloud Tasks sends."
    )
    cloud_tasks_emulator_host: str | None = Field(None, description="host:port of gcloud-tasks-emulator (local).")
    dispatch_deadline_s: int = Field(
        600, ge=15, le=1800, description="How long Cloud Tasks waits for one analyze call; > lease_s."
    )
    enqueue_timeout_s: float = Field(10.0, gt=0, le=60, description="Budget for handing one job to the queue.")
    shutdown_grace_s: float = Field(
        30.0, ge=0, le=600, description="On SIGTERM, how long running analyses may finish before their leases go."
    )
    worker_poll_s: float = Field(
        1.0, gt=0, le=30, description="Longest blocking read of the worker; also how often due retries move."
    )
    worker_reclaim_interval_s: float = Field(
        15.0, gt=0, le=600, description="How often the worker looks for deliveries a dead consumer left."
    )
    stream_max_len: int = Field(100_000, ge=100, description="Approximate cap of the Redis Streams queue length.")
    worker_forget_consumer_after_s: float = Field(
        3600.0, ge=60, description="A consumer with nothing pending and silent this long is removed from the group."
    )
