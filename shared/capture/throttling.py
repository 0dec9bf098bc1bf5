"""The network and CPU a device's load is measured under: Lighthouse's conditions, applied as DevTools does.

Lighthouse's performance curves (shared/rules/lighthouse.py) are calibrated on loads under its own
conditions; figures from a fast, unthrottled machine scored on them come out systematically too good. So
the load and the measurement window (navigate -> load -> network quiet -> performance reading) run under
the device's conditions, applied with CDP on the page (`Network.emulateNetworkConditions`,
`Emulation.setCPUThrottlingRate`), and everything after them (screenshots, scroll-through, facts, axe) at
full speed: those are not speed measurements, and a 4x slower CPU would only make them 4x longer.

The constants are Lighthouse 12's (npm `lighthouse@12.8.2`, `core/config/constants.js` re-exports
`throttling` from Lantern: `@paulirish/trace_engine@0.0.59`,
`models/trace/lantern/simulation/Constants.js`):

    DEVTOOLS_RTT_ADJUSTMENT_FACTOR = 3.75, DEVTOOLS_THROUGHPUT_ADJUSTMENT_FACTOR = 0.9
    mobileSlow4G:   rttMs 150, throughputKbps 1.6 * 1024, upload 750 kbps, cpuSlowdownMultiplier 4;
                    requestLatencyMs = 150 * 3.75 = 562.5, downloadThroughputKbps = 1638.4 * 0.9 = 1474.56,
                    uploadThroughputKbps = 750 * 0.9 = 675
    desktopDense4G: rttMs 40, throughputKbps 10 * 1024, cpuSlowdownMultiplier 1;
                    requestLatencyMs, downloadThroughputKbps, uploadThroughputKbps 0 ("unset")

Lighthouse's default is to *simulate* these conditions (Lantern) on an unthrottled trace; its `devtools`
method applies the DevTools values above, which is what a browser we drive can do. For desktop Lighthouse
leaves the DevTools values unset (a DevTools-throttled desktop run is not throttled at all); we apply the
DevTools equivalents of its simulated RTT and throughput by the same two factors its mobile preset uses
(150 ms per request, 9,216 kbps down, upload uncapped as Lighthouse gives it no figure), so the desktop
curves, too, meet figures measured under the conditions they stand for.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
from dataclasses import dataclass

from playwright.async_api import BrowserContext, CDPSession, Page
from playwright.async_api import Error as PlaywrightError

from shared.capture.containment import PageContainment
from shared.models.facts import Device
from shared.models.speed import ConditionsProfile, MeasurementConditions
from shared.settings.capture import CaptureSettings

DEVTOOLS_RTT_ADJUSTMENT_FACTOR = 3.75
DEVTOOLS_THROUGHPUT_ADJUSTMENT_FACTOR = 0.9

# The stages of shared/capture/device_capture.py that run under the device's conditions.
THROTTLED_STAGES = ("navigate", "load", "network_quiet", "metrics")


@dataclass(frozen=True)
class LighthousePreset:
    """A Lighthouse `throttling` preset as it simulates it; `upload_kbps` None where Lighthouse gives none."""

    profile: ConditionsProfile
    rtt_ms: float
    throughput_kbps: float
    upload_kbps: float | None
    cpu_slowdown: float

    def devtools(self) -> MeasurementConditions:
        """What DevTools applies for this preset (Lighthouse's requestLatencyMs and throughput fields)."""
        upload = 0.0 if self.upload_kbps is None else self.upload_kbps * DEVTOOLS_THROUGHPUT_ADJUSTMENT_FACTOR
        return MeasurementConditions(
            profile=self.profile,
            request_latency_ms=self.rtt_ms * DEVTOOLS_RTT_ADJUSTMENT_FACTOR,
            download_kbps=self.throughput_kbps * DEVTOOLS_THROUGHPUT_ADJUSTMENT_FACTOR,
            upload_kbps=upload,
            cpu_slowdown=self.cpu_slowdown,
        )


MOBILE_SLOW_4G = LighthousePreset(
    "lighthouse-mobile", rtt_ms=150, throughput_kbps=1.6 * 1024, upload_kbps=750, cpu_slowdown=4
)
DESKTOP_DENSE_4G = LighthousePreset(
    "lighthouse-desktop", rtt_ms=40, throughput_kbps=10 * 1024, upload_kbps=None, cpu_slowdown=1
)
PRESETS: dict[Device, LighthousePreset] = {"mobile": MOBILE_SLOW_4G, "desktop": DESKTOP_DENSE_4G}

UNTHROTTLED = MeasurementConditions()


def conditions_for(device: Device, settings: CaptureSettings) -> MeasurementConditions:
    """The conditions `device` is measured under (MOBILE_THROTTLING / DESKTOP_THROTTLING)."""
    mode = settings.mobile_throttling if device == "mobile" else settings.desktop_throttling
    if mode == "none":
        return UNTHROTTLED
    return PRESETS[device].devtools().model_copy(update={"throttled_stages": list(THROTTLED_STAGES)})


@dataclass(frozen=True)
class WindowBudgets:
    """The waits of the measurement window under `conditions`: a throttled page is given the time a phone
    would take, its longer load, and main-thread work `cpu_slowdown` times longer before our scripts count
    it as unresponsive (and stop it).

    The quiet window after `load` grows by the same factor: what a page does once loaded (a preloader
    fading out, then the hero painted) runs that much slower, and a window of the unthrottled length ended
    the measurement before such a largest paint (2 s after `load` on a corpus page that Lighthouse,
    waiting 5.25 s, measured).
    """

    load_s: float
    quiet_window_s: float
    network_quiet_s: float
    responsiveness_probe_s: float
    first_paint_s: float
    metrics_s: float


def window_budgets(conditions: MeasurementConditions, settings: CaptureSettings) -> WindowBudgets:
    slowdown = conditions.cpu_slowdown
    return WindowBudgets(
        load_s=settings.throttled_load_budget_s if conditions.throttled else settings.load_budget_s,
        quiet_window_s=settings.network_quiet_ms / 1000 * slowdown,
        network_quiet_s=(
            settings.throttled_network_quiet_budget_s if conditions.throttled else settings.network_quiet_budget_s
        ),
        responsiveness_probe_s=settings.responsiveness_probe_s * slowdown,
        first_paint_s=settings.first_paint_budget_s * slowdown,
        metrics_s=settings.script_budget_s * slowdown,
    )


def _bytes_per_second(kbps: float) -> int:
    # As Lighthouse's emulation.js: DevTools takes bytes per second, Lighthouse's kbps are 1024 bit.
    return math.floor(kbps * 1024 / 8)


class Throttle:
    """The conditions of one page, on a DevTools session of their own.

    Their own session because lifting them waits on the renderer: on a page whose JavaScript spins, the
    command stays pending until the page's scripts are stopped, and every later command of the same
    session queues behind it, the containment's `Runtime.terminateExecution` included. Kept apart, a
    lift that waits cannot keep the page from being stopped, and completes once it is.
    """

    def __init__(self, cdp: CDPSession, conditions: MeasurementConditions) -> None:
        self._cdp = cdp
        self.conditions = conditions
        self._active = False

    @classmethod
    async def attach(cls, context: BrowserContext, page: Page, conditions: MeasurementConditions) -> Throttle:
        return cls(await context.new_cdp_session(page), conditions)

    async def apply(self) -> None:
        """Puts the page under its conditions (before it navigates); nothing to do when unthrottled."""
        if not self.conditions.throttled:
            return
        await self._set(
            latency_ms=self.conditions.request_latency_ms,
            download_kbps=self.conditions.download_kbps,
            upload_kbps=self.conditions.upload_kbps,
            cpu_slowdown=self.conditions.cpu_slowdown,
        )
        self._active = True

    async def lift(self, containment: PageContainment, wait_s: float) -> None:
        """Back to full speed. When the page keeps its main thread busy past `wait_s`, its scripts are
        stopped (as any script overrun does) so the lift can complete; raises TimeoutError if even then it
        does not within `wait_s`."""
        if not self._active:
            return
        lifting = asyncio.ensure_future(self._set(latency_ms=0, download_kbps=0, upload_kbps=0, cpu_slowdown=1))
        try:
            await asyncio.wait_for(asyncio.shield(lifting), timeout=wait_s)
        except TimeoutError:
            await containment.freeze_scripts()
            await asyncio.wait_for(lifting, timeout=wait_s)
        self._active = False

    async def close(self, *, detach_timeout_s: float, crashed: bool) -> None:
        if not crashed:
            with contextlib.suppress(PlaywrightError, TimeoutError):
                await asyncio.wait_for(self._cdp.detach(), timeout=detach_timeout_s)

    async def _set(self, *, latency_ms: float, download_kbps: float, upload_kbps: float, cpu_slowdown: float) -> None:
        await asyncio.gather(
            self._cdp.send(
                "Network.emulateNetworkConditions",
                {
                    "offline": False,
                    "latency": latency_ms,
                    "downloadThroughput": _bytes_per_second(download_kbps),
                    "uploadThroughput": _bytes_per_second(upload_kbps),
                },
            ),
            self._cdp.send("Emulation.setCPUThrottlingRate", {"rate": cpu_slowdown}),
        )
