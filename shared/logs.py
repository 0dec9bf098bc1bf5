"""Structured logs: one JSON object per line on stdout, in the shape Cloud Logging reads.

`severity` and `message` are the fields Cloud Logging (and Render's log search) key on. The job being
worked on is carried in a context variable, so every line logged while handling a job has its `job_id`
without each call site passing it; `extra={...}` adds fields. Secrets are never passed to a logger, and
the query string of a URL the HTTP client logs is cut out: a callback URL's query can be a bearer token
(n8n's resume URL carries `?signature=...`, and whoever has it can wake the execution).
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from urllib.parse import urlsplit, urlunsplit

import httpx

_job_id: ContextVar[str | None] = ContextVar("job_id", default=None)

# Attributes every LogRecord has; anything else on a record came from `extra=` and is logged as a field.
_RECORD_FIELDS = frozenset(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "taskName"}


def redact_url(url: str) -> str:
    """`url` with its query, fragment and user info replaced by a marker: safe to log or show to others."""
    parts = urlsplit(url)
    host = parts.netloc.rpartition("@")[2]
    netloc = f"[redacted]@{host}" if "@" in parts.netloc else host
    return urlunsplit(
        (parts.scheme, netloc, parts.path, "[redacted]" if parts.query else "", "[redacted]" if parts.fragment else "")
    )


def _redact_request_urls(record: logging.LogRecord) -> bool:
    """httpx logs each request as `HTTP Request: METHOD URL ...` with the URL as an argument."""
    if isinstance(record.args, tuple):
        record.args = tuple(redact_url(str(arg)) if isinstance(arg, httpx.URL) else arg for arg in record.args)
    return True


# On the logger itself, not on a handler: every handler (ours, pytest's, a host's) gets the redacted line.
logging.getLogger("httpx").addFilter(_redact_request_urls)


@contextmanager
def job_context(job_id: str) -> Iterator[None]:
    """Tags every log line in this block (and in tasks started from it) with `job_id`."""
    token = _job_id.set(job_id)
    try:
        yield
    finally:
        _job_id.reset(token)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "severity": "CRITICAL" if record.levelno >= logging.CRITICAL else record.levelname,
            "message": record.getMessage(),
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "logger": record.name,
        }
        job_id = _job_id.get()
        if job_id is not None:
            entry["job_id"] = job_id
        for key, value in record.__dict__.items():
            if key not in _RECORD_FIELDS and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            # Cloud Error Reporting picks up a stack trace from this field.
            entry["stack_trace"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


def configure_logging(level: str = "INFO") -> None:
    """Replaces the root handlers with one JSON line writer; safe to call more than once."""
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
