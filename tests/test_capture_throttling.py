"""Measurement conditions: Lighthouse's constants (checked against its own source when it is installed),
applied through CDP for the load and lifted after it, observable from inside the page, and recorded in the
facts of every device."""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from harness.servers import LoopbackServer
from shared.capture.browser import BrowserPool
from shared.capture.containment import PageContainment
from shared.capture.page_capture import capture_page
from shared.capture.throttling import (
    DESKTOP_DENSE_4G,
    DEVTOOLS_RTT_ADJUSTMENT_FACTOR,
    DEVTOOLS_THROUGHPUT_ADJUSTMENT_FACTOR,
    MOBILE_SLOW_4G,
    THROTTLED_STAGES,
    Throttle,
    conditions_for,
    window_budgets,
)
from shared.netguard.egress import EgressGuard
from tests.conftest import make_settings
from tests.support.browser import quick_settings

# Where `npm install lighthouse@12` put Lighthouse (README, Performance); the constants test needs it and node.
LIGHTHOUSE_DIR = Path(os.environ.get("LIGHTHOUSE_DIR", "/tmp/lh/node_modules/lighthouse"))
LIGHTHOUSE = {"mobile_throttling": "lighthouse", "desktop_throttling": "lighthouse"}

# The total of several runs, not the fastest: DevTools slows the CPU by pausing the main thread in slices,
# so one short run can fall between two pauses and look unthrottled.
BUSY = """() => {
  const start = performance.now();
  let sum = 0;
  for (let run = 0; run < 8; run++) {
    for (let i = 0; i < 2e7; i++) sum += i % 7;
  }
  return performance.now() - start + (sum < 0 ? 1 : 0);
}"""

FETCH = """async (path) => {
  const start = performance.now();
  await (await fetch(path + "?" + Math.random())).text();
  return performance.now() - start;
}"""


def test_mobile_conditions_are_lighthouses_as_devtools_applies_them() -> None:
    mobile = conditions_for("mobile", make_settings(mobile_throttling="lighthouse"))
    assert (mobile.profile, mobile.request_latency_ms, mobile.upload_kbps, mobile.cpu_slowdown) == (
        "lighthouse-mobile",
        562.5,
        675,
        4,
    )
    assert mobile.download_kbps == pytest.approx(1474.56)
    assert mobile.throttled_stages == ["navigate", "load", "network_quiet", "metrics"]


def test_desktop_conditions_are_the_devtools_equivalent_of_its_simulated_ones() -> None:
    desktop = conditions_for("desktop", make_settings(desktop_throttling="lighthouse"))
    assert (desktop.profile, desktop.request_latency_ms, desktop.download_kbps) == ("lighthouse-desktop", 150, 9216)
    assert (desktop.upload_kbps, desktop.cpu_slowdown) == (0, 1)


def test_none_is_full_speed_with_nothing_throttled() -> None:
    settings = make_settings(mobile_throttling="none", desktop_throttling="none")
    for device in ("desktop", "mobile"):
        conditions = conditions_for(device, settings)  # type: ignore[arg-type]
        assert (conditions.profile, conditions.throttled, conditions.throttled_stages) == ("none", False, [])


def test_a_throttled_window_gets_a_phones_time() -> None:
    settings = make_settings(**LIGHTHOUSE)
    phone = window_budgets(conditions_for("mobile", settings), settings)
    desktop = window_budgets(conditions_for("desktop", settings), settings)
    unthrottled = window_budgets(conditions_for("mobile", make_settings()), make_settings())
    assert (phone.load_s, phone.network_quiet_s) == (settings.throttled_load_budget_s, 5.0)
    assert (phone.quiet_window_s, desktop.quiet_window_s) == (2.0, 0.5)
    assert (phone.responsiveness_probe_s, phone.metrics_s) == (4 * settings.responsiveness_probe_s, 4 * 5.0)
    assert (desktop.load_s, desktop.responsiveness_probe_s) == (settings.throttled_load_budget_s, 2.0)
    assert (unthrottled.load_s, unthrottled.network_quiet_s, unthrottled.metrics_s) == (6.0, 2.0, 5.0)


def test_the_constants_match_lighthouses_source() -> None:
    node = shutil.which("node")
    constants = LIGHTHOUSE_DIR / "core" / "config" / "constants.js"
    if node is None or not constants.exists():
        pytest.skip(f"Lighthouse is not installed at {LIGHTHOUSE_DIR} (npm install lighthouse@12), or node is missing")
    script = f"import({json.dumps(constants.as_uri())}).then(m => console.log(JSON.stringify(m.throttling)))"
    throttling = json.loads(
        subprocess.run([node, "-e", script], capture_output=True, text=True, check=True, timeout=60).stdout
    )
    version = json.loads((LIGHTHOUSE_DIR / "package.json").read_text())["version"]
    assert version.startswith("12."), version
    assert throttling["DEVTOOLS_RTT_ADJUSTMENT_FACTOR"] == DEVTOOLS_RTT_ADJUSTMENT_FACTOR
    assert throttling["DEVTOOLS_THROUGHPUT_ADJUSTMENT_FACTOR"] == DEVTOOLS_THROUGHPUT_ADJUSTMENT_FACTOR
    slow4g, dense4g = throttling["mobileSlow4G"], throttling["desktopDense4G"]
    assert (slow4g["rttMs"], slow4g["throughputKbps"], slow4g["cpuSlowdownMultiplier"]) == (
        MOBILE_SLOW_4G.rtt_ms,
        MOBILE_SLOW_4G.throughput_kbps,
        MOBILE_SLOW_4G.cpu_slowdown,
    )
    applied = MOBILE_SLOW_4G.devtools()
    assert slow4g["requestLatencyMs"] == applied.request_latency_ms
    assert slow4g["downloadThroughputKbps"] == pytest.approx(applied.download_kbps)
    assert slow4g["uploadThroughputKbps"] == pytest.approx(applied.upload_kbps)
    assert (dense4g["rttMs"], dense4g["throughputKbps"], dense4g["cpuSlowdownMultiplier"]) == (
        DESKTOP_DENSE_4G.rtt_ms,
        DESKTOP_DENSE_4G.throughput_kbps,
        DESKTOP_DENSE_4G.cpu_slowdown,
    )
    # Lighthouse leaves its desktop preset's DevTools values unset; ours are derived (see throttling.py).
    assert (dense4g["requestLatencyMs"], dense4g["downloadThroughputKbps"]) == (0, 0)


