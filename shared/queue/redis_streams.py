"""The Redis Streams backend, producer side: one stream, one consumer group read by `cro-analyzer worker`.

Messages are `shared.store.stream_message`'s; a new job's is added by the submit step itself
(`submit_stream`), so `enqueue` serves the jobs that need another delivery (a cache hit's webhook).
"""

from __future__ import annotations

from redis.asyncio import Redis
from redis.exceptions import RedisError, ResponseError

from shared.config import Settings
from shared.models.operations import QueueFigures
from shared.store.keys import Keys
from shared.store.stream_message import StreamTarget, message_fields

GROUP = "analyzers"


class RedisStreamQueue:
    def __init__(self, redis: Redis, settings: Settings) -> None:
        self._redis = redis
        self._settings = settings
        self.keys = Keys(settings.key_prefix)
        self.submit_stream = StreamTarget(self.keys.stream, settings.stream_max_len)

    async def enqueue(self, job_id: str) -> None:
        await add_message(self._redis, self.keys, self._settings, job_id, attempt=1)

    async def check(self) -> bool:
        try:
            return bool(await self._redis.ping())
        except RedisError:
            return False

    async def figures(self) -> QueueFigures:
        return await stream_figures(self._redis, self.keys)

    async def close(self) -> None:
        return None


async def stream_figures(redis: Redis, keys: Keys) -> QueueFigures:
    """Messages in the stream (waiting or delivered), delivered and not settled, and retries in backoff."""
    async with redis.pipeline(transaction=False) as pipe:
        pipe.xlen(keys.stream)
        pipe.zcard(keys.delayed)
        depth, delayed = await pipe.execute()
    try:
        pending = (await redis.xpending(keys.stream, GROUP))["pending"]
    except ResponseError:  # no consumer group yet: no worker ever started, nothing was delivered
        pending = 0
    return QueueFigures(depth=depth, pending=pending, delayed=delayed)


async def add_message(redis: Redis, keys: Keys, settings: Settings, job_id: str, *, attempt: int) -> None:
    """XADD with the stream's TTL refreshed in the same transaction: every key expires, the queue too."""
    async with redis.pipeline(transaction=True) as pipe:
        pipe.xadd(keys.stream, message_fields(job_id, attempt), maxlen=settings.stream_max_len, approximate=True)
        pipe.expire(keys.stream, settings.result_ttl_s)
        await pipe.execute()
