"""The report: the public JSON contract an n8n workflow or a person reads.

Versioned by `schema_version`; additive changes keep the major number, anything that renames or removes a
field bumps it. Scores are computed from findings and metrics by `shared.rules.scoring`, never by the model.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from shared.models.facts import CaptureQuality, Device, Metrics
from shared.models.speed import ConditionsProfile, FieldData

SCHEMA_VERSION = "1.0"

Category = Literal["cta", "forms", "trust", "mobile", "performance", "content", "accessibility"]
CATEGORIES: tuple[Category, ...] = ("cta", "forms", "trust", "mobile", "performance", "content", "accessibility")
Severity = Literal["high", "medium", "low"]
Effort = Literal["low", "medium", "high"]
LlmStatus = Literal["disabled", "ok", "unavailable", "invalid"]


class ReportModel(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Evidence(ReportModel):
    device: Device | None = Field(None, description="None when the finding holds on every device.")
    elements: list[str] = Field(default_factory=list, description="Element ids from the facts.")
    values: dict[str, Any] = Field(default_factory=dict, description="Measured values and the threshold applied.")


class Region(ReportModel):
    device: Device
    x: float
    y: float
    w: float = Field(ge=0)
    h: float = Field(ge=0)


class Finding(ReportModel):
    id: str = Field(description="Unique in the report, e.g. 'cta.low_contrast:mobile:cta-3' or 'llm-2'.")
    rule: str = Field(description="Dotted rule id, e.g. 'cta.low_contrast'; model findings use 'llm.<topic>'.")
    category: Category
    severity: Severity
    source: Literal["rule", "llm"]
    title: str
    detail: str
    recommendation: str
    evidence: Evidence = Evidence()
    region: Region | None = None
    confidence: float = Field(
        1.0,
        ge=0,
        le=1,
        description="1.0 for deterministic rules, lower for heuristic ones; the model's own for llm findings.",
    )
    effort: Effort = "medium"
    priority: float = Field(0.0, description="severity x confidence / effort; see shared.rules.priority.")
    reference: str | None = Field(None, description="Public source of the threshold or guidance.")
    also_flagged_by_llm: bool = Field(False, description="Claude raised the same issue; merged here.")


class CurveUse(ReportModel):
    """Which Lighthouse curves scored one device's lab metrics, and what those metrics were measured under."""

    curves: Literal["lighthouse-mobile", "lighthouse-desktop"]
    calibrated_for: ConditionsProfile = Field(description="The conditions the curves' control points assume.")
    measured_under: ConditionsProfile
    matched: bool = Field(
        description="Measured under the conditions the curves assume; False: an unthrottled load on curves for "
        "a throttled one, so the score reads too good."
    )


class Scores(ReportModel):
    overall: int = Field(ge=0, le=100)
    categories: dict[Category, int]
    method: str = Field(description="Short statement of the formula; the README documents it fully.")
    performance_curves: dict[Device, CurveUse] = Field(
        default_factory=dict, description="Per device whose lab metrics the performance score used."
    )


class Screenshot(ReportModel):
    name: str = Field(description="File name, e.g. 'desktop-fold.png'; served at /screenshots/{name}.")
    device: Device
    kind: Literal["fold", "full"]
    width: int
    height: int
    truncated: bool = False
    data_base64: str | None = Field(None, description="Inline PNG, only when include_screenshots was asked.")


class Uplift(ReportModel):
    low_pct: float
    high_pct: float
    confidence: Literal["low", "medium", "high"]
    rationale: str


class LlmInfo(ReportModel):
    status: LlmStatus
    reason: str | None = Field(None, description="Why it is not 'ok', in words a user understands.")
    model: str | None = None
    input_tokens: int = 0
    output_tokens: int = 0
    cache_read_tokens: int = 0
    cache_write_tokens: int = 0
    latency_ms: float | None = None
    attempts: int = 0
    rejected_findings: int = Field(0, description="Model findings dropped because their citations do not exist.")
    merged_findings: int = Field(0, description="Model findings merged into a rule finding on the same issue.")


class DeviceSummary(ReportModel):
    device: Device
    final_url: str
    status_code: int | None
    metrics: Metrics = Field(description="Lab figures of our one load, with the conditions it ran under.")
    field: FieldData = Field(
        FieldData(reason="not looked up"), description="Real visitors' figures (Chrome UX Report), when it has them."
    )
    timed_out: list[str] = Field(default_factory=list)
    viewport: tuple[int, int]
    document_size: tuple[int, int]
    quality: CaptureQuality = CaptureQuality()


class ReportQuality(ReportModel):
    """How far the report can be trusted: a degraded capture (a blank first view, the page's own files not
    arriving) holds back the rules that would blame the page for what the capture missed."""

    status: Literal["ok", "degraded"] = "ok"
    reasons: list[str] = Field(default_factory=list, description="What went wrong, per device, in words.")
    suppressed_rules: list[str] = Field(
        default_factory=list, description="Rules that would have fired on a degraded device and were held back."
    )
    lowered_rules: list[str] = Field(
        default_factory=list, description="Rules whose findings on a degraded device carry half their confidence."
    )


class Report(ReportModel):
    schema_version: str = SCHEMA_VERSION
    analyzer_version: str
    rules_version: str
    url: str
    final_url: str
    analyzed_at: datetime
    devices: list[DeviceSummary]
    scores: Scores
    findings: list[Finding]
    top_issues: list[str] = Field(description="Finding ids, highest priority first, at most ten.")
    summary: str | None = Field(None, description="Executive summary (Claude), or None when rules-only.")
    actions: list[str] = Field(default_factory=list, description="How to act, in order (Claude).")
    uplift: Uplift | None = None
    screenshots: list[Screenshot] = Field(default_factory=list)
    llm: LlmInfo = LlmInfo(status="disabled")
    quality: ReportQuality = ReportQuality()
    timings_ms: dict[str, float] = Field(default_factory=dict, description="Wall time per stage.")

    def finding(self, finding_id: str) -> Finding | None:
        return next((f for f in self.findings if f.id == finding_id), None)
