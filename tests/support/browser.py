"""Browser fixtures: one Chromium for the whole test session, an egress guard, and a server of hostile pages.

Every browser test shares `browser_pool` (launching Chromium costs about a second and a few hundred MB);
each capture still gets its own contexts. `hostile_server` serves tests/pages (fixture pages under
/capture/, /settle/) plus scripted routes for what a static file cannot do: HTTP errors, a redirect loop,
a response that never finishes, connections dropped without an answer (/drop/...).
"""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator, Iterator
from http.server import SimpleHTTPRequestHandler
from pathlib import Path

import psutil
import pytest

from harness.servers import LoopbackServer, RouteHandler
from shared.capture.browser import BrowserPool
from shared.config import Settings
from shared.netguard.allowlist import Allowlist
from shared.netguard.egress import EgressGuard
from tests.conftest import FIXTURE_PAGES_DIR, make_settings

# How long the never-ending response holds its connection at most; teardown releases it sooner.
STALL_LIMIT_S = 60.0


def _answer(status: int, body: bytes = b"", headers: dict[str, str] | None = None) -> RouteHandler:
    def handler(request: SimpleHTTPRequestHandler) -> None:
        request.send_response(status)
        request.send_header("Content-Type", "text/html; charset=utf-8")
        request.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            request.send_header(name, value)
        request.end_headers()
        if request.command != "HEAD":
            request.wfile.write(body)

    return handler


def _unsized(path: Path) -> RouteHandler:
    """The file without Content-Length (HTTP/1.0, the body ends when the connection closes)."""

    def handler(request: SimpleHTTPRequestHandler) -> None:
        request.send_response(200)
        request.send_header("Content-Type", "text/html; charset=utf-8")
        request.end_headers()
        request.wfile.write(path.read_bytes())

    return handler


def _dropped(request: SimpleHTTPRequestHandler) -> None:
    """Closes the connection without a word: the browser sees a network failure, not an HTTP error."""
    request.close_connection = True


def _stalling(release: threading.Event) -> RouteHandler:
    """Sends headers and half a body, then nothing until `release` (the page's `load` never fires)."""

    def handler(request: SimpleHTTPRequestHandler) -> None:
        request.send_response(200)
        request.send_header("Content-Type", "image/png")
        request.send_header("Content-Length", "100000")
        request.end_headers()
        request.wfile.write(b"\x89PNG\r\n\x1a\n")
        request.wfile.flush()
        release.wait(STALL_LIMIT_S)

    return handler


@pytest.fixture(scope="session")
def hostile_server() -> Iterator[LoopbackServer]:
    release = threading.Event()
    routes: dict[str, RouteHandler] = {
        "/status/404": _answer(404, b"<h1>Not found</h1>"),
        "/status/500": _answer(500, b"<h1>Server error</h1>"),
        "/loop/a": _answer(302, headers={"Location": "/loop/b"}),
        "/loop/b": _answer(302, headers={"Location": "/loop/a"}),
        "/stall.png": _stalling(release),
        "/unsized/enormous-document.html": _unsized(FIXTURE_PAGES_DIR / "capture" / "enormous-document.html"),
        **{f"/drop/{name}": _dropped for name in ("app.css", "app.js", "hero.png")},
    }
    with LoopbackServer(FIXTURE_PAGES_DIR, routes=routes) as server:
        yield server
        release.set()


@pytest.fixture(scope="session")
async def browser_pool() -> AsyncIterator[BrowserPool]:
    """The session's Chromium, shared by every browser test."""
    pool = BrowserPool(make_settings())
    yield pool
    await pool.close()


@pytest.fixture(scope="session")
def capture_guard(corpus_server: LoopbackServer, hostile_server: LoopbackServer) -> EgressGuard:
    """Lets the browser reach the corpus and the fixture pages on loopback, and nothing else private."""
    return EgressGuard(Allowlist.parse([corpus_server.host_port, hostile_server.host_port]))


def quick_settings(*allowed: LoopbackServer | str, **overrides: object) -> Settings:
    """Settings with short budgets, so a hostile page costs a test seconds, not the production budgets."""
    budgets: dict[str, object] = {
        "navigation_timeout_s": 10.0,
        "load_budget_s": 2.0,
        "network_quiet_ms": 200,
        "network_quiet_budget_s": 1.0,
        "responsiveness_probe_s": 1.0,
        "script_budget_s": 4.0,
        "lazy_scroll_budget_s": 1.5,
        "capture_timeout_s": 25.0,
    }
    return make_settings(*allowed, **{**budgets, **overrides})


def chromium_main_processes(exclude: set[int]) -> list[psutil.Process]:
    """Chromium browser processes (not its renderers) started by this test process, other than `exclude`."""
    found = []
    for child in psutil.Process().children(recursive=True):
        if child.pid in exclude:
            continue
        try:
            if "chrom" in child.name() and "--type=" not in " ".join(child.cmdline()):
                found.append(child)
        except psutil.NoSuchProcess:
            continue
    return found


def renderer_rss_bytes() -> list[int]:
    """Resident memory of each Chromium renderer started by this test process; one that has just been
    killed (gone, or a zombie not yet reaped) is skipped."""
    sizes = []
    for child in psutil.Process().children(recursive=True):
        try:
            if "--type=renderer" in " ".join(child.cmdline()):
                sizes.append(child.memory_info().rss)
        except psutil.NoSuchProcess:
            continue
    return sizes
