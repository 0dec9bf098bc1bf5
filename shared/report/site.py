"""The batch (site) report and the comparison view as self-contained HTML, on the report's own rules:
autoescaping on, no script, a CSP that forbids any fetch, links only for http(s) URLs."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from shared.report.html import template

if TYPE_CHECKING:
    from shared.batches.model import BatchView
    from shared.compare.model import ComparisonView


def render_batch_html(view: BatchView, thumbnails: Mapping[str, str]) -> str:
    """`thumbnails` maps job ids to data: URIs of their fold (pages without one show none)."""
    scored = sorted((page for page in view.pages if page.score is not None), key=lambda page: page.score or 0)
    unscored = [page for page in view.pages if page.score is None]
    return template("batch.html.j2").render(batch=view, scored=scored, unscored=unscored, thumbnails=thumbnails)


def render_comparison_html(view: ComparisonView, folds: Mapping[str, str]) -> str:
    """`folds` maps "a" and "b" to data: URIs of each side's fold screenshot."""
    diff = view.diff
    rows = [("Overall", diff.overall), *diff.categories.items()] if diff is not None else []
    return template("compare.html.j2").render(comparison=view, folds=folds, rows=rows)
