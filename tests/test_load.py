"""A short load run with the real processes: 200 submits (10/s) from at most 20 concurrent clients against `cro-analyzer
serve` + redis-server + one `cro-analyzer worker` (real Chromium, rules only) on fixture pages with
20-200 ms TTFB. Asserts the invariants of `bench/load.py`, never its timings: no 5xx, every accepted job
final and succeeded, one report per analysed job, identical requests never analysed twice while in flight,
every page load accounted for by a job's attempt, nothing left in the queue, clean exits. Then the checks
themselves on made-up results: they must see identical requests in flight together and stray page loads."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from harness.load import KEY_PREFIX, LoadPlan, LoadResult, Submit, describe, run_load

# 200 submits spread over 20 s: the first analyses of the hot pages end meanwhile, so later identical
# submits meet both a job in flight (coalesced) and a finished one (the cache). At full speed: what is
# tested is the service's invariants, and throttled loads (several seconds each) on a busy machine kept
# every first analysis of a hot page running past a 10 s window, leaving the cache nothing to answer.
PLAN = LoadPlan(
    submits=200,
    clients=20,
    workers=1,
    hot_pages=2,
    distinct_pages=4,
    rate=10.0,
    seed=11,
    final_timeout_s=120.0,
    throttling="none",
)


@pytest.mark.browser
@pytest.mark.timeout(180)
def test_a_short_load_run_keeps_every_invariant(tmp_path: Path) -> None:
    result = run_load(PLAN, tmp_path)
    figures = "\n".join(describe(result))

    assert result.problems() == [], figures
    assert len(result.submits) == PLAN.submits
    statuses = result.statuses()
    assert set(statuses) <= {200, 202} and statuses[200] > 0, "the cache answered some submits"
    accepted = [s.job_id for s in result.submits if s.status == 202]
    assert len(set(accepted)) < len(accepted), "identical submits in flight shared a job"
    assert result.analyses() >= PLAN.distinct_pages + PLAN.hot_pages
    assert result.exit_codes == {"worker-0": 0, "gateway": 0}


URL = "http://127.0.0.1:9/load/page-0.html"


def job(job_id: str, created: str, finished: str, *, attempts: int = 1) -> dict[str, Any]:
    return {
        "id": job_id,
        "status": "succeeded",
        "url": URL,
        "cached": False,
        "attempts": attempts,
        "created_at": f"2030-01-01T00:00:{created}+00:00",
        "finished_at": f"2030-01-01T00:00:{finished}+00:00",
    }


def synthetic(jobs: list[dict[str, Any]], loads: int, *, force: bool = True) -> LoadResult:
    body = {"url": URL, "llm": False, "devices": ["desktop"], "force": force}
    return LoadResult(
        plan=PLAN,
        submits=[Submit(body, 202, item["id"], 0.01) for item in jobs],
        submit_seconds=1.0,
        schedule_lateness_s=0.0,
        healthz_ms=[],
        jobs={item["id"]: item for item in jobs},
        drain_seconds=2.0,
        documents=Counter({("/load/page-0.html", "desktop"): loads}),
        report_keys=sorted(f"{KEY_PREFIX}report:{item['id']}" for item in jobs),
        leftovers={},
    )


def test_the_checks_see_identical_requests_in_flight_together_and_unaccounted_page_loads() -> None:
    one_after_another = [job("a", "01", "03"), job("b", "04", "06")]
    overlapping = [job("a", "01", "05"), job("b", "02", "06")]

    assert synthetic(one_after_another, loads=2).problems() == []
    assert any("in flight together" in problem for problem in synthetic(overlapping, loads=2).problems())
    assert any("page loads" in problem for problem in synthetic(one_after_another, loads=3).problems())
    cached_twice = synthetic(one_after_another, loads=2, force=False).problems()
    assert any("first result was cached" in problem for problem in cached_twice)
