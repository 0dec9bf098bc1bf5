"""One `Runtime` (store, queue, engine) per process, created on first use.

The gateway closes it in its lifespan, after uvicorn has drained in-flight requests. A function has no
such hook: functions-framework's app runs no user code at shutdown, and its gunicorn worker ends by
re-raising SIGTERM with the default disposition once uvicorn has drained the requests. A function's
runtime is therefore released by the process exit (sockets close; Playwright's driver takes Chromium
down with it), which loses nothing: its work happens inside requests, and those finish first.
"""

from __future__ import annotations

import asyncio

from shared.config import Settings
from shared.gc_tuning import tune_for_serving
from shared.service import AnalyzeFn, Runtime


class RuntimeHolder:
    def __init__(self, settings: Settings, *, analyze: AnalyzeFn | None = None) -> None:
        self.settings = settings
        self._analyze = analyze
        self._runtime: Runtime | None = None
        self._lock = asyncio.Lock()

    async def get(self) -> Runtime:
        if self._runtime is None:
            async with self._lock:
                if self._runtime is None:
                    self._runtime = await Runtime.create(self.settings, analyze=self._analyze)
                    tune_for_serving()
        return self._runtime

    async def close(self) -> None:
        runtime, self._runtime = self._runtime, None
        if runtime is not None:
            await runtime.close()
