"""Cost of a capture: one rules-only analysis (both devices) against a bare page load, and memory in flight.

With a warm browser, over the corpus pages and a few fixture pages served on loopback, each run measures
per page, interleaved so machine noise hits all sides alike:

- analysis: `Engine.analyze(llm=False)` (capture of desktop + mobile, facts, axe, screenshots, rules,
  report), or `capture_page` alone when the engine is not importable;
- baseline: Playwright `goto` until `load` + one fold screenshot per device, devices concurrently,
  nothing else, in a fresh context of the same Chromium, once through the egress guard (the same network
  path as the analysis: the guard is not optional) and once direct.

Then the peak PSS of the whole process tree (this process, Playwright's driver, Chromium and its
renderers) while 4 analyses run at once, sampled every 50 ms. Targets: median analysis at most 1.5x the
baseline; under 1 GB PSS with 4 in flight. Prints figures; never fails on them.

    python bench/capture.py [--runs 5] [--inflight 4] [--network-quiet-ms N]

`--network-quiet-ms` overrides that setting (default: the Settings default) to see how much of the
difference is the deliberate wait for late content rather than work.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import threading
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import psutil
from playwright.async_api import Browser, ProxySettings

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from harness.paths import CORPUS_DIR, FIXTURE_PAGES_DIR  # noqa: E402
from harness.servers import LoopbackServer  # noqa: E402
from shared.capture.browser import BrowserPool  # noqa: E402
from shared.capture.devices import PROFILES, DeviceProfile  # noqa: E402
from shared.config import Settings  # noqa: E402
from shared.models.facts import DEVICES  # noqa: E402
from shared.netguard.chromium import context_proxy  # noqa: E402
from shared.netguard.egress import EgressGuard  # noqa: E402

CORPUS_PAGES = ("landing-page", "agency", "creative", "new-age", "one-page-wonder", "shop-homepage")
FIXTURE_PAGES = ("capture/facts.html", "capture/cookie-banner.html")
SAMPLE_INTERVAL_S = 0.05

Analyse = Callable[[str], Awaitable[object]]


def tree_pss_bytes() -> int:
    """PSS of this process and all its descendants (shared pages counted once, pro rata)."""
    total = 0
    root = psutil.Process()
    for process in [root, *root.children(recursive=True)]:
        try:
            total += process.memory_full_info().pss
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
    return total


class PeakSampler:
    """Samples the tree's PSS in a thread (reading smaps must not stall the event loop)."""

    def __init__(self) -> None:
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, tree_pss_bytes())
            self._stop.wait(SAMPLE_INTERVAL_S)

    def __enter__(self) -> PeakSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


async def baseline_device(browser: Browser, url: str, device: DeviceProfile, proxy: ProxySettings | None) -> None:
    context = await browser.new_context(
        viewport={"width": device.width, "height": device.height},
        device_scale_factor=1,
        is_mobile=device.is_mobile,
        has_touch=device.has_touch,
        proxy=proxy,
    )
    try:
        page = await context.new_page()
        await page.goto(url, wait_until="load")
        await page.screenshot()
    finally:
        await context.close()


async def baseline(pool: BrowserPool, guard: EgressGuard, url: str, *, guarded: bool) -> None:
    browser = await pool.browser()
    if not guarded:
        await asyncio.gather(*(baseline_device(browser, url, PROFILES[d], None) for d in DEVICES))
        return
    async with guard.session() as first, guard.session() as second:
        proxies = (context_proxy(first), context_proxy(second))
        await asyncio.gather(
            *(baseline_device(browser, url, PROFILES[d], proxy) for d, proxy in zip(DEVICES, proxies, strict=True))
        )


async def timed(action: Awaitable[object]) -> float:
    started = time.perf_counter()
    await action
    return time.perf_counter() - started


def analyser(settings: Settings) -> tuple[Analyse, BrowserPool, EgressGuard, Callable[[], Awaitable[None]], str]:
    """The engine's rules-only analysis if the engine imports, else capture_page alone."""
    try:
        from shared.engine import AnalysisOptions, Engine

        engine = Engine(settings)

        async def analyse(url: str) -> object:
            return await engine.analyze(AnalysisOptions(url=url, llm=False))

        return analyse, engine.browser, engine.guard, engine.close, "Engine.analyze (rules only)"
    except ImportError:
        from shared.capture.page_capture import capture_page

        pool = BrowserPool(settings)
        guard = EgressGuard.from_settings(settings)

        async def capture(url: str) -> object:
            return await capture_page(url, DEVICES, browser=pool, guard=guard, settings=settings)

        return capture, pool, guard, pool.close, "capture_page (engine not importable)"


