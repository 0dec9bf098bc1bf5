"""Each API key's jobs, newest first, for `GET /v1/analyses`; and canceling a job.

The index is one sorted set per principal whose members are `created_ms:job_id` at score 0: lexical
order is time order, and the last member of a page is an exact cursor (no ties, no offsets that shift
as jobs arrive). It expires with the jobs (RESULT_TTL_S, refreshed by each submit) and members older
than that are trimmed on add; a member whose job expired earlier is dropped when a listing meets it.
A page is read in one script: the members, each job's record and score, and the status filter, with
at most LIST_SCAN_MAX members looked at, so a rare status cannot make one request read the whole index.

Each job is also in its series: the same kind of sorted set for one API key's jobs of one page and
options (`series_fingerprint`), written in the same step with the same TTL. The `url` filter of the
listing pages through a series instead of the whole index, and the job's hash keeps its series' name
(`series`) so a job's `previous` (the newest earlier job of its series that succeeded) is one script
that needs only the job's id, whoever reads it.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from redis.asyncio import Redis

from shared.config import Settings
from shared.models.api import Job, WebhookState
from shared.store.keys import Keys

CURSOR = re.compile(r"^[0-9]{13}:[A-Za-z0-9_-]{1,64}$")
_STAMP_DIGITS = 13
# A job whose progress moves faster than a read and a write is reported busy after this many tries.
CANCEL_TRIES = 5

# KEYS: index. ARGV: job key prefix, first bound ('+' or '(member'), limit, scan max, status ('' = any).
# Returns {next cursor or '', then per job: data, webhook or '', score or ''}.
_PAGE = """
local index, jobp, bound = KEYS[1], ARGV[1], ARGV[2]
local limit, scan_max, wanted = tonumber(ARGV[3]), tonumber(ARGV[4]), ARGV[5]
local out, found, scanned, last, more = {''}, 0, 0, nil, false
while found < limit and scanned < scan_max do
  local members = redis.call('ZREVRANGEBYLEX', index, bound, '-', 'LIMIT', 0, math.min(limit * 2, scan_max - scanned))
  if #members == 0 then more = false break end
  for _, member in ipairs(members) do
    scanned = scanned + 1
    last = member
    local id = string.sub(member, string.find(member, ':', 1, true) + 1)
    local f = redis.call('HMGET', jobp .. id, 'status', 'data', 'webhook', 'score', 'report_of')
    if not f[2] then
      redis.call('ZREM', index, member)
    elseif wanted == '' or f[1] == wanted then
      local score = f[4]
      if not score and f[5] then score = redis.call('HGET', jobp .. f[5], 'score') end
      table.insert(out, f[2])
      table.insert(out, f[3] or '')
      table.insert(out, score or '')
      found = found + 1
    end
    more = true
    if found >= limit or scanned >= scan_max then break end
  end
  bound = '(' .. last
end
if more and last then out[1] = last end
return out
"""

# KEYS: job. ARGV: the job's data as read, its canceled JSON, result TTL. Ends coalescing onto the job.
# 'canceled' | 'final:<status>' | 'changed' (read again and retry) | 'missing'.
_CANCEL = """
local f = redis.call('HMGET', KEYS[1], 'status', 'data', 'inflight')
if not f[2] then return 'missing' end
if f[1] ~= 'queued' and f[1] ~= 'running' then return 'final:' .. f[1] end
if f[2] ~= ARGV[1] then return 'changed' end
redis.call('HSET', KEYS[1], 'data', ARGV[2], 'status', 'canceled')
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[3]))
if f[3] and redis.call('GET', f[3]) == string.match(KEYS[1], '[^:]+$') then redis.call('DEL', f[3]) end
return 'canceled'
"""

# KEYS: index, series, job. ARGV: member, trim bound ('(' + oldest stamp kept), TTL, the series' fingerprint.
# The job's hash learns its series only while it exists: HSET would make a key without a TTL.
_ADD = """
local member, cutoff, ttl = ARGV[1], ARGV[2], tonumber(ARGV[3])
for i = 1, 2 do
  redis.call('ZADD', KEYS[i], 0, member)
  redis.call('ZREMRANGEBYLEX', KEYS[i], '-', cutoff)
  redis.call('EXPIRE', KEYS[i], ttl)
