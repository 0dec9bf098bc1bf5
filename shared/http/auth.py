"""API keys on submit and result: who is calling, as a principal that never contains the key itself.

Several keys may be valid at once so they can be rotated without downtime. Every configured key is
compared in constant time, and all of them are compared, so timing tells nothing about which matched.
"""

from __future__ import annotations

import hashlib
import hmac

from starlette.requests import Request

from shared.config import Settings
from shared.http.problems import ApiError

ANONYMOUS = "anonymous"
_CHALLENGE = {"WWW-Authenticate": 'Bearer realm="cro-analyzer"'}


def principal_of(key: str) -> str:
    """A stable, non-reversible name for a key: used in rate-limit and idempotency keys and in logs."""
    return "key_" + hashlib.sha256(b"cro-analyzer api key\0" + key.encode()).hexdigest()[:20]


def presented_key(request: Request) -> str | None:
    """The key from `Authorization: Bearer <key>`, else from `X-API-Key`."""
    authorization = request.headers.get("authorization", "")
    scheme, _, credentials = authorization.partition(" ")
    if scheme.lower() == "bearer" and credentials.strip():
        return credentials.strip()
    return request.headers.get("x-api-key", "").strip() or None


def authenticate(request: Request, settings: Settings) -> str:
    """The caller's principal; 401 when keys are configured and none of them was presented."""
    if not settings.api_keys:
        return ANONYMOUS
    key = presented_key(request)
    if key is None:
        raise ApiError(
            401,
            "unauthorized",
            "an API key is required: send Authorization: Bearer <key> or X-API-Key: <key>",
            headers=_CHALLENGE,
        )
    presented = key.encode()
    matched = False
    for valid in settings.api_keys:
        matched |= hmac.compare_digest(presented, valid.get_secret_value().encode())
    if not matched:
        raise ApiError(401, "invalid_api_key", "the API key is not valid", headers=_CHALLENGE)
    return principal_of(key)