@pytest.mark.browser
async def test_throttling_is_applied_then_lifted(browser_pool: BrowserPool, hostile_server: LoopbackServer) -> None:
    browser = await browser_pool.browser()
    context = await browser.new_context()
    try:
        page = await context.new_page()
        containment = await PageContainment.attach(context, page, max_logged=10)
        throttle = await Throttle.attach(context, page, conditions_for("mobile", make_settings(**LIGHTHOUSE)))
        await page.goto(hostile_server.url("/capture/facts.html"))
        # Once before measuring: the first run also pays for compiling the loop, which no later one does.
        await page.evaluate(BUSY)
        full_busy, full_fetch = await page.evaluate(BUSY), await page.evaluate(FETCH, "/capture/speed-probe.txt")
        await throttle.apply()
        slow_busy, slow_fetch = await page.evaluate(BUSY), await page.evaluate(FETCH, "/capture/speed-probe.txt")
        await throttle.lift(containment, wait_s=5)
        lifted_busy, lifted_fetch = await page.evaluate(BUSY), await page.evaluate(FETCH, "/capture/speed-probe.txt")
    finally:
        await context.close()
    assert slow_fetch >= 550, "every request waits the added latency (562.5 ms)"
    assert full_fetch < 400 and lifted_fetch < 400
    assert slow_busy > 2 * max(full_busy, lifted_busy), (full_busy, slow_busy, lifted_busy)


@pytest.mark.browser
async def test_lifting_from_a_spinning_page_stops_its_scripts_first(
    browser_pool: BrowserPool, hostile_server: LoopbackServer
) -> None:
    browser = await browser_pool.browser()
    context = await browser.new_context()
    try:
        page = await context.new_page()
        containment = await PageContainment.attach(context, page, max_logged=10)
        throttle = await Throttle.attach(context, page, conditions_for("mobile", make_settings(**LIGHTHOUSE)))
        await throttle.apply()
        await page.goto(hostile_server.url("/capture/spin-later.html"), wait_until="load")
        await asyncio.sleep(0.3)
        started = time.monotonic()
        # A lift waits on the page's renderer; on its own session it cannot block the containment's.
        await throttle.lift(containment, wait_s=1.0)
        assert containment.frozen and time.monotonic() - started < 5
        assert await asyncio.wait_for(page.evaluate("1 + 1"), timeout=5) == 2
    finally:
        await context.close()


def _samples(excerpt: str) -> dict[str, tuple[float, float]]:
    return {
        phase: (float(busy), float(fetch))
        for phase, busy, fetch in re.findall(r"(\w+) busy=([\d.]+) fetch=([\d.]+);", excerpt)
    }


@pytest.mark.browser
async def test_a_capture_throttles_the_load_only_and_records_it(
    browser_pool: BrowserPool, capture_guard: EgressGuard, hostile_server: LoopbackServer
) -> None:
    settings = quick_settings(
        hostile_server,
        mobile_throttling="lighthouse",
        throttled_load_budget_s=15.0,
        throttled_network_quiet_budget_s=2.0,
        capture_timeout_s=60.0,
    )
    result = await capture_page(
        hostile_server.url("/capture/speed-probe.html"),
        ("desktop", "mobile"),
        browser=browser_pool,
        guard=capture_guard,
        settings=settings,
    )
    mobile, desktop = result.facts.devices["mobile"], result.facts.devices["desktop"]
    phone, computer = _samples(mobile.text.excerpt), _samples(desktop.text.excerpt)
    assert set(phone) == {"load", "scroll"} == set(computer), (mobile.text.excerpt, desktop.text.excerpt)
    assert phone["load"][1] >= 550, "the fetch during the load waited the added latency"
    assert phone["scroll"][1] < 400, "the fetch after the measurement window did not"
    # 4x in theory; the desktop's capture runs alongside on the same cores, so only a clear margin is asked.
    assert phone["load"][0] > 1.5 * phone["scroll"][0], "the CPU ran slower during the load only"
    assert computer["load"][1] < 400
    assert mobile.metrics.conditions.profile == "lighthouse-mobile"
    assert mobile.metrics.conditions.throttled_stages == list(THROTTLED_STAGES)
    assert desktop.metrics.conditions.profile == "none" and desktop.metrics.conditions.throttled_stages == []
    assert "capture.mobile.axe_inject" in result.timings_ms, "axe is parsed after the window, not in it"
