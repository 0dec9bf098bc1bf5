"""What makes two requests the same: for the result cache, and for coalescing submits in flight."""

from __future__ import annotations

from collections.abc import Sequence

from shared.models.api import AnalysisRequest
from shared.store.keys import digest
from shared.version import ANALYZER_VERSION, RULES_VERSION


def _page_options(normalised_url: str, devices: Sequence[str], llm: bool) -> tuple[str, str, str]:
    """What makes two analyses "of the same page and options": the cache and a job's series agree on it."""
    return normalised_url, ",".join(devices), str(llm)


def cache_fingerprint(normalised_url: str, devices: Sequence[str], llm: bool) -> str:
    """Only what changes the report counts; a new analyser or rule set makes every old entry a miss."""
    return digest(*_page_options(normalised_url, devices, llm), ANALYZER_VERSION, RULES_VERSION)


def series_fingerprint(principal: str, normalised_url: str, devices: Sequence[str], llm: bool) -> str:
    """One API key's analyses of one page and options, across analyser versions: a new rule set is a
    change over time worth comparing, not another page."""
    return digest(principal, *_page_options(normalised_url, devices, llm))


def request_digest(principal: str, request: AnalysisRequest, normalised_url: str) -> str:
    """The whole body counts (callback, metadata...): only a true duplicate may share a job with another."""
    body = request.model_copy(update={"url": normalised_url}).model_dump_json()
    return digest(principal, body)


def body_digest(request: AnalysisRequest) -> str:
    """Compared on Idempotency-Key reuse: the same key with another body is the caller's mistake."""
    return digest(request.model_dump_json())
