"""The gateway: submit, result and analyze in one Starlette app (Render web service, `serve`, tests).

The runtime is created at startup, so the inline queue runs from the first second and a broken store
configuration stops the process instead of failing requests one by one; it is closed at shutdown after
uvicorn has let in-flight requests finish.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Match, Route

from shared.config import Settings, get_settings
from shared.http.apps import GATEWAY
from shared.http.cors import CorsMiddleware
from shared.http.operations import ApiContext
from shared.http.problems import error_response
from shared.http.routing import build_routes, method_not_allowed, not_found
from shared.http.runtime import RuntimeHolder
from shared.service import AnalyzeFn


async def _http_exception(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 404:
        return not_found()
    if exc.status_code == 405:
        # Starlette names the methods of the first route on the path only; a path can have several (GET, DELETE).
        allowed = {
            method
            for route in request.app.routes
            if isinstance(route, Route) and route.matches(request.scope)[0] is not Match.NONE
            for method in route.methods or ()
        }
        return method_not_allowed(sorted(allowed))
    return error_response(exc.status_code, "http_error", str(exc.detail))


def create_app(settings: Settings | None = None, *, analyze: AnalyzeFn | None = None) -> Starlette:
    """The gateway app; `analyze` replaces the engine (tests)."""
    runtimes = RuntimeHolder(settings or get_settings(), analyze=analyze)
    context = ApiContext.create(runtimes, GATEWAY)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await runtimes.get()
        try:
            yield
        finally:
            await runtimes.close()

    app = Starlette(
        routes=build_routes(GATEWAY, context),
        lifespan=lifespan,
        exception_handlers={HTTPException: _http_exception},
        middleware=[Middleware(CorsMiddleware, settings=runtimes.settings)],
    )
    return app
