"""The people-and-operators routes on a live gateway over a real redis-server: the per-key listing,
share links, CORS, `/metrics` (parsed with prometheus_client's own parser) and `/v1/stats`; and the
stats' worker list losing a worker that was killed (its heartbeat expires)."""

from __future__ import annotations

import json
import signal
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
import redis
from prometheus_client.parser import text_string_to_metric_families

from harness.scripted_analysis import ScriptedAnalysis
from shared.errors import AnalysisError, ErrorCode
from shared.models.api import AnalysisRequest, Job
from shared.share_links import ShareSigner, signature
from tests.support.gateway import (
    GatedAnalysis,
    ServerThread,
    http_settings,
    instant_analysis,
    running_gateway,
    target,
    wait_for_status,
)
from tests.support.jobs import WorkerProcess, worker_env

KEYS = ["k-one", "k-two"]
SHARE_SECRET = "share-secret-for-tests"
METRICS_TOKEN = "metrics-token-for-tests"


def key(value: str) -> dict[str, str]:
    return {"X-API-Key": value}


@pytest.fixture
def gateway(redis_url: str) -> Iterator[ServerThread]:
    settings = http_settings(
        redis_url=redis_url,
        api_keys=KEYS,
        share_link_secret=SHARE_SECRET,
        cors_allowed_origins=["https://app.example.com"],
        metrics_token=METRICS_TOKEN,
    )
    with running_gateway(settings, analyze=instant_analysis) as server:
        yield server


def submit(client: httpx.Client, gateway: ServerThread, path: str, api_key: str = "k-one") -> dict:
    response = client.post(gateway.url("/v1/analyses"), json={"url": target(path), "llm": False}, headers=key(api_key))
    assert response.status_code == 202, response.text
    return response.json()


def metric_samples(client: httpx.Client, gateway: ServerThread) -> dict[tuple[str, tuple], float]:
    response = client.get(gateway.url("/metrics"), headers={"Authorization": f"Bearer {METRICS_TOKEN}"})
    assert response.status_code == 200
    samples = {}
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def test_listing_is_per_key_newest_first_and_pages_by_cursor(
    gateway: ServerThread, http_client: httpx.Client, redis_url: str
) -> None:
    mine = [submit(http_client, gateway, f"/list-{n}") for n in range(3)]
    theirs = submit(http_client, gateway, "/other", api_key="k-two")
    url = gateway.url("/v1/analyses")
    assert http_client.get(url).status_code == 401
    for job in mine:
        http_client.headers.update(key("k-one"))
        wait_for_status(http_client, job["links"]["self"])
    first = http_client.get(url, params={"limit": 2}, headers=key("k-one")).json()
    assert [item["id"] for item in first["items"]] == [mine[2]["id"], mine[1]["id"]]
    assert first["items"][0]["score"] == 70 and first["items"][0]["result"] is None
    assert first["items"][0]["links"]["share_report_html"]
    second = http_client.get(url, params={"limit": 2, "cursor": first["next_cursor"]}, headers=key("k-one")).json()
    assert [item["id"] for item in second["items"]] == [mine[0]["id"]]
    assert second["next_cursor"] is None
    other = http_client.get(url, headers=key("k-two")).json()
    assert [item["id"] for item in other["items"]] == [theirs["id"]]

    canceled = http_client.get(url, params={"status": "canceled"}, headers=key("k-one")).json()
    assert canceled["items"] == []
    for params, code in (
        ({"limit": 101}, "invalid_limit"),
        ({"limit": 0}, "invalid_limit"),
        ({"status": "done"}, "invalid_status"),
        ({"cursor": "x"}, "invalid_cursor"),
    ):
        refused = http_client.get(url, params=params, headers=key("k-one"))
        assert refused.status_code == 400 and refused.json()["error"]["code"] == code

    with redis.Redis.from_url(redis_url) as client:
        index_keys = list(client.scan_iter("httptest:index:*"))
        assert len(index_keys) == 2
        assert all(0 < client.ttl(name) <= http_settings().result_ttl_s for name in index_keys)


