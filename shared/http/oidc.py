"""Verifying the OIDC token Cloud Tasks sends with each push, with google-auth.

google-auth fetches the signing certificates on every verification; Google rotates them over days, so
they are kept for `task_oidc_certs_cache_s` instead, and fetched with a bounded timeout. Verification
is blocking (a possible fetch, then RSA), so it runs in a worker thread.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Mapping
from typing import Any

import google.auth.exceptions
import google.auth.transport
import google.auth.transport.requests
from google.oauth2 import id_token

from shared.errors import TokenError

GOOGLE_ISSUERS = frozenset({"accounts.google.com", "https://accounts.google.com"})


class InvalidTokenError(TokenError):
    """The token is not a valid Google ID token for this audience (forged, expired, wrong audience...)."""


class CertificatesUnavailableError(TokenError):
    """Google's signing certificates could not be fetched: nothing is wrong with the caller, retry later."""


class _CachingCertsRequest(google.auth.transport.Request):
    """A google-auth transport that reuses successful GET answers for `ttl_s` seconds."""

    def __init__(self, *, ttl_s: float, timeout_s: float) -> None:
        self._inner = google.auth.transport.requests.Request()
        self._ttl_s = ttl_s
        self._timeout_s = timeout_s
        self._lock = threading.Lock()
        self._cached: dict[str, tuple[float, google.auth.transport.Response]] = {}

    def __call__(
        self,
        url: str,
        method: str = "GET",
        body: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        timeout: float | None = None,
        **kwargs: Any,
    ) -> google.auth.transport.Response:
        cacheable = method == "GET" and body is None and self._ttl_s > 0
        if cacheable:
            with self._lock:
                hit = self._cached.get(url)
            if hit is not None and time.monotonic() - hit[0] < self._ttl_s:
                return hit[1]
        response = self._inner(url, method=method, body=body, headers=headers, timeout=self._timeout_s, **kwargs)
        if cacheable and response.status == 200:
            with self._lock:
                self._cached[url] = (time.monotonic(), response)
        return response


class OidcVerifier:
    """Checks Google-signed ID tokens for one audience."""

    def __init__(self, *, audience: str, certs_url: str, certs_cache_s: float, certs_timeout_s: float) -> None:
        self.audience = audience
        self._certs_url = certs_url
        self._transport = _CachingCertsRequest(ttl_s=certs_cache_s, timeout_s=certs_timeout_s)

    def verify_blocking(self, token: str) -> Mapping[str, Any]:
        try:
            claims = id_token.verify_token(token, self._transport, audience=self.audience, certs_url=self._certs_url)
        except google.auth.exceptions.TransportError as exc:
            raise CertificatesUnavailableError(str(exc)) from exc
        except (ValueError, google.auth.exceptions.GoogleAuthError) as exc:
            raise InvalidTokenError(str(exc)) from exc
        if claims.get("iss") not in GOOGLE_ISSUERS:
            raise InvalidTokenError(f"issuer {claims.get('iss')!r} is not Google")
        return claims

    async def verify(self, token: str) -> Mapping[str, Any]:
        """The token's claims; raises InvalidTokenError or CertificatesUnavailableError."""
        return await asyncio.to_thread(self.verify_blocking, token)
