"""Who may read a job's files: the holder of a valid share link for that job, else an API key."""

from __future__ import annotations

from starlette.requests import Request

from shared.config import Settings
from shared.http.auth import authenticate
from shared.http.operations import Param, Reply
from shared.http.problems import ApiError
from shared.share_links import EXPIRES_PARAM, SIG_PARAM, ShareSigner

_MESSAGES = {
    "invalid": "this share link is not valid (altered, of another job, or the service's secret changed)",
    "expired": "this share link has expired; ask for a new one",
}


def authorize_job_file(request: Request, settings: Settings, job_id: str) -> None:
    """A request that carries a share link is judged by it alone (403 when it does not hold), never
    passed on to the API key check: a bad link must not look like a missing key."""
    params = request.query_params
    if EXPIRES_PARAM not in params and SIG_PARAM not in params:
        authenticate(request, settings)
        return
    signer = ShareSigner.from_settings(settings)
    reason = (
        "invalid" if signer is None else signer.verify(job_id, params.get(EXPIRES_PARAM, ""), params.get(SIG_PARAM, ""))
    )
    if reason is not None:
        raise ApiError(403, f"share_link_{reason}", _MESSAGES[reason])


SHARE_PARAMS = (
    Param(EXPIRES_PARAM, "query", {"type": "string", "pattern": "^[0-9]{1,12}$"}, "Of a share link.", required=False),
    Param(SIG_PARAM, "query", {"type": "string", "pattern": "^[A-Za-z0-9_-]{43}$"}, "Of a share link.", required=False),
)
SHARE_FORBIDDEN = Reply(403, "A share link that is altered, of another job, or expired")