def test_the_url_filter_lists_one_page_and_options_and_previous_names_the_last_earlier_success(
    redis_url: str, http_client: httpx.Client
) -> None:
    """A series is one key's jobs of one normalised URL, devices and llm: the listing's `url` filter reads
    it, and a succeeded job's `links.previous` is the newest earlier success in it (failures skipped)."""
    fails = AnalysisError(ErrorCode.target_http_error, "the page answered 404")
    settings = http_settings(redis_url=redis_url, api_keys=KEYS)
    with running_gateway(settings, analyze=ScriptedAnalysis([None, fails])) as gateway:
        listing = gateway.url("/v1/analyses")

        def analysed(url: str, api_key: str = "k-one", **fields: object) -> dict:
            body = {"url": url, "llm": False, "force": True, **fields}
            response = http_client.post(listing, json=body, headers=key(api_key))
            assert response.status_code in (200, 202), response.text
            http_client.headers.update(key(api_key))
            return wait_for_status(http_client, response.json()["links"]["self"])

        page = target("/series")
        first = analysed(page)
        failed = analysed(page)
        # The same page as submit normalises it: scheme and host case, the default path.
        spelled_otherwise = page.replace("http://", "HTTP://").replace("/series", "/./series")
        third = analysed(spelled_otherwise)
        desktop_only = analysed(page, devices=["desktop"])
        other_key = analysed(page, api_key="k-two")
        assert (first["status"], failed["status"], third["status"]) == ("succeeded", "failed", "succeeded")
        assert first["links"]["previous"] is None and failed["links"]["previous"] is None
        assert third["links"]["previous"] == first["links"]["self"]
        assert desktop_only["links"]["previous"] is None and other_key["links"]["previous"] is None
        # A cache hit is a succeeded job of the series too; it names the analysis before it.
        cached = http_client.post(listing, json={"url": page, "llm": False}, headers=key("k-one")).json()
        assert cached["cached"] is True and cached["links"]["previous"] == third["links"]["self"]

        def ids(api_key: str = "k-one", **params: str) -> list[str]:
            response = http_client.get(listing, params=params, headers=key(api_key))
            assert response.status_code == 200, response.text
            return [item["id"] for item in response.json()["items"]]

        series = [cached["id"], third["id"], failed["id"], first["id"]]
        assert ids(url=spelled_otherwise, llm="false") == series
        assert ids(url=page, llm="false", devices="mobile,desktop") == series
        assert ids(url=page, llm="false", status="failed") == [failed["id"]]
        assert ids(url=page, llm="false", devices="desktop") == [desktop_only["id"]]
        assert ids(url=page) == [], "llm defaults to true, as submit's does"
        assert len(ids(devices="desktop", llm="false")) == 5, "without url, no filter"
        assert ids("k-two", url=page, llm="false") == [other_key["id"]]
        first_page = http_client.get(listing, params={"url": page, "llm": "false", "limit": 3}, headers=key("k-one"))
        cursor = first_page.json()["next_cursor"]
        assert ids(url=page, llm="false", cursor=cursor) == [first["id"]]

        for params, status, code in (
            ({"url": page, "devices": "phone"}, 400, "invalid_filter"),
            ({"url": page, "devices": "desktop,desktop"}, 400, "invalid_filter"),
            ({"llm": "yes"}, 400, "invalid_filter"),
            ({"url": page, "llm": "yes"}, 400, "invalid_filter"),
            ({"url": "ftp://example.com/"}, 422, "unsupported_scheme"),
        ):
            refused = http_client.get(listing, params=params, headers=key("k-one"))
            assert refused.status_code == status and refused.json()["error"]["code"] == code, params

        with redis.Redis.from_url(redis_url) as client:
            series_keys = list(client.scan_iter("httptest:series:*"))
            assert len(series_keys) == 3
            assert all(0 < client.ttl(name) <= settings.result_ttl_s for name in series_keys)
            # A job that expired before its series did is skipped and dropped from it.
            client.delete(f"httptest:job:{first['id']}")
            client.delete(f"httptest:job:{cached['id']}")
        again = http_client.get(third["links"]["self"], headers=key("k-one")).json()
        assert again["links"]["previous"] is None
        assert ids(url=page, llm="false") == [third["id"], failed["id"]]


