"""The report's speed section: per device, what real visitors see (field data) beside what our lab load
measured and under which conditions, in sentences a reader can check.

Lab figures come from one load under the device's measurement conditions; field figures are the Chrome UX
Report's 75th percentile of real Chrome visits. The Core Web Vitals assessment is made on field figures,
as Core Web Vitals are defined; without them the section says so and shows the lab alone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from shared.models.facts import Device, Metrics
from shared.models.report import DeviceSummary
from shared.models.speed import ConditionsProfile, FieldData, FieldMetric, MeasurementConditions
from shared.report.bands import BAND_LABELS, Band, metric_band
from shared.report.formats import format_cls, format_ms

CONDITIONS_LABELS: dict[ConditionsProfile, str] = {
    "lighthouse-mobile": "Lighthouse's mobile conditions (a slow 4G phone)",
    "lighthouse-desktop": "Lighthouse's desktop conditions (a desktop on a fast connection)",
    "none": "no throttling (this machine's own network and CPU)",
}
CONDITIONS_SHORT: dict[ConditionsProfile, str] = {
    "lighthouse-mobile": "Lighthouse mobile throttling (slow 4G, CPU 4x)",
    "lighthouse-desktop": "Lighthouse desktop throttling",
    "none": "unthrottled",
}
FIELD_SHORT = {"ok": "field data", "no_data": "no field data in CrUX", "unavailable": "field data unavailable"}
VISITORS: dict[Device, str] = {"mobile": "Real phone visitors", "desktop": "Real desktop visitors"}
CORE_WEB_VITALS = ("lcp_ms", "inp_ms", "cls")


def describe_conditions(conditions: MeasurementConditions) -> str:
    """The conditions with their figures: what a reader needs to reproduce the lab load."""
    label = CONDITIONS_LABELS[conditions.profile]
    if not conditions.throttled:
        return label
    parts = []
    if conditions.request_latency_ms:
        parts.append(f"{_number(conditions.request_latency_ms)} ms added to each request")
    parts.append(f"{_number(conditions.download_kbps)} kbps down" if conditions.download_kbps else "download uncapped")
    parts.append(f"{_number(conditions.upload_kbps)} kbps up" if conditions.upload_kbps else "upload uncapped")
    parts.append(f"CPU {conditions.cpu_slowdown:g}× slower" if conditions.cpu_slowdown > 1 else "CPU at full speed")
    return f"{label}: {', '.join(parts)}"


def speed_line(summary: DeviceSummary) -> str:
    """One line per device for a terminal: the lab conditions and whether field data backs the figures."""
    field = summary.field
    scope = f" ({'this page' if field.scope == 'url' else 'whole site'})" if field.status == "ok" else ""
    lab = CONDITIONS_SHORT[summary.metrics.conditions.profile]
    return f"{summary.device}: lab {lab}; {FIELD_SHORT[field.status]}{scope}"


def describe_stages(conditions: MeasurementConditions) -> str:
    if not conditions.throttled:
        return "Every stage ran at full speed."
    stages = ", ".join(stage.replace("_", " ") for stage in conditions.throttled_stages)
    return f"Throttled: {stages}. Screenshots, scrolling, facts and accessibility checks ran at full speed."


def describe_field_source(field: FieldData) -> str:
    if field.status != "ok":
        reason = field.reason or "no field data"
        return reason[:1].upper() + reason[1:]
    scope = "this page" if field.scope == "url" else "the whole site (this page alone has too few visits)"
    period = f", {field.first_date} to {field.last_date}" if field.first_date and field.last_date else ""
    return f"Chrome UX Report, p75 of real Chrome visits to {scope}{period}"


@dataclass(frozen=True)
class SpeedRow:
    label: str
    field_text: str | None
    field_band: Band | None
    shares: tuple[float, float, float] | None  # good, needs improvement, poor, in % of visits
    lab_text: str
    lab_band: Band | None

    @property
    def field_band_label(self) -> str | None:
        return BAND_LABELS[self.field_band] if self.field_band else None

    @property
    def lab_band_label(self) -> str | None:
        return BAND_LABELS[self.lab_band] if self.lab_band else None


@dataclass(frozen=True)
class SpeedCard:
    device: Device
    label: str
    conditions: str
    stages: str
    field_status: str
    field_source: str
    assessment: str | None  # "Passed" / "Failed" on field data, None without it
    headline: str
    rows: list[SpeedRow]


def _number(value: float) -> str:
    return f"{value:,.1f}".removesuffix(".0")


_ROWS: tuple[tuple[str, str, Callable[[float], str]], ...] = (
    ("lcp_ms", "Largest Contentful Paint", format_ms),
    ("inp_ms", "Interaction to Next Paint", format_ms),
    ("cls", "Cumulative Layout Shift", format_cls),
    ("fcp_ms", "First Contentful Paint", format_ms),
    ("ttfb_ms", "Time to First Byte", format_ms),
)


def speed_card(summary: DeviceSummary, label: str) -> SpeedCard:
    field, metrics = summary.field, summary.metrics
    conditions = metrics.conditions
    rows = [_row(name, title, show, field, metrics) for name, title, show in _ROWS]
    return SpeedCard(
        device=summary.device,
        label=label,
        conditions=describe_conditions(conditions),
        stages=describe_stages(conditions),
        field_status=field.status,
        field_source=describe_field_source(field),
        assessment=_assessment(field),
        headline=_headline(summary.device, field, metrics),
        rows=rows,
    )


def _field_metric(field: FieldData, name: str) -> FieldMetric | None:
    return getattr(field, name) if field.status == "ok" else None


def _row(name: str, title: str, show: Callable[[float], str], field: FieldData, metrics: Metrics) -> SpeedRow:
    measured = _field_metric(field, name)
    lab: float | None = getattr(metrics, name, None)
    if name == "inp_ms":
        lab_text = "none: a load has no taps or clicks (TBT is its lab counterpart)"
    else:
        lab_text = show(lab) if lab is not None else "not measured"
    shares = None
    if measured is not None:
        shares = tuple(round(100 * share, 1) for share in (measured.good, measured.needs_improvement, measured.poor))
    return SpeedRow(
        label=title,
        field_text=show(measured.p75) if measured is not None else None,
        field_band=metric_band(name, measured.p75) if measured is not None else None,
        shares=shares,  # type: ignore[arg-type]
        lab_text=lab_text,
        lab_band=metric_band(name, lab),
    )


def _assessment(field: FieldData) -> str | None:
    """Core Web Vitals on field data: passed when every one CrUX has is good at p75."""
    bands = [metric_band(name, m.p75) for name in CORE_WEB_VITALS if (m := _field_metric(field, name)) is not None]
    if not bands:
        return None
    return "Passed" if all(band == "good" for band in bands) else "Failed"


def _headline(device: Device, field: FieldData, metrics: Metrics) -> str:
    """The one sentence that puts both figures of LCP side by side."""
    conditions = CONDITIONS_LABELS[metrics.conditions.profile]
    lab = f"our lab load under {conditions} measured {format_ms(metrics.lcp_ms)}" if metrics.lcp_ms is not None else ""
    measured = _field_metric(field, "lcp_ms")
    if measured is not None:
        sentence = f"{VISITORS[device]} see the main content (LCP) after {format_ms(measured.p75)} at p75"
        return f"{sentence}; {lab}." if lab else f"{sentence}; our lab load could not measure it."
    if lab:
        return f"No field figure for LCP; {lab}."
    return "Neither real visitors' figures nor our lab load have a value for LCP."
