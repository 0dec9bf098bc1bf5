"""The retry delay every backend applies between attempts of one job."""

from __future__ import annotations

from shared.settings.queue import QueueSettings


def retry_delay_s(settings: QueueSettings, attempt: int) -> float:
    """Delay after failed attempt `attempt` (1-based): `retry_backoff_s`, doubling, capped."""
    return min(settings.retry_backoff_s * 2 ** max(0, attempt - 1), settings.retry_backoff_max_s)
