"""The report as the HTML template shows it: numbered findings, markers per screenshot, gauges, bands.

Everything the template needs is decided here, in plain Python a test can read, so the template only
lays out. Findings are numbered by priority (the top issues first, in their order), so marker 1 on a
screenshot is the most pressing issue, and the number is the same in every list of the report.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from shared.models.facts import DEVICES, Device, Metrics
from shared.models.report import CATEGORIES, Category, DeviceSummary, Finding, Report, Screenshot
from shared.report.bands import BAND_LABELS, Band, metric_band, score_band
from shared.report.formats import format_bytes, format_cls, format_ms
from shared.report.images import image_data_uri
from shared.report.markers import Placement, place_region
from shared.report.speed import SpeedCard, speed_card
from shared.rules.lighthouse import CURVES, MetricName
from shared.rules.thresholds import SPEED_THRESHOLDS

CATEGORY_LABELS: dict[Category, str] = {
    "cta": "Calls to action",
    "forms": "Forms",
    "trust": "Trust & social proof",
    "mobile": "Mobile",
    "performance": "Performance",
    "content": "Content",
    "accessibility": "Accessibility",
}
DEVICE_LABELS: dict[Device, str] = {"desktop": "Desktop", "mobile": "Mobile"}

GAUGE_RADIUS = 54
GAUGE_CIRCUMFERENCE = 2 * math.pi * GAUGE_RADIUS
# Markers whose corners lie closer than this (in % of the image) would hide each other's numbers.
BADGE_STACK_PCT = 1.5
VALUE_DISPLAY_CHARS = 240
VALUE_DISPLAY_LINES = 8


@dataclass(frozen=True)
class Gauge:
    label: str
    score: int
    band: Band

    @property
    def dash(self) -> float:
        return round(self.score / 100 * GAUGE_CIRCUMFERENCE, 2)


@dataclass(frozen=True)
class Item:
    """A finding with its report-wide number and, when a screenshot shows it, its marker's box."""

    number: int
    finding: Finding
    placement: Placement | None
    badge_stack: int = 0

    @property
    def anchor(self) -> str:
        return f"finding-{self.number}"


@dataclass(frozen=True)
class Shot:
    ref: Screenshot
    label: str
    data_uri: str
    markers: list[Item]

    @property
    def ratio(self) -> float:
        return round(self.ref.width / self.ref.height, 5)


@dataclass(frozen=True)
class CategoryGroup:
    category: Category
    label: str
    gauge: Gauge | None
    items: list[Item]


@dataclass(frozen=True)
class MetricCell:
    text: str
    band: Band | None

    @property
    def band_label(self) -> str | None:
        return BAND_LABELS[self.band] if self.band else None


@dataclass(frozen=True)
class MetricRow:
    label: str
    cells: list[MetricCell]
    threshold: str | None = None
    source: str | None = None


@dataclass(frozen=True)
class Banner:
    level: Literal["info", "warning"]
    title: str
    text: str


@dataclass(frozen=True)
class ReportView:
    report: Report
    overall: Gauge
    categories: list[Gauge]
    banners: list[Banner]
    top: list[Item]
    fold_shots: list[Shot]
    full_shots: list[Shot]
    groups: list[CategoryGroup]
    metric_devices: list[str]
    metric_rows: list[MetricRow]
    score_line_notes: list[str]
    speed: list[SpeedCard]
    timings: list[tuple[str, str]]
    notes: list[str] = field(default_factory=list)


def build_view(report: Report, screenshots: Mapping[str, bytes]) -> ReportView:
    shown = [shot for shot in _ordered_shots(report.screenshots) if shot.name in screenshots]
    items = _number(report, shown)
    by_id = {item.finding.id: item for item in items}
    shots = [
        Shot(
            ref=shot,
            label=f"{DEVICE_LABELS[shot.device]} · {'first view' if shot.kind == 'fold' else 'full page'}",
            data_uri=image_data_uri(screenshots[shot.name]),
            markers=[item for item in items if item.placement and item.placement.screenshot == shot.name],
        )
        for shot in shown
    ]
    return ReportView(
        report=report,
        overall=Gauge("Overall", report.scores.overall, score_band(report.scores.overall)),
        categories=[
            Gauge(CATEGORY_LABELS[category], report.scores.categories[category], score_band(score))
            for category in CATEGORIES
            if (score := report.scores.categories.get(category)) is not None
        ],
        banners=[banner for banner in (_quality_banner(report), _llm_banner(report)) if banner is not None],
        top=[by_id[finding_id] for finding_id in report.top_issues if finding_id in by_id],
        fold_shots=[shot for shot in shots if shot.ref.kind == "fold"],
        full_shots=[shot for shot in shots if shot.ref.kind == "full"],
        groups=_groups(report, items),
        metric_devices=[DEVICE_LABELS[summary.device] for summary in _ordered_devices(report)],
        metric_rows=_metric_rows(report),
        score_line_notes=score_line_notes([summary.device for summary in _ordered_devices(report)]),
        speed=[speed_card(summary, DEVICE_LABELS[summary.device]) for summary in _ordered_devices(report)],
        timings=[(stage, format_ms(ms)) for stage, ms in report.timings_ms.items()],
        notes=_capture_notes(report),
    )


