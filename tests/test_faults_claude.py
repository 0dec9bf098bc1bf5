"""Claude down or too slow, end to end through a job: the real engine (Chromium, rules) analyses a fixture
page, the fake Claude answers 529 to every request or answers after the budget, and the job still
succeeds once, with `llm.status == "unavailable"`, the reason, and the same rule findings as a rules-only
analysis of the page. A Claude outage is not a job failure: nothing is retried at the job level."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from harness.fake_claude import FakeClaude, overloaded, slow, tool_call
from harness.redis_server import RedisServer
from harness.servers import LoopbackServer
from shared.models.api import AnalysisRequest, Job
from shared.models.report import Report
from shared.service import Runtime, submit_job
from tests.support.faults import ENGINE_JOB_TIMEOUT_S, LANDING, LANDING_RULES, engine_settings
from tests.support.jobs import report_of, wait_until

pytestmark = [pytest.mark.browser, pytest.mark.timeout(150)]

CLAUDE_RETRIES = 2
CLAUDE_TIMEOUT_S = 3.0


async def analyse(rt: Runtime, url: str, *, llm: bool) -> tuple[Job, Report]:
    request = AnalysisRequest(url=url, llm=llm)
    job = (await submit_job(rt, request, principal="p", idempotency_key=None)).job
    done = await wait_until(rt, job.id, timeout_s=ENGINE_JOB_TIMEOUT_S)
    assert done.status == "succeeded", done.error
    report = await report_of(rt, job.id)
    assert report is not None
    return done, report


def rule_findings(report: Report) -> set[str]:
    """Rule findings that depend on the page alone (timings on a busy machine may move performance ones)."""
    return {f.id for f in report.findings if f.source == "rule" and f.category != "performance"}


@pytest.fixture(scope="module")
async def rules_only(redis_server: RedisServer, fault_site: LoopbackServer) -> Report:
    """The page analysed without Claude: the rule findings the degraded reports must carry unchanged."""
    settings = engine_settings(redis_server.url, fault_site, key_prefix="faults-baseline:")
    rt = await Runtime.create(settings)
    try:
        _, report = await analyse(rt, fault_site.url(LANDING), llm=False)
    finally:
        await rt.close()
    assert {f.rule for f in report.findings} >= LANDING_RULES
    return report


@pytest.fixture
async def claude_runtime(redis_url: str, fault_site: LoopbackServer, fake_claude: FakeClaude) -> AsyncIterator[Runtime]:
    settings = engine_settings(
        redis_url,
        fault_site,
        llm_max_retries=CLAUDE_RETRIES,
        llm_timeout_s=CLAUDE_TIMEOUT_S,
        **fake_claude.settings_overrides(),
    )
    rt = await Runtime.create(settings)
    try:
        yield rt
    finally:
        await rt.close()


async def test_an_overload_storm_leaves_a_rules_report(
    claude_runtime: Runtime, fake_claude: FakeClaude, fault_site: LoopbackServer, rules_only: Report
) -> None:
    fake_claude.script(then=overloaded())
    job, report = await analyse(claude_runtime, fault_site.url(LANDING), llm=True)

    assert report.llm.status == "unavailable"
    assert "529" in (report.llm.reason or "")
    assert len(fake_claude.requests) == CLAUDE_RETRIES + 1, "the SDK retried, then the job went on without Claude"
    assert job.attempts == 1
    assert not [f for f in report.findings if f.source == "llm"]
    assert rule_findings(report) == rule_findings(rules_only)
    assert report.summary is None and report.uplift is None


async def test_claude_slower_than_its_budget_leaves_a_rules_report(
    claude_runtime: Runtime, fake_claude: FakeClaude, fault_site: LoopbackServer, rules_only: Report
) -> None:
    fake_claude.script(then=slow(tool_call(), 60.0))
    job, report = await analyse(claude_runtime, fault_site.url(LANDING), llm=True)

    assert report.llm.status == "unavailable"
    assert f"within {CLAUDE_TIMEOUT_S:g} s" in (report.llm.reason or "")
    assert fake_claude.requests and fake_claude.delivered == 0, "no answer reached the service"
    assert job.attempts == 1
    assert not [f for f in report.findings if f.source == "llm"]
    assert rule_findings(report) == rule_findings(rules_only)
