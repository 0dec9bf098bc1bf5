"""Cost of a capture: one rules-only analysis (both devices) against a bare page load, and memory in flight;
and, throttled, how our phone figures compare with Lighthouse's.

With a warm browser, over the corpus pages (tests/corpus, tests/corpus/real) and a few fixture pages served
on loopback, each run measures per page, interleaved so machine noise hits all sides alike. Two modes:

- `none` (MOBILE_THROTTLING and DESKTOP_THROTTLING `none`: both devices at full speed, as the bare baseline
  loads them): the analysis (`Engine.analyze(llm=False)`: capture of desktop + mobile, facts, axe,
  screenshots, rules, report; or `capture_page` alone when the engine is not importable) against the
  baseline, Playwright `goto` until `load` + one fold screenshot per device, devices concurrently, nothing
  else, in a fresh context of the same Chromium, once through the egress guard (the same network path as
  the analysis: the guard is not optional) and once direct. Then the peak PSS of the whole process tree
  (this process, Playwright's driver, Chromium and its renderers) while 4 analyses run at once, sampled
  every 50 ms. Targets: median analysis at most 1.5x the baseline; under 1 GB PSS with 4 in flight.
- `lighthouse` (the production default: each device under Lighthouse's conditions for the load and the
  measurement window): time per analysis, per page, and the throttled phone's LCP, FCP and TBT.

With `--lighthouse DIR` (or LIGHTHOUSE_DIR; see bench/lighthouse.py), each corpus page is also run through
Lighthouse 12's mobile configuration, with its default simulated throttling and with applied (`devtools`)
throttling, and our throttled phone figures are set beside its, as ratios per metric. Prints figures;
never fails on them.

    python bench/capture.py [--runs 5] [--inflight 4] [--network-quiet-ms N] [--modes none,lighthouse]
                            [--lighthouse DIR] [--lighthouse-methods simulate,devtools] [--pages a,b]

`--network-quiet-ms` overrides that setting (default: the Settings default) to see how much of the
difference is the deliberate wait for late content rather than work.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import psutil
from playwright.async_api import Browser, ProxySettings

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from bench.lighthouse import lighthouse_cli, run_lighthouse  # noqa: E402
from harness.paths import CORPUS_DIR, FIXTURE_PAGES_DIR  # noqa: E402
from harness.servers import LoopbackServer  # noqa: E402
from shared.capture.browser import BrowserPool  # noqa: E402
from shared.capture.devices import PROFILES, DeviceProfile  # noqa: E402
from shared.config import Settings  # noqa: E402
from shared.models.facts import DEVICES  # noqa: E402
from shared.netguard.chromium import context_proxy  # noqa: E402
from shared.netguard.egress import EgressGuard  # noqa: E402

CORPUS_PAGES = ("landing-page", "agency", "creative", "new-age", "one-page-wonder", "shop-homepage")
REAL_PAGES = ("real/Arsha", "real/BizLand", "real/Bootslander", "real/OnePage")
FIXTURE_PAGES = ("capture/facts.html", "capture/cookie-banner.html")
SAMPLE_INTERVAL_S = 0.05
MODES: dict[str, dict[str, str]] = {
    "none": {"mobile_throttling": "none", "desktop_throttling": "none"},
    "lighthouse": {"mobile_throttling": "lighthouse", "desktop_throttling": "lighthouse"},
}
COMPARED = ("lcp_ms", "fcp_ms", "tbt_ms")

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


def median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def show(value: float | None, width: int = 7) -> str:
    return f"{value:{width}.0f}" if value is not None else " " * (width - 1) + "-"


async def bench_unthrottled(urls: dict[str, str], settings: Settings, runs: int, inflight: int) -> None:
    analyse, pool, guard, close, what = analyser(settings)
    try:
        print(
            f"\n== MOBILE_THROTTLING=none, DESKTOP_THROTTLING=none: measuring {what}; {runs} runs over "
            f"{len(urls)} pages; CPUs: {psutil.cpu_count()}; network quiet window {settings.network_quiet_ms} ms"
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

        print(f"\n{'page':28} {'analysis':>9} {'baseline':>9} {'ratio':>6} {'direct':>9} {'ratio':>6}   (ms, medians)")
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


async def bench_throttled(urls: dict[str, str], settings: Settings, runs: int) -> dict[str, dict[str, float | None]]:
    """Time per analysis under Lighthouse's conditions, and the phone's median LCP, FCP, TBT per page."""
    analyse, _pool, _guard, close, what = analyser(settings)
    phone: dict[str, dict[str, list[float]]] = {name: {metric: [] for metric in COMPARED} for name in urls}
    times: dict[str, list[float]] = {name: [] for name in urls}
    stages: dict[str, list[float]] = {}
    try:
        print(
            f"\n== MOBILE_THROTTLING=lighthouse, DESKTOP_THROTTLING=lighthouse (production): measuring {what}; "
            f"{runs} runs over {len(urls)} pages"
        )
        await analyse(next(iter(urls.values())))  # warm-up: browser launched
        for _ in range(runs):
            for name, url in urls.items():
                started = time.perf_counter()
                outcome = await analyse(url)
                times[name].append(time.perf_counter() - started)
                for stage, value in stage_timings(outcome).items():
                    stages.setdefault(stage, []).append(value)
                for metric, value in phone_metrics(outcome).items():
                    if value is not None:
                        phone[name][metric].append(value)
        print(
            f"\n{'page':28} {'analysis':>9} {'lcp':>7} {'fcp':>7} {'tbt':>7}   (ms, medians; lcp/fcp/tbt of the phone)"
        )
        for name in urls:
            row = " ".join(show(median(phone[name][metric])) for metric in COMPARED)
            print(f"{name:28} {ms(statistics.median(times[name])):>9} {row}")
        every = [value for values in times.values() for value in values]
        print(f"{'ALL (median of all runs)':28} {ms(statistics.median(every)):>9}")
        print("\nanalysis stages (ms, medians over all pages and runs; devices run concurrently):")
        for stage, values in stages.items():
            print(f"  {stage:36} {statistics.median(values):8.0f}")
    finally:
        await close()
    return {name: {metric: median(values) for metric, values in metrics.items()} for name, metrics in phone.items()}


def phone_metrics(outcome: object) -> dict[str, float | None]:
    report = getattr(outcome, "report", None)
    if report is not None:
        mobile = next((device.metrics for device in report.devices if device.device == "mobile"), None)
    else:
        mobile = outcome.facts.devices["mobile"].metrics  # type: ignore[attr-defined]
    return {metric: getattr(mobile, metric) if mobile else None for metric in COMPARED}


def compare_with_lighthouse(
    ours: dict[str, dict[str, float | None]], urls: dict[str, str], install_dir: str | None, methods: list[str]
) -> None:
    cli = lighthouse_cli(install_dir)
    if cli is None:
        print(
            "\nLighthouse comparison skipped: no install at --lighthouse DIR or LIGHTHOUSE_DIR "
            "(npm install lighthouse@12 in that directory)"
        )
        return
    for method in methods:
        print(f"\n== ours (throttled phone) / Lighthouse mobile, throttling method {method!r}: ratio per metric")
        print(f"{'page':28} " + " ".join(f"{'LH ' + m[:3]:>8} {'ours':>7} {'ratio':>6}" for m in COMPARED))
        ratios: dict[str, list[float]] = {metric: [] for metric in COMPARED}
        for name, url in urls.items():
            try:
                run = run_lighthouse(cli, url, method)
            except (RuntimeError, subprocess.TimeoutExpired) as exc:
                print(f"{name:28} {exc}")
                continue
            cells = []
            for metric in COMPARED:
                theirs, mine = run.metrics[metric], ours[name][metric]
                ratio = mine / theirs if theirs and mine is not None else None
                if ratio is not None:
                    ratios[metric].append(ratio)
                cells.append(f"{show(theirs, 8)} {show(mine)} {f'{ratio:6.2f}' if ratio is not None else '     -'}")
            print(f"{name:28} " + " ".join(cells))
        medians = " ".join(
            f"{'':>8} {'':>7} {f'{median(ratios[m]):6.2f}' if ratios[m] else '     -'}" for m in COMPARED
        )
        print(f"{'MEDIAN RATIO':28} {medians}   (Lighthouse {run.version})")


async def main(
    runs: int,
    inflight: int,
    network_quiet_ms: int | None,
    modes: list[str],
    lighthouse_dir: str | None,
    lighthouse_methods: list[str],
    only: set[str],
) -> None:
    with LoopbackServer(CORPUS_DIR) as corpus, LoopbackServer(FIXTURE_PAGES_DIR) as fixtures:
        pages = {name: corpus.url(f"/{name}/index.html") for name in (*CORPUS_PAGES, *REAL_PAGES)}
        urls = {**pages, **{name: fixtures.url(f"/{name}") for name in FIXTURE_PAGES}}
        if only:
            pages = {name: url for name, url in pages.items() if name in only}
            urls = {name: url for name, url in urls.items() if name in only}
        overrides = {} if network_quiet_ms is None else {"network_quiet_ms": network_quiet_ms}
        hosts = [corpus.host_port, fixtures.host_port]
        print(f"load average at start: {', '.join(f'{load:.1f}' for load in os.getloadavg())}")
        if "none" in modes:
            settings = Settings(allowed_private_hosts=hosts, **overrides, **MODES["none"])  # type: ignore[arg-type]
            await bench_unthrottled(urls, settings, runs, inflight)
        if "lighthouse" in modes:
            settings = Settings(allowed_private_hosts=hosts, **overrides, **MODES["lighthouse"])  # type: ignore[arg-type]
            ours = await bench_throttled(pages, settings, runs)
            compare_with_lighthouse(ours, pages, lighthouse_dir, lighthouse_methods)
        print(f"\nload average at the end: {', '.join(f'{load:.1f}' for load in os.getloadavg())}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--inflight", type=int, default=4)
    parser.add_argument("--network-quiet-ms", type=int, default=None)
    parser.add_argument("--modes", default="none,lighthouse", help="comma-separated: none, lighthouse")
    parser.add_argument("--lighthouse", metavar="DIR", default=None, help="npm install dir of lighthouse@12")
    parser.add_argument("--lighthouse-methods", default="simulate,devtools", help="Lighthouse throttling methods")
    parser.add_argument("--pages", default="", help="comma-separated subset of the pages (default: all)")
    arguments = parser.parse_args()
    chosen = [mode for mode in arguments.modes.split(",") if mode]
    unknown = set(chosen) - set(MODES)
    if unknown:
        parser.error(f"unknown modes: {', '.join(sorted(unknown))}")
    asyncio.run(
        main(
            arguments.runs,
            arguments.inflight,
            arguments.network_quiet_ms,
            chosen,
            arguments.lighthouse,
            [method for method in arguments.lighthouse_methods.split(",") if method],
            {page for page in arguments.pages.split(",") if page},
        )
    )
