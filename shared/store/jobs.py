"""Job records, reports and screenshots, with the atomic steps of a job's life as Redis scripts.

A job key is a hash: `data` (the Job JSON), `status` (readable by the scripts without parsing JSON),
`cache` and `inflight` (the pointers to settle when it ends), and `report_of` (the job whose report a
cache hit shows). Writes made during an attempt check the lease token in the same script, so an attempt
that lost its lease can no longer change the job.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from redis.asyncio import Redis

from shared.models.api import Job, WebhookState
from shared.settings.store import StoreSettings
from shared.store.keys import Keys
from shared.store.leases import Leases
from shared.store.ratelimit import hit_rate_limit
from shared.store.scripts import bindings, values
from shared.store.stream_message import LUA_ADD_MESSAGE, StreamTarget


@dataclass(frozen=True)
class SubmitKeys:
    idem: str  # the Idempotency-Key's pointer; '' when the request has none
    cache: str  # the cache pointer; '' to bypass the cache (`force`)
    inflight: str  # the pointer coalescing identical requests in flight
    cand: str  # the candidate job's own key


@dataclass(frozen=True)
class SubmitArgs:
    id: str  # the candidate job's id
    queued: str  # its JSON as a new queued job
    cached: str  # its JSON as a cache hit
    body: str  # the request body's digest, which an Idempotency-Key must keep
    ttl: int  # result TTL
    inflight_ttl: int
    jobp: str  # key prefixes: job, report, screenshots
    reportp: str
    shotsp: str
    cache_key: str  # the cache pointer the finished job publishes
    stream: str  # the Redis Streams queue to add the new job to; '' when another queue enqueues it
    stream_max_len: int


# In one atomic step: the job an Idempotency-Key made, else a cache hit, else the identical job in flight,
# else the candidate stored as a new job. With the Redis Streams queue the new job is enqueued here too, so
# a submit is one round trip and a job is never stored without its message.
_SUBMIT = (
    bindings(SubmitKeys, SubmitArgs)
    + LUA_ADD_MESSAGE
    + """
ttl, inflight_ttl = tonumber(ttl), tonumber(inflight_ttl)

local function remember(job_id)
  if idem ~= '' then
    redis.call('HSET', idem, 'job', job_id, 'body', body)
    redis.call('EXPIRE', idem, ttl)
  end
end

if idem ~= '' then
  local prev = redis.call('HMGET', idem, 'job', 'body')
  if prev[1] then
    if prev[2] ~= body then return {'conflict', prev[1], ''} end
    local data = redis.call('HGET', jobp .. prev[1], 'data')
    if data then return {'idempotent', prev[1], data} end
  end
end

if cache ~= '' then
  local origin = redis.call('GET', cache)
  if origin and redis.call('EXISTS', reportp .. origin) == 1 then
    redis.call('HSET', cand, 'data', cached, 'status', 'succeeded', 'report_of', origin)
    redis.call('EXPIRE', cand, ttl)
    -- the report must live as long as the newest job that shows it
    redis.call('EXPIRE', reportp .. origin, ttl, 'GT')
    redis.call('EXPIRE', shotsp .. origin, ttl, 'GT')
    remember(id)
    return {'cached', id, cached}
  end
end

local current = redis.call('GET', inflight)
if current then
  local found = redis.call('HMGET', jobp .. current, 'status', 'data')
  if found[1] == 'queued' or found[1] == 'running' then
    remember(current)
    return {'inflight', current, found[2]}
  end
end

redis.call('HSET', cand, 'data', queued, 'status', 'queued', 'inflight', inflight, 'cache', cache_key)
redis.call('EXPIRE', cand, ttl)
redis.call('SET', inflight, id, 'EX', inflight_ttl)
remember(id)
if stream ~= '' then add_message(stream, stream_max_len, ttl, id, '1') end
return {'created', id, queued}
"""
)

# KEYS: job, lease. ARGV: token, JSON, status.
_UPDATE = """
if redis.call('GET', KEYS[2]) ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'data', ARGV[2], 'status', ARGV[3])
return 1
"""

# KEYS: job, lease, report, screenshots. ARGV: token, JSON, job id, result TTL, cache TTL, report JSON,
# then screenshot name/bytes pairs. Stores the result, publishes the cache pointer, ends coalescing.
_SUCCEED = """
local job, lease, report, shots = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
if redis.call('GET', lease) ~= ARGV[1] then return 0 end
local id, ttl, cache_ttl = ARGV[3], tonumber(ARGV[4]), tonumber(ARGV[5])
redis.call('SET', report, ARGV[6], 'EX', ttl)
redis.call('DEL', shots)
if #ARGV > 6 then
  redis.call('HSET', shots, unpack(ARGV, 7))
  redis.call('EXPIRE', shots, ttl)
