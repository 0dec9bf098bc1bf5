"""What a webhook carries: the job as `GET /v1/analyses/{id}` shows it, plus the event type.

A report larger than `webhook_max_report_bytes` is left out (`result_omitted: true`); the receiver
then fetches it from `links.self`. Without PUBLIC_BASE_URL the links are paths relative to the API.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from shared.models.api import Job, JobView, job_view
from shared.models.report import Report

EventType = Literal["analysis.succeeded", "analysis.failed"]


class WebhookEvent(JobView):
    type: EventType = Field(description="Why this webhook was sent: the job ended, succeeded or failed.")
    result_omitted: bool = Field(False, description="The report was too large to include; fetch links.self.")


def webhook_body(job: Job, report: Report | None, *, base: str, max_report_bytes: int) -> bytes:
    event_type: EventType = "analysis.succeeded" if job.status == "succeeded" else "analysis.failed"
    view = job_view(job, base, report)
    event = WebhookEvent(type=event_type, **dict(view))
    body = event.model_dump_json().encode()
    if report is None or len(report.model_dump_json()) <= max_report_bytes:
        return body
    return event.model_copy(update={"result": None, "result_omitted": True}).model_dump_json().encode()