def test_share_links_open_report_pdf_and_screenshot_without_a_key_and_nothing_else(
    gateway: ServerThread, http_client: httpx.Client
) -> None:
    http_client.headers.update(key("k-one"))
    job = wait_for_status(http_client, submit(http_client, gateway, "/share")["links"]["self"])
    other = wait_for_status(http_client, submit(http_client, gateway, "/share-other")["links"]["self"])
    links = job["links"]
    share_html, share_pdf = links["share_report_html"], links["share_report_pdf"]
    assert share_html.startswith(links["report_html"] + "?expires=") and "&sig=" in share_html
    query = share_html.split("?", 1)[1]
    assert share_pdf == f"{links['report_pdf']}?{query}"

    with httpx.Client(timeout=30) as anonymous:
        assert anonymous.get(links["report_html"]).status_code == 401
        opened = anonymous.get(share_html)
        assert opened.status_code == 200 and opened.headers["content-type"].startswith("text/html")
        shot = job["result"]["screenshots"][0]["name"]
        screenshot = anonymous.get(f"{links['self']}/screenshots/{shot}?{query}")
        assert screenshot.status_code == 200 and screenshot.content.startswith(b"\x89PNG")

        expires, sig = (part.split("=", 1)[1] for part in query.split("&"))
        tampered_sig = sig[:-1] + ("A" if sig[-1] != "A" else "B")
        longer = int(expires) + 3600
        cases = {
            "tampered signature": f"{links['report_html']}?expires={expires}&sig={tampered_sig}",
            "tampered expiry": f"{links['report_html']}?expires={longer}&sig={sig}",
            "another job's link": f"{other['links']['report_html']}?{query}",
            "signature only": f"{links['report_html']}?sig={sig}",
        }
        for case, url in cases.items():
            refused = anonymous.get(url)
            assert refused.status_code == 403, case
            assert refused.json()["error"]["code"] == "share_link_invalid", case

        past = int(time.time()) - 10
        expired_sig = signature(SHARE_SECRET.encode(), job["id"], past)
        expired = anonymous.get(f"{links['report_html']}?expires={past}&sig={expired_sig}")
        assert expired.status_code == 403 and expired.json()["error"]["code"] == "share_link_expired"
        # A link never opens the job itself (its JSON) without a key.
        assert anonymous.get(f"{links['self']}?{query}").status_code == 401


def test_share_links_expire_with_the_result_and_are_stable() -> None:
    ended = datetime(2026, 1, 1, tzinfo=UTC)
    job = Job(
        id="abc",
        status="succeeded",
        url="http://x/",
        request=AnalysisRequest(url="http://x/"),
        created_at=ended - timedelta(minutes=1),
        finished_at=ended,
    )
    signer = ShareSigner(b"k", ttl_s=7 * 86_400, result_ttl_s=72 * 3600)
    assert signer.expires(job) == int(ended.timestamp()) + 72 * 3600, "never past the result's TTL"
    assert signer.query(job) == signer.query(job)
    short = ShareSigner(b"k", ttl_s=600, result_ttl_s=72 * 3600)
    assert short.expires(job) == int(ended.timestamp()) + 600


