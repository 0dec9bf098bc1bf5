"""Fixed-window request counting in Redis, shared by every process behind one key."""

from __future__ import annotations

import math
import time

from redis.asyncio import Redis

from shared.store.keys import Keys

WINDOW_S = 60


async def hit_rate_limit(redis: Redis, keys: Keys, bucket: str, limit_per_minute: int) -> int | None:
    """Counts one request; None when allowed, else the seconds until the window resets (for Retry-After).

    INCR and EXPIRE go in one MULTI so a counter never outlives its window; a limit of 0 disables it.
    """
    if limit_per_minute <= 0:
        return None
    now = time.time()
    window = int(now // WINDOW_S)
    key = keys.rate(bucket, window)
    async with redis.pipeline(transaction=True) as pipe:
        pipe.incr(key)
        pipe.expire(key, WINDOW_S * 2)
        count, _ = await pipe.execute()
    if int(count) <= limit_per_minute:
        return None
    return max(1, math.ceil((window + 1) * WINDOW_S - now))
