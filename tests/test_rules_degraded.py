"""Rules on a degraded capture: what would blame the page is held back, measurements lose half their
confidence, what the markup says stays; the report says which (shared/rules/findings.py, degraded.py)."""

from __future__ import annotations

from shared.models.facts import CaptureQuality
from shared.models.report import Finding
from shared.rules import evaluate
from shared.rules.catalogue import SPECS
from shared.rules.degraded import report_quality
from shared.rules.findings import DEGRADED_CONFIDENCE
from shared.rules.scoring import compute_scores
from tests.support.facts_builders import cta, device, page

BLANK = CaptureQuality(status="degraded", reasons=["blank_fold"], fold_uniform_share=1.0)
FAILING = CaptureQuality(status="degraded", reasons=["own_requests_failed"], own_requests=12, own_requests_failed=9)
# No call to action at all (cta.missing_above_fold, suppressed), one unreadable one (cta.low_contrast, lowered)
# with a label that says nothing (cta.generic_text, kept).
BAD_CTAS = [cta("cta-1", "Submit", above_fold=False, y=2000, contrast_ratio=1.8)]


def by_id(findings: list[Finding]) -> dict[str, Finding]:
    return {finding.id: finding for finding in findings}


def test_every_rule_declares_what_a_degraded_capture_does_to_it() -> None:
    assert {spec.when_degraded for spec in SPECS.values()} == {"keep", "lower", "suppress"}


def test_on_a_sound_capture_all_three_fire_as_usual() -> None:
    found = by_id(evaluate(page(device("desktop", ctas=BAD_CTAS), device("mobile", ctas=BAD_CTAS))))
    assert {"cta.missing_above_fold:mobile", "cta.low_contrast:all", "cta.generic_text:all"} <= found.keys()
    assert found["cta.low_contrast:all"].confidence == SPECS["cta.low_contrast"].confidence


def test_a_degraded_device_holds_back_lowers_and_keeps() -> None:
    facts = page(device("desktop", ctas=BAD_CTAS), device("mobile", ctas=BAD_CTAS, quality=BLANK))
    found = by_id(evaluate(facts))
    assert "cta.missing_above_fold:desktop" in found and "cta.missing_above_fold:mobile" not in found
    lowered = found["cta.low_contrast:mobile"]
    assert lowered.confidence == SPECS["cta.low_contrast"].confidence * DEGRADED_CONFIDENCE
    assert lowered.evidence.values["capture_degraded"] is True
    assert found["cta.low_contrast:desktop"].confidence == SPECS["cta.low_contrast"].confidence
    # Kept rules read markup: the same on both devices, merged as usual.
    assert "cta.generic_text:all" in found
    summary = report_quality(facts)
    assert summary.status == "degraded"
    assert summary.reasons == ["mobile: the first view rendered as one flat colour"]
    assert "cta.missing_above_fold" in summary.suppressed_rules and "cta.generic_text" not in summary.suppressed_rules
    assert summary.lowered_rules == ["cta.low_contrast"]


def test_failed_own_requests_are_said_with_their_counts() -> None:
    summary = report_quality(page(device("desktop", quality=FAILING), device("mobile")))
    assert summary.reasons == ["desktop: 9 of 12 requests to the page's own site failed without an answer"]


def test_held_back_findings_cost_no_score() -> None:
    sound = page(device("desktop", ctas=BAD_CTAS), device("mobile", ctas=BAD_CTAS))
    blank = page(device("desktop", ctas=BAD_CTAS, quality=BLANK), device("mobile", ctas=BAD_CTAS, quality=BLANK))
    assert (
        compute_scores(blank, evaluate(blank)).categories["cta"]
        > compute_scores(sound, evaluate(sound)).categories["cta"]
    )
    assert report_quality(sound).status == "ok"
