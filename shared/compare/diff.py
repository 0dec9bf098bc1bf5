"""What changed between two reports: scores per category, and findings matched by rule and evidence.

Titles and details are wording (the model's, or a rules release's) and never decide a match. A finding
matches one of the other report with the same rule on the same device about the same elements; what is
left is then paired by rule and device alone, in report order, because element ids are numbered per
capture and shift when the page gains or loses an element above them.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable

from shared.compare.model import ComparisonDiff, FindingRef, ScoreDelta
from shared.models.report import CATEGORIES, Finding, Report


def compare_reports(a: Report, b: Report) -> ComparisonDiff:
    persisting, resolved, new = _match(a.findings, b.findings)
    return ComparisonDiff(
        overall=_delta(a.scores.overall, b.scores.overall),
        categories={
            category: _delta(a.scores.categories.get(category), b.scores.categories.get(category))
            for category in CATEGORIES
            if category in a.scores.categories or category in b.scores.categories
        },
        new=[_ref(finding) for finding in new],
        resolved=[_ref(finding) for finding in resolved],
        persisting=[_ref(finding) for finding in persisting],
    )


def _delta(a: int | None, b: int | None) -> ScoreDelta:
    return ScoreDelta(a=a, b=b, delta=None if a is None or b is None else b - a)


def _match(before: list[Finding], after: list[Finding]) -> tuple[list[Finding], list[Finding], list[Finding]]:
    """(persisting as `after` states them, resolved, new)."""
    left, right = list(before), list(after)
    persisting: list[Finding] = []
    keys: tuple[Callable[[Finding], Hashable], ...] = (
        lambda f: (f.rule, f.evidence.device, tuple(sorted(f.evidence.elements))),
        lambda f: (f.rule, f.evidence.device),
    )
    for key in keys:
        unmatched: list[Finding] = []
        for finding in right:
            wanted = key(finding)
            partner = next((other for other in left if key(other) == wanted), None)
            if partner is None:
                unmatched.append(finding)
            else:
                left.remove(partner)
                persisting.append(finding)
        right = unmatched
    return persisting, left, right


def _ref(finding: Finding) -> FindingRef:
    return FindingRef(
        id=finding.id,
        rule=finding.rule,
        category=finding.category,
        severity=finding.severity,
        title=finding.title,
        device=finding.evidence.device,
    )
