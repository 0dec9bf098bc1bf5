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


def presented_keys(request: Request) -> list[str]:
    """Every key the request carries: `Authorization: Bearer <key>` and `X-API-Key`. Another kind of
    Authorization counts as a key that cannot match, so it is refused rather than ignored."""
    keys = []
    authorization = request.headers.get("authorization")
    if authorization is not None:
        scheme, _, credentials = authorization.partition(" ")
        keys.append(credentials.strip() if scheme.lower() == "bearer" else "")
    if "x-api-key" in request.headers:
        keys.append(request.headers["x-api-key"].strip())
    return keys


def _is_valid(key: str, settings: Settings) -> bool:
    presented = key.encode()
    matched = False
    for valid in settings.api_keys:
        matched |= hmac.compare_digest(presented, valid.get_secret_value().encode())
    return matched


def authenticate(request: Request, settings: Settings) -> str:
    """The caller's principal; 401 when keys are configured and none was presented, or one presented is
    wrong (a wrong credential is never ignored because another one happens to be right)."""
    if not settings.api_keys:
        return ANONYMOUS
    keys = presented_keys(request)
    if not keys:
        raise ApiError(
            401,
            "unauthorized",
            "an API key is required: send Authorization: Bearer <key> or X-API-Key: <key>",
            headers=_CHALLENGE,
        )
    if not all(key and _is_valid(key, settings) for key in keys):
        raise ApiError(401, "invalid_api_key", "the API key is not valid", headers=_CHALLENGE)
    return principal_of(keys[0])
