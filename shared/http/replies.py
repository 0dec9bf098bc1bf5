"""Building JSON answers from models, and the error answers many operations share (for OpenAPI)."""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import BaseModel
from starlette.responses import Response

from shared.http.operations import Reply


def json_reply(model: BaseModel, *, status: int = 200, headers: Mapping[str, str] | None = None) -> Response:
    return Response(model.model_dump_json(), status_code=status, headers=headers, media_type="application/json")


BODY_ERRORS: tuple[Reply, ...] = (
    Reply(408, "The request body did not arrive in time"),
    Reply(413, "The request body is too large"),
    Reply(415, "The body is not application/json"),
)
MALFORMED_JSON = Reply(400, "Malformed JSON")
RATE_LIMITED = Reply(429, "Too many submissions for this API key", headers=("Retry-After",))
AUTH_ERRORS: tuple[Reply, ...] = (Reply(401, "Missing or invalid API key", headers=("WWW-Authenticate",)),)
UNAVAILABLE = Reply(503, "The job store or queue is unavailable; retry later", headers=("Retry-After",))
NOT_FOUND = Reply(404, "No such job (unknown or expired)")
