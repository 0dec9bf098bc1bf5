"""Submit throughput and latency of the gateway on a real redis-server (issue 3's benchmark).

Starts redis-server and `cro-analyzer serve` (Redis Streams backend, no worker: jobs are queued only)
on loopback, then measures, per concurrency level, submits per second and p50/p99 latency of
`POST /v1/analyses` (each request a distinct URL, so each creates a job), beside `GET /healthz` at the
same concurrency as the baseline (the HTTP stack without store or queue). Then the median latency of
`GET /v1/analyses/{id}` for a finished job. Each level runs several times; the median run is printed.
Targets: >= 500 submits/s with p99 < 50 ms at concurrency 64; finished-job GET < 5 ms median. Last, with
at least `--stored` jobs in the store (the submits above, topped up), the median latency of the
console's listing `GET /v1/analyses?limit=50` and of `GET /metrics` at concurrency 16 (issue 15's
benchmark; target: both under 20 ms median).

Two load generators: this script's own httpx client, and `wrk` when it is installed (Debian: `apt-get
install wrk`). On a 2-core machine the Python client spends a core of its own and caps what it can
measure (it tops out near 1,000 requests/s even on `/healthz`), so the wrk table is the server's figure.

    python bench/submit.py [--requests 2000] [--runs 3] [--stored 2000]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

import httpx

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from harness.redis_server import RedisServer  # noqa: E402
from harness.scripted_analysis import ScriptedAnalysis  # noqa: E402
from harness.servers import free_port  # noqa: E402
from shared.config import Settings  # noqa: E402
from shared.models.api import AnalysisRequest  # noqa: E402
from shared.queue.delivery import Delivery  # noqa: E402
from shared.service import Runtime, process_delivery, submit_job  # noqa: E402

TARGET = "127.0.0.1:9"
LEVELS = (1, 16, 64)
START_TIMEOUT_S = 30.0
GET_SAMPLES = 500
LISTING_CONCURRENCY = 16
LISTING_LIMIT = 50


@dataclass(frozen=True)
class Run:
    concurrency: int
    requests: int
    seconds: float
    latencies_ms: list[float]

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds

    def percentile(self, fraction: float) -> float:
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def gateway_env(redis_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "REDIS_URL": redis_url,
            "QUEUE_BACKEND": "redis",
            "KEY_PREFIX": "bench:",
            "RATE_LIMIT_PER_MINUTE": "0",
            "ALLOWED_PRIVATE_HOSTS": TARGET,
            "API_KEYS": "",
        }
    )
    return env


def start_gateway(redis_url: str, port: int, log: Path) -> subprocess.Popen[bytes]:
    executable = Path(sys.executable).with_name("cro-analyzer")
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [str(executable), "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=gateway_env(redis_url),
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + START_TIMEOUT_S
    while True:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return process
        except httpx.TransportError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"the gateway did not start; see {log}")
        time.sleep(0.1)


async def measure(concurrency: int, total: int, call: Callable[[int], Awaitable[None]]) -> Run:
    latencies: list[float] = []
    counter = iter(range(total))

    async def lane() -> None:
        for number in counter:
            started = time.perf_counter()
            await call(number)
            latencies.append((time.perf_counter() - started) * 1000)

    started = time.perf_counter()
    await asyncio.gather(*(lane() for _ in range(concurrency)))
    return Run(concurrency, total, time.perf_counter() - started, latencies)


def median_run(runs: list[Run]) -> Run:
    return sorted(runs, key=lambda run: run.per_second)[len(runs) // 2]


async def finished_job_id(redis_url: str) -> str:
    """A job taken through a real delivery with a scripted analysis, so the GET reads a full report."""
    settings = Settings(redis_url=redis_url, queue_backend="redis", key_prefix="bench:", allowed_private_hosts=[TARGET])
    rt = await Runtime.create(settings, analyze=ScriptedAnalysis())
    try:
        job = (
            await submit_job(rt, AnalysisRequest(url=f"http://{TARGET}/done"), principal="bench", idempotency_key=None)
        ).job
        outcome = await process_delivery(rt, Delivery(job.id, 1, settings.max_attempts))
        assert outcome == "done"
        return job.id
    finally:
        await rt.close()


async def bench(base: str, redis_url: str, total: int, runs: int, stored: int) -> None:
    limits = httpx.Limits(max_connections=max(LEVELS), max_keepalive_connections=max(LEVELS))
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as client:
        sequence = iter(range(10**9))

        async def submit(_: int) -> None:
            response = await client.post("/v1/analyses", json={"url": f"http://{TARGET}/p?n={next(sequence)}"})
            if response.status_code != 202:
                raise RuntimeError(f"submit answered {response.status_code}: {response.text[:200]}")

        async def health(_: int) -> None:
            response = await client.get("/healthz")
            response.raise_for_status()

        await measure(16, 200, submit)  # warm-up: connections, script cache, imports
        print(
            f"{'concurrency':>11} | {'submits/s':>9} {'p50 ms':>7} {'p99 ms':>7} | {'healthz/s':>9} {'p50 ms':>7} "
            f"{'p99 ms':>7} | submit/healthz throughput"
        )
        for level in LEVELS:
            submits = median_run([await measure(level, total, submit) for _ in range(runs)])
            baseline = median_run([await measure(level, total, health) for _ in range(runs)])
            print(
                f"{level:>11} | {submits.per_second:>9.0f} {submits.percentile(0.5):>7.1f} "
                f"{submits.percentile(0.99):>7.1f} | {baseline.per_second:>9.0f} {baseline.percentile(0.5):>7.1f} "
                f"{baseline.percentile(0.99):>7.1f} | {submits.per_second / baseline.per_second:>6.2f}"
            )

        job_id = await finished_job_id(redis_url)

        async def read(_: int) -> None:
            response = await client.get(f"/v1/analyses/{job_id}")
            if response.status_code != 200 or response.json()["status"] != "succeeded":
                raise RuntimeError(f"GET answered {response.status_code}")

        reads = [await measure(1, GET_SAMPLES, read) for _ in range(runs)]
        health_reads = [await measure(1, GET_SAMPLES, health) for _ in range(runs)]
        get_median = statistics.median(statistics.median(run.latencies_ms) for run in reads)
        health_median = statistics.median(statistics.median(run.latencies_ms) for run in health_reads)
        print(
            f"GET /v1/analyses/{{id}} (finished job), sequential: median {get_median:.2f} ms "
            f"(GET /healthz {health_median:.2f} ms)"
        )

        submitted = total * runs * len(LEVELS) + 200
        if submitted < stored:
            await measure(LISTING_CONCURRENCY, stored - submitted, submit)
        await listing_and_metrics(client, runs, max(stored, submitted))


async def listing_and_metrics(client: httpx.AsyncClient, runs: int, stored: int) -> None:
    async def listing(_: int) -> None:
        response = await client.get("/v1/analyses", params={"limit": LISTING_LIMIT})
        if response.status_code != 200 or len(response.json()["items"]) != LISTING_LIMIT:
            raise RuntimeError(f"listing answered {response.status_code}")

    async def scrape(_: int) -> None:
        response = await client.get("/metrics")
        if response.status_code != 200 or b"cro_jobs_submitted_total" not in response.content:
            raise RuntimeError(f"/metrics answered {response.status_code}")

    print(f"\nwith {stored} jobs stored, concurrency {LISTING_CONCURRENCY}, {GET_SAMPLES} requests per run:")
    for name, call in ((f"GET /v1/analyses?limit={LISTING_LIMIT}", listing), ("GET /metrics", scrape)):
        done = [await measure(LISTING_CONCURRENCY, GET_SAMPLES, call) for _ in range(runs)]
        median = statistics.median(statistics.median(run.latencies_ms) for run in done)
        p99 = statistics.median(run.percentile(0.99) for run in done)
        rate = statistics.median(run.per_second for run in done)
        print(f"  {name:<28} median {median:6.2f} ms  p99 {p99:6.2f} ms  {rate:6.0f}/s")


WRK_SCRIPT = """
counter = 0
request = function()
  counter = counter + 1
  local body = '{"url":"http://%s/w?n=' .. counter .. '-' .. math.random(1, 1e9) .. '"}'
  return wrk.format("POST", "/v1/analyses", {["Content-Type"] = "application/json"}, body)
