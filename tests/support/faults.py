"""Fault injection for whole jobs: a redis-server that can be taken down and brought back with its data,
a site whose pages keep Chromium busy long enough to be killed mid-capture, the Chromium processes of this
test process, and checks that a store holds nothing half-done.

The faults themselves are real: redis-server is shut down (SHUTDOWN SAVE, as a managed Redis restarting
for maintenance keeps its data) and started again on the same port; Chromium is sent SIGKILL; the fake
Claude answers 529 or too late. The checks read the real store.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler
from pathlib import Path

import pytest

from harness.redis_server import RedisServer
from harness.scripted_analysis import png
from harness.servers import LoopbackServer, RouteHandler
from shared.config import Settings
from tests.conftest import FIXTURE_PAGES_DIR
from tests.support.jobs import TEST_SETTINGS

# The image of /faults/slow-image.html: long enough that a capture is surely under way when it is asked
# for, short enough that the next attempt finishes well within the load budget.
SLOW_IMAGE_DELAY_S = 1.5
SLOW_IMAGE = "/faults/slow.png"
LANDING = "/faults/landing.html"
SLOW_PAGE = "/faults/slow-image.html"
# Rules that must fire on /faults/landing.html (see the page: each defect is there on purpose).
LANDING_RULES = frozenset(
    {"seo.meta_description_missing", "a11y.image_alt_missing", "form.missing_labels", "cta.generic_text"}
)

# Real-engine jobs: budgets short enough that a hostile page costs seconds, long enough for a 2-core machine.
ENGINE_BUDGETS: dict[str, object] = {
    "navigation_timeout_s": 10.0,
    "load_budget_s": 4.0,
    "network_quiet_ms": 200,
    "network_quiet_budget_s": 1.0,
    "responsiveness_probe_s": 1.0,
    "script_budget_s": 4.0,
    "lazy_scroll_budget_s": 1.0,
    "capture_timeout_s": 30.0,
    "analysis_timeout_s": 60.0,
    "lease_s": 90.0,
}
ENGINE_JOB_TIMEOUT_S = 90.0


def engine_settings(redis_url: str, *allowed: LoopbackServer, **overrides: object) -> Settings:
    """Job settings (inline queue, quick retries) for the real engine reaching exactly `allowed`."""
    values = {
        **TEST_SETTINGS,
        **ENGINE_BUDGETS,
        "redis_url": redis_url,
        "allowed_private_hosts": [server.host_port for server in allowed],
        "key_prefix": "faults:",
        **overrides,
    }
    return Settings(**values)  # type: ignore[arg-type]


def _delayed_png(delay_s: float) -> RouteHandler:
    body = png(64, 48)

    def handler(request: SimpleHTTPRequestHandler) -> None:
        time.sleep(delay_s)
        request.send_response(200)
        request.send_header("Content-Type", "image/png")
        request.send_header("Content-Length", str(len(body)))
        request.end_headers()
        request.wfile.write(body)

    return handler


@pytest.fixture(scope="session")
def fault_site() -> Iterator[LoopbackServer]:
    """tests/pages on loopback, with /faults/slow.png answering after SLOW_IMAGE_DELAY_S; `hits` logs paths."""
    with LoopbackServer(FIXTURE_PAGES_DIR, routes={SLOW_IMAGE: _delayed_png(SLOW_IMAGE_DELAY_S)}) as server:
        yield server


@pytest.fixture
def restartable_redis(tmp_path: Path) -> Iterator[RedisServer]:
    """A redis-server of this test's own (its restarts disturb no other test), data kept in tmp_path."""
    server = RedisServer(tmp_path).start()
    try:
        yield server
    finally:
        server.stop()


def shut_down_keeping_data(server: RedisServer) -> None:
    """Stops redis-server the way a managed Redis restarts: data saved to disk first (SHUTDOWN SAVE), so
    `server.start()` brings back every job, lease and stream message as they were."""
    with server.client() as client:
        client.shutdown(save=True)
    server.stop()
