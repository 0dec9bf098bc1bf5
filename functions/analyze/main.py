"""The analyze function: Cloud Tasks pushes each queued job to `POST /v1/tasks/analyze`."""

import functions_framework.aio
from starlette.requests import Request
from starlette.responses import Response

from shared.http.apps import ANALYZE
from shared.http.function import FunctionApp

app = FunctionApp(ANALYZE)


@functions_framework.aio.http
async def analyze(request: Request) -> Response:
    return await app(request)
