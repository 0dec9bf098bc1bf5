"""Pages that fight back or cannot be analysed: each ends in a clear outcome within the budgets set here.

Error cases raise AnalysisError with the code the queue and the user act on; hostile-but-analysable
pages (load never fires, endless JavaScript, dialogs, popups, navigation away) still give facts, with
what was cut short recorded.
"""

from __future__ import annotations

import pytest

from harness.servers import LoopbackServer, free_port
from shared.capture.browser import BrowserPool
from shared.capture.page_capture import capture_page
from shared.capture.result import CaptureResult
from shared.config import Settings
from shared.errors import AnalysisError, ErrorCode
from shared.models.facts import DeviceFacts
from shared.netguard.allowlist import Allowlist
from shared.netguard.egress import EgressGuard
from tests.support.browser import quick_settings

pytestmark = pytest.mark.browser


async def capture(
    url: str, pool: BrowserPool, guard: EgressGuard, settings: Settings, devices: tuple[str, ...] = ("desktop",)
) -> CaptureResult:
    return await capture_page(url, devices, browser=pool, guard=guard, settings=settings)  # type: ignore[arg-type]


async def failure(url: str, pool: BrowserPool, guard: EgressGuard, settings: Settings) -> AnalysisError:
    with pytest.raises(AnalysisError) as raised:
        await capture(url, pool, guard, settings)
    return raised.value


def desktop(result: CaptureResult) -> DeviceFacts:
    return result.facts.devices["desktop"]


@pytest.mark.parametrize(
    ("path", "code"),
    [
        ("/status/404", ErrorCode.target_http_error),
        ("/status/500", ErrorCode.target_server_error),
        ("/capture/brochure.pdf", ErrorCode.not_html),
        ("/capture/pixel.png", ErrorCode.not_html),
        ("/loop/a", ErrorCode.redirect_loop),
    ],
)
async def test_unanalysable_responses(
    path: str, code: ErrorCode, browser_pool: BrowserPool, capture_guard: EgressGuard, hostile_server: LoopbackServer
) -> None:
    error = await failure(hostile_server.url(path), browser_pool, capture_guard, quick_settings(hostile_server))
    assert error.code is code, error.message
    assert error.message


async def test_server_error_is_transient_client_error_is_not(
    browser_pool: BrowserPool, capture_guard: EgressGuard, hostile_server: LoopbackServer
) -> None:
    settings = quick_settings(hostile_server)
    server_error = await failure(hostile_server.url("/status/500"), browser_pool, capture_guard, settings)
    client_error = await failure(hostile_server.url("/status/404"), browser_pool, capture_guard, settings)
    assert not server_error.permanent
    assert client_error.permanent
    assert client_error.details["status"] == 404


@pytest.mark.parametrize(
    "path",
    ["/capture/enormous-document.html", "/unsized/enormous-document.html"],
    ids=["content-length", "no-content-length"],
)
async def test_document_larger_than_the_limit(
    path: str, browser_pool: BrowserPool, capture_guard: EgressGuard, hostile_server: LoopbackServer
) -> None:
    # The document is about 21 kB, the smallest limit Settings allows is 10 kB.
    settings = quick_settings(hostile_server, max_document_bytes=10_000)
    error = await failure(hostile_server.url(path), browser_pool, capture_guard, settings)
    assert error.code is ErrorCode.page_too_large
    assert error.details["limit"] == 10_000


async def test_connection_refused(browser_pool: BrowserPool) -> None:
    closed = f"127.0.0.1:{free_port()}"
    guard = EgressGuard(Allowlist.parse([closed]))
    error = await failure(f"http://{closed}/", browser_pool, guard, quick_settings(closed))
    assert error.code is ErrorCode.connection_failed


async def test_unresolvable_host(browser_pool: BrowserPool, capture_guard: EgressGuard) -> None:
    error = await failure("http://nonexistent.invalid/", browser_pool, capture_guard, quick_settings())
    assert error.code is ErrorCode.dns_failure


