"""Screenshots as data: URIs, small enough for a report people e-mail and open on a phone.

A real page's full-page PNG runs to megabytes (a 1440x6000 shot is ~3 MB, a third more as base64);
the same picture as a JPEG is a fraction of that and looks the same at report size. The smaller of the
two encodings is embedded, so a flat synthetic image stays PNG. Pixel size never changes: markers are
placed in percent of the image, and the PNG itself stays available at /screenshots/{name}.
"""

from __future__ import annotations

import base64
import io

from PIL import Image

# Quality 82: text in screenshots stays crisp at report size while the file shrinks five- to tenfold.
JPEG_QUALITY = 82


def image_data_uri(png: bytes) -> str:
    jpeg = _as_jpeg(png)
    if jpeg is not None and len(jpeg) < len(png):
        return "data:image/jpeg;base64," + base64.b64encode(jpeg).decode("ascii")
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def _as_jpeg(png: bytes) -> bytes | None:
    """None when the bytes are not an image Pillow reads; the PNG is then embedded as given."""
    try:
        with Image.open(io.BytesIO(png)) as image:
            buffer = io.BytesIO()
            image.convert("RGB").save(buffer, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    except (OSError, ValueError, Image.DecompressionBombError):
        return None
    return buffer.getvalue()
