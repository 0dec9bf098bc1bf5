"""Share links: a job's report, PDF and screenshots opened without an API key until the link expires.

The link carries `expires` (Unix seconds) and `sig`, an HMAC-SHA256 under SHARE_LINK_SECRET of the job id
and that time, so one signature opens every file of that job and no other job's. A link expires
SHARE_LINK_TTL_S after the job ended, and never after the job's result does (RESULT_TTL_S): it is the
same link each time the job is read. The comparison is in constant time.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import time
from dataclasses import dataclass
from urllib.parse import urlencode

from shared.config import Settings
from shared.models.api import Job, JobView

EXPIRES_PARAM, SIG_PARAM = "expires", "sig"
_SIG = re.compile(r"^[A-Za-z0-9_-]{43}$")
_EXPIRES = re.compile(r"^[0-9]{1,12}$")


def signature(secret: bytes, job_id: str, expires: int) -> str:
    digest = hmac.new(secret, f"share-v1\0{job_id}\0{expires}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")


@dataclass(frozen=True)
class ShareSigner:
    secret: bytes
    ttl_s: int
    result_ttl_s: int

    @classmethod
    def from_settings(cls, settings: Settings) -> ShareSigner | None:
        """None when SHARE_LINK_SECRET is not set: no share links are issued or accepted."""
        if settings.share_link_secret is None or not settings.share_link_secret.get_secret_value():
            return None
        return cls(
            settings.share_link_secret.get_secret_value().encode(), settings.share_link_ttl_s, settings.result_ttl_s
        )

    def expires(self, job: Job) -> int:
        ended = (job.finished_at or job.created_at).timestamp()
        return int(ended + min(self.ttl_s, self.result_ttl_s))

    def query(self, job: Job) -> str:
        expires = self.expires(job)
        return urlencode({EXPIRES_PARAM: expires, SIG_PARAM: signature(self.secret, job.id, expires)})

    def with_links(self, view: JobView, job: Job) -> JobView:
        """The view with `share_report_html` and `share_report_pdf` in its links, for a succeeded job."""
        if job.status != "succeeded":
            return view
        query = self.query(job)
        links = view.links.model_copy(
            update={
                "share_report_html": f"{view.links.report_html}?{query}",
                "share_report_pdf": f"{view.links.report_pdf}?{query}",
            }
        )
        return view.model_copy(update={"links": links})

    def verify(self, job_id: str, expires: str, sig: str, *, now: float | None = None) -> str | None:
        """None when the link is valid for this job now, else why not: `invalid` or `expired`."""
        if not (_EXPIRES.match(expires) and _SIG.match(sig)):
            return "invalid"
        if not hmac.compare_digest(signature(self.secret, job_id, int(expires)), sig):
            return "invalid"
        if int(expires) < (time.time() if now is None else now):
            return "expired"
        return None


def with_share_links(view: JobView, job: Job, settings: Settings) -> JobView:
    signer = ShareSigner.from_settings(settings)
    return view if signer is None else signer.with_links(view, job)
