"""Small builders of `PageFacts` for the rule and scoring tests (pure Python, no browser).

Every builder's defaults describe a *clean* page: a clear H1 and a good CTA in the first view, a named
carousel arrow, a short labelled form, a testimonial, real copy, fast metrics, HTTPS, full meta.
`evaluate(clean_page())` finds nothing, so a test changes one fact and sees exactly the rule that should
fire. Import it; it registers nothing.
"""

from __future__ import annotations

from typing import Any

from shared.models.facts import (
    AxeViolation,
    Box,
    Control,
    CopyBlock,
    Cta,
    Device,
    DeviceFacts,
    FailedRequest,
    FirstView,
    Form,
    FormField,
    Heading,
    Image,
    Layout,
    Logo,
    Meta,
    Metrics,
    Navigation,
    Overlay,
    PageFacts,
    Price,
    TextBlock,
    TextStats,
    TrustSignal,
)
from shared.models.report import Finding
from shared.rules import evaluate
from shared.rules.catalogue import CATALOGUE
from shared.rules.spec import Hit

VIEWPORTS: dict[Device, tuple[int, int]] = {"desktop": (1440, 900), "mobile": (390, 844)}
URL = "https://shop.example/"


def box(x: float = 20, y: float = 300, w: float = 200, h: float = 48) -> Box:
    return Box(x=x, y=y, w=w, h=h)


def heading(
    id: str = "heading-1",
    text: str = "Grow your leads with one simple landing page",
    *,
    level: int = 1,
    y: float = 150,
    above_fold: bool = True,
    visible: bool = True,
    font_size_px: float | None = 48,
) -> Heading:
    return Heading(
        id=id,
        text=text,
        level=level,
        box=box(y=y, w=340, h=60),
        visible=visible,
        above_fold=above_fold and visible,
        font_size_px=font_size_px,
    )


def text_block(
    id: str = "text-1",
    text: str = "Grow your leads with one simple landing page",
    *,
    tag: str = "h1",
    level: int | None = 1,
    y: float = 150,
    h: float = 60,
    font_size_px: float = 48,
    font_weight: int | None = 700,
    visible: bool = True,
) -> TextBlock:
    return TextBlock(
        id=id,
        text=text,
        tag=tag,
        level=level,
        box=box(y=y, w=340, h=h),
        visible=visible,
        above_fold=visible,
        font_size_px=font_size_px,
        font_weight=font_weight,
    )


def logo(id: str = "logo-1", text: str = "Acme") -> Logo:
    return Logo(id=id, text=text, box=box(y=16, w=120, h=32), visible=True, above_fold=True)


def price(id: str = "price-1", text: str = "$49.00", *, y: float = 230) -> Price:
    return Price(id=id, text=text, box=box(y=y, w=90, h=30), visible=True, above_fold=True)


def first_view(*blocks: TextBlock, logo_text: str | None = "Acme", prices: tuple[Price, ...] = ()) -> FirstView:
    """The first view's logo, text blocks (largest first, as capture lists them) and prices."""
    return FirstView(
        logo=logo(text=logo_text) if logo_text is not None else None, text_blocks=list(blocks), prices=list(prices)
    )


def cta(
    id: str = "cta-1",
    text: str = "Start my free trial",
    *,
    kind: str = "link_button",
    x: float = 20,
    y: float = 300,
    w: float = 200,
    h: float = 48,
    above_fold: bool = True,
    visible: bool = True,
    in_nav: bool = False,
    in_form: bool = False,
    href: str | None = "/signup",
    dead_reason: str | None = None,
    contrast_ratio: float | None = 7.0,
    font_size_px: float | None = 18,
    font_weight: int | None = 600,
) -> Cta:
    return Cta(
        id=id,
        text=text,
        kind=kind,  # type: ignore[arg-type]
        box=box(x=x, y=y, w=w, h=h),
        visible=visible,
        above_fold=above_fold and visible,
        in_nav=in_nav,
        in_form=in_form,
        href=href,
        dead_reason=dead_reason,  # type: ignore[arg-type]
        fg_color="rgb(255, 255, 255)",
        bg_color="rgb(0, 90, 200)",
        contrast_ratio=contrast_ratio,
        font_size_px=font_size_px,
        font_weight=font_weight,
    )


