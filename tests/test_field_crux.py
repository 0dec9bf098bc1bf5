"""Field data from the Chrome UX Report API, against a fake on loopback: records, the origin fallback, no data,
quota, slow and malformed answers, the size bound, the cache, the egress policy, and the key never leaving
its header."""

from __future__ import annotations

import json
import time

import fakeredis
import pytest

from shared.config import Settings
from shared.field.cache import FieldCache
from shared.field.lookup import FieldLookup, origin_of
from shared.netguard.allowlist import Allowlist
from shared.netguard.egress import EgressGuard
from shared.store.keys import Keys
from tests.conftest import make_settings
from tests.support.crux import API_KEY, NOT_FOUND, QUOTA, Answer, FakeCrux, crux_metric, crux_record, slow

PAGE = "https://shop.example/landing?ref=ad"


def lookup_for(crux: FakeCrux, **overrides: object) -> FieldLookup:
    quick = {"crux_retry_backoff_s": 0.01, "crux_timeout_s": 1.0, "crux_budget_s": 3.0}
    settings = make_settings(crux.server.host_port, **{**quick, **crux.settings_overrides(), **overrides})
    return lookup_with(settings)


def lookup_with(settings: Settings) -> FieldLookup:
    guard = EgressGuard.from_settings(settings, Allowlist.parse(settings.allowed_private_hosts))
    cache = FieldCache(fakeredis.FakeAsyncRedis(), Keys(settings.key_prefix), settings.cache_ttl_s)
    return FieldLookup(settings, guard, cache)


async def test_the_pages_own_record_per_form_factor(crux: FakeCrux) -> None:
    crux.script("PHONE", "url", Answer())
    crux.script("DESKTOP", "url", Answer())
    found = await lookup_for(crux).lookup(PAGE, ["desktop", "mobile"])
    phone = found["mobile"]
    assert (phone.status, phone.scope, phone.form_factor, phone.key) == ("ok", "url", "PHONE", PAGE)
    assert phone.lcp_ms is not None and phone.lcp_ms.p75 == 3100
    assert (phone.lcp_ms.good, phone.lcp_ms.needs_improvement, phone.lcp_ms.poor) == (0.62, 0.25, 0.13)
    assert phone.cls is not None and phone.cls.p75 == 0.05  # sent as a decimal string
    assert phone.inp_ms and phone.fcp_ms and phone.ttfb_ms
    assert (phone.first_date, phone.last_date) == ("2026-10-31", "2026-11-27")
    assert found["desktop"].form_factor == "DESKTOP"
    bodies = crux.asked()
    assert {body["formFactor"] for body in bodies} == {"PHONE", "DESKTOP"}
    assert all(body["url"] == PAGE and "experimental_time_to_first_byte" in body["metrics"] for body in bodies)


async def test_the_key_travels_in_a_header_never_in_the_url(crux: FakeCrux) -> None:
    crux.script("PHONE", "url", Answer())
    await lookup_for(crux).lookup(PAGE, ["mobile"])
    ((headers, _),) = crux.requests
    assert headers["x-goog-api-key"] == API_KEY
    assert all(API_KEY not in hit for hit in crux.server.hits)


async def test_no_record_for_the_url_falls_back_to_the_origin(crux: FakeCrux) -> None:
    crux.script("PHONE", "url", NOT_FOUND)
    crux.script("PHONE", "origin", Answer())
    (phone,) = (await lookup_for(crux).lookup(PAGE, ["mobile"])).values()
    assert (phone.status, phone.scope, phone.key) == ("ok", "origin", "https://shop.example")
    assert [body.get("origin") for body in crux.asked()] == [None, "https://shop.example"]


async def test_no_record_anywhere_is_no_data(crux: FakeCrux) -> None:
    (phone,) = (await lookup_for(crux).lookup(PAGE, ["mobile"])).values()  # the fake answers 404 by default
    assert phone.status == "no_data" and phone.lcp_ms is None
    assert phone.reason and "no data" in phone.reason
    assert len(crux.asked()) == 2


async def test_quota_is_retried_then_answered(crux: FakeCrux) -> None:
    crux.script("PHONE", "url", QUOTA, QUOTA, Answer())
    (phone,) = (await lookup_for(crux, crux_max_retries=2).lookup(PAGE, ["mobile"])).values()
    assert phone.status == "ok"
    assert len(crux.asked()) == 3


async def test_quota_that_lasts_is_unavailable_after_bounded_retries(crux: FakeCrux) -> None:
    crux.script("PHONE", "url", QUOTA)
    (phone,) = (await lookup_for(crux, crux_max_retries=1).lookup(PAGE, ["mobile"])).values()
    assert (phone.status, phone.reason) == ("unavailable", "the CrUX API answered 429")
    assert len(crux.asked()) == 2, "one call and one retry, then it gives up (and never asks the origin)"


async def test_a_refused_key_is_not_retried(crux: FakeCrux) -> None:
    crux.script("PHONE", "url", Answer(403, b'{"error": {"code": 403}}'))
    (phone,) = (await lookup_for(crux).lookup(PAGE, ["mobile"])).values()
    assert (phone.status, phone.reason) == ("unavailable", "the CrUX API answered 403")
    assert len(crux.asked()) == 1


