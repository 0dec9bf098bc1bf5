"""Batches in Redis: the record, its pages' digests, the jobs' membership, and the webhook's lock.

The batch key is a hash: `data` (the Batch JSON), `jobs` (how many distinct page jobs it has, so a
finishing job checks completion without parsing the record) and `webhook` (the callback's state). A
digest is written once per job (HSETNX), so the batch is complete exactly when the digest count reaches
`jobs`, however many deliveries or readers wrote them. Everything expires with RESULT_TTL_S.
"""

from __future__ import annotations

import uuid

from redis.asyncio import Redis

from shared.batches.model import Batch, PageDigest
from shared.config import Settings
from shared.models.api import WebhookState
from shared.store.keys import Keys

# KEYS: batch. ARGV: webhook state JSON. Never on an expired batch (HSET would create a key without TTL).
_RECORD_WEBHOOK = """
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'webhook', ARGV[1])
return 1
"""

# KEYS: lock. ARGV: token.
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


class BatchStore:
    def __init__(self, redis: Redis, settings: Settings) -> None:
        self.redis = redis
        self.keys = Keys(settings.key_prefix)
        self.ttl = settings.result_ttl_s
        self.lock_s = max(1, int(settings.webhook_timeout_s * settings.webhook_max_attempts * 2))
        self._record_webhook = redis.register_script(_RECORD_WEBHOOK)
        self._release = redis.register_script(_RELEASE)

    async def create(self, batch: Batch, webhook: WebhookState | None) -> None:
        key = self.keys.batch(batch.id)
        fields: dict[str, str | int] = {"data": batch.model_dump_json(), "jobs": len(batch.job_ids)}
        if webhook is not None:
            fields["webhook"] = webhook.model_dump_json()
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hset(key, mapping=fields)  # type: ignore[arg-type]
            pipe.expire(key, self.ttl)
            for job_id in batch.job_ids:
                pipe.sadd(self.keys.job_batches(job_id), batch.id)
                pipe.expire(self.keys.job_batches(job_id), self.ttl)
            await pipe.execute()

    async def get(self, batch_id: str) -> tuple[Batch, WebhookState | None] | None:
        data, webhook = await self.redis.hmget(self.keys.batch(batch_id), "data", "webhook")
        if not data:
            return None
        state = WebhookState.model_validate_json(webhook) if webhook else None
        return Batch.model_validate_json(data), state

    async def batches_of(self, job_id: str) -> list[str]:
        members = await self.redis.smembers(self.keys.job_batches(job_id))
        return sorted(member.decode() if isinstance(member, bytes) else member for member in members)

    async def add_digest(self, batch_id: str, digest: PageDigest) -> tuple[int, int, WebhookState | None]:
        """Records the digest unless one is there; returns (digests, page jobs, webhook state)."""
        pages = self.keys.batch_pages(batch_id)
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hsetnx(pages, digest.job_id, digest.model_dump_json())
            pipe.expire(pages, self.ttl)
            pipe.hlen(pages)
            pipe.hmget(self.keys.batch(batch_id), "jobs", "webhook")
            _, _, count, (jobs, webhook) = await pipe.execute()
        state = WebhookState.model_validate_json(webhook) if webhook else None
        return int(count), int(jobs or 0), state

    async def digests(self, batch_id: str) -> dict[str, PageDigest]:
        found = await self.redis.hgetall(self.keys.batch_pages(batch_id))
        return {
            (job_id.decode() if isinstance(job_id, bytes) else job_id): PageDigest.model_validate_json(data)
            for job_id, data in found.items()
        }

    async def record_webhook(self, batch_id: str, state: WebhookState) -> None:
        await self._record_webhook(keys=[self.keys.batch(batch_id)], args=[state.model_dump_json()])

    async def lock(self, batch_id: str) -> str | None:
        """A token while this caller alone may send the batch's webhook; None when another one holds it."""
        token = uuid.uuid4().hex
        taken = await self.redis.set(self.keys.batch_lock(batch_id), token, nx=True, ex=self.lock_s)
        return token if taken else None

    async def unlock(self, batch_id: str, token: str) -> None:
        await self._release(keys=[self.keys.batch_lock(batch_id)], args=[token])
