"""Priority (severity x confidence / effort) and ranking of the top issues."""

from __future__ import annotations

import random

import pytest

from shared.rules import evaluate
from shared.rules.priority import priority, rank
from tests.support.facts_builders import both, cta, finding


@pytest.mark.parametrize(
    ("severity", "effort", "confidence", "expected"),
    [
        ("high", "low", 1.0, 3.0),
        ("high", "high", 1.0, 1.0),
        ("medium", "medium", 1.0, 1.0),
        ("low", "high", 1.0, 0.3333),
        ("high", "low", 0.5, 1.5),
        ("medium", "low", 0.8, 1.6),
    ],
)
def test_priority_formula(severity: str, effort: str, confidence: float, expected: float) -> None:
    assert priority(finding(severity=severity, effort=effort, confidence=confidence)) == expected


def test_evaluate_sets_priority_on_every_finding() -> None:
    findings = evaluate(both(ctas=[cta(text="Submit", href="#", dead_reason="hash_only")], trust=[]))
    assert findings
    assert all(f.priority == priority(f) and f.priority > 0 for f in findings)


class TestRank:
    def test_orders_by_priority_then_severity_then_rule(self) -> None:
        quick_high = finding("cta.a", severity="high", effort="low")  # 3.0
        slow_high = finding("cta.b", severity="high", effort="high")  # 1.0, high
        medium = finding("cta.c", severity="medium", effort="medium")  # 1.0, medium
        low_z = finding("cta.z", severity="low", effort="low")  # 1.0, low
        low_y = finding("cta.y", severity="low", effort="low")  # 1.0, low, sorts before z
        ranked = rank([low_z, medium, low_y, slow_high, quick_high])
        assert [f.rule for f in ranked] == ["cta.a", "cta.b", "cta.c", "cta.y", "cta.z"]

    def test_same_rule_on_two_devices_keeps_the_worse(self) -> None:
        desktop = finding("cta.low_contrast", severity="medium", device="desktop")
        mobile = finding("cta.low_contrast", severity="high", device="mobile")
        assert [f.id for f in rank([desktop, mobile])] == ["cta.low_contrast:mobile"]

    def test_same_id_appears_once(self) -> None:
        twice = finding("cta.generic_text")
        assert len(rank([twice, twice.model_copy()])) == 1

    def test_model_findings_on_one_topic_are_separate_issues(self) -> None:
        a = finding("llm.copy", source="llm", id="llm-1", confidence=0.7)
        b = finding("llm.copy", source="llm", id="llm-2", confidence=0.6)
        assert [f.id for f in rank([b, a])] == ["llm-1", "llm-2"]

    def test_limit(self) -> None:
        findings = [finding(f"cta.r{n:02d}", severity="low") for n in range(15)]
        assert len(rank(findings)) == 10
        assert [f.rule for f in rank(findings, limit=3)] == ["cta.r00", "cta.r01", "cta.r02"]
        assert rank(findings, limit=0) == []
        with pytest.raises(ValueError):
            rank(findings, limit=-1)

    def test_input_order_does_not_matter(self) -> None:
        findings = [
            finding(f"cta.r{n}", severity=s, effort=e, device=d)
            for n, (s, e) in enumerate([("high", "low"), ("medium", "low"), ("low", "medium"), ("high", "high")])
            for d in ("desktop", "mobile")
        ]
        expected = [f.id for f in rank(findings)]
        shuffled = findings[:]
        random.Random(7).shuffle(shuffled)
        assert [f.id for f in rank(shuffled)] == expected
        assert len(expected) == 4
