"""Four published templates as a CRO reviewer judged them from the screenshots (tests/corpus/real).

Each is analysed once per session, rules only, through the engine, on both devices. What a reviewer sees
on each page is written down below as what the report must say and what it must not: the loading screen
and the fade-ins are the page settling, not findings; menu toggles and carousel dots are controls, not
calls to action; the testimonials, pricing buttons and forms that fade in on scroll are on the page.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator

import pytest

from harness.servers import LoopbackServer
from shared.engine import AnalysisOptions, Engine
from shared.models.facts import DEVICES
from shared.models.report import Finding, Report
from tests.conftest import CORPUS_DIR, make_settings

pytestmark = pytest.mark.browser

PAGES = ("Arsha", "BizLand", "Bootslander", "OnePage")
# Judged on each page: the rule fires (on at least one device) with this severity or worse, or never.
SEVERITY_RANK = {"low": 1, "medium": 2, "high": 3}
MUST: dict[str, dict[str, str]] = {
    # White on light blue (2.4:1) buttons, dead pricing links, labels all pointing at the name field.
    "Arsha": {
        "cta.low_contrast": "high",
        "cta.dead_link": "medium",
        "form.missing_labels": "high",
        "content.placeholder_copy": "medium",
        "content.h1_multiple": "low",
    },
    # "Welcome to BizLand" says nothing of the offer; lorem ipsum testimonials and boxes in the first view.
    "BizLand": {
        "content.value_prop_unclear": "medium",
        "content.placeholder_copy": "high",
        "cta.dead_link": "medium",
        "form.missing_labels": "high",
    },
    # White on green (2.1:1) buttons, four dead "Buy Now", lorem testimonials.
    "Bootslander": {
        "cta.low_contrast": "high",
        "cta.dead_link": "medium",
        "content.placeholder_copy": "high",
        "form.missing_labels": "high",
    },
    "OnePage": {
        "cta.low_contrast": "medium",
        "cta.dead_link": "medium",
        "content.placeholder_copy": "high",
        "form.missing_labels": "high",
    },
}
# Wrong on every one of them before the page was settled and controls told apart from calls to action.
NEVER = {
    "overlay.blocks_first_view",  # the #preloader goes away a moment after load
    "cta.missing_above_fold",
    "cta.too_many_above_fold",
    "trust.social_proof_missing",  # testimonials (and Arsha's client logos) fade in on scroll
}
VALUE_PROP_STATED = ("Arsha", "Bootslander", "OnePage")
# Pricing buttons that fade in on scroll, each linking to "#".
DEAD_PRICING = {"Arsha": "Get Started", "BizLand": "Buy Now", "Bootslander": "Buy Now", "OnePage": "Buy Now"}


@pytest.fixture(scope="module")
def real_server() -> Iterator[LoopbackServer]:
    with LoopbackServer(CORPUS_DIR / "real") as server:
        yield server


@pytest.fixture(scope="module")
async def reports(real_server: LoopbackServer) -> AsyncIterator[dict[str, Report]]:
    async with Engine(make_settings(real_server)) as engine:
        analyses = await asyncio.gather(
            *(engine.analyze(AnalysisOptions(url=real_server.url(f"/{name}/index.html"), llm=False)) for name in PAGES)
        )
        yield {name: outcome.report for name, outcome in zip(PAGES, analyses, strict=True)}


def by_rule(report: Report) -> dict[str, list[Finding]]:
    found: dict[str, list[Finding]] = {}
    for finding in report.findings:
        found.setdefault(finding.rule, []).append(finding)
    return found


@pytest.mark.parametrize("name", PAGES)
def test_what_a_reviewer_finds_is_found(reports: dict[str, Report], name: str) -> None:
    found = by_rule(reports[name])
    for rule, severity in MUST[name].items():
        assert rule in found, f"{name}: {rule} missing"
        worst = max(SEVERITY_RANK[finding.severity] for finding in found[rule])
        assert worst >= SEVERITY_RANK[severity], f"{name}: {rule} only {found[rule][0].severity}"


@pytest.mark.parametrize("name", PAGES)
def test_what_a_reviewer_would_call_wrong_is_not_said(reports: dict[str, Report], name: str) -> None:
    report = reports[name]
    found = by_rule(report)
    assert not NEVER & found.keys(), f"{name}: {sorted(NEVER & found.keys())}"
    if name in VALUE_PROP_STATED:
        assert "content.value_prop_unclear" not in found
    for finding in report.findings:
        assert "(no text)" not in finding.detail, f"{name}: {finding.id} cites a control as a call to action"
    for finding in found.get("mobile.tap_targets_small", []):
        assert finding.severity == "low", "only carousel dots and icon links are small: a minor issue"
    for summary in report.devices:
        assert summary.quality.status == "ok" and "preloader" not in summary.timed_out, (name, summary.device)


@pytest.mark.parametrize("name", PAGES)
def test_content_that_fades_in_on_scroll_is_measured(reports: dict[str, Report], name: str) -> None:
    (dead,) = [finding for finding in reports[name].findings if finding.rule == "cta.dead_link"]
    assert f'"{DEAD_PRICING[name]}"' in dead.detail and dead.evidence.device is None
    logo_h1 = [finding for finding in reports[name].findings if finding.rule == "content.h1_multiple"]
    assert all("is the logo" in finding.detail for finding in logo_h1)


async def test_the_same_page_twice_gives_the_same_finding_ids(
    reports: dict[str, Report], real_server: LoopbackServer
) -> None:
    async with Engine(make_settings(real_server)) as engine:
        again = (await engine.analyze(AnalysisOptions(url=real_server.url("/BizLand/index.html"), llm=False))).report

    # Speed metrics move with the machine's load; everything measured on the page must not.
    def ids(report: Report) -> set[str]:
        return {finding.id for finding in report.findings if not finding.rule.startswith("perf.")}

    assert ids(again) == ids(reports["BizLand"])
    assert {summary.device for summary in again.devices} == set(DEVICES)
