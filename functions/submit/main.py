"""The submit function: `POST /v1/analyses` (and the original `POST /analyze/async`)."""

import functions_framework.aio
from starlette.requests import Request
from starlette.responses import Response

from shared.http.apps import SUBMIT
from shared.http.function import FunctionApp

app = FunctionApp(SUBMIT)


@functions_framework.aio.http
async def submit(request: Request) -> Response:
    return await app(request)
