"""One page on one device, in the order ARCHITECTURE.md section 6 gives, every step within a budget.

navigate (first response) -> `load` (budget) -> is the page responsive? -> network quiet (budget) -> first
contentful paint (budget: a busy machine paints late) ->
performance reading (the end of the measurement window: up to here the page runs under the device's
measurement conditions, shared/capture/throttling.py, lifted now) -> settle: animations sped up, loading
screen gone, first-view animations ended (budget) -> fold screenshot as the visitor sees it -> scroll through
for lazy and reveal-on-scroll content (budget) -> watch for late overlays (budget; the fold screenshot is
taken again when one came) -> facts (overlays measured, then hidden) -> full-page screenshot
(height-capped) beside axe-core -> capture quality.

What ran out of budget is recorded in `DeviceFacts.timed_out` and the capture goes on with what the page
has by then: a slow third party must not cost the analysis. Only a page that cannot be measured at all
(facts unreadable, screenshots impossible) fails the capture.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Iterator
from dataclasses import dataclass, field
from typing import TypeVar

from playwright.async_api import BrowserContext, Page
from playwright.async_api import Error as PlaywrightError

from shared.capture.axe_audit import inject_axe, run_axe
from shared.capture.browser import BrowserPool
from shared.capture.containment import PageContainment
from shared.capture.devices import DeviceProfile
from shared.capture.metrics import PerformanceReading, build_metrics, read_performance, wait_first_paint
from shared.capture.navigation import document_too_large, open_document, wait_for_load
from shared.capture.overlay_watch import late_overlays, watch_for_overlays
from shared.capture.page_facts import ARRIVAL_PARTS, collect_facts
from shared.capture.quality import assess_quality
from shared.capture.result import ScreenshotImage
from shared.capture.screenshots import fold_screenshot, full_page_screenshot
from shared.capture.scripts import PageScripts, composed, script
from shared.capture.scroll_through import scroll_through
from shared.capture.settle import settle, speed_up_animations
from shared.capture.throttling import Throttle, conditions_for, window_budgets
from shared.capture.traffic import TrafficLog
from shared.errors import AnalysisError, ErrorCode
from shared.models.facts import AxeViolation, DeviceFacts
from shared.netguard.chromium import context_proxy
from shared.netguard.egress import EgressGuard, GuardSession
from shared.netguard.policy import MAX_URL_LENGTH
from shared.settings.capture import CaptureSettings

T = TypeVar("T")

_GONE_MARKS = ("has been closed", "Target closed", "crashed", "Browser closed", "Connection closed")


@dataclass(frozen=True)
class DeviceCapture:
    facts: DeviceFacts
    screenshots: list[ScreenshotImage]
    timings_ms: dict[str, float] = field(default_factory=dict)


async def capture_device(
    url: str, device: DeviceProfile, *, browser: BrowserPool, guard: EgressGuard, settings: CaptureSettings
) -> DeviceCapture:
    """Captures `url` on `device` in a fresh context whose every connection passes the egress guard."""
    started = time.perf_counter()
    since = time.monotonic()
    async with guard.session() as session, browser.context(device, context_proxy(session)) as context:
        crashed = asyncio.Event()
        try:
            for name in ("no_webrtc", "perf_observer", "activity"):
                await context.add_init_script(script=script(name))
            page = await context.new_page()
            page.on("crash", lambda _page: crashed.set())
            containment = await PageContainment.attach(context, page, max_logged=settings.max_logged_events)
            throttle = await Throttle.attach(context, page, conditions_for(device.name, settings))
            traffic = TrafficLog(page, session, settings.max_logged_events)
            run = _DeviceRun(page, device, settings, session, containment, throttle, traffic)
            run.timings[f"capture.{device.name}.open"] = _ms_since(started)
            try:
                captured = await _unless_crashed(run.capture(url), crashed)
            finally:
                traffic.close()
                await throttle.close(detach_timeout_s=settings.browser_op_timeout_s, crashed=crashed.is_set())
                await containment.close(detach_timeout_s=settings.browser_op_timeout_s, crashed=crashed.is_set())
            closing = time.perf_counter()
        except (PlaywrightError, _PageCrashed) as exc:
            if crashed.is_set() and browser.memory_watch.killed_since(since):
                raise AnalysisError(
                    ErrorCode.resource_limit,
                    f"the page used more than {browser.memory_watch.budget_mb:,} MB of memory and was stopped",
                    details={"budget_mb": browser.memory_watch.budget_mb},
                ) from exc
            if isinstance(exc, _PageCrashed):
                raise AnalysisError(ErrorCode.browser_crashed, "the browser crashed while rendering the page") from exc
            raise _browser_failure(exc, context, crashed=crashed.is_set()) from exc
        except TimeoutError as exc:
            raise AnalysisError(
                ErrorCode.capture_timeout,
                f"the page could not be measured on {device.name}: the browser did not answer in time, "
                "even with the page's JavaScript stopped",
            ) from exc
    captured.timings_ms[f"capture.{device.name}.close"] = _ms_since(closing)
    return captured


class _PageCrashed(Exception):  # noqa: N818 - an event, raised only to leave the capture
    """The page's renderer died while the capture waited on it."""


