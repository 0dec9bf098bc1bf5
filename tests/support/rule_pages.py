"""Fixture pages for the rule catalogue (tests/pages/rules/), the server that gives them real behaviour, and
one cached analysis per page and test session.

Static files cannot be slow or heavy, so the server adds two routes: the hero image of `slow.html` arrives
only after `LATE_HERO_DELAY_S` (its largest contentful paint is late), and a photo of incompressible noise
weighs more than Lighthouse's page-weight line. `/rules/missing-chart.png` is simply absent (a real 404).

`perf.inp_slow` judges real visitors' figures only, so a fake Chrome UX Report API (tests/support/crux.py)
holds a record for the slow page alone: its INP, nothing else, so LCP and CLS are still judged on the lab
load there, and every other page has no field data.

`tech.not_https` never fires on loopback (Secure Contexts count loopback as secure), so one analysis serves
the clean page under `PLAIN_HTTP_HOST`, a name a stand-in resolver maps to the loopback server: the page,
the egress guard and Chromium are real, only DNS is not (no DNS server may run here).
"""

from __future__ import annotations

import asyncio
import io
import ipaddress
import json
import random
import time
from collections.abc import Iterator, Sequence
from http.server import SimpleHTTPRequestHandler

import pytest
from PIL import Image

from harness.servers import LoopbackServer, RouteHandler
from shared.capture.browser import BrowserPool
from shared.capture.page_capture import capture_page
from shared.config import Settings
from shared.engine import AnalysisOptions, Engine
from shared.models.facts import DEVICES, Device
from shared.models.report import Finding, Report
from shared.netguard.addresses import IPAddress
from shared.netguard.allowlist import Allowlist
from shared.netguard.egress import EgressGuard
from shared.rules import evaluate
from tests.conftest import FIXTURE_PAGES_DIR, make_settings
from tests.support.crux import Answer, FakeCrux, crux_metric, crux_record

# Past Core Web Vitals' 2.5 s "good" line with margin, short enough to keep the slow page's analysis quick.
LATE_HERO_DELAY_S = 3.0
LATE_HERO = "/rules/late-hero.png"
# Chromium ignores low-entropy images (a flat colour, under ~0.05 bits per displayed pixel) as LCP
# candidates; 8x8 px blocks of noise carry ~0.6 bits per pixel in ~40 KB.
LATE_HERO_SIZE = (800, 600)
LATE_HERO_BLOCK_PX = 8
# Noise does not compress: 1000x1000 RGB is ~3.0 MB on the wire, over Lighthouse's 2,667 KiB pass line
# and under its 4,000 KiB line, so the finding is the default severity.
HEAVY_PHOTO = "/rules/heavy-photo.png"
HEAVY_PHOTO_SIZE = (1000, 1000)
PLAIN_HTTP_HOST = "ledgerly.test"
SLOW_PAGE = "/rules/slow.html"
# Past Core Web Vitals' 500 ms "poor" line for INP: high on both devices.
SLOW_PAGE_INP_MS = 650

# Budgets that let the slow page finish loading (the late hero holds `load` back) and still bound each step.
RULE_PAGE_BUDGETS: dict[str, object] = {
    "navigation_timeout_s": 10.0,
    "load_budget_s": 10.0,
    "network_quiet_ms": 300,
    "network_quiet_budget_s": 2.0,
    "capture_timeout_s": 40.0,
    "analysis_timeout_s": 60.0,
}


