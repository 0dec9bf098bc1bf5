"""The SSRF matrix: every way a submitted URL or a hostile page could reach a non-public address.

Each case runs against real Chromium through the real egress guard. A `LoopbackSentinel` (not
allowlisted) listens on 127.0.0.1, 127.0.0.2 and [::1]; every case asserts it accepted ZERO
connections. So that a case cannot pass by doing nothing, each also asserts that the allowed page
loaded and, where the browser hands the attempt to the proxy, that the guard refused it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import httpx
import pytest
from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Page

from harness.servers import LoopbackServer
from shared.errors import ErrorCode, InputError
from shared.netguard.http_client import EgressRefusedError, guarded_client
from shared.netguard.policy import check_target, check_url_syntax
from tests.support.netguard import WAIT_S, EgressLab, LoopbackSentinel, html, redirect, text, wait_until

pytestmark = pytest.mark.browser

SENTINEL = "SENTINEL"  # replaced by 127.0.0.1:<sentinel port> in URLs and pages


def _fill(template: str, lab: EgressLab) -> str:
    return fill(template, lab.site, lab.other_site, lab.sentinel)


def fill(template: str, site: LoopbackServer, other_site: LoopbackServer, sentinel: LoopbackSentinel) -> str:
    return (
        template.replace("SENTINEL_PORT", str(sentinel.port))
        .replace(SENTINEL, f"127.0.0.1:{sentinel.port}")
        .replace("OTHER_SITE", other_site.host_port)
        .replace("SITE", site.host_port)
    )


async def _no_leak(lab: EgressLab, before: tuple[int, int]) -> None:
    assert lab.sentinel.connections == before[0], f"the sentinel accepted connections from {lab.sentinel.peers}"
    assert lab.sentinel.datagrams == before[1], "the sentinel received UDP datagrams"
    assert not lab.guard.fenced, f"the guard dialled non-loopback addresses: {lab.guard.fenced}"


def _counts(lab: EgressLab) -> tuple[int, int]:
    return lab.sentinel.connections, lab.sentinel.datagrams


# --- 1. schemes: refused before anything runs -----------------------------------------------------

SCHEME_URLS = {
    "file": "file:///etc/passwd",
    "ftp": "ftp://SENTINEL/",
    "data": "data:text/html,<img src=http://SENTINEL/x>",
    "javascript": "javascript:fetch('http://SENTINEL/')",
    "chrome": "chrome://settings",
    "view-source": "view-source:http://SENTINEL/",
    "ws": "ws://SENTINEL/",
    "blob": "blob:http://SENTINEL/1",
}


@pytest.mark.parametrize("scheme", SCHEME_URLS)
async def test_scheme_is_refused(egress_lab: EgressLab, scheme: str) -> None:
    before = _counts(egress_lab)
    url = _fill(SCHEME_URLS[scheme], egress_lab)
    with pytest.raises(InputError) as refused:
        check_url_syntax(url)
    assert refused.value.code is ErrorCode.unsupported_scheme
    await _no_leak(egress_lab, before)


# --- 2. target forms: spellings, IPv6 embeddings, names -----------------------------------------


@dataclass(frozen=True)
class Target:
    url: str
    refused_host: str | None  # the host the guard must refuse when the browser goes there; None: browser refuses
    code: ErrorCode = ErrorCode.blocked_by_policy


P = "SENTINEL_PORT"
TARGETS = {
    "ipv4-dotted": Target(f"http://127.0.0.1:{P}/", "127.0.0.1"),
    "ipv4-decimal": Target(f"http://2130706433:{P}/", "127.0.0.1"),
    "ipv4-octal": Target(f"http://0177.0.0.1:{P}/", "127.0.0.1"),
    "ipv4-hex": Target(f"http://0x7f.0.0.1:{P}/", "127.0.0.1"),
    "ipv4-hex-whole": Target(f"http://0x7f000001:{P}/", "127.0.0.1"),
    "ipv4-short": Target(f"http://127.1:{P}/", "127.0.0.1"),
    "ipv4-short-3": Target(f"http://127.0.1:{P}/", "127.0.0.1"),
    "ipv4-other-loopback": Target(f"http://127.0.0.2:{P}/", "127.0.0.2"),
    "ipv4-unspecified": Target(f"http://0.0.0.0:{P}/", "0.0.0.0"),
    "ipv6-loopback": Target(f"http://[::1]:{P}/", "::1"),
    "ipv6-unspecified": Target(f"http://[::]:{P}/", "::"),
    "ipv6-mapped-dotted": Target(f"http://[::ffff:127.0.0.1]:{P}/", "::ffff:7f00:1"),
    "ipv6-mapped-hex": Target(f"http://[::ffff:7f00:1]:{P}/", "::ffff:7f00:1"),
    "ipv6-compatible": Target(f"http://[::127.0.0.1]:{P}/", "::7f00:1"),
    "ipv6-nat64": Target(f"http://[64:ff9b::7f00:1]:{P}/", "64:ff9b::7f00:1"),
    "ipv6-6to4": Target(f"http://[2002:7f00:1::]:{P}/", "2002:7f00:1::"),
    "ipv6-link-local": Target(f"http://[fe80::1]:{P}/", "fe80::1"),
    "ipv6-zone-id": Target(f"http://[fe80::1%25lo]:{P}/", None, ErrorCode.invalid_url),
    "name-localhost": Target(f"http://localhost:{P}/", "localhost"),
    "name-localhost-dot": Target(f"http://localhost.:{P}/", "localhost."),
    "name-localhost-upper": Target(f"http://LOCALHOST:{P}/", "localhost"),
    "metadata-ip": Target("http://169.254.169.254/computeMetadata/v1/", "169.254.169.254"),
    "metadata-name": Target("http://metadata.google.internal/computeMetadata/v1/", "metadata.google.internal"),
    "metadata-name-dot": Target("http://metadata.google.internal./computeMetadata/v1/", "metadata.google.internal."),
    "metadata-alibaba-cgnat": Target("http://100.100.100.200/latest/meta-data/", "100.100.100.200"),
}


@pytest.mark.parametrize("name", TARGETS)
async def test_target_is_refused(egress_lab: EgressLab, name: str) -> None:
    target = TARGETS[name]
    url = _fill(target.url, egress_lab)
    before = _counts(egress_lab)
    with pytest.raises(InputError) as refused:
        await check_target(url, egress_lab.guard.allowlist)
    assert refused.value.code is target.code

    # The browser is the second line: it must refuse the same target even without the URL check.
    async with egress_lab.context() as (context, session):
        page = await context.new_page()
        loaded = await page.goto(egress_lab.site.url("/"))
        assert loaded is not None and loaded.ok
        with pytest.raises(PlaywrightError):
            await page.goto(url)
        if target.refused_host is not None:
            refusal = session.refusal_for(target.refused_host)
            assert refusal is not None and refusal.reason == "blocked", session.refusals
    await _no_leak(egress_lab, before)


# --- 3. navigation: redirects -------------------------------------------------------------------

REDIRECT_ROUTES = {
    "/r/302": (302, "http://SENTINEL/after-302"),
    "/r/307": (307, "http://SENTINEL/after-307"),
    "/r/301-localhost": (301, "http://localhost:SENTINEL_PORT/after-301"),
    "/r/308-decimal": (308, "http://2130706433:SENTINEL_PORT/after-308"),
    "/r/chain-1": (302, "http://OTHER_SITE/r/chain-2"),
    "/r/chain-2": (307, "http://SITE/r/chain-3"),
    "/r/chain-3": (302, "http://SENTINEL/chain-end"),
    "/r/img": (302, "http://SENTINEL/img-after-redirect"),
}
REDIRECT_CASES = {
    "302": ("/r/302", ["/r/302"]),
    "307": ("/r/307", ["/r/307"]),
    "301-to-localhost": ("/r/301-localhost", ["/r/301-localhost"]),
    "308-to-decimal-ip": ("/r/308-decimal", ["/r/308-decimal"]),
    "chain-public-hops-then-private": ("/r/chain-1", ["/r/chain-1", "/r/chain-3"]),
}


@pytest.fixture(scope="module")
def redirect_routes(egress_lab: EgressLab) -> None:
    fill_redirect_routes(egress_lab.site, egress_lab.other_site, egress_lab.sentinel)


def fill_redirect_routes(site: LoopbackServer, other_site: LoopbackServer, sentinel: LoopbackSentinel) -> None:
    for path, (status, location) in REDIRECT_ROUTES.items():
        site.routes[path] = redirect(status, fill(location, site, other_site, sentinel))
        other_site.routes[path] = redirect(status, fill(location, site, other_site, sentinel))


@pytest.mark.parametrize("name", REDIRECT_CASES)
async def test_redirect_to_private_is_refused(egress_lab: EgressLab, redirect_routes: None, name: str) -> None:
    path, hops_on_site = REDIRECT_CASES[name]
    before = _counts(egress_lab)
    async with egress_lab.context() as (context, session):
        page = await context.new_page()
        with pytest.raises(PlaywrightError):
            await page.goto(egress_lab.site.url(path))
        assert session.refusals, "the last hop never reached the guard"
        assert all(refusal.reason == "blocked" for refusal in session.refusals), session.refusals
    for hop in hops_on_site:
        assert hop in egress_lab.site.hits, f"the allowed hop {hop} was not followed"
    if name.startswith("chain"):
        assert "/r/chain-2" in egress_lab.other_site.hits
    await _no_leak(egress_lab, before)


# --- 4. what a loaded page may try -------------------------------------------------------------


async def _leave_page(page: Page) -> None:
    await page.goto("about:blank")


@dataclass(frozen=True)
class PageCase:
    body: str
    # The host the guard must refuse, proving the attempt happened; None: the attempt never reaches the
    # proxy (UDP), and the page changes its title once the attempt has settled instead.
    refused_host: str | None = "127.0.0.1"
    then: Callable[[Page], Awaitable[None]] | None = None
    extra_routes: dict[str, tuple[str, str]] = field(default_factory=dict)  # path -> (content, content type)


PAGE_CASES = {
    "img": PageCase('<img src="http://SENTINEL/a.png">'),
    "img-via-redirect": PageCase('<img src="http://SITE/r/img">'),
    "css-background": PageCase('<div style="width:9px;height:9px;background:url(http://SENTINEL/bg.png)"></div>'),
    "css-import": PageCase("<style>@import url(http://SENTINEL/x.css);</style>"),
    "stylesheet": PageCase('<link rel="stylesheet" href="http://SENTINEL/s.css">'),
    "font-face": PageCase(
        "<style>@font-face{font-family:Leak;src:url(http://SENTINEL/f.woff2)} p{font-family:Leak}</style><p>text</p>"
    ),
    "script": PageCase('<script src="http://SENTINEL/s.js"></script>'),
    "iframe": PageCase('<iframe src="http://SENTINEL/frame"></iframe>'),
    "iframe-localhost": PageCase('<iframe src="http://localhost:SENTINEL_PORT/frame"></iframe>', "localhost"),
    "object": PageCase('<object data="http://SENTINEL/o"></object>'),
    "video-poster": PageCase('<video poster="http://SENTINEL/poster.png"></video>'),
    "fetch": PageCase('<script>fetch("http://SENTINEL/f").catch(() => {})</script>'),
    "fetch-no-cors-post": PageCase(
        '<script>fetch("http://SENTINEL/p", {method: "POST", mode: "no-cors", body: "x"}).catch(() => {})</script>'
    ),
    "fetch-ipv6": PageCase('<script>fetch("http://[::1]:SENTINEL_PORT/f6").catch(() => {})</script>', "::1"),
    "xhr": PageCase('<script>const x = new XMLHttpRequest(); x.open("GET", "http://SENTINEL/x"); x.send()</script>'),
    "websocket": PageCase('<script>try { new WebSocket("ws://SENTINEL/ws") } catch (e) {}</script>'),
    "event-source": PageCase('<script>new EventSource("http://SENTINEL/events")</script>'),
    "send-beacon": PageCase('<script>navigator.sendBeacon("http://SENTINEL/beacon", "x")</script>'),
    "send-beacon-on-pagehide": PageCase(
        '<script>addEventListener("pagehide", () => navigator.sendBeacon("http://SENTINEL/bye", "x"))</script>',
        then=_leave_page,
    ),
    "dedicated-worker": PageCase(
        "<script>new Worker(URL.createObjectURL(new Blob("
        '[\'fetch("http://SENTINEL/worker").catch(() => {})\'], {type: "text/javascript"})))</script>'
    ),
    # Capture's contexts block service workers: the registration settles (refused) and nothing goes out.
    "service-worker-install": PageCase(
        "<script>(navigator.serviceWorker ? navigator.serviceWorker.register('/sw-install.js') : Promise.reject())"
        '.then(() => { document.title = "registered" }, () => { document.title = "refused" })</script>',
        refused_host=None,
        extra_routes={
            "/sw-install.js": (
                'addEventListener("install", e => e.waitUntil(fetch("http://SENTINEL/sw").catch(() => {})))',
                "text/javascript",
            )
        },
    ),
    "service-worker-import": PageCase(
        "<script>(navigator.serviceWorker ? navigator.serviceWorker.register('/sw-import.js') : Promise.reject())"
        '.then(() => { document.title = "registered" }, () => { document.title = "refused" })</script>',
        refused_host=None,
        extra_routes={"/sw-import.js": ('importScripts("http://SENTINEL/imported.js")', "text/javascript")},
    ),
    "window-open": PageCase('<script>window.open("http://SENTINEL/popup")</script>'),
    "link-prefetch": PageCase('<link rel="prefetch" href="http://SENTINEL/prefetch">'),
    "link-preload": PageCase('<link rel="preload" as="image" href="http://SENTINEL/preload.png">'),
    "meta-refresh": PageCase('<meta http-equiv="refresh" content="0;url=http://SENTINEL/refresh">'),
    "location-after-load": PageCase(
        '<script>addEventListener("load", () => setTimeout(() => { location.href = "http://SENTINEL/nav" }, 10))'
        "</script>"
    ),
    "form-submit": PageCase(
        '<form method="post" action="http://SENTINEL/form"><input name="q" value="1"></form>'
        "<script>document.forms[0].submit()</script>"
    ),
    "webrtc-stun-udp": PageCase(
        '<script>const pc = new RTCPeerConnection({iceServers: [{urls: "stun:SENTINEL"}]});'
        'pc.createDataChannel("d"); pc.onicegatheringstatechange = () => {'
        '  if (pc.iceGatheringState === "complete") document.title = "gathered" };'
        "pc.createOffer().then(o => pc.setLocalDescription(o))</script>",
        refused_host=None,
    ),
    "webtransport-udp": PageCase(
        '<script>new WebTransport("https://SENTINEL/").ready.then('
        '() => { document.title = "open" }, () => { document.title = "failed" })</script>',
        refused_host=None,
    ),
    "webrtc-turn-tcp": PageCase(
        '<script>const pc = new RTCPeerConnection({iceServers: [{urls: "turn:SENTINEL?transport=tcp", '
        'username: "u", credential: "p"}]}); pc.createDataChannel("d");'
        "pc.createOffer().then(o => pc.setLocalDescription(o))</script>"
    ),
}


@pytest.fixture(scope="module")
def page_routes(egress_lab: EgressLab) -> None:
    fill_case_routes(egress_lab.site, egress_lab.other_site, egress_lab.sentinel)


def fill_case_routes(site: LoopbackServer, other_site: LoopbackServer, sentinel: LoopbackSentinel) -> None:
    """The page cases (and the redirects they use) as routes of `site`; tests/test_netguard_dns.py runs
    them through the capture pipeline too."""
    fill_redirect_routes(site, other_site, sentinel)
    for name, case in PAGE_CASES.items():
        site.routes[f"/page/{name}"] = html(fill(case.body, site, other_site, sentinel))
        for path, (content, content_type) in case.extra_routes.items():
            site.routes[path] = text(fill(content, site, other_site, sentinel), content_type)


@pytest.mark.parametrize("name", PAGE_CASES)
async def test_page_cannot_reach_private(egress_lab: EgressLab, page_routes: None, name: str) -> None:
    case = PAGE_CASES[name]
    before = _counts(egress_lab)
    async with egress_lab.context() as (context, session):
        page = await context.new_page()
        loaded = await page.goto(egress_lab.site.url(f"/page/{name}"))
        assert loaded is not None and loaded.ok, "the allowed page itself must load"
        if case.then is not None:
            await case.then(page)
        if case.refused_host is None:
            await page.wait_for_function("document.title !== 'probe'", timeout=WAIT_S * 1000)
        else:
            host = case.refused_host
            await wait_until(lambda: session.refusal_for(host, egress_lab.sentinel.port), f"the guard to refuse {name}")
            refusal = session.refusal_for(host, egress_lab.sentinel.port)
            assert refusal is not None and refusal.reason == "blocked"
    await _no_leak(egress_lab, before)


# --- 5. the same policy on callback_url --------------------------------------------------------

WEBHOOK_TARGETS = {
    "loopback": "http://SENTINEL/hook",
    "localhost": "http://localhost:SENTINEL_PORT/hook",
    "decimal-ip": "http://2130706433:SENTINEL_PORT/hook",
    "ipv6-mapped": "http://[::ffff:127.0.0.1]:SENTINEL_PORT/hook",
    "metadata-name": "http://metadata.google.internal/computeMetadata/v1/",
    "metadata-ip": "http://169.254.169.254/latest/meta-data/",
}


@pytest.mark.parametrize("name", WEBHOOK_TARGETS)
async def test_webhook_to_private_is_refused(egress_lab: EgressLab, name: str) -> None:
    url = _fill(WEBHOOK_TARGETS[name], egress_lab)
    before = _counts(egress_lab)
    with pytest.raises(InputError) as at_submit:
        await check_target(url, egress_lab.guard.allowlist)
    assert at_submit.value.code is ErrorCode.blocked_by_policy
    async with guarded_client(egress_lab.guard, timeout_s=5) as client:
        # Delivered as the job stores it: normalised by the check. Sent raw too, as an HTTP client that
        # does not parse like a browser would send it: httpx hands `2130706433` to the guard as a name,
        # which resolves to loopback and is refused as a name with no public address.
        for sent in (check_url_syntax(url), url):
            with pytest.raises((EgressRefusedError, httpx.ConnectError)) as at_delivery:
                await client.post(sent, json={"event": "analysis.succeeded"})
            assert "public address" in str(at_delivery.value)
    await _no_leak(egress_lab, before)


async def test_webhook_redirect_to_private_is_not_followed(egress_lab: EgressLab, redirect_routes: None) -> None:
    before = _counts(egress_lab)
    async with guarded_client(egress_lab.guard, timeout_s=5) as client:
        response = await client.post(egress_lab.site.url("/r/307"), json={})
        assert response.status_code == 307, "the allowed hop must answer"
        with pytest.raises(EgressRefusedError):
            # A caller that follows redirects anyway meets the policy on the next hop.
            await client.post(egress_lab.site.url("/r/307"), json={}, follow_redirects=True)
    await _no_leak(egress_lab, before)


async def test_webhook_to_allowlisted_site_is_delivered(egress_lab: EgressLab) -> None:
    egress_lab.site.routes["/hook"] = lambda h: h.send_response(204) or h.end_headers()
    async with guarded_client(egress_lab.guard, timeout_s=5) as client:
        response = await client.post(egress_lab.site.url("/hook"), json={"event": "analysis.succeeded"})
    assert response.status_code == 204
    assert "/hook" in egress_lab.site.hits


async def test_webhook_unresolvable_host_is_a_connect_error(egress_lab: EgressLab) -> None:
    async with guarded_client(egress_lab.guard, timeout_s=5) as client:
        with pytest.raises(httpx.ConnectError) as failed:
            await client.post("http://callback.invalid/hook", json={})
    assert not isinstance(failed.value, EgressRefusedError)
    assert "dns_failure" in str(failed.value)