async def test_private_address_without_allowlist(browser_pool: BrowserPool, hostile_server: LoopbackServer) -> None:
    guard = EgressGuard(Allowlist())
    seen = len(hostile_server.hits)
    error = await failure(hostile_server.url("/capture/facts.html"), browser_pool, guard, quick_settings())
    assert error.code is ErrorCode.blocked_by_policy
    assert hostile_server.hits[seen:] == []


async def test_load_never_fires(
    browser_pool: BrowserPool, capture_guard: EgressGuard, hostile_server: LoopbackServer
) -> None:
    settings = quick_settings(hostile_server, lazy_scroll_budget_s=0.5)
    result = await capture(hostile_server.url("/capture/never-loads.html"), browser_pool, capture_guard, settings)
    facts = desktop(result)
    assert {"load", "network_quiet", "lazy_content"} <= set(facts.timed_out)
    assert [h.text for h in facts.headings] == ["Waiting for a picture that never arrives"]
    assert result.screenshot("desktop", "fold") is not None
    assert result.screenshot("desktop", "full") is not None


@pytest.mark.parametrize("page", ["spin-inline.html", "spin-later.html"])
async def test_javascript_that_spins_forever(
    page: str, browser_pool: BrowserPool, capture_guard: EgressGuard, hostile_server: LoopbackServer
) -> None:
    result = await capture(
        hostile_server.url(f"/capture/{page}"), browser_pool, capture_guard, quick_settings(hostile_server)
    )
    facts = desktop(result)
    assert facts.behaviour.scripts_stopped
    assert "script" in facts.timed_out
    assert facts.headings and facts.headings[0].level == 1
    fold = result.screenshot("desktop", "fold")
    assert fold is not None and (fold.ref.width, fold.ref.height) == (1440, 900)


async def test_dialogs_are_dismissed_and_popups_closed(
    browser_pool: BrowserPool, capture_guard: EgressGuard, hostile_server: LoopbackServer
) -> None:
    result = await capture(
        hostile_server.url("/capture/dialogs.html"), browser_pool, capture_guard, quick_settings(hostile_server)
    )
    facts = desktop(result)
    assert facts.behaviour.dialogs_dismissed == 3
    assert facts.behaviour.popups_closed == 2
    assert facts.meta.title == "Dialogs and popups", "confirm() must be answered 'cancel'"
    assert [h.text for h in facts.headings] == ["Nagging page"]


async def test_navigation_away_after_load_is_blocked(
    browser_pool: BrowserPool, capture_guard: EgressGuard, hostile_server: LoopbackServer
) -> None:
    url = hostile_server.url("/capture/navigate-away.html")
    seen = len(hostile_server.hits)
    result = await capture(url, browser_pool, capture_guard, quick_settings(hostile_server))
    facts = desktop(result)
    assert facts.url == url
    assert [h.text for h in facts.headings] == ["The page we loaded"]
    assert any(u.endswith("/capture/elsewhere.html") for u in facts.behaviour.blocked_navigations)
    assert not [hit for hit in hostile_server.hits[seen:] if hit.startswith("/capture/elsewhere.html")]


async def test_enormous_page_is_cut_at_the_height_cap(
    browser_pool: BrowserPool, capture_guard: EgressGuard, hostile_server: LoopbackServer
) -> None:
    settings = quick_settings(hostile_server, full_page_max_height_px=3000)
    result = await capture(
        hostile_server.url("/capture/enormous.html"), browser_pool, capture_guard, settings, ("desktop", "mobile")
    )
    for device in ("desktop", "mobile"):
        facts = result.facts.devices[device]  # type: ignore[index]
        full = result.screenshot(device, "full")  # type: ignore[arg-type]
        assert facts.layout.document_h > 60_000
        assert facts.truncated
        assert full is not None and full.ref.truncated and full.ref.height == 3000


async def test_hard_capture_timeout(
    browser_pool: BrowserPool, capture_guard: EgressGuard, hostile_server: LoopbackServer
) -> None:
    # The load budget alone exceeds the total: the hard limit must end the capture.
    settings = quick_settings(hostile_server, load_budget_s=30.0, capture_timeout_s=1.5)
    error = await failure(hostile_server.url("/capture/never-loads.html"), browser_pool, capture_guard, settings)
    assert error.code is ErrorCode.capture_timeout
    assert not error.permanent
