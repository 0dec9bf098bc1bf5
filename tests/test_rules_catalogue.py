"""The catalogue as a whole: every id (ARCHITECTURE.md section 7), well-formed specs, finding ids and merging,
determinism, and a guard that RULES_VERSION moves when the catalogue does."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, fields

import pytest

from shared.models.facts import Meta
from shared.models.report import CATEGORIES
from shared.rules import RULES_VERSION, evaluate, scoring
from shared.rules.__main__ import catalogue_markdown
from shared.rules.catalogue import CATALOGUE
from shared.rules.cta import GENERIC_CTA_TEXTS
from shared.rules.lighthouse import CURVES, WEIGHTS
from shared.rules.placeholder_text import LOREM_WORDS, PLACEHOLDER_ALTS, TEMPLATE_PHRASES, TEMPLATE_TEXTS
from shared.rules.priority import EFFORT_COST, SEVERITY_WEIGHT
from tests.support.facts_builders import both, clean_page, cta, device, page

DESIGN_IDS = [
    "cta.missing_above_fold",
    "cta.low_contrast",
    "cta.too_many_above_fold",
    "cta.generic_text",
    "cta.dead_link",
    "form.too_many_fields",
    "form.missing_labels",
    "form.input_type",
    "form.autocomplete_missing",
    "trust.social_proof_missing",
    "content.h1_missing",
    "content.h1_multiple",
    "content.value_prop_unclear",
    "content.placeholder_copy",
    "seo.title_missing",
    "seo.meta_description_missing",
    "mobile.viewport_meta_missing",
    "mobile.horizontal_overflow",
    "mobile.tap_targets_small",
    "mobile.text_too_small",
    "overlay.blocks_first_view",
    "perf.lcp_slow",
    "perf.cls_high",
    "perf.inp_slow",
    "perf.blocking_time_high",
    "perf.page_weight_heavy",
    "tech.console_errors",
    "tech.broken_resources",
    "tech.not_https",
    "a11y.image_alt_missing",
    "a11y.name_missing",
    "a11y.contrast_low",
]
CATEGORY_OF_PREFIX = {
    "cta": "cta",
    "form": "forms",
    "trust": "trust",
    "content": "content",
    "seo": "content",
    "mobile": "mobile",
    "overlay": "mobile",
    "perf": "performance",
    "a11y": "accessibility",
}
CATEGORY_OF_TECH = {
    "tech.console_errors": "performance",
    "tech.broken_resources": "performance",
    "tech.not_https": "trust",
}

# RULES_VERSION -> fingerprint of everything declarative the findings and scores depend on. When this
# test fails you changed a rule, threshold, wording or formula constant: bump RULES_VERSION (cached
# reports are keyed on it) and record the new fingerprint here.
FINGERPRINTS = {"1.0.0": "881f2e7fad6895fc", "1.1.0": "d94c50187d5148f8", "1.2.0": "f3ad8762e8be8c66"}


def catalogue_fingerprint() -> str:
    declared = {
        "specs": [
            {field.name: getattr(item.spec, field.name) for field in fields(item.spec)}
            | {"thresholds": dict(item.spec.thresholds)}
            for item in CATALOGUE
        ],
        "generic_cta_texts": sorted(GENERIC_CTA_TEXTS),
        "placeholder_copy": [
            sorted(LOREM_WORDS),
            sorted(TEMPLATE_TEXTS),
            [pattern.pattern for pattern in TEMPLATE_PHRASES],
            sorted(PLACEHOLDER_ALTS),
        ],
        "penalties": scoring.SEVERITY_PENALTY,
        "category_weights": scoring.CATEGORY_WEIGHTS,
        "curve_rules": sorted(scoring.CURVE_RULES),
        "curves": {device: {name: asdict(curve) for name, curve in c.items()} for device, c in CURVES.items()},
        "metric_weights": WEIGHTS,
        "priority": [SEVERITY_WEIGHT, EFFORT_COST],
    }
    return hashlib.sha256(json.dumps(declared, sort_keys=True).encode()).hexdigest()[:16]


def test_rules_version_follows_the_catalogue() -> None:
    assert FINGERPRINTS.get(RULES_VERSION) == catalogue_fingerprint(), (
        f"the catalogue changed: bump RULES_VERSION and record {catalogue_fingerprint()!r} for it"
    )


def test_every_design_id_in_design_order() -> None:
    assert [item.spec.id for item in CATALOGUE] == DESIGN_IDS


@pytest.mark.parametrize("item", CATALOGUE, ids=lambda item: item.spec.id)
def test_spec_is_complete(item: object) -> None:
    spec = item.spec  # type: ignore[attr-defined]
    prefix = spec.id.split(".")[0]
    assert spec.category in CATEGORIES
    assert spec.category == CATEGORY_OF_TECH.get(spec.id, CATEGORY_OF_PREFIX.get(prefix))
    assert spec.reference.startswith("https://")
    assert spec.title and spec.recommendation.endswith(".") and spec.escalation
    assert 0 < spec.confidence <= 1
    assert set(spec.devices) <= {"desktop", "mobile"} and spec.devices


def test_clean_page_has_no_findings() -> None:
    assert evaluate(clean_page()) == []


def test_finding_ids_are_unique_and_stable() -> None:
    messy = page(
        device("desktop", ctas=[cta(text="Submit", contrast_ratio=2.0)], meta=Meta(title=""), trust=[]),
        device("mobile", ctas=[cta(text="Submit", y=1300, above_fold=False)], meta=Meta(title=""), trust=[]),
    )
    findings = evaluate(messy)
    ids = [f.id for f in findings]
    assert len(ids) == len(set(ids))
    assert all(f.id == f"{f.rule}:{f.evidence.device or 'all'}" for f in findings)
    assert all(f.source == "rule" and f.reference for f in findings)
    assert "seo.title_missing:all" in ids and "cta.missing_above_fold:mobile" in ids
    assert ids.index("cta.missing_above_fold:mobile") < ids.index("cta.low_contrast:desktop")


def test_identical_findings_merge_and_keep_the_first_device_region() -> None:
    facts = both(ctas=[cta(text="Learn more")])
    (merged,) = [f for f in evaluate(facts) if f.rule == "cta.generic_text"]
    assert merged.id == "cta.generic_text:all" and merged.evidence.device is None
    assert merged.region is not None and merged.region.device == "desktop"


def test_a_single_device_analysis_names_its_device() -> None:
    findings = evaluate(page(device("mobile", meta=Meta(title="Shop"))))
    (finding,) = [f for f in findings if f.rule == "seo.meta_description_missing"]
    assert finding.id == "seo.meta_description_missing:mobile"


def test_findings_are_json_ready() -> None:
    facts = both(ctas=[cta(text="Submit", href="#", dead_reason="hash_only", contrast_ratio=2.0)], trust=[], forms=[])
    for finding in evaluate(facts):
        assert json.loads(finding.model_dump_json())["rule"] == finding.rule


def test_markdown_catalogue_lists_every_rule_once() -> None:
    table = catalogue_markdown()
    assert all(table.count(f"| `{rule_id}`") == 1 for rule_id in DESIGN_IDS)
    assert f"Rules version {RULES_VERSION}" in table and '"learn more"' in table
