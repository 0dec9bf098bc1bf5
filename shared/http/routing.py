"""Operations as Starlette routes, and the dispatcher a single function uses to pick the route itself.

functions-framework hands every path of a function to one callable; `dispatch` matches the request
against the function's routes exactly as the gateway's router would, so a path answers the same in
both. Every endpoint is wrapped so that any exception leaves as the error shape, never as a bare 500.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Match, Route

from shared.http.operations import ApiContext, Operation
from shared.http.problems import as_api_error, error_response

Endpoint = Callable[[Request], Awaitable[Response]]


def endpoint_for(operation: Operation, context: ApiContext) -> Endpoint:
    async def endpoint(request: Request) -> Response:
        try:
            return await operation.handler(context, request)
        except Exception as exc:
            return as_api_error(exc).response()

    endpoint.__name__ = operation.name
    return endpoint


def build_routes(operations: Sequence[Operation], context: ApiContext) -> list[Route]:
    return [Route(op.path, endpoint_for(op, context), methods=[op.method], name=op.name) for op in operations]


def not_found() -> Response:
    return error_response(404, "not_found", "no such path")


def method_not_allowed(allowed: Sequence[str]) -> Response:
    return error_response(
        405, "method_not_allowed", "this path does not accept that method", headers={"Allow": ", ".join(allowed)}
    )


async def dispatch(request: Request, routes: Sequence[Route]) -> Response:
    """Calls the endpoint of the route matching the request: 404 for no path, 405 for a wrong method."""
    scope = dict(request.scope)
    scope["path_params"] = {}
    allowed: list[str] = []
    for route in routes:
        match, child_scope = route.matches(scope)
        if match is Match.FULL:
            scope.update(child_scope)
            return await route.endpoint(Request(scope, request.receive))
        if match is Match.PARTIAL:
            allowed.extend(sorted(route.methods or ()))
    return method_not_allowed(allowed) if allowed else not_found()
