"""One analysis, start to finish: policy check -> capture -> field data -> rules -> Claude -> report.

The `Engine` owns what a process keeps between analyses (one Chromium, one egress guard, the field data
cache); the CLI, the analyze function and the worker each hold one. `analyze` is the only way a page gets
analysed.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from types import TracebackType
from typing import Literal

import fakeredis
from redis.asyncio import Redis

from shared.capture.browser import BrowserPool
from shared.capture.page_capture import capture_page
from shared.capture.result import CaptureResult, ScreenshotImage
from shared.config import Settings
from shared.errors import AnalysisError, ErrorCode
from shared.field.cache import FieldCache
from shared.field.lookup import FieldLookup
from shared.llm import judge
from shared.models.facts import Device
from shared.models.report import Report
from shared.models.speed import FieldData
from shared.netguard.allowlist import Allowlist
from shared.netguard.egress import EgressGuard
from shared.netguard.policy import check_target
from shared.report.assemble import build_report
from shared.rules import evaluate
from shared.store.keys import Keys

Stage = Literal["validating", "capturing", "auditing", "judging", "reporting", "done"]
STAGE_PERCENT: dict[Stage, int] = {
    "validating": 5,
    "capturing": 10,
    "auditing": 70,
    "judging": 75,
    "reporting": 95,
    "done": 100,
}
ProgressCallback = Callable[[Stage, int], Awaitable[None]]


@dataclass(frozen=True)
class AnalysisOptions:
    url: str
    devices: tuple[Device, ...] = ("desktop", "mobile")
    llm: bool = True


@dataclass(frozen=True)
class AnalysisOutcome:
    report: Report
    screenshots: list[ScreenshotImage] = field(default_factory=list)


class Engine:
    """Per-process resources of analyses, shared by concurrent ones."""

    def __init__(self, settings: Settings, redis: Redis | None = None) -> None:
        """`redis`: the runtime's store, which then also caches field data; without one (the CLI) the cache
        lives in this process."""
        self.settings = settings
        self.allowlist = Allowlist.parse(settings.allowed_private_hosts)
        self.browser = BrowserPool(settings)
        self.guard = EgressGuard.from_settings(settings, self.allowlist)
        cache = FieldCache(redis or fakeredis.FakeAsyncRedis(), Keys(settings.key_prefix), settings.cache_ttl_s)
        self.field = FieldLookup(settings, self.guard, cache)

    async def __aenter__(self) -> Engine:
        return self

    async def __aexit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        await self.close()

    async def close(self) -> None:
        await self.browser.close()

    async def analyze(self, options: AnalysisOptions, progress: ProgressCallback | None = None) -> AnalysisOutcome:
        """Analyses one page within `analysis_timeout_s`; raises AnalysisError when it cannot."""
        try:
            async with asyncio.timeout(self.settings.analysis_timeout_s):
                return await self._analyze(options, progress)
        except TimeoutError as exc:
            raise AnalysisError(
                ErrorCode.analysis_timeout,
                f"the analysis did not finish within {self.settings.analysis_timeout_s:g} s",
            ) from exc

    async def _analyze(self, options: AnalysisOptions, progress: ProgressCallback | None) -> AnalysisOutcome:
        timings: dict[str, float] = {}

        async def stage(name: Stage) -> None:
            if progress is not None:
                await progress(name, STAGE_PERCENT[name])

        started = time.perf_counter()
        await stage("validating")
        url = await check_target(options.url, self.allowlist, resolve_timeout_s=self.settings.dns_timeout_s)
        await stage("capturing")
        capture = await capture_page(
            url, options.devices, browser=self.browser, guard=self.guard, settings=self.settings
        )
        timings.update(capture.timings_ms)

        await stage("auditing")
        mark = time.perf_counter()
        capture = _with_field(capture, await self.field.lookup(capture.facts.final_url, list(capture.facts.devices)))
        timings["field"] = _ms_since(mark)
        mark = time.perf_counter()
        findings = evaluate(capture.facts)
        timings["rules"] = _ms_since(mark)

        await stage("judging")
        mark = time.perf_counter()
        verdict = await judge(capture, findings, self.settings, enabled=options.llm)
        timings["llm"] = _ms_since(mark)

        await stage("reporting")
        timings["total"] = _ms_since(started)
        report = build_report(capture, findings, verdict, timings)
        await stage("done")
        return AnalysisOutcome(report=report, screenshots=capture.screenshots)


def _with_field(capture: CaptureResult, found: dict[Device, FieldData]) -> CaptureResult:
    devices = {
        device: facts.model_copy(update={"field": found[device]}) for device, facts in capture.facts.devices.items()
    }
    return replace(capture, facts=capture.facts.model_copy(update={"devices": devices}))


def _ms_since(mark: float) -> float:
    return round((time.perf_counter() - mark) * 1000, 1)
