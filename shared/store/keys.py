"""Names of every key the service writes, in one place, so the TTL audit and the code agree."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass


def digest(*parts: str) -> str:
    """A fixed-length name for caller-supplied text (URLs, Idempotency-Keys): bounded keys, nothing echoed."""
    hasher = hashlib.sha256()
    for part in parts:
        hasher.update(part.encode())
        hasher.update(b"\x00")
    return hasher.hexdigest()


@dataclass(frozen=True)
class Keys:
    prefix: str

    def job(self, job_id: str) -> str:
        """A hash: `data` (the Job JSON), `status`, `cache` and `inflight` (keys to settle when it ends),
        `report_of` (the job whose report a cache hit shows)."""
        return f"{self.prefix}job:{job_id}"

    @property
    def job_prefix(self) -> str:
        return f"{self.prefix}job:"

    def report(self, job_id: str) -> str:
        return f"{self.prefix}report:{job_id}"

    @property
    def report_prefix(self) -> str:
        return f"{self.prefix}report:"

    def screenshots(self, job_id: str) -> str:
        """A hash: screenshot name -> PNG bytes."""
        return f"{self.prefix}shots:{job_id}"

    @property
    def screenshots_prefix(self) -> str:
        return f"{self.prefix}shots:"

    def lease(self, job_id: str) -> str:
        return f"{self.prefix}lease:{job_id}"

    def settling(self, job_id: str) -> str:
        """Set while an abandoned job's settlement is queued, so reads queue it once, not once each."""
        return f"{self.prefix}settling:{job_id}"

    def cache(self, fingerprint: str) -> str:
        return f"{self.prefix}cache:{fingerprint}"

    def field(self, form_factor: str, target: str) -> str:
        """Chrome UX Report data (FieldData JSON) of one URL or origin on one form factor."""
        return f"{self.prefix}field:{digest(form_factor, target)}"

    def inflight(self, request_digest: str) -> str:
        return f"{self.prefix}inflight:{request_digest}"

    def idempotency(self, principal: str, idempotency_key: str) -> str:
        return f"{self.prefix}idem:{digest(principal, idempotency_key)}"

    def rate(self, bucket: str, window: int) -> str:
        return f"{self.prefix}rate:{digest(bucket)}:{window}"

    @property
    def stream(self) -> str:
        return f"{self.prefix}queue"

    @property
    def delayed(self) -> str:
        """A sorted set of retries waiting for their backoff: member `job_id:attempt`, score = not before."""
        return f"{self.prefix}queue:delayed"

    def batch(self, batch_id: str) -> str:
        """A hash: `data` (the Batch JSON), `webhook` (its callback's state)."""
        return f"{self.prefix}batch:{batch_id}"

    def batch_pages(self, batch_id: str) -> str:
        """A hash: job id -> the PageDigest of that finished job, one field per page job."""
        return f"{self.prefix}batch:{batch_id}:pages"

    def batch_lock(self, batch_id: str) -> str:
        """Held while one delivery sends the batch's webhook."""
        return f"{self.prefix}batch:{batch_id}:lock"

    def job_batches(self, job_id: str) -> str:
        """A set: the batches a job is a page of (coalescing can share one job between batches)."""
        return f"{self.prefix}jobbatches:{job_id}"

    def comparison(self, comparison_id: str) -> str:
        return f"{self.prefix}comparison:{comparison_id}"

    def index(self, principal: str) -> str:
        """A sorted set of one API key's jobs, all at score 0, member `created_ms:job_id` (13 digits), so
        lexical order is time order and a member is an exact cursor."""
        return f"{self.prefix}index:{digest(principal)}"

    def series(self, fingerprint: str) -> str:
        """Like `index`, for one API key's jobs of one page and options (`series_fingerprint`): what the
        listing's `url` filter reads and where a job's `previous` is found."""
        return f"{self.series_prefix}{fingerprint}"

    @property
    def series_prefix(self) -> str:
        return f"{self.prefix}series:"

    @property
    def finished(self) -> str:
        """A sorted set of the jobs that ended in the last day, score = when (ms), member = their figures."""
        return f"{self.prefix}stats:finished"

    @property
    def workers(self) -> str:
        """A hash: worker (or analyze instance) name -> its last heartbeat."""
        return f"{self.prefix}workers"
