"""What a webhook carries: the job as `GET /v1/analyses/{id}` shows it, plus the event type.

A report larger than `webhook_max_report_bytes` is left out (`result_omitted: true`); the receiver
then fetches it from `links.self`. Without PUBLIC_BASE_URL the links are paths relative to the API. With
SHARE_LINK_SECRET a succeeded job's links include its share links, which open the report without a key.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from shared.models.api import Job, JobView, job_view
from shared.models.report import Report
from shared.share_links import ShareSigner

EventType = Literal["analysis.succeeded", "analysis.failed", "analysis.canceled"]
EVENT_TYPES: dict[str, EventType] = {
    "succeeded": "analysis.succeeded",
    "failed": "analysis.failed",
    "canceled": "analysis.canceled",
}


class WebhookEvent(JobView):
    type: EventType = Field(description="Why this webhook was sent: the job ended, succeeded, failed or was canceled.")
    result_omitted: bool = Field(False, description="The report was too large to include; fetch links.self.")


def webhook_body(
    job: Job,
    report: Report | None,
    *,
    previous: str | None = None,
    base: str,
    max_report_bytes: int,
    share: ShareSigner | None = None,
) -> bytes:
    event_type = EVENT_TYPES[job.status]
    view = job_view(job, base, report, previous)
    if share is not None:
        view = share.with_links(view, job)
    event = WebhookEvent(type=event_type, **dict(view))
    body = event.model_dump_json().encode()
    if report is None or len(report.model_dump_json()) <= max_report_bytes:
        return body
    return event.model_copy(update={"result": None, "result_omitted": True}).model_dump_json().encode()
