"""Bodies of the original service's routes, with its field names (see the package docstring)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from shared.models.api import HTTP_URL_PATTERN, MAX_URL_CHARS

LegacyState = Literal["PENDING", "PROGRESS", "SUCCESS", "FAILURE", "REVOKED"]


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class LegacyAnalysisRequest(BaseModel):
    """The original request. Unknown fields are ignored, as the original did, so old workflows still pass."""

    model_config = ConfigDict(extra="ignore")

    url: str = Field(min_length=1, max_length=MAX_URL_CHARS, json_schema_extra={"pattern": HTTP_URL_PATTERN})
    include_screenshots: bool = False
    deep_info: bool = Field(False, description="Five issues plus summary, scores and uplift instead of three issues.")


class LegacySubmitted(_Out):
    task_id: str
    status: LegacyState
    message: str
    poll_url: str


class LegacyProgress(_Out):
    current: int
    total: int
    percent: int
    status: str
    url: str


class LegacyIssue(_Out):
    title: str
    description: str
    recommendation: str
    screenshot_base64: str | None


class ExecutiveSummary(_Out):
    overview: str
    how_to_act: str


class ScoreDetails(_Out):
    score: int
    calculation: str
    rating: str


class ConversionPotential(_Out):
    percentage: str
    confidence: str
    rationale: str


class LegacyResult(_Out):
    url: str
    analyzed_at: str
    issues: list[LegacyIssue]
    deep_info: bool
    total_issues_identified: int | None = None
    executive_summary: ExecutiveSummary | None = None
    cro_analysis_score: ScoreDetails | None = None
    site_performance_score: ScoreDetails | None = None
    conversion_rate_increase_potential: ConversionPotential | None = None


class LegacyTaskStatus(_Out):
    task_id: str
    status: LegacyState
    message: str
    progress: LegacyProgress | None = None
    result: LegacyResult | None = None
    error: str | None = None


class LegacyTaskResult(_Out):
    task_id: str
    status: Literal["SUCCESS"]
    result: LegacyResult


class LegacyHealth(_Out):
    status: Literal["healthy"] = "healthy"


class LegacyDetailedStatus(_Out):
    api: str
    redis: str
    celery: str = Field(description="The queue: workers_active when it is reachable, else no_workers.")
    browser_pool: str
    anthropic_api: Literal["configured", "missing"]
    overall_status: Literal["healthy", "degraded"]
    queue_backend: str = Field(description="inline, redis or cloudtasks (this service has no Celery).")