end
"""


def wrk_table(base: str, seconds: int, scratch: Path) -> None:
    """Each wrk request a distinct URL (a new job), as in the httpx table; non-2xx answers are counted."""
    script = scratch / "submit.lua"
    script.write_text(WRK_SCRIPT % TARGET, encoding="utf-8")
    print(f"\nwrk, {seconds} s per level, one thread, distinct URLs:")
    print(f"{'concurrency':>11} | {'submits/s':>9} {'p50 ms':>7} {'p90 ms':>7} {'p99 ms':>7} | non-2xx")
    for level in LEVELS:
        output = subprocess.run(
            ["wrk", "-t1", f"-c{level}", f"-d{seconds}s", "--latency", "-s", str(script), base],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
        errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
        percentiles = {p: _wrk_ms(output, p) for p in ("50", "90", "99")}
        print(
            f"{level:>11} | {rate:>9.0f} {percentiles['50']:>7.1f} {percentiles['90']:>7.1f} "
            f"{percentiles['99']:>7.1f} | {errors.group(1) if errors else 0}"
        )


def _wrk_ms(output: str, percentile: str) -> float:
    value, unit = re.search(rf"^\s+{percentile}%\s+([\d.]+)(us|ms|s)\s*$", output, re.M).groups()  # type: ignore[union-attr]
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=2000, help="submits per run and level")
    parser.add_argument("--runs", type=int, default=3, help="runs per level; the median run is printed")
    parser.add_argument("--stored", type=int, default=2000, help="jobs in the store for the listing and /metrics")
    parser.add_argument("--wrk-seconds", type=int, default=8, help="duration of each wrk level (if wrk is installed)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-submit-") as scratch:
        redis = RedisServer(Path(scratch)).start()
        port = free_port()
        gateway = start_gateway(redis.url, port, Path(scratch) / "gateway.log")
        try:
            print(f"gateway pid {gateway.pid} on 127.0.0.1:{port}, redis-server on {redis.url}, {os.cpu_count()} cpus")
            asyncio.run(bench(f"http://127.0.0.1:{port}", redis.url, args.requests, args.runs, args.stored))
            if shutil.which("wrk"):
                wrk_table(f"http://127.0.0.1:{port}", args.wrk_seconds, Path(scratch))
            else:
                print("\nwrk is not installed: the table above is bounded by the Python client (see the docstring)")
        finally:
            gateway.terminate()
            gateway.wait(timeout=30)
            redis.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
