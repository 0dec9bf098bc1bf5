"""DNS through the production path, seen by a DNS sentinel (tests/support/dns_sentinel.py).

Each scenario runs in a network namespace of its own whose only resolver is the sentinel, so a lookup
that bypasses the egress guard is seen, and slow or internal names can be served for real: Chromium
through `BrowserPool` and `capture_device`, the gateway with API keys, the guard's c-ares resolver.
A scenario returns what it measured; the assertions are here, beside it.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import importlib
import time
from http.server import SimpleHTTPRequestHandler
from typing import Any

import httpx
import pytest
from playwright.async_api import async_playwright

from harness.servers import LoopbackServer
from shared.capture.browser import BrowserPool, launch_args
from shared.capture.device_capture import capture_device
from shared.capture.devices import DESKTOP
from shared.capture.locate import locate_chromium
from shared.errors import AnalysisError
from shared.netguard.allowlist import Allowlist
from shared.netguard.chromium import context_proxy
from shared.netguard.egress import EgressGuard
from tests.support.browser import quick_settings
from tests.support.dns_sentinel import NEVER, DNSLab, run_in_netns
from tests.support.gateway import http_settings, instant_analysis, running_gateway
from tests.support.netguard import (
    FencedEgressGuard,
    LoopbackSentinel,
    html,
    respond,
    socks_connect,
    wait_until,
)

pytestmark = pytest.mark.browser

MODULE = "tests.test_netguard_dns"
BUDGET_S = 1.5
PIXEL = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


def _pixel(handler: SimpleHTTPRequestHandler) -> None:
    respond(handler, 200, PIXEL, {"Content-Type": "image/png"})


def _rule(pattern: str, *addresses: str, delay_s: float = 0.0) -> dict[str, Any]:
    return {"pattern": pattern, "addresses": list(addresses), "delay_s": delay_s}


def _names(result: dict[str, Any], pattern: str = "") -> set[str]:
    return {query["name"] for query in result["queries"] if pattern in query["name"]}


# --- WebRTC resolves names itself -----------------------------------------------------------------

# Two peer connections, the second given a remote host candidate by name: Chromium resolves that name
# (and STUN/TURN server names) with the system resolver, never asking the proxy.
WEBRTC_PAGE = """<script>
const servers = {iceServers: [{urls: "stun:stun-probe.test:3478"},
  {urls: "turn:turn-probe.test:3478?transport=tcp", username: "u", credential: "p"}]};
