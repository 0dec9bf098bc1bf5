"""Colour bands the report paints scores and metrics with, each threshold next to its public source.

Scores use Lighthouse's bands; metrics use the speed thresholds of shared/rules/thresholds.py (Core Web
Vitals'), the findings' own, so a reader can check a colour against the page the threshold comes from.
"""

from __future__ import annotations

from shared.rules.thresholds import SPEED_THRESHOLDS, Band

BAND_LABELS: dict[Band, str] = {"good": "Good", "average": "Needs improvement", "poor": "Poor"}


def score_band(score: int) -> Band:
    """Lighthouse: 0-49 poor, 50-89 needs improvement, 90-100 good."""
    if score >= 90:
        return "good"
    return "average" if score >= 50 else "poor"


def metric_band(name: str, value: float | None) -> Band | None:
    """None when the metric was not measured or has no published threshold."""
    threshold = SPEED_THRESHOLDS.get(name)
    if threshold is None or value is None:
        return None
    return threshold.band(value)
