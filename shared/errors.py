"""Why an analysis could not be done, as types.

Each code says whether trying again can help: permanent failures end a job at once (the queue must not
retry them), transient ones are retried with backoff until the attempts run out. The CLI, the HTTP
error shape and the job record all use these codes.
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


class AnalysisError(Exception):
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


class JobAlreadyFinishedError(Exception):
    """A job that has already ended cannot be canceled."""

    def __init__(self, job_id: str, status: str) -> None:
        super().__init__(f"job {job_id} is already {status}")
        self.job_id = job_id
        self.status = status
