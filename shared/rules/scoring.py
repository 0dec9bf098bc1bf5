"""Category scores and the overall score: documented formulas over rule findings and measured metrics.

Only rule findings count: a model finding never moves a score, so a page scores the same with or
without Claude, and two runs on the same facts score the same.

**Category score** (cta, forms, trust, mobile, content, accessibility), 0-100:

    score = max(0, 100 - sum over the category's rules of penalty(worst severity) x confidence)
    penalty: high 30, medium 15, low 5

A rule counts once per category however many devices it fired on, at its worst severity: a problem
seen on desktop and mobile is one problem to fix. `confidence` (1.0 for deterministic rules, lower for
heuristic ones) scales the penalty, so a guess costs less than a certainty. Rounded half up.

**Performance**, 0-100: Lighthouse's metric scoring (`shared.rules.lighthouse`: log-normal curves,
Lighthouse v10+ control points for the device, weights FCP 10, LCP 25, TBT 30, CLS 25 renormalised
without Speed Index) of the lab metrics, averaged over the analysed devices, x 100; minus the penalties of
the performance rules the curves do not already measure (page weight, console errors, broken resources).
The score says per device which curves it used and whether the metrics were measured under the
conditions those curves assume (`Scores.performance_curves`). The metric rules (`perf.lcp_slow`,
`perf.cls_high`, `perf.inp_slow`, `perf.blocking_time_high`) take no penalty of their own: they judge
the metrics the curves score, or real visitors' figures of the same metrics (INP being TBT's field
counterpart), which the report shows beside the lab score as PageSpeed Insights does, rather than
folding a second measurement of the same thing into it. When no device has any metric, the performance
score is the category formula above over all performance rules.

**Overall**, 0-100: the weighted mean of the rounded category scores,

    cta 20, forms 15, mobile 15, performance 15, content 15, trust 10, accessibility 10

The call to action carries most because it is the conversion itself. `forms` is left out of the mean
(its weight is not counted) when the page has no form on any device: a page cannot be praised or
blamed for a form it does not have. Its category score still reads 100 ("nothing to fix").
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from shared.models.facts import Device, PageFacts
from shared.models.report import CATEGORIES, Category, CurveUse, Finding, Scores, Severity
from shared.rules.lighthouse import CALIBRATED_FOR, performance_score

SEVERITY_PENALTY: dict[Severity, float] = {"high": 30, "medium": 15, "low": 5}
CATEGORY_WEIGHTS: dict[Category, float] = {
    "cta": 20,
    "forms": 15,
    "mobile": 15,
    "performance": 15,
    "content": 15,
    "trust": 10,
    "accessibility": 10,
}
# Rules whose metric the Lighthouse curves already score (in the lab, or its field figure); no second penalty.
CURVE_RULES = frozenset({"perf.lcp_slow", "perf.cls_high", "perf.inp_slow", "perf.blocking_time_high"})

METHOD = (
    "categories: 100 - per rule (worst device) high 30 / medium 15 / low 5 x confidence, floor 0; "
    "performance: Lighthouse v10 log-normal metric scores (FCP 10, LCP 25, TBT 30, CLS 25; no Speed Index, "
    "renormalised), device control points, mean of devices, minus penalties of non-metric performance rules; "
    "overall: weighted mean (cta 20, forms 15, mobile 15, performance 15, content 15, trust 10, "
    "accessibility 10), forms only when the page has a form; rule findings only"
)


def round_half_up(value: float) -> int:
    return math.floor(value + 0.5)


def clamp_score(value: float) -> int:
    return max(0, min(100, round_half_up(value)))


def rule_penalties(findings: Iterable[Finding]) -> dict[str, tuple[Category, float]]:
    """Each rule's category and its penalty at the worst device (severity x confidence)."""
    worst: dict[str, tuple[Category, float]] = {}
    for finding in findings:
        if finding.source != "rule":
            continue
        penalty = SEVERITY_PENALTY[finding.severity] * finding.confidence
        if finding.rule not in worst or penalty > worst[finding.rule][1]:
            worst[finding.rule] = (finding.category, penalty)
    return worst


def lab_scores(facts: PageFacts) -> dict[Device, float]:
    """Lighthouse-style performance in [0, 1] of each device that measured anything."""
    return {
        device: score
        for device, device_facts in sorted(facts.devices.items())
        if (score := performance_score(device_facts.metrics, device)) is not None
    }


def lab_score(facts: PageFacts) -> float | None:
    """Lighthouse-style performance in [0, 100], the mean of the devices that measured anything."""
    scores = lab_scores(facts)
    return 100 * sum(scores.values()) / len(scores) if scores else None


def curve_uses(facts: PageFacts) -> dict[Device, CurveUse]:
    uses = {}
    for device in lab_scores(facts):
        measured_under = facts.devices[device].metrics.conditions.profile
        calibrated_for = CALIBRATED_FOR[device]
        uses[device] = CurveUse(
            curves="lighthouse-mobile" if device == "mobile" else "lighthouse-desktop",
            calibrated_for=calibrated_for,
            measured_under=measured_under,
            matched=measured_under == calibrated_for,
        )
    return uses


def curves_statement(uses: dict[Device, CurveUse]) -> str:
    """The per-device part of `Scores.method`: whose curves, on figures measured under what."""
    parts = [
        f"{device} on Lighthouse {device} curves, measured "
        + (f"under Lighthouse's {device} conditions" if use.matched else "unthrottled (the score reads high)")
        for device, use in uses.items()
    ]
    return "performance curves: " + "; ".join(parts) if parts else "performance: no lab metric measured"


def has_form(facts: PageFacts) -> bool:
    return any(device_facts.forms for device_facts in facts.devices.values())


def compute_scores(facts: PageFacts, findings: list[Finding]) -> Scores:
    penalties = rule_penalties(findings)
    lab = lab_score(facts)
    categories: dict[Category, int] = {}
    for category in CATEGORIES:
        if category == "performance" and lab is not None:
            base = lab
            counted = [p for rule, (c, p) in penalties.items() if c == category and rule not in CURVE_RULES]
        else:
            base = 100.0
            counted = [p for c, p in penalties.values() if c == category]
        categories[category] = clamp_score(base - sum(counted))
    weights = {c: w for c, w in CATEGORY_WEIGHTS.items() if c != "forms" or has_form(facts)}
    overall = sum(categories[c] * w for c, w in weights.items()) / sum(weights.values())
    uses = curve_uses(facts)
    return Scores(
        overall=clamp_score(overall),
        categories=categories,
        method=f"{METHOD}; {curves_statement(uses)}",
        performance_curves=uses,
    )
