"""The readable end of a CLI run: scores, the top issues and where to look, what was measured.

Everything shown comes from the report, and much of it from the page (its URL, its texts) or from Claude:
it goes into `Text` objects, which Rich never reads as markup, so a page cannot style or link the terminal.
"""

from __future__ import annotations

from pathlib import Path

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from shared.models.report import Finding, Report
from shared.report.speed import speed_line

_SEVERITY_STYLE = {"high": "bold red", "medium": "yellow", "low": "cyan"}


def _score_style(score: int) -> str:
    # Lighthouse's colour bands: 90+ good, 50-89 needs improvement, below 50 poor.
    return "green" if score >= 90 else "yellow" if score >= 50 else "red"


def _where(finding: Finding) -> str:
    parts: list[str] = []
    if finding.evidence.device:
        parts.append(finding.evidence.device)
    if finding.evidence.elements:
        shown = finding.evidence.elements[:3]
        more = len(finding.evidence.elements) - len(shown)
        parts.append(", ".join(shown) + (f" +{more}" if more else ""))
    if finding.region:
        parts.append(f"at x={finding.region.x:.0f} y={finding.region.y:.0f}")
    return " · ".join(parts) or "whole page"


def _degraded_banner(report: Report) -> Text:
    quality = report.quality
    text = Text("Degraded capture: ", style="bold red")
    text.append("; ".join(quality.reasons) + " (also after a second try).")
    if quality.suppressed_rules:
        text.append(" Held back: " + ", ".join(quality.suppressed_rules) + ".")
    text.append(" Analyse the page again later.")
    return text


def render_summary(console: Console, report: Report, written: list[Path]) -> None:
    scores = Table.grid(padding=(0, 2))
    scores.add_row(
        Text("overall", style="bold"), Text(str(report.scores.overall), style=_score_style(report.scores.overall))
    )
    for category, value in report.scores.categories.items():
        scores.add_row(category, Text(str(value), style=_score_style(value)))

    top = Table(show_header=True, header_style="bold", expand=True)
    top.add_column("#", justify="right", width=3)
    top.add_column("severity", width=8)
    top.add_column("issue", ratio=3)
    top.add_column("where to look", ratio=2)
    for number, finding_id in enumerate(report.top_issues, start=1):
        finding = report.finding(finding_id)
        if finding is None:
            continue
        issue = Text(finding.title, style="bold")
        issue.append((" (Claude)" if finding.source == "llm" else "") + "\n" + finding.recommendation, style="")
        top.add_row(
            str(number),
            Text(finding.severity, style=_SEVERITY_STYLE[finding.severity]),
            issue,
            Text(_where(finding)),
        )

    llm = report.llm
    llm_line = f"Claude: {llm.status}" + (f" ({llm.reason})" if llm.reason else "")
    if llm.status == "ok":
        llm_line += f" · {llm.model} · {llm.input_tokens} in / {llm.output_tokens} out tokens"
    timed_out = sorted({f"{d.device}:{w}" for d in report.devices for w in d.timed_out})
    footer = [
        f"{len(report.findings)} findings · rules {report.rules_version} · analysed in "
        f"{report.timings_ms.get('total', 0) / 1000:.1f} s",
        llm_line,
        "speed: " + " · ".join(speed_line(device) for device in report.devices),
    ]
    if timed_out:
        footer.append("budgets hit (measured what had loaded): " + ", ".join(timed_out))

    body: list[Table | Text] = [scores, Text("")]
    if report.quality.status == "degraded":
        body += [_degraded_banner(report), Text("")]
    if report.summary:
        body += [Text(report.summary), Text("")]
    body += [top, Text("\n".join(footer), style="dim")]
    console.print(Panel(Group(*body), title=Text(f"CRO report · {report.final_url}"), title_align="left"))
    for path in written:  # outside the panel and unwrapped, so each path can be copied whole
        console.print(Text(f"wrote {path}"), soft_wrap=True, highlight=False)
