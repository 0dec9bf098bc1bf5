"""Which issue to fix first: impact we are sure of, per unit of work.

    priority = severity_weight x confidence / effort_cost

    severity_weight: high 3, medium 2, low 1
    effort_cost:     low 1, medium 2, high 3
    confidence:      1.0 for deterministic rules; below 1 for heuristic rules and for the model's findings

So a high-severity fix that takes an afternoon (3 x 1 / 1 = 3.0) comes before a high-severity rebuild
(3 / 3 = 1.0), and a sure medium issue (2.0) before a model's hunch about a high one at confidence 0.5
(1.5). The same formula ranks rule and model findings, so the two lists interleave fairly.
"""

from __future__ import annotations

from collections.abc import Iterable

from shared.models.report import Effort, Finding, Severity

SEVERITY_WEIGHT: dict[Severity, int] = {"high": 3, "medium": 2, "low": 1}
EFFORT_COST: dict[Effort, int] = {"low": 1, "medium": 2, "high": 3}


def priority(finding: Finding) -> float:
    """severity_weight x confidence / effort_cost, rounded to 4 places so equal inputs compare equal."""
    return round(SEVERITY_WEIGHT[finding.severity] * finding.confidence / EFFORT_COST[finding.effort], 4)


def _duplicate_key(finding: Finding) -> str:
    """Rule findings of one rule are one issue whatever the device; model findings are each their own."""
    return f"rule:{finding.rule}" if finding.source == "rule" else f"id:{finding.id}"


def rank(findings: Iterable[Finding], limit: int = 10) -> list[Finding]:
    """The top issues, at most `limit`: priority first, then severity, then rule id and finding id (so the
    order never depends on input order). The same rule on several devices appears once, as its
    highest-ranked finding; the same finding id appears once."""
    if limit < 0:
        raise ValueError("limit must be >= 0")
    ordered = sorted(
        findings,
        key=lambda f: (-priority(f), -SEVERITY_WEIGHT[f.severity], f.rule, f.id),
    )
    seen: set[str] = set()
    top: list[Finding] = []
    for finding in ordered:
        if len(top) >= limit:
            break
        keys = {_duplicate_key(finding), f"id:{finding.id}"}
        if keys & seen:
            continue
        seen |= keys
        top.append(finding)
    return top
