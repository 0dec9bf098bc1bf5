"""Facts of one rendered page, read by the in-page code in `js/facts/` in one pass and validated into the
fact models.

The in-page code is split by concern (one file per kind of fact, each documenting its heuristics);
`FACTS_PARTS` is the order they are composed in: shared helpers first, the run last.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from shared.capture.devices import DeviceProfile
from shared.capture.scripts import PageScripts, composed
from shared.models.facts import (
    Control,
    CopyBlock,
    Cta,
    FirstView,
    Form,
    Heading,
    Image,
    Layout,
    Meta,
    Navigation,
    Overlay,
    TextStats,
    TrustSignal,
)
from shared.settings.capture import CaptureSettings

FACTS_PARTS: tuple[str, ...] = (
    "base",
    "colours",
    "overlays",
    "headings",
    "headline",
    "ctas",
    "forms",
    "images",
    "trust",
    "copy",
    "page",
    "main",
)
# The overlay finder serves three smaller runs: is the view settled, which overlays were there on arrival,
# and did any come later.
SETTLE_PROBE_PARTS: tuple[str, ...] = ("base", "overlays", "settle_probe")
ARRIVAL_PARTS: tuple[str, ...] = ("base", "overlays", "arrival")
LATE_OVERLAY_PARTS: tuple[str, ...] = ("base", "overlays", "late_overlays")


class CollectedFacts(BaseModel):
    """What the facts code returns; a mismatch with the fact models fails here, not in a rule."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    overlays: list[Overlay]
    headings: list[Heading]
    first_view: FirstView
    ctas: list[Cta]
    controls: list[Control]
    forms: list[Form]
    images: list[Image]
    trust: list[TrustSignal]
    copy_blocks: list[CopyBlock]
    navigation: Navigation
    meta: Meta
    text: TextStats
    layout: Layout
    dom_nodes: int


async def collect_facts(scripts: PageScripts, device: DeviceProfile, settings: CaptureSettings) -> CollectedFacts:
    """Measures overlays, hides them, then measures the page beneath (see js/facts/ for the heuristics)."""
    raw = await scripts.evaluate(
        composed("facts", FACTS_PARTS),
        {
            "deviceWidth": device.width,
            "deviceHeight": device.height,
            "maxElements": settings.facts_max_elements,
            "excerptChars": settings.facts_excerpt_chars,
            "maxTextChars": settings.facts_max_text_chars,
        },
        budget_s=settings.script_budget_s,
    )
    return CollectedFacts.model_validate(raw)
