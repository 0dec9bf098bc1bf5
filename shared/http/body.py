"""Reading a JSON request body safely: the media type, a size limit counted as bytes arrive, a deadline.

Content-Length is only a hint: a chunked body has none and a lying client can send more, so the limit
is enforced on the bytes actually received and reading stops at the first byte over it.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from starlette.requests import ClientDisconnect, Request

from shared.http.problems import ApiError

M = TypeVar("M", bound=BaseModel)
log = logging.getLogger(__name__)


def _is_json(content_type: str) -> bool:
    media_type = content_type.split(";", 1)[0].strip().lower()
    return media_type == "application/json" or (media_type.startswith("application/") and media_type.endswith("+json"))


def _too_large(max_bytes: int) -> ApiError:
    return ApiError(413, "body_too_large", f"the request body exceeds {max_bytes} bytes", details={"limit": max_bytes})


async def read_body(request: Request, *, max_bytes: int, timeout_s: float) -> bytes:
    """The raw JSON body; 415 for another media type, 413 over `max_bytes`, 408 when it stalls."""
    content_type = request.headers.get("content-type", "")
    if not _is_json(content_type):
        raise ApiError(
            415,
            "unsupported_media_type",
            "send the body as application/json",
            details={"content_type": content_type or None},
        )
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise _too_large(max_bytes)
    chunks: list[bytes] = []
    size = 0
    try:
        async with asyncio.timeout(timeout_s):
            async for chunk in request.stream():
                size += len(chunk)
                if size > max_bytes:
                    raise _too_large(max_bytes)
                chunks.append(chunk)
    except TimeoutError as exc:
        raise ApiError(408, "body_timeout", f"the request body did not arrive within {timeout_s:g} s") from exc
    except ClientDisconnect as exc:
        # Clients give up, networks drop: an expected event, worth a line, not a traceback. Nobody reads
        # the answer; it only closes the request.
        log.info("client disconnected before sending the whole body", extra={"received_bytes": size})
        raise ApiError(400, "body_incomplete", "the client disconnected before the body was complete") from exc
    return b"".join(chunks)


def validation_details(exc: ValidationError) -> list[dict[str, Any]]:
    """Where and why the body is invalid, without echoing the input back."""
    return [
        {"loc": [str(part) for part in error["loc"]], "msg": error["msg"], "type": error["type"]}
        for error in exc.errors(include_url=False, include_input=False, include_context=False)
    ]


def parse_body(model: type[M], body: bytes) -> M:
    """The body as `model`: 400 when it is not JSON at all, 422 when it is JSON of the wrong shape."""
    try:
        return model.model_validate_json(body)
    except ValidationError as exc:
        details = validation_details(exc)
        if any(error["type"] == "json_invalid" for error in details):
            raise ApiError(400, "malformed_json", "the request body is not valid JSON") from exc
        raise ApiError(422, "validation_error", "the request body does not match the schema", details=details) from exc


async def read_model(request: Request, model: type[M], *, max_bytes: int, timeout_s: float) -> M:
    return parse_body(model, await read_body(request, max_bytes=max_bytes, timeout_s=timeout_s))
