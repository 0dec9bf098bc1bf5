"""The browser pool: finding Chromium, readiness, and surviving a browser that dies mid-capture."""

from __future__ import annotations

import asyncio
import os
import signal
from pathlib import Path

import psutil
import pytest

from harness.servers import LoopbackServer
from shared.capture.browser import BrowserPool
from shared.capture.locate import SYSTEM_CHROMIUM_PATHS, locate_chromium
from shared.capture.page_capture import capture_page
from shared.errors import AnalysisError, ErrorCode
from shared.netguard.egress import EgressGuard
from tests.conftest import make_settings
from tests.support.browser import chromium_main_processes, quick_settings


def test_chromium_path_setting_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLAYWRIGHT_BROWSERS_PATH", str(tmp_path))
    configured = tmp_path / "my-chrome"
    assert locate_chromium(make_settings(chromium_path=configured)) == configured


def test_playwright_download_before_system_chromium(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLAYWRIGHT_BROWSERS_PATH", str(tmp_path))
    older = tmp_path / "chromium-1100" / "chrome-linux" / "chrome"
    newer = tmp_path / "chromium-1200" / "chrome-linux64" / "chrome"
    for build in (older, newer):
        build.parent.mkdir(parents=True)
        build.write_text("")
    assert locate_chromium(make_settings()) == newer


def test_playwright_headless_shell_before_its_full_browser(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLAYWRIGHT_BROWSERS_PATH", str(tmp_path))
    full = tmp_path / "chromium-1200" / "chrome-linux64" / "chrome"
    shell = tmp_path / "chromium_headless_shell-1200" / "chrome-linux64" / "chrome-headless-shell"
    for build in (full, shell):
        build.parent.mkdir(parents=True)
        build.write_text("")
    assert locate_chromium(make_settings()) == shell


def test_system_chromium_when_nothing_else(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLAYWRIGHT_BROWSERS_PATH", str(tmp_path))
    found = locate_chromium(make_settings())
    installed = [Path(path) for path in SYSTEM_CHROMIUM_PATHS if Path(path).is_file()]
    assert found == (installed[0] if installed else found)
    assert found is not None, "this machine has a system Chromium"


@pytest.mark.browser
async def test_check_reports_readiness(browser_pool: BrowserPool, tmp_path: Path) -> None:
    assert await browser_pool.check()
    broken = BrowserPool(make_settings(chromium_path=tmp_path / "no-such-chromium"))
    try:
        assert not await broken.check()
    finally:
        await broken.close()
        await broken.close()


@pytest.mark.browser
async def test_browser_death_is_reported_and_the_pool_relaunches(
    capture_guard: EgressGuard, hostile_server: LoopbackServer
) -> None:
    before = {process.pid for process in psutil.Process().children(recursive=True)}
    pool = BrowserPool(make_settings())
    try:
        assert await pool.check()
        (browser_process,) = chromium_main_processes(exclude=before)
        settings = quick_settings(hostile_server, load_budget_s=20.0, capture_timeout_s=40.0)
        seen = len(hostile_server.hits)
        capture = asyncio.create_task(
            capture_page(
                hostile_server.url("/capture/never-loads.html"),
                ("desktop",),
                browser=pool,
                guard=capture_guard,
                settings=settings,
            )
        )
        for _ in range(400):  # the page is loading once its stalled image was requested; 20 s at most
            if "/stall.png" in hostile_server.hits[seen:]:
                break
            await asyncio.sleep(0.05)
        assert "/stall.png" in hostile_server.hits[seen:]
        os.kill(browser_process.pid, signal.SIGKILL)
        with pytest.raises(AnalysisError) as raised:
            await capture
        assert raised.value.code is ErrorCode.browser_crashed
        assert not raised.value.permanent

        again = await capture_page(
            hostile_server.url("/capture/elsewhere.html"),
            ("desktop",),
            browser=pool,
            guard=capture_guard,
            settings=quick_settings(hostile_server),
        )
        assert [heading.text for heading in again.facts.devices["desktop"].headings] == ["Somewhere else"]
    finally:
        await pool.close()


@pytest.mark.browser
async def test_a_dead_playwright_driver_is_replaced() -> None:
    before = {process.pid for process in psutil.Process().children(recursive=True)}
    pool = BrowserPool(make_settings())
    try:
        assert await pool.check()
        drivers = [
            process
            for process in psutil.Process().children()
            if process.pid not in before and process.name().startswith("node")
        ]
        assert len(drivers) == 1
        drivers[0].kill()
        drivers[0].wait(timeout=10)
        assert await pool.check()
    finally:
        await pool.close()
