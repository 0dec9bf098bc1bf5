"""What makes two requests the same: for the result cache, and for coalescing submits in flight."""

from __future__ import annotations

from collections.abc import Sequence

from shared.models.api import AnalysisRequest
from shared.store.keys import digest
from shared.version import ANALYZER_VERSION, RULES_VERSION


def cache_fingerprint(normalised_url: str, devices: Sequence[str], llm: bool) -> str:
    """Only what changes the report counts; a new analyser or rule set makes every old entry a miss."""
    return digest(normalised_url, ",".join(devices), str(llm), ANALYZER_VERSION, RULES_VERSION)


def request_digest(principal: str, request: AnalysisRequest, normalised_url: str) -> str:
    """The whole body counts (callback, metadata...): only a true duplicate may share a job with another."""
    body = request.model_copy(update={"url": normalised_url}).model_dump_json()
    return digest(principal, body)


def body_digest(request: AnalysisRequest) -> str:
    """Compared on Idempotency-Key reuse: the same key with another body is the caller's mistake."""
    return digest(request.model_dump_json())
