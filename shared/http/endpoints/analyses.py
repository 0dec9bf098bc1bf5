"""`GET /v1/analyses` (the caller's recent jobs), `DELETE /v1/analyses/{id}` (cancel) and
`GET /v1/analyses/{id}/events` (progress as Server-Sent Events, for the console)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from itertools import permutations
from typing import get_args

from pydantic import ValidationError
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from shared import service
from shared.errors import JobNotFoundError
from shared.http.auth import authenticate
from shared.http.endpoints.results import JOB_ID, JOB_ID_PARAM, find_job
from shared.http.links import base_url
from shared.http.operations import ApiContext, Operation, Param, Reply
from shared.http.problems import ApiError
from shared.http.replies import AUTH_ERRORS, NOT_FOUND, UNAVAILABLE, json_reply
from shared.models.api import HTTP_URL_PATTERN, MAX_URL_CHARS, AnalysisRequest, JobStatus, JobView, job_view
from shared.models.facts import DEVICES
from shared.models.operations import MAX_LIST_LIMIT, AnalysisList, ListedAnalysis
from shared.share_links import with_share_links
from shared.store.index import CURSOR

DEFAULT_LIST_LIMIT = 20
STATUSES: tuple[str, ...] = get_args(JobStatus)
# What `devices` may say in the listing's filter: a submit's devices, comma-separated, in any order.
DEVICE_LISTS: tuple[str, ...] = tuple(
    ",".join(chosen) for count in range(1, len(DEVICES) + 1) for chosen in permutations(DEVICES, count)
)


def _query_limit(request: Request) -> int:
    raw = request.query_params.get("limit", str(DEFAULT_LIST_LIMIT))
    if not (raw.isascii() and raw.isdigit() and 1 <= int(raw) <= MAX_LIST_LIMIT):
        raise ApiError(400, "invalid_limit", f"limit must be a whole number from 1 to {MAX_LIST_LIMIT}")
    return int(raw)


def _same_as(request: Request) -> AnalysisRequest | None:
    """The `url`, `devices` and `llm` filter as the request submit would take (its defaults, its checks).
    Without `url` there is no filter, but `devices` and `llm` must still be well-formed."""
    query = request.query_params
    fields: dict[str, object] = {}
    if "devices" in query:
        if query["devices"] not in DEVICE_LISTS:
            raise ApiError(400, "invalid_filter", f"devices must be one of {', '.join(DEVICE_LISTS)}")
        fields["devices"] = query["devices"].split(",")
    if "llm" in query:
        if query["llm"] not in ("true", "false"):
            raise ApiError(400, "invalid_filter", "llm must be true or false")
        fields["llm"] = query["llm"] == "true"
    if "url" not in query:
        return None
    try:
        return AnalysisRequest.model_validate({"url": query["url"], **fields})
    except ValidationError as exc:
        where = ", ".join(str(error["loc"][0]) for error in exc.errors())
        raise ApiError(400, "invalid_filter", f"not a valid filter: {where}") from None


async def list_analyses(ctx: ApiContext, request: Request) -> Response:
    principal = authenticate(request, ctx.settings)
    same_as = _same_as(request)
    status = request.query_params.get("status")
    if status is not None and status not in STATUSES:
        raise ApiError(400, "invalid_status", f"status must be one of {', '.join(STATUSES)}")
    cursor = request.query_params.get("cursor")
    if cursor is not None and not CURSOR.match(cursor):
        raise ApiError(400, "invalid_cursor", "cursor must be a next_cursor this listing returned")
    limit = _query_limit(request)
    rt = await ctx.runtime()
    page = await service.list_jobs(rt, principal, status=status, limit=limit, cursor=cursor, same_as=same_as)
    base = base_url(ctx.settings, request)
    items = []
    for entry in page.jobs:
        view = with_share_links(job_view(entry.job, base), entry.job, ctx.settings)
        items.append(ListedAnalysis(**dict(view), score=entry.score))
    return json_reply(AnalysisList(items=items, next_cursor=page.next_cursor))


async def cancel_analysis(ctx: ApiContext, request: Request) -> Response:
    authenticate(request, ctx.settings)
    job_id = request.path_params["job_id"]
    if not JOB_ID.match(job_id):
        raise JobNotFoundError(job_id)
    rt = await ctx.runtime()
    job = await service.cancel_job(rt, job_id)
    return json_reply(job_view(job, base_url(ctx.settings, request)))


def _event(name: str, view: JobView) -> bytes:
    return f"event: {name}\ndata: {view.model_dump_json()}\n\n".encode()


async def analysis_events(ctx: ApiContext, request: Request) -> Response:
    """The job as `progress` events whenever its status or progress changes, then one `done` event when it
    is final; the stream ends there, or after EVENTS_MAX_S (the client reconnects), or when the job
    expires. The JobViews carry no report: the console fetches it once."""
    authenticate(request, ctx.settings)
    rt = await ctx.runtime()
    first = await find_job(rt, request.path_params["job_id"])
    base = base_url(ctx.settings, request)
    settings = ctx.settings

    async def stream() -> AsyncIterator[bytes]:
        deadline = time.monotonic() + settings.events_max_s
        job, last = first, None
        while True:
            view = with_share_links(job_view(job, base), job, settings)
            if job.is_final:
                yield _event("done", view)
                return
            seen = (job.status, job.progress)
            if seen != last:
                yield _event("progress", view)
                last = seen
            if time.monotonic() >= deadline:
                return
            await asyncio.sleep(settings.events_poll_s)
            current = await service.get_job(rt, job.id)
            if current is None:
                return
            job = current

    headers = {"Cache-Control": "no-store", "X-Accel-Buffering": "no"}
    return StreamingResponse(stream(), media_type="text/event-stream", headers=headers)


LIST_ANALYSES = Operation(
    method="GET",
    path="/v1/analyses",
    name="list_analyses",
    summary="Recent jobs of the caller's API key, newest first",
    description=(
        "All jobs when no API keys are configured. Items are JobViews without `result`, with the report's "
        "`score`. Pages by `next_cursor`; a page may be short (or empty) with a cursor when a `status` filter "
        "had to skip many jobs, so follow the cursor until it is null. With `url`, only the jobs of that page "
        "and options: the URL normalised as submit normalises it, and `devices` and `llm` (submit's defaults "
        "when left out), across analyser versions: what `links.previous` of a succeeded job points into."
    ),
    handler=list_analyses,
    params=(
        Param("status", "query", {"type": "string", "enum": list(STATUSES)}, "Only jobs in this status.", False),
        Param(
            "limit",
            "query",
            {"type": "integer", "minimum": 1, "maximum": MAX_LIST_LIMIT, "default": DEFAULT_LIST_LIMIT},
            "Jobs per page.",
            False,
        ),
        Param(
            "cursor", "query", {"type": "string", "pattern": CURSOR.pattern}, "next_cursor of the page before.", False
        ),
        Param(
            "url",
            "query",
            {"type": "string", "maxLength": MAX_URL_CHARS, "pattern": HTTP_URL_PATTERN},
            "Only jobs of this page (normalised as submit does) and of these `devices` and `llm`.",
            False,
        ),
        Param(
            "devices",
            "query",
            {"type": "string", "enum": list(DEVICE_LISTS)},
            f"With `url`: comma-separated, any order; default `{','.join(DEVICES)}`, as submit's.",
            False,
        ),
        Param("llm", "query", {"type": "boolean", "default": True}, "With `url`: as submitted; default true.", False),
    ),
    auth="api_key",
    replies=(
        Reply(200, "A page of jobs", AnalysisList),
        Reply(400, "A status, limit, cursor, devices or llm that is not valid"),
        Reply(422, "A url submit would refuse for its form (scheme, credentials, length)"),
        *AUTH_ERRORS,
        UNAVAILABLE,
    ),
)
CANCEL_ANALYSIS = Operation(
    method="DELETE",
    path="/v1/analyses/{job_id}",
    name="cancel_analysis",
    summary="Cancel a queued or running job",
    description=(
        "The job ends as `canceled` at once; an attempt running it stops at its next stage (or within "
        "CANCEL_POLL_S), writes no report and releases its lease. The webhook, if any, is sent with "
        "`status: canceled`. The original routes show the job as REVOKED."
    ),
    handler=cancel_analysis,
    params=(JOB_ID_PARAM,),
    auth="api_key",
    replies=(
        Reply(200, "The job, canceled", JobView),
        NOT_FOUND,
        Reply(409, "The job has already ended (succeeded, failed or canceled)"),
        *AUTH_ERRORS,
        UNAVAILABLE,
    ),
)
ANALYSIS_EVENTS = Operation(
    method="GET",
    path="/v1/analyses/{job_id}/events",
    name="analysis_events",
    summary="Progress of a job as Server-Sent Events (`progress`, then `done`)",
    description=(
        "Each event's data is the JobView (without `result`). The stream ends after `done`, or after "
        "EVENTS_MAX_S; reconnect to go on."
    ),
    handler=analysis_events,
    params=(JOB_ID_PARAM,),
    auth="api_key",
    replies=(
        Reply(200, "The event stream", media_type="text/event-stream"),
        NOT_FOUND,
        *AUTH_ERRORS,
        UNAVAILABLE,
    ),
)
