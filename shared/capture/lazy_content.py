"""Giving lazy content its chance before the full-page screenshot: scroll through, then let the network settle.

Lazy images (native `loading=lazy` or IntersectionObserver based) load only near the viewport; without
this the lower half of a full-page screenshot is placeholders. Bounded by `lazy_scroll_budget_s` as a
whole and by the screenshot height cap; skipped on a page whose JavaScript was stopped (nothing would
react to the scroll).
"""

from __future__ import annotations

import math
import time

from shared.capture.scripts import PageScripts
from shared.capture.traffic import TrafficLog
from shared.config import Settings

_BACK_TO_TOP = "window.scrollTo({top: 0, left: 0, behavior: 'instant'})"


async def trigger_lazy_content(
    scripts: PageScripts, traffic: TrafficLog, settings: Settings, viewport_height: int
) -> bool:
    """Scrolls through the page and waits for quiet; False when the budget ran out first."""
    budget = settings.lazy_scroll_budget_s
    if budget <= 0:
        return True
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
        # Leave the page at its top for the full-page screenshot, as a visitor would find it.
        await scripts.evaluate(_BACK_TO_TOP, budget_s=settings.script_budget_s, stop_page=False)
        return False
    remaining = budget - (time.monotonic() - started)
    return await traffic.wait_quiet(settings.network_quiet_ms / 1000, max(0.0, remaining))