end
if redis.call('EXISTS', KEYS[3]) == 1 then redis.call('HSET', KEYS[3], 'series', ARGV[4]) end
return 1
"""

# KEYS: job. ARGV: series key prefix, job key prefix, the job's member, scan max. The id of the newest job
# of the job's series created before it that succeeded, or false; members of expired jobs are dropped.
_PREVIOUS = """
local series = redis.call('HGET', KEYS[1], 'series')
if not series then return false end
local index, jobp, scan_max = ARGV[1] .. series, ARGV[2], tonumber(ARGV[4])
local bound, scanned = '(' .. ARGV[3], 0
while scanned < scan_max do
  local members = redis.call('ZREVRANGEBYLEX', index, bound, '-', 'LIMIT', 0, math.min(50, scan_max - scanned))
  if #members == 0 then return false end
  for _, member in ipairs(members) do
    scanned = scanned + 1
    local id = string.sub(member, string.find(member, ':', 1, true) + 1)
    local status = redis.call('HGET', jobp .. id, 'status')
    if not status then
      redis.call('ZREM', index, member)
    elseif status == 'succeeded' then
      return id
    end
  end
  bound = '(' .. members[#members]
end
return false
"""

_RECORD_SCORE = """
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'score', ARGV[1])
return 1
"""


@dataclass(frozen=True)
class CancelOutcome:
    kind: Literal["canceled", "final", "missing", "busy"]
    job: Job | None = None
    status: str | None = None  # of a job that was already final


@dataclass(frozen=True)
class IndexedJob:
    job: Job
    score: int | None


@dataclass(frozen=True)
class Page:
    jobs: list[IndexedJob]
    next_cursor: str | None


def member(job: Job) -> str:
    return f"{int(job.created_at.timestamp() * 1000):0{_STAMP_DIGITS}d}:{job.id}"


class JobIndex:
    def __init__(self, redis: Redis, settings: Settings) -> None:
        self._redis = redis
        self._settings = settings
        self._keys = Keys(settings.key_prefix)
        self._add = redis.register_script(_ADD)
        self._previous = redis.register_script(_PREVIOUS)
        self._page = redis.register_script(_PAGE)
        self._cancel = redis.register_script(_CANCEL)
        self._record_score = redis.register_script(_RECORD_SCORE)

    async def add(self, principal: str, job: Job, series: str) -> None:
        """The job in its key's index and in its series (`series_fingerprint`), one step."""
        ttl = self._settings.result_ttl_s
        cutoff = f"{int((time.time() - ttl) * 1000):0{_STAMP_DIGITS}d}"
        await self._add(
            keys=[self._keys.index(principal), self._keys.series(series), self._keys.job(job.id)],
            args=[member(job), f"({cutoff}", ttl, series],
        )

    async def previous(self, job: Job) -> str | None:
        """The id of the newest job of `job`'s series created before it that succeeded, if any; at most
        LIST_SCAN_MAX members looked at."""
        found = await self._previous(
            keys=[self._keys.job(job.id)],
            args=[self._keys.series_prefix, self._keys.job_prefix, member(job), self._settings.list_scan_max],
        )
        return found.decode() if found else None

    async def page(
        self, principal: str, *, status: str | None, limit: int, cursor: str | None, series: str | None = None
    ) -> Page:
        """Up to `limit` jobs older than `cursor` (a member, see CURSOR), newest first: of the key's index,
        or of one of its series."""
        reply = await self._page(
            keys=[self._keys.index(principal) if series is None else self._keys.series(series)],
            args=[
                self._keys.job_prefix,
                f"({cursor}" if cursor else "+",
                limit,
                self._settings.list_scan_max,
                status or "",
            ],
        )
        next_cursor, rest = reply[0].decode() or None, reply[1:]
        jobs = []
        for position in range(0, len(rest), 3):
            data, webhook, score = rest[position : position + 3]
            job = Job.model_validate_json(data)
            if webhook:
                job = job.model_copy(update={"webhook": WebhookState.model_validate_json(webhook)})
            jobs.append(IndexedJob(job=job, score=int(score) if score else None))
        return Page(jobs=jobs, next_cursor=next_cursor)

    async def record_score(self, job_id: str, score: int) -> None:
        await self._record_score(keys=[self._keys.job(job_id)], args=[score])

    async def cancel(self, job_id: str, canceled: Callable[[Job], Job]) -> CancelOutcome:
        """Ends a queued or running job as `canceled(job)`; optimistic, so a progress write that lands
        between the read and the write is never overwritten by the older copy (it is read again)."""
        key = self._keys.job(job_id)
        for _ in range(CANCEL_TRIES):
            data = await self._redis.hget(key, "data")
            if data is None:
                return CancelOutcome("missing")
            final = canceled(Job.model_validate_json(data))
            outcome = (
                await self._cancel(keys=[key], args=[data, final.model_dump_json(), self._settings.result_ttl_s])
            ).decode()
            if outcome == "canceled":
                return CancelOutcome("canceled", final)
            if outcome.startswith("final:"):
                return CancelOutcome("final", status=outcome.removeprefix("final:"))
            if outcome == "missing":
                return CancelOutcome("missing")
        return CancelOutcome("busy")

    async def status(self, job_id: str) -> str | None:
        """The job's status alone (one field): what a running attempt reads to notice a cancel."""
        status = await self._redis.hget(self._keys.job(job_id), "status")
        return status.decode() if status else None
