"""The report as one self-contained HTML file: inline CSS, screenshots as data: URIs, no script.

Everything the page or the model wrote is untrusted: Jinja2 autoescapes every expression, no template
marks such data safe, links are emitted only for http(s) URLs, and a Content-Security-Policy forbids
scripts and any fetch, so even a slip in a template could not run code or call out.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from functools import lru_cache
from urllib.parse import urlsplit

from jinja2 import Environment, PackageLoader, StrictUndefined, Template

from shared.models.report import Report
from shared.report.bands import score_band
from shared.report.view import CATEGORY_LABELS, GAUGE_CIRCUMFERENCE, GAUGE_RADIUS, build_view, display_value


def render_html(report: Report, screenshots: Mapping[str, bytes]) -> str:
    """`screenshots` maps names from `report.screenshots` to PNG bytes; missing ones are left out."""
    template = _environment().get_template("report.html.j2")
    return template.render(view=build_view(report, screenshots))


def template(name: str) -> Template:
    """A template of this package in the report's environment (autoescape, strict, the report's filters)."""
    return _environment().get_template(name)


@lru_cache(maxsize=1)
def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("shared.report", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["value"] = display_value
    env.filters["http_url"] = http_url
    env.filters["when"] = _when
    env.filters["band"] = score_band
    env.globals.update(
        gauge_radius=GAUGE_RADIUS,
        gauge_circumference=round(GAUGE_CIRCUMFERENCE, 2),
        category_labels=CATEGORY_LABELS,
    )
    return env


def http_url(url: str | None) -> str | None:
    """The URL if following it can only load a page (http/https), else None: no javascript:/data: links."""
    if not url:
        return None
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        return None
    return url if scheme in {"http", "https"} else None


def _when(moment: datetime) -> str:
    moment = moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)
    return moment.strftime("%d %b %Y, %H:%M UTC")
