"""The one error shape of the API, `{"error": {"code", "message", "details"}}`, and how errors become it.

Endpoints raise `ApiError`; errors of the service layer are translated here in one place, so every
path answers the same way for the same failure.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from redis.exceptions import RedisError
from starlette.responses import Response

from shared.errors import (
    AnalysisError,
    IdempotencyConflictError,
    InputError,
    JobNotFinishedError,
    JobNotFoundError,
    ServiceUnavailableError,
)
from shared.models.api import ErrorBody, ErrorDetail

log = logging.getLogger(__name__)


class ApiError(Exception):
    """An answer other than success: HTTP status, stable snake_case code, a sentence, optional details."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        details: Any = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = details
        self.headers = dict(headers or {})

    def response(self) -> Response:
        return error_response(self.status, self.code, self.message, details=self.details, headers=self.headers)


def error_response(
    status: int, code: str, message: str, *, details: Any = None, headers: Mapping[str, str] | None = None
) -> Response:
    body = ErrorBody(error=ErrorDetail(code=code, message=message, details=details))
    return Response(body.model_dump_json(), status_code=status, headers=headers, media_type="application/json")


def as_api_error(exc: Exception) -> ApiError:
    """The HTTP answer for an exception raised below the HTTP layer; unknown ones are a 500 (and logged)."""
    if isinstance(exc, ApiError):
        return exc
    if isinstance(exc, AnalysisError):
        if exc.permanent or isinstance(exc, InputError):
            return ApiError(422, exc.code.value, exc.message, details=exc.details or None)
        # E.g. DNS did not answer in time while checking the URL: nothing wrong with the request itself.
        return ApiError(503, exc.code.value, exc.message, details=exc.details or None, headers={"Retry-After": "5"})
    if isinstance(exc, ServiceUnavailableError | RedisError):
        return ApiError(
            503,
            "service_unavailable",
            "the job store or queue is unavailable; try again shortly",
            headers={"Retry-After": "5"},
        )
    if isinstance(exc, JobNotFoundError):
        return ApiError(404, "job_not_found", JobNotFoundError.MESSAGE, details={"id": exc.job_id})
    if isinstance(exc, JobNotFinishedError):
        return ApiError(409, "job_not_succeeded", str(exc), details={"status": exc.status})
    if isinstance(exc, IdempotencyConflictError):
        # As the IETF Idempotency-Key draft says: the same key with another payload is a 422.
        return ApiError(
            422, "idempotency_key_reused", "this Idempotency-Key was already used with a different request body"
        )
    log.exception("unhandled error in an HTTP endpoint", exc_info=exc)
    return ApiError(500, "internal", "an unexpected error occurred; it has been logged")
