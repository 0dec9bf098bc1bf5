"""The two pictures of a page per device: the first viewport as a visitor sees it, and the whole page.

Taken with CDP `Page.captureScreenshot` directly, with `optimizeForSpeed` (a faster PNG compression
level): on this kind of machine PNG encoding is most of a screenshot's cost, and a 30-50 % larger file
is the better trade. The full page is a clip of the document from the top, as wide as the layout
viewport and at most `full_page_max_height_px` high, so an endless page cannot produce an endless image;
Chromium paints beyond the viewport for it (`captureBeyondViewport`) without resizing the window, so
`vh`-sized sections keep their height.

The sizes come from Chromium (`Page.getLayoutMetrics`), never from the page's own JavaScript, which can
report any width it likes; both dimensions and the pixel count are capped, since a 40000 x 10000 px
capture costs gigabytes in Chromium and again wherever the picture is decoded.
"""

from __future__ import annotations

import asyncio
import base64
import struct
from typing import Any, Literal

from shared.capture.containment import PageContainment
from shared.capture.result import ScreenshotImage
from shared.models.facts import Device
from shared.models.report import Screenshot
from shared.settings.capture import CaptureSettings


async def fold_screenshot(containment: PageContainment, device: Device, settings: CaptureSettings) -> ScreenshotImage:
    png = await _shoot(containment, settings.screenshot_budget_s, {})
    return _image(png, device, "fold", truncated=False)


async def full_page_screenshot(
    containment: PageContainment, device: Device, settings: CaptureSettings
) -> ScreenshotImage:
    metrics = await _layout_metrics(containment, settings.screenshot_budget_s)
    width, document_height = clip_size(
        viewport_width=metrics["cssLayoutViewport"]["clientWidth"],
        document_height=metrics["cssContentSize"]["height"],
        settings=settings,
    )
    height = min(document_height, settings.full_page_max_height_px, settings.screenshot_max_pixels // width)
    clip = {"x": 0, "y": 0, "width": width, "height": height, "scale": 1}
    png = await _shoot(containment, settings.screenshot_budget_s, {"clip": clip, "captureBeyondViewport": True})
    return _image(png, device, "full", truncated=document_height > height)


def clip_size(*, viewport_width: float, document_height: float, settings: CaptureSettings) -> tuple[int, int]:
    """The full-page clip's width (the layout viewport's, capped) and the document's height, at least 1 px."""
    width = max(1, min(int(viewport_width), settings.full_page_max_width_px))
    return width, max(1, int(document_height))


async def _layout_metrics(containment: PageContainment, budget_s: float) -> dict[str, Any]:
    """Chromium's own measure of the page; like a screenshot, it needs the page's main thread."""
    try:
        return await asyncio.wait_for(containment.cdp.send("Page.getLayoutMetrics"), timeout=budget_s)
    except TimeoutError:
        if containment.frozen:
            raise
        await containment.freeze_scripts()
        return await asyncio.wait_for(containment.cdp.send("Page.getLayoutMetrics"), timeout=budget_s)


async def _shoot(containment: PageContainment, budget_s: float, params: dict[str, Any]) -> bytes:
    """A PNG; a page whose JavaScript keeps the main thread busy cannot paint, so on a timeout its
    JavaScript is stopped and the shot taken once more."""
    command = {"format": "png", "optimizeForSpeed": True, **params}
    try:
        reply = await asyncio.wait_for(containment.cdp.send("Page.captureScreenshot", command), timeout=budget_s)
    except TimeoutError:
        if containment.frozen:
            raise
        await containment.freeze_scripts()
        reply = await asyncio.wait_for(containment.cdp.send("Page.captureScreenshot", command), timeout=budget_s)
    return base64.b64decode(reply["data"])


def png_size(png: bytes) -> tuple[int, int]:
    """Width and height from the PNG header (the IHDR chunk always comes first)."""
    if len(png) < 24 or png[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    width, height = struct.unpack(">II", png[16:24])
    return int(width), int(height)


def _image(png: bytes, device: Device, kind: Literal["fold", "full"], *, truncated: bool) -> ScreenshotImage:
    width, height = png_size(png)
    ref = Screenshot(
        name=f"{device}-{kind}.png", device=device, kind=kind, width=width, height=height, truncated=truncated
    )
    return ScreenshotImage(ref=ref, png=png)
