"""`GET /v1/stats` (the operators' view: queue, workers, outcomes, durations) and `GET /metrics`."""

from __future__ import annotations

import hmac

from prometheus_client import CONTENT_TYPE_LATEST
from starlette.requests import Request
from starlette.responses import Response

from shared import metrics, stats
from shared.http.auth import authenticate
from shared.http.operations import ApiContext, Operation, Reply
from shared.http.problems import ApiError
from shared.http.replies import AUTH_ERRORS, UNAVAILABLE, json_reply
from shared.models.operations import Stats


async def get_stats(ctx: ApiContext, request: Request) -> Response:
    authenticate(request, ctx.settings)
    rt = await ctx.runtime()
    figures = await rt.queue.figures()
    return json_reply(await stats.read_stats(rt.redis, ctx.settings, figures))


def _check_metrics_token(request: Request, token: str) -> None:
    scheme, _, presented = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(presented.strip().encode(), token.encode()):
        raise ApiError(
            401, "unauthorized", "send Authorization: Bearer <METRICS_TOKEN>", headers={"WWW-Authenticate": "Bearer"}
        )


async def get_metrics(ctx: ApiContext, request: Request) -> Response:
    if ctx.settings.metrics_token is not None:
        _check_metrics_token(request, ctx.settings.metrics_token.get_secret_value())
    rt = await ctx.runtime()
    figures = await rt.queue.figures()
    for kind in ("depth", "pending", "delayed"):
        value = getattr(figures, kind)
        if value is not None:
            metrics.QUEUE.labels(kind).set(value)
    return Response(metrics.exposition(), media_type=CONTENT_TYPE_LATEST)


GET_STATS = Operation(
    method="GET",
    path="/v1/stats",
    name="get_stats",
    summary="Queue, live workers, jobs by outcome and durations (the console's Operations view)",
    handler=get_stats,
    auth="api_key",
    tag="operations",
    replies=(Reply(200, "The figures", Stats), *AUTH_ERRORS, UNAVAILABLE),
)
METRICS = Operation(
    method="GET",
    path="/metrics",
    name="get_metrics",
    summary="This process's Prometheus metrics (Bearer METRICS_TOKEN when set)",
    handler=get_metrics,
    tag="operations",
    replies=(
        Reply(200, "Prometheus text exposition", media_type="text/plain"),
        Reply(401, "METRICS_TOKEN is set and was not presented", headers=("WWW-Authenticate",)),
        UNAVAILABLE,
    ),
)
