"""The result function: job status, report, report.html/.pdf, screenshots (and the original status routes)."""

import functions_framework.aio
from starlette.requests import Request
from starlette.responses import Response

from shared.http.apps import RESULT
from shared.http.function import FunctionApp

app = FunctionApp(RESULT)


@functions_framework.aio.http
async def result(request: Request) -> Response:
    return await app(request)
