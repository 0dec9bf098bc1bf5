"""`GET /v1/analyses/{id}` and the files of a finished job: report.html, report.pdf, screenshots."""

from __future__ import annotations

import re

from starlette.requests import Request
from starlette.responses import Response

from shared import service
from shared.errors import JobNotFoundError
from shared.http.auth import authenticate
from shared.http.links import base_url
from shared.http.operations import ApiContext, Handler, Operation, Param, Reply
from shared.http.problems import ApiError
from shared.http.replies import AUTH_ERRORS, NOT_FOUND, UNAVAILABLE, json_reply
from shared.http.reports import ReportFormat, render_report
from shared.http.sharing import SHARE_FORBIDDEN, SHARE_PARAMS, authorize_job_file
from shared.models.api import Job, JobView, job_view
from shared.service import Runtime
from shared.share_links import with_share_links

# Job ids are what the store issues; anything else cannot exist, so it is a 404 without a lookup.
JOB_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
SCREENSHOT_NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}\.png$")


async def find_job(rt: Runtime, job_id: str) -> Job:
    if not JOB_ID.match(job_id):
        raise JobNotFoundError(job_id)
    return await service.find_job(rt, job_id)


async def full_view(rt: Runtime, job: Job, base: str) -> JobView:
    """One job as a read of it alone shows it: with its report, its `previous` and its share links."""
    view = job_view(job, base, await service.get_result(rt, job), await service.get_previous(rt, job))
    return with_share_links(view, job, rt.settings)


async def get_analysis(ctx: ApiContext, request: Request) -> Response:
    authenticate(request, ctx.settings)
    rt = await ctx.runtime()
    job = await find_job(rt, request.path_params["job_id"])
    return json_reply(await full_view(rt, job, base_url(ctx.settings, request)))


def report_file_handler(fmt: ReportFormat) -> Handler:
    async def get_report_file(ctx: ApiContext, request: Request) -> Response:
        authorize_job_file(request, ctx.settings, request.path_params["job_id"])
        rt = await ctx.runtime()
        job = await find_job(rt, request.path_params["job_id"])
        read = await service.get_report(rt, job, screenshots=True)
        if read is None:
            raise JobNotFoundError(job.id)
        return await render_report(rt, job, read, fmt)

    return get_report_file


async def get_screenshot(ctx: ApiContext, request: Request) -> Response:
    authorize_job_file(request, ctx.settings, request.path_params["job_id"])
    rt = await ctx.runtime()
    job = await find_job(rt, request.path_params["job_id"])
    name = request.path_params["name"]
    png = await service.get_screenshot(rt, job, name) if SCREENSHOT_NAME.match(name) else None
    if png is None:
        raise ApiError(404, "screenshot_not_found", "this job has no screenshot of that name", details={"name": name})
    return Response(png, media_type="image/png", headers={"Cache-Control": "private, max-age=3600"})


NOT_SUCCEEDED = Reply(409, "The job has not succeeded (yet)")
JOB_ID_SCHEMA = {"type": "string", "pattern": JOB_ID.pattern}
JOB_ID_PARAM = Param("job_id", "path", JOB_ID_SCHEMA, "The job id submit returned.")
SCREENSHOT_PARAM = Param(
    "name", "path", {"type": "string", "pattern": SCREENSHOT_NAME.pattern}, "A name from result.screenshots."
)

GET_ANALYSIS = Operation(
    method="GET",
    path="/v1/analyses/{job_id}",
    name="get_analysis",
    summary="Status, progress and (once succeeded) the report of a job",
    handler=get_analysis,
    params=(JOB_ID_PARAM,),
    auth="api_key",
    replies=(Reply(200, "The job", JobView), NOT_FOUND, *AUTH_ERRORS, UNAVAILABLE),
)


def _report_file_operation(fmt: ReportFormat, media_type: str) -> Operation:
    return Operation(
        uses_browser=fmt == "pdf",  # printed by this process's Chromium
        method="GET",
        path=f"/v1/analyses/{{job_id}}/report.{fmt}",
        name=f"get_report_{fmt}",
        summary=f"The report of a succeeded job as {fmt.upper()}",
        handler=report_file_handler(fmt),
        params=(JOB_ID_PARAM, *SHARE_PARAMS),
        auth="api_key",
        description="An API key, or the `expires` and `sig` of a share link (`links.share_report_*`).",
        replies=(
            Reply(200, f"The {fmt.upper()} report", media_type=media_type),
            NOT_FOUND,
            NOT_SUCCEEDED,
            SHARE_FORBIDDEN,
            *AUTH_ERRORS,
            UNAVAILABLE,
        ),
    )


GET_REPORT_HTML = _report_file_operation("html", "text/html")
GET_REPORT_PDF = _report_file_operation("pdf", "application/pdf")

GET_SCREENSHOT = Operation(
    method="GET",
    path="/v1/analyses/{job_id}/screenshots/{name}",
    name="get_screenshot",
    summary="One screenshot of a succeeded job (PNG)",
    handler=get_screenshot,
    params=(JOB_ID_PARAM, SCREENSHOT_PARAM, *SHARE_PARAMS),
    auth="api_key",
    description="An API key, or the `expires` and `sig` of the job's share link.",
    replies=(
        Reply(200, "The screenshot", media_type="image/png"),
        NOT_FOUND,
        NOT_SUCCEEDED,
        SHARE_FORBIDDEN,
        *AUTH_ERRORS,
        UNAVAILABLE,
    ),
)
