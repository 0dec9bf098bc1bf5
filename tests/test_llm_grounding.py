"""Grounding and merging of model findings, on the images a real request would send."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import pytest
from pydantic import ValidationError

from harness.fake_claude import finding, full_answer
from shared.config import Settings
from shared.llm.grounding import ground
from shared.llm.images import PreparedImage
from shared.llm.request import build_request
from shared.llm.schema import Judgement, ModelFinding
from shared.models.report import Finding, Region
from tests.support.llm_capture import make_capture, make_facts, rule_findings


@lru_cache(maxsize=1)
def images() -> tuple[PreparedImage, ...]:
    return tuple(build_request(make_capture(), rule_findings(), Settings()).images)


def proposal(topic: str, device: str, **fields: Any) -> ModelFinding:
    return ModelFinding.model_validate(finding(topic, device, **fields))


def run(*proposals: ModelFinding, rules: list[Finding] | None = None):  # type: ignore[no-untyped-def]
    return ground(list(proposals), make_facts(), list(images()), rule_findings() if rules is None else rules)


def test_ids_must_exist_on_the_named_device() -> None:
    facts = make_facts()
    desktop = facts.devices["desktop"]
    desktop_only_cta = desktop.ctas[1].model_copy(update={"id": "cta-3"})
    devices = {**facts.devices, "desktop": desktop.model_copy(update={"ctas": [*desktop.ctas, desktop_only_cta]})}
    facts = facts.model_copy(update={"devices": devices})

    result = ground(
        [
            proposal("on_desktop", "desktop", elements=["cta-3", "h-1"]),
            proposal("other_devices_id", "mobile", elements=["cta-2", "cta-3"]),
            proposal("invented_id", "desktop", elements=["cta-2", "cta-77"]),
        ],
        facts,
        list(images()),
        [],
    )

    assert [f.rule for f in result.findings] == ["llm.on_desktop"]
    assert result.findings[0].evidence.elements == ["cta-3", "h-1"]
    assert result.rejected == 2


def test_a_device_not_captured_is_rejected() -> None:
    desktop_only = make_facts(devices=("desktop",))
    result = ground([proposal("phone", "mobile", elements=["h-1"])], desktop_only, list(images()), [])

    assert result.findings == [] and result.rejected == 1


def test_region_maps_from_sent_pixels_to_document_pixels() -> None:
    fold, slice_ = images()[0], images()[2]
    assert fold.cut.kind == "fold" and slice_.cut.kind == "slice" and slice_.device == "desktop"

    whole_fold = run(
        proposal("whole_fold", "desktop", region={"image": 1, "x": 0, "y": 0, "w": fold.width, "h": fold.height})
    )
    in_slice = run(proposal("in_slice", "desktop", region={"image": 3, "x": 0, "y": 0, "w": 10, "h": 10}))

    region = whole_fold.findings[0].region
    assert region is not None and (region.device, region.x, region.y) == ("desktop", 0, 0)
    assert (region.w, region.h) == (pytest.approx(1440, abs=2), pytest.approx(900, abs=2))
    top_of_slice = slice_.cut.top * slice_.cut.css_per_px
    assert in_slice.findings[0].region is not None and in_slice.findings[0].region.y == pytest.approx(top_of_slice)
    assert in_slice.findings[0].evidence.values == {"screenshot": "desktop-full.png"}


def test_region_must_lie_inside_an_image_of_the_same_device() -> None:
    fold = images()[0]
    result = run(
        proposal("edge_ok", "desktop", region={"image": 1, "x": fold.width - 50, "y": 0, "w": 50.5, "h": 20}),
        proposal("overhangs", "desktop", region={"image": 1, "x": fold.width - 50, "y": 0, "w": 80, "h": 20}),
        proposal("other_device", "desktop", region={"image": 2, "x": 0, "y": 0, "w": 20, "h": 20}),
        proposal("missing_image", "desktop", region={"image": 7, "x": 0, "y": 0, "w": 20, "h": 20}),
    )

    assert [f.rule for f in result.findings] == ["llm.edge_ok"]
    assert result.rejected == 3


def test_finding_without_evidence_is_rejected() -> None:
    result = run(proposal("vague", "desktop"))

    assert result.findings == [] and result.rejected == 1


def test_overlapping_region_of_the_same_category_merges() -> None:
    fold = images()[0]
    scale = fold.width / 1440
    over_cta = {"image": 1, "x": 118 * scale, "y": 418 * scale, "w": 264 * scale, "h": 60 * scale}
    elsewhere = {"image": 1, "x": 600 * scale, "y": 600 * scale, "w": 264 * scale, "h": 60 * scale}

    result = run(
        proposal("button_faint", "desktop", category="cta", region=over_cta, confidence=0.9),
        proposal("other_button", "desktop", category="cta", region=elsewhere),
        proposal("same_place_other_topic", "desktop", category="content", region=over_cta),
    )

    assert result.merged_into == {"cta.low_contrast:desktop:cta-2": 0.9}
    assert [f.rule for f in result.findings] == ["llm.other_button", "llm.same_place_other_topic"]


def test_declared_duplicate_merges_only_on_an_applicable_device() -> None:
    result = run(
        proposal("desc", "mobile", elements=["h-1"], same_as="seo.meta_description_missing", confidence=0.4),
        proposal(
            "labels", "desktop", category="forms", elements=["form-1"], same_as="form.missing_labels:mobile:form-1"
        ),
        proposal("unknown", "desktop", elements=["h-1"], same_as="no.such_rule"),
    )

    assert result.merged_into == {"seo.meta_description_missing": 0.4}
    assert [f.rule for f in result.findings] == ["llm.labels", "llm.unknown"]
    assert result.merged == 1


def test_merge_keeps_the_highest_confidence() -> None:
    result = run(
        proposal("first_take", "desktop", category="cta", elements=["cta-2"], confidence=0.3),
        proposal("second_take", "desktop", category="cta", elements=["cta-2"], confidence=0.7),
    )

    assert result.merged_into == {"cta.low_contrast:desktop:cta-2": 0.7}
    assert result.merged == 2


def test_kept_findings_carry_model_confidence_effort_and_element_box() -> None:
    result = run(proposal("x_topic", "desktop", elements=["h-1", "h-1"], confidence=0.55, effort="high"), rules=[])
    (kept,) = result.findings

    assert (kept.id, kept.source, kept.confidence, kept.effort) == ("llm-1", "llm", 0.55, "high")
    assert kept.evidence.elements == ["h-1"]
    assert kept.region == Region(device="desktop", x=120, y=200, w=900, h=80)


@pytest.mark.parametrize(
    "change",
    [
        {"severity": "critical"},
        {"confidence": 1.5},
        {"topic": "Not Snake"},
        {"device": "tablet"},
        {"unexpected": 1},
        {"region": {"image": 0, "x": 0, "y": 0, "w": 1, "h": 1}},
    ],
)
def test_schema_rejects_out_of_contract_findings(change: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        Judgement.model_validate(full_answer([finding("ok_topic", "desktop", elements=["h-1"]) | change]))


def test_schema_rejects_an_inverted_uplift_range() -> None:
    tool_input = full_answer([])
    tool_input["uplift"] = {"low_pct": 10, "high_pct": 2, "confidence": "low", "rationale": "backwards"}

    with pytest.raises(ValidationError):
        Judgement.model_validate(tool_input)
