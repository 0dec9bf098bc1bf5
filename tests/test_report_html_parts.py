"""The pure parts behind the HTML report: marker placement, colour bands, numbering, value display."""

from __future__ import annotations

import pytest
from rich.console import Console

from shared.cli.summary import render_summary
from shared.models.report import Region, Report, ReportQuality, Screenshot
from shared.report.bands import metric_band, score_band
from shared.report.html import http_url, render_html
from shared.report.markers import place_region
from shared.report.view import build_view, display_value, format_bytes, format_cls, format_ms
from tests.support.reports import build_report

SHOTS = [
    Screenshot(name="d-fold", device="desktop", kind="fold", width=1440, height=900),
    Screenshot(name="d-full", device="desktop", kind="full", width=1440, height=4000, truncated=True),
    Screenshot(name="m-fold", device="mobile", kind="fold", width=390, height=844),
]


def region(device: str, x: float, y: float, w: float, h: float) -> Region:
    return Region(device=device, x=x, y=y, w=w, h=h)  # type: ignore[arg-type]


def test_region_in_first_viewport_goes_on_the_fold_shot_in_percent() -> None:
    placement = place_region(region("desktop", 144, 90, 288, 45), SHOTS)
    assert placement is not None
    assert (placement.screenshot, placement.kind) == ("d-fold", "fold")
    assert (placement.left_pct, placement.top_pct, placement.width_pct, placement.height_pct) == (10, 10, 20, 5)


def test_region_touching_the_fold_line_still_counts_as_first_view() -> None:
    placement = place_region(region("desktop", 0, 850, 100, 50), SHOTS)
    assert placement is not None and placement.screenshot == "d-fold"


def test_region_partly_above_the_document_goes_on_the_fold_shot_clipped() -> None:
    placement = place_region(region("desktop", 0, -45, 144, 90), SHOTS)
    assert placement is not None and placement.screenshot == "d-fold"
    assert (placement.top_pct, placement.height_pct) == (0, 5)


def test_region_below_or_across_the_fold_goes_on_the_full_page() -> None:
    for y in (880, 2000):
        placement = place_region(region("desktop", 0, y, 1440, 40), SHOTS)
        assert placement is not None and placement.screenshot == "d-full"
        assert placement.top_pct == pytest.approx(y / 4000 * 100)


def test_region_is_clipped_to_the_image() -> None:
    placement = place_region(region("desktop", -144, 3960, 288, 200), SHOTS)
    assert placement is not None and placement.screenshot == "d-full"
    assert placement.left_pct == 0
    assert placement.width_pct == pytest.approx(10)
    assert placement.height_pct == pytest.approx(1)


def test_region_the_screenshots_do_not_show_gets_no_marker() -> None:
    assert place_region(region("desktop", 0, 4100, 100, 100), SHOTS) is None  # below the height cap
    assert place_region(region("desktop", 1500, 10, 100, 100), SHOTS) is None  # right of the page
    # No mobile full-page shot: a region straddling the mobile fold is drawn clipped on the fold shot.
    straddling = place_region(region("mobile", 0, 800, 390, 100), SHOTS)
    assert straddling is not None and straddling.screenshot == "m-fold"
    assert straddling.height_pct == pytest.approx(44 / 844 * 100, abs=1e-3)
    assert place_region(region("mobile", 0, 900, 390, 100), SHOTS) is None


@pytest.mark.parametrize(
    ("score", "band"), [(0, "poor"), (49, "poor"), (50, "average"), (89, "average"), (90, "good"), (100, "good")]
)
def test_score_bands_follow_lighthouse(score: int, band: str) -> None:
    assert score_band(score) == band


@pytest.mark.parametrize(
    ("name", "value", "band"),
    [
        ("lcp_ms", 2500, "good"),
        ("lcp_ms", 2501, "average"),
        ("lcp_ms", 4000, "average"),
        ("lcp_ms", 4001, "poor"),
        ("cls", 0.1, "good"),
        ("cls", 0.25, "average"),
        ("cls", 0.26, "poor"),
        ("tbt_ms", 200, "good"),
        ("tbt_ms", 600, "average"),
        ("tbt_ms", 601, "poor"),
        ("fcp_ms", 1800, "good"),
        ("fcp_ms", 3000, "average"),
        ("fcp_ms", 3001, "poor"),
        ("lcp_ms", None, None),
        ("request_count", 10, None),
    ],
)
def test_metric_bands_follow_core_web_vitals(name: str, value: float | None, band: str | None) -> None:
    assert metric_band(name, value) == band


