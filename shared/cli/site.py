"""`cro-analyzer analyze-site URL|SITEMAP_URL`: a batch of pages in this process (in-process store and queue).

A URL ending in .xml or .xml.gz is read as a sitemap; any other URL stands for its site, whose
`/sitemap.xml` is read, or, when the site has none, the page alone is analysed. Each page is a job as the
API would run it (cache, retries), `INLINE_CONCURRENCY` at a time. Progress goes to stderr, one line per
finished page; the site summary to stdout (stderr when `--json -` claims stdout). Exit codes: 0 the batch
finished with at least one page analysed, 2 bad input, 3 no page could be analysed.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import ValidationError
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from shared.batches.model import BatchRequest, BatchView
from shared.cli.options import EXIT_BAD_INPUT, EXIT_NOT_ANALYSED, EXIT_OK, add_page_options, command_settings
from shared.config import Settings
from shared.errors import AnalysisError
from shared.report.site import render_batch_html
from shared.service import Runtime
from shared.sites.service import BatchRefusedError, batch_thumbnails, batch_view, submit_batch

POLL_S = 0.5
PRINCIPAL = "cli"


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "analyze-site", help="analyse the pages of a site (a sitemap) and summarise them", description=__doc__
    )
    parser.add_argument("url", help="a page of the site, or its sitemap (.xml / .xml.gz)")
    parser.add_argument("--max-pages", type=int, default=None, help="most pages analysed (default 50)")
    parser.add_argument("--json", metavar="PATH", help="write the batch (pages, site summary) as JSON ('-' = stdout)")
    parser.add_argument("--html", metavar="PATH", type=Path, help="write the site report (one self-contained file)")
    add_page_options(parser)
    parser.set_defaults(run=run)


def sitemap_for(url: str) -> str:
    """The sitemap the argument names: itself when it is one, else its site's /sitemap.xml."""
    parts = urlsplit(url)
    if parts.path.endswith((".xml", ".xml.gz")):
        return url
    return f"{parts.scheme}://{parts.netloc}/sitemap.xml"


def run(args: argparse.Namespace) -> int:
    errors = Console(stderr=True)
    try:
        settings = command_settings(args.allow_host).model_copy(update={"redis_url": None, "queue_backend": "inline"})
    except (ValidationError, ValueError) as exc:
        errors.print(f"[bold red]error:[/] configuration: {escape(str(exc))}")
        return EXIT_BAD_INPUT
    try:
        view, html = asyncio.run(_run(settings, args, errors))
    except (AnalysisError, BatchRefusedError) as exc:
        code = exc.code.value if isinstance(exc, AnalysisError) else exc.code
        errors.print(f"[bold red]error[/] ({code}): {escape(exc.message)}", highlight=False)
        return EXIT_BAD_INPUT
    except ValidationError as exc:
        errors.print(f"[bold red]error:[/] {escape(str(exc))}", highlight=False)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        errors.print("interrupted")
        return 130
    if args.json == "-":
        sys.stdout.write(view.model_dump_json(indent=2) + "\n")
    elif args.json:
        Path(args.json).write_text(view.model_dump_json(indent=2), encoding="utf-8")
    if args.html and html is not None:
        args.html.write_text(html, encoding="utf-8")
    render_site_summary(errors if args.json == "-" else Console(), view)
    return EXIT_OK if view.counts["succeeded"] else EXIT_NOT_ANALYSED


def _request(args: argparse.Namespace, *, sitemap: bool) -> BatchRequest:
    return BatchRequest(
        sitemap_url=sitemap_for(args.url) if sitemap else None,
        urls=None if sitemap else [args.url],
        devices=list(args.devices),
        llm=not args.no_llm,
        max_pages=args.max_pages,
    )


async def _run(settings: Settings, args: argparse.Namespace, console: Console) -> tuple[BatchView, str | None]:
    rt = await Runtime.create(settings)
    try:
        try:
            batch = await submit_batch(rt, _request(args, sitemap=True), principal=PRINCIPAL)
        except BatchRefusedError as exc:
            if exc.code != "sitemap_unreadable" or sitemap_for(args.url) == args.url:
                raise
            console.print(Text(f"no sitemap ({exc.message}); analysing the page alone", style="dim"))
            batch = await submit_batch(rt, _request(args, sitemap=False), principal=PRINCIPAL)
        view = await _follow(rt, batch.id, console)
        html = render_batch_html(view, await batch_thumbnails(rt, batch.id)) if args.html else None
        return view, html
    finally:
        await rt.close()


async def _follow(rt: Runtime, batch_id: str, console: Console) -> BatchView:
    """Polls the batch, printing one line per page as it becomes final, until every page is."""
    shown: set[int] = set()
    while True:
        view = await batch_view(rt, batch_id, "")
        assert view is not None
        for index, page in enumerate(view.pages):
            if index in shown or page.status not in ("succeeded", "failed"):
                continue
            shown.add(index)
            line = Text(f"[{len(shown)}/{view.total}] ")
            if page.score is not None:
                line.append(f"{page.score:>3} ", style=_style(page.score))
            else:
                line.append("failed " + (page.error.code if page.error else ""), style="red")
                line.append(" ")
            line.append(page.url)
            console.print(line, highlight=False)
        if view.status == "finished":
            return view
        await asyncio.sleep(POLL_S)


def _style(score: int) -> str:
    return "green" if score >= 90 else "yellow" if score >= 50 else "red"


def render_site_summary(console: Console, view: BatchView) -> None:
    """Page and sitemap text is untrusted: it goes into `Text` cells, never read as markup."""
    summary = view.summary
    found = view.discovery
    head = Text(f"{view.total} page(s): {view.counts['succeeded']} analysed, {view.counts['failed']} failed")
    if found.capped:
        head.append(f"; {found.over_limit} more left out (max pages)", style="yellow")
    console.print(head)
    if summary is None or summary.overall is None:
        return
    scores = Table(title="Scores across the site", show_edge=False)
    for column in ("category", "min", "median", "max", "good/avg/poor"):
        scores.add_column(column)
    rows = [("overall", summary.overall), *summary.categories.items()]
    for name, dist in rows:
        bands = f"{dist.bands['good']}/{dist.bands['average']}/{dist.bands['poor']}"
        scores.add_row(Text(name), Text(str(dist.min), style=_style(dist.min)), str(dist.median), str(dist.max), bands)
    console.print(scores)
    if summary.top_rules:
        rules = Table(title="Fix once, improve many pages", show_edge=False)
        for column in ("pages", "severity", "rule", "issue"):
            rules.add_column(column)
        for rule in summary.top_rules:
            rules.add_row(str(rule.pages), rule.severity, Text(rule.rule), Text(rule.title))
        console.print(rules)
    worst = Table(title="Worst pages", show_edge=False)
    worst.add_column("score")
    worst.add_column("page")
    for page in summary.worst_pages:
        worst.add_row(Text(str(page.score), style=_style(page.score)), Text(page.url))
    console.print(worst)
    if summary.failures:
        console.print(Text("Failures: " + ", ".join(f"{code} x{n}" for code, n in summary.failures.items())))
