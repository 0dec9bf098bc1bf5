"""Overlays that come late: consent bars, newsletter boxes and chat prompts that scripts add after `load`.

A visitor sees them within seconds of arriving, so a report that misses them misjudges the first view.
The watch runs after the fold screenshot and the scroll through the page, and ends at `overlay_watch_s`
after `load` at the latest; it ends sooner when the page has nothing left that could add one: no request
in flight and no setTimeout callback due before the watch ends (js/activity.js keeps their due times).
Then one look tells whether an overlay that was not there on arrival covers the first view now.
"""

from __future__ import annotations

import asyncio
import time

from shared.capture.page_facts import LATE_OVERLAY_PARTS
from shared.capture.scripts import PageScripts, composed
from shared.capture.traffic import TrafficLog
from shared.config import Settings

POLL_S = 0.1
# Polls in a row with nothing pending before the watch ends early: a response's handler runs just after
# the response arrived, and may be what adds the overlay.
IDLE_POLLS = 2


async def watch_late_overlays(
    scripts: PageScripts, traffic: TrafficLog, settings: Settings, *, loaded_at: float
) -> bool:
    """True when an overlay that was not there on arrival covers the first view by the end of the watch."""
    deadline = loaded_at + settings.overlay_watch_s
    idle = 0
    while (now := time.monotonic()) < deadline and idle < IDLE_POLLS:
        timers = await scripts.run("pending_timers", (deadline - now) * 1000, budget_s=settings.script_budget_s)
        idle = 0 if timers or traffic.in_flight else idle + 1
        await asyncio.sleep(min(POLL_S, max(0.0, deadline - time.monotonic())))
    late = await scripts.evaluate(
        composed("facts", LATE_OVERLAY_PARTS),
        {"maxElements": settings.facts_max_elements},
        budget_s=settings.script_budget_s,
    )
    return bool(late)
