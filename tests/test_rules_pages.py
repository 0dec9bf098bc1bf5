"""Every rule of the catalogue, proven on real pages in real Chromium: a page that trips it, and one that does not.

`clean.html` is a good landing page (H1, meta description, viewport, one short labelled form, a strong CTA
in the first view, named testimonials, images with alt, fast, nothing broken): no rule may fire on it, on
either device. Each bad page is the same kind of page with deliberate defects, each marked in its HTML, and
trips exactly the rules listed in `PAGE_RULES`, on the devices listed there; a page listed with no rules is
a different kind of good page that must trip nothing either. Every page is analysed once per
test session (tests/support/rule_pages.py), rules only, through the engine.
"""

from __future__ import annotations

import pytest

from shared.models.facts import DEVICES, Device
from shared.rules.catalogue import SPECS
from tests.support.rule_pages import PLAIN_HTTP_HOST, RulePageAnalyses, flagged_devices

pytestmark = pytest.mark.browser

BOTH: frozenset[Device] = frozenset(DEVICES)
MOBILE: frozenset[Device] = frozenset({"mobile"})
# The clean page served from a name that is not loopback (see tests/support/rule_pages.py).
PLAIN_HTTP = "clean.html over plain HTTP"

# page -> {rule id: the devices it must fire on}. Each page trips these rules and no others.
PAGE_RULES: dict[str, dict[str, frozenset[Device]]] = {
    "cluttered.html": {
        "cta.low_contrast": BOTH,
        "cta.too_many_above_fold": BOTH,
        "cta.generic_text": BOTH,
        "cta.dead_link": BOTH,
        "form.too_many_fields": BOTH,
        "form.missing_labels": BOTH,
        "form.input_type": BOTH,
        "form.autocomplete_missing": BOTH,
        "trust.social_proof_missing": BOTH,
        "content.h1_multiple": BOTH,
        "content.value_prop_unclear": BOTH,
        "seo.title_missing": BOTH,
        "seo.meta_description_missing": BOTH,
        "overlay.blocks_first_view": BOTH,
        "a11y.image_alt_missing": BOTH,
        "a11y.contrast_low": BOTH,
    },
    "phone-unfriendly.html": {
        "cta.missing_above_fold": BOTH,
        "content.h1_missing": BOTH,
        "mobile.viewport_meta_missing": MOBILE,
        # 1200 px of table: wider than a phone, narrower than the 1440 px desktop.
        "mobile.horizontal_overflow": MOBILE,
        "mobile.tap_targets_small": MOBILE,
        "mobile.text_too_small": MOBILE,
    },
    "slow.html": {
        "perf.lcp_slow": BOTH,
        "perf.cls_high": BOTH,
        "perf.inp_slow": BOTH,  # from the slow page's field record (tests/support/rule_pages.py)
        "perf.blocking_time_high": BOTH,
        "perf.page_weight_heavy": BOTH,
        "tech.console_errors": BOTH,
        "tech.broken_resources": BOTH,
    },
    "template.html": {
        "content.placeholder_copy": BOTH,
        "a11y.name_missing": BOTH,
    },
    PLAIN_HTTP: {"tech.not_https": BOTH},
    # A product page: its short headline, the product's name, next to a price states the offer.
    "product.html": {},
}
TRIPPED_BY: dict[str, tuple[str, frozenset[Device]]] = {
    rule: (page, devices) for page, rules in PAGE_RULES.items() for rule, devices in rules.items()
}


async def findings_of(analyses: RulePageAnalyses, page: str) -> dict[str, set[Device]]:
    """rule id -> the devices it fired on."""
    if page == PLAIN_HTTP:
        findings = await analyses.plain_http_findings("clean.html")
    else:
        findings = await analyses.findings(page)
    return {rule: flagged_devices(findings, rule) for rule in {finding.rule for finding in findings}}


def test_the_bad_pages_cover_every_rule() -> None:
    assert sorted(TRIPPED_BY) == sorted(SPECS)
    assert sum(len(rules) for rules in PAGE_RULES.values()) == len(SPECS), "each rule has one page"


async def test_the_clean_page_is_fully_measured(rule_page_analyses: RulePageAnalyses) -> None:
    """No finding must mean "measured and fine", never "not measured": rules skip unknown metrics, and axe
    or a facts script that ran out of budget would leave their rules nothing to judge."""
    report = await rule_page_analyses.report("clean.html")
    assert [summary.device for summary in report.devices] == list(DEVICES)
    for summary in report.devices:
        assert summary.timed_out == [], summary.device
        metrics = summary.metrics
        assert None not in (metrics.lcp_ms, metrics.cls, metrics.tbt_ms), summary.device
        assert metrics.request_count > 0 and metrics.transfer_bytes > 0, summary.device


@pytest.mark.parametrize("rule", sorted(SPECS))
async def test_the_clean_page_does_not_trip(rule_page_analyses: RulePageAnalyses, rule: str) -> None:
    found = await findings_of(rule_page_analyses, "clean.html")
    assert rule not in found, f"{rule} fired on clean.html on {sorted(found.get(rule, ()))}"


@pytest.mark.parametrize("rule", sorted(TRIPPED_BY))
async def test_the_rule_trips_on_its_page(rule_page_analyses: RulePageAnalyses, rule: str) -> None:
    page, devices = TRIPPED_BY[rule]
    found = await findings_of(rule_page_analyses, page)
    assert found.get(rule, set()) == devices, f"{rule} on {page}"


@pytest.mark.parametrize("page", sorted(PAGE_RULES))
async def test_the_bad_page_trips_nothing_else(rule_page_analyses: RulePageAnalyses, page: str) -> None:
    found = await findings_of(rule_page_analyses, page)
    assert sorted(found) == sorted(PAGE_RULES[page])


async def test_the_plain_http_page_is_the_clean_page_under_another_name(rule_page_analyses: RulePageAnalyses) -> None:
    findings = await rule_page_analyses.plain_http_findings("clean.html")
    (finding,) = findings
    assert finding.evidence.values == {"scheme": "http", "host": PLAIN_HTTP_HOST}


async def test_a_styled_span_in_a_card_link_and_a_hostless_link_are_ctas(rule_page_analyses: RulePageAnalyses) -> None:
    findings = {finding.rule: finding for finding in await rule_page_analyses.findings("cluttered.html")}
    failing = {row["ratio"] for row in findings["cta.low_contrast"].evidence.values["failing"]}
    assert 2.28 in failing and '"Install now" 2.28:1' in findings["cta.low_contrast"].detail
    assert "no_host" in findings["cta.dead_link"].evidence.values["reasons"]
    assert '"Book a call"' in findings["cta.dead_link"].detail


async def test_controls_are_named_or_reported_never_ctas(rule_page_analyses: RulePageAnalyses) -> None:
    findings = {finding.rule: finding for finding in await rule_page_analyses.findings("template.html")}
    names = findings["a11y.name_missing"]
    assert names.severity == "medium", "the menu toggle has no name"
    assert names.evidence.values["unnamed_controls"] == {"carousel": 2, "menu_toggle": 1}
    placeholder = findings["content.placeholder_copy"]
    assert placeholder.severity == "high", "a lorem-ipsum testimonial"
    assert placeholder.evidence.values["by_place"] == {"testimonial": 1, "copy": 1, "alt": 1}