async def test_a_slow_answer_is_cut_at_the_call_timeout_and_the_budget(crux: FakeCrux) -> None:
    crux.script("PHONE", "url", slow(10))
    started = time.monotonic()
    (phone,) = (
        await lookup_for(crux, crux_timeout_s=0.3, crux_max_retries=5, crux_budget_s=1.0).lookup(PAGE, ["mobile"])
    ).values()
    assert time.monotonic() - started < 3
    assert phone.status == "unavailable"
    assert phone.reason in {"the CrUX API did not answer within 1 s", "the CrUX API did not answer within 0.3 s"}


async def test_one_slow_device_does_not_cost_the_other(crux: FakeCrux) -> None:
    crux.script("PHONE", "url", slow(10))
    crux.script("DESKTOP", "url", Answer())
    found = await lookup_for(crux, crux_timeout_s=0.3, crux_max_retries=0).lookup(PAGE, ["desktop", "mobile"])
    assert (found["desktop"].status, found["mobile"].status) == ("ok", "unavailable")


@pytest.mark.parametrize(
    "body",
    [b"<html>not json</html>", b'{"record": 3}', b'{"error": "no record key"}', b"[]"],
    ids=["html", "record-not-an-object", "no-record", "a-list"],
)
async def test_malformed_answers_are_unavailable(crux: FakeCrux, body: bytes) -> None:
    crux.script("PHONE", "url", Answer(200, body))
    (phone,) = (await lookup_for(crux).lookup(PAGE, ["mobile"])).values()
    assert (phone.status, phone.reason) == ("unavailable", "the CrUX API sent a malformed answer")


async def test_metrics_in_an_unexpected_shape_are_left_out_not_guessed(crux: FakeCrux) -> None:
    record = crux_record("url", PAGE)
    metrics = record["record"]["metrics"]
    metrics["largest_contentful_paint"]["histogram"].pop()  # two bins: not the three CWV bands
    metrics["interaction_to_next_paint"]["percentiles"]["p75"] = "NaN"
    metrics["cumulative_layout_shift"] = crux_metric("0.05", 1.7, 0.0, 0.0)  # a share above 1
    metrics["first_contentful_paint"]["percentiles"]["p75"] = 1e12  # clipped to the bound
    crux.script("PHONE", "url", Answer(200, json.dumps(record).encode()))
    (phone,) = (await lookup_for(crux).lookup(PAGE, ["mobile"])).values()
    assert phone.status == "ok"
    assert (phone.lcp_ms, phone.inp_ms, phone.cls) == (None, None, None)
    assert phone.fcp_ms is not None and phone.fcp_ms.p75 == 600_000
    assert phone.ttfb_ms is not None and phone.ttfb_ms.p75 == 900


async def test_an_answer_over_the_size_bound_is_refused(crux: FakeCrux) -> None:
    record = crux_record("url", PAGE)
    record["padding"] = "x" * 5000
    crux.script("PHONE", "url", Answer(200, json.dumps(record).encode()))
    (phone,) = (await lookup_for(crux, crux_max_response_bytes=2048).lookup(PAGE, ["mobile"])).values()
    assert (phone.status, phone.reason) == ("unavailable", "the CrUX API's answer was larger than 2,048 bytes")


async def test_answers_are_cached_failures_are_not(crux: FakeCrux) -> None:
    lookup = lookup_for(crux)
    crux.script("PHONE", "url", QUOTA)
    assert (await lookup.lookup(PAGE, ["mobile"]))["mobile"].status == "unavailable"
    crux.script("PHONE", "url", Answer())
    first = (await lookup.lookup(PAGE, ["mobile"]))["mobile"]
    asked = len(crux.asked())
    again = (await lookup.lookup(PAGE, ["mobile"]))["mobile"]
    assert first.status == "ok" and again == first
    assert len(crux.asked()) == asked, "the second lookup came from the cache"


async def test_no_data_is_cached_too(crux: FakeCrux) -> None:
    lookup = lookup_for(crux)
    await lookup.lookup(PAGE, ["mobile"])
    await lookup.lookup(PAGE, ["mobile"])
    assert len(crux.asked()) == 2  # url then origin, once


async def test_without_a_cache_ttl_every_lookup_asks(crux: FakeCrux) -> None:
    crux.script("PHONE", "url", Answer())
    lookup = lookup_for(crux, cache_ttl_s=0)
    await lookup.lookup(PAGE, ["mobile"])
    await lookup.lookup(PAGE, ["mobile"])
    assert len(crux.asked()) == 2


async def test_without_a_key_nobody_is_asked(crux: FakeCrux) -> None:
    lookup = lookup_for(crux, crux_api_key=None)
    found = await lookup.lookup(PAGE, ["desktop", "mobile"])
    assert {data.status for data in found.values()} == {"unavailable"}
    assert found["mobile"].reason == "field data is off (CRUX_API_KEY is not set)"
    assert crux.requests == []


async def test_the_egress_policy_applies_to_the_crux_api(crux: FakeCrux) -> None:
    # The fake is on loopback: without its allowlisting the guard refuses it as it refuses any private address.
    settings = Settings(**crux.settings_overrides(), crux_retry_backoff_s=0.01)  # type: ignore[arg-type]
    (phone,) = (await lookup_with(settings).lookup(PAGE, ["mobile"])).values()
    assert phone.status == "unavailable"
    assert phone.reason == "the egress policy refused the CrUX API (blocked)"
    assert crux.requests == []


def test_origin_of_keeps_scheme_host_and_port() -> None:
    assert origin_of("https://shop.example:8443/a/b?c=d#e") == "https://shop.example:8443"
    assert origin_of("http://shop.example/") == "http://shop.example"
