"""`POST /v1/batches` and `GET /v1/batches/{id}` (+ report.html / report.pdf): many pages as one request."""

from __future__ import annotations

import re

from starlette.requests import Request
from starlette.responses import Response

from shared.batches.model import BatchRequest, BatchView
from shared.http.auth import authenticate
from shared.http.body import read_model
from shared.http.links import base_url
from shared.http.operations import ApiContext, Handler, Link, Operation, Param, Reply
from shared.http.problems import ApiError
from shared.http.ratelimit import enforce_submit_limit
from shared.http.replies import AUTH_ERRORS, BODY_ERRORS, MALFORMED_JSON, RATE_LIMITED, UNAVAILABLE, json_reply
from shared.http.reports import MEDIA_TYPES, ReportFormat
from shared.report.site import render_batch_html
from shared.service import Runtime
from shared.sites.service import BatchRefusedError, batch_thumbnails, batch_view, submit_batch

BATCH_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
BATCH_ID_PARAM = Param("batch_id", "path", {"type": "string", "pattern": BATCH_ID.pattern}, "The id submit returned.")
NO_BATCH = Reply(404, "No such batch (unknown or expired)")


async def create_batch(ctx: ApiContext, request: Request) -> Response:
    settings = ctx.settings
    principal = authenticate(request, settings)
    rt = await ctx.runtime()
    # One batch is one submission against the per-key limit, however many pages it holds.
    await enforce_submit_limit(rt, principal)
    body = await read_model(
        request, BatchRequest, max_bytes=settings.batch_max_body_bytes, timeout_s=settings.body_read_timeout_s
    )
    try:
        batch = await submit_batch(rt, body, principal=principal)
    except BatchRefusedError as exc:
        raise ApiError(422, exc.code, exc.message, details=exc.details) from None
    view = await _view(rt, batch.id, base_url(settings, request))
    return json_reply(view, status=202, headers={"Location": view.links.self})


async def _view(rt: Runtime, batch_id: str, base: str) -> BatchView:
    view = await batch_view(rt, batch_id, base) if BATCH_ID.match(batch_id) else None
    if view is None:
        raise ApiError(404, "batch_not_found", "no such batch; it may have expired", details={"id": batch_id})
    return view


async def get_batch(ctx: ApiContext, request: Request) -> Response:
    authenticate(request, ctx.settings)
    rt = await ctx.runtime()
    return json_reply(await _view(rt, request.path_params["batch_id"], base_url(ctx.settings, request)))


def batch_report_handler(fmt: ReportFormat) -> Handler:
    async def get_batch_report(ctx: ApiContext, request: Request) -> Response:
        authenticate(request, ctx.settings)
        rt = await ctx.runtime()
        view = await _view(rt, request.path_params["batch_id"], base_url(ctx.settings, request))
        html = render_batch_html(view, await batch_thumbnails(rt, view.id))
        document: str | bytes = html
        if fmt == "pdf":
            from shared.report.pdf import render_pdf  # Playwright only where a PDF is asked for

            document = await render_pdf(html, (await rt.engine()).browser)
        return Response(
            document,
            media_type=MEDIA_TYPES[fmt],
            headers={
                "Content-Disposition": f'inline; filename="cro-site-report-{view.id}.{fmt}"',
                # A running batch's report changes as pages finish.
                "Cache-Control": "private, no-cache",
                "X-Content-Type-Options": "nosniff",
            },
        )

    return get_batch_report


BATCH_LINKS = tuple(
    Link(name, operation, "batch_id", "$response.body#/id")
    for name, operation in (
        ("GetBatch", "get_batch"),
        ("GetBatchReportHtml", "get_batch_report_html"),
        ("GetBatchReportPdf", "get_batch_report_pdf"),
    )
)

CREATE_BATCH = Operation(
    method="POST",
    path="/v1/batches",
    name="create_batch",
    summary="Submit many pages (a list or a sitemap) for analysis",
    description=(
        "Each page becomes an ordinary analysis job (cache, coalescing, retries). A sitemap (an index and "
        "gzipped children included) is read through the egress guard; only its own site's pages are kept, "
        "normalised and deduplicated, at most `max_pages` (what was left out is counted in `discovery`). A "
        "page whose URL is refused is a failed page of the batch. `callback_url` receives one signed webhook "
        "(`type: batch.finished`) once every page is final."
    ),
    handler=create_batch,
    body=BatchRequest,
    auth="api_key",
    tag="batches",
    replies=(
        Reply(202, "The batch is created; its pages are queued", BatchView, headers=("Location",), links=BATCH_LINKS),
        *BODY_ERRORS,
        MALFORMED_JSON,
        Reply(
            422,
            "Unknown fields, max_pages over BATCH_MAX_PAGES (`too_many_pages`), an unreadable sitemap "
            "(`sitemap_unreadable`), no page left (`no_pages`) or a refused sitemap/callback URL",
        ),
        RATE_LIMITED,
        *AUTH_ERRORS,
        UNAVAILABLE,
    ),
)

GET_BATCH = Operation(
    method="GET",
    path="/v1/batches/{batch_id}",
    name="get_batch",
    summary="Counts by status, each page's job and score, and the site summary once every page is final",
    handler=get_batch,
    params=(BATCH_ID_PARAM,),
    auth="api_key",
    tag="batches",
    replies=(Reply(200, "The batch", BatchView), NO_BATCH, *AUTH_ERRORS, UNAVAILABLE),
)


def _batch_report_operation(fmt: ReportFormat, media_type: str) -> Operation:
    return Operation(
        uses_browser=fmt == "pdf",
        method="GET",
        path=f"/v1/batches/{{batch_id}}/report.{fmt}",
        name=f"get_batch_report_{fmt}",
        summary=f"The site report of a batch as {fmt.upper()}, with each page's fold thumbnail",
        handler=batch_report_handler(fmt),
        params=(BATCH_ID_PARAM,),
        auth="api_key",
        tag="batches",
        replies=(
            Reply(200, f"The {fmt.upper()} site report", media_type=media_type),
            NO_BATCH,
            *AUTH_ERRORS,
            UNAVAILABLE,
        ),
    )


GET_BATCH_REPORT_HTML = _batch_report_operation("html", "text/html")
GET_BATCH_REPORT_PDF = _batch_report_operation("pdf", "application/pdf")
