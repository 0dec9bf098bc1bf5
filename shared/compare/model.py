"""The comparison contract: `POST /v1/comparisons` and what `GET /v1/comparisons/{id}` shows."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field, field_validator

from shared.models.api import MAX_URL_CHARS, ApiModel, JobError, JobStatus, Links
from shared.models.facts import DEVICES, Device
from shared.models.report import Category, Severity


class ComparisonRequest(ApiModel):
    a: str = Field(
        min_length=1, max_length=MAX_URL_CHARS, description="A job id, or a URL to analyse first (the 'before')."
    )
    b: str = Field(min_length=1, max_length=MAX_URL_CHARS, description="A job id, or a URL to analyse first.")
    devices: list[Device] = Field(
        default_factory=lambda: list(DEVICES), min_length=1, max_length=2, description="For URLs analysed here."
    )
    llm: bool = Field(True, description="For URLs analysed here: false = rules only.")
    force: bool = Field(False, description="For URLs analysed here: bypass the result cache.")

    @field_validator("devices")
    @classmethod
    def _unique_devices(cls, value: list[Device]) -> list[Device]:
        if len(set(value)) != len(value):
            raise ValueError("devices must not repeat")
        return sorted(value, key=DEVICES.index)


class Side(ApiModel):
    input: str = Field(description="What the request named: a job id or a URL.")
    job_id: str


class Comparison(ApiModel):
    """The stored record: which two jobs; everything else is read from them."""

    id: str
    created_at: datetime
    a: Side
    b: Side


class ScoreDelta(ApiModel):
    a: int | None
    b: int | None
    delta: int | None = Field(description="b - a; None when either side has no such score.")


class FindingRef(ApiModel):
    id: str
    rule: str
    category: Category
    severity: Severity
    title: str
    device: Device | None


class ComparisonDiff(ApiModel):
    overall: ScoreDelta
    categories: dict[Category, ScoreDelta]
    new: list[FindingRef] = Field(description="In b, not in a (matched by rule and evidence, not wording).")
    resolved: list[FindingRef] = Field(description="In a, not in b.")
    persisting: list[FindingRef] = Field(description="In both (as b states them).")


class SideView(ApiModel):
    input: str
    job_id: str
    url: str
    status: JobStatus
    error: JobError | None = None
    links: Links


class ComparisonLinks(ApiModel):
    self: str
    report_html: str


class ComparisonView(ApiModel):
    id: str
    status: Literal["waiting", "ready", "failed"] = Field(
        description="waiting: a side is still being analysed; failed: a side's job failed."
    )
    created_at: datetime
    a: SideView
    b: SideView
    diff: ComparisonDiff | None = None
    links: ComparisonLinks
