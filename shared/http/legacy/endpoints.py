"""The original service's routes over the same jobs as `/v1/analyses`.

Status codes follow the original: submit answers 200, a result not ready yet answers 202, a failed task's
result answers 500, an unknown task 404. Unlike Celery, which reports an unknown task id as PENDING
forever, an unknown or expired id here is a 404, so a polling loop ends instead of spinning.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from shared import service
from shared.http.auth import authenticate
from shared.http.body import read_model
from shared.http.endpoints.health import readiness_checks
from shared.http.endpoints.results import JOB_ID_SCHEMA, find_job
from shared.http.legacy.mapping import (
    DEEP_INFO_KEY,
    MESSAGES,
    legacy_error,
    legacy_progress,
    legacy_result,
    legacy_state,
)
from shared.http.legacy.models import (
    LegacyAnalysisRequest,
    LegacyDetailedStatus,
    LegacyHealth,
    LegacySubmitted,
    LegacyTaskResult,
    LegacyTaskStatus,
)
from shared.http.operations import ApiContext, Link, Operation, Param, Reply
from shared.http.problems import ApiError
from shared.http.ratelimit import enforce_submit_limit
from shared.http.replies import AUTH_ERRORS, BODY_ERRORS, MALFORMED_JSON, NOT_FOUND, RATE_LIMITED, UNAVAILABLE
from shared.models.api import AnalysisRequest, ErrorBody


def _reply(model: LegacySubmitted | LegacyTaskStatus | LegacyTaskResult, status: int = 200) -> Response:
    # Only the fields the original sent in that state are present (it built its answers as dicts).
    return Response(model.model_dump_json(exclude_unset=True), status_code=status, media_type="application/json")


async def analyze_async(ctx: ApiContext, request: Request) -> Response:
    settings = ctx.settings
    principal = authenticate(request, settings)
    rt = await ctx.runtime()
    await enforce_submit_limit(rt, principal)
    legacy = await read_model(
        request, LegacyAnalysisRequest, max_bytes=settings.max_body_bytes, timeout_s=settings.body_read_timeout_s
    )
    analysis = AnalysisRequest(
        url=legacy.url, include_screenshots=legacy.include_screenshots, metadata={DEEP_INFO_KEY: legacy.deep_info}
    )
    outcome = await service.submit_job(rt, analysis, principal=principal, idempotency_key=None)
    job = outcome.job
    state = legacy_state(job)
    return _reply(
        LegacySubmitted(
            task_id=job.id,
            status=state,
            message="Analysis task submitted successfully" if state == "PENDING" else MESSAGES[state],
            poll_url=f"/analyze/status/{job.id}",
        )
    )


async def analyze_status(ctx: ApiContext, request: Request) -> Response:
    authenticate(request, ctx.settings)
    rt = await ctx.runtime()
    job = await find_job(rt, request.path_params["task_id"])
    state = legacy_state(job)
    answer = LegacyTaskStatus(task_id=job.id, status=state, message=MESSAGES[state])
    if state == "PROGRESS":
        answer.progress = legacy_progress(job)
    elif state == "SUCCESS":
        report = await service.get_result(rt, job)
        if report is not None:
            answer.result = legacy_result(job, report)
    elif state == "FAILURE":
        answer.error = legacy_error(job)
    return _reply(answer)


async def analyze_result(ctx: ApiContext, request: Request) -> Response:
    authenticate(request, ctx.settings)
    rt = await ctx.runtime()
    job = await find_job(rt, request.path_params["task_id"])
    state = legacy_state(job)
    if state == "FAILURE":
        raise ApiError(500, "task_failed", f"Task failed: {legacy_error(job)}")
    if state == "REVOKED":
        raise ApiError(409, "task_revoked", MESSAGES[state])
    report = await service.get_result(rt, job) if state == "SUCCESS" else None
    if report is None:
        raise ApiError(
            202,
            "task_not_finished",
            "Task is still pending. Please check status endpoint."
            if state == "PENDING"
            else "Task is being processed. Please check status endpoint.",
        )
    return _reply(LegacyTaskResult(task_id=job.id, status="SUCCESS", result=legacy_result(job, report)))


async def health(ctx: ApiContext, request: Request) -> Response:
    return Response(LegacyHealth().model_dump_json(), media_type="application/json")


def _component(value: bool | str | None, up: str, down: str) -> str:
    if isinstance(value, bool):
        return up if value else down
    return value or "unknown"


async def status_detailed(ctx: ApiContext, request: Request) -> Response:
    checks = await readiness_checks(ctx)
    redis = _component(checks.get("store"), "connected", "disconnected")
    anthropic = "configured" if ctx.settings.llm_configured else "missing"
    answer = LegacyDetailedStatus(
        api="healthy",
        redis=redis,
        celery=_component(checks.get("queue"), "workers_active", "no_workers"),
        browser_pool=_component(checks.get("browser"), "healthy", "unhealthy"),
        anthropic_api=anthropic,
        overall_status="healthy" if redis == "connected" and anthropic == "configured" else "degraded",
        queue_backend=ctx.settings.queue_backend,
    )
    return Response(answer.model_dump_json(), media_type="application/json")


TASK_ID = Param("task_id", "path", JOB_ID_SCHEMA, "The task id /analyze/async returned.")

ANALYZE_ASYNC = Operation(
    method="POST",
    path="/analyze/async",
    name="legacy_analyze_async",
    summary="Original service: submit an analysis (Celery-style task id)",
    handler=analyze_async,
    body=LegacyAnalysisRequest,
    auth="api_key",
    tag="original service",
    replies=(
        Reply(
            200,
            "Submitted",
            LegacySubmitted,
            links=(
                Link("GetStatus", "legacy_analyze_status", "task_id", "$response.body#/task_id"),
                Link("GetResult", "legacy_analyze_result", "task_id", "$response.body#/task_id"),
            ),
        ),
        MALFORMED_JSON,
        *BODY_ERRORS,
        Reply(422, "A bad URL or a forbidden target; `error.code` says which"),
        RATE_LIMITED,
        *AUTH_ERRORS,
        UNAVAILABLE,
    ),
)
ANALYZE_STATUS = Operation(
    method="GET",
    path="/analyze/status/{task_id}",
    name="legacy_analyze_status",
    summary="Original service: task state (PENDING, PROGRESS, SUCCESS, FAILURE, REVOKED)",
    handler=analyze_status,
    params=(TASK_ID,),
    auth="api_key",
    tag="original service",
    replies=(Reply(200, "The task", LegacyTaskStatus), NOT_FOUND, *AUTH_ERRORS, UNAVAILABLE),
)
ANALYZE_RESULT = Operation(
    method="GET",
    path="/analyze/result/{task_id}",
    name="legacy_analyze_result",
    summary="Original service: the result of a finished task",
    handler=analyze_result,
    params=(TASK_ID,),
    auth="api_key",
    tag="original service",
    replies=(
        Reply(200, "The result", LegacyTaskResult),
        Reply(202, "Not finished yet", ErrorBody),
        NOT_FOUND,
        Reply(409, "The task was revoked (canceled)"),
        Reply(500, "The task failed (as the original answered)"),
        *AUTH_ERRORS,
        UNAVAILABLE,
    ),
)
HEALTH = Operation(
    method="GET",
    path="/health",
    name="legacy_health",
    summary="Original service: liveness",
    handler=health,
    tag="original service",
    replies=(Reply(200, "Alive", LegacyHealth),),
)
STATUS_DETAILED = Operation(
    method="GET",
    path="/status/detailed",
    name="legacy_status_detailed",
    summary="Original service: component status",
    handler=status_detailed,
    tag="original service",
    replies=(Reply(200, "Component status", LegacyDetailedStatus),),
)
