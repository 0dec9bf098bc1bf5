"""A fake Chrome UX Report API on loopback, and builders of field data.

`FakeCrux` answers `POST /v1/records:queryRecord` from a script keyed by (formFactor, "url"|"origin"), or
by (formFactor, the URL or origin asked for), which comes first: a record, a status (404 = no data,
429 = quota), a slow answer, a malformed or oversized body. Every
request is recorded (headers, body) so a test can check what was asked and that the key went in a header.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler
from typing import Any

import pytest

from harness.servers import LoopbackServer
from shared.field.crux import QUERY_PATH
from shared.models.speed import FieldData, FieldMetric

API_KEY = "crux-test-key"


def crux_metric(
    p75: float | str, good: float, needs_improvement: float, poor: float, *, edges: tuple = (2500, 4000)
) -> dict:
    return {
        "histogram": [
            {"start": 0, "end": edges[0], "density": good},
            {"start": edges[0], "end": edges[1], "density": needs_improvement},
            {"start": edges[1], "density": poor},
        ],
        "percentiles": {"p75": p75},
    }


def crux_record(scope: str, target: str, form_factor: str = "PHONE", **metrics: dict) -> dict:
    """A `records:queryRecord` answer as Google sends it (extra fields included, which must be ignored)."""
    defaults = {
        "largest_contentful_paint": crux_metric(3100, 0.62, 0.25, 0.13),
        "interaction_to_next_paint": crux_metric(240, 0.7, 0.2, 0.1, edges=(200, 500)),
        "cumulative_layout_shift": crux_metric("0.05", 0.9, 0.06, 0.04, edges=("0.00", "0.10")),
        "first_contentful_paint": crux_metric(2200, 0.6, 0.3, 0.1, edges=(1800, 3000)),
        "experimental_time_to_first_byte": crux_metric(900, 0.5, 0.4, 0.1, edges=(800, 1800)),
        "navigation_types": {"fractions": {"navigate": 0.9}},
    }
    return {
        "record": {
            "key": {"formFactor": form_factor, scope: target},
            "metrics": {**defaults, **metrics},
            "collectionPeriod": {
                "firstDate": {"year": 2026, "month": 10, "day": 31},
                "lastDate": {"year": 2026, "month": 11, "day": 27},
            },
        },
        "urlNormalizationDetails": {"originalUrl": target, "normalizedUrl": target},
    }


@dataclass(frozen=True)
class Answer:
    status: int = 200
    body: bytes | None = None  # None: the record for the query, built by `crux_record`
    delay_s: float = 0.0


NOT_FOUND = Answer(404, json.dumps({"error": {"code": 404, "message": "chrome ux report data not found"}}).encode())
QUOTA = Answer(429, json.dumps({"error": {"code": 429, "status": "RESOURCE_EXHAUSTED"}}).encode())


class FakeCrux:
    def __init__(self) -> None:
        self.requests: list[tuple[dict[str, str], dict[str, Any]]] = []
        self._script: dict[tuple[str, str], list[Answer]] = {}
        self._targets: dict[tuple[str, str], Answer] = {}
        self._lock = threading.Lock()
        self._release = threading.Event()
        self.server = LoopbackServer(routes={QUERY_PATH: self._handle})

    @property
    def base_url(self) -> str:
        return self.server.url("")

    def settings_overrides(self) -> dict[str, Any]:
        return {"crux_api_key": API_KEY, "crux_base_url": self.base_url}

    def script(self, form_factor: str, scope: str, *answers: Answer) -> None:
        """Answer the next queries for (form factor, scope) with `answers` in turn; the last one repeats."""
        with self._lock:
            self._script[(form_factor, scope)] = list(answers)

    def answer_for(self, form_factor: str, target: str, answer: Answer) -> None:
        """Answer every query for this URL or origin on this form factor with `answer`."""
        with self._lock:
            self._targets[(form_factor, target)] = answer

    def reset(self) -> None:
        with self._lock:
            self._script.clear()
            self._targets.clear()
            self.requests.clear()

    def asked(self, form_factor: str | None = None) -> list[dict[str, Any]]:
        return [body for _, body in self.requests if form_factor is None or body.get("formFactor") == form_factor]

    def _handle(self, handler: SimpleHTTPRequestHandler) -> None:
        length = int(handler.headers.get("content-length", "0"))
        body = json.loads(handler.rfile.read(length) or b"{}")
        scope = "url" if "url" in body else "origin"
        form_factor = str(body.get("formFactor"))
        with self._lock:
            self.requests.append(({k.lower(): v for k, v in handler.headers.items()}, body))
            queue = self._script.get((form_factor, scope), [NOT_FOUND])
            answer = self._targets.get((form_factor, str(body.get(scope))))
            if answer is None:
                answer = queue.pop(0) if len(queue) > 1 else queue[0]
        if answer.delay_s:
            self._release.wait(answer.delay_s)
        payload = answer.body
        if payload is None:
            payload = json.dumps(crux_record(scope, body[scope], form_factor)).encode()
        try:
            handler.send_response(answer.status)
            handler.send_header("Content-Type", "application/json")
            handler.send_header("Content-Length", str(len(payload)))
            handler.end_headers()
            handler.wfile.write(payload)
        except OSError:
            return  # the client gave up first (a timeout test)

    def start(self) -> FakeCrux:
        self.server.start()
        return self

    def stop(self) -> None:
        self._release.set()
        self.server.stop()


@pytest.fixture(scope="session")
def fake_crux() -> Iterator[FakeCrux]:
    server = FakeCrux().start()
    yield server
    server.stop()


@pytest.fixture
def crux(fake_crux: FakeCrux) -> Iterator[FakeCrux]:
    """The session's fake CrUX, with an empty script and no recorded requests."""
    fake_crux.reset()
    yield fake_crux
    fake_crux.reset()


def field_metric(p75: float, good: float = 0.5, needs_improvement: float = 0.3, poor: float = 0.2) -> FieldMetric:
    return FieldMetric(p75=p75, good=good, needs_improvement=needs_improvement, poor=poor)


def field_ok(scope: str = "url", **metrics: FieldMetric | None) -> FieldData:
    return FieldData(
        status="ok",
        form_factor="PHONE",
        scope=scope,  # type: ignore[arg-type]
        key="https://shop.example/",
        first_date="2026-10-31",
        last_date="2026-11-27",
        **metrics,  # type: ignore[arg-type]
    )


def slow(seconds: float) -> Answer:
    return Answer(delay_s=seconds)
