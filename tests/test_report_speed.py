"""The report's speed section and the CLI's speed line: lab conditions and field data side by side, in words a
reader can check, every text escaped."""

from __future__ import annotations

from rich.console import Console

from shared.cli.summary import render_summary
from shared.models.report import Report
from shared.models.speed import FieldData, MeasurementConditions
from shared.report.html import render_html
from shared.report.speed import describe_conditions, speed_card
from shared.report.view import build_view
from tests.support.reports import build_report


def cards(report: Report) -> dict[str, object]:
    return {card.device: card for card in build_view(report, {}).speed}


def with_device(report: Report, device: str, **update: object) -> Report:
    devices = [s.model_copy(update=update) if s.device == device else s for s in report.devices]
    return report.model_copy(update={"devices": devices})


def test_the_phone_headline_puts_real_visitors_beside_the_lab() -> None:
    mobile = cards(build_report())["mobile"]
    assert mobile.headline == (  # type: ignore[attr-defined]
        "Real phone visitors see the main content (LCP) after 3.1 s at p75; our lab load under Lighthouse's "
        "mobile conditions (a slow 4G phone) measured 5.2 s."
    )
    assert mobile.assessment == "Failed"  # type: ignore[attr-defined]  # LCP 3.1 s is past 2.5 s
    assert mobile.field_source == (  # type: ignore[attr-defined]
        "Chrome UX Report, p75 of real Chrome visits to this page, 2026-10-31 to 2026-11-27"
    )


def test_conditions_are_stated_with_their_figures_and_the_throttled_stages() -> None:
    mobile = cards(build_report())["mobile"]
    assert mobile.conditions == (  # type: ignore[attr-defined]
        "Lighthouse's mobile conditions (a slow 4G phone): 562.5 ms added to each request, 1,474.6 kbps down, "
        "675 kbps up, CPU 4× slower"
    )
    assert mobile.stages == (  # type: ignore[attr-defined]
        "Throttled: navigate, load, network quiet, metrics. Screenshots, scrolling, facts and accessibility "
        "checks ran at full speed."
    )
    assert describe_conditions(MeasurementConditions()) == "no throttling (this machine's own network and CPU)"


def test_rows_show_field_band_shares_and_the_lab_figure() -> None:
    rows = {row.label: row for row in cards(build_report())["mobile"].rows}  # type: ignore[attr-defined]
    lcp = rows["Largest Contentful Paint"]
    assert (lcp.field_text, lcp.field_band, lcp.shares) == ("3.1 s", "average", (61.0, 27.0, 12.0))
    assert (lcp.lab_text, lcp.lab_band) == ("5.2 s", "poor")
    inp = rows["Interaction to Next Paint"]
    assert inp.field_band == "good" and inp.lab_text.startswith("none: a load has no taps")


def test_a_device_without_field_data_says_why_and_shows_the_lab() -> None:
    desktop = cards(build_report())["desktop"]
    assert desktop.assessment is None and desktop.field_status == "no_data"  # type: ignore[attr-defined]
    assert desktop.headline == (  # type: ignore[attr-defined]
        "No field figure for LCP; our lab load under Lighthouse's desktop conditions (a desktop on a fast "
        "connection) measured 2.1 s."
    )
    assert all(row.field_text is None for row in desktop.rows)  # type: ignore[attr-defined]


def test_passing_field_figures_pass_the_assessment() -> None:
    report = build_report()
    (summary,) = [s for s in report.devices if s.device == "mobile"]
    good = summary.field.model_copy(update={"lcp_ms": summary.field.inp_ms.model_copy(update={"p75": 1900})})  # type: ignore[union-attr]
    assert speed_card(summary.model_copy(update={"field": good}), "Mobile").assessment == "Passed"


def test_the_html_shows_both_and_escapes_what_it_is_told() -> None:
    hostile = FieldData(status="unavailable", reason='<script>window.__pwned="field"</script>')
    report = with_device(build_report(), "desktop", field=hostile)
    html = render_html(report, {})
    assert "Speed: real visitors and our lab load" in html
    assert "Core Web Vitals assessment: Failed" in html and "No field assessment" in html
    assert "Real phone visitors see the main content (LCP) after 3.1 s at p75" in html
    assert "562.5 ms added to each request" in html
    assert 'aria-label="61.0 % of visits good, 27.0 % needs improvement, 12.0 % poor"' in html
    assert "<script>window.__pwned" not in html and "&lt;script&gt;window.__pwned=&#34;field&#34;" in html


def test_the_cli_summary_names_the_conditions_briefly() -> None:
    console = Console(record=True, width=220)
    render_summary(console, build_report(), [])
    text = console.export_text()
    assert "speed: desktop: lab Lighthouse desktop throttling; no field data in CrUX" in text
    assert "mobile: lab Lighthouse mobile throttling (slow 4G, CPU 4x); field data (this page)" in text
