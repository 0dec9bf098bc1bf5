"""Load: 2,000 submits from 100 concurrent clients against the whole service on one machine (issue 7).

Starts redis-server, `cro-analyzer serve` (REDIS_URL, QUEUE_BACKEND=redis) and two `cro-analyzer worker`
processes with the real engine (Chromium, rules only), and fixture landing pages on loopback that answer
after 20-200 ms each (seeded). The workload (seeded) is mostly a few hot pages, so identical requests meet
a job in flight (coalesced) or a finished one (the cache), plus some `force` (a new analysis unless one is
in flight), some desktop-only, and distinct pages. Submits are offered at `--rate` per second, at most
`--clients` at once (`--rate 0`: as fast as the clients go). Then every job is polled to a final state.

Prints statuses, submit throughput and latency percentiles, analyses and jobs per second, time to result,
and the peak PSS of each process tree (gateway; each worker with its Chromium; redis-server), then the
invariants of `harness/load.py` (no 5xx, every job final, one report per analysed job, identical
requests never analysed twice in flight, every page load accounted for, nothing left in the queue, clean
exits). Exit code 1 if an invariant broke; never on a timing.

    python bench/load.py [--submits 2000] [--clients 100] [--rate 100] [--workers 2] [--seed 7]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from harness.load import LoadPlan, describe, run_load  # noqa: E402


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--submits", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=100, help="submits in flight at most")
    parser.add_argument("--rate", type=float, default=100.0, help="submits offered per second; 0 = unpaced")
    parser.add_argument("--workers", type=int, default=2, help="`cro-analyzer worker` processes")
    parser.add_argument("--worker-concurrency", type=int, default=2, help="analyses at once per worker")
    parser.add_argument("--hot-pages", type=int, default=5, help="pages most submits ask for")
    parser.add_argument("--distinct-pages", type=int, default=30, help="pages asked for once each")
    parser.add_argument("--force-share", type=float, default=0.05)
    parser.add_argument("--desktop-only-share", type=float, default=0.15)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--timeout", type=float, default=900.0, help="longest wait for every job to end, s")
    parser.add_argument("--logs", type=Path, default=None, help="keep the processes' logs here")
    return parser.parse_args()


def main() -> int:
    args = parse_args()
    plan = LoadPlan(
        submits=args.submits,
        clients=args.clients,
        workers=args.workers,
        hot_pages=args.hot_pages,
        distinct_pages=args.distinct_pages,
        rate=args.rate,
        force_share=args.force_share,
        desktop_only_share=args.desktop_only_share,
        worker_concurrency=args.worker_concurrency,
        seed=args.seed,
        final_timeout_s=args.timeout,
    )
    with tempfile.TemporaryDirectory(prefix="cro-load-") as scratch:
        directory = args.logs or Path(scratch)
        directory.mkdir(parents=True, exist_ok=True)
        result = run_load(plan, directory)
    for line in describe(result):
        print(line)
    problems = result.problems()
    if problems:
        print("INVARIANTS BROKEN:")
        for problem in problems:
            print(f"  - {problem}")
        return 1
    print(
        "invariants held: no 5xx, every job final and succeeded, one report per analysed job, no identical "
        "requests analysed together, every page load accounted for, queue empty, clean exits"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
