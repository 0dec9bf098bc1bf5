"""A memory budget per page, watched from outside the page: renderers over it are stopped.

A page can allocate gigabytes (ArrayBuffers live outside the JavaScript heap, so no V8 heap limit holds
them) and take the machine, and every other tenant's analysis with it. Each page renders in a renderer
process of its own context (contexts never share renderers), so the watch samples the resident memory of
this process's Chromium renderers every `memory_watch_interval_s` and kills any over
`page_memory_budget_mb`. Chromium survives a renderer's death: only that page crashes, and capture reports
it as `resource_limit` (`killed_since` tells it the crash was ours), not as a browser crash to retry.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time

import psutil

log = logging.getLogger(__name__)

_RENDERER_FLAG = "--type=renderer"


def _renderers() -> list[psutil.Process]:
    found = []
    for child in psutil.Process().children(recursive=True):
        with contextlib.suppress(psutil.Error):
            if _RENDERER_FLAG in child.cmdline():
                found.append(child)
    return found


def _kill_over(budget_bytes: int) -> list[tuple[int, int]]:
    """Kills the renderers over budget; returns (pid, resident bytes) of each."""
    killed = []
    for renderer in _renderers():
        with contextlib.suppress(psutil.Error):
            resident = renderer.memory_info().rss
            if resident > budget_bytes:
                renderer.kill()
                killed.append((renderer.pid, resident))
    return killed


class RendererMemoryWatch:
    def __init__(self, budget_mb: int, interval_s: float) -> None:
        self.budget_mb = budget_mb
        self._budget_bytes = budget_mb * 2**20
        self._interval_s = interval_s
        self._task: asyncio.Task[None] | None = None
        self._last_kill: float | None = None

    def start(self) -> None:
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._run(), name="renderer-memory-watch")

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)

    def killed_since(self, mark: float) -> bool:
        """Whether a renderer was stopped for its memory after `mark` (a `time.monotonic()` value)."""
        return self._last_kill is not None and self._last_kill >= mark

    async def _run(self) -> None:
        while True:
            # Walking the process table takes milliseconds of system calls: off the event loop.
            for pid, resident in await asyncio.to_thread(_kill_over, self._budget_bytes):
                self._last_kill = time.monotonic()
                log.warning(
                    "renderer over its memory budget stopped",
                    extra={"pid": pid, "resident_mb": resident // 2**20, "budget_mb": self.budget_mb},
                )
            await asyncio.sleep(self._interval_s)
