"""One attempt at a time per job: a lease is a key holding a random token, with an expiry.

Only the holder of the token may renew or release it, checked atomically in Redis, so an attempt whose
lease expired cannot free or extend the lease of the attempt that took over.
"""

from __future__ import annotations

import secrets

from redis.asyncio import Redis

from shared.store.keys import Keys

_RENEW = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
"""

_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
"""


class Leases:
    def __init__(self, redis: Redis, keys: Keys, lease_s: float) -> None:
        self._redis = redis
        self._keys = keys
        self._lease_ms = max(1, int(lease_s * 1000))
        self._renew = redis.register_script(_RENEW)
        self._release = redis.register_script(_RELEASE)

    async def acquire(self, job_id: str) -> str | None:
        """The token of a new lease, or None when another attempt holds one."""
        token = secrets.token_hex(16)
        taken = await self._redis.set(self._keys.lease(job_id), token, nx=True, px=self._lease_ms)
        return token if taken else None

    async def renew(self, job_id: str, token: str) -> bool:
        return bool(await self._renew(keys=[self._keys.lease(job_id)], args=[token, self._lease_ms]))

    async def release(self, job_id: str, token: str) -> bool:
        return bool(await self._release(keys=[self._keys.lease(job_id)], args=[token]))

    async def held(self, job_id: str) -> bool:
        return bool(await self._redis.exists(self._keys.lease(job_id)))
