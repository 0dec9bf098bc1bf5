"""The original service's routes: its field names, Celery state names and status codes, over our jobs."""

from __future__ import annotations

import base64
import time
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import httpx

from shared.models.report import Evidence, Finding, LlmInfo, Report, Scores, Screenshot, Uplift
from shared.version import ANALYZER_VERSION
from tests.support.gateway import GatedAnalysis, http_settings, running_gateway, target

if TYPE_CHECKING:
    from shared.engine import AnalysisOptions, AnalysisOutcome, ProgressCallback

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def finding(number: int, severity: str, device: str | None = None) -> Finding:
    return Finding(
        id=f"rule-{number}",
        rule=f"cta.rule_{number}",
        category="cta",
        severity=severity,  # type: ignore[arg-type]
        source="rule",
        title=f"Issue {number}",
        detail=f"What is wrong, number {number}",
        recommendation=f"What to do, number {number}",
        evidence=Evidence(device=device),  # type: ignore[arg-type]
    )


async def analysis_with_findings(options: AnalysisOptions, progress: ProgressCallback) -> AnalysisOutcome:
    from harness.scripted_analysis import png
    from shared.capture.result import ScreenshotImage
    from shared.engine import AnalysisOutcome

    await progress("judging", 75)
    findings = [finding(n, "medium", "mobile" if n == 6 else None) for n in range(1, 7)]
    shots = [
        ScreenshotImage(ref=Screenshot(name=f"{d}-fold.png", device=d, kind="fold", width=8, height=6), png=png())
        for d in ("desktop", "mobile")
    ]
    report = Report(
        analyzer_version=ANALYZER_VERSION,
        rules_version="test",
        url=options.url,
        final_url=options.url,
        analyzed_at=datetime.now(UTC),
        devices=[],
        scores=Scores(overall=62, categories={"cta": 40, "performance": 91}, method="weighted mean of categories"),
        findings=findings,
        top_issues=["rule-6", "rule-2", "rule-1"],
        summary="The hero hides the call to action.",
        actions=["Move the CTA up.", "Cut the form."],
        uplift=Uplift(low_pct=5, high_pct=12.5, confidence="medium", rationale="Typical for such fixes."),
        screenshots=[shot.ref for shot in shots],
        llm=LlmInfo(status="ok"),
    )
    return AnalysisOutcome(report=report, screenshots=shots)


def poll(client: httpx.Client, url: str, state: str, percent: int | None = None) -> dict:
    """Polls a legacy status URL until `state` (and, for PROGRESS, the given percent) is reached."""
    deadline = time.monotonic() + 30
    while True:
        body = client.get(url).json()
        reached = body["status"] == state and (percent is None or body.get("progress", {}).get("percent") == percent)
        if reached or time.monotonic() > deadline:
            return body
        time.sleep(0.02)


def test_submit_poll_and_read_the_result_as_the_original_did(http_client: httpx.Client) -> None:
    gate = GatedAnalysis()
    with running_gateway(http_settings(), analyze=gate) as server:
        try:
            submitted = http_client.post(
                server.url("/analyze/async"), json={"url": target("/legacy"), "unknown_old_field": True}
            )
            assert submitted.status_code == 200
            task = submitted.json()
            assert task == {
                "task_id": task["task_id"],
                "status": "PENDING",
                "message": "Analysis task submitted successfully",
                "poll_url": f"/analyze/status/{task['task_id']}",
            }
            status_url = server.url(task["poll_url"])
            progress = poll(http_client, status_url, "PROGRESS", percent=10)
            assert progress["status"] == "PROGRESS"
            assert progress["message"] == "Task is in progress"
            assert progress["progress"]["current"] == 2 and progress["progress"]["total"] == 5
            assert progress["progress"]["percent"] == 10
            assert progress["progress"]["url"] == target("/legacy")
            assert progress["progress"]["status"]
            assert "result" not in progress and "error" not in progress

            pending = http_client.get(server.url(f"/analyze/result/{task['task_id']}"))
            assert pending.status_code == 202
            assert pending.json()["error"]["code"] == "task_not_finished"
        finally:
            gate.release()
        done = poll(http_client, status_url, "SUCCESS")
        assert done["message"] == "Task completed successfully"
        assert set(done) == {"task_id", "status", "message", "result"}
        result = http_client.get(server.url(f"/analyze/result/{task['task_id']}"))
    assert result.status_code == 200
    body = result.json()
    assert body["task_id"] == task["task_id"] and body["status"] == "SUCCESS"
    assert set(body["result"]) == {"url", "analyzed_at", "issues", "deep_info"}
    assert body["result"] == done["result"]


