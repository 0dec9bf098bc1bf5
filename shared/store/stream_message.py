"""The Redis Streams queue's message, defined once: `{job_id, attempt}`.

`attempt` is the attempt number of the message's first delivery, so a retry re-added after its backoff
continues the count and a redelivery (XAUTOCLAIM) adds its delivery count. Three places add messages: the
submit script (a new job is enqueued in the same atomic step that stores it), the script that moves due
retries into the stream, and Python (`RedisStreamQueue.enqueue`); all write these fields from here.
"""

from __future__ import annotations

from dataclasses import dataclass

JOB_ID_FIELD = "job_id"
ATTEMPT_FIELD = "attempt"

# Lua: adds one message to `stream`, trimmed to about `max_len`, and keeps the stream's TTL; for scripts
# to include before their own code.
LUA_ADD_MESSAGE = f"""
local function add_message(stream, max_len, ttl, job_id, attempt)
  redis.call('XADD', stream, 'MAXLEN', '~', max_len, '*', '{JOB_ID_FIELD}', job_id, '{ATTEMPT_FIELD}', attempt)
  redis.call('EXPIRE', stream, ttl)
end
"""


@dataclass(frozen=True)
class StreamTarget:
    """A stream to add messages to, and the length it is trimmed to (approximately)."""

    key: str
    max_len: int


def message_fields(job_id: str, attempt: int) -> dict[str, str]:
    return {JOB_ID_FIELD: job_id, ATTEMPT_FIELD: str(attempt)}


def read_message(fields: dict[bytes, bytes]) -> tuple[str, int]:
    """The job id and attempt of a message as read from the stream."""
    return fields[JOB_ID_FIELD.encode()].decode(), int(fields.get(ATTEMPT_FIELD.encode(), b"1"))
