"""`GET /openapi.json`: the document of exactly the operations this app serves."""

from __future__ import annotations

import json

from starlette.requests import Request
from starlette.responses import Response

from shared.http.openapi import openapi_document
from shared.http.operations import ApiContext, Operation, Reply


async def get_openapi(ctx: ApiContext, request: Request) -> Response:
    if ctx.openapi is None:
        ctx.openapi = openapi_document(ctx.operations, ctx.settings)
    return Response(json.dumps(ctx.openapi), media_type="application/json")


OPENAPI = Operation(
    method="GET",
    path="/openapi.json",
    name="get_openapi",
    summary="This OpenAPI 3.1 document",
    handler=get_openapi,
    tag="operations",
    replies=(Reply(200, "The OpenAPI document"),),
)
