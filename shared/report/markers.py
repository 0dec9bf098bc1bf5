"""Where a finding's numbered marker goes: which screenshot, and which box on it in % of the image.

Screenshots are taken at device scale 1, so image pixels are the document's CSS pixels: a fold shot is
the first viewport, a full-page shot the document from y=0 down to its (capped) height. Percentages keep
the markers on their spot however wide the image is drawn (a phone, a PDF page).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from shared.models.report import Region, Screenshot


@dataclass(frozen=True)
class Placement:
    screenshot: str
    kind: Literal["fold", "full"]
    left_pct: float
    top_pct: float
    width_pct: float
    height_pct: float


def place_region(region: Region, screenshots: Iterable[Screenshot]) -> Placement | None:
    """The fold shot when all that is visible of the region lies in the first viewport (what a visitor
    sees at once), else the full-page shot; a region no shot shows (below a capped page) gets no marker."""
    shots = {shot.kind: shot for shot in screenshots if shot.device == region.device}
    fold, full = shots.get("fold"), shots.get("full")
    if fold is not None and _shows(fold, region) and region.y + region.h <= fold.height:
        return _clipped(region, fold)
    for shot in (full, fold):
        if shot is not None and _shows(shot, region):
            return _clipped(region, shot)
    return None


def _shows(shot: Screenshot, region: Region) -> bool:
    return region.x < shot.width and region.x + region.w >= 0 and region.y < shot.height and region.y + region.h >= 0


def _clipped(region: Region, shot: Screenshot) -> Placement:
    left = max(region.x, 0.0)
    top = max(region.y, 0.0)
    right = min(region.x + region.w, float(shot.width))
    bottom = min(region.y + region.h, float(shot.height))
    return Placement(
        screenshot=shot.name,
        kind=shot.kind,
        left_pct=_pct(left, shot.width),
        top_pct=_pct(top, shot.height),
        width_pct=_pct(right - left, shot.width),
        height_pct=_pct(bottom - top, shot.height),
    )


def _pct(value: float, total: int) -> float:
    return round(value / total * 100, 4)
