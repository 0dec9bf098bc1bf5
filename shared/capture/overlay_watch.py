"""Overlays that come late: consent bars, newsletter boxes and chat prompts that scripts add after `load`.

A visitor sees them within seconds of arriving, so a report that misses them misjudges the first view.
The watch runs after the fold screenshot and the scroll through the page, and ends at `overlay_watch_s`
after `load` at the latest; it ends sooner when the page has nothing left that could add one: no request
in flight, no setTimeout callback due before the watch ends, and no DOM change for a poll (js/activity.js
keeps both). Then, the view settled, one look tells whether an overlay that was not there on arrival
covers the first view now.
"""

from __future__ import annotations

import asyncio
import time

from shared.capture.page_facts import LATE_OVERLAY_PARTS
from shared.capture.scripts import PageScripts, composed
from shared.capture.traffic import TrafficLog
from shared.settings.capture import CaptureSettings

POLL_S = 0.1


async def watch_for_overlays(
    scripts: PageScripts, traffic: TrafficLog, settings: CaptureSettings, *, loaded_at: float
) -> None:
    """Waits while the page may still add an overlay, until `overlay_watch_s` after load at the latest."""
    deadline = loaded_at + settings.overlay_watch_s
    while (now := time.monotonic()) < deadline:
        state = await scripts.run("activity_state", (deadline - now) * 1000, budget_s=settings.script_budget_s)
        # A response's handler runs just after the response arrived, a shown bar is slid in a frame after it
        # was added: the network and the DOM must have been idle for a poll, not only be idle now.
        if not state["timers"] and traffic.idle_for() >= POLL_S and state["quietMs"] >= POLL_S * 1000:
            break
        await asyncio.sleep(min(POLL_S, max(0.0, deadline - time.monotonic())))


async def late_overlays(scripts: PageScripts, settings: CaptureSettings) -> bool:
    """True when an overlay that was not there on arrival covers the first view now."""
    late = await scripts.evaluate(
        composed("facts", LATE_OVERLAY_PARTS),
        {"maxElements": settings.facts_max_elements},
        budget_s=settings.script_budget_s,
    )
    return bool(late)