def control(
    id: str = "ctl-1",
    kind: str = "carousel",
    name: str = "Next slide",
    *,
    x: float = 20,
    y: float = 1400,
    w: float = 32,
    h: float = 32,
    visible: bool = True,
) -> Control:
    return Control(
        id=id,
        kind=kind,  # type: ignore[arg-type]
        name=name,
        box=box(x=x, y=y, w=w, h=h),
        visible=visible,
        above_fold=visible and y < 800,
    )


def copy_block(
    id: str = "copy-1",
    text: str = "Ledgerly files your receipts the moment you snap them.",
    *,
    y: float = 1100,
    above_fold: bool = False,
    in_testimonial: bool = False,
    visible: bool = True,
) -> CopyBlock:
    return CopyBlock(
        id=id,
        text=text,
        box=box(y=y, w=600, h=72),
        visible=visible,
        above_fold=above_fold and visible,
        in_testimonial=in_testimonial,
    )


def field(
    id: str = "field-1",
    type: str = "email",
    *,
    tag: str = "input",
    name: str | None = "email",
    label: str | None = "Email",
    placeholder: str | None = None,
    autocomplete: str | None = "email",
    required: bool = True,
    y: float = 600,
) -> FormField:
    return FormField(
        id=id,
        tag=tag,  # type: ignore[arg-type]
        type=type,
        name=name,
        label=label,
        placeholder=placeholder,
        autocomplete=autocomplete,
        required=required,
        box=box(y=y, w=300, h=40),
        visible=True,
        above_fold=False,
    )


def form(
    id: str = "form-1",
    fields: list[FormField] | None = None,
    *,
    submit_text: str | None = "Get my guide",
    in_modal: bool = False,
    y: float = 580,
) -> Form:
    return Form(
        id=id,
        fields=[field()] if fields is None else fields,
        submit_text=submit_text,
        in_modal=in_modal,
        box=box(y=y, w=340, h=200),
        visible=not in_modal,
        above_fold=False,
    )


def image(
    id: str = "image-1",
    src: str = "https://shop.example/img/team.jpg",
    *,
    alt: str | None = "Our team at work",
    decorative: bool = False,
    visible: bool = True,
    y: float = 900,
) -> Image:
    return Image(
        id=id,
        src=src,
        alt=alt,
        decorative=decorative,
        box=box(y=y, w=300, h=200),
        visible=visible,
        above_fold=False,
        natural_w=600,
        natural_h=400,
    )


def trust(id: str = "trust-1", kind: str = "testimonial", text: str = "They doubled our sign-ups") -> TrustSignal:
    return TrustSignal(id=id, kind=kind, text=text, box=box(y=1200, w=340, h=120), visible=True, above_fold=False)  # type: ignore[arg-type]


def overlay(
    id: str = "overlay-1",
    kind: str = "modal",
    coverage: float = 0.6,
    *,
    position: str = "center",
    dismissible: bool = True,
    late: bool = False,
) -> Overlay:
    return Overlay(
        id=id,
        kind=kind,  # type: ignore[arg-type]
        coverage=coverage,
        position=position,  # type: ignore[arg-type]
        dismissible=dismissible,
        late=late,
        box=box(x=0, y=0, w=300, h=400),
        visible=True,
        above_fold=True,
    )


def axe(rule: str, node_count: int, element_ids: list[str] | None = None) -> AxeViolation:
    return AxeViolation(
        rule=rule,
        impact="serious",
        help=f"axe rule {rule}",
        node_count=node_count,
        element_ids=element_ids or [],
        selectors=[f".node-{n}" for n in range(node_count)][:3],
    )


