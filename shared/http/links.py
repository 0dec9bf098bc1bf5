"""Absolute links in responses: from `public_base_url` when set, else from the request itself.

Behind three separate functions the request's own host is the submit function's, which does not serve
reports; deployments that split the functions set PUBLIC_BASE_URL to where the result paths are served.
"""

from __future__ import annotations

from starlette.requests import Request

from shared.config import Settings
from shared.models.api import Links


def base_url(settings: Settings, request: Request | None = None) -> str:
    """The base every link starts with; empty (links relative to the host) when nothing tells it."""
    if settings.public_base_url:
        return settings.public_base_url.rstrip("/")
    if request is not None:
        return str(request.base_url).rstrip("/")
    return ""


def job_path(job_id: str) -> str:
    return f"/v1/analyses/{job_id}"


def job_links(base: str, job_id: str) -> Links:
    path = base + job_path(job_id)
    return Links(self=path, report_html=f"{path}/report.html", report_pdf=f"{path}/report.pdf")
