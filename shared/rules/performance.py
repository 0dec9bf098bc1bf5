"""Speed: the Core Web Vitals thresholds for what a visitor waits for, and Lighthouse's payload line.

These findings say *what* is slow; the performance score (shared.rules.scoring) turns the lab metrics
into a number with Lighthouse's curves. Core Web Vitals (LCP, INP, CLS) are defined on real visitors'
figures, so where the Chrome UX Report has them (`DeviceFacts.field`) the rules judge its p75, and fall
back to our lab load otherwise; each finding says in `evidence.values["source"]` which it used, with the
other figure beside it. TBT is a lab measure (INP's lab counterpart) and INP a field one: each has its
own rule. A metric neither source measured (None) produces no finding: an unknown value is not a slow one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from shared.models.facts import DeviceFacts
from shared.models.report import Severity
from shared.models.speed import FieldData
from shared.rules.spec import Hit, RuleSpec, rule
from shared.rules.thresholds import SPEED_THRESHOLDS
from shared.rules.wording import kib, seconds

FieldName = Literal["lcp_ms", "inp_ms", "cls"]
# What a reader is told the field figure is: p75 of real Chrome visits over CrUX's 28 days.
_FIELD_SCOPE_WORDS = {"url": "this page", "origin": "the whole site: this page alone has too few visits"}


def banded(value: float, spec: RuleSpec) -> Severity | None:
    """None while the value is good; the default severity past `good`; high past `poor`."""
    if value <= spec.threshold("good"):
        return None
    return "high" if value > spec.threshold("poor") else spec.severity


@dataclass(frozen=True)
class Reading:
    """The value a speed rule judges; `context` says where it comes from (evidence), `words` in the detail."""

    value: float
    context: dict[str, Any]
    words: str


def _rounded(value: float, digits: int) -> float:
    return round(value) if digits == 0 else round(value, digits)


def cwv_reading(facts: DeviceFacts, name: FieldName, digits: int, show: Callable[[float], str]) -> Reading | None:
    """Real visitors' p75 when CrUX has it, else our lab figure (INP has none), else None."""
    lab: float | None = getattr(facts.metrics, name, None)
    field: FieldData = facts.field
    measured = getattr(field, name) if field.status == "ok" else None
    if measured is not None and field.scope is not None:
        context: dict[str, Any] = {"source": "field", "field_scope": field.scope}
        beside = ""
        if lab is not None:
            context[f"lab_{name}"] = _rounded(lab, digits)
            beside = f"; our lab load measured {show(lab)}"
        words = f"for real Chrome visitors (p75 over 28 days, {_FIELD_SCOPE_WORDS[field.scope]}){beside}"
        return Reading(measured.p75, context, words)
    return None if lab is None else lab_reading(lab, facts)


def lab_reading(value: float, facts: DeviceFacts) -> Reading:
    conditions = facts.metrics.conditions
    how = "under Lighthouse's throttling" if conditions.throttled else "unthrottled"
    return Reading(value, {"source": "lab", "conditions": conditions.profile}, f"in our lab load ({how})")


def _banded_hit(
    reading: Reading | None, spec: RuleSpec, name: str, digits: int, describe: Callable[[float, str], str]
) -> Hit | None:
    """The finding of a Core Web Vitals style metric: none when unmeasured or good, else banded."""
    severity = None if reading is None else banded(reading.value, spec)
    if reading is None or severity is None:
        return None
    return Hit(
        detail=describe(reading.value, reading.words),
        values={
            name: _rounded(reading.value, digits),
            "good": spec.threshold("good"),
            "poor": spec.threshold("poor"),
            **reading.context,
        },
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
        reference=SPEED_THRESHOLDS["lcp_ms"].source,
        thresholds=SPEED_THRESHOLDS["lcp_ms"].as_spec(),
        escalation="High above 4 s (Core Web Vitals 'poor').",
        when_degraded="suppress",
    )
)
def lcp_slow(facts: DeviceFacts, spec: RuleSpec) -> Hit | None:
    return _banded_hit(
        cwv_reading(facts, "lcp_ms", 0, seconds),
        spec,
        "lcp_ms",
        0,
        lambda lcp, where: (
            f"The largest element of the first view rendered after {seconds(lcp)} {where} "
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
        reference=SPEED_THRESHOLDS["cls"].source,
        thresholds=SPEED_THRESHOLDS["cls"].as_spec(),
        escalation="High above 0.25 (Core Web Vitals 'poor').",
        when_degraded="suppress",
    )
)
def cls_high(facts: DeviceFacts, spec: RuleSpec) -> Hit | None:
    return _banded_hit(
        cwv_reading(facts, "cls", 3, lambda cls: f"{cls:.3f}"),
        spec,
        "cls",
        3,
        lambda cls, where: (
            f"Cumulative layout shift reached {cls:.3f} {where} (good: up to {spec.threshold('good'):g})."
        ),
    )


@rule(
    RuleSpec(
        id="perf.inp_slow",
        category="performance",
        severity="medium",
        effort="high",
        title="Taps and clicks get a late response (INP)",
        recommendation="Keep event handlers short and yield to the browser during long work (split tasks, defer "
        "what is not needed for the next paint, trim third-party scripts); the visitor sees nothing happen "
        "until the page paints again.",
        reference=SPEED_THRESHOLDS["inp_ms"].source,
        thresholds=SPEED_THRESHOLDS["inp_ms"].as_spec(),
        escalation="High above 500 ms (Core Web Vitals 'poor').",
        # Real visitors' figure: what our capture saw or missed does not change it.
        when_degraded="keep",
    )
)
def inp_slow(facts: DeviceFacts, spec: RuleSpec) -> Hit | None:
    """Field data only: a lab load has no interactions (its counterpart is perf.blocking_time_high)."""
    return _banded_hit(
        cwv_reading(facts, "inp_ms", 0, lambda inp: f"{inp:.0f} ms"),
        spec,
        "inp_ms",
        0,
        lambda inp, where: (
            f"The page took {inp:.0f} ms to respond visibly to a tap, click or key {where} "
            f"(good: up to {spec.threshold('good'):g} ms)."
        ),
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
        reference=SPEED_THRESHOLDS["tbt_ms"].source,
        thresholds=SPEED_THRESHOLDS["tbt_ms"].as_spec(),
        escalation="High above 600 ms (Lighthouse's median line: the metric scores below 50).",
        when_degraded="suppress",
    )
)
def blocking_time_high(facts: DeviceFacts, spec: RuleSpec) -> Hit | None:
    tbt = facts.metrics.tbt_ms
    return _banded_hit(
        None if tbt is None else lab_reading(tbt, facts),
        spec,
        "tbt_ms",
        0,
        lambda tbt, where: (
            f"Long tasks blocked the main thread for {tbt:.0f} ms in total {where} "
            f"(good: up to {spec.threshold('good'):g} ms)."
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


RULES = (lcp_slow, cls_high, inp_slow, blocking_time_high, page_weight_heavy)
