"""Builds the `Report` from what the stages produced; the one place rule and model findings meet."""

from __future__ import annotations

from datetime import UTC, datetime

from shared.capture.result import CaptureResult
from shared.llm import LlmVerdict
from shared.models.report import DeviceSummary, Finding, Report
from shared.rules import RULES_VERSION
from shared.rules.degraded import report_quality
from shared.rules.priority import priority, rank
from shared.rules.scoring import compute_scores
from shared.version import ANALYZER_VERSION

TOP_ISSUES = 10


def build_report(
    capture: CaptureResult, rule_findings: list[Finding], verdict: LlmVerdict, timings_ms: dict[str, float]
) -> Report:
    """Scores come from the rule findings alone: the model may add findings, never move a score."""
    facts = capture.facts
    confirmed = {
        finding.id: finding.model_copy(update={"also_flagged_by_llm": True})
        for finding in rule_findings
        if finding.id in verdict.merged_into
    }
    model_findings = [finding.model_copy(update={"priority": priority(finding)}) for finding in verdict.findings]
    findings = [confirmed.get(finding.id, finding) for finding in rule_findings] + model_findings
    return Report(
        analyzer_version=ANALYZER_VERSION,
        rules_version=RULES_VERSION,
        url=facts.requested_url,
        final_url=facts.final_url,
        analyzed_at=datetime.now(UTC),
        devices=[
            DeviceSummary(
                device=device,
                final_url=device_facts.url,
                status_code=device_facts.status_code,
                metrics=device_facts.metrics,
                field=device_facts.field,
                timed_out=device_facts.timed_out,
                viewport=(device_facts.layout.viewport_w, device_facts.layout.viewport_h),
                document_size=(device_facts.layout.document_w, device_facts.layout.document_h),
                quality=device_facts.quality,
            )
            for device, device_facts in facts.devices.items()
        ],
        scores=compute_scores(facts, rule_findings),
        findings=findings,
        top_issues=[finding.id for finding in rank(findings, limit=TOP_ISSUES)],
        summary=verdict.summary,
        actions=verdict.actions,
        uplift=verdict.uplift,
        screenshots=[image.ref for image in capture.screenshots],
        llm=verdict.info,
        quality=report_quality(facts),
        timings_ms=timings_ms,
    )
