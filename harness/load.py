"""The load run shared by `bench/load.py` (2,000 submits, figures) and `tests/test_load.py` (a short run,
invariants only): a fixture site, a deterministic workload, the real processes, and the checks.

- `LoadSite`: landing pages on loopback, each answering after its own delay (TTFB drawn from the seed),
  counting document requests per page and device (the mobile profile sends a phone user agent), which
  is how analyses are counted independently of the service.
- `workload`: request bodies in a seeded order: mostly a few hot pages (identical requests: coalescing
  while in flight, then the result cache), some `force`, some desktop-only, and distinct pages.
- `LoadStack`: redis-server, `cro-analyzer serve` (REDIS_URL, QUEUE_BACKEND=redis) and N `cro-analyzer
  worker` processes with the real engine (Chromium), rules only.
- `MemorySampler`: peak PSS of each process tree (gateway; each worker with its Playwright driver and
  Chromium; redis-server), and of their sum, sampled in a thread.
- `run_load` submits with N closed-loop clients, then polls every job to a final state (bounded);
  `LoadResult.problems()` lists every broken invariant: a 5xx or other non-2xx submit, a job not final
  or failed, a report count that does not match, identical requests analysed twice while in flight,
  analyses the site saw that no job accounts for, anything left in the queue.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import random
import statistics
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any

import httpx
import psutil

from harness.processes import CliServer, settings_env
from harness.redis_server import RedisServer
from harness.scripted_analysis import png
from harness.store_checks import leftovers, report_keys
from shared.models.speed import ThrottlingMode

KEY_PREFIX = "load:"
PAGE_PATH = "/load/page-{}.html"
TTFB_MS = (20, 200)
POLL_INTERVAL_S = 0.25
POLL_CONCURRENCY = 16
SAMPLE_INTERVAL_S = 0.5
# The baseline beside the submits: GET /healthz (no store, no queue) from a client of its own, this often.
PROBE_INTERVAL_S = 0.25
TRANSPORT_RETRIES = 1
# Identical requests arrive within one submit round trip of each other's end at most; this much clock
# slack between the gateway stamping `created_at` and the store deciding is allowed on top of it.
CLOCK_SLACK_S = 0.05


@dataclass(frozen=True)
class LoadPlan:
    """`rate`: submits per second offered (each leaves at its scheduled time, or as soon as one of the
    `clients` is free); 0 sends as fast as the clients can, which is over before any analysis ends."""

    submits: int
    clients: int
    workers: int
    hot_pages: int
    distinct_pages: int
    rate: float = 0.0
    force_share: float = 0.05
    desktop_only_share: float = 0.15
    worker_concurrency: int = 2
    seed: int = 7
    final_timeout_s: float = 600.0
    # MOBILE_THROTTLING and DESKTOP_THROTTLING of the service under load: production's by default.
    throttling: ThrottlingMode = "lighthouse"


def page_path(number: int) -> str:
    return PAGE_PATH.format(number)


def page_html(number: int) -> bytes:
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="description" content="Acme Plans {number}: project planning for small teams.">
<title>Acme Plans {number}: plan projects your team finishes</title>
<style>
  body {{ font-family: sans-serif; margin: 0; color: #1d1d1f; }}
  header, main, footer {{ max-width: 1040px; margin: 0 auto; padding: 24px; }}
  .cta {{ display: inline-block; padding: 14px 28px; background: #0b5ed7; color: #fff; text-decoration: none; }}
  form {{ display: grid; gap: 10px; max-width: 360px; }}
  input, button {{ font-size: 16px; padding: 10px; }}
  blockquote {{ border-left: 4px solid #ccc; margin: 16px 0; padding-left: 12px; }}
</style>
</head>
<body>
<header><nav><a href="/">Home</a> <a href="/pricing">Pricing</a> <a href="/contact">Contact</a></nav></header>
<main>
  <h1>Plan projects your team actually finishes ({number})</h1>
  <p>Tasks, deadlines and files in one place for teams of 5 to 50. Set up in ten minutes.</p>
  <a class="cta" href="/signup">Start your free trial</a>
  <img src="/load/hero.png" alt="The planning board" width="640" height="360">
  <blockquote>"We ship on time now." - Dana, operations lead, rated 4.8/5 by 1,200 reviewers</blockquote>
  <form action="/signup" method="post">
    <label for="email">Work email</label>
    <input id="email" type="email" name="email" autocomplete="email" required>
    <button type="submit">Get started</button>
  </form>
</main>
<footer><p>Questions? Call +1 555 0100 or write to hello@example.com. 30-day money-back guarantee.</p></footer>
</body>
</html>
""".encode()


