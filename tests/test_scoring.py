"""Category and overall scores: penalties, worst-device counting, curves, weights, clamping, determinism."""

from __future__ import annotations

import pytest

from shared.capture.throttling import conditions_for
from shared.models.report import CATEGORIES
from shared.rules import evaluate
from shared.rules.lighthouse import performance_score
from shared.rules.scoring import CATEGORY_WEIGHTS, compute_scores
from tests.conftest import make_settings
from tests.support.crux import field_metric, field_ok
from tests.support.facts_builders import both, clean_page, cta, device, finding, metrics, page

NO_METRICS = metrics(fcp_ms=None, lcp_ms=None, tbt_ms=None, cls=None)


def unmeasured_page(**overrides: object) -> object:
    return both(metrics=NO_METRICS, **overrides)


def test_clean_page_scores() -> None:
    facts = clean_page()
    scores = compute_scores(facts, evaluate(facts))
    expected_perf = round(100 * sum(performance_score(facts.devices[d].metrics, d) for d in ("desktop", "mobile")) / 2)  # type: ignore[misc]
    assert set(scores.categories) == set(CATEGORIES)
    assert scores.categories["performance"] == expected_perf
    assert all(scores.categories[c] == 100 for c in CATEGORIES if c != "performance")
    assert scores.method.startswith("categories: 100 - per rule")


@pytest.mark.parametrize(
    ("severities", "expected"),
    [(["high"], 70), (["medium"], 85), (["low"], 95), (["high", "medium"], 55), (["high"] * 4, 0)],
)
def test_penalties_and_floor(severities: list[str], expected: int) -> None:
    findings = [finding(f"cta.rule_{n}", severity=s) for n, s in enumerate(severities)]
    assert compute_scores(unmeasured_page(), findings).categories["cta"] == expected  # type: ignore[arg-type]


def test_confidence_scales_the_penalty() -> None:
    findings = [finding("content.value_prop_unclear", category="content", severity="medium", confidence=0.6)]
    assert compute_scores(unmeasured_page(), findings).categories["content"] == 91  # type: ignore[arg-type]


def test_a_rule_counts_once_at_its_worst_device() -> None:
    findings = [
        finding("cta.low_contrast", severity="medium", device="desktop"),
        finding("cta.low_contrast", severity="high", device="mobile"),
    ]
    assert compute_scores(unmeasured_page(), findings).categories["cta"] == 70  # type: ignore[arg-type]


def test_model_findings_never_move_a_score() -> None:
    facts = unmeasured_page()
    rule_only = [finding("cta.generic_text")]
    with_model = [*rule_only, finding("llm.copy", severity="high", source="llm", id="llm-1")]
    assert compute_scores(facts, with_model) == compute_scores(facts, rule_only)  # type: ignore[arg-type]


