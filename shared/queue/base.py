"""The one interface the submit side uses, whatever carries the job to an analysis."""

from __future__ import annotations

from typing import Protocol


class QueueClosedError(RuntimeError):
    """The process is shutting down and takes no new work."""


class Queue(Protocol):
    name: str

    async def enqueue(self, job_id: str) -> None:
        """Hands the job over; returns once the queue has it (at-least-once from here on)."""

    async def check(self) -> bool:
        """Whether the queue is reachable now (for /readyz)."""

    async def close(self) -> None:
        """Stops taking work; for in-process queues, finishes or releases what runs."""