def _ordered_shots(shots: list[Screenshot]) -> list[Screenshot]:
    return sorted(shots, key=lambda shot: (shot.kind != "fold", DEVICES.index(shot.device)))


def _ordered_devices(report: Report) -> list[DeviceSummary]:
    return sorted(report.devices, key=lambda summary: DEVICES.index(summary.device))


def _number(report: Report, shots: list[Screenshot]) -> list[Item]:
    """Top issues first in their given order, then the rest by priority (ties keep report order)."""
    top = [finding for finding_id in report.top_issues if (finding := report.finding(finding_id)) is not None]
    top_ids = {finding.id for finding in top}
    rest = sorted((f for f in report.findings if f.id not in top_ids), key=lambda f: -f.priority)
    items: list[Item] = []
    corners: dict[str, list[Placement]] = {}
    for number, finding in enumerate(top + rest, start=1):
        placement = place_region(finding.region, shots) if finding.region else None
        stack = 0
        if placement is not None:
            taken = corners.setdefault(placement.screenshot, [])
            stack = sum(1 for other in taken if _same_corner(other, placement))
            taken.append(placement)
        items.append(Item(number=number, finding=finding, placement=placement, badge_stack=stack))
    return items


def _same_corner(a: Placement, b: Placement) -> bool:
    return abs(a.left_pct - b.left_pct) < BADGE_STACK_PCT and abs(a.top_pct - b.top_pct) < BADGE_STACK_PCT


def _groups(report: Report, items: list[Item]) -> list[CategoryGroup]:
    groups = []
    for category in CATEGORIES:
        members = sorted((item for item in items if item.finding.category == category), key=lambda item: item.number)
        score = report.scores.categories.get(category)
        gauge = Gauge(CATEGORY_LABELS[category], score, score_band(score)) if score is not None else None
        if members or gauge:
            groups.append(CategoryGroup(category, CATEGORY_LABELS[category], gauge, members))
    return groups


def _quality_banner(report: Report) -> Banner | None:
    quality = report.quality
    if quality.status == "ok":
        return None
    held = f" Held back: {', '.join(quality.suppressed_rules)}." if quality.suppressed_rules else ""
    lowered = f" At half confidence: {', '.join(quality.lowered_rules)}." if quality.lowered_rules else ""
    return Banner(
        "warning",
        "The capture was degraded: read this report with care",
        f"{'; '.join(quality.reasons)} (also after a second try). Findings that would blame the page for what the "
        f"capture missed are left out.{held}{lowered} Analyse the page again later.",
    )


def _llm_banner(report: Report) -> Banner | None:
    llm = report.llm
    if llm.status == "ok":
        return None
    if llm.status == "disabled":
        return Banner(
            "info",
            "Rules-only analysis: Claude did not review this page",
            llm.reason or "The findings come from the deterministic rule catalogue alone.",
        )
    title = "Claude was unavailable" if llm.status == "unavailable" else "Claude's answer was rejected as invalid"
    reason = llm.reason or "no reason was recorded"
    return Banner("warning", title, f"This report holds the rule findings only. Reason: {reason}")


_METRICS: tuple[tuple[str, str], ...] = (
    ("lcp_ms", "Largest Contentful Paint"),
    ("fcp_ms", "First Contentful Paint"),
    ("cls", "Cumulative Layout Shift"),
    ("tbt_ms", "Total Blocking Time"),
    ("ttfb_ms", "Time to First Byte"),
)