def stage_timings(outcome: object) -> dict[str, float]:
    """Per-stage wall times the analysis reports (the report's `timings_ms`, or the capture's)."""
    report = getattr(outcome, "report", None)
    timings = getattr(report, "timings_ms", None) or getattr(outcome, "timings_ms", None)
    return dict(timings or {})


def ms(seconds: float) -> str:
    return f"{seconds * 1000:7.0f}"


async def main(runs: int, inflight: int, network_quiet_ms: int | None) -> None:
    with LoopbackServer(CORPUS_DIR) as corpus, LoopbackServer(FIXTURE_PAGES_DIR) as fixtures:
        urls = {name: corpus.url(f"/{name}/index.html") for name in CORPUS_PAGES}
        urls.update({name: fixtures.url(f"/{name}") for name in FIXTURE_PAGES})
        overrides = {} if network_quiet_ms is None else {"network_quiet_ms": network_quiet_ms}
        settings = Settings(allowed_private_hosts=[corpus.host_port, fixtures.host_port], **overrides)
        analyse, pool, guard, close, what = analyser(settings)
        try:
            print(
                f"measuring {what}; {runs} runs over {len(urls)} pages; CPUs: {psutil.cpu_count()}; "
                f"network quiet window {settings.network_quiet_ms} ms"
            )
            for url in urls.values():  # warm-up: browser launched, caches of the server and the OS filled
                await analyse(url)
                await baseline(pool, guard, url, guarded=True)
            stages: dict[str, list[float]] = {}
            samples: dict[str, dict[str, list[float]]] = {
                name: {"analysis": [], "guarded": [], "direct": []} for name in urls
            }
            for _ in range(runs):
                for name, url in urls.items():
                    samples[name]["guarded"].append(await timed(baseline(pool, guard, url, guarded=True)))
                    started = time.perf_counter()
                    outcome = await analyse(url)
                    samples[name]["analysis"].append(time.perf_counter() - started)
                    for stage, value in stage_timings(outcome).items():
                        stages.setdefault(stage, []).append(value)
                    samples[name]["direct"].append(await timed(baseline(pool, guard, url, guarded=False)))

            print(
                f"\n{'page':28} {'analysis':>9} {'baseline':>9} {'ratio':>6} {'direct':>9} {'ratio':>6}   (ms, medians)"
            )
            for name, kinds in samples.items():
                a, g, d = (statistics.median(kinds[k]) for k in ("analysis", "guarded", "direct"))
                print(f"{name:28} {ms(a):>9} {ms(g):>9} {a / g:6.2f} {ms(d):>9} {a / d:6.2f}")
            overall = {k: statistics.median([s for kinds in samples.values() for s in kinds[k]]) for k in samples[name]}
            a, g, d = overall["analysis"], overall["guarded"], overall["direct"]
            print(f"{'ALL (median of all runs)':28} {ms(a):>9} {ms(g):>9} {a / g:6.2f} {ms(d):>9} {a / d:6.2f}")
            print("target: analysis median <= 1.5 x baseline")
            print("\nanalysis stages (ms, medians over all pages and runs; devices run concurrently):")
            for stage, values in stages.items():
                print(f"  {stage:36} {statistics.median(values):8.0f}")

            idle = tree_pss_bytes()
            batch = list(urls.values())[:inflight]
            with PeakSampler() as sampler:
                started = time.perf_counter()
                await asyncio.gather(*(analyse(url) for url in batch))
                wall = time.perf_counter() - started
            print(
                f"\nPSS of the process tree: idle (browser warm) {idle / 2**20:.0f} MiB; "
                f"peak with {len(batch)} analyses in flight {sampler.peak / 2**20:.0f} MiB "
                f"(target < 1024 MiB); the {len(batch)} took {wall:.1f} s together"
            )
        finally:
            await close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--inflight", type=int, default=4)
    parser.add_argument("--network-quiet-ms", type=int, default=None)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.runs, arguments.inflight, arguments.network_quiet_ms))
