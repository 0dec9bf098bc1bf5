"""Small pictures of a page's first view, for reports that show many pages (a batch) or two (a comparison).

The PNG is the stored screenshot; it is decoded only up to SCREENSHOT_MAX_PIXELS (Pillow's bomb guard is
set from it by the capture), scaled to `width` and embedded as a JPEG data: URI.
"""

from __future__ import annotations

import base64
import io

from PIL import Image

from shared.report.images import JPEG_QUALITY


def thumbnail_data_uri(png: bytes, width: int) -> str | None:
    """None when the bytes are not an image Pillow reads (the page is then shown without one)."""
    try:
        with Image.open(io.BytesIO(png)) as image:
            image.thumbnail((width, width * 4))
            buffer = io.BytesIO()
            image.convert("RGB").save(buffer, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    except (OSError, ValueError, Image.DecompressionBombError):
        return None
    return "data:image/jpeg;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")