class LoadSite:
    """The pages on loopback; `documents` counts document requests per (path, device)."""

    def __init__(self, pages: int, seed: int) -> None:
        rng = random.Random(seed)
        self.delays_s = [rng.uniform(*TTFB_MS) / 1000 for _ in range(pages)]
        self.documents: Counter[tuple[str, str]] = Counter()
        self._lock = threading.Lock()
        self._image = png(640, 360, (40, 90, 160))
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._httpd.daemon_threads = True
        self.port = int(self._httpd.server_address[1])
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="load-site", daemon=True)

    @property
    def host_port(self) -> str:
        return f"127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return f"http://{self.host_port}{path}"

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        site = self
        pages = {page_path(number): number for number in range(len(self.delays_s))}

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                return

            def do_GET(self) -> None:
                path = self.path.split("?", 1)[0]
                if path in pages:
                    number = pages[path]
                    device = "mobile" if "Mobile" in self.headers.get("User-Agent", "") else "desktop"
                    with site._lock:
                        site.documents[(path, device)] += 1
                    time.sleep(site.delays_s[number])
                    self._send(200, "text/html; charset=utf-8", page_html(number))
                elif path == "/load/hero.png":
                    self._send(200, "image/png", site._image)
                else:
                    self._send(404, "text/plain", b"not here")

            def _send(self, status: int, content_type: str, body: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Cache-Control", "no-store")
                self.end_headers()
                self.wfile.write(body)

        return Handler

    def __enter__(self) -> LoadSite:
        self._thread.start()
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()


def workload(plan: LoadPlan, site: LoadSite) -> list[dict[str, Any]]:
    """The submit bodies in order: every distinct page once at a seeded position, hot pages for the rest
    (a share forced, a share desktop-only). Same plan and seed, same list."""
    rng = random.Random(plan.seed)
    hot = [site.url(page_path(number)) for number in range(plan.hot_pages)]
    distinct = [site.url(page_path(plan.hot_pages + number)) for number in range(plan.distinct_pages)]
    bodies: list[dict[str, Any]] = []
    for _ in range(plan.submits - len(distinct)):
        body: dict[str, Any] = {"url": rng.choice(hot), "llm": False}
        if rng.random() < plan.force_share:
            body["force"] = True
        if rng.random() < plan.desktop_only_share:
            body["devices"] = ["desktop"]
        bodies.append(body)
    for url in distinct:
        bodies.insert(rng.randrange(len(bodies) + 1), {"url": url, "llm": False})
    return bodies


def body_key(body: dict[str, Any]) -> tuple[str, tuple[str, ...], bool]:
    """What makes two submits of this workload identical (the service also counts the rest of the body)."""
    return body["url"], tuple(body.get("devices", ("desktop", "mobile"))), bool(body.get("force", False))


# --- processes and memory -----------------------------------------------------------------------------


def tree_pss_bytes(root: psutil.Process) -> int:
    """PSS of a process and its descendants (shared pages counted once, pro rata); 0 once it is gone."""
    total = 0
    try:
        processes = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0
    for process in processes:
        with contextlib.suppress(psutil.NoSuchProcess, psutil.AccessDenied):
            total += process.memory_full_info().pss
    return total


def tree_cpu_seconds(root: psutil.Process) -> float:
    """CPU time (user + system) of a process and its descendants, with the children they have reaped
    (Chromium's renderers of closed contexts); 0 once it is gone."""
    try:
        processes = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0.0
    total = 0.0
    for process in processes:
        with contextlib.suppress(psutil.NoSuchProcess, psutil.AccessDenied):
            times = process.cpu_times()
            total += times.user + times.system + times.children_user + times.children_system
    return total


class MemorySampler:
    """Peak PSS per named process tree and of their sum, sampled every SAMPLE_INTERVAL_S in a thread;
    and the CPU seconds each tree spent between entering and leaving."""

    def __init__(self, trees: dict[str, psutil.Process]) -> None:
        self.trees = trees
        self.peaks: dict[str, int] = dict.fromkeys(trees, 0)
        self.peak_total = 0
        self.cpu_seconds: dict[str, float] = {}
        self._cpu_start: dict[str, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="pss-sampler", daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            sizes = {name: tree_pss_bytes(root) for name, root in self.trees.items()}
            for name, size in sizes.items():
                self.peaks[name] = max(self.peaks[name], size)
            self.peak_total = max(self.peak_total, sum(sizes.values()))
            self._stop.wait(SAMPLE_INTERVAL_S)

    def __enter__(self) -> MemorySampler:
        self._cpu_start = {name: tree_cpu_seconds(root) for name, root in self.trees.items()}
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.cpu_seconds = {name: tree_cpu_seconds(root) - self._cpu_start[name] for name, root in self.trees.items()}


class LoadStack:
    """redis-server + `cro-analyzer serve` + `plan.workers` x `cro-analyzer worker`, logs in `directory`."""

    def __init__(self, plan: LoadPlan, site: LoadSite, directory: Path) -> None:
        self.plan = plan
        self.directory = directory
        self.redis = RedisServer(directory)
        self._site = site
        self._stack = contextlib.ExitStack()
        self.gateway: CliServer | None = None
        self.workers: list[CliServer] = []

    def env(self) -> dict[str, str]:
        return settings_env(
            redis_url=self.redis.url,
            queue_backend="redis",
            key_prefix=KEY_PREFIX,
            allowed_private_hosts=[self._site.host_port],
            rate_limit_per_minute=0,
            worker_concurrency=self.plan.worker_concurrency,
            mobile_throttling=self.plan.throttling,
            desktop_throttling=self.plan.throttling,
            log_level="WARNING",
        )

    def __enter__(self) -> LoadStack:
        try:
            self.redis.start()
            self._stack.callback(self.redis.stop)
            env = self.env()
            serve = CliServer("serve", env=env, log_path=self.directory / "serve.log")
            self.gateway = self._stack.enter_context(serve)
            for number in range(self.plan.workers):
                worker = CliServer(
                    "worker",
                    "--consumer",
                    f"load-{number}",
                    env=env,
                    log_path=self.directory / f"worker-{number}.log",
                    serves_http=False,
                )
                self.workers.append(self._stack.enter_context(worker))
        except BaseException:
            self._stack.close()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self._stack.close()

    def trees(self) -> dict[str, psutil.Process]:
        assert self.gateway is not None
        trees = {"gateway": psutil.Process(self.gateway.process.pid)}
        for number, worker in enumerate(self.workers):
            trees[f"worker-{number} (+Chromium)"] = psutil.Process(worker.process.pid)
        trees["redis-server"] = self._redis_process()
        return trees

    def _redis_process(self) -> psutil.Process:
        for child in psutil.Process().children(recursive=True):
            with contextlib.suppress(psutil.NoSuchProcess):
                if "redis-server" in child.name() and str(self.redis.port) in " ".join(child.cmdline()):
                    return child
        raise RuntimeError("redis-server is not a child of this process")

    def exit_codes(self) -> dict[str, int]:
        """Stops the workers and the gateway with SIGTERM: each must exit 0 after its graceful shutdown."""
        codes = {f"worker-{number}": worker.terminate() for number, worker in enumerate(self.workers)}
        assert self.gateway is not None
        codes["gateway"] = self.gateway.terminate()
        return codes


# --- the run ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Submit:
    body: dict[str, Any]
    status: int
    job_id: str | None
    latency_s: float
    error: str | None = None
    retried: int = 0


@dataclass
class LoadResult:
    plan: LoadPlan
    submits: list[Submit]
    submit_seconds: float
    schedule_lateness_s: float
    healthz_ms: list[float]
    jobs: dict[str, dict[str, Any]]
    drain_seconds: float
    documents: Counter[tuple[str, str]]
    report_keys: list[str]
    leftovers: dict[str, object]
    memory_peaks: dict[str, int] = field(default_factory=dict)
    memory_peak_total: int = 0
    cpu_seconds: dict[str, float] = field(default_factory=dict)
    exit_codes: dict[str, int] = field(default_factory=dict)

    # --- figures

    def latencies_ms(self) -> list[float]:
        return sorted(submit.latency_s * 1000 for submit in self.submits)

    def percentile_ms(self, fraction: float) -> float:
        ordered = self.latencies_ms()
        return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]

    def statuses(self) -> Counter[int]:
        return Counter(submit.status for submit in self.submits)

    def analysed_jobs(self) -> list[dict[str, Any]]:
        """Jobs that ran an analysis (not answered from the cache)."""
        return [job for job in self.jobs.values() if not job.get("cached")]

    def analyses(self) -> int:
        """Analyses the site saw: document requests of the desktop profile plus those of mobile-only jobs
        (none in this workload), i.e. one per analysis attempt that reached the page."""
        return sum(count for (_, device), count in self.documents.items() if device == "desktop")

    def time_to_result_s(self) -> list[float]:
        return sorted(
            (_when(job["finished_at"]) - _when(job["created_at"])).total_seconds()
            for job in self.analysed_jobs()
            if job.get("finished_at")
        )

    # --- invariants

    def problems(self) -> list[str]:
        found: list[str] = []
        bad = [s for s in self.submits if s.status not in (200, 202)]
        if bad:
            found.append(f"{len(bad)} submits not answered 200/202, e.g. {bad[0].status} {bad[0].error}")
        ids = {s.job_id for s in self.submits if s.job_id}
        unfinished = [i for i in ids if self.jobs.get(i, {}).get("status") not in ("succeeded", "failed")]
        if unfinished:
            found.append(f"{len(unfinished)} accepted jobs not final after {self.plan.final_timeout_s:g} s")
        failed = [job for job in self.jobs.values() if job.get("status") == "failed"]
        if failed:
            found.append(f"{len(failed)} jobs failed, e.g. {failed[0].get('error')}")
        succeeded_analyses = [job for job in self.analysed_jobs() if job.get("status") == "succeeded"]
        expected_reports = sorted(f"{KEY_PREFIX}report:{job['id']}" for job in succeeded_analyses)
        if self.report_keys != expected_reports:
            found.append(f"{len(self.report_keys)} reports stored for {len(expected_reports)} analysed jobs")
        found += self._coalescing_problems()
        found += self._accounting_problems()
        if self.leftovers:
            found.append(f"left in the store: {self.leftovers}")
        unclean = {name: code for name, code in self.exit_codes.items() if code != 0}
        if unclean:
            found.append(f"processes did not exit 0 on SIGTERM: {unclean}")
        return found

    def _bodies(self) -> dict[str, dict[str, Any]]:
        """The request of each job (the first submit that returned it; coalesced ones are identical)."""
        return {s.job_id: s.body for s in reversed(self.submits) if s.job_id}

    def _coalescing_problems(self) -> list[str]:
        """Identical requests: a new analysis only once the previous one of the same request had ended
        (in flight they share a job; after a success the cache answers unless `force`)."""
        found: list[str] = []
        bodies = self._bodies()
        # A job's `created_at` is stamped by the request that created it, which the store decided before
        # answering: within the longest round trip of the submits that got that job.
        decided_within: dict[str, float] = {}
        for s in self.submits:
            if s.job_id:
                decided_within[s.job_id] = max(decided_within.get(s.job_id, 0.0), s.latency_s)
        by_request: dict[tuple[str, tuple[str, ...], bool], list[dict[str, Any]]] = {}
        for job in self.analysed_jobs():
            by_request.setdefault(body_key(bodies[job["id"]]), []).append(job)
        for key, jobs in by_request.items():
            _, _, force = key
            if not force and sum(job.get("status") == "succeeded" for job in jobs) > 1:
                found.append(f"{key}: analysed {len(jobs)} times although the first result was cached")
            ordered = sorted(jobs, key=lambda job: _when(job["created_at"]))
            for earlier, later in itertools.pairwise(ordered):
                decided_by = _when(later["created_at"]).timestamp() + decided_within[later["id"]] + CLOCK_SLACK_S
                if earlier.get("finished_at") is None or _when(earlier["finished_at"]).timestamp() > decided_by:
                    found.append(f"{key}: jobs {earlier['id']} and {later['id']} were in flight together")
        return found

    def _accounting_problems(self) -> list[str]:
        """Every page load the site saw belongs to an attempt of an analysed job, per page and device:
        at least one per succeeded job, at most one per attempt."""
        found: list[str] = []
        bodies = self._bodies()
        for device in ("desktop", "mobile"):
            jobs = [job for job in self.analysed_jobs() if device in body_key(bodies[job["id"]])[1]]
            paths = {_path(job["url"]) for job in jobs} | {path for path, dev in self.documents if dev == device}
            for path in sorted(paths):
                mine = [job for job in jobs if _path(job["url"]) == path]
                seen = self.documents[(path, device)]
                least = sum(job.get("status") == "succeeded" for job in mine)
                most = sum(job.get("attempts", 0) for job in mine)
                if not least <= seen <= most:
                    found.append(f"{path} {device}: {seen} page loads for {len(mine)} jobs ({most} attempts)")
        return found


def _when(stamp: str) -> datetime:
    return datetime.fromisoformat(stamp)


def _path(url: str) -> str:
    return "/" + url.split("/", 3)[3]


async def _submit_one(client: httpx.AsyncClient, body: dict[str, Any], key: str) -> Submit:
    """One submit as a careful client sends it: with an Idempotency-Key, so that a connection the server
    closed before answering (a keep-alive race) can be retried without risking a second job."""
    started = time.perf_counter()
    headers = {"Idempotency-Key": key}
    for retried in range(TRANSPORT_RETRIES + 1):
        try:
            response = await client.post("/v1/analyses", json=body, headers=headers)
        except httpx.TransportError as exc:
            if retried < TRANSPORT_RETRIES:
                continue
            return Submit(body, 0, None, time.perf_counter() - started, repr(exc), retried)
        elapsed = time.perf_counter() - started
        job_id = response.json().get("id") if response.status_code in (200, 202) else None
        error = None if job_id else response.text[:300]
        return Submit(body, response.status_code, job_id, elapsed, error, retried)
    raise AssertionError("unreachable")


async def _probe_health(base_url: str, done: asyncio.Event) -> list[float]:
    """Latencies of GET /healthz until `done`: what the HTTP stack alone costs on the machine as loaded."""
    latencies: list[float] = []
    async with httpx.AsyncClient(base_url=base_url, timeout=60) as client:
        while not done.is_set():
            started = time.perf_counter()
            with contextlib.suppress(httpx.HTTPError):
                (await client.get("/healthz")).raise_for_status()
                latencies.append((time.perf_counter() - started) * 1000)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(done.wait(), PROBE_INTERVAL_S)
    return latencies


async def _submit_all(
    base_url: str, bodies: list[dict[str, Any]], clients: int, rate: float
) -> tuple[list[Submit], float, float, list[float]]:
    """Every body submitted by `clients` lanes, paced at `rate`; the results, the seconds it took, how late
    the latest submit left against its schedule (lanes all busy), and the /healthz latencies meanwhile."""
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    results: list[Submit | None] = [None] * len(bodies)
    numbers = iter(range(len(bodies)))
    lateness = 0.0
    async with httpx.AsyncClient(base_url=base_url, limits=limits, timeout=60) as client:
        origin = time.perf_counter()

        async def lane() -> None:
            nonlocal lateness
            for number in numbers:
                body = bodies[number]
                if rate > 0:
                    due = origin + number / rate
                    await asyncio.sleep(max(0.0, due - time.perf_counter()))
                    lateness = max(lateness, time.perf_counter() - due)
                results[number] = await _submit_one(client, body, f"load-{number}")

        finished = asyncio.Event()
        probe = asyncio.create_task(_probe_health(base_url, finished))
        await asyncio.gather(*(lane() for _ in range(clients)))
        elapsed = time.perf_counter() - origin
        finished.set()
        healthz_ms = await probe
    return [result for result in results if result is not None], elapsed, lateness, healthz_ms


async def _await_final(base_url: str, job_ids: set[str], timeout_s: float) -> dict[str, dict[str, Any]]:
    jobs: dict[str, dict[str, Any]] = {}
    pending = set(job_ids)
    gate = asyncio.Semaphore(POLL_CONCURRENCY)
    deadline = time.monotonic() + timeout_s
    async with httpx.AsyncClient(base_url=base_url, timeout=30) as client:

        async def read(job_id: str) -> None:
            async with gate:
                response = await client.get(f"/v1/analyses/{job_id}")
            if response.status_code == 200:
                jobs[job_id] = response.json()
                if jobs[job_id]["status"] in ("succeeded", "failed"):
                    pending.discard(job_id)

        while pending and time.monotonic() < deadline:
            await asyncio.gather(*(read(job_id) for job_id in sorted(pending)))
            if pending:
                await asyncio.sleep(POLL_INTERVAL_S)
    return jobs


def run_load(plan: LoadPlan, directory: Path) -> LoadResult:
    """The whole run: site, processes, submits, drain, checks. Raises only if a process does not start."""
    pages = plan.hot_pages + plan.distinct_pages
    with LoadSite(pages, plan.seed) as site, LoadStack(plan, site, directory) as stack:
        assert stack.gateway is not None
        base_url = stack.gateway.url()
        bodies = workload(plan, site)
        with MemorySampler(stack.trees()) as memory:
            submits, submit_seconds, lateness, healthz_ms = asyncio.run(
                _submit_all(base_url, bodies, plan.clients, plan.rate)
            )
            started = time.monotonic()
            job_ids = {s.job_id for s in submits if s.job_id}
            jobs = asyncio.run(_await_final(base_url, job_ids, plan.final_timeout_s))
            drain_seconds = time.monotonic() - started + submit_seconds
        exit_codes = stack.exit_codes()
        with stack.redis.client() as client:
            stored_reports = report_keys(client, KEY_PREFIX)
            left = leftovers(client, KEY_PREFIX)
        return LoadResult(
            plan=plan,
            submits=submits,
            submit_seconds=submit_seconds,
            schedule_lateness_s=lateness,
            healthz_ms=healthz_ms,
            jobs=jobs,
            drain_seconds=drain_seconds,
            documents=Counter(site.documents),
            report_keys=stored_reports,
            leftovers=left,
            memory_peaks=dict(memory.peaks),
            memory_peak_total=memory.peak_total,
            cpu_seconds=dict(memory.cpu_seconds),
            exit_codes=exit_codes,
        )


def describe(result: LoadResult) -> Iterator[str]:
    """The figures, one line each, for the bench's output and a failing test's message."""
    plan = result.plan
    analysed = result.analysed_jobs()
    ttr = result.time_to_result_s()
    offered = f"offered at {plan.rate:g}/s" if plan.rate else "as fast as the clients go"
    yield (
        f"{len(result.submits)} submits ({offered}), {plan.clients} clients, {plan.workers} worker(s) x "
        f"{plan.worker_concurrency} analyses, seed {plan.seed}: statuses {dict(sorted(result.statuses().items()))}"
    )
    yield (
        f"submit: {len(result.submits) / result.submit_seconds:.0f}/s over {result.submit_seconds:.1f} s; latency "
        f"p50 {result.percentile_ms(0.5):.0f} ms, p90 {result.percentile_ms(0.9):.0f} ms, "
        f"p99 {result.percentile_ms(0.99):.0f} ms, max {result.latencies_ms()[-1]:.0f} ms; latest departure "
        f"{result.schedule_lateness_s * 1000:.0f} ms behind schedule; "
        f"{sum(s.retried for s in result.submits)} sent again after a connection closed unanswered"
    )
    if result.healthz_ms:
        health = sorted(result.healthz_ms)
        yield (
            f"baseline, GET /healthz meanwhile (no store, no queue; {len(health)} probes): p50 "
            f"{statistics.median(health):.0f} ms, p99 {health[min(len(health) - 1, int(0.99 * len(health)))]:.0f} ms"
        )
    yield (
        f"jobs: {len(result.jobs)} distinct ({len(analysed)} analysed, {len(result.jobs) - len(analysed)} from the "
        f"cache); {result.analyses()} page analyses seen by the site; all final after {result.drain_seconds:.1f} s "
        f"({len(analysed) / result.drain_seconds:.2f} analysed jobs/s, "
        f"{len(result.submits) / result.drain_seconds:.1f} submits answered with a final job/s)"
    )
    if ttr:
        yield (
            f"time to result of analysed jobs (queue + analysis): p50 {statistics.median(ttr):.1f} s, "
            f"max {ttr[-1]:.1f} s"
        )
    if result.memory_peaks:
        parts = ", ".join(f"{name} {size / 2**20:.0f} MiB" for name, size in result.memory_peaks.items())
        yield f"peak PSS: {parts}; all together {result.memory_peak_total / 2**20:.0f} MiB"
    if result.cpu_seconds:
        parts = ", ".join(f"{name} {seconds:.0f} s" for name, seconds in result.cpu_seconds.items())
        gateway = result.cpu_seconds.get("gateway", 0.0)
        yield (
            f"CPU time until all final: {parts}; the gateway's per submit (polls included): "
            f"{gateway / len(result.submits) * 1000:.1f} ms"
        )
