"""The rules on the real corpus pages, captured by Chromium through the engine (rules only, no Claude).

Checks the verdicts tests/corpus/README.md calls for, end to end: capture's facts, then `evaluate`.
Skipped until the capture module exists, so the rule tests never depend on it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

pytest.importorskip("shared.capture.page_capture")

from harness.servers import LoopbackServer
from shared.engine import AnalysisOptions, Engine
from shared.models.report import Finding
from tests.conftest import make_settings

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
async def engine(corpus_server: LoopbackServer) -> AsyncIterator[Engine]:
    async with Engine(make_settings(corpus_server)) as running:
        yield running


async def findings_of(engine: Engine, server: LoopbackServer, name: str) -> dict[str, Finding]:
    outcome = await engine.analyze(AnalysisOptions(url=server.url(f"/{name}/index.html"), llm=False))
    return {finding.id: finding for finding in outcome.report.findings}


def rules(found: dict[str, Finding]) -> set[str]:
    return {finding.rule for finding in found.values()}


async def test_agency(engine: Engine, corpus_server: LoopbackServer) -> None:
    found = await findings_of(engine, corpus_server, "agency")
    assert {"content.h1_missing", "form.missing_labels", "seo.meta_description_missing"} <= rules(found)
    assert "cta.missing_above_fold" not in rules(found)
    labels = next(f for f in found.values() if f.rule == "form.missing_labels")
    assert labels.evidence.values["unlabeled"] == labels.evidence.values["fields"] == 4
    assert found["content.h1_missing:all"].detail.endswith('is a <div>, "IT\'S NICE TO MEET YOU".')
    value_prop = [f for f in found.values() if f.rule == "content.value_prop_unclear"]
    assert value_prop and all(f.evidence.values["reasons"] == ["headline_is_greeting"] for f in value_prop)


@pytest.mark.parametrize("name", ["landing-page", "creative", "new-age", "one-page-wonder", "shop-homepage"])
async def test_a_headline_with_three_words_or_more_passes(
    engine: Engine, corpus_server: LoopbackServer, name: str
) -> None:
    found = await findings_of(engine, corpus_server, name)
    assert not rules(found) & {"content.value_prop_unclear", "content.h1_missing", "content.h1_multiple"}


async def test_one_page_wonder(engine: Engine, corpus_server: LoopbackServer) -> None:
    found = await findings_of(engine, corpus_server, "one-page-wonder")
    assert not [f for f in found.values() if f.category == "forms"]
    assert "seo.meta_description_missing" in rules(found)


@pytest.mark.parametrize("name", ["landing-page", "new-age"])
async def test_cta_above_the_fold(engine: Engine, corpus_server: LoopbackServer, name: str) -> None:
    found = await findings_of(engine, corpus_server, name)
    assert "cta.missing_above_fold" not in rules(found)
    assert "seo.meta_description_missing" in rules(found)


async def test_shop_homepage(engine: Engine, corpus_server: LoopbackServer) -> None:
    found = await findings_of(engine, corpus_server, "shop-homepage")
    dead = [f for f in found.values() if f.rule == "cta.dead_link"]
    assert dead and all(len(f.evidence.elements) >= 4 for f in dead)
