"""Jobs, reports, screenshots, cache, idempotency, leases and rate limits in Redis (ARCHITECTURE.md section 5).

Every key lives under `settings.key_prefix` and carries a TTL, so an abandoned deployment empties itself.
"""

from shared.store.client import connect_redis
from shared.store.jobs import JobStore, SubmitResult
from shared.store.leases import Leases

__all__ = ["JobStore", "Leases", "SubmitResult", "connect_redis"]
