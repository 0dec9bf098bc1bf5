"""What a queue hands the service: one delivery of one job, and what the service answers."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Literal

DeliveryOutcome = Literal["done", "retry"]


@dataclass(frozen=True)
class Delivery:
    job_id: str
    attempt: int  # 1-based: the queue's own count of deliveries of this job
    max_attempts: int


DeliveryHandler = Callable[[Delivery], Awaitable[DeliveryOutcome]]
AbandonHandler = Callable[[str], Awaitable[None]]
