"""Field data kept for `cache_ttl_s`, as long as a cached report: CrUX moves once a day over a 28-day window,
so asking again within that time would only spend quota.

Kept in the process's Redis: the real one where the runtime has one (shared by every instance), else the
embedded in-process store. Only answers are kept ('ok', 'no_data'); a failed lookup is asked again next
time. The store being down costs the cache, never the analysis.
"""

from __future__ import annotations

import logging

from pydantic import ValidationError
from redis.asyncio import Redis
from redis.exceptions import RedisError

from shared.models.speed import FieldData, FormFactor
from shared.store.keys import Keys

log = logging.getLogger(__name__)


class FieldCache:
    def __init__(self, redis: Redis, keys: Keys, ttl_s: int) -> None:
        self._redis = redis
        self._keys = keys
        self._ttl_s = ttl_s

    async def get(self, form_factor: FormFactor, url: str) -> FieldData | None:
        if not self._ttl_s:
            return None
        try:
            raw = await self._redis.get(self._keys.field(form_factor, url))
        except RedisError as exc:
            log.warning("field data cache unavailable", extra={"error": str(exc)})
            return None
        if raw is None:
            return None
        try:
            return FieldData.model_validate_json(raw)
        except ValidationError:
            return None  # written by another version of the model: looked up afresh

    async def put(self, form_factor: FormFactor, url: str, data: FieldData) -> None:
        if not self._ttl_s or data.status == "unavailable":
            return
        try:
            await self._redis.set(self._keys.field(form_factor, url), data.model_dump_json(), ex=self._ttl_s)
        except RedisError as exc:
            log.warning("field data cache unavailable", extra={"error": str(exc)})
