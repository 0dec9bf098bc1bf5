"""Field data through a whole analysis: the engine asks the (fake) CrUX API for the page it captured, the Core
Web Vitals rules judge real visitors' figures where there are some, and the report carries both."""

from __future__ import annotations

import json

import pytest

from harness.servers import LoopbackServer
from shared.capture.browser import BrowserPool
from shared.engine import AnalysisOptions, Engine
from tests.conftest import make_settings
from tests.support.crux import Answer, FakeCrux, crux_metric, crux_record
from tests.support.rule_pages import RULE_PAGE_BUDGETS

pytestmark = pytest.mark.browser


async def test_field_data_decides_the_core_web_vitals_and_the_report_shows_both(
    crux: FakeCrux, browser_pool: BrowserPool, pages_server: LoopbackServer
) -> None:
    page = pages_server.url("/rules/clean.html")
    slow_phone = crux_record(
        "url",
        page,
        largest_contentful_paint=crux_metric(4600, 0.3, 0.3, 0.4),
        interaction_to_next_paint=crux_metric(700, 0.4, 0.3, 0.3, edges=(200, 500)),
    )
    crux.script("PHONE", "url", Answer(200, json.dumps(slow_phone).encode()))
    settings = make_settings(pages_server, crux.server.host_port, **RULE_PAGE_BUDGETS, **crux.settings_overrides())
    engine = Engine(settings)
    engine.browser = browser_pool  # the session's Chromium; the engine's own pool never started
    report = (await engine.analyze(AnalysisOptions(url=page, llm=False))).report

    devices = {summary.device: summary for summary in report.devices}
    assert devices["mobile"].field.status == "ok" and devices["mobile"].field.scope == "url"
    assert devices["desktop"].field.status == "no_data"
    assert "field" in report.timings_ms
    lcp = report.finding("perf.lcp_slow:mobile")
    inp = report.finding("perf.inp_slow:mobile")
    assert lcp is not None and lcp.severity == "high" and lcp.evidence.values["source"] == "field"
    assert lcp.evidence.values["lab_lcp_ms"] == round(devices["mobile"].metrics.lcp_ms or 0)
    assert inp is not None and inp.evidence.values["source"] == "field"
    assert report.finding("perf.lcp_slow:desktop") is None, "the clean page is fast in the lab, and no field says else"
    assert [body["url"] for body in crux.asked("PHONE")] == [page]
