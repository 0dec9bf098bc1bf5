"""Jobs and reports in the original service's terms: Celery states, step progress, issues and scores."""

from __future__ import annotations

from shared.http.legacy.models import (
    ConversionPotential,
    ExecutiveSummary,
    LegacyIssue,
    LegacyProgress,
    LegacyResult,
    LegacyState,
    ScoreDetails,
)
from shared.models.api import Job
from shared.models.report import Finding, Report

STATES: dict[str, LegacyState] = {
    "queued": "PENDING",
    "running": "PROGRESS",
    "succeeded": "SUCCESS",
    "failed": "FAILURE",
    "canceled": "REVOKED",
}
MESSAGES: dict[LegacyState, str] = {
    "PENDING": "Task is waiting in queue",
    "PROGRESS": "Task is in progress",
    "SUCCESS": "Task completed successfully",
    "FAILURE": "Task failed",
    "REVOKED": "Task was revoked",
}
# The original reported five steps; our engine's stages map onto them in order.
STEPS: dict[str, tuple[int, str]] = {
    "validating": (1, "Checking the address before we visit it..."),
    "capturing": (2, "We load your site like a real visitor on desktop and mobile..."),
    "auditing": (3, "Measuring the page and checking it against the CRO rules..."),
    "judging": (4, "Claude reviews the screenshots and the measured findings..."),
    "reporting": (5, "Scoring and writing your report..."),
    "done": (5, "Scoring and writing your report..."),
}
TOTAL_STEPS = 5
ISSUES = 3
DEEP_ISSUES = 5
DEEP_INFO_KEY = "deep_info"


def legacy_state(job: Job) -> LegacyState:
    return STATES[job.status]


def legacy_progress(job: Job) -> LegacyProgress:
    current, text = STEPS.get(job.progress.stage, (1, "Starting the analysis..."))
    return LegacyProgress(current=current, total=TOTAL_STEPS, percent=job.progress.percent, status=text, url=job.url)


def legacy_error(job: Job) -> str:
    if job.error is None:
        return "the analysis failed"
    return f"{job.error.code}: {job.error.message}"


def wants_deep_info(job: Job) -> bool:
    return bool((job.request.metadata or {}).get(DEEP_INFO_KEY))


def _rating(score: int) -> str:
    if score >= 90:
        return "Excellent"
    if score >= 75:
        return "Good"
    if score >= 50:
        return "Needs Improvement"
    return "Poor"


def _fold_screenshot(report: Report, finding: Finding) -> str | None:
    device = finding.evidence.device or (finding.region.device if finding.region else None) or "desktop"
    shots = [s for s in report.screenshots if s.kind == "fold" and s.data_base64]
    preferred = next((s for s in shots if s.device == device), None)
    chosen = preferred or (shots[0] if shots else None)
    return chosen.data_base64 if chosen else None


def _issues(report: Report, count: int, with_screenshots: bool) -> list[LegacyIssue]:
    ranked = [f for f in (report.finding(fid) for fid in report.top_issues) if f is not None]
    ranked += [f for f in report.findings if f.id not in report.top_issues]
    return [
        LegacyIssue(
            title=finding.title,
            description=finding.detail,
            recommendation=finding.recommendation,
            screenshot_base64=_fold_screenshot(report, finding) if with_screenshots else None,
        )
        for finding in ranked[:count]
    ]


def _uplift(report: Report) -> ConversionPotential:
    if report.uplift is None:
        return ConversionPotential(
            percentage="unknown",
            confidence="low",
            rationale="No estimate: the AI review was not available for this analysis (rule findings only).",
        )
    uplift = report.uplift
    return ConversionPotential(
        percentage=f"{uplift.low_pct:g}-{uplift.high_pct:g}%", confidence=uplift.confidence, rationale=uplift.rationale
    )


def legacy_result(job: Job, report: Report) -> LegacyResult:
    deep = wants_deep_info(job)
    issues = _issues(report, DEEP_ISSUES if deep else ISSUES, job.request.include_screenshots)
    base = {"url": report.url, "analyzed_at": report.analyzed_at.isoformat(), "issues": issues, "deep_info": deep}
    if not deep:
        return LegacyResult(**base)
    performance = report.scores.categories.get("performance", report.scores.overall)
    return LegacyResult(
        **base,
        total_issues_identified=len(report.findings),
        executive_summary=ExecutiveSummary(
            overview=report.summary or "Rule-based analysis; no AI summary is available for this page.",
            how_to_act=" ".join(report.actions) or "Start with the issues listed above, highest priority first.",
        ),
        cro_analysis_score=ScoreDetails(
            score=report.scores.overall, calculation=report.scores.method, rating=_rating(report.scores.overall)
        ),
        site_performance_score=ScoreDetails(
            score=performance,
            calculation="Performance category score from Core Web Vitals and page weight (see scores.method).",
            rating=_rating(performance),
        ),
        conversion_rate_increase_potential=_uplift(report),
    )
