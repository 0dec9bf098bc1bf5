"""A site batch: 200 pages through the gateway and two workers on redis-server, one worker SIGKILLed mid-batch.

The stack of `bench/load.py` (redis-server, `cro-analyzer serve`, N `cro-analyzer worker` with the real
engine, rules only) and its fixture site (landing pages on loopback answering after 20-200 ms, seeded).
One `POST /v1/batches` with every page; the batch is polled until its site summary is there. When a
share of the pages is final (`--kill-at`), worker 0 and its Chromium are SIGKILLed, as a platform
stopping a container without notice: its deliveries stay pending in the stream and its jobs' leases run
out (`--lease`), then the surviving worker reclaims and finishes them.

Prints pages per minute, the time to the site summary, the PSS of each process tree at each quarter of
the batch (flat while it runs = nothing grows with the batch), the CPU seconds per analysis (the workers'
trees, Chromium included, over the analyses the site served), and the checks: every page final and
succeeded, one job per page, a summary over all of them. Exit code 1 if a check broke; never on a timing.

    python bench/batch.py [--pages 200] [--workers 2] [--worker-concurrency 2] [--kill-at 0.3] [--lease 60]
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import tempfile
import time
from pathlib import Path

import httpx
import psutil

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from harness.load import LoadPlan, LoadSite, LoadStack, page_path, tree_cpu_seconds, tree_pss_bytes  # noqa: E402

POLL_S = 1.0
MIB = 1024 * 1024


class BatchStack(LoadStack):
    """The load stack with leases short enough that a killed worker's jobs are taken over within the run."""

    def __init__(self, plan: LoadPlan, site: LoadSite, directory: Path, lease_s: float) -> None:
        super().__init__(plan, site, directory)
        self.lease_s = lease_s

    def env(self) -> dict[str, str]:
        return {
            **super().env(),
            "LEASE_S": str(self.lease_s),
            "ANALYSIS_TIMEOUT_S": str(self.lease_s * 0.75),
            "WORKER_RECLAIM_INTERVAL_S": "5",
            "BATCH_MAX_PAGES": "10000",
        }


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--worker-concurrency", type=int, default=2)
    parser.add_argument("--kill-at", type=float, default=0.3, help="share of pages final when worker 0 is killed")
    parser.add_argument("--lease", type=float, default=60.0, help="LEASE_S: how soon a dead worker's jobs move")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--timeout", type=float, default=3600.0, help="longest wait for the summary, s")
    parser.add_argument("--logs", type=Path, default=None, help="keep the processes' logs here")
    return parser.parse_args()


def kill_tree(root: psutil.Process) -> None:
    processes = [root, *root.children(recursive=True)]
    for process in processes:
        with contextlib.suppress(psutil.NoSuchProcess):
            process.kill()
    psutil.wait_procs(processes, timeout=10)


def main() -> int:
    args = parse_args()
    plan = LoadPlan(
        submits=0,
        clients=1,
        workers=args.workers,
        hot_pages=0,
        distinct_pages=args.pages,
        worker_concurrency=args.worker_concurrency,
        seed=args.seed,
    )
    with tempfile.TemporaryDirectory(prefix="cro-batch-") as scratch:
        directory = args.logs or Path(scratch)
        directory.mkdir(parents=True, exist_ok=True)
        with LoadSite(args.pages, args.seed) as site, BatchStack(plan, site, directory, args.lease) as stack:
            return run(args, site, stack)


def run(args: argparse.Namespace, site: LoadSite, stack: BatchStack) -> int:
    assert stack.gateway is not None
    trees = stack.trees()
    names = list(trees)
    victim = names[1]  # worker 0
    cpu_start = {name: tree_cpu_seconds(root) for name, root in trees.items()}
    cpu_spent: dict[str, float] = {}
    quarters: dict[int, dict[str, int]] = {}
    urls = [site.url(page_path(number)) for number in range(args.pages)]
    killed_at: float | None = None
    with httpx.Client(timeout=60) as client:
        started = time.monotonic()
        body = {"urls": urls, "llm": False, "max_pages": args.pages}
        response = client.post(stack.gateway.url("/v1/batches"), json=body)
        submitted_s = time.monotonic() - started
        if response.status_code != 202:
            print(f"submit answered {response.status_code}: {response.text[:500]}")
            return 1
        link = stack.gateway.url(response.json()["links"]["self"].removeprefix(stack.gateway.url()))
        while True:
            view = client.get(link).json()
            done = view["counts"]["succeeded"] + view["counts"]["failed"]
            quarter = 4 * done // args.pages
            if quarter not in quarters:
                alive = {name: root for name, root in trees.items() if name not in cpu_spent}
                quarters[quarter] = {name: tree_pss_bytes(root) for name, root in alive.items()}
            if killed_at is None and done >= args.kill_at * args.pages:
                cpu_spent[victim] = tree_cpu_seconds(trees[victim]) - cpu_start[victim]
                kill_tree(trees[victim])
                killed_at = time.monotonic() - started
                print(f"SIGKILLed {victim} at {killed_at:.1f} s with {done}/{args.pages} pages final", flush=True)
            if view["status"] == "finished" or time.monotonic() - started > args.timeout:
                break
            time.sleep(POLL_S)
        summary_s = time.monotonic() - started
    for name, root in trees.items():
        if name not in cpu_spent and name != victim:
            cpu_spent[name] = tree_cpu_seconds(root) - cpu_start[name]
    analyses = sum(count for (_, device), count in site.documents.items() if device == "desktop")
    worker_cpu = sum(seconds for name, seconds in cpu_spent.items() if name.startswith("worker"))

    print(f"pages: {args.pages}, workers: {args.workers} x {args.worker_concurrency}, lease {args.lease:g} s")
    print(f"POST /v1/batches answered in {submitted_s:.2f} s")
    print(f"time to the site summary: {summary_s:.1f} s ({view['total'] / summary_s * 60:.1f} pages/minute)")
    print(f"analyses the site served (desktop loads): {analyses}")
    print(f"CPU seconds per analysis (workers + Chromium): {worker_cpu / max(analyses, 1):.2f}")
    print(f"CPU seconds, gateway: {cpu_spent.get(names[0], 0):.1f}, redis-server: {cpu_spent.get(names[-1], 0):.1f}")
    print("PSS per process tree (MiB) when a quarter of the pages more was final:")
    for quarter, sizes in sorted(quarters.items()):
        print(f"  {min(quarter, 4) * 25:>3}%: " + ", ".join(f"{name} {size / MIB:.0f}" for name, size in sizes.items()))

    problems: list[str] = []
    if view["status"] != "finished":
        problems.append(f"the batch did not finish within {args.timeout:g} s: {view['counts']}")
    if view["counts"]["succeeded"] != args.pages:
        problems.append(f"not every page succeeded: {view['counts']}, failures {view.get('summary', {})}")
    job_ids = [page["job_id"] for page in view["pages"]]
    if len(set(job_ids)) != args.pages or None in job_ids:
        problems.append("pages and jobs do not match one to one")
    summary = view.get("summary") or {}
    if summary.get("pages") != args.pages or not summary.get("overall"):
        problems.append("the site summary does not cover every page")
    if problems:
        print("CHECKS BROKEN:")
        for problem in problems:
            print(f"  - {problem}")
        return 1
    print("checks held: every page final and succeeded after the SIGKILL, one job per page, a full site summary")
    return 0


if __name__ == "__main__":
    sys.exit(main())
