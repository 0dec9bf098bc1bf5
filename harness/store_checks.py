"""What a Redis store must (not) hold once every job has ended: read by the fault tests and the load
harness alike."""

from __future__ import annotations

import redis

from shared.queue.redis_streams import GROUP


def leftovers(client: redis.Redis, prefix: str) -> dict[str, object]:
    """What a store must not hold once every job has ended: unfinished jobs, leases, unacknowledged or
    parked queue messages. Empty when all is settled."""
    unfinished = [
        key.decode()
        for key in client.scan_iter(f"{prefix}job:*")
        if client.hget(key, "status") not in (b"succeeded", b"failed")
    ]
    found: dict[str, object] = {}
    if unfinished:
        found["unfinished_jobs"] = unfinished
    leases = [key.decode() for key in client.scan_iter(f"{prefix}lease:*")]
    if leases:
        found["leases"] = leases
    stream = f"{prefix}queue"
    if client.exists(stream) and client.xinfo_groups(stream):
        pending = client.xpending(stream, GROUP)["pending"]
        if pending:
            found["pending_messages"] = pending
    parked = client.zcard(f"{prefix}queue:delayed")
    if parked:
        found["parked_retries"] = parked
    return found


def report_keys(client: redis.Redis, prefix: str) -> list[str]:
    return sorted(key.decode() for key in client.scan_iter(f"{prefix}report:*"))
