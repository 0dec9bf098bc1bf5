"""The batch contract: what `POST /v1/batches` accepts, what is stored, and what `GET /v1/batches/{id}` shows.

A batch is a list of page jobs plus what was learnt while building it (how many URLs the sitemap held,
which were dropped and why). Each finished page leaves a small digest (scores, which rules fired) so the
site summary never reads hundreds of full reports.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from shared.models.api import (
    HTTP_URL_PATTERN,
    MAX_URL_CHARS,
    ApiModel,
    DeviceList,
    JobError,
    JobStatus,
    Metadata,
    WebhookState,
)
from shared.models.facts import DEVICES
from shared.models.report import Category, Severity

DEFAULT_MAX_PAGES = 50
# The schema's own ceiling on a `urls` list; the BATCH_MAX_PAGES setting caps the pages actually analysed.
MAX_LISTED_URLS = 10_000

BatchStatus = Literal["running", "finished"]


class BatchRequest(ApiModel):
    urls: list[str] | None = Field(
        None,
        min_length=1,
        max_length=MAX_LISTED_URLS,
        description="Pages to analyse; normalised and deduplicated. Give this or `sitemap_url`.",
    )
    sitemap_url: str | None = Field(
        None,
        max_length=MAX_URL_CHARS,
        description="A sitemap or sitemap index (.gz too); its pages on the sitemap's own site are analysed.",
        json_schema_extra={"pattern": HTTP_URL_PATTERN},
    )
    max_pages: int | None = Field(
        None,
        ge=1,
        le=MAX_LISTED_URLS,
        description=f"Most pages analysed; more are left out (said so in `discovery`). At most BATCH_MAX_PAGES; "
        f"unset = {DEFAULT_MAX_PAGES} (or BATCH_MAX_PAGES when lower).",
    )
    devices: DeviceList = Field(default_factory=lambda: list(DEVICES), min_length=1, max_length=2)
    llm: bool = Field(True, description="false = rules only, no Claude.")
    force: bool = Field(False, description="Bypass the result cache for every page.")
    callback_url: str | None = Field(
        None,
        max_length=MAX_URL_CHARS,
        description="Receives the batch once every page is final (one signed webhook).",
        json_schema_extra={"pattern": HTTP_URL_PATTERN},
    )
    metadata: Metadata = Field(None, description="Free JSON echoed back unchanged.")

    @model_validator(mode="after")
    def _one_source(self) -> BatchRequest:
        if (self.urls is None) == (self.sitemap_url is None):
            raise ValueError("give exactly one of urls and sitemap_url")
        return self

    @field_validator("urls")
    @classmethod
    def _bounded_urls(cls, value: list[str] | None) -> list[str] | None:
        if value is not None and any(len(url) > MAX_URL_CHARS for url in value):
            raise ValueError(f"each URL must be at most {MAX_URL_CHARS} characters")
        return value


class Discovery(ApiModel):
    """How the list of pages came about: what was found, and every URL left out, counted by reason."""

    source: Literal["urls", "sitemap"]
    found: int = Field(description="URLs given or listed in the sitemap(s).")
    duplicates: int = Field(0, description="Left out: the same page after normalisation.")
    off_site: int = Field(0, description="Left out: on another site than the sitemap's.")
    invalid: int = Field(0, description="Left out: not an http(s) URL.")
    over_limit: int = Field(0, description="Left out: beyond max_pages.")
    capped: bool = Field(False, description="max_pages was reached and pages were left out.")
    sitemaps_read: int = 0
    notes: list[str] = Field(default_factory=list, description="Sitemaps that could not be read, and why.")


class BatchPage(ApiModel):
    url: str
    job_id: str | None = Field(None, description="None when the page was refused at submit (see error).")
    error: JobError | None = None


class Batch(ApiModel):
    """The stored record; the page jobs and their digests live apart."""

    id: str
    created_at: datetime
    request: BatchRequest
    discovery: Discovery
    pages: list[BatchPage]

    @property
    def job_ids(self) -> list[str]:
        return list(dict.fromkeys(page.job_id for page in self.pages if page.job_id))


class FindingDigest(ApiModel):
    rule: str
    category: Category
    severity: Severity
    title: str


class PageDigest(ApiModel):
    """What a finished page job adds to its batches: enough for the summary and the report's rows."""

    job_id: str
    url: str
    status: JobStatus
    overall: int | None = None
    categories: dict[Category, int] = Field(default_factory=dict)
    findings: list[FindingDigest] = Field(default_factory=list, description="One per rule that fired.")
    fold: str | None = Field(None, description="The fold screenshot shown as the page's thumbnail.")
    error: JobError | None = None


class PageLinks(ApiModel):
    self: str
    report_html: str


class PageView(ApiModel):
    url: str
    job_id: str | None
    status: JobStatus
    score: int | None = Field(None, description="The overall score once the page's job has succeeded.")
    categories: dict[Category, int] = Field(default_factory=dict)
    error: JobError | None = None
    links: PageLinks | None = None


class Distribution(ApiModel):
    pages: int
    min: int
    median: float
    mean: float
    max: int
    bands: dict[Literal["good", "average", "poor"], int] = Field(description="Pages per Lighthouse score band.")


class RuleSpread(ApiModel):
    rule: str
    title: str
    category: Category
    severity: Severity
    pages: int = Field(description="Pages the rule fired on.")
    share: float = Field(description="pages / succeeded pages.")
    weight: int = Field(description="pages x severity weight (high 3, medium 2, low 1): the ranking.")


class WorstPage(ApiModel):
    url: str
    job_id: str
    score: int


class SiteSummary(ApiModel):
    pages: int
    succeeded: int
    failed: int
    overall: Distribution | None = None
    categories: dict[Category, Distribution] = Field(default_factory=dict)
    top_rules: list[RuleSpread] = Field(
        default_factory=list, description="Rules firing on most pages: a template-level fix, heaviest first."
    )
    worst_pages: list[WorstPage] = Field(default_factory=list)
    failures: dict[str, int] = Field(default_factory=dict, description="Failed or refused pages by error code.")


class BatchLinks(ApiModel):
    self: str
    report_html: str
    report_pdf: str


class BatchView(ApiModel):
    """`GET /v1/batches/{id}`, the 202 of `POST /v1/batches`, and the batch webhook."""

    id: str
    status: BatchStatus
    created_at: datetime
    total: int
    counts: dict[JobStatus, int] = Field(description="Pages per job status (refused pages count as failed).")
    discovery: Discovery
    pages: list[PageView]
    summary: SiteSummary | None = Field(None, description="Once every page is final.")
    metadata: dict[str, Any] | None = None
    webhook: WebhookState | None = None
    links: BatchLinks


class BatchEvent(BatchView):
    """The batch's webhook: the batch as `GET /v1/batches/{id}` shows it once final, with the event type."""

    type: Literal["batch.finished"] = "batch.finished"
