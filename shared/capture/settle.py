"""Settling a page before it is pictured or measured: no loading screen left, no animation half-way.

Published pages fade their sections in (reveal-on-scroll libraries, CSS transitions), show a full-screen
loading screen until `load` and a moment after, and animate their first view; a screenshot taken in the
middle of that shows a dimmed hero or a spinner, and facts taken then see content at opacity 0.

- Contexts emulate `prefers-reduced-motion: reduce` (shared/capture/browser.py), which many sites and
  libraries honour by not animating at all.
- Once the performance measurement window is over (it must see the page's own timing), the page's
  animation timeline is sped up (CDP `Animation.setPlaybackRate`, the control behind DevTools' animation
  speed): CSS transitions and animations and Web Animations then end in a fraction of their time, with
  their own end states and events. Script-driven animations (jQuery's `fadeOut`) keep their pace.
- `settle` then waits, within a budget, until no loading screen covers the first view and no finite
  animation runs (in the first view, or anywhere with `whole_page`); what was still pending when the
  budget ran out is returned for `DeviceFacts.timed_out`.
"""

from __future__ import annotations

import asyncio
import contextlib
import time

from playwright.async_api import CDPSession
from playwright.async_api import Error as PlaywrightError

from shared.capture.page_facts import SETTLE_PROBE_PARTS
from shared.capture.scripts import PageScripts, composed
from shared.settings.capture import CaptureSettings

# 20x: a one-second reveal ends in 50 ms, well inside one settle poll, while every frame of it is still
# computed (a rate so high that animations skip their frames can leave libraries waiting on events).
ANIMATION_PLAYBACK_RATE = 20.0
POLL_S = 0.1


async def speed_up_animations(cdp: CDPSession) -> None:
    with contextlib.suppress(PlaywrightError):
        await cdp.send("Animation.setPlaybackRate", {"playbackRate": ANIMATION_PLAYBACK_RATE})


async def settle(scripts: PageScripts, settings: CaptureSettings, budget_s: float, *, whole_page: bool) -> list[str]:
    """Waits until the view is settled; returns what was still pending at the end of `budget_s`:
    'preloader' (a loading screen covers the first view), 'animations' (finite animations still run)."""
    deadline = time.monotonic() + budget_s
    probe = composed("facts", SETTLE_PROBE_PARTS)
    options = {"wholePage": whole_page, "maxElements": settings.facts_max_elements}
    while True:
        state = await scripts.evaluate(probe, options, budget_s=settings.script_budget_s)
        pending = [name for name, key in (("preloader", "loading"), ("animations", "animations")) if state[key]]
        if not pending or time.monotonic() >= deadline:
            return pending
        await asyncio.sleep(min(POLL_S, max(0.0, deadline - time.monotonic())))
