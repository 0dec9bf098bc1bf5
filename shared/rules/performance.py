"""Speed: the Core Web Vitals thresholds for what a visitor waits for, and Lighthouse's payload line.

These findings say *what* is slow; the performance score (shared.rules.scoring) turns the same metrics
into a number with Lighthouse's curves, so the two never disagree about which metric hurts. A metric
capture could not measure (None) produces no finding: an unknown value is not a slow one.
"""

from __future__ import annotations

from collections.abc import Callable

from shared.models.facts import DeviceFacts
from shared.models.report import Severity
from shared.rules.spec import Hit, RuleSpec, rule
from shared.rules.wording import kib, seconds


def banded(value: float, spec: RuleSpec) -> Severity | None:
    """None while the value is good; the default severity past `good`; high past `poor`."""
    if value <= spec.threshold("good"):
        return None
    return "high" if value > spec.threshold("poor") else spec.severity


def _banded_hit(
    value: float | None, spec: RuleSpec, name: str, digits: int, describe: Callable[[float], str]
) -> Hit | None:
    """The finding of a Core Web Vitals style metric: none when unmeasured or good, else banded."""
    severity = None if value is None else banded(value, spec)
    if value is None or severity is None:
        return None
    measured = round(value) if digits == 0 else round(value, digits)
    return Hit(
        detail=describe(value),
        values={name: measured, "good": spec.threshold("good"), "poor": spec.threshold("poor")},
        severity=severity,
    )


@rule(
    RuleSpec(
        id="perf.lcp_slow",
        category="performance",
        severity="medium",
        effort="high",
        title="The main content appears late (LCP)",
        recommendation="Make the largest first-view element (hero image or headline) arrive sooner: serve the "
        "image compressed and sized, preload it, never lazy-load it, and cut render-blocking CSS and scripts.",
        reference="https://web.dev/articles/lcp",
        thresholds={"good": 2500, "poor": 4000},
        escalation="High above 4 s (Core Web Vitals 'poor').",
        when_degraded="suppress",
    )
)
def lcp_slow(facts: DeviceFacts, spec: RuleSpec) -> Hit | None:
    return _banded_hit(
        facts.metrics.lcp_ms,
        spec,
        "lcp_ms",
        0,
        lambda lcp: (
            f"The largest element of the first view rendered after {seconds(lcp)} "
            f"(good: up to {seconds(spec.threshold('good'))})."
        ),
    )


@rule(
    RuleSpec(
        id="perf.cls_high",
        category="performance",
        severity="medium",
        effort="medium",
        title="The layout jumps while loading (CLS)",
        recommendation="Reserve space for images, embeds, ads and banners (width/height or aspect-ratio) and "
        "never insert content above what the visitor is reading; jumps cause mis-taps.",
        reference="https://web.dev/articles/cls",
        thresholds={"good": 0.1, "poor": 0.25},
        escalation="High above 0.25 (Core Web Vitals 'poor').",
        when_degraded="suppress",
    )
)
def cls_high(facts: DeviceFacts, spec: RuleSpec) -> Hit | None:
    return _banded_hit(
        facts.metrics.cls,
        spec,
        "cls",
        3,
        lambda cls: f"Cumulative layout shift reached {cls:.3f} (good: up to {spec.threshold('good'):g}).",
    )


@rule(
    RuleSpec(
        id="perf.blocking_time_high",
        category="performance",
        severity="medium",
        effort="high",
        title="Scripts keep the page from responding (TBT)",
        recommendation="Split, defer or remove the long scripts that run during load (third-party tags first); "
        "until they finish, taps and clicks wait.",
        reference="https://developer.chrome.com/docs/lighthouse/performance/lighthouse-total-blocking-time",
        thresholds={"good": 200, "poor": 600},
        escalation="High above 600 ms (Lighthouse's median line: the metric scores below 50).",
        when_degraded="suppress",
    )
)
def blocking_time_high(facts: DeviceFacts, spec: RuleSpec) -> Hit | None:
    return _banded_hit(
        facts.metrics.tbt_ms,
        spec,
        "tbt_ms",
        0,
        lambda tbt: (
            f"Long tasks blocked the main thread for {tbt:.0f} ms in total (good: up to {spec.threshold('good'):g} ms)."
        ),
    )


@rule(
    RuleSpec(
        id="perf.page_weight_heavy",
        category="performance",
        severity="medium",
        effort="medium",
        title="The page is heavy to download",
        recommendation="Compress and resize images (AVIF/WebP, srcset), lazy-load what is below the fold, and "
        "drop unused scripts, fonts and CSS; every megabyte is seconds on a mobile connection.",
        reference="https://developer.chrome.com/docs/lighthouse/performance/total-byte-weight",
        # Lighthouse total-byte-weight curve: 2,667 KiB scores 0.9 (its pass line), 4,000 KiB scores 0.5.
        thresholds={"good": 2667 * 1024, "poor": 4000 * 1024},
        escalation="High above 4,000 KiB (Lighthouse's curve scores it below 0.5).",
        when_degraded="suppress",
    )
)
def page_weight_heavy(facts: DeviceFacts, spec: RuleSpec) -> Hit | None:
    weight = facts.metrics.transfer_bytes
    severity = banded(weight, spec)
    if severity is None:
        return None
    return Hit(
        detail=f"The page transferred {kib(weight)} in {facts.metrics.request_count} requests "
        f"(Lighthouse passes up to {kib(spec.threshold('good'))}).",
        values={
            "transfer_bytes": weight,
            "requests": facts.metrics.request_count,
            "good": spec.threshold("good"),
            "poor": spec.threshold("poor"),
        },
        severity=severity,
    )


RULES = (lcp_slow, cls_high, blocking_time_high, page_weight_heavy)