def test_findings_are_numbered_top_issues_first_then_by_priority(sample_report: Report) -> None:
    view = build_view(sample_report, {})
    numbered = sorted((item for group in view.groups for item in group.items), key=lambda item: item.number)
    assert [item.number for item in numbered] == list(range(1, len(sample_report.findings) + 1))
    top_count = len(sample_report.top_issues)
    assert [item.finding.id for item in numbered[:top_count]] == sample_report.top_issues
    rest = [item.finding.priority for item in numbered[top_count:]]
    assert rest == sorted(rest, reverse=True)


def test_markers_on_the_same_spot_stack_their_numbers(sample_report: Report) -> None:
    duplicate = sample_report.findings[0].model_copy(update={"id": "dup", "priority": 0.01})
    report = sample_report.model_copy(update={"findings": [*sample_report.findings, duplicate]})
    view = build_view(report, {"desktop-fold.png": b"png"})
    markers = {item.finding.id: item for shot in view.fold_shots for item in shot.markers}
    assert markers[sample_report.findings[0].id].badge_stack == 0
    assert markers["dup"].badge_stack == 1


def test_display_helpers() -> None:
    assert format_ms(850.4) == "850 ms"
    assert format_ms(2500) == "2.5 s"
    assert format_cls(0.1) == "0.1"
    assert format_cls(0.0) == "0"
    assert format_bytes(2_350_000) == "2.4 MB"
    assert format_bytes(900) == "900 B"
    assert display_value(2.31456) == "2.315"
    assert display_value([20, 18]) == "20, 18"
    assert display_value({"min_ratio": 4.5, "ok": False}) == "min ratio 4.5 · ok false"
    records = [{"id": f"cta-{n}", "ratio": 1.55} for n in range(10)]
    assert display_value(records).splitlines() == [*(f"id cta-{n} · ratio 1.55" for n in range(8)), "… 2 more"]
    assert display_value([[1, 2], [3]]) == "[[1, 2], [3]]"
    assert display_value("x" * 1000).endswith("…") and len(display_value("x" * 1000)) == 240


@pytest.mark.parametrize(
    ("url", "linked"),
    [
        ("https://web.dev/articles/lcp", True),
        ("HTTP://example.com", True),
        ("javascript:alert(1)", False),
        (" javascript:alert(1)", False),
        ("data:text/html,<script>", False),
        ("//evil.example/x", False),
        (None, False),
    ],
)
def test_only_http_urls_become_links(url: str | None, linked: bool) -> None:
    assert (http_url(url) is not None) is linked


def test_a_degraded_capture_gets_a_banner_in_the_report_and_the_summary() -> None:
    report = build_report().model_copy(
        update={
            "quality": ReportQuality(
                status="degraded",
                reasons=["mobile: the first view rendered as one flat colour"],
                suppressed_rules=["cta.missing_above_fold"],
                lowered_rules=["cta.low_contrast"],
            )
        }
    )
    banner = build_view(report, {}).banners[0]
    assert banner.level == "warning" and "degraded" in banner.title
    assert "mobile: the first view rendered as one flat colour" in banner.text
    assert "Held back: cta.missing_above_fold" in banner.text and "half confidence: cta.low_contrast" in banner.text
    assert "Held back: cta.missing_above_fold" in render_html(report, {})
    console = Console(record=True, width=200)
    render_summary(console, report, [])
    assert "Degraded capture: mobile: the first view rendered as one flat colour" in console.export_text()


def test_a_sound_capture_gets_no_quality_banner() -> None:
    report = build_report()
    assert [banner.title for banner in build_view(report, {}).banners] == []
    console = Console(record=True, width=200)
    render_summary(console, report, [])
    assert "Degraded capture" not in console.export_text()
