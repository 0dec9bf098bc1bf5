"""Analysis functions for job tests: real async callables injected in place of the engine.

They honour the engine's contract (report stages through `progress`, return an AnalysisOutcome with a
valid Report and real PNG screenshots, raise AnalysisError) so the service is tested without Chromium.
`ScriptedAnalysis` is for in-process tests; `slow_analysis` is for worker subprocesses
(`cro-analyzer worker --analyze-fn harness.scripted_analysis:slow_analysis`), configured by
environment variables and appending one line per call to a file so a test can count analyses across
processes.
"""

from __future__ import annotations

import asyncio
import io
import os
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from PIL import Image

from shared.capture.result import ScreenshotImage
from shared.engine import AnalysisOptions, AnalysisOutcome, ProgressCallback
from shared.errors import AnalysisError, ErrorCode
from shared.models.report import Evidence, Finding, Report, Scores, Screenshot
from shared.version import ANALYZER_VERSION

CALLS_FILE_ENV = "SCRIPTED_ANALYSIS_CALLS_FILE"
DELAY_ENV = "SCRIPTED_ANALYSIS_DELAY_S"


def png(width: int = 8, height: int = 6, colour: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(buffer, format="PNG")
    return buffer.getvalue()


def make_outcome(options: AnalysisOptions) -> AnalysisOutcome:
    screenshots = [
        ScreenshotImage(
            ref=Screenshot(name=f"{device}-fold.png", device=device, kind="fold", width=8, height=6), png=png()
        )
        for device in options.devices
    ]
    report = Report(
        analyzer_version=ANALYZER_VERSION,
        rules_version="test",
        url=options.url,
        final_url=options.url,
        analyzed_at=datetime.now(UTC),
        devices=[],
        scores=Scores(overall=70, categories={"cta": 70}, method="test"),
        findings=[],
        top_issues=[],
        screenshots=[shot.ref for shot in screenshots],
    )
    return AnalysisOutcome(report=report, screenshots=screenshots)


Step = AnalysisError | float | None


class ScriptedAnalysis:
    """Each call takes the next step: an AnalysisError to raise, a delay in seconds then success, or
    None for immediate success; after the script runs out, every call succeeds."""

    def __init__(self, steps: Iterable[Step] = ()) -> None:
        self._steps = list(steps)
        self.calls: list[AnalysisOptions] = []
        self.started = asyncio.Event()

    async def __call__(self, options: AnalysisOptions, progress: ProgressCallback) -> AnalysisOutcome:
        self.calls.append(options)
        self.started.set()
        step = self._steps.pop(0) if self._steps else None
        await progress("capturing", 10)
        if isinstance(step, AnalysisError):
            raise step
        if step:
            await asyncio.sleep(step)
        await progress("reporting", 95)
        return make_outcome(options)


async def slow_analysis(options: AnalysisOptions, progress: ProgressCallback) -> AnalysisOutcome:
    """For worker subprocesses: logs the call, reports progress, sleeps `SCRIPTED_ANALYSIS_DELAY_S`."""
    calls_file = os.environ.get(CALLS_FILE_ENV)
    if calls_file:
        await asyncio.to_thread(_record_call, Path(calls_file), options.url)
    await progress("capturing", 10)
    await asyncio.sleep(float(os.environ.get(DELAY_ENV, "0")))
    await progress("reporting", 95)
    return make_outcome(options)


def _record_call(calls_file: Path, url: str) -> None:
    with calls_file.open("a") as handle:
        handle.write(f"{os.getpid()} {url}\n")


def site_outcome(options: AnalysisOptions) -> AnalysisOutcome:
    """A page's outcome that follows its URL, for batch tests: every page has `cta.weak_primary` (high);
    a path with `form` adds `forms.too_many_fields` (medium); the digits in the path lower the scores
    (`/p3` scores 3 x 7 points below `/p0`); a path with `fail` raises a permanent target_http_error."""
    path = urlsplit(options.url).path
    if "fail" in path:
        raise AnalysisError(ErrorCode.target_http_error, "the page answered HTTP 404")
    outcome = make_outcome(options)
    drop = 7 * sum(int(char) for char in path if char.isdigit())
    cta, forms = max(0, 80 - drop), max(0, 90 - drop)
    findings = [_finding("cta.weak_primary", "cta", "high", "The primary CTA does not stand out")]
    if "form" in path:
        findings.append(_finding("forms.too_many_fields", "forms", "medium", "The form asks for too much"))
    scores = Scores(overall=(cta + forms) // 2, categories={"cta": cta, "forms": forms}, method="test")
    report = outcome.report.model_copy(update={"scores": scores, "findings": findings})
    return AnalysisOutcome(report=report, screenshots=outcome.screenshots)


def _finding(rule: str, category: str, severity: str, title: str) -> Finding:
    return Finding(
        id=f"{rule}:desktop:cta-1",
        rule=rule,
        category=category,  # type: ignore[arg-type]
        severity=severity,  # type: ignore[arg-type]
        source="rule",
        title=title,
        detail=title,
        recommendation="Fix it.",
        evidence=Evidence(device="desktop", elements=["cta-1"]),
    )


async def site_analysis(options: AnalysisOptions, progress: ProgressCallback) -> AnalysisOutcome:
    """`site_outcome` after `SCRIPTED_ANALYSIS_DELAY_S`, logging the call as `slow_analysis` does."""
    calls_file = os.environ.get(CALLS_FILE_ENV)
    if calls_file:
        await asyncio.to_thread(_record_call, Path(calls_file), options.url)
    await progress("capturing", 10)
    await asyncio.sleep(float(os.environ.get(DELAY_ENV, "0")))
    return site_outcome(options)
