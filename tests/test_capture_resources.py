"""Pages that try to take the machine: memory they allocate, screenshots they inflate. Each is bounded
from outside the page, the device fails with a clear code or the picture is capped, and Chromium lives on.
"""

from __future__ import annotations

import io
from collections.abc import AsyncIterator

import pytest
from PIL import Image

from harness.servers import LoopbackServer
from shared.capture.browser import BrowserPool
from shared.capture.page_capture import capture_page
from shared.errors import AnalysisError, ErrorCode
from shared.netguard.egress import EgressGuard
from shared.netguard.policy import MAX_URL_LENGTH
from tests.support.browser import quick_settings, renderer_rss_bytes

pytestmark = pytest.mark.browser

BUDGET_MB = 512


@pytest.fixture(scope="module")
async def small_budget_pool() -> AsyncIterator[BrowserPool]:
    pool = BrowserPool(quick_settings(page_memory_budget_mb=BUDGET_MB, memory_watch_interval_s=0.1))
    yield pool
    await pool.close()


async def test_a_page_over_its_memory_budget_is_stopped_and_the_browser_survives(
    small_budget_pool: BrowserPool, capture_guard: EgressGuard, hostile_server: LoopbackServer
) -> None:
    settings = quick_settings(hostile_server, page_memory_budget_mb=BUDGET_MB)
    with pytest.raises(AnalysisError) as raised:
        await capture_page(
            hostile_server.url("/hostile/memory-hog.html"),
            ("desktop",),
            browser=small_budget_pool,
            guard=capture_guard,
            settings=settings,
        )
    assert raised.value.code is ErrorCode.resource_limit and raised.value.permanent
    assert f"more than {BUDGET_MB} MB" in raised.value.message
    # The same Chromium goes on analysing.
    browser = await small_budget_pool.browser()
    assert browser.is_connected()
    after = await capture_page(
        hostile_server.url("/settle/fade-hero.html"),
        ("desktop",),
        browser=small_budget_pool,
        guard=capture_guard,
        settings=settings,
    )
    assert after.facts.devices["desktop"].headings
    assert max(renderer_rss_bytes(), default=0) < 2 * BUDGET_MB * 2**20


async def test_a_page_lying_about_its_size_gets_a_capped_screenshot(
    browser_pool: BrowserPool, capture_guard: EgressGuard, hostile_server: LoopbackServer
) -> None:
    settings = quick_settings(hostile_server)
    result = await capture_page(
        hostile_server.url("/hostile/lying-size.html"),
        ("desktop",),
        browser=browser_pool,
        guard=capture_guard,
        settings=settings,
    )
    full = result.screenshot("desktop", "full")
    assert full is not None
    with Image.open(io.BytesIO(full.png)) as image:
        width, height = image.size
    assert (width, height) == (full.ref.width, full.ref.height)
    assert width <= settings.full_page_max_width_px and height <= settings.full_page_max_height_px
    assert width * height <= settings.screenshot_max_pixels
    assert width == 1440, "the layout viewport's width, as Chromium measures it, not what the page claims"


async def test_every_string_from_the_page_is_clipped(
    browser_pool: BrowserPool, capture_guard: EgressGuard, hostile_server: LoopbackServer
) -> None:
    settings = quick_settings(hostile_server)
    result = await capture_page(
        hostile_server.url("/hostile/long-strings.html"),
        ("desktop",),
        browser=browser_pool,
        guard=capture_guard,
        settings=settings,
    )
    facts = result.facts.devices["desktop"]
    assert len(facts.images) == len(facts.forms[0].fields) == settings.facts_max_elements

    def strings(value: object) -> list[str]:
        if isinstance(value, str):
            return [value]
        if isinstance(value, dict):
            return [text for item in value.values() for text in strings(item)]
        if isinstance(value, list):
            return [text for item in value for text in strings(item)]
        return []

    longest = max(strings(facts.model_dump(exclude={"text"})), key=len)
    assert len(longest) == settings.facts_max_text_chars and longest.endswith("…")
    assert len(facts.model_dump_json()) < 2_000_000, "200 elements x 100 KB x 5 attributes would be ~100 MB"


async def test_an_address_rewritten_to_megabytes_is_kept_as_long_as_a_url_may_be(
    browser_pool: BrowserPool, capture_guard: EgressGuard, hostile_server: LoopbackServer
) -> None:
    result = await capture_page(
        hostile_server.url("/hostile/long-url.html"),
        ("desktop", "mobile"),
        browser=browser_pool,
        guard=capture_guard,
        settings=quick_settings(hostile_server),
    )
    assert len(result.facts.final_url) == MAX_URL_LENGTH
    assert all(len(facts.url) == MAX_URL_LENGTH for facts in result.facts.devices.values())
