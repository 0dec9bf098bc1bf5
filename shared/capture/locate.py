"""Where the Chromium executable is, found without importing Playwright."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from shared.settings.capture import CaptureSettings

# Headless shells first: the same engine without the browser UI. A full Chromium in headless mode still
# starts an omnibox WebUI renderer per context (about 60 MB each) and a spare renderer; the shell is what
# Playwright itself runs for headless, and measured here it halves both memory and wall time.
SYSTEM_CHROMIUM_PATHS: tuple[str, ...] = (
    "/usr/lib/chromium/chromium-headless-shell",
    "/usr/bin/chromium-headless-shell",
    "/usr/bin/chrome-headless-shell",
    "/usr/bin/chromium",
    "/usr/bin/chromium-browser",
    "/usr/bin/google-chrome",
    "/usr/bin/google-chrome-stable",
    "/snap/bin/chromium",
    "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
    "/Applications/Chromium.app/Contents/MacOS/Chromium",
)
# Where `playwright install chromium` puts its builds (headless shell first, as Playwright prefers it
# for headless), newest revision last after sorting.
PLAYWRIGHT_BUILD_GLOBS: tuple[str, ...] = (
    "chromium_headless_shell-*/chrome-*/chrome-headless-shell",
    "chromium-*/chrome-linux*/chrome",
    "chromium-*/chrome-mac*/Chromium.app/Contents/MacOS/Chromium",
)


def _playwright_browsers_dir() -> Path:
    configured = os.environ.get("PLAYWRIGHT_BROWSERS_PATH")
    if configured and configured != "0":
        return Path(configured)
    cache = Path.home() / "Library" / "Caches" if os.uname().sysname == "Darwin" else Path.home() / ".cache"
    return cache / "ms-playwright"


def locate_chromium(settings: CaptureSettings) -> Path | None:
    """CHROMIUM_PATH if set; else Playwright's own download if present; else a system Chromium (a headless
    shell before a full browser); else None.

    An explicit CHROMIUM_PATH is returned even if it does not exist, so a wrong setting fails loudly at
    launch instead of silently picking another browser.
    """
    if settings.chromium_path is not None:
        return settings.chromium_path
    browsers = _playwright_browsers_dir()
    for pattern in PLAYWRIGHT_BUILD_GLOBS:
        builds = sorted(path for path in browsers.glob(pattern) if path.is_file())
        if builds:
            return builds[-1]
    for candidate in SYSTEM_CHROMIUM_PATHS:
        if Path(candidate).is_file():
            return Path(candidate)
    names = ("chromium-headless-shell", "chrome-headless-shell", "chromium", "chromium-browser", "google-chrome")
    found = next((path for path in map(shutil.which, names) if path), None)
    return Path(found) if found else None