def _metric_rows(report: Report) -> list[MetricRow]:
    devices = _ordered_devices(report)
    rows = []
    for name, label in _METRICS:
        threshold = SPEED_THRESHOLDS[name]
        fmt = format_cls if name == "cls" else format_ms
        cells = []
        for summary in devices:
            value = getattr(summary.metrics, name)
            cells.append(MetricCell(fmt(value) if value is not None else "not measured", metric_band(name, value)))
        rows.append(
            MetricRow(label, cells, f"good ≤ {fmt(threshold.good)}, poor > {fmt(threshold.poor)}", threshold.source)
        )
    plain: tuple[tuple[str, Callable[[Metrics], str]], ...] = (
        ("Requests", lambda m: f"{m.request_count:,}"),
        ("Transferred", lambda m: format_bytes(m.transfer_bytes)),
        ("DOM nodes", lambda m: f"{m.dom_nodes:,}"),
        ("Console errors", lambda m: f"{len(m.console_errors):,}"),
        ("Failed requests", _failed_requests),
    )
    for label, fmt_metrics in plain:
        rows.append(MetricRow(label, [MetricCell(fmt_metrics(summary.metrics), None) for summary in devices]))
    rows.append(
        MetricRow("HTTP status", [MetricCell(str(s.status_code or "none"), None) for s in devices]),
    )
    return rows


_CURVE_METRICS: dict[MetricName, tuple[str, str]] = {"lcp": ("lcp_ms", "an LCP"), "fcp": ("fcp_ms", "an FCP")}


def score_line_notes(devices: Sequence[Device]) -> list[str]:
    """Why a metric coloured good can still pull the performance score down: on the devices whose
    Lighthouse curve gives a score of 50 (its median) to a value Core Web Vitals call good."""
    notes = []
    for device in devices:
        for metric, (name, words) in _CURVE_METRICS.items():
            curve, line = CURVES[device][metric], SPEED_THRESHOLDS[name]
            if curve.median <= line.good:
                notes.append(
                    f"{device.capitalize()}: {words} of {format_ms(curve.median)} is good by Core Web Vitals "
                    f"(up to {format_ms(line.good)}) yet scores 50 on Lighthouse's {device} curve, which the "
                    "performance score uses."
                )
    return notes


def _failed_requests(metrics: Metrics) -> str:
    blocked = sum(1 for request in metrics.failed_requests if request.blocked)
    text = f"{len(metrics.failed_requests):,}"
    return f"{text} ({blocked} blocked by policy)" if blocked else text


def _capture_notes(report: Report) -> list[str]:
    notes = []
    for summary in _ordered_devices(report):
        label = DEVICE_LABELS[summary.device]
        width, height = summary.viewport
        doc_w, doc_h = summary.document_size
        notes.append(f"{label}: viewport {width}×{height} CSS px, document {doc_w}×{doc_h} CSS px.")
        if summary.timed_out:
            notes.append(
                f"{label}: budgets reached ({', '.join(summary.timed_out)}); measured what had loaded by then."
            )
    notes.extend(
        f"{DEVICE_LABELS[shot.device]} full-page screenshot cut at {shot.height:,} px."
        for shot in report.screenshots
        if shot.truncated
    )
    return notes


def display_value(value: object) -> str:
    """Evidence values as short readable text, one line per listed record (the template keeps the
    line breaks). Page-sourced strings stay plain strings: the template escapes them."""
    if isinstance(value, list) and value and all(isinstance(item, dict) for item in value):
        lines = [_inline(item) for item in value[:VALUE_DISPLAY_LINES]]
        if len(value) > VALUE_DISPLAY_LINES:
            lines.append(f"… {len(value) - VALUE_DISPLAY_LINES} more")
        return "\n".join(_shorten(line) for line in lines)
    return _shorten(_inline(value))


def _inline(value: object) -> str:
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    if isinstance(value, float):
        return f"{value:.3f}".rstrip("0").rstrip(".")
    if isinstance(value, int | str):
        return str(value)
    if isinstance(value, dict):
        return " · ".join(f"{str(key).replace('_', ' ')} {_inline(item)}" for key, item in value.items())
    if isinstance(value, list | tuple) and all(not isinstance(item, dict | list) for item in value):
        return ", ".join(_inline(item) for item in value)
    return json.dumps(value, ensure_ascii=False, default=str)


def _shorten(text: str) -> str:
    return text if len(text) <= VALUE_DISPLAY_CHARS else text[: VALUE_DISPLAY_CHARS - 1] + "…"
