"""One `Runtime` (store, queue, engine) per process, created on first use and closed when the process stops.

The gateway has a lifespan and closes it there. functions-framework's ASGI app has no lifespan hook for
user code, so a function's holder instead parks a task on the event loop whose `finally` closes the
runtime: when the server stops, `asyncio.run` cancels leftover tasks and runs them to completion, after
in-flight requests have finished.
"""

from __future__ import annotations

import asyncio
import logging

from shared.config import Settings
from shared.service import AnalyzeFn, Runtime

log = logging.getLogger(__name__)


class RuntimeHolder:
    def __init__(self, settings: Settings, *, analyze: AnalyzeFn | None = None, close_with_loop: bool = False) -> None:
        self.settings = settings
        self._analyze = analyze
        self._close_with_loop = close_with_loop
        self._runtime: Runtime | None = None
        self._lock = asyncio.Lock()
        self._keeper: asyncio.Task[None] | None = None

    async def get(self) -> Runtime:
        if self._runtime is None:
            async with self._lock:
                if self._runtime is None:
                    self._runtime = await Runtime.create(self.settings, analyze=self._analyze)
                    if self._close_with_loop:
                        self._keeper = asyncio.create_task(self._close_at_loop_end(), name="runtime-keeper")
        return self._runtime

    async def close(self) -> None:
        runtime, self._runtime = self._runtime, None
        if runtime is not None:
            await runtime.close()

    async def _close_at_loop_end(self) -> None:
        try:
            await asyncio.get_running_loop().create_future()
        finally:
            log.info("closing the runtime at shutdown")
            await self.close()
