"""redis-server restarted mid-run: the gateway answers 503 (the error shape) while the store is down and
serves again once it is back; a job whose attempt met the outage ends in a final state (its delivery is
taken over after the lease), and nothing stays running, pending or lost. And a burst of submits larger
than the Redis connection pool waits for connections instead of failing.

The gateway runs in this process, `cro-analyzer worker` as a subprocess with the scripted slow analysis,
both on a redis-server of this test's own that restarts with its data (SHUTDOWN SAVE), as a managed Redis
does for maintenance.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from harness.redis_server import RedisServer
from harness.scripted_analysis import CALLS_FILE_ENV, DELAY_ENV
from harness.store_checks import leftovers, report_keys
from tests.support.faults import shut_down_keeping_data
from tests.support.gateway import http_settings, running_gateway, target, wait_for_status
from tests.support.jobs import WorkerProcess, worker_env

PREFIX = "restart:"
# The lease is what a takeover waits for; an analysis shorter than it is never reclaimed while it runs.
LEASE_S = 3.0
ANALYSIS_S = 1.0
WAIT_S = 45.0
# Concurrent reads before the outage leave this many connections in the gateway's pool; as many after it
# must all be answered, although the server closed every one of those connections.
BURST = 12


def calls(path: Path) -> list[str]:
    return path.read_text().splitlines() if path.exists() else []


def burst(client: httpx.Client, url: str) -> list[int]:
    with ThreadPoolExecutor(BURST) as pool:
        return list(pool.map(lambda _: client.get(url).status_code, range(BURST)))


def wait_until(condition: object, what: str, timeout_s: float = WAIT_S) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise TimeoutError(what)
        time.sleep(0.05)


@pytest.mark.timeout(90)
def test_redis_restart_mid_run(restartable_redis: RedisServer, tmp_path: Path, http_client: httpx.Client) -> None:
    redis = restartable_redis
    calls_file = tmp_path / "calls.txt"
    common = {"key_prefix": PREFIX, "lease_s": LEASE_S, "analysis_timeout_s": 1.0}
    env = worker_env(
        redis.url,
        **common,
        **{DELAY_ENV.lower(): ANALYSIS_S, CALLS_FILE_ENV.lower(): calls_file},
    )
    worker = WorkerProcess(env, tmp_path / "worker.log", consumer="survivor")
    try:
        with running_gateway(http_settings(redis_url=redis.url, queue_backend="redis", **common)) as gateway:
            submit_url = gateway.url("/v1/analyses")
            first = http_client.post(submit_url, json={"url": target("/in-flight")})
            assert first.status_code == 202, first.text
            job_url = first.json()["links"]["self"]
            wait_until(lambda: len(calls(calls_file)) == 1, "the worker did not start the job")
            assert burst(http_client, job_url) == [200] * BURST

            shut_down_keeping_data(redis)
            down = http_client.post(submit_url, json={"url": target("/while-down")})
            assert down.status_code == 503
            assert down.json()["error"]["code"] == "service_unavailable"
            assert down.json()["error"]["message"]
            assert down.headers["retry-after"]
            assert http_client.get(job_url).status_code == 503
            ready = http_client.get(gateway.url("/readyz"))
            assert ready.status_code == 503 and ready.json()["checks"]["store"] is False
            # The outage lasts until the running attempt has tried to write and failed.
            wait_until(
                lambda: "store unavailable during delivery" in worker.log_path.read_text(),
                "the running attempt never met the outage",
            )
            redis.start()
            assert burst(http_client, job_url) == [200] * BURST, "stale pooled connections are retried"

            after = http_client.post(submit_url, json={"url": target("/after")})
            assert after.status_code == 202, after.text
            in_flight = wait_for_status(http_client, job_url, timeout_s=WAIT_S)
            later = wait_for_status(http_client, after.json()["links"]["self"], timeout_s=WAIT_S)
            in_flight_report = http_client.get(in_flight["links"]["report_html"])
    finally:
        worker.stop()

    assert in_flight["status"] == "succeeded", in_flight
    assert in_flight["attempts"] == 2, "the interrupted attempt was taken over by the next delivery"
    assert in_flight_report.status_code == 200
    assert later["status"] == "succeeded" and later["attempts"] == 1
    urls = [line.split()[1] for line in calls(calls_file)]
    assert sorted(urls) == sorted([target("/in-flight"), target("/in-flight"), target("/after")])
    assert target("/while-down") not in urls, "a submit refused with 503 left nothing behind"
    with redis.client() as client:
        assert leftovers(client, PREFIX) == {}
        assert report_keys(client, PREFIX) == sorted(f"{PREFIX}report:{job['id']}" for job in (in_flight, later))


def test_a_burst_larger_than_the_connection_pool_waits_for_connections(
    redis_url: str, http_client: httpx.Client
) -> None:
    pool_size = 4
    settings = http_settings(redis_url=redis_url, queue_backend="redis", redis_max_connections=pool_size)
    with running_gateway(settings) as gateway, ThreadPoolExecutor(BURST) as pool:
        submit_url = gateway.url("/v1/analyses")
        statuses = list(
            pool.map(lambda n: http_client.post(submit_url, json={"url": target(f"/burst/{n}")}).status_code, range(40))
        )
    assert statuses == [202] * 40
