"""Screenshots as Claude sees them: which part of which screenshot, at what size, as JPEG, mapped back.

Claude answers regions in the pixels of the image it was sent; `PreparedImage.to_document` turns such a
region into document CSS pixels (the coordinates of the facts and of the report), and refuses one that
does not lie inside the image, which is half of the grounding check.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass, replace
from typing import Literal

from PIL import Image as PILImage

from shared.capture.result import ScreenshotImage
from shared.llm.schema import ImageRegion
from shared.models.facts import Device
from shared.models.report import Region

# Anthropic's vision guide: an image costs about width x height / 750 tokens.
PIXELS_PER_TOKEN = 750
# A region may overhang the image by rounding, not by more.
EDGE_TOLERANCE_PX = 1.0

CutKind = Literal["fold", "slice"]


def image_tokens(width: int, height: int) -> int:
    return math.ceil(width * height / PIXELS_PER_TOKEN)


def fit_size(width: int, height: int, *, long_edge: int, max_tokens: int) -> tuple[int, int]:
    """The largest size of the same aspect ratio within `long_edge` and `max_tokens`; never upscaled."""
    scale = min(1.0, long_edge / max(width, height), math.sqrt(max_tokens * PIXELS_PER_TOKEN / (width * height)))
    return max(1, math.floor(width * scale)), max(1, math.floor(height * scale))


@dataclass(frozen=True)
class ImageCut:
    """A full-width band of one screenshot (in its pixels) and the size it is sent at."""

    device: Device
    kind: CutKind
    source: ScreenshotImage
    css_per_px: float
    top: int
    height: int
    out_w: int
    out_h: int

    @property
    def width(self) -> int:
        return self.source.ref.width

    @property
    def tokens(self) -> int:
        return image_tokens(self.out_w, self.out_h)

    @property
    def long_edge(self) -> int:
        return max(self.out_w, self.out_h)

    def within(self, max_tokens: int) -> ImageCut:
        """The same band, sent smaller if it costs more than `max_tokens`."""
        if self.tokens <= max_tokens:
            return self
        out_w, out_h = fit_size(self.out_w, self.out_h, long_edge=self.long_edge, max_tokens=max_tokens)
        return replace(self, out_w=out_w, out_h=out_h)


def make_cut(
    source: ScreenshotImage, kind: CutKind, css_per_px: float, top: int, height: int, *, long_edge: int, max_tokens: int
) -> ImageCut:
    out_w, out_h = fit_size(source.ref.width, height, long_edge=long_edge, max_tokens=max_tokens)
    return ImageCut(source.device, kind, source, css_per_px, top, height, out_w, out_h)


@dataclass(frozen=True)
class PreparedImage:
    number: int
    cut: ImageCut
    jpeg: bytes

    @property
    def device(self) -> Device:
        return self.cut.device

    @property
    def width(self) -> int:
        return self.cut.out_w

    @property
    def height(self) -> int:
        return self.cut.out_h

    @property
    def tokens(self) -> int:
        return self.cut.tokens

    def label(self) -> str:
        cut = self.cut
        top = round(cut.top * cut.css_per_px)
        bottom = round((cut.top + cut.height) * cut.css_per_px)
        part = "first view (fold)" if cut.kind == "fold" else "slice below the fold"
        return f"Image {self.number}: {cut.device}, {part}, {cut.out_w}x{cut.out_h} px, page y {top}-{bottom} CSS px"

    def to_document(self, region: ImageRegion) -> Region | None:
        """The region in document CSS px, or None when it does not lie inside this image."""
        if (
            region.x + region.w > self.width + EDGE_TOLERANCE_PX
            or region.y + region.h > self.height + EDGE_TOLERANCE_PX
        ):
            return None
        px_per_out = self.cut.width / self.cut.out_w
        css = self.cut.css_per_px * px_per_out
        return Region(
            device=self.device,
            x=round(region.x * css, 1),
            y=round(self.cut.top * self.cut.css_per_px + region.y * css, 1),
            w=round(region.w * css, 1),
            h=round(region.h * css, 1),
        )


def render(cuts: list[ImageCut], quality: int) -> list[PreparedImage]:
    """Crops, resizes and JPEG-encodes every cut; CPU-bound, so callers run it in a thread."""
    decoded: dict[int, PILImage.Image] = {}
    prepared = []
    for number, cut in enumerate(cuts, start=1):
        key = id(cut.source)
        if key not in decoded:
            decoded[key] = PILImage.open(io.BytesIO(cut.source.png)).convert("RGB")
        band = decoded[key].crop((0, cut.top, cut.width, cut.top + cut.height))
        if band.size != (cut.out_w, cut.out_h):
            band = band.resize((cut.out_w, cut.out_h), PILImage.Resampling.LANCZOS)
        buffer = io.BytesIO()
        band.save(buffer, format="JPEG", quality=quality, optimize=True)
        prepared.append(PreparedImage(number, cut, buffer.getvalue()))
    return prepared
