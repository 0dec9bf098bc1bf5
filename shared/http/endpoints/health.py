"""Liveness (`/healthz`, no dependencies) and readiness (`/readyz`: store, queue, browser, Claude)."""

from __future__ import annotations

import logging

from starlette.requests import Request
from starlette.responses import Response

from shared import service
from shared.http.operations import ApiContext, Operation, Reply
from shared.http.replies import json_reply
from shared.http.schemas import Health, Readiness

log = logging.getLogger(__name__)


def uses_browser(ctx: ApiContext) -> bool:
    """Whether this process ever starts Chromium: it serves an operation that does (the analyze task, the
    PDF report), or its queue runs analyses in-process (inline). A submit function behind Cloud Tasks or
    Redis Streams does neither, so its readiness launches no browser."""
    return ctx.settings.queue_backend == "inline" or any(operation.uses_browser for operation in ctx.operations)


async def readiness_checks(ctx: ApiContext) -> dict[str, bool | str]:
    """What `service.readiness` reports, or why the runtime itself could not be had."""
    try:
        return await service.readiness(await ctx.runtime(), browser=uses_browser(ctx))
    except Exception as exc:
        log.warning("readiness check failed", extra={"error": repr(exc)})
        return {"ready": False, "runtime": False, "runtime_error": type(exc).__name__}


async def healthz(ctx: ApiContext, request: Request) -> Response:
    return json_reply(Health())


async def readyz(ctx: ApiContext, request: Request) -> Response:
    checks = await readiness_checks(ctx)
    ready = checks.get("ready") is True
    return json_reply(Readiness(ready=ready, checks=checks), status=200 if ready else 503)


HEALTHZ = Operation(
    method="GET",
    path="/healthz",
    name="healthz",
    summary="Liveness: the process answers (no dependency is checked)",
    handler=healthz,
    tag="operations",
    replies=(Reply(200, "Alive", Health),),
)
READYZ = Operation(
    method="GET",
    path="/readyz",
    name="readyz",
    summary="Readiness: store, queue, browser and Claude configuration",
    handler=readyz,
    tag="operations",
    replies=(Reply(200, "Ready", Readiness), Reply(503, "Not ready: a dependency is down", Readiness)),
)