def png_bytes(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def noise_png(size: tuple[int, int], block_px: int = 1, seed: int = 2) -> bytes:
    """Random colours in `block_px`-square blocks: incompressible at 1 px, textured but light at 8 px."""
    cells = (size[0] // block_px, size[1] // block_px)
    noise = Image.frombytes("RGB", cells, random.Random(seed).randbytes(cells[0] * cells[1] * 3))
    return png_bytes(noise.resize(size, Image.Resampling.NEAREST))


def _png_route(body: bytes, delay_s: float = 0.0) -> RouteHandler:
    def handler(request: SimpleHTTPRequestHandler) -> None:
        if delay_s:
            time.sleep(delay_s)
        request.send_response(200)
        request.send_header("Content-Type", "image/png")
        request.send_header("Content-Length", str(len(body)))
        request.end_headers()
        if request.command != "HEAD":
            request.wfile.write(body)

    return handler


@pytest.fixture(scope="session")
def rule_pages_server() -> Iterator[LoopbackServer]:
    """tests/pages on loopback, with the late hero and the heavy photo of /rules/slow.html."""
    routes = {
        LATE_HERO: _png_route(noise_png(LATE_HERO_SIZE, LATE_HERO_BLOCK_PX), delay_s=LATE_HERO_DELAY_S),
        HEAVY_PHOTO: _png_route(noise_png(HEAVY_PHOTO_SIZE)),
    }
    with LoopbackServer(FIXTURE_PAGES_DIR, routes=routes) as server:
        yield server


class StandInResolver:
    """Answers `name` with `address`, as public DNS would for a site's own name; nothing else resolves."""

    def __init__(self, name: str, address: str) -> None:
        self.name = name
        self.address = ipaddress.ip_address(address)

    async def __call__(self, host: str, port: int) -> Sequence[IPAddress]:
        if host != self.name:
            raise OSError(f"{host} not found")
        return [self.address]


class RulePageAnalyses:
    """Each fixture page analysed at most once (rules only, both devices), on the session's Chromium."""

    def __init__(self, server: LoopbackServer, browser: BrowserPool, crux: FakeCrux) -> None:
        self.server = server
        self.browser = browser
        self.settings: Settings = make_settings(
            server, crux.server.host_port, **RULE_PAGE_BUDGETS, **crux.settings_overrides()
        )
        self.engine = Engine(self.settings)
        # The engine's own pool would launch a second Chromium in this process; it has not started yet,
        # so it is replaced unused. The engine is never closed: closing it would close the shared pool.
        self.engine.browser = browser
        self._reports: dict[str, Report] = {}
        self._plain_http: dict[str, list[Finding]] = {}
        self._lock = asyncio.Lock()

    async def report(self, page: str) -> Report:
        """The rules-only report of tests/pages/rules/<page> served on loopback, through `Engine.analyze`."""
        async with self._lock:
            if page not in self._reports:
                options = AnalysisOptions(url=self.server.url(f"/rules/{page}"), llm=False)
                self._reports[page] = (await self.engine.analyze(options)).report
        return self._reports[page]

    async def findings(self, page: str) -> list[Finding]:
        return (await self.report(page)).findings

    async def plain_http_findings(self, page: str) -> list[Finding]:
        """The findings of `page` served as http://PLAIN_HTTP_HOST:port/, a name that is not loopback.

        `Engine.analyze` checks the URL with the system's DNS first, where the stand-in name does not
        exist; this runs what the engine runs after that check: `capture_page`, then `evaluate`.
        """
        async with self._lock:
            if page not in self._plain_http:
                guard = EgressGuard(
                    Allowlist.parse(self.settings.allowed_private_hosts),
                    connect_timeout_s=self.settings.navigation_timeout_s,
                    resolve_timeout_s=self.settings.dns_timeout_s,
                    resolver=StandInResolver(PLAIN_HTTP_HOST, "127.0.0.1"),
                )
                url = f"http://{PLAIN_HTTP_HOST}:{self.server.port}/rules/{page}"
                capture = await capture_page(url, DEVICES, browser=self.browser, guard=guard, settings=self.settings)
                self._plain_http[page] = evaluate(capture.facts)
        return self._plain_http[page]


def flagged_devices(findings: list[Finding], rule: str) -> set[Device]:
    """The devices on which `rule` found something; a merged finding (device None) covers every device."""
    devices: set[Device] = set()
    for finding in findings:
        if finding.rule == rule:
            devices.update(DEVICES if finding.evidence.device is None else (finding.evidence.device,))
    return devices


@pytest.fixture(scope="session")
def rule_pages_crux(rule_pages_server: LoopbackServer) -> Iterator[FakeCrux]:
    """A CrUX API of its own (other tests reset the shared one) whose only record is the slow page's INP."""
    server = FakeCrux().start()
    url = rule_pages_server.url(SLOW_PAGE)
    for form_factor in ("PHONE", "DESKTOP"):
        record = crux_record("url", url, form_factor)
        record["record"]["metrics"] = {
            "interaction_to_next_paint": crux_metric(SLOW_PAGE_INP_MS, 0.3, 0.3, 0.4, edges=(200, 500))
        }
        server.answer_for(form_factor, url, Answer(200, json.dumps(record).encode()))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def rule_page_analyses(
    rule_pages_server: LoopbackServer, browser_pool: BrowserPool, rule_pages_crux: FakeCrux
) -> RulePageAnalyses:
    return RulePageAnalyses(rule_pages_server, browser_pool, rule_pages_crux)
