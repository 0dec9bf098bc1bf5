"""`POST /v1/tasks/analyze`: the queue's push. 2xx = this delivery is done; 503 = retry it later.

Cloud Tasks counts its retries in `X-CloudTasks-TaskRetryCount`; the service needs the attempt number
(1-based) to fail the job on the last allowed attempt instead of leaving it to be retried forever.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from shared import service
from shared.http.body import read_model
from shared.http.operations import ApiContext, Operation, Param, Reply
from shared.http.problems import ApiError, error_response
from shared.http.replies import BODY_ERRORS, json_reply
from shared.http.schemas import TaskAck
from shared.models.api import TaskPayload

RETRY_COUNT_HEADER = "x-cloudtasks-taskretrycount"
MAX_RETRY_COUNT_DIGITS = 6


def attempt_of(request: Request) -> int:
    """1-based attempt number; 1 without the header (a task-secret push outside Cloud Tasks)."""
    retries = request.headers.get(RETRY_COUNT_HEADER)
    if retries is None:
        return 1
    if not (retries.isascii() and retries.isdigit() and len(retries) <= MAX_RETRY_COUNT_DIGITS):
        raise ApiError(400, "invalid_retry_count", f"{RETRY_COUNT_HEADER} must be a whole number")
    return int(retries) + 1


async def analyze_task(ctx: ApiContext, request: Request) -> Response:
    await ctx.tasks.authenticate(request)
    attempt = attempt_of(request)
    settings = ctx.settings
    payload = await read_model(
        request, TaskPayload, max_bytes=settings.max_body_bytes, timeout_s=settings.body_read_timeout_s
    )
    rt = await ctx.runtime()
    delivery = service.Delivery(job_id=payload.job_id, attempt=attempt, max_attempts=settings.max_attempts)
    outcome = await service.process_delivery(rt, delivery)
    if outcome == "done":
        return json_reply(TaskAck(job_id=payload.job_id))
    return error_response(
        503,
        "retry",
        "this attempt failed transiently; deliver the task again",
        details={"job_id": payload.job_id, "attempt": delivery.attempt},
    )


ANALYZE_TASK = Operation(
    method="POST",
    path="/v1/tasks/analyze",
    name="analyze_task",
    summary="Run one delivery of a queued job (internal: Cloud Tasks push)",
    description=(
        "Authenticated by a Cloud Tasks OIDC token for this endpoint's audience, or by the X-Task-Secret "
        "header. Safe to deliver more than once: a lease lets one attempt run and a finished job is acknowledged."
    ),
    handler=analyze_task,
    uses_browser=True,
    body=TaskPayload,
    params=(
        Param(
            "X-CloudTasks-TaskRetryCount",
            "header",
            {"type": "string", "pattern": "^[0-9]{1,6}$"},
            "Set by Cloud Tasks: how many times this task was retried before.",
            required=False,
        ),
    ),
    auth="task",
    tag="internal",
    replies=(
        Reply(200, "Done with this delivery (succeeded, failed permanently, or already done)", TaskAck),
        Reply(400, "Malformed JSON, or a retry count that is not a number"),
        Reply(401, "Missing, forged or expired credentials", headers=("WWW-Authenticate",)),
        Reply(403, "A valid token of an account that may not push tasks"),
        *BODY_ERRORS,
        Reply(422, "The body is not a task payload"),
        Reply(503, "Transient failure or store unavailable: deliver again later", headers=("Retry-After",)),
    ),
)
