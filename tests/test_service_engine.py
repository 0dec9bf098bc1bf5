"""The service with the real engine (Chromium, rules, no Claude) on a real redis-server: a corpus page
analysed end to end through the inline queue, and a missing page failed at once as permanent."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from harness.servers import LoopbackServer
from shared.models.api import AnalysisRequest
from shared.service import Runtime, readiness, submit_job
from tests.support.jobs import jobs_settings, report_of, screenshot_of, wait_until

pytestmark = pytest.mark.browser

ANALYSIS_WAIT_S = 100.0


@pytest.fixture
async def rt(redis_url: str, corpus_server: LoopbackServer) -> AsyncIterator[Runtime]:
    settings = jobs_settings(
        redis_url, allowed_private_hosts=[corpus_server.host_port], analysis_timeout_s=90, lease_s=120
    )
    runtime = await Runtime.create(settings)
    try:
        yield runtime
    finally:
        await runtime.close()


async def test_a_page_is_analysed_and_its_report_and_screenshots_stored(
    rt: Runtime, corpus_server: LoopbackServer
) -> None:
    assert (await readiness(rt))["browser"] is True
    url = corpus_server.url("/landing-page/index.html")
    job = (await submit_job(rt, AnalysisRequest(url=url, llm=False), principal="p", idempotency_key=None)).job
    done = await wait_until(rt, job.id, timeout_s=ANALYSIS_WAIT_S)
    assert done.status == "succeeded", done.error
    report = await report_of(rt, job.id)
    assert report is not None
    assert report.url == url and report.llm.status == "disabled"
    assert {shot.device for shot in report.screenshots} == {"desktop", "mobile"}
    for shot in report.screenshots:
        png = await screenshot_of(rt, job.id, shot.name)
        assert png is not None and png.startswith(b"\x89PNG")


async def test_a_missing_page_fails_at_once(rt: Runtime, corpus_server: LoopbackServer) -> None:
    url = corpus_server.url("/no-such-page.html")
    request = AnalysisRequest(url=url, llm=False, devices=["desktop"])
    job = (await submit_job(rt, request, principal="p", idempotency_key=None)).job
    done = await wait_until(rt, job.id, timeout_s=ANALYSIS_WAIT_S)
    assert done.status == "failed"
    assert done.error is not None and done.error.code == "target_http_error"
    assert done.attempts == 1
