"""`POST /v1/comparisons` and `GET /v1/comparisons/{id}` (+ report.html): two analyses side by side."""

from __future__ import annotations

import re

from starlette.requests import Request
from starlette.responses import Response

from shared.compare.model import ComparisonRequest, ComparisonView
from shared.compare.service import comparison_folds, comparison_view, create_comparison
from shared.http.auth import authenticate
from shared.http.body import read_model
from shared.http.links import base_url
from shared.http.operations import ApiContext, Link, Operation, Param, Reply
from shared.http.problems import ApiError
from shared.http.ratelimit import enforce_submit_limit
from shared.http.replies import AUTH_ERRORS, BODY_ERRORS, MALFORMED_JSON, RATE_LIMITED, UNAVAILABLE, json_reply
from shared.http.reports import MEDIA_TYPES
from shared.report.site import render_comparison_html
from shared.service import Runtime

COMPARISON_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
COMPARISON_ID_PARAM = Param(
    "comparison_id", "path", {"type": "string", "pattern": COMPARISON_ID.pattern}, "The id create returned."
)
NO_COMPARISON = Reply(404, "No such comparison (unknown, or it or one of its jobs expired)")
# Wide enough to read a page's first view in the side-by-side view; small enough to e-mail.
FOLD_WIDTH_PX = 720


async def _view(rt: Runtime, comparison_id: str, base: str) -> ComparisonView:
    view = await comparison_view(rt, comparison_id, base) if COMPARISON_ID.match(comparison_id) else None
    if view is None:
        raise ApiError(404, "comparison_not_found", "no such comparison; it may have expired")
    return view


async def post_comparison(ctx: ApiContext, request: Request) -> Response:
    settings = ctx.settings
    principal = authenticate(request, settings)
    rt = await ctx.runtime()
    await enforce_submit_limit(rt, principal)
    body = await read_model(
        request, ComparisonRequest, max_bytes=settings.max_body_bytes, timeout_s=settings.body_read_timeout_s
    )
    comparison = await create_comparison(rt, body, principal=principal)
    view = await _view(rt, comparison.id, base_url(settings, request))
    status = 202 if view.status == "waiting" else 200
    return json_reply(view, status=status, headers={"Location": view.links.self})


async def get_comparison(ctx: ApiContext, request: Request) -> Response:
    authenticate(request, ctx.settings)
    rt = await ctx.runtime()
    return json_reply(await _view(rt, request.path_params["comparison_id"], base_url(ctx.settings, request)))


async def get_comparison_report(ctx: ApiContext, request: Request) -> Response:
    authenticate(request, ctx.settings)
    rt = await ctx.runtime()
    view = await _view(rt, request.path_params["comparison_id"], base_url(ctx.settings, request))
    html = render_comparison_html(view, await comparison_folds(rt, view, FOLD_WIDTH_PX))
    return Response(
        html,
        media_type=MEDIA_TYPES["html"],
        headers={"Cache-Control": "private, no-cache", "X-Content-Type-Options": "nosniff"},
    )


COMPARISON_LINKS = tuple(
    Link(name, operation, "comparison_id", "$response.body#/id")
    for name, operation in (("GetComparison", "get_comparison"), ("GetComparisonReportHtml", "get_comparison_report"))
)

CREATE_COMPARISON = Operation(
    method="POST",
    path="/v1/comparisons",
    name="create_comparison",
    summary="Compare two analyses (job ids, or URLs analysed first)",
    description=(
        "Each side is a job id, or a URL submitted as an ordinary analysis (cache and coalescing apply). Once "
        "both have succeeded the comparison has score deltas per category (b - a) and the findings new in b, "
        "resolved in b and persisting, matched by rule and evidence, never by wording. 200 when both sides are "
        "already final, else 202."
    ),
    handler=post_comparison,
    body=ComparisonRequest,
    auth="api_key",
    tag="comparisons",
    replies=(
        Reply(200, "Both sides are final", ComparisonView, headers=("Location",), links=COMPARISON_LINKS),
        Reply(202, "A side is still being analysed", ComparisonView, headers=("Location",), links=COMPARISON_LINKS),
        *BODY_ERRORS,
        MALFORMED_JSON,
        Reply(422, "Unknown fields, or a side that is neither a known job id nor an acceptable URL"),
        RATE_LIMITED,
        *AUTH_ERRORS,
        UNAVAILABLE,
    ),
)

GET_COMPARISON = Operation(
    method="GET",
    path="/v1/comparisons/{comparison_id}",
    name="get_comparison",
    summary="Both sides' jobs and, once both succeeded, the score deltas and findings new/resolved/persisting",
    handler=get_comparison,
    params=(COMPARISON_ID_PARAM,),
    auth="api_key",
    tag="comparisons",
    replies=(Reply(200, "The comparison", ComparisonView), NO_COMPARISON, *AUTH_ERRORS, UNAVAILABLE),
)

GET_COMPARISON_REPORT = Operation(
    method="GET",
    path="/v1/comparisons/{comparison_id}/report.html",
    name="get_comparison_report",
    summary="The comparison as HTML, both fold screenshots side by side",
    handler=get_comparison_report,
    params=(COMPARISON_ID_PARAM,),
    auth="api_key",
    tag="comparisons",
    replies=(
        Reply(200, "The HTML comparison", media_type="text/html"),
        NO_COMPARISON,
        *AUTH_ERRORS,
        UNAVAILABLE,
    ),
)
