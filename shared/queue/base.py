"""The one interface the submit side uses, whatever carries the job to an analysis."""

from __future__ import annotations

from typing import Protocol

from shared.store.stream_message import StreamTarget


class Queue(Protocol):
    # A queue that is a Redis stream of the job store's own Redis: submit adds a new job's message in the
    # same atomic step that stores the job, instead of calling `enqueue` after it.
    submit_stream: StreamTarget | None

    async def enqueue(self, job_id: str) -> None:
        """Hands the job over; returns once the queue has it (at-least-once from here on)."""

    async def check(self) -> bool:
        """Whether the queue is reachable now (for /readyz)."""

    async def close(self) -> None:
        """Stops taking work; for in-process queues, finishes or releases what runs."""
