"""Facts of one rendered page, read by the in-page code in `js/facts/` in one pass and validated into the
fact models.

The in-page code is split by concern (one file per kind of fact, each documenting its heuristics);
`FACTS_PARTS` is the order they are composed in: shared helpers first, the run last.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from shared.capture.devices import DeviceProfile
from shared.capture.scripts import PageScripts, composed
from shared.config import Settings
from shared.models.facts import (
    Control,
    Cta,
    Form,
    Heading,
    Image,
    Layout,
    Meta,
    Navigation,
    Overlay,
    TextBlock,
    TextStats,
    TrustSignal,
)

FACTS_PARTS: tuple[str, ...] = (
    "base",
    "colours",
    "overlays",
    "headings",
    "ctas",
    "forms",
    "images",
    "trust",
    "copy",
    "page",
    "main",
)


class CollectedFacts(BaseModel):
    """What the facts code returns; a mismatch with the fact models fails here, not in a rule."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    overlays: list[Overlay]
    headings: list[Heading]
    ctas: list[Cta]
    controls: list[Control]
    forms: list[Form]
    images: list[Image]
    trust: list[TrustSignal]
    text_blocks: list[TextBlock]
    navigation: Navigation
    meta: Meta
    text: TextStats
    layout: Layout
    dom_nodes: int


async def collect_facts(scripts: PageScripts, device: DeviceProfile, settings: Settings) -> CollectedFacts:
    """Measures overlays, hides them, then measures the page beneath (see js/facts/ for the heuristics)."""
    raw = await scripts.evaluate(
        composed("facts", FACTS_PARTS),
        {
            "deviceWidth": device.width,
            "deviceHeight": device.height,
            "maxElements": settings.facts_max_elements,
            "excerptChars": settings.facts_excerpt_chars,
        },
        budget_s=settings.script_budget_s,
    )
    return CollectedFacts.model_validate(raw)


async def reread_images(scripts: PageScripts, images: list[Image], budget_s: float) -> list[Image]:
    """Images with `loaded` and natural size as they are after lazy loading had its chance."""
    rows = await scripts.run("images_reread", budget_s=budget_s)
    state = {row[0]: row[1:] for row in rows}
    updated: list[Image] = []
    for image in images:
        if image.id in state:
            loaded, natural_w, natural_h = state[image.id]
            image = image.model_copy(update={"loaded": loaded, "natural_w": natural_w, "natural_h": natural_h})
        updated.append(image)
    return updated
