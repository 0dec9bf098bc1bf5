"""Capture on pages that move: reveal-on-scroll content, loading screens, fading heroes, late consent bars,
and a capture whose own files never arrive (tests/pages/settle/, each page says what it does).

Every page is captured on both devices through `capture_page`, in real Chromium behind the egress guard;
the fold screenshots are read back pixel by pixel where what a visitor sees is the point.
"""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from PIL import Image

from harness.servers import LoopbackServer
from shared.capture.browser import BrowserPool
from shared.capture.devices import PROFILES
from shared.capture.page_capture import capture_page
from shared.capture.result import CaptureResult
from shared.models.facts import DEVICES
from shared.netguard.chromium import context_proxy
from shared.netguard.egress import EgressGuard
from shared.rules import evaluate
from shared.rules.degraded import report_quality
from tests.support.browser import quick_settings

pytestmark = pytest.mark.browser

PRELOADER_RGB = (30, 40, 200)
CONSENT_RGB = (200, 0, 150)
HERO_RGB = (10, 120, 60)

Capture = Callable[..., "CaptureResult"]


async def capture(
    name: str, server: LoopbackServer, browser: BrowserPool, guard: EgressGuard, **overrides: object
) -> CaptureResult:
    return await capture_page(
        server.url(f"/settle/{name}"),
        DEVICES,
        browser=browser,
        guard=guard,
        settings=quick_settings(server, **overrides),
    )


def share_of(png: bytes, rgb: tuple[int, int, int], tolerance: int = 12) -> float:
    with Image.open(io.BytesIO(png)) as image:
        pixels = list(image.convert("RGB").reduce(4).get_flattened_data())
    close = sum(1 for pixel in pixels if all(abs(a - b) <= tolerance for a, b in zip(pixel, rgb, strict=True)))
    return close / len(pixels)


def fold(result: CaptureResult, device: str) -> bytes:
    shot = result.screenshot(device, "fold")  # type: ignore[arg-type]
    assert shot is not None
    return shot.png


async def test_contexts_ask_for_reduced_motion(browser_pool: BrowserPool, capture_guard: EgressGuard) -> None:
    async with (
        capture_guard.session() as session,
        browser_pool.context(PROFILES["mobile"], context_proxy(session)) as ctx,
    ):
        page = await ctx.new_page()
        assert await page.evaluate("matchMedia('(prefers-reduced-motion: reduce)').matches")


async def test_reveal_on_scroll_content_is_on_the_page(
    browser_pool: BrowserPool, capture_guard: EgressGuard, hostile_server: LoopbackServer
) -> None:
    result = await capture("reveal.html", hostile_server, browser_pool, capture_guard)
    for device, facts in result.facts.devices.items():
        testimonials = [signal for signal in facts.trust if signal.kind == "testimonial"]
        assert len(testimonials) == 2 and all(signal.visible for signal in testimonials), device
        # The IntersectionObserver reveal fired while capture scrolled through: shown for real.
        assert not any(signal.transparent for signal in testimonials)
        (cta,) = [cta for cta in facts.ctas if cta.text == "Start my free trial"]
        # The attribute-driven reveal never fired; the call to action is still on the page, at opacity 0.
        assert cta.visible and cta.transparent and cta.contrast_ratio is not None
    assert "trust.social_proof_missing" not in {finding.rule for finding in evaluate(result.facts)}


async def test_a_loading_screen_that_goes_is_waited_for_and_not_an_overlay(
    browser_pool: BrowserPool, capture_guard: EgressGuard, hostile_server: LoopbackServer
) -> None:
    result = await capture("preloader.html", hostile_server, browser_pool, capture_guard)
    for device, facts in result.facts.devices.items():
        assert facts.overlays == [] and "preloader" not in facts.timed_out, device
        assert share_of(fold(result, device), PRELOADER_RGB) < 0.01, f"{device} fold shows the loading screen"
    assert "overlay.blocks_first_view" not in {finding.rule for finding in evaluate(result.facts)}


