"""Starts Chromium through Playwright the way every role does, opens a page in it, and closes it.

A build step of the image (Dockerfile): a system library the runtime stage lacks, for Chromium or for the
Node.js driver Playwright ships (libatomic.so.1), then fails the build instead of every analysis and PDF
in production, where the roles would still answer /healthz. Exit status 0 = the browser works.
"""

from __future__ import annotations

import asyncio
import sys

from shared.capture.browser import BrowserPool
from shared.config import Settings

PROBE_HTML = "<!doctype html><title>probe</title><p id=probe>ok</p>"


async def probe(settings: Settings) -> str:
    pool = BrowserPool(settings)
    try:
        browser = await pool.browser()
        async with asyncio.timeout(settings.browser_op_timeout_s):
            page = await browser.new_page()
            await page.set_content(PROBE_HTML)
            text = await page.inner_text("#probe")
            await page.close()
        return f"{browser.version}: {text}"
    finally:
        await pool.close()


def main() -> int:
    print("Chromium", asyncio.run(probe(Settings())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
