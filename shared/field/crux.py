"""One Chrome UX Report API call (`records:queryRecord`) and what its answer may be trusted to say.

The answer comes from a remote server: it is read up to `crux_max_response_bytes`, parsed into models
that keep only the fields used here, and every number is checked (finite, in range) before it reaches the
report. A metric whose histogram is not the three Core Web Vitals bands is left out rather than guessed.
Reference: https://developer.chrome.com/docs/crux/api
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass

import httpx
from pydantic import BaseModel, ConfigDict, ValidationError

from shared.errors import CroAnalyzerError
from shared.models.speed import FieldData, FieldMetric, FieldScope, FormFactor

QUERY_PATH = "/v1/records:queryRecord"
# CrUX's metric names -> ours; p75 of CLS arrives as a decimal string, the others as numbers.
METRICS: dict[str, str] = {
    "largest_contentful_paint": "lcp_ms",
    "interaction_to_next_paint": "inp_ms",
    "cumulative_layout_shift": "cls",
    "first_contentful_paint": "fcp_ms",
    "experimental_time_to_first_byte": "ttfb_ms",
}
# Beyond these a value is not a measurement but noise (CrUX's histograms end far below them).
MAX_P75: dict[str, float] = {"lcp_ms": 600_000, "inp_ms": 600_000, "fcp_ms": 600_000, "ttfb_ms": 600_000, "cls": 100}
MAX_KEY_CHARS = 2048
RETRYABLE_STATUSES = frozenset({429, 500, 502, 503, 504})


class CruxError(CroAnalyzerError):
    """The call did not produce an answer to use; `retryable` when asking again may help."""

    def __init__(self, reason: str, *, retryable: bool) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retryable = retryable


@dataclass(frozen=True)
class Query:
    form_factor: FormFactor
    scope: FieldScope
    target: str  # the URL, or the origin

    def body(self) -> dict[str, object]:
        return {"formFactor": self.form_factor, self.scope: self.target, "metrics": list(METRICS)}


# --- the wire format: only what is read; Google adds fields over time, and they are ignored ---------------


class _Wire(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class _Bin(_Wire):
    start: float | str
    end: float | str | None = None
    density: float = 0.0


class _Metric(_Wire):
    histogram: list[_Bin] = []
    percentiles: dict[str, float | str] = {}


class _Date(_Wire):
    year: int
    month: int
    day: int


class _Period(_Wire):
    firstDate: _Date  # noqa: N815 - the API's field name
    lastDate: _Date  # noqa: N815


class _Key(_Wire):
    url: str | None = None
    origin: str | None = None


class _Record(_Wire):
    key: _Key = _Key()
    metrics: dict[str, _Metric] = {}
    collectionPeriod: _Period | None = None  # noqa: N815


class _Answer(_Wire):
    record: _Record


async def query(
    client: httpx.AsyncClient, request: Query, *, base_url: str, api_key: str, max_bytes: int
) -> FieldData | None:
    """The record `request` asks for, or None when CrUX has none (404, or no metric in a usable shape).

    The key goes in a header, never in the URL, so no log of the request line can hold it. Raises
    CruxError.
    """
    headers = {"x-goog-api-key": api_key, "content-type": "application/json"}
    try:
        async with client.stream("POST", base_url + QUERY_PATH, json=request.body(), headers=headers) as response:
            if response.status_code == 404:
                return None
            if response.status_code != 200:
                raise CruxError(
                    f"the CrUX API answered {response.status_code}",
                    retryable=response.status_code in RETRYABLE_STATUSES,
                )
            body = await _read_bounded(response, max_bytes)
    except httpx.TransportError as exc:
        raise CruxError(f"the CrUX API could not be reached ({type(exc).__name__})", retryable=True) from exc
    try:
        answer = _Answer.model_validate_json(body)
    except ValidationError as exc:
        raise CruxError("the CrUX API sent a malformed answer", retryable=False) from exc
    return _field_data(answer.record, request)


async def _read_bounded(response: httpx.Response, limit: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.aiter_bytes():
        size += len(chunk)
        if size > limit:
            raise CruxError(f"the CrUX API's answer was larger than {limit:,} bytes", retryable=False)
        chunks.append(chunk)
    return b"".join(chunks)


def _field_data(record: _Record, request: Query) -> FieldData | None:
    metrics = {ours: _metric(record.metrics.get(theirs), ours) for theirs, ours in METRICS.items()}
    if all(metric is None for metric in metrics.values()):
        return None
    period = record.collectionPeriod
    key = (record.key.url if request.scope == "url" else record.key.origin) or request.target
    return FieldData(
        status="ok",
        form_factor=request.form_factor,
        scope=request.scope,
        key=key[:MAX_KEY_CHARS],
        first_date=_iso(period.firstDate) if period else None,
        last_date=_iso(period.lastDate) if period else None,
        **metrics,
    )


def _metric(metric: _Metric | None, name: str) -> FieldMetric | None:
    """The p75 and the three band shares; None when the metric is absent or not in that shape."""
    if metric is None or len(metric.histogram) != 3:
        return None
    p75 = _number(metric.percentiles.get("p75"))
    shares = [_number(histogram_bin.density) for histogram_bin in metric.histogram]
    if p75 is None or p75 < 0 or any(share is None or not 0 <= share <= 1 for share in shares):
        return None
    good, needs_improvement, poor = (share or 0.0 for share in shares)
    return FieldMetric(p75=min(p75, MAX_P75[name]), good=good, needs_improvement=needs_improvement, poor=poor)


def _number(value: float | str | None) -> float | None:
    if value is None:
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _iso(date: _Date) -> str | None:
    try:
        return datetime.date(date.year, date.month, date.day).isoformat()
    except ValueError:
        return None