async def test_a_loading_screen_that_stays_is_reported(
    browser_pool: BrowserPool, capture_guard: EgressGuard, hostile_server: LoopbackServer
) -> None:
    result = await capture("stuck-preloader.html", hostile_server, browser_pool, capture_guard, settle_budget_s=0.5)
    for device, facts in result.facts.devices.items():
        (overlay,) = facts.overlays
        assert (overlay.kind, overlay.position, overlay.coverage, overlay.dismissible) == (
            "preloader",
            "full",
            1,
            False,
        )
        assert "preloader" in facts.timed_out, device
    (finding,) = [f for f in evaluate(result.facts) if f.rule == "overlay.blocks_first_view"]
    assert finding.severity == "high" and "loading screen covers 100%" in finding.detail


async def test_the_fold_screenshot_waits_for_the_hero_to_fade_in(
    browser_pool: BrowserPool, capture_guard: EgressGuard, hostile_server: LoopbackServer
) -> None:
    result = await capture("fade-hero.html", hostile_server, browser_pool, capture_guard)
    for device in DEVICES:
        # The 3 s fade ended (sped up) before the shot: the hero shows its colour, not a tint of it.
        assert share_of(fold(result, device), HERO_RGB, tolerance=6) > 0.3, device
        assert "animations" not in result.facts.devices[device].timed_out


async def test_a_consent_bar_that_comes_late_is_measured_and_pictured(
    browser_pool: BrowserPool, capture_guard: EgressGuard, hostile_server: LoopbackServer
) -> None:
    result = await capture("late-consent.html", hostile_server, browser_pool, capture_guard, overlay_watch_s=4.0)
    for device, facts in result.facts.devices.items():
        (overlay,) = facts.overlays
        assert (overlay.kind, overlay.position, overlay.late, overlay.dismissible) == (
            "cookie_banner",
            "bottom",
            True,
            True,
        ), device
        assert share_of(fold(result, device), CONSENT_RGB) > 0.05, f"{device} fold misses the late bar"


async def test_a_capture_whose_own_files_fail_is_degraded_retried_and_held_back(
    browser_pool: BrowserPool, capture_guard: EgressGuard, hostile_server: LoopbackServer
) -> None:
    result = await capture("broken-own.html", hostile_server, browser_pool, capture_guard)
    for device, facts in result.facts.devices.items():
        quality = facts.quality
        assert quality.status == "degraded" and quality.retried, device
        assert set(quality.reasons) == {"blank_fold", "own_requests_failed"}
        assert quality.own_requests_failed >= 3 and quality.fold_uniform_share == 1.0
    rules = {finding.rule for finding in evaluate(result.facts)}
    # The white first view says nothing about the page: no "no call to action", no "no value proposition".
    assert not rules & {"cta.missing_above_fold", "content.value_prop_unclear", "tech.broken_resources"}
    summary = report_quality(result.facts)
    assert summary.status == "degraded" and "cta.missing_above_fold" in summary.suppressed_rules
    assert any(reason.startswith("mobile: the first view rendered as one flat colour") for reason in summary.reasons)


async def test_timings_are_read_after_a_first_paint_that_comes_late(
    browser_pool: BrowserPool, capture_guard: EgressGuard, hostile_server: LoopbackServer
) -> None:
    result = await capture("late-paint.html", hostile_server, browser_pool, capture_guard)
    for device, facts in result.facts.devices.items():
        # Painted 1.2 s after load, long after the 200 ms quiet window: read then, not before it.
        assert facts.metrics.fcp_ms is not None and facts.metrics.lcp_ms is not None, device
        assert facts.metrics.fcp_ms >= 1200 and "first_paint" not in facts.timed_out, device


async def test_a_page_that_never_paints_is_read_when_the_wait_runs_out(
    browser_pool: BrowserPool, capture_guard: EgressGuard, hostile_server: LoopbackServer
) -> None:
    result = await capture("broken-own.html", hostile_server, browser_pool, capture_guard, first_paint_budget_s=0.3)
    for device, facts in result.facts.devices.items():
        assert facts.metrics.fcp_ms is None and "first_paint" in facts.timed_out, device
