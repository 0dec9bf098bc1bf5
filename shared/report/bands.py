"""Colour bands the report paints scores and metrics with, each threshold next to its public source.

Scores use Lighthouse's bands; metrics use the Core Web Vitals thresholds (web.dev), so a reader can
check a colour against the page the threshold comes from.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Band = Literal["good", "average", "poor"]
BAND_LABELS: dict[Band, str] = {"good": "Good", "average": "Needs improvement", "poor": "Poor"}


def score_band(score: int) -> Band:
    """Lighthouse: 0-49 poor, 50-89 needs improvement, 90-100 good."""
    if score >= 90:
        return "good"
    return "average" if score >= 50 else "poor"


@dataclass(frozen=True)
class MetricThreshold:
    """`good`: the largest value still good; `poor`: the largest value that only needs improvement."""

    good: float
    poor: float
    source: str

    def band(self, value: float) -> Band:
        if value <= self.good:
            return "good"
        return "average" if value <= self.poor else "poor"


METRIC_THRESHOLDS: dict[str, MetricThreshold] = {
    "lcp_ms": MetricThreshold(2500, 4000, "https://web.dev/articles/lcp"),
    "fcp_ms": MetricThreshold(1800, 3000, "https://web.dev/articles/fcp"),
    "inp_ms": MetricThreshold(200, 500, "https://web.dev/articles/inp"),
    "cls": MetricThreshold(0.1, 0.25, "https://web.dev/articles/cls"),
    "tbt_ms": MetricThreshold(200, 600, "https://web.dev/articles/tbt"),
    "ttfb_ms": MetricThreshold(800, 1800, "https://web.dev/articles/ttfb"),
}


def metric_band(name: str, value: float | None) -> Band | None:
    """None when the metric was not measured or has no published threshold."""
    threshold = METRIC_THRESHOLDS.get(name)
    if threshold is None or value is None:
        return None
    return threshold.band(value)