def failed(url: str, resource_type: str = "image", reason: str = "404", *, blocked: bool = False) -> FailedRequest:
    return FailedRequest(url=url, resource_type=resource_type, reason=reason, blocked=blocked)


def metrics(**overrides: Any) -> Metrics:
    values: dict[str, Any] = {
        "ttfb_ms": 120,
        "fcp_ms": 700,
        "lcp_ms": 1100,
        "cls": 0.01,
        "tbt_ms": 40,
        "request_count": 24,
        "transfer_bytes": 600 * 1024,
        "dom_nodes": 500,
    }
    return Metrics(**{**values, **overrides})


def device(name: Device = "desktop", **overrides: Any) -> DeviceFacts:
    """A clean device; any DeviceFacts field can be overridden (`ctas=[...]`, `meta=Meta(...)`, ...)."""
    width, height = VIEWPORTS[name]
    values: dict[str, Any] = {
        "device": name,
        "url": URL,
        "status_code": 200,
        "content_type": "text/html",
        "headings": [heading(), heading("heading-2", "Why teams choose us", level=2, y=1000, above_fold=False)],
        "first_view": first_view(
            text_block(),
            text_block(
                "text-2", "Landing pages that convert", tag="p", level=None, y=220, font_size_px=20, font_weight=400
            ),
        ),
        "ctas": [cta()],
        "controls": [control()],
        "forms": [form()],
        "images": [image()],
        "trust": [trust()],
        "copy_blocks": [copy_block()],
        "navigation": Navigation(link_count=5, id="nav-1"),
        "meta": Meta(
            title="Landing pages that convert | Acme",
            description="Build a landing page in minutes and turn visitors into leads.",
            viewport="width=device-width, initial-scale=1",
            lang="en",
        ),
        "text": TextStats(
            word_count=420,
            above_fold_word_count=40,
            text_chars=2600,
            small_text_chars=120,
            median_font_px=16,
        ),
        "layout": Layout(
            viewport_w=width, viewport_h=height, document_w=width, document_h=3200, horizontal_overflow_px=0
        ),
        "metrics": metrics(),
    }
    return DeviceFacts(**{**values, **overrides})


def page(*devices: DeviceFacts, url: str = URL) -> PageFacts:
    return PageFacts(requested_url=url, final_url=url, devices={facts.device: facts for facts in devices})


def clean_page() -> PageFacts:
    return page(device("desktop"), device("mobile"))


def both(**overrides: Any) -> PageFacts:
    """The same override on desktop and mobile."""
    return page(device("desktop", **overrides), device("mobile", **overrides))


def findings_for(rule_id: str, facts: PageFacts) -> list[Finding]:
    return [finding for finding in evaluate(facts) if finding.rule == rule_id]


def hit(rule_id: str, facts: DeviceFacts) -> Hit | None:
    """One rule's raw check on one device."""
    item = next(item for item in CATALOGUE if item.spec.id == rule_id)
    return item.run(facts)


def finding(
    rule_id: str = "cta.generic_text",
    *,
    category: str = "cta",
    severity: str = "medium",
    effort: str = "low",
    confidence: float = 1.0,
    device: Device | None = "desktop",
    source: str = "rule",
    id: str | None = None,
) -> Finding:
    """A finding built by hand, for scoring and ranking tests that need exact severities and efforts."""
    return Finding(
        id=id or f"{rule_id}:{device or 'all'}",
        rule=rule_id,
        category=category,  # type: ignore[arg-type]
        severity=severity,  # type: ignore[arg-type]
        source=source,  # type: ignore[arg-type]
        title=rule_id,
        detail=rule_id,
        recommendation=rule_id,
        confidence=confidence,
        effort=effort,  # type: ignore[arg-type]
    )
