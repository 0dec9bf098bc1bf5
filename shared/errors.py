"""Every error this package raises on purpose, as one hierarchy, and why an analysis could not be done.

    CroAnalyzerError                      the base: catch it to catch ours, never a bare Exception
    +-- AnalysisError                     a page could not be analysed; `code` (below) says why and if
    |   +-- InputError                    retrying can help; InputError: the request itself is wrong
    +-- ServiceError                      a use case of shared/service.py could not be done
    |   +-- ServiceUnavailableError       the store or the queue cannot be reached (HTTP 503)
    |   +-- IdempotencyConflictError      an Idempotency-Key reused with another body (422)
    |   +-- JobNotFoundError              no such job, or it expired (404)
    |   +-- JobNotFinishedError           the job has no report (yet, or it failed) (409)
    |   +-- LeaseLostError                another attempt took the job over; this one stops writing
    +-- NetworkError                      what the egress guard met on the way out
    |   +-- DNSUnavailableError           DNS gave no answer; the name may resolve later
    |   +-- EgressRefusedError            the policy refused the address (shared/netguard/http_client.py)
    +-- QueueClosedError                  the process is shutting down (shared/queue/base.py)
    +-- InvalidAnswerError                Claude answered with nothing usable (shared/llm/answer.py)
    +-- CruxError                         the Chrome UX Report gave no answer to use (shared/field/crux.py)
    +-- TokenError                        a Cloud Tasks OIDC token was not checked (shared/http/oidc.py)
        +-- InvalidTokenError             forged, expired, another audience
        +-- CertificatesUnavailableError  Google's certificates could not be fetched; retry later

Errors that carry a module's own types live beside them and derive from a class here; the rest are
defined here. The HTTP layer maps them by type in one place (shared/http/problems.py).

Each analysis error code says whether trying again can help: permanent failures end a job at once (the
queue must not retry them), transient ones are retried with backoff until the attempts run out. The CLI,
the HTTP error shape and the job record all use these codes.
"""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    invalid_url = "invalid_url"
    unsupported_scheme = "unsupported_scheme"
    credentials_in_url = "credentials_in_url"
    blocked_by_policy = "blocked_by_policy"
    dns_failure = "dns_failure"
    connection_failed = "connection_failed"
    target_http_error = "target_http_error"
    not_html = "not_html"
    page_too_large = "page_too_large"
    resource_limit = "resource_limit"
    redirect_loop = "redirect_loop"
    capture_timeout = "capture_timeout"
    browser_crashed = "browser_crashed"
    target_server_error = "target_server_error"
    analysis_timeout = "analysis_timeout"
    lease_expired = "lease_expired"
    internal = "internal"


PERMANENT_CODES: frozenset[ErrorCode] = frozenset(
    {
        ErrorCode.invalid_url,
        ErrorCode.unsupported_scheme,
        ErrorCode.credentials_in_url,
        ErrorCode.blocked_by_policy,
        ErrorCode.dns_failure,
        ErrorCode.target_http_error,
        ErrorCode.not_html,
        ErrorCode.page_too_large,
        ErrorCode.resource_limit,
        ErrorCode.redirect_loop,
    }
)

# The caller asked for something we refuse or cannot parse: changing the request is the only fix.
BAD_INPUT_CODES: frozenset[ErrorCode] = frozenset(
    {ErrorCode.invalid_url, ErrorCode.unsupported_scheme, ErrorCode.credentials_in_url, ErrorCode.blocked_by_policy}
)


class CroAnalyzerError(Exception):
    """The base of every error raised on purpose here."""


class AnalysisError(CroAnalyzerError):
    """A page could not be analysed; `code` says why and whether a retry can help."""

    def __init__(self, code: ErrorCode, message: str, *, details: dict[str, object] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = details or {}

    @property
    def permanent(self) -> bool:
        return self.code in PERMANENT_CODES

    def __repr__(self) -> str:
        return f"AnalysisError({self.code.value!r}, {self.message!r})"


class InputError(AnalysisError):
    """The request itself is wrong (bad URL, forbidden target): the caller must change it."""


class ServiceError(CroAnalyzerError):
    """A use case of the service could not be done."""


class ServiceUnavailableError(ServiceError):
    """The store or the queue cannot be reached; the caller may try again later."""


class IdempotencyConflictError(ServiceError):
    """The Idempotency-Key was used before with another request body."""


class JobNotFoundError(ServiceError):
    """No such job: never existed, or expired."""

    MESSAGE = "no such job; it may have expired"

    def __init__(self, job_id: str) -> None:
        super().__init__(self.MESSAGE)
        self.job_id = job_id


class JobNotFinishedError(ServiceError):
    """The job exists but has no report (yet, or because it failed)."""

    def __init__(self, job_id: str, status: str) -> None:
        super().__init__(f"the job is {status}; its report exists only once it has succeeded")
        self.job_id = job_id
        self.status = status


class LeaseLostError(ServiceError):
    """Another attempt took the job over; this one must stop writing."""


class NetworkError(CroAnalyzerError):
    """What the egress guard met on the way out."""


class DNSUnavailableError(NetworkError):
    """DNS gave no answer (timeout, server failure, no server reachable): the name may resolve later."""


class QueueClosedError(CroAnalyzerError, RuntimeError):
    """The process is shutting down and takes no new work."""


class TokenError(CroAnalyzerError):
    """A Cloud Tasks OIDC token could not be accepted."""