def test_cors_echoes_listed_origins_only(gateway: ServerThread, http_client: httpx.Client) -> None:
    preflight = http_client.options(
        gateway.url("/v1/analyses"),
        headers={
            "Origin": "https://app.example.com",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "x-api-key, content-type",
        },
    )
    assert preflight.status_code == 204
    assert preflight.headers["access-control-allow-origin"] == "https://app.example.com"
    assert "X-API-Key" in preflight.headers["access-control-allow-headers"]
    assert "DELETE" in preflight.headers["access-control-allow-methods"]
    answered = http_client.get(gateway.url("/healthz"), headers={"Origin": "https://app.example.com"})
    assert answered.headers["access-control-allow-origin"] == "https://app.example.com"
    assert answered.headers["access-control-allow-credentials"] == "true"

    stranger = http_client.get(gateway.url("/healthz"), headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in stranger.headers
    refused = http_client.options(
        gateway.url("/v1/analyses"),
        headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"},
    )
    assert "access-control-allow-origin" not in refused.headers


def test_cors_wildcard_never_allows_credentials(redis_url: str, http_client: httpx.Client) -> None:
    with running_gateway(http_settings(cors_allowed_origins=["*"]), analyze=instant_analysis) as server:
        answered = http_client.get(server.url("/healthz"), headers={"Origin": "https://any.example"})
        assert answered.headers["access-control-allow-origin"] == "*"
        assert "access-control-allow-credentials" not in answered.headers
    with running_gateway(http_settings(), analyze=instant_analysis) as server:
        answered = http_client.get(server.url("/healthz"), headers={"Origin": "https://any.example"})
        assert "access-control-allow-origin" not in answered.headers, "no origins configured: none allowed"


def test_metrics_count_what_was_done(gateway: ServerThread, http_client: httpx.Client) -> None:
    assert http_client.get(gateway.url("/metrics")).status_code == 401
    assert http_client.get(gateway.url("/metrics"), headers={"Authorization": "Bearer wrong"}).status_code == 401
    before = metric_samples(http_client, gateway)
    http_client.headers.update(key("k-one"))
    jobs = [submit(http_client, gateway, f"/metrics-{n}") for n in range(3)]
    for job in jobs:
        wait_for_status(http_client, job["links"]["self"])
    cached = http_client.post(gateway.url("/v1/analyses"), json={"url": target("/metrics-0"), "llm": False})
    assert cached.status_code == 200 and cached.json()["cached"]
    after = metric_samples(http_client, gateway)

    def delta(name: str, **labels: str) -> float:
        sample = (name, tuple(sorted(labels.items())))
        return after.get(sample, 0.0) - before.get(sample, 0.0)

    assert delta("cro_jobs_submitted_total", kind="created") == 3
    assert delta("cro_jobs_submitted_total", kind="cached") == 1
    assert delta("cro_jobs_finished_total", status="succeeded", error_code="") == 4
    assert delta("cro_analysis_duration_seconds_count", status="succeeded") == 3
    assert after[("cro_analyses_in_flight", ())] == 0
    assert after[("cro_queue_jobs", (("kind", "depth"),))] == 0


def test_stats_has_the_documented_shape_and_counts(gateway: ServerThread, http_client: httpx.Client) -> None:
    http_client.headers.update(key("k-one"))
    job = wait_for_status(http_client, submit(http_client, gateway, "/stats")["links"]["self"])
    stats = http_client.get(gateway.url("/v1/stats")).json()
    assert set(stats) == {"queue", "workers", "jobs", "durations_ms"}
    assert set(stats["queue"]) == {"depth", "pending", "delayed"}
    assert stats["jobs"]["last_hour"]["succeeded"] == 1 and stats["jobs"]["last_day"]["succeeded"] == 1
    assert set(stats["jobs"]["last_hour"]) == {"succeeded", "failed", "canceled", "by_error_code"}
    assert set(stats["durations_ms"]) == {"p50", "p95", "by_stage"}
    assert stats["durations_ms"]["p50"] is not None
    # The gateway ran the analysis itself: it reported its heartbeat around the delivery.
    assert [worker["running"] for worker in stats["workers"]] == [0]
    assert job["status"] == "succeeded"


def test_a_killed_worker_leaves_the_stats_when_its_heartbeat_expires(
    redis_url: str, tmp_path: Path, http_client: httpx.Client
) -> None:
    beats = {"heartbeat_interval_s": 0.2, "heartbeat_ttl_s": 1.5}
    worker = WorkerProcess(worker_env(redis_url, **beats), tmp_path / "worker.log", consumer="doomed-worker")
    settings = http_settings(redis_url=redis_url, queue_backend="redis", key_prefix="test:", **beats)
    try:
        with running_gateway(settings) as gateway:

            def names() -> list[str]:
                return [worker["name"] for worker in http_client.get(gateway.url("/v1/stats")).json()["workers"]]

            deadline = time.monotonic() + 60  # a worker process starts slowly on a busy 2-core machine
            while "doomed-worker" not in names():
                assert time.monotonic() < deadline, "the worker never reported a heartbeat"
                time.sleep(0.1)
            worker.signal(signal.SIGKILL)
            assert worker.wait() == -signal.SIGKILL
            killed_at = time.monotonic()
            while "doomed-worker" in names():
                assert time.monotonic() - killed_at < 20, "the dead worker is still listed"
                time.sleep(0.1)
            assert time.monotonic() - killed_at >= 0.5, "listed until its heartbeat was older than the TTL"
    finally:
        worker.stop()


def test_events_stream_progress_then_done(http_client: httpx.Client, redis_url: str) -> None:
    gated = GatedAnalysis()
    settings = http_settings(redis_url=redis_url, events_poll_s=0.05)
    with running_gateway(settings, analyze=gated) as server:
        job = http_client.post(server.url("/v1/analyses"), json={"url": target("/events")}).json()
        events: list[tuple[str, dict]] = []
        with http_client.stream("GET", server.url(f"/v1/analyses/{job['id']}/events")) as stream:
            assert stream.headers["content-type"].startswith("text/event-stream")
            name = None
            for line in stream.iter_lines():
                if line.startswith("event: "):
                    name = line.removeprefix("event: ")
                elif line.startswith("data: "):
                    events.append((name, json.loads(line.removeprefix("data: "))))
                    if events[-1][1]["progress"]["stage"] == "capturing":
                        gated.release()
        assert events[-1][0] == "done" and events[-1][1]["status"] == "succeeded"
        assert all(name == "progress" for name, _ in events[:-1])
        assert any(view["status"] == "running" for _, view in events)
        missing = http_client.get(server.url("/v1/analyses/nope/events"))
        assert missing.status_code == 404
