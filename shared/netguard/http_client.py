"""An outbound HTTP client (for webhooks) that meets the egress policy on every connection it opens.

The client's only route out is a session of the egress guard (SOCKS5, host names resolved by the
guard), so a callback URL gets exactly the check a browser connection gets, at connect time: a name
that resolved to a public address when the job was submitted and to a private one now is refused.
Redirects are not followed; a caller that follows them anyway opens a new, checked connection per hop.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

import httpx

from shared.errors import NetworkError
from shared.netguard.egress import EgressGuard, GuardSession, Refusal


class EgressRefusedError(NetworkError):
    """The policy refused the connection (non-public address or metadata name): retrying cannot help."""

    def __init__(self, refusal: Refusal) -> None:
        # The message lands in the job's webhook record, which callers read: no resolved addresses.
        super().__init__(
            f"refused to connect to {refusal.host}:{refusal.port}: "
            f"not a public address ({refusal.why or refusal.reason})"
        )
        self.refusal = refusal


class _GuardedTransport(httpx.AsyncBaseTransport):
    """Sends through the guard session's proxy and turns its policy refusals into `EgressRefusedError`."""

    def __init__(self, session: GuardSession) -> None:
        self._session = session
        self._inner = httpx.AsyncHTTPTransport(proxy=httpx.Proxy(session.proxy_url), trust_env=False, retries=0)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        try:
            return await self._inner.handle_async_request(request)
        except httpx.ProxyError as exc:
            refusal = self._session.refusal_for(request.url.host, request.url.port or _default_port(request.url))
            if refusal is not None and refusal.reason == "blocked":
                raise EgressRefusedError(refusal) from exc
            reason = f"{refusal.reason}: {refusal.why}" if refusal is not None else str(exc)
            raise httpx.ConnectError(f"could not connect to {request.url.host}: {reason}", request=request) from exc

    async def aclose(self) -> None:
        await self._inner.aclose()


def _default_port(url: httpx.URL) -> int:
    return 443 if url.scheme == "https" else 80


@contextlib.asynccontextmanager
async def guarded_client(guard: EgressGuard, timeout_s: float) -> AsyncIterator[httpx.AsyncClient]:
    """An `httpx.AsyncClient` whose every connection passes `guard`'s policy; redirects are not followed.

    Raises `EgressRefusedError` from a request to a refused target; other connection failures stay
    `httpx.ConnectError` (transient). `timeout_s` bounds each phase (connect, write, read, pool).
    """
    async with guard.session() as session:
        transport = _GuardedTransport(session)
        async with httpx.AsyncClient(
            transport=transport, timeout=timeout_s, follow_redirects=False, trust_env=False
        ) as client:
            yield client
