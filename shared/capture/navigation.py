"""Opening the page and deciding whether it can be analysed at all.

The navigation waits only for the first response (`commit`): everything after that is measured within
budgets by the caller. A failed navigation is classified here into the error codes the queue and the
user act on: the guard's refusal log says whether a connection was refused by policy, failed to resolve
or failed to connect; the main document's response says whether the target answered with an error, with
something that is not a web page, or with a document too large to analyse.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Page, Response
from playwright.async_api import TimeoutError as PlaywrightTimeoutError

from shared.capture.traffic import TrafficLog
from shared.errors import AnalysisError, ErrorCode
from shared.netguard.egress import GuardSession, Refusal
from shared.settings.capture import CaptureSettings

HTML_CONTENT_TYPES = frozenset({"text/html", "application/xhtml+xml"})

_REFUSAL_CODES: dict[str, ErrorCode] = {
    "blocked": ErrorCode.blocked_by_policy,
    "dns_failure": ErrorCode.dns_failure,
    "dns_timeout": ErrorCode.connection_failed,  # DNS did not answer: it may next time
    "connect_failed": ErrorCode.connection_failed,
    "busy": ErrorCode.connection_failed,
}


async def open_document(
    page: Page, url: str, *, traffic: TrafficLog, session: GuardSession, settings: CaptureSettings
) -> Response:
    """Navigates to `url` until the main document's response arrives; raises AnalysisError when the page
    cannot be analysed (unreachable, refused by policy, HTTP error, not HTML, too large, redirect loop)."""
    try:
        response = await page.goto(url, wait_until="commit", timeout=settings.navigation_timeout_s * 1000)
    except PlaywrightTimeoutError as exc:
        raise AnalysisError(
            ErrorCode.capture_timeout,
            f"{url} sent no response within {settings.navigation_timeout_s:g} s",
        ) from exc
    except PlaywrightError as exc:
        raise _navigation_failure(exc, url, traffic, session, settings) from exc
    if response is None:
        raise AnalysisError(ErrorCode.internal, f"navigating to {url} produced no document")
    check_response(response, settings)
    return response


def check_response(response: Response, settings: CaptureSettings) -> None:
    """Raises AnalysisError unless the main document is an HTML page of acceptable size."""
    status = response.status
    if status >= 500:
        raise AnalysisError(
            ErrorCode.target_server_error,
            f"the site answered {status} {response.status_text}".rstrip() + f" for {response.url}",
            details={"status": status},
        )
    if status >= 400:
        raise AnalysisError(
            ErrorCode.target_http_error,
            f"the site answered {status} {response.status_text}".rstrip() + f" for {response.url}",
            details={"status": status},
        )
    content_type = media_type(response.headers.get("content-type"))
    # Without a Content-Type Chromium sniffs the body, as a visitor's browser would: accept it.
    if content_type is not None and content_type not in HTML_CONTENT_TYPES:
        raise AnalysisError(
            ErrorCode.not_html,
            f"{response.url} is {content_type}, not a web page",
            details={"content_type": content_type},
        )
    length = response.headers.get("content-length", "")
    if length.isdigit() and int(length) > settings.max_document_bytes:
        raise document_too_large(int(length), settings)


def document_too_large(size: int, settings: CaptureSettings) -> AnalysisError:
    return AnalysisError(
        ErrorCode.page_too_large,
        f"the HTML document is {size:,} bytes; the limit is {settings.max_document_bytes:,}",
        details={"bytes": size, "limit": settings.max_document_bytes},
    )


def media_type(header: str | None) -> str | None:
    if not header:
        return None
    return header.split(";", 1)[0].strip().lower() or None


def _navigation_failure(
    exc: PlaywrightError, url: str, traffic: TrafficLog, session: GuardSession, settings: CaptureSettings
) -> AnalysisError:
    text = exc.message.splitlines()[0] if exc.message else str(exc)
    if "ERR_TOO_MANY_REDIRECTS" in text:
        return AnalysisError(ErrorCode.redirect_loop, f"{url} redirects in a loop")
    # A download (a PDF with Content-Disposition, say) aborts the navigation after its response arrived.
    if traffic.main_responses:
        try:
            check_response(traffic.main_responses[-1], settings)
        except AnalysisError as refused:
            return refused
    target = traffic.main_requests[-1] if traffic.main_requests else url
    refusal = _refusal_for(session, target)
    if refusal is not None:
        return _refusal_error(refusal, target)
    if "ERR_CERT" in text or "ERR_SSL" in text:
        return AnalysisError(ErrorCode.connection_failed, f"{target} has no valid TLS certificate ({_net_error(text)})")
    if "ERR_TIMED_OUT" in text:
        return AnalysisError(ErrorCode.capture_timeout, f"{target} timed out ({_net_error(text)})")
    return AnalysisError(ErrorCode.connection_failed, f"{target} could not be loaded ({_net_error(text)})")


def _refusal_for(session: GuardSession, target: str) -> Refusal | None:
    parts = urlsplit(target)
    if not parts.hostname:
        return None
    return session.refusal_for(parts.hostname, parts.port or (443 if parts.scheme == "https" else 80))


def _refusal_error(refusal: Refusal, target: str) -> AnalysisError:
    code = _REFUSAL_CODES.get(refusal.reason, ErrorCode.connection_failed)
    endpoint = f"{refusal.host}:{refusal.port}"
    messages = {
        ErrorCode.blocked_by_policy: f"{endpoint} is not a public address; the URL policy does not allow it",
        ErrorCode.dns_failure: f"the host name {refusal.host!r} could not be resolved",
        ErrorCode.connection_failed: f"could not connect to {endpoint}",
    }
    details: dict[str, object] = {"url": target, "reason": refusal.reason}
    if refusal.why:
        details["why"] = refusal.why
    return AnalysisError(code, messages[code], details=details)


def _net_error(text: str) -> str:
    return next((word for word in text.split() if word.startswith("net::")), text)[:200]


async def wait_for_load(page: Page, budget_s: float) -> bool:
    """Waits for the page's `load` event; False when `budget_s` ran out first (a subresource never ends)."""
    try:
        await page.wait_for_load_state("load", timeout=budget_s * 1000)
    except PlaywrightTimeoutError:
        return False
    return True
