"""What one capture hands on: the facts, the screenshots as bytes, and how long each stage took."""

from __future__ import annotations

from dataclasses import dataclass, field

from shared.models.facts import Device, PageFacts
from shared.models.report import Screenshot


@dataclass(frozen=True)
class ScreenshotImage:
    """A PNG as captured; `ref` is what the report says about it (name, size), the bytes go to the store."""

    ref: Screenshot
    png: bytes

    @property
    def device(self) -> Device:
        return self.ref.device


@dataclass(frozen=True)
class CaptureResult:
    facts: PageFacts
    screenshots: list[ScreenshotImage]
    timings_ms: dict[str, float] = field(default_factory=dict)

    def screenshot(self, device: Device, kind: str) -> ScreenshotImage | None:
        return next((s for s in self.screenshots if s.ref.device == device and s.ref.kind == kind), None)
