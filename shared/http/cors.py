"""CORS for web front ends on other origins (CORS_ALLOWED_ORIGINS): preflights answered, and the
`Access-Control-Allow-Origin` of a listed origin echoed; nothing for any other origin, so the browser
refuses. With `*` every origin may read, but never with credentials, as the Fetch standard demands."""

from __future__ import annotations

from collections.abc import MutableMapping

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.config import Settings

ALLOWED_METHODS = "GET, POST, DELETE"
ALLOWED_HEADERS = "Authorization, X-API-Key, Content-Type, Idempotency-Key"
EXPOSED_HEADERS = "Location, Retry-After"


class Cors:
    def __init__(self, settings: Settings) -> None:
        self._origins = frozenset(settings.cors_allowed_origins)
        self._max_age = str(settings.cors_max_age_s)

    def headers(self, origin: str | None) -> dict[str, str]:
        """The headers an answer to `origin` carries; empty for an origin that is not allowed."""
        if origin is None or not self._origins:
            return {}
        if "*" in self._origins:
            return {"Access-Control-Allow-Origin": "*", "Access-Control-Expose-Headers": EXPOSED_HEADERS}
        if origin not in self._origins:
            return {"Vary": "Origin"}
        return {
            "Access-Control-Allow-Origin": origin,
            "Access-Control-Allow-Credentials": "true",
            "Access-Control-Expose-Headers": EXPOSED_HEADERS,
            "Vary": "Origin",
        }

    def preflight(self, request: Request) -> Response | None:
        """The answer to a CORS preflight, or None when the request is not one."""
        if not self._origins or request.method != "OPTIONS" or "access-control-request-method" not in request.headers:
            return None
        headers = self.headers(request.headers.get("origin"))
        if "Access-Control-Allow-Origin" in headers:
            headers.pop("Access-Control-Expose-Headers", None)
            headers.update(
                {
                    "Access-Control-Allow-Methods": ALLOWED_METHODS,
                    "Access-Control-Allow-Headers": ALLOWED_HEADERS,
                    "Access-Control-Max-Age": self._max_age,
                }
            )
        return Response(status_code=204, headers=headers)

    def decorate(self, request: Request, headers: MutableMapping[str, str]) -> None:
        headers.update(self.headers(request.headers.get("origin")))


class CorsMiddleware:
    """The gateway's: preflights answered before routing, headers added to every answer (streams too)."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self._app = app
        self._cors = Cors(settings)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        request = Request(scope)
        preflight = self._cors.preflight(request)
        if preflight is not None:
            await preflight(scope, receive, send)
            return
        extra = self._cors.headers(request.headers.get("origin"))

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start" and extra:
                headers = list(message.get("headers", []))
                headers += [(name.lower().encode(), value.encode()) for name, value in extra.items()]
                message = {**message, "headers": headers}
            await send(message)

        await self._app(scope, receive, send_with_headers)
