"""The speed thresholds findings and colour bands judge by, each number once, beside its public source.

Two standards meet in a report, both legitimate, as PageSpeed Insights shows them side by side:

- these thresholds: Core Web Vitals' "good" and "poor" lines (LCP, INP, CLS; FCP and TTFB as web.dev
  gives them), defined on real visitors' p75, and Lighthouse's TBT line (its mobile curve's 0.9 and 0.5
  points: TBT has no field definition). The speed rules (shared/rules/performance.py) raise findings past
  them and the report colours metrics by them;
- Lighthouse's log-normal curves per device (shared/rules/lighthouse.py), which turn lab metrics into the
  performance score.

They agree on mobile and differ on desktop, whose curves are stricter: a desktop LCP of 2.4 s is good by
Core Web Vitals, raises no finding, and scores 0.50 on Lighthouse's desktop curve. The report says so
where it shows both (shared/report/view.py, `score_line_notes`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Band = Literal["good", "average", "poor"]


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

    def as_spec(self) -> dict[str, float]:
        """The thresholds as a rule's spec declares them."""
        return {"good": self.good, "poor": self.poor}


# Keyed by the Metrics / FieldData field each judges.
SPEED_THRESHOLDS: dict[str, MetricThreshold] = {
    "lcp_ms": MetricThreshold(2500, 4000, "https://web.dev/articles/lcp"),
    "fcp_ms": MetricThreshold(1800, 3000, "https://web.dev/articles/fcp"),
    "inp_ms": MetricThreshold(200, 500, "https://web.dev/articles/inp"),
    "cls": MetricThreshold(0.1, 0.25, "https://web.dev/articles/cls"),
    "tbt_ms": MetricThreshold(
        200, 600, "https://developer.chrome.com/docs/lighthouse/performance/lighthouse-total-blocking-time"
    ),
    "ttfb_ms": MetricThreshold(800, 1800, "https://web.dev/articles/ttfb"),
}