const log = [];
async function attempt(label, PC) {
  try {
    const a = new PC(servers), b = new PC(servers);
    a.createDataChannel("d");
    const offer = await a.createOffer();
    await a.setLocalDescription(offer);
    await b.setRemoteDescription(offer);
    await b.addIceCandidate({candidate: "candidate:1 1 udp 2122260223 " + label + "-cand-probe.test 54400 typ host",
                             sdpMid: "0", sdpMLineIndex: 0});
    log.push(label + ":ok");
  } catch (e) { log.push(label + ":" + e.name); }
  if (log.length === 3) document.title = log.join(",");
}
attempt("window", window.RTCPeerConnection);
attempt("webkit", window.webkitRTCPeerConnection);
const frame = document.createElement("iframe");
document.body.appendChild(frame);
attempt("iframe", frame.contentWindow.RTCPeerConnection);
</script>"""


async def scenario_webrtc(lab: DNSLab) -> dict[str, Any]:
    with LoopbackServer(routes={"/webrtc": html(WEBRTC_PAGE)}) as site:
        settings = quick_settings(site)
        guard = EgressGuard.from_settings(settings)
        url = site.url("/webrtc")
        phases: dict[str, Any] = {}

        # Control: Chromium without the service's resolver rules and without the init script. The sentinel
        # must see its lookups, or the zeros below would prove nothing.
        async with async_playwright() as playwright, guard.session() as session:
            args = [arg for arg in launch_args() if not arg.startswith("--host-resolver-rules")]
            executable = locate_chromium(settings)
            browser = await playwright.chromium.launch(
                executable_path=str(executable) if executable else None, args=args, chromium_sandbox=False
            )
            page = await (await browser.new_context(proxy=context_proxy(session))).new_page()
            await page.goto(url)
            with contextlib.suppress(AssertionError, pytest.fail.Exception):
                await wait_until(lambda: lab.dns.seen("*probe.test"), "the control's lookups", timeout_s=10)
            phases["control"] = {"title": await page.title(), "queries": len(lab.dns.seen("*probe.test"))}
            await browser.close()

        pool = BrowserPool(settings)
        try:
            # The launch flags alone: WebRTC is there, its names resolve nowhere.
            before = len(lab.dns.seen())
            async with guard.session() as session, pool.context(DESKTOP, context_proxy(session)) as context:
                page = await context.new_page()
                await page.goto(url)
                await page.wait_for_function("document.title.includes(',')", timeout=10_000)
                await asyncio.sleep(1.0)
                phases["flags"] = {"title": await page.title(), "queries": len(lab.dns.seen()) - before}
            # The capture pipeline: init script and flags.
            before = len(lab.dns.seen())
            captured = await capture_device(url, DESKTOP, browser=pool, guard=guard, settings=settings)
            phases["capture"] = {"title": captured.facts.meta.title, "queries": len(lab.dns.seen()) - before}
        finally:
            await pool.close()
        return phases


def test_webrtc_on_a_page_sends_no_dns_query() -> None:
    result = run_in_netns(f"{MODULE}:scenario_webrtc", {"rules": []})
    control, flags, capture = result["control"], result["flags"], result["capture"]
    assert control["queries"] > 0, f"the sentinel saw no lookup from plain Chromium: {result['queries']}"
    assert flags["title"] == "window:ok,webkit:ok,iframe:ok", flags
    assert flags["queries"] == 0, result["queries"]
    assert capture["title"] == "window:TypeError,webkit:TypeError,iframe:TypeError", capture
    assert capture["queries"] == 0, result["queries"]


# --- one session's slow names, another session's lookups ----------------------------------------

SLOW_NAMES = 50


async def scenario_slow_names(lab: DNSLab) -> dict[str, Any]:
    with LoopbackServer() as site:
        storm = "".join(f'fetch("http://slow-{n}.test:{site.port}/x").catch(() => {{}});' for n in range(SLOW_NAMES))
        site.routes["/storm"] = html(f"<h1>storm</h1><script>{storm}</script>")
        images = "".join(f'<img src="http://fast-{n}.test:{site.port}/i.png">' for n in range(8))
        site.routes["/i.png"] = _pixel
        site.routes["/fast"] = html(f"<h1>fast</h1>{images}")
        settings = quick_settings(site, dns_timeout_s=BUDGET_S, egress_max_dns_lookups=4)
        guard = EgressGuard.from_settings(settings)
        pool = BrowserPool(settings)
        try:
            storming = asyncio.create_task(
                capture_device(site.url("/storm"), DESKTOP, browser=pool, guard=guard, settings=settings)
            )
            await wait_until(lambda: lab.dns.seen("slow-*"), "the page's slow lookups", timeout_s=20)
            first_wave = {q.name for q in lab.dns.seen("slow-*") if q.at < lab.dns.seen("slow-*")[0].at + 1.0}
            latencies = []
            async with guard.session() as other:
                for n in range(10):
                    started = time.monotonic()
                    reply = await socks_connect(other.proxy_url, f"fast-{n}.test", site.port)
                    latencies.append((reply.code, round(time.monotonic() - started, 3)))
                    reply.writer.close()
            fast = await capture_device(site.url("/fast"), DESKTOP, browser=pool, guard=guard, settings=settings)
            stormed = await storming
        finally:
            await pool.close()
        return {
            "first_wave": sorted(first_wave),
            "latencies": latencies,
            "fast_images_loaded": [image.loaded for image in fast.facts.images],
            "fast_failed": [f.reason for f in fast.facts.metrics.failed_requests],
            "storm_failed": sorted({f.reason for f in stormed.facts.metrics.failed_requests}),
        }


def test_a_page_firing_at_slow_names_does_not_delay_another_sessions_lookups() -> None:
    rules = [_rule("slow-*.test", "127.0.0.1", delay_s=NEVER), _rule("fast-*.test", "127.0.0.1")]
    result = run_in_netns(f"{MODULE}:scenario_slow_names", {"rules": rules})
    assert len(result["first_wave"]) <= 4, f"one session had more lookups in flight: {result['first_wave']}"
    assert [code for code, _ in result["latencies"]] == [0] * 10, result["latencies"]
    assert max(took for _, took in result["latencies"]) < 0.5, result["latencies"]
    assert result["fast_images_loaded"] == [True] * 8 and result["fast_failed"] == [], result
    assert result["storm_failed"] in ([], ["dns_timeout"]), result["storm_failed"]


# --- one key's slow callback hosts, another key's submit ----------------------------------------

KEY_A, KEY_B = "key-a-0123456789", "key-b-0123456789"


async def scenario_submits(lab: DNSLab) -> dict[str, Any]:
    # The inline queue's first analysis imports the engine on the gateway's event loop, which stalls every
    # request for seconds; imported here first, so the timings are the DNS path's.
    importlib.import_module("shared.engine")
    with LoopbackServer() as site:
        settings = http_settings(
            api_keys=f"{KEY_A},{KEY_B}",
            allowed_private_hosts=[site.host_port],
            dns_timeout_s=BUDGET_S,
            dns_lookups_per_key=4,
            rate_limit_per_minute=0,
        )
        with running_gateway(settings, analyze=instant_analysis) as server:
            async with httpx.AsyncClient(timeout=30) as client:

                async def submit(key: str, url: str, callback: str | None = None) -> tuple[int, float, Any]:
                    started = time.monotonic()
                    body = {"url": url, **({"callback_url": callback} if callback else {})}
                    answer = await client.post(server.url("/v1/analyses"), json=body, headers={"X-API-Key": key})
                    return answer.status_code, round(time.monotonic() - started, 3), answer.json()

                slow = [
                    asyncio.create_task(submit(KEY_A, site.url(f"/a{n}"), f"http://slow-cb-{n}.test/hook"))
                    for n in range(10)
                ]
                await wait_until(lambda: lab.dns.seen("slow-cb-*"), "key A's callback lookups", timeout_s=10)
                other = await submit(KEY_B, f"http://site-b.test:{site.port}/", f"http://hook-b.test:{site.port}/h")
                internal = await submit(KEY_B, f"http://intranet.test:{site.port}/")
                missing = await submit(KEY_B, f"http://intranot.test:{site.port}/")
                slowed = await asyncio.gather(*slow)
    return {"b": other, "a": slowed, "internal": internal, "missing": missing}


def test_one_keys_slow_callback_hosts_do_not_503_another_keys_submit() -> None:
    rules = [
        _rule("slow-cb-*.test", "127.0.0.1", delay_s=NEVER),
        _rule("site-b.test", "127.0.0.1"),
        _rule("hook-b.test", "127.0.0.1"),
        _rule("intranet.test", "10.0.0.5", "fd00::5"),
    ]
    result = run_in_netns(f"{MODULE}:scenario_submits", {"rules": rules})
    status, took, body = result["b"]
    assert status == 202, body
    assert took < 1.0, f"key B's submit took {took} s while key A's callback hosts hung"
    for status, took, body in result["a"]:
        assert status == 503 and body["error"]["code"] == "connection_failed", body
        assert body["error"]["details"]["field"] == "callback_url"
        assert took < BUDGET_S + 1.0
    # An internal name and a missing one answer alike, and nothing says where the internal one points.
    (s1, _, internal), (s2, _, missing) = result["internal"], result["missing"]
    assert s1 == s2 == 422
    assert internal["error"]["code"] == missing["error"]["code"] == "dns_failure"
    assert str(internal).replace("intranet", "intranot") == str(missing)
    assert "10.0.0.5" not in str(internal) and "fd00" not in str(internal)
    assert set(internal["error"]["details"]) == {"field", "host", "port"}
    assert internal["error"]["details"]["field"] == "url"


# --- a DNS timeout is transient; internal and missing subresources alike --------------------------


async def scenario_timeouts(lab: DNSLab) -> dict[str, Any]:
    with LoopbackServer() as site:
        site.routes["/i.png"] = _pixel
        site.routes["/mixed"] = html(
            f'<h1>mixed</h1><img src="http://intranet.test:{site.port}/i.png">'
            f'<img src="http://intranot.test:{site.port}/i.png">'
        )
        settings = quick_settings(site, dns_timeout_s=BUDGET_S)
        guard = EgressGuard.from_settings(settings)
        pool = BrowserPool(settings)
        try:
            try:
                await capture_device(
                    f"http://slow-page.test:{site.port}/", DESKTOP, browser=pool, guard=guard, settings=settings
                )
                slow: dict[str, Any] = {"code": None}
            except AnalysisError as failed:
                slow = {"code": failed.code.value, "permanent": failed.permanent, "message": failed.message}
            mixed = await capture_device(site.url("/mixed"), DESKTOP, browser=pool, guard=guard, settings=settings)
        finally:
            await pool.close()
        failures = {f.url.split("/")[2].split(":")[0]: f.model_dump() for f in mixed.facts.metrics.failed_requests}
        return {"slow": slow, "failures": failures}


def test_a_dns_timeout_is_transient_and_internal_names_fail_like_missing_ones() -> None:
    rules = [_rule("slow-page.test", "127.0.0.1", delay_s=NEVER), _rule("intranet.test", "192.168.7.7")]
    result = run_in_netns(f"{MODULE}:scenario_timeouts", {"rules": rules})
    assert result["slow"]["code"] == "connection_failed" and result["slow"]["permanent"] is False, result["slow"]
    internal, missing = result["failures"]["intranet.test"], result["failures"]["intranot.test"]
    assert internal["reason"] == missing["reason"] == "dns_failure"
    assert internal["blocked"] is missing["blocked"] is False
    assert "192.168" not in str(result["failures"])


# --- the SSRF matrix's page cases through the capture pipeline, with the DNS sentinel -------------


async def scenario_matrix(lab: DNSLab) -> dict[str, Any]:
    from tests.test_ssrf_matrix import PAGE_CASES, fill_case_routes

    with LoopbackSentinel() as sentinel, LoopbackServer() as site, LoopbackServer() as other_site:
        fill_case_routes(site, other_site, sentinel)
        settings = quick_settings(site, other_site, max_concurrent_pages=4)
        guard = FencedEgressGuard(Allowlist.parse([site.host_port, other_site.host_port]), sentinel)
        pool = BrowserPool(settings)
        slots = asyncio.Semaphore(4)

        async def one(name: str) -> tuple[str, Any]:
            async with slots:
                try:
                    captured = await capture_device(
                        site.url(f"/page/{name}"), DESKTOP, browser=pool, guard=guard, settings=settings
                    )
                except AnalysisError as failed:
                    return name, {"error": failed.code.value}
                return name, {"blocked": sum(f.blocked for f in captured.facts.metrics.failed_requests)}

        try:
            cases = dict(await asyncio.gather(*(one(name) for name in PAGE_CASES)))
        finally:
            await pool.close()
        return {
            "cases": cases,
            "connections": sentinel.connections,
            "datagrams": sentinel.datagrams,
            "fenced": guard.fenced,
        }


# Cases whose attempt is not a failed request of the captured page: capture stops it earlier (the
# navigation lock, blocked service workers, popups closed, no WebRTC, no UDP), or Playwright does not
# report it (WebSocket), or it never starts (the page is not left, so no pagehide).
NOT_A_FAILED_REQUEST = {
    "websocket",
    "send-beacon-on-pagehide",
    "service-worker-install",
    "service-worker-import",
    "window-open",
    "meta-refresh",
    "location-after-load",
    "webrtc-stun-udp",
    "webtransport-udp",
    "webrtc-turn-tcp",
}


def test_the_page_cases_through_the_capture_pipeline_reach_nothing_and_resolve_nothing() -> None:
    from tests.test_ssrf_matrix import PAGE_CASES

    result = run_in_netns(f"{MODULE}:scenario_matrix", {"rules": []}, timeout_s=400)
    assert set(result["cases"]) == set(PAGE_CASES)
    errors = {name: case for name, case in result["cases"].items() if "error" in case}
    assert not errors, errors
    # So that a case cannot pass by doing nothing: the guard refused what the page asked for.
    unrefused = {name for name, case in result["cases"].items() if not case["blocked"]}
    assert unrefused == NOT_A_FAILED_REQUEST, unrefused ^ NOT_A_FAILED_REQUEST
    assert result["connections"] == 0 and result["datagrams"] == 0 and result["fenced"] == []
    assert result["queries"] == [], "a lookup left the guard's hands"
