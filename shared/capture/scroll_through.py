"""Scrolling through the page before its facts are read and its full length pictured.

Two kinds of content wait for the visitor to scroll: lazy images (native `loading=lazy` or
IntersectionObserver based), which stay placeholders until they come near the viewport, and reveal-on-scroll
sections (AOS, WOW.js, GSAP ScrollTrigger, hand-written IntersectionObserver reveals), which stay at
opacity 0 until they scroll into view. Without this the facts miss testimonials and pricing buttons and
the lower half of a full-page screenshot is blank. The scroll goes one viewport per frame to the height
cap and back to the top, then the network is given its quiet window and the animations the scroll
started their end, all within `lazy_scroll_budget_s`. Skipped on a page whose JavaScript was stopped
(nothing would react to the scroll).
"""

from __future__ import annotations

import math
import time

from shared.capture.scripts import PageScripts
from shared.capture.settle import settle
from shared.capture.traffic import TrafficLog
from shared.settings.capture import CaptureSettings

_BACK_TO_TOP = "window.scrollTo({top: 0, left: 0, behavior: 'instant'})"


async def scroll_through(
    scripts: PageScripts, traffic: TrafficLog, settings: CaptureSettings, viewport_height: int
) -> list[str]:
    """Scrolls through the page and lets it settle; returns the waits that ran out ('lazy_content',
    'animations')."""
    budget = settings.lazy_scroll_budget_s
    if budget <= 0:
        return []
    started = time.monotonic()
    max_steps = math.ceil(settings.full_page_max_height_px / viewport_height)
    try:
        await scripts.run(
            "lazy_scroll",
            {"maxHeight": settings.full_page_max_height_px, "maxSteps": max_steps},
            budget_s=budget,
            stop_page=False,
        )
    except TimeoutError:
        # Leave the page at its top for the facts and the full-page screenshot, as a visitor would find it.
        await scripts.evaluate(_BACK_TO_TOP, budget_s=settings.script_budget_s, stop_page=False)
        return ["lazy_content"]
    quiet = await traffic.wait_quiet(settings.network_quiet_ms / 1000, max(0.0, budget - (time.monotonic() - started)))
    pending = await settle(scripts, settings, max(0.0, budget - (time.monotonic() - started)), whole_page=True)
    return ([] if quiet else ["lazy_content"]) + pending
