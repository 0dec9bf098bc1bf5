"""Captures built in Python for the Claude tests: real PNGs at the real sizes and facts that match them.

Screenshots: desktop fold 1440x900, mobile fold 390x844, full pages 1440x5000 and 390x9000, drawn with
Pillow (a band per section and a box per element) so the JPEGs Claude receives have real content.
"""

from __future__ import annotations

import io
from functools import lru_cache

from PIL import Image, ImageDraw

from shared.capture.result import CaptureResult, ScreenshotImage
from shared.models.facts import (
    Box,
    Cta,
    Device,
    DeviceFacts,
    Form,
    FormField,
    Heading,
    Layout,
    Meta,
    Metrics,
    PageFacts,
    TextStats,
    TrustSignal,
)
from shared.models.facts import Image as ImageFact
from shared.models.report import Evidence, Finding, Region, Screenshot

URL = "https://shop.example/landing"
SIZES: dict[Device, dict[str, tuple[int, int]]] = {
    "desktop": {"fold": (1440, 900), "full": (1440, 5000)},
    "mobile": {"fold": (390, 844), "full": (390, 9000)},
}
DEFAULT_EXCERPT = (
    "Grow faster with Acme. The all-in-one platform for small teams. Start free trial. "
    "Trusted by 2,000 companies. What our customers say: Acme doubled our sign-ups."
)


def device_facts(
    device: Device, *, excerpt: str = DEFAULT_EXCERPT, heading: str = "Grow faster with Acme"
) -> DeviceFacts:
    """Elements at fixed places: hero H1 and CTA above the fold, a form and a testimonial further down."""
    vw, vh = SIZES[device]["fold"]
    doc_h = SIZES[device]["full"][1]
    scale = vw / 1440

    def box(x: float, y: float, w: float, h: float) -> Box:
        return Box(x=x * scale, y=y, w=w * scale, h=h)

    fields = [
        FormField(
            id="field-1",
            box=box(200, 2300, 500, 48),
            visible=True,
            above_fold=False,
            tag="input",
            type="email",
            name="email",
            label="Email",
            required=True,
            autocomplete="email",
        ),
        FormField(
            id="field-2",
            box=box(200, 2380, 500, 48),
            visible=True,
            above_fold=False,
            tag="input",
            type="text",
            name="phone",
            label=None,
            placeholder="Phone",
            required=False,
            autocomplete=None,
        ),
    ]
    return DeviceFacts(
        device=device,
        url=URL,
        status_code=200,
        content_type="text/html",
        headings=[
            Heading(
                id="h-1",
                box=box(120, 200, 900, 80),
                visible=True,
                above_fold=True,
                level=1,
                text=heading,
                font_size_px=48,
            ),
            Heading(
                id="h-2",
                box=box(120, 1400, 700, 50),
                visible=True,
                above_fold=False,
                level=2,
                text="What our customers say",
                font_size_px=32,
            ),
        ],
        ctas=[
            Cta(
                id="cta-1",
                box=box(1200, 20, 160, 44),
                visible=True,
                above_fold=True,
                kind="link_button",
                text="Sign in",
                href="/login",
                in_nav=True,
                contrast_ratio=7.1,
                font_size_px=16,
                font_weight=600,
            ),
            Cta(
                id="cta-2",
                box=box(120, 420, 260, 56),
                visible=True,
                above_fold=True,
                kind="button",
                text="Start free trial",
                href="/signup",
                in_nav=False,
                contrast_ratio=2.1,
                font_size_px=18,
                font_weight=700,
                fg_color="rgb(255, 255, 255)",
                bg_color="rgb(120, 200, 255)",
            ),
        ],
        forms=[
            Form(
                id="form-1",
                box=box(180, 2250, 560, 260),
                visible=True,
                above_fold=False,
                fields=fields,
                submit_text="Request a demo",
            ),
        ],
        images=[
            ImageFact(
                id="img-1",
                box=box(800, 150, 560, 400),
                visible=True,
                above_fold=True,
                src="/hero.png",
                alt=None,
                natural_w=1120,
                natural_h=800,
            ),
        ],
        trust=[
            TrustSignal(
                id="trust-1",
                box=box(120, 1500, 1200, 300),
                visible=True,
                above_fold=False,
                kind="testimonial",
                text="Acme doubled our sign-ups.",
            ),
        ],
        meta=Meta(title="Acme - grow faster", description=None, viewport="width=device-width", lang="en"),
        text=TextStats(
            word_count=640,
            above_fold_word_count=42,
            text_chars=3900,
            small_text_chars=0,
            median_font_px=16,
            excerpt=excerpt,
        ),
        layout=Layout(viewport_w=vw, viewport_h=vh, document_w=vw, document_h=doc_h, horizontal_overflow_px=0),
        metrics=Metrics(
            ttfb_ms=120, fcp_ms=800, lcp_ms=2100, cls=0.02, tbt_ms=40, request_count=42, transfer_bytes=1_400_000
        ),
    )


