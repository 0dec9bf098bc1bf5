"""Performance metrics of one page: the in-page timing summary, what the traffic log counted, and the
conditions the timings were measured under."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from shared.capture.scripts import PageScripts
from shared.capture.traffic import TrafficLog
from shared.models.facts import Metrics
from shared.models.speed import MeasurementConditions


class PerformanceReading(BaseModel):
    """What js/perf_read.js returns."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    ttfb_ms: float | None
    fcp_ms: float | None
    lcp_ms: float | None
    cls: float
    tbt_ms: float
    document_bytes: int


async def wait_first_paint(scripts: PageScripts, wait_s: float, budget_s: float) -> bool:
    """True once the page has painted contentful content, False when `wait_s` passed first (or the page
    could not run the wait within `budget_s` more: its main thread is busy, and stopping it is not ours)."""
    try:
        return bool(await scripts.run("first_paint", round(wait_s * 1000), budget_s=wait_s + budget_s, stop_page=False))
    except TimeoutError:
        return False


async def read_performance(scripts: PageScripts, budget_s: float) -> PerformanceReading:
    return PerformanceReading.model_validate(await scripts.run("perf_read", budget_s=budget_s))


def build_metrics(
    reading: PerformanceReading | None, traffic: TrafficLog, dom_nodes: int, conditions: MeasurementConditions
) -> Metrics:
    return Metrics(
        ttfb_ms=reading.ttfb_ms if reading else None,
        fcp_ms=reading.fcp_ms if reading else None,
        lcp_ms=reading.lcp_ms if reading else None,
        cls=reading.cls if reading else None,
        tbt_ms=reading.tbt_ms if reading else None,
        request_count=traffic.request_count,
        transfer_bytes=traffic.transfer_bytes,
        dom_nodes=dom_nodes,
        console_errors=list(traffic.console_errors),
        failed_requests=list(traffic.failed),
        conditions=conditions,
    )
