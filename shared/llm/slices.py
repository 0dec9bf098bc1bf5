"""Which views of the page Claude gets: both first views, then the most telling slices below the fold.

A slice is one viewport-high band of a full-page screenshot. Bands are scored by what a CRO reviewer
needs to see there: elements the rule findings cite (3), forms (3), calls to action outside the
navigation and trust signals (2 each), top-level headings (1); the best band per device is taken in
turn (desktop, then mobile), ties going to the band nearer the top. A page that fits in one viewport
has no slices.
"""

from __future__ import annotations

from shared.capture.result import CaptureResult, ScreenshotImage
from shared.llm.digest import cited_ids
from shared.llm.images import ImageCut, make_cut
from shared.models.facts import Cta, Device, DeviceFacts, Element, Form, Heading, TrustSignal
from shared.models.report import Finding
from shared.settings.llm import LlmSettings

# A band shorter than this share of a viewport (the page's last bit) shows too little to be worth a slice.
MIN_BAND_SHARE = 0.25


def fold_cuts(capture: CaptureResult, settings: LlmSettings) -> list[ImageCut]:
    cuts = []
    for device, facts in capture.facts.devices.items():
        fold = capture.screenshot(device, "fold")
        source = fold or capture.screenshot(device, "full")
        if source is None:
            continue
        css_per_px = _css_per_px(facts, source)
        height = source.ref.height if fold else min(source.ref.height, round(facts.layout.viewport_h / css_per_px))
        cuts.append(
            make_cut(
                source,
                "fold",
                css_per_px,
                0,
                height,
                long_edge=settings.llm_image_long_edge_px,
                max_tokens=settings.llm_image_max_tokens,
            )
        )
    return cuts


def slice_cuts(capture: CaptureResult, rule_findings: list[Finding], settings: LlmSettings) -> list[ImageCut]:
    cited = cited_ids(rule_findings, capture.facts)
    bands: dict[Device, list[ImageCut]] = {}
    for device, facts in capture.facts.devices.items():
        full = capture.screenshot(device, "full")
        if full is not None:
            bands[device] = _ranked_bands(facts, full, cited[device], settings)
    chosen: list[ImageCut] = []
    while len(chosen) < settings.llm_extra_slices and any(bands.values()):
        for device in list(bands):
            if bands[device] and len(chosen) < settings.llm_extra_slices:
                chosen.append(bands[device].pop(0))
    return chosen


def _ranked_bands(facts: DeviceFacts, full: ScreenshotImage, cited: set[str], settings: LlmSettings) -> list[ImageCut]:
    css_per_px = _css_per_px(facts, full)
    band_px = max(1, round(facts.layout.viewport_h / css_per_px))
    bottom = full.ref.height
    scored: list[tuple[int, int, ImageCut]] = []
    top = band_px
    while bottom - top >= band_px * MIN_BAND_SHARE:
        height = min(band_px, bottom - top)
        lo, hi = top * css_per_px, (top + height) * css_per_px
        score = sum(_interest(element, cited) for element in facts.elements() if lo <= element.box.y < hi)
        cut = make_cut(
            full,
            "slice",
            css_per_px,
            top,
            height,
            long_edge=settings.llm_image_long_edge_px,
            max_tokens=settings.llm_image_max_tokens,
        )
        scored.append((-score, top, cut))
        top += band_px
    return [cut for _, _, cut in sorted(scored, key=lambda item: (item[0], item[1]))]


def _interest(element: Element, cited: set[str]) -> int:
    if not element.visible:
        return 0
    if element.id in cited:
        return 3
    match element:
        case Form():
            return 3
        case Cta():
            return 0 if element.in_nav else 2
        case TrustSignal():
            return 2
        case Heading():
            return 1 if element.level <= 2 else 0
    return 0


def _css_per_px(facts: DeviceFacts, screenshot: ScreenshotImage) -> float:
    """CSS px per screenshot px: 1 at device scale 1, below 1 if capture ever shoots at a higher scale.

    A full-page shot of an overflowing page is as wide as the document, not the viewport: still scale 1.
    """
    width, layout = screenshot.ref.width, facts.layout
    if width <= 0 or layout.viewport_w <= width <= max(layout.viewport_w, layout.document_w):
        return 1.0
    return layout.viewport_w / width
