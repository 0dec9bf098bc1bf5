"""`cro-analyzer compare A B`: what changed from A to B, each a report JSON file or a URL analysed here.

Scores per category (B - A), and the findings new in B, resolved in B and persisting, matched by rule and
evidence, never by wording. Exit codes: 0 compared, 2 bad input, 3 a URL could not be analysed.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from pydantic import ValidationError
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from shared.cli.options import EXIT_BAD_INPUT, EXIT_NOT_ANALYSED, EXIT_OK, add_page_options, command_settings
from shared.cli.progress import StageProgress
from shared.compare.diff import compare_reports
from shared.compare.model import ComparisonDiff
from shared.config import Settings
from shared.engine import AnalysisOptions, Engine
from shared.errors import BAD_INPUT_CODES, AnalysisError
from shared.models.report import Report


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("compare", help="compare two analyses (report files or URLs)", description=__doc__)
    parser.add_argument("a", help="report JSON file or URL (the 'before')")
    parser.add_argument("b", help="report JSON file or URL (the 'after')")
    parser.add_argument("--json", metavar="PATH", help="write the comparison as JSON ('-' = stdout)")
    add_page_options(parser, scope="for URLs: ")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    errors = Console(stderr=True)
    try:
        settings = command_settings(args.allow_host)
        # Files are read as they are; only the URLs start a browser (one, for both).
        found = {
            name: Report.model_validate_json(Path(name).read_bytes())
            for name in (args.a, args.b)
            if Path(name).is_file()
        }
        missing = [name for name in dict.fromkeys((args.a, args.b)) if name not in found]
        if missing:
            found.update(asyncio.run(_analyse(settings, missing, args, errors)))
        reports = found[args.a], found[args.b]
    except (ValidationError, ValueError, OSError) as exc:
        errors.print(f"[bold red]error:[/] {escape(str(exc))}", highlight=False)
        return EXIT_BAD_INPUT
    except AnalysisError as exc:
        errors.print(f"[bold red]error[/] ({exc.code.value}): {escape(exc.message)}", highlight=False)
        return EXIT_BAD_INPUT if exc.code in BAD_INPUT_CODES else EXIT_NOT_ANALYSED
    except KeyboardInterrupt:
        errors.print("interrupted")
        return 130
    diff = compare_reports(*reports)
    if args.json == "-":
        sys.stdout.write(diff.model_dump_json(indent=2) + "\n")
    elif args.json:
        Path(args.json).write_text(diff.model_dump_json(indent=2), encoding="utf-8")
    render_diff(errors if args.json == "-" else Console(), reports[0], reports[1], diff)
    return EXIT_OK


async def _analyse(
    settings: Settings, urls: list[str], args: argparse.Namespace, console: Console
) -> dict[str, Report]:
    reports: dict[str, Report] = {}
    async with Engine(settings) as engine:
        for url in urls:
            options = AnalysisOptions(url=url, devices=args.devices, llm=not args.no_llm)
            with StageProgress(console, url, llm=options.llm and settings.llm_configured) as progress:
                reports[url] = (await engine.analyze(options, progress.update)).report
    return reports


def render_diff(console: Console, a: Report, b: Report, diff: ComparisonDiff) -> None:
    """Report text is the page's: it goes into `Text` cells, never read as markup."""
    console.print(Text(f"A: {a.final_url}\nB: {b.final_url}"))
    scores = Table(title="Scores (B - A)", show_edge=False)
    for column in ("category", "A", "B", "change"):
        scores.add_column(column)
    for name, delta in [("overall", diff.overall), *diff.categories.items()]:
        change = "-" if delta.delta is None else f"{delta.delta:+d}"
        style = "green" if (delta.delta or 0) > 0 else "red" if (delta.delta or 0) < 0 else ""
        scores.add_row(name, str(delta.a), str(delta.b), Text(change, style=style))
    console.print(scores)
    for title, items in (("New in B", diff.new), ("Resolved in B", diff.resolved), ("In both", diff.persisting)):
        console.print(Text(f"{title} ({len(items)})", style="bold"))
        for finding in items:
            console.print(Text(f"  {finding.severity:<6} {finding.rule}  {finding.title}"), highlight=False)
