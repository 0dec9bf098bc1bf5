"""A functions-framework function over a set of operations: `FunctionApp(SUBMIT)` is a whole function.

The settings are read when the module is imported, so a misconfigured function fails at start; the
runtime is created on the first request and released when the process ends (see shared.http.runtime).
Logging is set up on the first request too: gunicorn, which functions-framework runs, configures the
root logger after the module is imported and would drop a handler installed earlier.
"""

from __future__ import annotations

from collections.abc import Sequence

from starlette.requests import Request
from starlette.responses import Response

from shared.config import Settings, get_settings
from shared.http.cors import Cors
from shared.http.operations import ApiContext, Operation
from shared.http.routing import build_routes, dispatch
from shared.http.runtime import RuntimeHolder
from shared.logs import configure_logging


class FunctionApp:
    def __init__(self, operations: Sequence[Operation], settings: Settings | None = None) -> None:
        settings = settings or get_settings()
        runtimes = RuntimeHolder(settings)
        self.context = ApiContext.create(runtimes, operations)
        self._routes = build_routes(operations, self.context)
        self._cors = Cors(settings)
        self._logging_ready = False

    async def __call__(self, request: Request) -> Response:
        if not self._logging_ready:
            configure_logging(self.context.settings.log_level)
            self._logging_ready = True
        preflight = self._cors.preflight(request)
        if preflight is not None:
            return preflight
        response = await dispatch(request, self._routes)
        self._cors.decorate(request, response.headers)
        return response
