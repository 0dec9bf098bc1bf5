"""`cro-analyzer analyze URL`: one analysis in this process, no Redis, no queue, no cloud.

Exit codes: 0 a report was produced, 2 bad input (the message says what is wrong), 3 the page could not
be analysed (the message says why). Progress goes to stderr; the summary to stdout, or to stderr when
`--json -` claims stdout for the report.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError
from rich.console import Console
from rich.markup import escape

from shared.cli.options import EXIT_BAD_INPUT, EXIT_NOT_ANALYSED, EXIT_OK, add_page_options, command_settings
from shared.cli.progress import StageProgress
from shared.cli.summary import render_summary
from shared.config import Settings
from shared.engine import AnalysisOptions, AnalysisOutcome, Engine
from shared.errors import BAD_INPUT_CODES, AnalysisError
from shared.report.html import render_html
from shared.report.pdf import render_pdf


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("analyze", help="analyse one page and print a summary", description=__doc__)
    parser.add_argument("url", help="page to analyse (http or https)")
    parser.add_argument("--json", metavar="PATH", help="write the report as JSON ('-' = stdout)")
    parser.add_argument("--screenshots", metavar="DIR", type=Path, help="write the screenshots as PNG files")
    parser.add_argument("--html", metavar="PATH", type=Path, help="write the visual report (one self-contained file)")
    parser.add_argument("--pdf", metavar="PATH", type=Path, help="write the visual report as PDF")
    add_page_options(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    errors = Console(stderr=True)
    try:
        settings = command_settings(args.allow_host)
    except (ValidationError, ValueError) as exc:
        errors.print(f"[bold red]error:[/] configuration: {escape(str(exc))}")
        return EXIT_BAD_INPUT
    options = AnalysisOptions(url=args.url, devices=args.devices, llm=not args.no_llm)
    try:
        outcome, documents = asyncio.run(_analyze(settings, options, errors, html=bool(args.html), pdf=bool(args.pdf)))
    except AnalysisError as exc:
        # The message quotes the page, its URL and the target server's reason phrase: text, never markup.
        errors.print(f"[bold red]error[/] ({exc.code.value}): {escape(exc.message)}", highlight=False)
        return EXIT_BAD_INPUT if exc.code in BAD_INPUT_CODES else EXIT_NOT_ANALYSED
    except KeyboardInterrupt:
        errors.print("interrupted")
        return 130

    written = _write_outputs(outcome, documents, args)
    summary_console = errors if args.json == "-" else Console()
    render_summary(summary_console, outcome.report, written)
    return EXIT_OK


@dataclass(frozen=True)
class Documents:
    html: str | None = None
    pdf: bytes | None = None


async def _analyze(
    settings: Settings, options: AnalysisOptions, console: Console, *, html: bool, pdf: bool
) -> tuple[AnalysisOutcome, Documents]:
    async with Engine(settings) as engine:
        with StageProgress(console, options.url, llm=options.llm and settings.llm_configured) as progress:
            outcome = await engine.analyze(options, progress.update)
        if not (html or pdf):
            return outcome, Documents()
        page = render_html(outcome.report, {image.ref.name: image.png for image in outcome.screenshots})
        # Printed while the engine's Chromium is still up: the PDF is the same page, not a second layout.
        printed = await render_pdf(page, engine.browser) if pdf else None
        return outcome, Documents(html=page, pdf=printed)


def _write_outputs(outcome: AnalysisOutcome, documents: Documents, args: argparse.Namespace) -> list[Path]:
    written: list[Path] = []
    report_json = outcome.report.model_dump_json(indent=2)
    if args.json == "-":
        sys.stdout.write(report_json + "\n")
    elif args.json:
        path = Path(args.json)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(report_json, encoding="utf-8")
        written.append(path)
    for path, content in ((args.html, documents.html), (args.pdf, documents.pdf)):
        if path is not None and content is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, str):
                path.write_text(content, encoding="utf-8")
            else:
                path.write_bytes(content)
            written.append(path)
    if args.screenshots:
        args.screenshots.mkdir(parents=True, exist_ok=True)
        for image in outcome.screenshots:
            path = args.screenshots / image.ref.name
            path.write_bytes(image.png)
            written.append(path)
    return written
