"""The Redis Streams consumer behind `cro-analyzer worker`.

Reads new messages with XREADGROUP, at most `concurrency` at once. A "done" delivery is acknowledged; a
"retry" one is acknowledged and parked in a delayed sorted set until its backoff is over, then re-added
with the next attempt number (a plain unacknowledged message could only come back after the reclaim
time, with no backoff of its own). Messages a dead consumer left pending longer than the lease are taken
over with XAUTOCLAIM; their delivery count continues the attempt count. Acknowledging checks that this
consumer still owns the message, so a slow consumer cannot acknowledge a delivery another one took over.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time

from redis.asyncio import Redis
from redis.exceptions import RedisError, ResponseError

from shared.config import Settings
from shared.logs import job_context
from shared.queue.backoff import retry_delay_s
from shared.queue.delivery import Delivery, DeliveryHandler
from shared.queue.redis_streams import GROUP
from shared.store.keys import Keys
from shared.store.stream_message import LUA_ADD_MESSAGE, read_message

log = logging.getLogger(__name__)

# KEYS: stream, delayed. ARGV: group, consumer, message id, delayed member ('' = none), not-before, TTL.
_SETTLE = """
local pending = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[3], ARGV[3], 1)
if #pending == 0 or pending[1][2] ~= ARGV[2] then return 0 end
redis.call('XACK', KEYS[1], ARGV[1], ARGV[3])
redis.call('XDEL', KEYS[1], ARGV[3])
if ARGV[4] ~= '' then
  redis.call('ZADD', KEYS[2], ARGV[5], ARGV[4])
  redis.call('EXPIRE', KEYS[2], ARGV[6])
end
return 1
"""

# KEYS: delayed, stream. ARGV: now, batch, stream max length, TTL. Moves due retries into the stream.
_PROMOTE = (
    LUA_ADD_MESSAGE
    + """
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
for _, member in ipairs(due) do
  local sep = string.find(member, ':', 1, true)
  add_message(KEYS[2], ARGV[3], ARGV[4], string.sub(member, 1, sep - 1), string.sub(member, sep + 1))
  redis.call('ZREM', KEYS[1], member)
