"""The HTTP contract: what callers send and what they get back (ARCHITECTURE.md section 4).

Unknown fields are rejected so a typo in an n8n node fails loudly instead of being ignored.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field
from pydantic_core import to_json

from shared.models.facts import DEVICES, Device
from shared.models.report import Report

JobStatus = Literal["queued", "running", "succeeded", "failed", "canceled"]
FINAL_STATUSES: frozenset[str] = frozenset({"succeeded", "failed", "canceled"})

MAX_URL_CHARS = 2048
MAX_METADATA_CHARS = 8192
# Documented in the schema only: the URL policy (netguard) enforces it, with a precise error code.
HTTP_URL_PATTERN = r"^[Hh][Tt][Tt][Pp][Ss]?://\S+$"


def _unique_devices(value: list[Device]) -> list[Device]:
    if len(set(value)) != len(value):
        raise ValueError("devices must not repeat")
    return sorted(value, key=DEVICES.index)


def _bounded_metadata(value: dict[str, Any] | None) -> dict[str, Any] | None:
    if value is not None and len(to_json(value)) > MAX_METADATA_CHARS:
        raise ValueError(f"metadata must serialise to at most {MAX_METADATA_CHARS} characters")
    return value


# What a request may ask of each page it analyses (one job, or every page of a batch), checked alike.
DeviceList = Annotated[list[Device], AfterValidator(_unique_devices)]
Metadata = Annotated[dict[str, Any] | None, AfterValidator(_bounded_metadata)]


class ApiModel(BaseModel):
    model_config = ConfigDict(extra="forbid")


class AnalysisRequest(ApiModel):
    url: str = Field(
        min_length=1,
        max_length=MAX_URL_CHARS,
        description="Page to analyse (http or https).",
        examples=["https://example.com"],
        json_schema_extra={"pattern": HTTP_URL_PATTERN},
    )
    devices: DeviceList = Field(default_factory=lambda: list(DEVICES), min_length=1, max_length=2)
    llm: bool = Field(True, description="false = rules only, no Claude.")
    force: bool = Field(False, description="Bypass the result cache.")
    callback_url: str | None = Field(
        None,
        max_length=MAX_URL_CHARS,
        description="Receives the finished job, signed per Standard Webhooks.",
        json_schema_extra={"pattern": HTTP_URL_PATTERN},
    )
    include_screenshots: bool = Field(False, description="Inline base64 screenshots in the result.")
    metadata: Metadata = Field(None, description="Free JSON echoed back unchanged.")


class Progress(ApiModel):
    stage: str
    percent: int = Field(ge=0, le=100)


class JobError(ApiModel):
    code: str
    message: str


class WebhookState(ApiModel):
    """Whether the job's callback went out: `pending` until a delivery of the finished job sends it."""

    status: Literal["pending", "delivered", "failed"]
    attempts: int = 0
    status_code: int | None = Field(None, description="The receiver's last HTTP status.")
    error: str | None = None
    at: datetime | None = Field(None, description="When the last attempt ended.")


class Links(ApiModel):
    self: str
    report_html: str
    report_pdf: str
    share_report_html: str | None = Field(
        None, description="Signed link to the HTML report that needs no API key, until it expires (succeeded jobs)."
    )
    share_report_pdf: str | None = Field(None, description="The same for the PDF report.")
    previous: str | None = Field(
        None,
        description="The newest job created before this one of the same page and options (normalised URL, "
        "`devices`, `llm`) and the same API key that succeeded: compare with it (`POST /v1/comparisons`). null "
        "when there is none, while this job has not succeeded, and in listings, event streams and comparison "
        "sides (read the job).",
    )


class Job(ApiModel):
    """The job record as stored and as returned (the report is stored apart and joined on read)."""

    id: str
    status: JobStatus
    url: str
    request: AnalysisRequest
    progress: Progress = Progress(stage="queued", percent=0)
    attempts: int = 0
    cached: bool = False
    created_at: datetime
    started_at: datetime | None = None
    finished_at: datetime | None = None
    error: JobError | None = None
    webhook: WebhookState | None = Field(None, description="Set when the request has a callback_url.")

    @property
    def is_final(self) -> bool:
        return self.status in FINAL_STATUSES


class JobView(ApiModel):
    """`GET /v1/analyses/{id}` and the 200/202 of submit."""

    id: str
    status: JobStatus
    url: str
    progress: Progress
    attempts: int
    cached: bool
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    error: JobError | None
    metadata: dict[str, Any] | None
    webhook: WebhookState | None = None
    links: Links
    result: Report | None = None


def job_path(job_id: str) -> str:
    return f"/v1/analyses/{job_id}"


def job_links(base: str, job_id: str, previous: str | None = None) -> Links:
    """The job's links under `base` (empty: relative to the host the caller reached); `previous` is the id
    of the job to link as `previous`."""
    path = base + job_path(job_id)
    return Links(
        self=path,
        report_html=f"{path}/report.html",
        report_pdf=f"{path}/report.pdf",
        previous=None if previous is None else base + job_path(previous),
    )


def job_view(job: Job, base: str, result: Report | None = None, previous: str | None = None) -> JobView:
    """The job as callers see it: the record without its request, its links, and its report once succeeded;
    `previous` is the id of the job its `links.previous` names (the service finds it)."""
    return JobView(
        id=job.id,
        status=job.status,
        url=job.url,
        progress=job.progress,
        attempts=job.attempts,
        cached=job.cached,
        created_at=job.created_at,
        started_at=job.started_at,
        finished_at=job.finished_at,
        error=job.error,
        metadata=job.request.metadata,
        webhook=job.webhook,
        links=job_links(base, job.id, previous),
        result=result,
    )


class ErrorDetail(ApiModel):
    code: str = Field(description="snake_case, stable; see the README's error table.")
    message: str
    details: Any | None = None


class ErrorBody(ApiModel):
    error: ErrorDetail


class TaskPayload(ApiModel):
    """Body the queue delivers to `POST /v1/tasks/analyze`."""

    job_id: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")
