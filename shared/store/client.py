"""The Redis connection: a real server when `REDIS_URL` is set, else an in-process fake for one process."""

from __future__ import annotations

import fakeredis
from redis.asyncio import BlockingConnectionPool, Redis
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff

from shared.config import Settings


def connect_redis(settings: Settings) -> Redis:
    """A client with bounded timeouts; binary replies because screenshots are stored as bytes.

    Retries are few and short: a caller waiting on a submit prefers a quick 503 to a long stall.
    """
    if not settings.redis_url:
        return fakeredis.FakeAsyncRedis()
    # A blocking pool: past `redis_max_connections` commands in flight, a caller waits (up to
    # `redis_timeout_s`) for a free connection; the default pool fails it at once ("Too many connections"),
    # which turned a burst of concurrent submits into 503s.
    pool = BlockingConnectionPool.from_url(
        settings.redis_url,
        timeout=settings.redis_timeout_s,
        socket_timeout=settings.redis_timeout_s + settings.worker_poll_s,
        socket_connect_timeout=settings.redis_timeout_s,
        max_connections=settings.redis_max_connections,
        # The asyncio Retry: the sync one hands back the coroutine unawaited, so nothing would be retried and
        # the first command on each connection the server closed (a Redis restart) would fail.
        retry=Retry(ExponentialBackoff(cap=0.5, base=0.05), retries=2),
        health_check_interval=30,
    )
    return Redis.from_pool(pool)