end
redis.call('HSET', job, 'data', ARGV[2], 'status', 'succeeded')
redis.call('EXPIRE', job, ttl)
local pointers = redis.call('HMGET', job, 'cache', 'inflight')
if pointers[1] and pointers[1] ~= '' and cache_ttl > 0 then
  redis.call('SET', pointers[1], id, 'EX', cache_ttl)
end
if pointers[2] and redis.call('GET', pointers[2]) == id then redis.call('DEL', pointers[2]) end
redis.call('DEL', lease)
return 1
"""

# KEYS: job, lease. ARGV: token, JSON, job id, result TTL. A failure is never cached.
_FAIL = """
local job, lease = KEYS[1], KEYS[2]
if redis.call('GET', lease) ~= ARGV[1] then return 0 end
redis.call('HSET', job, 'data', ARGV[2], 'status', 'failed')
redis.call('EXPIRE', job, tonumber(ARGV[4]))
local inflight = redis.call('HGET', job, 'inflight')
if inflight and redis.call('GET', inflight) == ARGV[3] then redis.call('DEL', inflight) end
redis.call('DEL', lease)
return 1
"""

# KEYS: job, report prefix is ARGV[1]. The report of a job, following a cache hit to its origin.
# KEYS: job. ARGV: report prefix, screenshots prefix, job id, '1' to read the screenshots too. A cache hit's
# job points at the job whose result it shares (`report_of`); the report and its pictures come in one trip.
_RESULT = """
local origin = redis.call('HGET', KEYS[1], 'report_of')
if not origin then origin = ARGV[3] end
local report = redis.call('GET', ARGV[1] .. origin)
if ARGV[4] == '1' and report then return {report, redis.call('HGETALL', ARGV[2] .. origin)} end
return {report, {}}
"""

_SCREENSHOT = """
local origin = redis.call('HGET', KEYS[1], 'report_of')
if not origin then origin = ARGV[2] end
return redis.call('HGET', ARGV[1] .. origin, ARGV[3])
"""

# KEYS: job. Undoes a created job whose enqueue failed, with the pointers that lead to it.
_DISCARD = """
local fields = redis.call('HMGET', KEYS[1], 'inflight')
if fields[1] and redis.call('GET', fields[1]) == ARGV[1] then redis.call('DEL', fields[1]) end
if KEYS[2] ~= '' and redis.call('HGET', KEYS[2], 'job') == ARGV[1] then redis.call('DEL', KEYS[2]) end
return redis.call('DEL', KEYS[1])
"""

# KEYS: job. ARGV: webhook state JSON. Kept apart from `data` so recording it never races a data write,
# and never on an expired job (HSET would create a key without a TTL).
_RECORD_WEBHOOK = """
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'webhook', ARGV[1])
return 1
"""


@dataclass(frozen=True)
class StoredResult:
    report_json: bytes
    screenshots: dict[str, bytes]


SubmitKind = Literal["created", "cached", "inflight", "idempotent", "conflict"]


@dataclass(frozen=True)
class SubmitResult:
    kind: SubmitKind
    job_id: str
    job: Job | None


@dataclass(frozen=True)
class IdempotencyRef:
    principal: str
    key: str
    body_digest: str


@dataclass(frozen=True)
class JobSnapshot:
    job: Job
    lease_held: bool


class JobStore:
    """The only code that knows how jobs are laid out in Redis."""

    def __init__(self, redis: Redis, settings: StoreSettings) -> None:
        self.redis = redis
        self.settings = settings
        self.keys = Keys(settings.key_prefix)
        self.leases = Leases(redis, self.keys, settings.lease_s)
        self._submit = redis.register_script(_SUBMIT)
        self._update = redis.register_script(_UPDATE)
        self._succeed = redis.register_script(_SUCCEED)
        self._fail = redis.register_script(_FAIL)
        self._result = redis.register_script(_RESULT)
        self._screenshot = redis.register_script(_SCREENSHOT)
        self._discard = redis.register_script(_DISCARD)
        self._record_webhook = redis.register_script(_RECORD_WEBHOOK)

    async def ping(self) -> bool:
        return bool(await self.redis.ping())

    async def submit(
        self,
        *,
        queued: Job,
        cached: Job,
        cache_fingerprint: str,
        use_cache: bool,
        request_digest: str,
        idempotency: IdempotencyRef | None,
        stream: StreamTarget | None = None,
    ) -> SubmitResult:
        """In one atomic step: the job an Idempotency-Key made, else a cache hit (stored as `cached`),
        else the identical job in flight, else `queued` stored as a new job (and, with a `stream`, added
        to that Redis Streams queue in the same step)."""
        keys = self.keys
        cache_key = keys.cache(cache_fingerprint)
        script_keys = SubmitKeys(
            idem=keys.idempotency(idempotency.principal, idempotency.key) if idempotency else "",
            cache=cache_key if use_cache else "",
            inflight=keys.inflight(request_digest),
            cand=keys.job(queued.id),
        )
        args = SubmitArgs(
            id=queued.id,
            queued=queued.model_dump_json(),
            cached=cached.model_dump_json(),
            body=idempotency.body_digest if idempotency else "",
            ttl=self.settings.result_ttl_s,
            inflight_ttl=self.settings.inflight_ttl_s,
            jobp=keys.job_prefix,
            reportp=keys.report_prefix,
            shotsp=keys.screenshots_prefix,
            cache_key=cache_key,
            stream=stream.key if stream else "",
            stream_max_len=stream.max_len if stream else 0,
        )
        kind, job_id, data = await self._submit(keys=values(script_keys), args=values(args))
        job = Job.model_validate_json(data) if data else None
        return SubmitResult(kind=kind.decode(), job_id=job_id.decode(), job=job)  # type: ignore[arg-type]

    async def discard(self, job_id: str, idempotency: IdempotencyRef | None) -> None:
        idem_key = self.keys.idempotency(idempotency.principal, idempotency.key) if idempotency else ""
        await self._discard(keys=[self.keys.job(job_id), idem_key], args=[job_id])

    async def get_job(self, job_id: str) -> Job | None:
        return _job(*await self.redis.hmget(self.keys.job(job_id), "data", "webhook"))

    async def snapshot(self, job_id: str) -> JobSnapshot | None:
        """The job and whether an attempt holds its lease, read in one round trip."""
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.hmget(self.keys.job(job_id), "data", "webhook")
            pipe.exists(self.keys.lease(job_id))
            fields, lease = await pipe.execute()
        job = _job(*fields)
        return None if job is None else JobSnapshot(job=job, lease_held=bool(lease))

    async def claim_settlement(self, job_id: str) -> bool:
        """True for the first reader (within a lease period) to see the job abandoned: that one queues it."""
        return bool(await self.redis.set(self.keys.settling(job_id), 1, nx=True, ex=int(self.settings.lease_s)))

    async def record_webhook(self, job_id: str, state: WebhookState) -> None:
        await self._record_webhook(keys=[self.keys.job(job_id)], args=[state.model_dump_json()])

    async def update(self, job: Job, token: str) -> bool:
        """Writes the job if `token` still holds its lease; False means another attempt took over."""
        keys = self.keys
        written = await self._update(
            keys=[keys.job(job.id), keys.lease(job.id)], args=[token, job.model_dump_json(), job.status]
        )
        return bool(written)

    async def succeed(self, job: Job, token: str, report_json: str, screenshots: dict[str, bytes]) -> bool:
        keys = self.keys
        pairs: list[str | bytes] = []
        for name, png in screenshots.items():
            pairs += [name, png]
        done = await self._succeed(
            keys=[keys.job(job.id), keys.lease(job.id), keys.report(job.id), keys.screenshots(job.id)],
            args=[
                token,
                job.model_dump_json(),
                job.id,
                self.settings.result_ttl_s,
                self.settings.cache_ttl_s,
                report_json,
                *pairs,
            ],
        )
        return bool(done)

    async def fail(self, job: Job, token: str) -> bool:
        keys = self.keys
        done = await self._fail(
            keys=[keys.job(job.id), keys.lease(job.id)],
            args=[token, job.model_dump_json(), job.id, self.settings.result_ttl_s],
        )
        return bool(done)

    async def read_result(self, job_id: str, *, screenshots: bool) -> StoredResult | None:
        """The report (with every screenshot, when asked) of a job, in one round trip; None once expired."""
        keys = self.keys
        report, pairs = await self._result(
            keys=[keys.job(job_id)],
            args=[keys.report_prefix, keys.screenshots_prefix, job_id, "1" if screenshots else "0"],
        )
        if not report:
            return None
        shots = {pairs[index].decode(): pairs[index + 1] for index in range(0, len(pairs), 2)}
        return StoredResult(report_json=report, screenshots=shots)

    async def get_screenshot(self, job_id: str, name: str) -> bytes | None:
        return await self._screenshot(keys=[self.keys.job(job_id)], args=[self.keys.screenshots_prefix, job_id, name])

    async def hit_rate_limit(self, key: str, limit_per_minute: int) -> int | None:
        """Counts one request of `key` (a principal, never a raw API key); seconds to wait when over."""
        return await hit_rate_limit(self.redis, self.keys, key, limit_per_minute)


def _job(data: bytes | None, webhook: bytes | None) -> Job | None:
    if not data:
        return None
    job = Job.model_validate_json(data)
    return job.model_copy(update={"webhook": WebhookState.model_validate_json(webhook)}) if webhook else job
