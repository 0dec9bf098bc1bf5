"""Comparisons: two fixture versions of one page analysed by the real engine through the gateway (the
image's alt text added, the viewport tag dropped), and the matching rules on reports built by hand."""

from __future__ import annotations

import time

import httpx
import pytest

from harness.scripted_analysis import make_outcome
from harness.servers import LoopbackServer
from shared.compare.diff import compare_reports
from shared.engine import AnalysisOptions
from shared.models.report import Evidence, Finding, Report, Scores
from tests.support.gateway import http_settings, running_gateway

ANALYSIS_TIMEOUT_S = 120.0


def wait_ready(client: httpx.Client, url: str) -> dict:
    deadline = time.monotonic() + ANALYSIS_TIMEOUT_S
    while True:
        body = client.get(url).json()
        if body["status"] != "waiting":
            return body
        assert time.monotonic() < deadline, body
        time.sleep(0.3)


@pytest.mark.browser
@pytest.mark.timeout(200)
def test_two_versions_of_a_page_a_finding_fixed_one_added_scores_moved(pages_server: LoopbackServer) -> None:
    settings = http_settings(
        allowed_private_hosts=[pages_server.host_port],
        mobile_throttling="none",
        desktop_throttling="none",
        analysis_timeout_s=90.0,
        lease_s=120.0,
    )
    before, after = pages_server.url("/compare/before.html"), pages_server.url("/compare/after.html")
    with running_gateway(settings) as server, httpx.Client(timeout=30) as client:
        response = client.post(server.url("/v1/comparisons"), json={"a": before, "b": after, "llm": False})
        assert response.status_code == 202, response.text
        done = wait_ready(client, response.json()["links"]["self"])
        assert done["status"] == "ready", done
        diff = done["diff"]
        assert [f["rule"] for f in diff["resolved"]] == ["a11y.image_alt_missing"]
        assert "mobile.viewport_meta_missing" in {f["rule"] for f in diff["new"]}
        assert diff["categories"]["accessibility"]["delta"] > 0 > diff["categories"]["mobile"]["delta"]
        assert diff["overall"]["delta"] == diff["overall"]["b"] - diff["overall"]["a"]

        html = client.get(done["links"]["report_html"])
        assert html.status_code == 200 and html.headers["x-content-type-options"] == "nosniff"
        assert html.text.count('src="data:image/jpeg;base64,') == 2
        assert "a11y.image_alt_missing" in html.text

        # A job id names its analysis; both sides final already: answered at once with the same diff.
        again = client.post(server.url("/v1/comparisons"), json={"a": done["a"]["job_id"], "b": after, "llm": False})
        assert again.status_code == 200, again.text
        assert again.json()["a"]["job_id"] == done["a"]["job_id"] and again.json()["diff"] == diff

        bad = client.post(server.url("/v1/comparisons"), json={"a": "not a page", "b": after})
        assert bad.status_code == 422 and bad.json()["error"]["code"] == "invalid_url"
        assert client.get(server.url("/v1/comparisons/nope")).status_code == 404


def finding(rule: str, elements: list[str], title: str, device: str = "desktop") -> Finding:
    return Finding(
        id=f"{rule}:{device}:{','.join(elements)}",
        rule=rule,
        category="cta",
        severity="medium",
        source="rule",
        title=title,
        detail=title,
        recommendation="-",
        evidence=Evidence(device=device, elements=elements),  # type: ignore[arg-type]
    )


def report(overall: int, cta: int, findings: list[Finding]) -> Report:
    base = make_outcome(AnalysisOptions(url="http://example.com/", devices=("desktop",), llm=False)).report
    scores = Scores(overall=overall, categories={"cta": cta}, method="test")
    return base.model_copy(update={"scores": scores, "findings": findings})


def test_findings_match_by_rule_and_evidence_never_by_wording() -> None:
    a = report(
        60,
        50,
        [
            finding("cta.low_contrast", ["cta-3"], "Low contrast"),
            finding("cta.low_contrast", ["cta-5"], "Low contrast"),
            finding("cta.too_many", ["cta-1"], "Too many CTAs"),
        ],
    )
    b = report(
        70,
        65,
        [
            # Reworded by a new rules release, same rule and element: persisting.
            finding("cta.low_contrast", ["cta-3"], "The button barely stands out"),
            # The page gained an element above: ids shifted, the rule and device still match one left over.
            finding("cta.low_contrast", ["cta-6"], "Low contrast"),
            finding("cta.low_contrast", ["cta-9"], "Low contrast"),
            finding("cta.too_many", ["cta-1"], "Too many CTAs", device="mobile"),
        ],
    )
    diff = compare_reports(a, b)
    assert [f.id for f in diff.persisting] == ["cta.low_contrast:desktop:cta-3", "cta.low_contrast:desktop:cta-6"]
    assert [f.id for f in diff.new] == ["cta.low_contrast:desktop:cta-9", "cta.too_many:mobile:cta-1"]
    assert [f.id for f in diff.resolved] == ["cta.too_many:desktop:cta-1"]
    assert (diff.overall.delta, diff.categories["cta"].delta) == (10, 15)
