"""How a job gets from submit to an analysis: Cloud Tasks, Redis Streams, or asyncio tasks in-process."""

from __future__ import annotations

from redis.asyncio import Redis

from shared.config import Settings
from shared.errors import QueueClosedError
from shared.queue.base import Queue
from shared.queue.delivery import AbandonHandler, Delivery, DeliveryHandler, DeliveryOutcome


def build_queue(settings: Settings, redis: Redis, handler: DeliveryHandler, abandon: AbandonHandler) -> Queue:
    """The backend `QUEUE_BACKEND` names; the in-process one runs deliveries with `handler` and gives up
    the jobs it still holds at shutdown with `abandon` (no other process would ever run them)."""
    if settings.queue_backend == "inline":
        from shared.queue.inline import InlineQueue

        return InlineQueue(settings, handler, abandon)
    if settings.queue_backend == "redis":
        from shared.queue.redis_streams import RedisStreamQueue

        return RedisStreamQueue(redis, settings)
    from shared.queue.cloudtasks import CloudTasksQueue

    return CloudTasksQueue(settings)


__all__ = [
    "AbandonHandler",
    "Delivery",
    "DeliveryHandler",
    "DeliveryOutcome",
    "Queue",
    "QueueClosedError",
    "build_queue",
]