class TestPerformance:
    def test_metric_rules_are_not_penalised_twice(self) -> None:
        facts = both(metrics=metrics(lcp_ms=6000))
        findings = evaluate(facts)
        assert {f.rule for f in findings} == {"perf.lcp_slow"}
        lab = sum(performance_score(facts.devices[d].metrics, d) for d in ("desktop", "mobile")) / 2  # type: ignore[misc]
        assert compute_scores(facts, findings).categories["performance"] == round(100 * lab)

    def test_other_performance_rules_subtract_from_the_curve(self) -> None:
        facts = both(metrics=metrics(transfer_bytes=5000 * 1024))
        findings = evaluate(facts)
        assert {f.rule for f in findings} == {"perf.page_weight_heavy"}
        without = compute_scores(facts, []).categories["performance"]
        assert compute_scores(facts, findings).categories["performance"] == without - 30

    def test_without_metrics_every_performance_rule_counts(self) -> None:
        findings = [finding("perf.lcp_slow", category="performance", severity="high")]
        assert compute_scores(unmeasured_page(), findings).categories["performance"] == 70  # type: ignore[arg-type]

    def test_devices_are_averaged(self) -> None:
        slow_mobile = page(device("desktop"), device("mobile", metrics=metrics(lcp_ms=8000, tbt_ms=900)))
        desktop = performance_score(slow_mobile.devices["desktop"].metrics, "desktop")
        mobile = performance_score(slow_mobile.devices["mobile"].metrics, "mobile")
        expected = round(100 * (desktop + mobile) / 2)  # type: ignore[operator]
        assert compute_scores(slow_mobile, []).categories["performance"] == expected

    def test_the_score_says_which_curves_scored_which_conditions(self) -> None:
        settings = make_settings(mobile_throttling="lighthouse", desktop_throttling="lighthouse")
        throttled = page(
            *(
                device(name, metrics=metrics(conditions=conditions_for(name, settings)))
                for name in ("desktop", "mobile")
            )
        )
        uses = compute_scores(throttled, []).performance_curves
        assert {name: (use.curves, use.measured_under, use.matched) for name, use in uses.items()} == {
            "desktop": ("lighthouse-desktop", "lighthouse-desktop", True),
            "mobile": ("lighthouse-mobile", "lighthouse-mobile", True),
        }
        assert "mobile on Lighthouse mobile curves, measured under Lighthouse's mobile conditions" in (
            compute_scores(throttled, []).method
        )

    def test_unthrottled_figures_on_throttled_curves_are_flagged(self) -> None:
        scores = compute_scores(clean_page(), [])
        assert {use.matched for use in scores.performance_curves.values()} == {False}
        assert "mobile on Lighthouse mobile curves, measured unthrottled (the score reads high)" in scores.method

    def test_a_field_finding_takes_no_penalty_either(self) -> None:
        facts = both(field=field_ok(lcp_ms=field_metric(6000), inp_ms=field_metric(900)))
        findings = evaluate(facts)
        assert {f.rule for f in findings} == {"perf.lcp_slow", "perf.inp_slow"}
        assert compute_scores(facts, findings).categories == compute_scores(facts, []).categories

    def test_no_metric_no_curves(self) -> None:
        scores = compute_scores(unmeasured_page(), [])  # type: ignore[arg-type]
        assert scores.performance_curves == {} and scores.method.endswith("performance: no lab metric measured")


class TestOverall:
    def test_weights(self) -> None:
        assert sum(CATEGORY_WEIGHTS.values()) == 100
        findings = [finding("cta.missing_above_fold", severity="high")]
        scores = compute_scores(unmeasured_page(), findings)  # type: ignore[arg-type]
        assert scores.overall == round((70 * 20 + 100 * 80) / 100)

    def test_forms_leave_the_mean_when_there_is_no_form(self) -> None:
        findings = [finding("cta.missing_above_fold", severity="high")]
        scores = compute_scores(unmeasured_page(forms=[]), findings)  # type: ignore[arg-type]
        assert scores.categories["forms"] == 100
        assert scores.overall == round((70 * 20 + 100 * 65) / 85)

    def test_overall_stays_in_range(self) -> None:
        findings = [
            finding(f"{category}.r{n}", category=category, severity="high") for category in CATEGORIES for n in range(5)
        ]
        scores = compute_scores(unmeasured_page(), findings)  # type: ignore[arg-type]
        assert scores.overall == 0 and set(scores.categories.values()) == {0}


def test_same_facts_same_findings_same_scores() -> None:
    def messy(order: tuple[str, str]) -> object:
        devices = {
            "desktop": device("desktop", ctas=[cta(text="Submit", contrast_ratio=2.0)], forms=[], trust=[]),
            "mobile": device(
                "mobile", ctas=[cta(text="Submit", y=1200, above_fold=False)], metrics=metrics(lcp_ms=5000)
            ),
        }
        return page(*(devices[name] for name in order))

    first, second = messy(("desktop", "mobile")), messy(("mobile", "desktop"))
    findings_a, findings_b = evaluate(first), evaluate(second)  # type: ignore[arg-type]
    assert len(findings_a) >= 5
    assert [f.model_dump() for f in findings_a] == [f.model_dump() for f in findings_b]
    assert [f.model_dump() for f in findings_a] == [f.model_dump() for f in evaluate(first)]  # type: ignore[arg-type]
    assert compute_scores(first, findings_a) == compute_scores(second, findings_b)  # type: ignore[arg-type]
