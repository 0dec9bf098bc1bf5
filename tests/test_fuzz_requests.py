"""Property tests of the request contract with hypothesis: whatever JSON a caller sends, the request model
answers with a validation error or a valid request (never another exception), and the live gateway never
answers a submit with a server error.

Bodies are arbitrary JSON mixed with near-misses of the real shape (the right keys with junk values,
URLs with odd schemes, IP spellings, credentials, metadata names, unknown keys), which reach further into
the validators and the URL policy than random JSON alone. Generated host names are either IP literals,
names that resolve locally, or under `.invalid` (never resolvable), so no example depends on the network.
"""

from __future__ import annotations

import json
import string
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from harness.redis_server import RedisServer
from shared.http.body import parse_body
from shared.http.problems import ApiError
from shared.models.api import AnalysisRequest, ErrorBody, JobView
from tests.support.gateway import ServerThread, http_settings, instant_analysis, running_gateway

MODEL_EXAMPLES = 1000
GATEWAY_EXAMPLES = 300

json_scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=40)
json_values = st.recursive(
    json_scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=20,
)

SCHEMES = ["http", "https", "HTTP", "hTtPs", "ftp", "file", "javascript", "data", "chrome", "view-source:http", ""]
HOSTS = [
    "127.0.0.1:8000",
    "127.0.0.1",
    "localhost",
    "localhost.",
    "[::1]",
    "[::ffff:127.0.0.1]",
    "[::ffff:7f00:1]",
    "[64:ff9b::a9fe:a9fe]",
    "0x7f.1",
    "0177.0.0.1",
    "2130706433",
    "127.1",
    "0.0.0.0",
    "169.254.169.254",
    "10.0.0.1",
    "metadata.google.internal",
    "user:secret@127.0.0.1:8000",
    "nowhere.invalid",
    "xn--80ak6aa92e.invalid",
    "",
]
urlish = st.builds(
    lambda scheme, host, path: f"{scheme}://{host}{path}",
    st.sampled_from(SCHEMES),
    st.sampled_from(HOSTS),
    st.text(max_size=30) | st.sampled_from(["", "/", "/pricing?plan=pro#top", "/%2e%2e/admin", "/" + "a" * 2100]),
)
urls = urlish | st.text(max_size=60) | json_values
# Right keys and types, values anywhere from valid to hostile: these reach the URL policy and the store.
well_typed = st.fixed_dictionaries(
    {"url": urlish},
    optional={
        "devices": st.lists(st.sampled_from(["desktop", "mobile"]), min_size=1, max_size=2, unique=True),
        "llm": st.booleans(),
        "force": st.booleans(),
        "callback_url": urlish,
        "include_screenshots": st.booleans(),
        "metadata": st.none() | st.dictionaries(st.text(max_size=12), json_values, max_size=4),
    },
)
# Right keys with junk values, and unknown keys: these reach the validators.
near_misses = st.builds(
    lambda known, unknown: {**unknown, **known},
    st.fixed_dictionaries(
        {},
        optional={
            "url": urls,
            "devices": st.lists(st.sampled_from(["desktop", "mobile", "tablet", "DESKTOP", ""]), max_size=4)
            | json_values,
            "llm": json_values,
            "force": json_values,
            "callback_url": urls,
            "include_screenshots": json_values,
            "metadata": json_values | st.just({"big": "x" * 9000}),
        },
    ),
    st.dictionaries(st.text(max_size=12), json_values, max_size=2) | st.just({}),
)
bodies = well_typed | near_misses | json_values
# What an HTTP client can send at all (no control characters, no surrounding blanks), short or too long.
idempotency_keys = st.none() | st.text(
    alphabet=string.ascii_letters + string.digits + string.punctuation + " ", max_size=300
).filter(lambda key: key == key.strip())


@settings(max_examples=MODEL_EXAMPLES, deadline=None)
@given(bodies)
def test_the_request_model_answers_any_json_with_a_request_or_a_validation_error(body: Any) -> None:
    try:
        request = AnalysisRequest.model_validate(body)
    except ValidationError:
        return
    assert 1 <= len(request.devices) == len(set(request.devices)) <= 2
    # Stored as JSON and read back (the job record), it stays the same request. Compared as JSON: NaN and
    # infinities in metadata (which the lenient parser takes) are written as null.
    stored = request.model_dump_json()
    assert AnalysisRequest.model_validate_json(stored).model_dump_json() == stored


@settings(max_examples=MODEL_EXAMPLES, deadline=None)
@given(st.binary(max_size=200) | bodies.map(lambda body: json.dumps(body).encode()))
def test_any_bytes_parse_to_a_request_or_a_400_or_422(raw: bytes) -> None:
    try:
        parse_body(AnalysisRequest, raw)
    except ApiError as exc:
        assert exc.status in (400, 422), exc


@pytest.fixture(scope="module")
def fuzz_gateway(redis_server: RedisServer) -> Iterator[tuple[ServerThread, httpx.Client]]:
    settings_ = http_settings(redis_url=redis_server.url, key_prefix="fuzz:")
    with running_gateway(settings_, analyze=instant_analysis) as server, httpx.Client(timeout=30) as client:
        yield server, client


@settings(max_examples=GATEWAY_EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=bodies, key=idempotency_keys)
def test_the_live_gateway_never_answers_a_submit_with_a_server_error(
    fuzz_gateway: tuple[ServerThread, httpx.Client], body: Any, key: str | None
) -> None:
    server, client = fuzz_gateway
    headers = {"content-type": "application/json"}
    if key is not None:
        headers["idempotency-key"] = key
    response = client.post(server.url("/v1/analyses"), content=json.dumps(body).encode(), headers=headers)

    event(outcome(response))  # `pytest --hypothesis-show-statistics` shows which answers were reached
    assert response.status_code < 500, response.text
    if response.status_code >= 400:
        ErrorBody.model_validate_json(response.content)
    else:
        assert response.status_code in (200, 202)
        JobView.model_validate_json(response.content)


def outcome(response: httpx.Response) -> str:
    if response.status_code < 400:
        return str(response.status_code)
    try:
        return f"{response.status_code} {response.json()['error']['code']}"
    except (ValueError, KeyError, TypeError):
        return f"{response.status_code} (not the error shape)"
