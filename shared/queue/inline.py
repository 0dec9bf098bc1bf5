"""The embedded backend: each job is an asyncio task in this process, at most `inline_concurrency` at once.

Same retry policy as the other backends (backoff, `max_attempts`), so the embedded service behaves like
the deployed ones; the slot is held only while an attempt runs, never during a backoff. Nothing else
would ever run a job this process gave up at shutdown, so those jobs are ended (`abandon`) rather than
left queued in a store that outlives the process (`serve` with REDIS_URL).
"""

from __future__ import annotations

import asyncio
import logging

from shared.errors import QueueClosedError
from shared.logs import job_context
from shared.queue.backoff import retry_delay_s
from shared.queue.delivery import AbandonHandler, Delivery, DeliveryHandler
from shared.settings.queue import QueueSettings

log = logging.getLogger(__name__)


class InlineQueue:
    submit_stream = None

    def __init__(self, settings: QueueSettings, handler: DeliveryHandler, abandon: AbandonHandler) -> None:
        self._settings = settings
        self._handler = handler
        self._abandon = abandon
        self._slots = asyncio.Semaphore(settings.inline_concurrency)
        self._tasks: dict[asyncio.Task[None], str] = {}
        self._closing = False

    async def enqueue(self, job_id: str) -> None:
        if self._closing:
            raise QueueClosedError("the process is shutting down")
        task = asyncio.create_task(self._deliver(job_id), name=f"job-{job_id}")
        self._tasks[task] = job_id
        task.add_done_callback(self._tasks.pop)

    async def check(self) -> bool:
        return not self._closing

    async def close(self) -> None:
        """Waits `shutdown_grace_s` for running jobs, then cancels the rest and abandons their jobs."""
        self._closing = True
        if not self._tasks:
            return
        _, pending = await asyncio.wait(set(self._tasks), timeout=self._settings.shutdown_grace_s)
        given_up = [self._tasks[task] for task in pending]
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        for job_id in given_up:
            with job_context(job_id):
                try:
                    await self._abandon(job_id)
                except Exception:
                    log.exception("could not end a job given up at shutdown")

    async def _deliver(self, job_id: str) -> None:
        attempt = 1
        with job_context(job_id):
            while True:
                async with self._slots:
                    try:
                        outcome = await self._handler(Delivery(job_id, attempt, self._settings.max_attempts))
                    except Exception:
                        log.exception("delivery crashed; the job is left to its lease")
                        return
                if outcome == "done":
                    return
                delay = retry_delay_s(self._settings, attempt)
                log.info("retrying", extra={"attempt": attempt, "delay_s": delay})
                await asyncio.sleep(delay)
                attempt += 1
