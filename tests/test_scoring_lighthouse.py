"""Lighthouse's log-normal metric curves and weights, checked against an independent implementation."""

from __future__ import annotations

import itertools
import math
from statistics import NormalDist

import pytest

from shared.rules.lighthouse import (
    CURVES,
    WEIGHTS,
    Curve,
    log_normal_complement,
    log_normal_score,
    metric_scores,
    performance_score,
)
from tests.support.facts_builders import metrics

ALL_CURVES = [(device, name, curve) for device, curves in CURVES.items() for name, curve in curves.items()]


def reference_score(curve: Curve, value: float) -> float:
    """1 - CDF of the log-normal whose median is `median` and whose 10th percentile is `p10`, built from
    the standard library's NormalDist instead of erfc and Lighthouse's constant."""
    sigma = (math.log(curve.median) - math.log(curve.p10)) / NormalDist().inv_cdf(0.9)
    return 1 - NormalDist(mu=math.log(curve.median), sigma=sigma).cdf(math.log(value))


@pytest.mark.parametrize(("device", "name", "curve"), ALL_CURVES)
def test_control_points(device: str, name: str, curve: Curve) -> None:
    assert log_normal_complement(curve, curve.p10) == pytest.approx(0.9, abs=1e-12)
    assert log_normal_complement(curve, curve.median) == pytest.approx(0.5, abs=1e-12)
    assert log_normal_score(curve, curve.p10) == pytest.approx(0.9, abs=1e-12)
    assert log_normal_score(curve, curve.median) == pytest.approx(0.5, abs=1e-12)


@pytest.mark.parametrize(("device", "name", "curve"), ALL_CURVES)
@pytest.mark.parametrize("factor", [0.1, 0.5, 0.8, 1.3, 2.0, 5.0])
def test_matches_an_independent_log_normal(device: str, name: str, curve: Curve, factor: float) -> None:
    value = curve.median * factor
    assert log_normal_score(curve, value) == pytest.approx(reference_score(curve, value), abs=1e-9)


def test_published_control_points() -> None:
    assert CURVES["mobile"]["lcp"] == Curve(2500, 4000)
    assert CURVES["desktop"]["lcp"] == Curve(1200, 2400)
    assert CURVES["mobile"]["tbt"] == Curve(200, 600)
    assert CURVES["desktop"]["tbt"] == Curve(150, 350)
    assert CURVES["mobile"]["fcp"] == Curve(1800, 3000)
    assert CURVES["desktop"]["fcp"] == Curve(934, 1600)
    assert CURVES["mobile"]["cls"] == CURVES["desktop"]["cls"] == Curve(0.1, 0.25)
    # Lighthouse v10 weights without Speed Index's 10.
    assert WEIGHTS == {"fcp": 10, "lcp": 25, "tbt": 30, "cls": 25}


def test_band_edges_hold() -> None:
    curve = CURVES["mobile"]["lcp"]
    assert log_normal_score(curve, math.nextafter(curve.p10, math.inf)) < 0.9
    assert log_normal_score(curve, math.nextafter(curve.median, math.inf)) < 0.5
    assert log_normal_score(curve, 0) == 1.0
    assert log_normal_score(curve, 1e12) == pytest.approx(0.0, abs=1e-12)


def test_decreasing() -> None:
    curve = CURVES["desktop"]["tbt"]
    scores = [log_normal_score(curve, value) for value in range(1, 3000, 37)]
    assert all(a >= b for a, b in itertools.pairwise(scores))


@pytest.mark.parametrize(("p10", "median"), [(0, 10), (10, 10), (20, 10)])
def test_invalid_curves_are_refused(p10: float, median: float) -> None:
    with pytest.raises(ValueError):
        Curve(p10, median)


class TestPerformanceScore:
    def test_all_metrics_at_their_median_score_one_half(self) -> None:
        at_median = metrics(fcp_ms=3000, lcp_ms=4000, tbt_ms=600, cls=0.25)
        assert performance_score(at_median, "mobile") == pytest.approx(0.5)

    def test_weights_renormalise_over_measured_metrics(self) -> None:
        only_lcp = metrics(fcp_ms=None, tbt_ms=None, cls=None, lcp_ms=3000)
        assert performance_score(only_lcp, "mobile") == pytest.approx(log_normal_score(CURVES["mobile"]["lcp"], 3000))
        mixed = metrics(fcp_ms=None, lcp_ms=4000, tbt_ms=200, cls=None)
        assert performance_score(mixed, "mobile") == pytest.approx((25 * 0.5 + 30 * 0.9) / 55)

    def test_nothing_measured_is_unknown_not_perfect(self) -> None:
        assert performance_score(metrics(fcp_ms=None, lcp_ms=None, tbt_ms=None, cls=None), "desktop") is None

    def test_devices_use_their_own_control_points(self) -> None:
        same = metrics(fcp_ms=1600, lcp_ms=2400, tbt_ms=350, cls=0.25)
        assert performance_score(same, "desktop") == pytest.approx(0.5)
        assert metric_scores(same, "mobile")["lcp"] > 0.9  # 2.4 s is under the mobile p10 of 2.5 s
        assert performance_score(same, "mobile") > 0.7  # type: ignore[operator]