def test_deep_info_maps_summary_scores_uplift_and_five_issues_in_priority_order(http_client: httpx.Client) -> None:
    with running_gateway(http_settings(), analyze=analysis_with_findings) as server:
        task = http_client.post(
            server.url("/analyze/async"),
            json={"url": target("/deep"), "deep_info": True, "include_screenshots": True},
        ).json()
        result = poll(http_client, server.url(task["poll_url"]), "SUCCESS")["result"]
        shallow_task = http_client.post(server.url("/analyze/async"), json={"url": target("/shallow")}).json()
        shallow = poll(http_client, server.url(shallow_task["poll_url"]), "SUCCESS")["result"]

    assert [issue["title"] for issue in result["issues"]] == ["Issue 6", "Issue 2", "Issue 1", "Issue 3", "Issue 4"]
    first = result["issues"][0]
    assert first["description"] == "What is wrong, number 6"
    assert first["recommendation"] == "What to do, number 6"
    assert base64.b64decode(first["screenshot_base64"]).startswith(PNG_SIGNATURE)
    assert result["deep_info"] is True
    assert result["total_issues_identified"] == 6
    assert result["executive_summary"] == {
        "overview": "The hero hides the call to action.",
        "how_to_act": "Move the CTA up. Cut the form.",
    }
    assert result["cro_analysis_score"] == {
        "score": 62,
        "calculation": "weighted mean of categories",
        "rating": "Needs Improvement",
    }
    assert result["site_performance_score"]["score"] == 91
    assert result["site_performance_score"]["rating"] == "Excellent"
    assert result["conversion_rate_increase_potential"] == {
        "percentage": "5-12.5%",
        "confidence": "medium",
        "rationale": "Typical for such fixes.",
    }

    assert [issue["title"] for issue in shallow["issues"]] == ["Issue 6", "Issue 2", "Issue 1"]
    assert all(issue["screenshot_base64"] is None for issue in shallow["issues"])
    assert "executive_summary" not in shallow


def test_a_failed_task_reads_as_failure_and_its_result_as_500(http_client: httpx.Client) -> None:
    from shared.errors import AnalysisError, ErrorCode

    gate = GatedAnalysis(error=AnalysisError(ErrorCode.dns_failure, "no such host"))
    gate.release()
    with running_gateway(http_settings(), analyze=gate) as server:
        task = http_client.post(server.url("/analyze/async"), json={"url": target("/nx")}).json()
        failed = poll(http_client, server.url(task["poll_url"]), "FAILURE")
        result = http_client.get(server.url(f"/analyze/result/{task['task_id']}"))
    assert failed["message"] == "Task failed"
    assert failed["error"] == "dns_failure: no such host"
    assert result.status_code == 500
    assert result.json()["error"]["code"] == "task_failed"


def test_bad_input_unknown_tasks_and_health(http_client: httpx.Client) -> None:
    with running_gateway(http_settings(), analyze=analysis_with_findings) as server:
        bad = http_client.post(server.url("/analyze/async"), json={"url": "http://169.254.169.254/"})
        assert bad.status_code == 422 and bad.json()["error"]["code"] == "blocked_by_policy"
        missing = http_client.post(server.url("/analyze/async"), json={"include_screenshots": True})
        assert missing.status_code == 422
        assert http_client.get(server.url(f"/analyze/status/{'0' * 32}")).status_code == 404
        assert http_client.get(server.url(f"/analyze/result/{'0' * 32}")).status_code == 404
        assert http_client.get(server.url("/health")).json() == {"status": "healthy"}
        detailed = http_client.get(server.url("/status/detailed")).json()
    assert detailed == {
        "api": "healthy",
        "redis": "connected",
        "celery": "workers_active",
        "browser_pool": "injected",
        "anthropic_api": "missing",
        "overall_status": "degraded",
        "queue_backend": "inline",
    }
