"""`/readyz` asks whether Chromium really starts (a launch, not a file on disk), once per cache period, and
only in processes that ever start it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from shared.http.apps import ANALYZE, GATEWAY, RESULT, SUBMIT
from shared.http.endpoints.health import uses_browser
from shared.http.operations import ApiContext, Operation
from shared.http.runtime import RuntimeHolder
from shared.service import Runtime, readiness
from tests.support.jobs import jobs_settings

pytestmark = pytest.mark.browser


@pytest.fixture
def broken_chromium(tmp_path: Path) -> Path:
    """An executable that is there (the old check passed on that) but exits at once, counting its starts."""
    executable = tmp_path / "chromium"
    executable.write_text(f'#!/bin/sh\necho started >> "{tmp_path / "starts"}"\nexit 1\n', encoding="utf-8")
    executable.chmod(0o755)
    return executable


def starts(broken_chromium: Path) -> int:
    counter = broken_chromium.with_name("starts")
    return len(counter.read_text(encoding="utf-8").splitlines()) if counter.exists() else 0


async def runtime(chromium: Path, **overrides: object) -> Runtime:
    return await Runtime.create(jobs_settings(chromium_path=chromium, **overrides))


@pytest.fixture
async def cached_rt(broken_chromium: Path) -> AsyncIterator[Runtime]:
    rt = await runtime(broken_chromium, browser_check_cache_s=600)
    try:
        yield rt
    finally:
        await rt.close()


async def test_a_chromium_that_cannot_start_is_unready(cached_rt: Runtime, broken_chromium: Path) -> None:
    checks = await readiness(cached_rt)
    assert checks["browser"] is False and checks["ready"] is False
    assert checks["store"] is True and checks["queue"] is True
    assert starts(broken_chromium) >= 1


async def test_the_answer_is_reused_for_the_cache_period(cached_rt: Runtime, broken_chromium: Path) -> None:
    await readiness(cached_rt)
    launched = starts(broken_chromium)
    for _ in range(3):
        assert (await readiness(cached_rt))["browser"] is False
    assert starts(broken_chromium) == launched, "a probe within the cache period launched again"


async def test_without_a_cache_period_every_probe_launches(broken_chromium: Path) -> None:
    rt = await runtime(broken_chromium, browser_check_cache_s=0)
    try:
        await readiness(rt)
        launched = starts(broken_chromium)
        await readiness(rt)
        assert starts(broken_chromium) > launched
    finally:
        await rt.close()


async def test_a_process_that_never_starts_chromium_launches_none(cached_rt: Runtime, broken_chromium: Path) -> None:
    checks = await readiness(cached_rt, browser=False)
    assert checks["browser"] == "unused" and checks["ready"] is True
    assert starts(broken_chromium) == 0


async def test_a_working_chromium_is_ready_and_stays_up_for_the_analyses() -> None:
    rt = await Runtime.create(jobs_settings())
    try:
        assert (await readiness(rt))["browser"] is True
        browser = await (await rt.engine()).browser.browser()
        assert browser.is_connected(), "the browser readiness started is the one analyses use"
    finally:
        await rt.close()


def _context(operations: tuple[Operation, ...], queue_backend: str) -> ApiContext:
    settings = jobs_settings(redis_url="redis://127.0.0.1:1/0", queue_backend=queue_backend)
    return ApiContext.create(RuntimeHolder(settings), operations)


@pytest.mark.parametrize(
    ("operations", "expected"),
    [(SUBMIT, False), (RESULT, True), (ANALYZE, True), (GATEWAY, True)],
    ids=["submit", "result (PDF)", "analyze", "gateway"],
)
def test_which_roles_check_the_browser(operations: tuple[Operation, ...], expected: bool) -> None:
    assert uses_browser(_context(operations, "redis")) is expected
    # With the inline queue every process analyses in-process, the submit function included.
    assert uses_browser(_context(operations, "inline")) is True
