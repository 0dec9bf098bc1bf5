"""API keys on submit and result: who is calling, as a principal that never contains the key itself.

Several keys may be valid at once so they can be rotated without downtime. Every configured key is
compared in constant time, and all of them are compared, so timing tells nothing about which matched.
"""

from __future__ import annotations

import hashlib
import hmac

from starlette.requests import Request

from shared.http.problems import ApiError
from shared.settings.http import HttpSettings

ANONYMOUS = "anonymous"
_CHALLENGE = {"WWW-Authenticate": 'Bearer realm="cro-analyzer"'}


def principal_of(key: str) -> str:
    """A stable, non-reversible name for a key: used in rate-limit and idempotency keys and in logs."""
    return "key_" + hashlib.sha256(b"cro-analyzer api key\0" + key.encode()).hexdigest()[:20]


def presented_keys(request: Request) -> list[str]:
    """Every key the request carries, every value of a repeated header included: `Authorization: Bearer
    <key>` and `X-API-Key`. Another kind of Authorization counts as a key that cannot match, so it is
    refused rather than ignored."""
    keys = []
    for authorization in request.headers.getlist("authorization"):
        scheme, _, credentials = authorization.partition(" ")
        keys.append(credentials.strip() if scheme.lower() == "bearer" else "")
    keys.extend(value.strip() for value in request.headers.getlist("x-api-key"))
    return keys


def _is_valid(key: str, settings: HttpSettings) -> bool:
    presented = key.encode()
    matched = False
    for valid in settings.api_keys:
        matched |= hmac.compare_digest(presented, valid.get_secret_value().encode())
    return matched


def authenticate(request: Request, settings: HttpSettings) -> str:
    """The caller's principal; 401 when keys are configured and none was presented, one presented is
    wrong (a wrong credential is never ignored because another one happens to be right), or two different
    keys were presented (the request would have no single caller)."""
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
    if len(set(keys)) > 1:
        raise ApiError(401, "invalid_api_key", "send one API key, not several different ones", headers=_CHALLENGE)
    return principal_of(keys[0])