async def _unless_crashed(work: Awaitable[T], crashed: asyncio.Event) -> T:
    """`work`, abandoned the moment the page crashes: a dead renderer answers nothing, and what waits for
    it (the load event, a quiet network) would otherwise wait out its whole budget."""
    task = asyncio.ensure_future(work)
    watch = asyncio.ensure_future(crashed.wait())
    try:
        await asyncio.wait({task, watch}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        watch.cancel()
        if not task.done():
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
    if task.cancelled():
        raise _PageCrashed
    return task.result()


class _DeviceRun:
    def __init__(
        self,
        page: Page,
        device: DeviceProfile,
        settings: CaptureSettings,
        session: GuardSession,
        containment: PageContainment,
        throttle: Throttle,
        traffic: TrafficLog,
    ) -> None:
        self.page = page
        self.device = device
        self.settings = settings
        self.session = session
        self.containment = containment
        self.throttle = throttle
        self.traffic = traffic
        self.scripts = PageScripts(page, containment)
        self.timed_out: list[str] = []
        self.timings: dict[str, float] = {}

    @contextlib.contextmanager
    def _stage(self, name: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.timings[f"capture.{self.device.name}.{name}"] = _ms_since(started)

    async def _timed(self, name: str, work: Awaitable[T]) -> T:
        with self._stage(name):
            return await work

    async def capture(self, url: str) -> DeviceCapture:
        settings, scripts = self.settings, self.scripts
        conditions = self.throttle.conditions
        budgets = window_budgets(conditions, settings)
        await self.throttle.apply()
        with self._stage("navigate"):
            response = await open_document(
                self.page, url, traffic=self.traffic, session=self.session, settings=settings
            )
        with self._stage("load"):
            if not await wait_for_load(self.page, budgets.load_s):
                self.timed_out.append("load")
            loaded_at = time.monotonic()
            self.containment.lock_navigation()
            if not await scripts.responsive(budgets.responsiveness_probe_s):
                self.timed_out.append("script")
        with self._stage("network_quiet"):
            # axe's half megabyte of script is parsed while the network settles, when the page is idle
            # anyway; not under throttling, where that long task would land in the measured blocking time.
            quiet, axe_ready = await asyncio.gather(
                self.traffic.wait_quiet(budgets.quiet_window_s, budgets.network_quiet_s),
                self._inject_axe() if not conditions.throttled else asyncio.sleep(0, result=False),
            )
            if not quiet:
                self.timed_out.append("network_quiet")
        with self._stage("metrics"):
            if not self.containment.frozen and not await wait_first_paint(
                scripts, budgets.first_paint_s, budgets.metrics_s
            ):
                self.timed_out.append("first_paint")
            reading = await self._performance(budgets.metrics_s)
            await self.throttle.lift(self.containment, settings.script_budget_s)
        if conditions.throttled:
            axe_ready = await self._timed("axe_inject", self._inject_axe())
        with self._stage("settle"):
            await speed_up_animations(self.containment.cdp)
            self._ran_out(await settle(scripts, settings, settings.settle_budget_s, whole_page=False))
        with self._stage("fold_screenshot"):
            await scripts.evaluate(
                composed("facts", ARRIVAL_PARTS),
                {"maxElements": settings.facts_max_elements},
                budget_s=settings.script_budget_s,
            )
            fold = await fold_screenshot(self.containment, self.device.name, settings)
        with self._stage("lazy_content"):
            if self.containment.frozen:
                self.timed_out.append("lazy_content")
            else:
                self._ran_out(await scroll_through(scripts, self.traffic, settings, self.device.height))
        with self._stage("overlay_watch"):
            if not self.containment.frozen:
                await watch_for_overlays(scripts, self.traffic, settings, loaded_at=loaded_at)
                self._ran_out(await settle(scripts, settings, settings.settle_budget_s, whole_page=False))
                if await late_overlays(scripts, settings):
                    fold = await fold_screenshot(self.containment, self.device.name, settings)
        with self._stage("facts"):
            collected = await collect_facts(scripts, self.device, settings)
        # The picture is painted and encoded by Chromium's compositor and browser process while axe's checks
        # run on the page's main thread: side by side they take little more than the longer of the two.
        full, a11y = await asyncio.gather(
            self._timed("full_screenshot", full_page_screenshot(self.containment, self.device.name, settings)),
            self._timed("axe", self._axe(axe_ready)),
        )
        await self.traffic.settle(settings.script_budget_s)

        main = self.traffic.main_responses[-1] if self.traffic.main_responses else response
        # The page may rewrite its own address (history.replaceState) to megabytes: kept as long as a URL may be.
        url = self.page.url[:MAX_URL_LENGTH]
        own_requests, own_failed = self.traffic.origin_counts(url)
        facts = DeviceFacts(
            device=self.device.name,
            url=url,
            status_code=main.status,
            content_type=main.headers.get("content-type"),
            headings=collected.headings,
            first_view=collected.first_view,
            ctas=collected.ctas,
            controls=collected.controls,
            forms=collected.forms,
            images=collected.images,
            trust=collected.trust,
            copy_blocks=collected.copy_blocks,
            navigation=collected.navigation,
            meta=collected.meta,
            text=collected.text,
            overlays=collected.overlays,
            layout=collected.layout,
            metrics=build_metrics(reading, self.traffic, collected.dom_nodes, conditions),
            a11y=a11y,
            timed_out=self.timed_out,
            truncated=full.ref.truncated,
            behaviour=self.containment.behaviour(),
            quality=assess_quality(fold.png, own_requests=own_requests, own_failed=own_failed, settings=settings),
        )
        return DeviceCapture(facts=facts, screenshots=[fold, full], timings_ms=self.timings)

    def _ran_out(self, waits: list[str]) -> None:
        self.timed_out.extend(wait for wait in waits if wait not in self.timed_out)

    async def _performance(self, budget_s: float) -> PerformanceReading | None:
        try:
            reading = await read_performance(self.scripts, budget_s)
        except TimeoutError:
            self.timed_out.append("metrics")
            return None
        if reading.document_bytes > self.settings.max_document_bytes:
            raise document_too_large(reading.document_bytes, self.settings)
        return reading

    async def _inject_axe(self) -> bool:
        # axe schedules its work with timers, which a page with its JavaScript stopped never runs.
        if not self.settings.axe_enabled or self.containment.frozen:
            return False
        try:
            await inject_axe(self.scripts, self.settings.axe_budget_s)
        except TimeoutError:
            return False
        return True

    async def _axe(self, ready: bool) -> list[AxeViolation]:
        if not self.settings.axe_enabled:
            return []
        if not ready or self.containment.frozen:
            self.timed_out.append("axe")
            return []
        try:
            return await run_axe(self.scripts, self.settings.axe_budget_s)
        except TimeoutError:
            self.timed_out.append("axe")
            return []


def _ms_since(mark: float) -> float:
    return round((time.perf_counter() - mark) * 1000, 1)


def _browser_failure(exc: PlaywrightError, context: BrowserContext, *, crashed: bool) -> AnalysisError:
    text = (exc.message or str(exc)).splitlines()[0][:300]
    browser = context.browser
    # Capture never closes its own page or context while it runs, so "closed" means Chromium (or the
    # page's renderer) went away; Playwright may report that before it marks the browser disconnected.
    gone = browser is None or not browser.is_connected() or any(mark in text for mark in _GONE_MARKS)
    if crashed or gone:
        return AnalysisError(
            ErrorCode.browser_crashed,
            "the browser crashed while rendering the page" if crashed else f"the browser process died ({text})",
        )
    return AnalysisError(ErrorCode.internal, f"the browser failed while measuring the page: {text}")