end
return #due
"""
)

PROMOTE_BATCH = 100


class StreamWorker:
    def __init__(
        self, redis: Redis, settings: Settings, handler: DeliveryHandler, *, consumer: str, concurrency: int
    ) -> None:
        self._redis = redis
        self._settings = settings
        self._handler = handler
        self._consumer = consumer
        self._concurrency = concurrency
        self._keys = Keys(settings.key_prefix)
        self._settle = redis.register_script(_SETTLE)
        self._promote = redis.register_script(_PROMOTE)
        self._running: set[asyncio.Task[None]] = set()
        self._lease_ms = int(settings.lease_s * 1000)

    async def run(self, stop: asyncio.Event) -> None:
        """Consumes until `stop` is set, then lets running deliveries finish within `shutdown_grace_s`."""
        await self._ensure_group()
        next_reclaim = 0.0
        log.info("worker started", extra={"consumer": self._consumer, "concurrency": self._concurrency})
        while not stop.is_set():
            try:
                await self._promote_due()
                if time.monotonic() >= next_reclaim:
                    await self._reclaim()
                    next_reclaim = time.monotonic() + self._settings.worker_reclaim_interval_s
                await self._read_new()
            except ResponseError as exc:
                if "NOGROUP" not in str(exc):
                    raise
                await self._ensure_group()
            except RedisError as exc:
                log.warning("redis unavailable; retrying", extra={"error": str(exc)})
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), self._settings.worker_poll_s)
        await self._drain()
        log.info("worker stopped", extra={"consumer": self._consumer})

    async def _ensure_group(self) -> None:
        try:
            await self._redis.xgroup_create(self._keys.stream, GROUP, id="0", mkstream=True)
        except ResponseError as exc:
            if "BUSYGROUP" not in str(exc):
                raise
        await self._redis.expire(self._keys.stream, self._settings.result_ttl_s, nx=True)

    def _free_slots(self) -> int:
        return self._concurrency - len(self._running)

    async def _read_new(self) -> None:
        if self._free_slots() <= 0:
            await asyncio.wait(set(self._running), timeout=self._settings.worker_poll_s, return_when="FIRST_COMPLETED")
            return
        replies = await self._redis.xreadgroup(
            GROUP,
            self._consumer,
            {self._keys.stream: ">"},
            count=self._free_slots(),
            block=int(self._settings.worker_poll_s * 1000),
        )
        for _stream, messages in replies or []:
            for message_id, fields in messages:
                self._start(message_id.decode(), fields, deliveries=1)

    async def _reclaim(self) -> None:
        free = self._free_slots()
        if free <= 0:
            return
        _next, claimed, *_ = await self._redis.xautoclaim(
            self._keys.stream, GROUP, self._consumer, min_idle_time=self._lease_ms, start_id="0-0", count=free
        )
        await self._forget_departed_consumers()
        for message_id, fields in claimed:
            if not fields:
                continue
            mid = message_id.decode()
            pending = await self._redis.xpending_range(self._keys.stream, GROUP, mid, mid, 1)
            deliveries = int(pending[0]["times_delivered"]) if pending else 1
            log.info("reclaimed a delivery left by a dead consumer", extra={"message_id": mid})
            self._start(mid, fields, deliveries=deliveries)

    async def _forget_departed_consumers(self) -> None:
        """Every worker start adds a consumer name; those gone quiet with nothing pending are dropped so the
        group does not grow with each deploy. A live one that was dropped is re-created by its next read."""
        threshold_ms = self._settings.worker_forget_consumer_after_s * 1000
        for consumer in await self._redis.xinfo_consumers(self._keys.stream, GROUP):
            name = consumer["name"].decode() if isinstance(consumer["name"], bytes) else consumer["name"]
            if name != self._consumer and consumer["pending"] == 0 and consumer["idle"] > threshold_ms:
                await self._redis.xgroup_delconsumer(self._keys.stream, GROUP, name)

    async def _promote_due(self) -> None:
        await self._promote(
            keys=[self._keys.delayed, self._keys.stream],
            args=[int(time.time() * 1000), PROMOTE_BATCH, self._settings.stream_max_len, self._settings.result_ttl_s],
        )

    def _start(self, message_id: str, fields: dict[bytes, bytes], *, deliveries: int) -> None:
        job_id, first_attempt = read_message(fields)
        attempt = first_attempt + deliveries - 1
        task = asyncio.create_task(self._deliver(message_id, job_id, attempt), name=f"job-{job_id}")
        self._running.add(task)
        task.add_done_callback(self._running.discard)

    async def _deliver(self, message_id: str, job_id: str, attempt: int) -> None:
        with job_context(job_id):
            try:
                outcome = await self._handler(Delivery(job_id, attempt, self._settings.max_attempts))
            except asyncio.CancelledError:
                # Shutting down: hand the job back at once, same attempt, instead of waiting for a reclaim.
                await asyncio.shield(self._settle_message(message_id, job_id, attempt, delay_s=0.0))
                raise
            except Exception:
                log.exception("delivery crashed; retrying after backoff")
                outcome = "retry"
            if outcome == "done":
                await self._settle_message(message_id, job_id, None, delay_s=0.0)
            else:
                delay = retry_delay_s(self._settings, attempt)
                log.info("retrying", extra={"attempt": attempt, "delay_s": delay})
                await self._settle_message(message_id, job_id, attempt + 1, delay_s=delay)

    async def _settle_message(self, message_id: str, job_id: str, next_attempt: int | None, *, delay_s: float) -> None:
        member = f"{job_id}:{next_attempt}" if next_attempt is not None else ""
        try:
            owned = await self._settle(
                keys=[self._keys.stream, self._keys.delayed],
                args=[
                    GROUP,
                    self._consumer,
                    message_id,
                    member,
                    int((time.time() + delay_s) * 1000),
                    self._settings.result_ttl_s,
                ],
            )
        except RedisError as exc:
            # Left pending: another consumer reclaims it after the lease time.
            log.warning("could not settle the message", extra={"message_id": message_id, "error": str(exc)})
            return
        if not owned:
            log.info("message taken over by another consumer", extra={"message_id": message_id})

    async def _drain(self) -> None:
        if not self._running:
            return
        log.info("finishing running deliveries", extra={"running": len(self._running)})
        _, pending = await asyncio.wait(set(self._running), timeout=self._settings.shutdown_grace_s)
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
