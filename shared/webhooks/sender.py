"""Delivering a job's webhook: signed, through the egress guard, retried with backoff, never redirected.

Network errors, timeouts, 408, 409, 425, 429 and 5xx are retried (`webhook_max_attempts`, exponential
backoff); any other answer is final: such a 4xx will not change by asking again, and a redirect is not
followed because its target was never checked as the callback URL was. 409 is retried because a
callback can arrive before the receiver is ready for it: n8n answers 409 ("is running already") until
the execution reaches its Wait node, which for a fast job or a cache hit comes after the callback.
The message id stays the same across retries so the receiver can drop duplicates; the timestamp (and so
the signature) is fresh each time, so a retry after a long backoff is not rejected as stale. A failed
webhook never changes the job. The callback URL is logged without its query (n8n's holds a token).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

import httpx
from tenacity import AsyncRetrying, retry_if_exception_type, stop_after_attempt, wait_exponential

from shared.config import Settings
from shared.errors import CroAnalyzerError
from shared.logs import redact_url
from shared.models.api import Job
from shared.models.report import Report
from shared.netguard.egress import EgressGuard
from shared.netguard.http_client import EgressRefusedError, guarded_client
from shared.settings.webhooks import WebhookSettings
from shared.share_links import ShareSigner
from shared.version import ANALYZER_VERSION
from shared.webhooks.payload import webhook_body
from shared.webhooks.signing import secret_key, signed_headers

log = logging.getLogger(__name__)

RETRYABLE_STATUSES = frozenset({408, 409, 425, 429})


@dataclass(frozen=True)
class WebhookResult:
    delivered: bool
    attempts: int
    status_code: int | None = None
    error: str | None = None


class _RetryableAnswerError(CroAnalyzerError):
    def __init__(self, reason: str, status_code: int | None = None) -> None:
        super().__init__(reason)
        self.status_code = status_code


def message_id(job: Job) -> str:
    return f"msg_{job.id}_{job.status}"


async def send_job_webhook(
    job: Job, report: Report | None, *, previous: str | None = None, settings: Settings, guard: EgressGuard
) -> WebhookResult:
    """POSTs the finished job (with its report, when it has one, and `previous`, the id its
    `links.previous` names) to its `callback_url` through `guard`; returns what happened (it also logs it)."""
    url = job.request.callback_url
    if not url:
        return WebhookResult(delivered=False, attempts=0, error="the job has no callback_url")
    body = webhook_body(
        job,
        report,
        previous=previous,
        base=settings.link_base(),
        max_report_bytes=settings.webhook_max_report_bytes,
        share=ShareSigner.from_settings(settings),
    )
    key = secret_key(settings.webhook_secret.get_secret_value()) if settings.webhook_secret else None
    if key is None:
        log.warning("WEBHOOK_SECRET is not set: the webhook is sent unsigned")
    result = await _deliver(settings, guard, url, body, key, message_id(job))
    log.info(
        "webhook delivered" if result.delivered else "webhook not delivered",
        extra={
            "callback_url": redact_url(url),
            "attempts": result.attempts,
            "status_code": result.status_code,
            "error": result.error,
        },
    )
    return result


async def _deliver(
    settings: WebhookSettings, guard: EgressGuard, url: str, body: bytes, key: bytes | None, msg_id: str
) -> WebhookResult:
    attempts = 0
    retrying = AsyncRetrying(
        stop=stop_after_attempt(settings.webhook_max_attempts),
        wait=wait_exponential(multiplier=settings.webhook_retry_backoff_s, max=settings.webhook_retry_backoff_max_s),
        retry=retry_if_exception_type(_RetryableAnswerError),
        reraise=True,
    )
    try:
        async with guarded_client(guard, settings.webhook_timeout_s) as client:
            async for attempt in retrying:
                with attempt:
                    attempts += 1
                    status = await _post(client, url, body, key, msg_id)
        if 200 <= status < 300:
            return WebhookResult(delivered=True, attempts=attempts, status_code=status)
        return WebhookResult(delivered=False, attempts=attempts, status_code=status, error=f"answered {status}")
    except _RetryableAnswerError as exc:
        return WebhookResult(delivered=False, attempts=attempts, status_code=exc.status_code, error=str(exc))
    except EgressRefusedError as exc:
        return WebhookResult(delivered=False, attempts=attempts, error=str(exc))


async def _post(client: httpx.AsyncClient, url: str, body: bytes, key: bytes | None, msg_id: str) -> int:
    headers = {
        "content-type": "application/json",
        "user-agent": f"cro-analyzer/{ANALYZER_VERSION}",
        **signed_headers(key, msg_id, int(time.time()), body),
    }
    try:
        response = await client.post(url, content=body, headers=headers)
    except httpx.TransportError as exc:
        raise _RetryableAnswerError(f"{type(exc).__name__}: {exc}") from exc
    if response.status_code in RETRYABLE_STATUSES or response.status_code >= 500:
        raise _RetryableAnswerError(f"answered {response.status_code}", response.status_code)
    return response.status_code


async def send_signed(settings: Settings, guard: EgressGuard, url: str, body: bytes, msg_id: str) -> WebhookResult:
    """POSTs any event body (a batch's) to `url` exactly as a job's webhook goes: signed, guarded, retried."""
    key = secret_key(settings.webhook_secret.get_secret_value()) if settings.webhook_secret else None
    result = await _deliver(settings, guard, url, body, key, msg_id)
    log.info(
        "webhook delivered" if result.delivered else "webhook not delivered",
        extra={"callback_url": redact_url(url), "attempts": result.attempts, "message_id": msg_id},
    )
    return result