def make_facts(devices: tuple[Device, ...] = ("desktop", "mobile"), **text: str) -> PageFacts:
    return PageFacts(requested_url=URL, final_url=URL, devices={d: device_facts(d, **text) for d in devices})


@lru_cache(maxsize=8)
def screenshot_png(device: Device, kind: str) -> bytes:
    """A page-like PNG of the real size; cached because encoding 390x9000 pixels is not free."""
    width, height = SIZES[device][kind]
    image = Image.new("RGB", (width, height), (250, 250, 250))
    draw = ImageDraw.Draw(image)
    for index, top in enumerate(range(0, height, 450)):
        shade = 235 if index % 2 else 250
        draw.rectangle((0, top, width, top + 449), fill=(shade, shade, 255 - index % 7 * 10))
    for element in device_facts(device).elements():
        b = element.box
        if b.y < height:
            draw.rectangle((b.x, b.y, b.x + b.w, min(b.y + b.h, height - 1)), outline=(20, 20, 20), fill=(90, 140, 220))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=1)
    return buffer.getvalue()


def make_capture(facts: PageFacts | None = None) -> CaptureResult:
    facts = facts or make_facts()
    shots = []
    for device in facts.devices:
        for kind in ("fold", "full"):
            width, height = SIZES[device][kind]
            ref = Screenshot(name=f"{device}-{kind}.png", device=device, kind=kind, width=width, height=height)
            shots.append(ScreenshotImage(ref=ref, png=screenshot_png(device, kind)))
    return CaptureResult(facts=facts, screenshots=shots, timings_ms={"capture": 1000.0})


def rule_findings() -> list[Finding]:
    """What the rules would say about these facts, for the parts the Claude tests rely on."""
    return [
        Finding(
            id="cta.low_contrast:desktop:cta-2",
            rule="cta.low_contrast",
            category="cta",
            severity="high",
            source="rule",
            title="Call to action has low contrast",
            detail="Contrast 2.1:1 is below 4.5:1.",
            recommendation="Darken the button background.",
            evidence=Evidence(device="desktop", elements=["cta-2"], values={"contrast_ratio": 2.1}),
            region=Region(device="desktop", x=120, y=420, w=260, h=56),
            priority=3.0,
            effort="low",
        ),
        Finding(
            id="form.missing_labels:mobile:form-1",
            rule="form.missing_labels",
            category="forms",
            severity="medium",
            source="rule",
            title="Form fields without labels",
            detail="1 of 2 fields has no label.",
            recommendation="Add a visible label to every field.",
            evidence=Evidence(device="mobile", elements=["field-2"], values={"unlabelled": 1}),
            priority=1.0,
        ),
        Finding(
            id="seo.meta_description_missing",
            rule="seo.meta_description_missing",
            category="content",
            severity="low",
            source="rule",
            title="No meta description",
            detail="The page has no meta description.",
            recommendation="Write a meta description.",
            priority=0.5,
            effort="low",
        ),
    ]
