"""Capture of one page on the requested devices, concurrently, under one hard time limit.

A device capture whose quality is degraded (shared/capture/quality.py) is taken again in a fresh context,
up to `degraded_capture_retries` times, and the best attempt kept; the report says when even that one is
degraded.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence

from shared.capture.browser import BrowserPool
from shared.capture.device_capture import DeviceCapture, capture_device
from shared.capture.devices import PROFILES, DeviceProfile
from shared.capture.quality import better
from shared.capture.result import CaptureResult
from shared.errors import AnalysisError, ErrorCode
from shared.models.facts import Device, PageFacts
from shared.netguard.egress import EgressGuard
from shared.settings.capture import CaptureSettings


async def capture_page(
    url: str, devices: Sequence[Device], *, browser: BrowserPool, guard: EgressGuard, settings: CaptureSettings
) -> CaptureResult:
    """Renders `url` on each device (own context, own guard session) and measures it.

    Raises AnalysisError: the first device's failure (the others are cancelled), or `capture_timeout`
    when the whole capture exceeds `capture_timeout_s`.
    """
    wanted = list(dict.fromkeys(devices))
    if not wanted:
        raise AnalysisError(ErrorCode.internal, "no device to capture")
    started = time.perf_counter()
    tasks = [
        asyncio.create_task(_capture_checked(url, PROFILES[device], browser=browser, guard=guard, settings=settings))
        for device in wanted
    ]
    try:
        async with asyncio.timeout(settings.capture_timeout_s):
            captures: list[DeviceCapture] = list(await asyncio.gather(*tasks))
    except TimeoutError as exc:
        raise AnalysisError(
            ErrorCode.capture_timeout, f"capturing the page took longer than {settings.capture_timeout_s:g} s"
        ) from exc
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    facts = {capture.facts.device: capture.facts for capture in captures}
    timings: dict[str, float] = {}
    for capture in captures:
        timings.update(capture.timings_ms)
    timings["capture"] = round((time.perf_counter() - started) * 1000, 1)
    return CaptureResult(
        facts=PageFacts(requested_url=url, final_url=captures[0].facts.url, devices=facts),
        screenshots=[shot for capture in captures for shot in capture.screenshots],
        timings_ms=timings,
    )


async def _capture_checked(
    url: str, device: DeviceProfile, *, browser: BrowserPool, guard: EgressGuard, settings: CaptureSettings
) -> DeviceCapture:
    attempts = [await capture_device(url, device, browser=browser, guard=guard, settings=settings)]
    while attempts[-1].facts.quality.status == "degraded" and len(attempts) <= settings.degraded_capture_retries:
        attempts.append(await capture_device(url, device, browser=browser, guard=guard, settings=settings))
    if len(attempts) == 1:
        return attempts[0]
    best = attempts[better(attempt.facts.quality for attempt in attempts)]
    facts = best.facts.model_copy(update={"quality": best.facts.quality.model_copy(update={"retried": True})})
    return DeviceCapture(facts=facts, screenshots=best.screenshots, timings_ms=best.timings_ms)
