"""Keeping a page from acting while it is measured: dialogs, popups, navigation away, runaway scripts.

Analysing a site must not change anything on it and must not hang on it. A page may open `alert()`s
(which block its main thread until answered), open windows, navigate elsewhere once loaded (so we would
measure a different document than the one we loaded), or spin in JavaScript forever. Each is handled
here without touching the page's DOM:

- dialogs are dismissed (the "cancel" answer: nothing is confirmed), popups closed as they open;
- after `load`, main-frame document requests are failed at the Fetch stage (CDP `Fetch.requestPaused`,
  documents only, so subresources never take the detour), which also stops form auto-submits and
  meta refreshes; the blocked URLs are kept as evidence;
- a page that does not answer a trivial script gets its JavaScript stopped: CDP
  `Emulation.setScriptExecutionDisabled` (no new page script runs) and `Runtime.terminateExecution`
  (ends the one running). Both are handled by Chromium even while the main thread is busy; our own
  evaluations keep working afterwards.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from playwright.async_api import BrowserContext, CDPSession, Dialog, Page
from playwright.async_api import Error as PlaywrightError

from shared.models.facts import PageBehaviour


class PageContainment:
    """The containment of one page; `behaviour()` reports what the page tried."""

    def __init__(self, context: BrowserContext, page: Page, cdp: CDPSession, max_logged: int) -> None:
        self._page = page
        self._cdp = cdp
        self._max_logged = max_logged
        self._main_frame_id: str | None = None
        self._armed = False
        self._locked = False
        self._frozen = False
        self._dialogs = 0
        self._popups = 0
        self._blocked_navigations: list[str] = []
        self._tasks: set[asyncio.Task[None]] = set()
        page.on("dialog", self._on_dialog)
        context.on("page", self._on_new_page)
        cdp.on("Fetch.requestPaused", self._on_request_paused)
        cdp.on("Page.frameNavigated", self._on_frame_navigated)
        cdp.on("Page.loadEventFired", self._on_load)

    @classmethod
    async def attach(cls, context: BrowserContext, page: Page, *, max_logged: int) -> PageContainment:
        """Takes charge of `page` before it navigates; `max_logged` bounds the blocked URLs kept."""
        cdp = await context.new_cdp_session(page)
        containment = cls(context, page, cdp, max_logged)
        tree = await cdp.send("Page.getFrameTree")
        containment._main_frame_id = tree["frameTree"]["frame"]["id"]
        await cdp.send("Page.enable")
        await cdp.send("Fetch.enable", {"patterns": [{"resourceType": "Document", "requestStage": "Request"}]})
        return containment

    @property
    def cdp(self) -> CDPSession:
        """The page's own DevTools session (screenshots use it directly)."""
        return self._cdp

    @property
    def frozen(self) -> bool:
        return self._frozen

    def lock_navigation(self) -> None:
        """From now on the main frame keeps its document (called when `load` fired or its budget ran out)."""
        self._locked = True

    async def freeze_scripts(self) -> None:
        """Stops the page's JavaScript for good; our own evaluations still run."""
        if self._frozen:
            return
        self._frozen = True
        with contextlib.suppress(PlaywrightError):
            await self._cdp.send("Emulation.setScriptExecutionDisabled", {"value": True})
            await self._cdp.send("Runtime.terminateExecution")

    def behaviour(self) -> PageBehaviour:
        return PageBehaviour(
            dialogs_dismissed=self._dialogs,
            popups_closed=self._popups,
            blocked_navigations=list(self._blocked_navigations),
            scripts_stopped=self._frozen,
        )

    async def close(self, *, detach_timeout_s: float, crashed: bool = False) -> None:
        """Ends the containment; the DevTools session of a crashed page never answers a detach, and goes
        with the page anyway."""
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if not crashed:
            with contextlib.suppress(PlaywrightError, TimeoutError):
                await asyncio.wait_for(self._cdp.detach(), timeout=detach_timeout_s)

    def _spawn(self, coro: Any) -> None:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _on_frame_navigated(self, event: dict[str, Any]) -> None:
        frame = event.get("frame", {})
        # The blank page a new tab starts with fires its own load; only our document's load counts.
        if frame.get("id") == self._main_frame_id and not str(frame.get("url", "")).startswith("about:"):
            self._armed = True

    def _on_load(self, _event: dict[str, Any]) -> None:
        if self._armed:
            self._locked = True

    def _on_dialog(self, dialog: Dialog) -> None:
        self._dialogs += 1
        self._spawn(_quietly(dialog.dismiss()))

    def _on_new_page(self, page: Page) -> None:
        if page is not self._page:
            self._popups += 1
            self._spawn(_quietly(page.close()))

    def _on_request_paused(self, event: dict[str, Any]) -> None:
        request_id = event["requestId"]
        if self._locked and event.get("frameId") == self._main_frame_id:
            if len(self._blocked_navigations) < self._max_logged:
                self._blocked_navigations.append(str(event["request"]["url"])[:500])
            command = self._cdp.send("Fetch.failRequest", {"requestId": request_id, "errorReason": "Aborted"})
        else:
            command = self._cdp.send("Fetch.continueRequest", {"requestId": request_id})
        self._spawn(_quietly(command))


async def _quietly(awaitable: Any) -> None:
    """Runs a fire-and-forget browser command; the target may be gone by then, which is fine."""
    with contextlib.suppress(PlaywrightError):
        await awaitable
