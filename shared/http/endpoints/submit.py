"""`POST /v1/analyses`: validate, authenticate, limit, then hand the request to the service."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from shared import service
from shared.http.auth import authenticate
from shared.http.body import read_model
from shared.http.endpoints.results import full_view
from shared.http.links import base_url
from shared.http.operations import ApiContext, Link, Operation, Param, Reply
from shared.http.problems import ApiError
from shared.http.ratelimit import enforce_submit_limit
from shared.http.replies import AUTH_ERRORS, BODY_ERRORS, RATE_LIMITED, UNAVAILABLE, json_reply
from shared.models.api import AnalysisRequest, JobView

MAX_IDEMPOTENCY_KEY_CHARS = 255


def idempotency_key(request: Request) -> str | None:
    key = request.headers.get("idempotency-key")
    if key is None:
        return None
    key = key.strip()
    if not key or len(key) > MAX_IDEMPOTENCY_KEY_CHARS or not key.isascii() or not key.isprintable():
        raise ApiError(
            400,
            "invalid_idempotency_key",
            f"Idempotency-Key must be 1 to {MAX_IDEMPOTENCY_KEY_CHARS} printable ASCII characters",
        )
    return key


async def create_analysis(ctx: ApiContext, request: Request) -> Response:
    settings = ctx.settings
    principal = authenticate(request, settings)
    key = idempotency_key(request)
    rt = await ctx.runtime()
    # Limited before the body is read, so a client over its limit costs one counter increment.
    await enforce_submit_limit(rt, principal)
    analysis = await read_model(
        request, AnalysisRequest, max_bytes=settings.max_body_bytes, timeout_s=settings.body_read_timeout_s
    )
    outcome = await service.submit_job(rt, analysis, principal=principal, idempotency_key=key)
    job = outcome.job
    view = await full_view(rt, job, base_url(settings, request))
    headers = {"Location": view.links.self}
    return json_reply(view, status=200 if job.is_final else 202, headers=headers)


JOB_LINKS = tuple(
    Link(name, operation, "job_id", "$response.body#/id")
    for name, operation in (
        ("GetAnalysis", "get_analysis"),
        ("GetReportHtml", "get_report_html"),
        ("GetReportPdf", "get_report_pdf"),
    )
)

CREATE_ANALYSIS = Operation(
    method="POST",
    path="/v1/analyses",
    name="create_analysis",
    summary="Submit a page for analysis",
    description=(
        "Queues an analysis and answers at once with the job (202). A finished job is answered with 200: a "
        "cache hit (`cached: true`), or a request repeated with the same Idempotency-Key. An identical request "
        "still in flight returns the job already running."
    ),
    handler=create_analysis,
    body=AnalysisRequest,
    params=(
        Param(
            "Idempotency-Key",
            "header",
            {"type": "string", "maxLength": MAX_IDEMPOTENCY_KEY_CHARS, "pattern": "^[ -~]*[!-~][ -~]*$"},
            "Repeating a request with the same key returns the job the first one created.",
            required=False,
        ),
    ),
    auth="api_key",
    replies=(
        Reply(
            200,
            "The job is already finished (cache hit or repeated request)",
            JobView,
            headers=("Location",),
            links=JOB_LINKS,
        ),
        Reply(202, "The job is queued (or already in flight)", JobView, headers=("Location",), links=JOB_LINKS),
        *BODY_ERRORS,
        Reply(400, "Malformed JSON or Idempotency-Key"),
        Reply(422, "Unknown fields, a bad URL or a forbidden target; `error.code` says which"),
        RATE_LIMITED,
        *AUTH_ERRORS,
        UNAVAILABLE,
    ),
)
