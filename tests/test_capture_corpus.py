"""Capture of the real corpus pages (tests/corpus): the facts its README lists, on both devices, and
determinism (the same page captured twice gives the same facts)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from harness.servers import LoopbackServer
from shared.capture.browser import BrowserPool
from shared.capture.page_capture import capture_page
from shared.capture.result import CaptureResult
from shared.config import Settings
from shared.models.facts import DeviceFacts
from shared.netguard.egress import EgressGuard
from tests.conftest import make_settings

pytestmark = pytest.mark.browser

PAGES = ("landing-page", "agency", "creative", "new-age", "one-page-wonder", "shop-homepage")
DEVICES = ("desktop", "mobile")


def corpus_settings(server: LoopbackServer) -> Settings:
    return make_settings(server, network_quiet_budget_s=1.0, lazy_scroll_budget_s=1.5, capture_timeout_s=60.0)


async def capture(name: str, server: LoopbackServer, pool: BrowserPool, guard: EgressGuard) -> CaptureResult:
    return await capture_page(
        server.url(f"/{name}/index.html"), DEVICES, browser=pool, guard=guard, settings=corpus_settings(server)
    )


@pytest.fixture(scope="module")
async def corpus(
    corpus_server: LoopbackServer, browser_pool: BrowserPool, capture_guard: EgressGuard
) -> AsyncIterator[dict[str, CaptureResult]]:
    results = await asyncio.gather(*(capture(name, corpus_server, browser_pool, capture_guard) for name in PAGES))
    yield dict(zip(PAGES, results, strict=True))


def on(corpus: dict[str, CaptureResult], name: str, device: str) -> DeviceFacts:
    return corpus[name].facts.devices[device]  # type: ignore[index]


def h1_texts(facts: DeviceFacts) -> list[str]:
    return [heading.text for heading in facts.headings if heading.level == 1]


def visible_ctas_above_fold(facts: DeviceFacts) -> list[str]:
    """CTA texts as rendered (CSS text-transform applies), case-folded for comparison."""
    return [cta.text.casefold() for cta in facts.ctas if cta.above_fold]


@pytest.mark.parametrize("device", DEVICES)
def test_landing_page(corpus: dict[str, CaptureResult], device: str) -> None:
    facts = on(corpus, "landing-page", device)
    assert h1_texts(facts) == ["Generate more leads with a professional landing page!"]
    hero, second = facts.forms
    assert [(field.type, field.above_fold) for field in hero.fields] == [("email", True)]
    assert hero.submit_text == "Submit" and hero.above_fold
    assert [field.type for field in second.fields] == ["email"] and not second.above_fold
    assert any(cta.kind == "submit" and cta.text == "Submit" and cta.above_fold for cta in facts.ctas)
    assert [cta.text for cta in facts.ctas if cta.in_nav] == ["Sign Up"]
    assert [signal.kind for signal in facts.trust].count("testimonial") == 3
    assert facts.meta.description == ""


@pytest.mark.parametrize("device", DEVICES)
def test_agency(corpus: dict[str, CaptureResult], device: str) -> None:
    facts = on(corpus, "agency", device)
    assert h1_texts(facts) == []
    assert "tell me more" in visible_ctas_above_fold(facts)
    (form,) = facts.forms
    assert [field.type for field in form.fields] == ["text", "email", "tel", "textarea"]
    assert all(field.label is None and field.placeholder for field in form.fields)
    kinds = [signal.kind for signal in facts.trust]
    assert "client_logos" in kinds and "testimonial" not in kinds
    assert not facts.meta.description


def test_agency_hero_cta_position(corpus: dict[str, CaptureResult]) -> None:
    cta = next(cta for cta in on(corpus, "agency", "desktop").ctas if cta.text == "TELL ME MORE")
    assert cta.box.y == pytest.approx(476, abs=40)


@pytest.mark.parametrize("device", DEVICES)
def test_creative(corpus: dict[str, CaptureResult], device: str) -> None:
    facts = on(corpus, "creative", device)
    assert len(h1_texts(facts)) == 1
    assert "find out more" in visible_ctas_above_fold(facts)
    (form,) = facts.forms
    assert not form.above_fold
    assert len(form.fields) == 4 and all(field.label for field in form.fields)


def test_new_age(corpus: dict[str, CaptureResult]) -> None:
    facts = on(corpus, "new-age", "desktop")
    assert h1_texts(facts) == ["Showcase your app beautifully."]
    hero_badges = [cta for cta in facts.ctas if cta.kind == "image_link" and cta.above_fold]
    assert len(hero_badges) == 2
    assert all(cta.dead_reason == "hash_only" for cta in hero_badges)
    styled = [cta.text for cta in facts.ctas if cta.above_fold and cta.kind in ("button", "link_button", "submit")]
    assert styled == ["Send Feedback"]
    (form,) = facts.forms
    assert form.in_modal and len(form.fields) == 4 and not form.visible
    assert [signal.kind for signal in facts.trust].count("testimonial") == 1


@pytest.mark.parametrize("device", DEVICES)
def test_one_page_wonder(corpus: dict[str, CaptureResult], device: str) -> None:
    facts = on(corpus, "one-page-wonder", device)
    assert h1_texts(facts) == ["One Page Wonder"]
    assert "learn more" in visible_ctas_above_fold(facts)
    assert facts.forms == []


@pytest.mark.parametrize("device", DEVICES)
def test_shop_homepage(corpus: dict[str, CaptureResult], device: str) -> None:
    facts = on(corpus, "shop-homepage", device)
    assert h1_texts(facts) == ["Shop in style"]
    product_ctas = [cta for cta in facts.ctas if cta.text in ("Add to cart", "View options")]
    assert len(product_ctas) == 8
    assert all(cta.dead_reason == "hash_only" for cta in product_ctas)
    assert any(signal.kind == "rating" for signal in facts.trust)
    assert any(cta.text.startswith("Cart") for cta in facts.ctas)
    broken = [image for image in facts.images if not image.loaded]
    assert broken, "product images come from a third-party host that is unreachable here"
    assert any(failure.reason == "dns_failure" for failure in facts.metrics.failed_requests)


@pytest.mark.parametrize("name", PAGES)
def test_every_page_is_complete(corpus: dict[str, CaptureResult], name: str) -> None:
    result = corpus[name]
    assert set(result.facts.devices) == set(DEVICES)
    assert {(shot.ref.device, shot.ref.kind) for shot in result.screenshots} == {
        (device, kind) for device in DEVICES for kind in ("fold", "full")
    }
    for facts in result.facts.devices.values():
        assert facts.status_code == 200 and facts.meta.title
        assert facts.layout.horizontal_overflow_px == 0, "the corpus is responsive"
        assert facts.metrics.fcp_ms is not None and facts.metrics.request_count > 1
        ids = [element.id for element in facts.elements()]
        assert len(ids) == len(set(ids)), "element ids are unique"


async def test_same_page_twice_gives_the_same_facts(
    corpus: dict[str, CaptureResult],
    corpus_server: LoopbackServer,
    browser_pool: BrowserPool,
    capture_guard: EgressGuard,
) -> None:
    name = "agency"
    again = await capture(name, corpus_server, browser_pool, capture_guard)
    for device in DEVICES:
        first = corpus[name].facts.devices[device]  # type: ignore[index]
        second = again.facts.devices[device]  # type: ignore[index]
        # Timings and what hit a budget depend on the machine's load; everything measured on the page must not.
        volatile = {"metrics", "timed_out"}
        assert first.model_dump(exclude=volatile) == second.model_dump(exclude=volatile)
        assert first.metrics.request_count == second.metrics.request_count


@pytest.mark.parametrize(
    ("name", "tag", "headline", "logo"),
    [
        ("landing-page", "h1", "Generate more leads with a professional landing page!", "Start Bootstrap"),
        # The hero heading is a div; the navbar logo is an image whose alt ("...") says nothing.
        ("agency", "div", "IT'S NICE TO MEET YOU", ""),
        ("one-page-wonder", "h1", "One Page Wonder", "START BOOTSTRAP"),
        # Its <header> is a short hero band without the navigation: content, not the site header.
        ("shop-homepage", "h1", "Shop in style", "Start Bootstrap"),
    ],
)
@pytest.mark.parametrize("device", DEVICES)
def test_the_most_prominent_text_of_the_first_view(
    corpus: dict[str, CaptureResult], device: str, name: str, tag: str, headline: str, logo: str
) -> None:
    facts = on(corpus, name, device)
    top = facts.first_view.text_blocks[0]
    assert (top.tag, top.text) == (tag, headline)
    assert facts.first_view.logo is not None and facts.first_view.logo.text == logo
    assert not any(heading.brand for heading in facts.headings)
