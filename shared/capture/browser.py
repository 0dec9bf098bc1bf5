"""One Chromium per process, shared by every analysis the process runs.

Launching Chromium costs about a second and a few hundred megabytes, so the process keeps one and gives
each job and device its own `BrowserContext` (own cookies, cache, proxy session): contexts are cheap and
isolate jobs from each other. The browser starts on first use and is started again if it died; a
semaphore bounds how many pages render at once, and a watch (shared/capture/memory_watch.py) how much
memory each of them may take.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import AsyncIterator

from playwright.async_api import Browser, BrowserContext, Playwright, ProxySettings, async_playwright
from playwright.async_api import Error as PlaywrightError

from shared.capture.devices import DeviceProfile
from shared.capture.locate import locate_chromium
from shared.capture.memory_watch import RendererMemoryWatch
from shared.errors import AnalysisError, ErrorCode
from shared.netguard.chromium import CHROMIUM_EGRESS_ARGS
from shared.settings.capture import CaptureSettings


def launch_args() -> list[str]:
    """Chromium flags: the egress pins, plus what a container needs (small /dev/shm)."""
    return [*CHROMIUM_EGRESS_ARGS, "--disable-dev-shm-usage", "--mute-audio", "--hide-scrollbars"]


def _running_as_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


class BrowserPool:
    """One Chromium per process, launched lazily on first use, relaunched if it died; a semaphore
    (settings.max_concurrent_pages) bounds concurrent pages."""

    def __init__(self, settings: CaptureSettings) -> None:
        self._settings = settings
        self._playwright: Playwright | None = None
        self._browser: Browser | None = None
        self._launch_lock = asyncio.Lock()
        self._pages = asyncio.Semaphore(settings.max_concurrent_pages)
        self._closed = False
        self.memory_watch = RendererMemoryWatch(settings.page_memory_budget_mb, settings.memory_watch_interval_s)

    async def browser(self) -> Browser:
        """The running browser, launching (or relaunching after a crash) when needed."""
        async with self._launch_lock:
            if self._closed:
                raise AnalysisError(ErrorCode.internal, "the browser pool is closed")
            if self._browser is not None and self._browser.is_connected():
                return self._browser
            await self._discard_browser()
            try:
                async with asyncio.timeout(self._settings.browser_op_timeout_s):
                    self._browser = await self._launch()
                self.memory_watch.start()
            except (PlaywrightError, TimeoutError, OSError) as exc:
                raise AnalysisError(
                    ErrorCode.browser_crashed,
                    f"Chromium could not be started ({_first_line(exc)}); set CHROMIUM_PATH to a Chromium "
                    "or Chrome executable, or run `playwright install chromium`",
                ) from exc
            return self._browser

    async def _launch(self) -> Browser:
        if self._playwright is not None:
            try:
                return await self._launch_with(self._playwright)
            except PlaywrightError:
                # Playwright's driver process may have died with the browser: start a fresh one once.
                await self._stop_driver()
        self._playwright = await async_playwright().start()
        return await self._launch_with(self._playwright)

    async def _launch_with(self, playwright: Playwright) -> Browser:
        executable = locate_chromium(self._settings)
        return await playwright.chromium.launch(
            executable_path=str(executable) if executable is not None else None,
            headless=True,
            # Chromium refuses its sandbox as root; anyone else keeps it unless the platform cannot give it.
            chromium_sandbox=self._settings.chromium_sandbox and not _running_as_root(),
            args=launch_args(),
            handle_sigint=False,
            handle_sigterm=False,
            handle_sighup=False,
        )

    async def _discard_browser(self) -> None:
        browser, self._browser = self._browser, None
        if browser is not None:
            with contextlib.suppress(PlaywrightError, TimeoutError):
                async with asyncio.timeout(self._settings.browser_op_timeout_s):
                    await browser.close()

    @contextlib.asynccontextmanager
    async def context(self, device: DeviceProfile, proxy: ProxySettings) -> AsyncIterator[BrowserContext]:
        """A fresh context for one job and device, holding a page slot until it is closed."""
        async with self._pages:
            browser = await self.browser()
            major = browser.version.split(".", 1)[0]
            try:
                async with asyncio.timeout(self._settings.browser_op_timeout_s):
                    context = await browser.new_context(
                        viewport={"width": device.width, "height": device.height},
                        screen={"width": device.width, "height": device.height},
                        device_scale_factor=1,
                        is_mobile=device.is_mobile,
                        has_touch=device.has_touch,
                        user_agent=device.user_agent(major),
                        locale="en-US",
                        # Sites and animation libraries that honour it skip their entrance animations, so
                        # the page settles sooner and pictures show it finished (shared/capture/settle.py).
                        reduced_motion="reduce",
                        proxy=proxy,
                        # A first visit: no service worker answering from a previous one, nothing saved.
                        service_workers="block",
                        accept_downloads=False,
                    )
            except (PlaywrightError, TimeoutError) as exc:
                raise AnalysisError(
                    ErrorCode.browser_crashed, f"Chromium could not open a page ({_first_line(exc)})"
                ) from exc
            try:
                yield context
            finally:
                with contextlib.suppress(PlaywrightError, TimeoutError):
                    async with asyncio.timeout(self._settings.browser_op_timeout_s):
                        await context.close()

    async def check(self) -> bool:
        """Readiness: the browser is running, or can be started now."""
        try:
            browser = await self.browser()
        except AnalysisError:
            return False
        return browser.is_connected()

    async def close(self) -> None:
        """Stops the browser and the Playwright driver; safe to call twice."""
        async with self._launch_lock:
            self._closed = True
            await self.memory_watch.stop()
            await self._discard_browser()
            await self._stop_driver()

    async def _stop_driver(self) -> None:
        playwright, self._playwright = self._playwright, None
        if playwright is not None:
            with contextlib.suppress(PlaywrightError, OSError):
                await playwright.stop()


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0][:300]
