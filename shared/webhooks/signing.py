"""Standard Webhooks signatures (https://www.standardwebhooks.com): HMAC-SHA256 of "id.timestamp.body".

The secret is either `whsec_<base64>` (the spec's form, as Svix and most receivers generate it) or any
other string, used as raw bytes, so an n8n user can paste whatever secret they chose.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac

SECRET_PREFIX = "whsec_"


def secret_key(secret: str) -> bytes:
    """The HMAC key a configured secret stands for."""
    if secret.startswith(SECRET_PREFIX):
        try:
            return base64.b64decode(secret.removeprefix(SECRET_PREFIX), validate=True)
        except binascii.Error as exc:
            raise ValueError("WEBHOOK_SECRET starts with whsec_ but the rest is not base64") from exc
    return secret.encode()


def signature(key: bytes, message_id: str, timestamp: int, body: bytes) -> str:
    """The `webhook-signature` value: `v1,<base64 HMAC-SHA256>`."""
    signed = message_id.encode() + b"." + str(timestamp).encode() + b"." + body
    digest = hmac.new(key, signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode("ascii")


def signed_headers(key: bytes | None, message_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    """The three Standard Webhooks headers; without a key, only id and timestamp (the body is unsigned)."""
    headers = {"webhook-id": message_id, "webhook-timestamp": str(timestamp)}
    if key is not None:
        headers["webhook-signature"] = signature(key, message_id, timestamp, body)
    return headers
