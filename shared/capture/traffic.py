"""What one page sent and received: request count, bytes, failures, console errors, and when it went quiet.

Built from Playwright's page events, so requests of cross-site iframes and workers count too. Failures
caused by the egress guard are told apart from network failures by the guard session's refusal log:
Chromium only sees a failed SOCKS handshake, the guard knows why it refused.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from urllib.parse import urlsplit

from playwright.async_api import ConsoleMessage, Page, Request, Response
from playwright.async_api import Error as PlaywrightError

from shared.models.facts import FailedRequest
from shared.netguard.egress import GuardSession

# Chromium logs every failed subresource as a console error too; those are reported as failed
# requests instead, so one broken image is not counted twice.
_RESOURCE_FAILURE_PREFIX = "Failed to load resource"
# The page (or our navigation lock) cancelled the request: nothing is broken.
_CANCELLED = "net::ERR_ABORTED"
_TEXT_LIMIT = 300
# Origins whose requests are counted for the capture's quality (the page's own is among the first).
_MAX_ORIGINS = 256


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


class TrafficLog:
    def __init__(self, page: Page, session: GuardSession, max_events: int) -> None:
        self._session = session
        self._max_events = max_events
        self._in_flight: set[Request] = set()
        self._last_activity = time.monotonic()
        self._changed = asyncio.Event()
        self._size_tasks: set[asyncio.Task[None]] = set()
        self.request_count = 0
        self.transfer_bytes = 0
        self.failed: list[FailedRequest] = []
        self.console_errors: list[str] = []
        self.main_responses: list[Response] = []
        self.main_requests: list[str] = []
        # origin -> [requests, failed at the network level]: what capture quality compares.
        self._by_origin: dict[str, list[int]] = {}
        self._main_frame = page.main_frame
        page.on("request", self._on_request)
        page.on("requestfinished", self._on_finished)
        page.on("requestfailed", self._on_failed)
        page.on("response", self._on_response)
        page.on("console", self._on_console)
        page.on("pageerror", self._on_page_error)

    async def wait_quiet(self, quiet_s: float, budget_s: float) -> bool:
        """Waits until no request has been in flight for `quiet_s`; False if `budget_s` ran out first."""
        deadline = time.monotonic() + budget_s
        while True:
            now = time.monotonic()
            if not self._in_flight and now - self._last_activity >= quiet_s:
                return True
            if now >= deadline:
                return False
            wake = deadline if self._in_flight else min(deadline, self._last_activity + quiet_s)
            self._changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), timeout=max(0.0, wake - now))

    @property
    def in_flight(self) -> int:
        return len(self._in_flight)

    def idle_for(self) -> float:
        """Seconds since the last request started or ended; 0 while one is in flight."""
        return 0.0 if self._in_flight else time.monotonic() - self._last_activity

    def origin_counts(self, url: str) -> tuple[int, int]:
        """Requests to `url`'s origin, and how many of them failed with no HTTP answer."""
        requests, failed = self._by_origin.get(origin_of(url), (0, 0))
        return requests, failed

    def _count(self, request: Request, index: int) -> None:
        origin = origin_of(request.url)
        if origin not in self._by_origin and len(self._by_origin) >= _MAX_ORIGINS:
            return
        self._by_origin.setdefault(origin, [0, 0])[index] += 1

    async def settle(self, budget_s: float) -> None:
        """Lets pending response-size lookups finish, so `transfer_bytes` is complete."""
        if self._size_tasks:
            await asyncio.wait(set(self._size_tasks), timeout=budget_s)

    def close(self) -> None:
        for task in self._size_tasks:
            task.cancel()

    def _touch(self) -> None:
        self._last_activity = time.monotonic()
        self._changed.set()

    def _on_request(self, request: Request) -> None:
        self.request_count += 1
        self._in_flight.add(request)
        self._count(request, 0)
        if self._is_main_document(request):
            self.main_requests.append(request.url)
        self._touch()

    def _on_finished(self, request: Request) -> None:
        self._in_flight.discard(request)
        self._touch()
        task = asyncio.ensure_future(self._add_size(request))
        self._size_tasks.add(task)
        task.add_done_callback(self._size_tasks.discard)

    async def _add_size(self, request: Request) -> None:
        with contextlib.suppress(PlaywrightError):
            sizes = await request.sizes()
            self.transfer_bytes += sizes["responseBodySize"] + sizes["responseHeadersSize"]

    def _on_failed(self, request: Request) -> None:
        self._in_flight.discard(request)
        self._touch()
        failure = request.failure or "failed"
        if failure == _CANCELLED:
            return
        reason, blocked = failure, False
        host = urlsplit(request.url).hostname
        refusal = self._session.refusal_for(host) if host else None
        if refusal is not None:
            blocked = refusal.reason == "blocked"
            reason = "blocked by URL policy" if blocked else refusal.reason
        if not blocked:
            self._count(request, 1)
        self._record_failure(
            FailedRequest(url=request.url[:500], resource_type=request.resource_type, reason=reason, blocked=blocked)
        )

    def _on_response(self, response: Response) -> None:
        request = response.request
        if self._is_main_document(request):
            self.main_responses.append(response)
        if response.status >= 400:
            self._record_failure(
                FailedRequest(url=response.url[:500], resource_type=request.resource_type, reason=str(response.status))
            )

    def _is_main_document(self, request: Request) -> bool:
        if not request.is_navigation_request():
            return False
        try:
            return request.frame == self._main_frame
        except PlaywrightError:  # worker requests have no frame
            return False

    def _record_failure(self, failure: FailedRequest) -> None:
        if len(self.failed) < self._max_events:
            self.failed.append(failure)

    def _on_console(self, message: ConsoleMessage) -> None:
        if message.type == "error" and not message.text.startswith(_RESOURCE_FAILURE_PREFIX):
            self._record_console(message.text)

    def _on_page_error(self, error: PlaywrightError) -> None:
        self._record_console(f"Uncaught {error.name or 'Error'}: {error.message}")

    def _record_console(self, text: str) -> None:
        if len(self.console_errors) < self._max_events:
            self.console_errors.append(text[:_TEXT_LIMIT])
