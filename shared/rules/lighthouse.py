"""Lighthouse's performance scoring, re-implemented: log-normal metric curves and their weights.

Each metric maps to a score in [0, 1] on a log-normal curve fixed by two published control points:
the value that scores 0.9 (`p10`, roughly the 10th percentile of real sites) and the value that scores
0.5 (`median`). Control points and weights are Lighthouse v10+ (unchanged through v12), from the
metric audits' `defaultOptions` and the performance-scoring documentation:

    metric  weight   mobile p10 / median    desktop p10 / median
    FCP       10     1800 / 3000 ms          934 / 1600 ms
    SI        10     (not measured here)
    LCP       25     2500 / 4000 ms         1200 / 2400 ms
    TBT       30      200 / 600 ms           150 / 350 ms
    CLS       25      0.1 / 0.25             0.1 / 0.25

We have no Speed Index (it needs a filmstrip of the load), so its 10 points are dropped and the other
weights renormalised over what was measured: FCP 10/90, LCP 25/90, TBT 30/90, CLS 25/90. A metric that
was not measured on a device is left out the same way; it never counts as perfect.

Each device's control points are calibrated on loads under Lighthouse's conditions for that form factor
(`CALIBRATED_FOR`; shared/capture/throttling.py applies them). Figures measured otherwise (throttling
set to `none`) still get these curves, and the report says so: an unthrottled load scored on them reads
too good.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from shared.models.facts import Device, Metrics
from shared.models.speed import ConditionsProfile

MetricName = Literal["fcp", "lcp", "tbt", "cls"]

# erfc^-1(0.2): puts a score of 0.9 exactly at p10. The closest double, as in Lighthouse's statistics.js.
INVERSE_ERFC_ONE_FIFTH = 0.9061938024368232


@dataclass(frozen=True)
class Curve:
    p10: float
    median: float

    def __post_init__(self) -> None:
        if not 0 < self.p10 < self.median:
            raise ValueError("a log-normal curve needs 0 < p10 < median")


CURVES: dict[Device, dict[MetricName, Curve]] = {
    "mobile": {
        "fcp": Curve(p10=1800, median=3000),
        "lcp": Curve(p10=2500, median=4000),
        "tbt": Curve(p10=200, median=600),
        "cls": Curve(p10=0.1, median=0.25),
    },
    "desktop": {
        "fcp": Curve(p10=934, median=1600),
        "lcp": Curve(p10=1200, median=2400),
        "tbt": Curve(p10=150, median=350),
        "cls": Curve(p10=0.1, median=0.25),
    },
}

WEIGHTS: dict[MetricName, float] = {"fcp": 10, "lcp": 25, "tbt": 30, "cls": 25}

CALIBRATED_FOR: dict[Device, ConditionsProfile] = {"mobile": "lighthouse-mobile", "desktop": "lighthouse-desktop"}


def log_normal_complement(curve: Curve, value: float) -> float:
    """The bare curve for value > 0: share of the log-normal above `value` (erfc form, no band holding)."""
    standardized = math.log(value / curve.median) * INVERSE_ERFC_ONE_FIFTH / -math.log(curve.p10 / curve.median)
    return math.erfc(standardized) / 2


def log_normal_score(curve: Curve, value: float) -> float:
    """Lighthouse's `getLogNormalScore`: 1 - CDF of the log-normal through (p10 -> 0.9, median -> 0.5).

    Like Lighthouse, the result is held inside the band its value falls in (>= 0.9 up to p10, 0.5-0.9 up
    to the median, < 0.5 beyond) so floating-point noise never moves a value across a band edge.
    """
    if value <= 0:
        return 1.0
    score = log_normal_complement(curve, value)
    if value <= curve.p10:
        return max(0.9, min(1.0, score))
    if value <= curve.median:
        return max(0.5, min(math.nextafter(0.9, 0.0), score))
    return max(0.0, min(math.nextafter(0.5, 0.0), score))


def measured(metrics: Metrics) -> dict[MetricName, float]:
    values: dict[MetricName, float | None] = {
        "fcp": metrics.fcp_ms,
        "lcp": metrics.lcp_ms,
        "tbt": metrics.tbt_ms,
        "cls": metrics.cls,
    }
    return {name: value for name, value in values.items() if value is not None}


def metric_scores(metrics: Metrics, device: Device) -> dict[MetricName, float]:
    curves = CURVES[device]
    return {name: log_normal_score(curves[name], value) for name, value in measured(metrics).items()}


def performance_score(metrics: Metrics, device: Device) -> float | None:
    """Weighted mean of the measured metrics' scores in [0, 1], or None when nothing was measured."""
    scores = metric_scores(metrics, device)
    if not scores:
        return None
    total_weight = sum(WEIGHTS[name] for name in scores)
    return sum(WEIGHTS[name] * score for name, score in scores.items()) / total_weight
