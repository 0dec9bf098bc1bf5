"""`GET /`: the console for people (submit, follow, list, share, cancel; the Operations view), and its
two static files. Plain files shipped in the package, no build step; a CSP as strict as the report's
lets the page load only its own script and style and talk only to this origin."""

from __future__ import annotations

from functools import cache
from importlib.resources import files

from starlette.requests import Request
from starlette.responses import Response

from shared.http.operations import ApiContext, Operation, Param, Reply
from shared.http.problems import ApiError

CONSOLE_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
# Share links carry their signature in the query: the page must not hand it on as a referrer.
SECURITY_HEADERS = {
    "Content-Security-Policy": CONSOLE_CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}
ASSETS: dict[str, str] = {
    "console.js": "text/javascript; charset=utf-8",
    "console.css": "text/css; charset=utf-8",
}


@cache
def _asset(name: str) -> bytes:
    return files("shared.console").joinpath(name).read_bytes()


async def get_console(ctx: ApiContext, request: Request) -> Response:
    return Response(_asset("index.html"), media_type="text/html; charset=utf-8", headers=SECURITY_HEADERS)


async def get_console_asset(ctx: ApiContext, request: Request) -> Response:
    name = request.path_params["name"]
    if name not in ASSETS:
        raise ApiError(404, "not_found", "no such path")
    return Response(_asset(name), media_type=ASSETS[name], headers=SECURITY_HEADERS)


CONSOLE = Operation(
    method="GET",
    path="/",
    name="get_console",
    summary="The web console: submit, follow, list, share and cancel analyses; the Operations view",
    handler=get_console,
    tag="console",
    replies=(Reply(200, "The console page", media_type="text/html"),),
)
CONSOLE_ASSET = Operation(
    method="GET",
    path="/console/{name}",
    name="get_console_asset",
    summary="The console's script and style sheet",
    handler=get_console_asset,
    params=(Param("name", "path", {"type": "string", "enum": list(ASSETS)}, "console.js or console.css"),),
    tag="console",
    replies=(
        Reply(200, "The script", media_type="text/javascript"),
        Reply(200, "The style sheet", media_type="text/css"),
        Reply(404, "No such file"),
    ),
)
