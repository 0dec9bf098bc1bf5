"""Each speed threshold once (shared/rules/thresholds.py), read alike by the findings, the report's colours
and, for the score, Lighthouse's curves: walked at every boundary on both devices, lab and field."""

from __future__ import annotations

import math

import pytest

from shared.models.facts import DEVICES, Device
from shared.report.bands import metric_band
from shared.report.view import score_line_notes
from shared.rules.catalogue import CATALOGUE
from shared.rules.lighthouse import CURVES, log_normal_score
from shared.rules.thresholds import SPEED_THRESHOLDS
from tests.support.crux import field_metric, field_ok
from tests.support.facts_builders import device, hit, metrics

# The rule that judges each metric and whether its figure comes from the lab load, real visitors, or both.
RULE_OF = {
    "lcp_ms": "perf.lcp_slow",
    "cls": "perf.cls_high",
    "inp_ms": "perf.inp_slow",
    "tbt_ms": "perf.blocking_time_high",
}
SOURCES = {"lcp_ms": ("lab", "field"), "cls": ("lab", "field"), "inp_ms": ("field",), "tbt_ms": ("lab",)}


def _step(value: float) -> float:
    return 0.001 if value < 1 else 1


def _facts(name: str, value: float, where: str, on: Device) -> object:
    if where == "lab":
        return device(on, metrics=metrics(**{name: value}))
    return device(on, metrics=metrics(lcp_ms=None, cls=None), field=field_ok(**{name: field_metric(value)}))


@pytest.mark.parametrize("on", DEVICES)
@pytest.mark.parametrize(("name", "where"), [(n, w) for n, sources in SOURCES.items() for w in sources])
def test_findings_and_colours_change_at_the_same_lines(name: str, where: str, on: Device) -> None:
    line = SPEED_THRESHOLDS[name]
    spec = next(item.spec for item in CATALOGUE if item.spec.id == RULE_OF[name])
    assert spec.thresholds == line.as_spec() and spec.reference == line.source
    walk = [
        (line.good, None, "good"),
        (line.good + _step(line.good), spec.severity, "average"),
        (line.poor, spec.severity, "average"),
        (line.poor + _step(line.poor), "high", "poor"),
    ]
    for value, severity, band in walk:
        found = hit(RULE_OF[name], _facts(name, value, where, on))  # type: ignore[arg-type]
        assert (found.severity if found else None) == severity, (value, where, on)
        assert metric_band(name, value) == band, value


@pytest.mark.parametrize("on", DEVICES)
@pytest.mark.parametrize("metric", ["fcp", "lcp", "tbt", "cls"])
def test_the_score_curves_pass_their_control_points(metric: str, on: Device) -> None:
    curve = CURVES[on][metric]  # type: ignore[index]
    assert math.isclose(log_normal_score(curve, curve.p10), 0.9, abs_tol=1e-9)
    assert math.isclose(log_normal_score(curve, curve.median), 0.5, abs_tol=1e-9)


def test_the_report_says_where_a_good_colour_scores_fifty() -> None:
    # Desktop's LCP and FCP curves score 50 inside Core Web Vitals' good band; mobile's agree with it.
    notes = score_line_notes(["desktop", "mobile"])
    assert len(notes) == 2 and all(note.startswith("Desktop:") for note in notes)
    assert "an LCP of 2.4 s is good by Core Web Vitals (up to 2.5 s) yet scores 50" in notes[0]
    assert score_line_notes(["mobile"]) == []
    lcp = CURVES["desktop"]["lcp"].median
    assert (
        metric_band("lcp_ms", lcp) == "good"
        and hit("perf.lcp_slow", device("desktop", metrics=metrics(lcp_ms=lcp))) is None
    )
