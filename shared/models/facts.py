"""What capture measured on a page, per device: the only input of the rules and of Claude's grounding.

Coordinates are CSS pixels from the top-left of the document (not of the viewport). Every element
carries an `id` that is stable for the same DOM (`<kind>-<n>`, numbered in document order), so a
finding can cite it and the report can draw it; the same page captured twice gives the same ids.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from shared.models.speed import FieldData, MeasurementConditions

Device = Literal["desktop", "mobile"]
DEVICES: tuple[Device, ...] = ("desktop", "mobile")


class FactModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Box(FactModel):
    x: float
    y: float
    w: float = Field(ge=0)
    h: float = Field(ge=0)


class Element(FactModel):
    """Common to everything a finding can cite."""

    id: str
    box: Box
    visible: bool = Field(
        description="Rendered with a non-zero box, not hidden; content a reveal-on-scroll animation holds at "
        "opacity 0 counts as visible (see `transparent`)."
    )
    transparent: bool = Field(
        False, description="Visible but at opacity 0 when measured: a reveal animation had not shown it yet."
    )
    above_fold: bool = Field(description="Visible and its top edge is inside the first viewport.")


class Heading(Element):
    level: int = Field(ge=1, le=6)
    text: str
    font_size_px: float | None = None
    brand: bool = Field(
        False, description="In the site's logo, header bar or navigation: it names the site, it heads no content."
    )


class TextBlock(Element):
    """A block of text in the first view, outside the site's logo, header bar and navigation: a headline
    candidate, whatever its tag (a hero headline is often a styled <div>)."""

    tag: str = Field(
        max_length=20, description="Lower-case tag name ('h1', 'div', 'p', ...); 'element' for custom elements."
    )
    level: int | None = Field(None, ge=1, le=6, description="Heading level, when the block is a heading.")
    text: str
    font_size_px: float = Field(ge=0, description="Its largest rendered text.")
    font_weight: int | None = None


class Logo(Element):
    text: str = Field(description="Its text, else its image's alt or label; '' when none of them says anything.")


class Price(Element):
    text: str


class FirstView(FactModel):
    """What a visitor sees before scrolling that says what is on offer."""

    logo: Logo | None = Field(None, description="The site's logo, in the header or navigation or near the top.")
    text_blocks: list[TextBlock] = Field(
        default_factory=list, description="The largest text blocks of the first view, largest first (a few)."
    )
    prices: list[Price] = Field(default_factory=list, description="Prices shown in the first view.")


class Cta(Element):
    """Something that asks the visitor to act: a button, a button-styled link, a submit, an image link.

    A link or button whose own box does not look like a button but holds one that does (a pricing card's
    link around a styled "Install now" span) is measured on that inner button: box, text and colours.
    """

    kind: Literal["button", "link_button", "submit", "image_link"]
    text: str = Field(description="Visible text, else aria-label, else the image's alt.")
    href: str | None = None
    dead_reason: Literal["empty_href", "hash_only", "javascript_href", "missing_anchor", "no_host"] | None = None
    in_nav: bool = Field(description="Inside <nav> or the page header's navigation.")
    in_form: bool = False
    fg_color: str | None = Field(None, description="Computed text colour, rgb()/rgba().")
    bg_color: str | None = Field(None, description="Effective background (first opaque ancestor), or None if an image.")
    contrast_ratio: float | None = Field(None, description="WCAG ratio of fg over bg, when both are known.")
    font_size_px: float | None = None
    font_weight: int | None = None


# Every input type HTML defines; browsers render any other as a plain text field.
INPUT_TYPES = frozenset(
    {
        "button",
        "checkbox",
        "color",
        "date",
        "datetime-local",
        "email",
        "file",
        "hidden",
        "image",
        "month",
        "number",
        "password",
        "radio",
        "range",
        "reset",
        "search",
        "submit",
        "tel",
        "text",
        "time",
        "url",
        "week",
    }
)


ControlKind = Literal["menu_toggle", "carousel", "close", "skip_link", "switch", "disclosure", "icon_button", "other"]


class Control(Element):
    """Something that operates the page instead of asking the visitor to act: a menu toggle, carousel dots
    and arrows, a close button, a skip link, a switch, an accordion/tab/dropdown toggle, or an icon-only
    button or link. Never a CTA; it still counts as a tap target and needs an accessible name."""

    kind: ControlKind
    name: str = Field(
        description="Accessible name (aria-labelledby, aria-label, text, an inner icon's label, title or alt, "
        "a <label>, its title); '' when it has none."
    )


class FormField(Element):
    tag: Literal["input", "select", "textarea"]
    type: str = Field(
        description="Input type attribute as written (lower case; one not in INPUT_TYPES, such as 'num', is kept "
        "although browsers render a text field), 'text' when absent, 'select' or 'textarea'. Page-authored "
        "unless in INPUT_TYPES."
    )
    name: str | None = None
    label: str | None = Field(
        None, description="Accessible label: <label>, aria-label(ledby) or title. Never the placeholder."
    )
    placeholder: str | None = None
    required: bool = False
    autocomplete: str | None = None


class Form(Element):
    fields: list[FormField] = Field(description="Fields a visitor fills in: no hidden, submit or button inputs.")
    submit_text: str | None = None
    in_modal: bool = Field(False, description="Inside a dialog/modal that is closed on load.")
    formless: bool = Field(
        False,
        description="Not a <form>: fields outside any form, grouped with the nearest submit-like control "
        "(id 'formless-<n>').",
    )


class Image(Element):
    src: str
    alt: str | None = Field(description="None when the alt attribute is absent; '' marks a decorative image.")
    decorative: bool = Field(False, description="role=presentation/none or aria-hidden.")
    natural_w: int = 0
    natural_h: int = 0
    loaded: bool = True


TrustKind = Literal["testimonial", "rating", "review", "client_logos", "guarantee", "security_badge", "contact"]


class TrustSignal(Element):
    kind: TrustKind
    text: str = Field(description="Short excerpt or the matched label, for evidence.")


class CopyBlock(Element):
    """A block of visible copy (paragraph, list item, quote, caption, cell, ...) outside headings, calls to
    action, controls and form labels: its own text, clipped; untrusted page content."""

    text: str
    in_testimonial: bool = Field(False, description="Inside an element the trust facts call a testimonial.")


class Navigation(FactModel):
    link_count: int = Field(description="Links inside the primary navigation.")
    id: str | None = None


class Meta(FactModel):
    title: str | None = None
    description: str | None = None
    viewport: str | None = None
    lang: str | None = None
    canonical: str | None = None
    site_name: str | None = Field(None, description="og:site_name, else application-name.")


class TextStats(FactModel):
    word_count: int
    above_fold_word_count: int
    text_chars: int = Field(description="Characters of visible text.")
    small_text_chars: int = Field(description="Visible characters set below 12 CSS px (Lighthouse's legibility line).")
    median_font_px: float | None = None
    excerpt: str = Field("", description="Visible text in reading order, truncated; untrusted page content.")


OverlayKind = Literal["cookie_banner", "modal", "chat", "newsletter", "preloader", "other"]
OverlayPosition = Literal["full", "top", "bottom", "center", "corner"]


class Overlay(Element):
    kind: OverlayKind = Field(description="'preloader': a loading screen that had not gone when the page was measured.")
    coverage: float = Field(ge=0, le=1, description="Share of the first viewport it covers.")
    position: OverlayPosition = Field(
        "center", description="Where it sits: 'full' (90%+), a bar at the 'top' or 'bottom', a 'corner' box, 'center'."
    )
    dismissible: bool = Field(False, description="It holds a visible control (close, accept, reject, a link).")
    late: bool = Field(False, description="Not there at the first-view screenshot: it appeared afterwards.")
    text: str = ""


class Layout(FactModel):
    viewport_w: int
    viewport_h: int
    document_w: int = Field(description="scrollWidth of the document, CSS px.")
    document_h: int
    horizontal_overflow_px: int = Field(
        ge=0, description="Document width beyond the device width (not innerWidth: mobile widens its layout viewport)."
    )


class FailedRequest(FactModel):
    url: str
    resource_type: str
    reason: str = Field(description="HTTP status (e.g. '404') or the network error text.")
    blocked: bool = Field(False, description="Refused by the URL policy rather than failed by the network.")


class Metrics(FactModel):
    ttfb_ms: float | None = None
    fcp_ms: float | None = None
    lcp_ms: float | None = None
    cls: float | None = None
    tbt_ms: float | None = Field(None, description="Sum of long-task time beyond 50 ms after FCP.")
    request_count: int = 0
    transfer_bytes: int = 0
    dom_nodes: int = 0
    console_errors: list[str] = Field(default_factory=list)
    failed_requests: list[FailedRequest] = Field(default_factory=list)
    conditions: MeasurementConditions = Field(
        MeasurementConditions(), description="The network and CPU the timings above were measured under."
    )


class AxeViolation(FactModel):
    rule: str = Field(description="axe-core rule id, e.g. 'color-contrast'.")
    impact: Literal["minor", "moderate", "serious", "critical"] | None = None
    help: str
    help_url: str | None = None
    node_count: int
    element_ids: list[str] = Field(default_factory=list, description="Our ids of the nodes, where they map.")
    selectors: list[str] = Field(default_factory=list, description="axe's target selectors, first few.")


class PageBehaviour(FactModel):
    """What the page tried while it was measured read-only, and what capture did about it."""

    dialogs_dismissed: int = Field(0, description="alert/confirm/prompt dialogs answered with 'cancel'.")
    popups_closed: int = Field(0, description="Windows the page opened, closed at once.")
    blocked_navigations: list[str] = Field(
        default_factory=list, description="URLs the page tried to navigate to after load; the loaded document stayed."
    )
    scripts_stopped: bool = Field(False, description="The page's JavaScript did not answer in time and was stopped.")


QualityReason = Literal["blank_fold", "own_requests_failed"]


class CaptureQuality(FactModel):
    """Whether the capture itself went right: a blank first view or a page whose own files did not arrive
    says more about the capture than about the page, and rules that would read absence into it hold back."""

    status: Literal["ok", "degraded"] = "ok"
    reasons: list[QualityReason] = Field(
        default_factory=list,
        description="blank_fold: the first-view screenshot is (nearly) one colour; own_requests_failed: too many "
        "of the page's own-origin requests failed at the network level.",
    )
    own_requests: int = Field(0, description="Requests to the page's own origin.")
    own_requests_failed: int = Field(0, description="Of those, failed at the network level (no HTTP answer).")
    fold_uniform_share: float | None = Field(
        None, ge=0, le=1, description="Share of the first-view screenshot in its most common colour."
    )
    retried: bool = Field(False, description="The first capture was degraded and this is a fresh second one.")


class DeviceFacts(FactModel):
    device: Device
    url: str = Field(description="Final URL after redirects.")
    status_code: int | None = None
    content_type: str | None = None
    headings: list[Heading] = Field(default_factory=list)
    first_view: FirstView = FirstView()
    ctas: list[Cta] = Field(default_factory=list)
    controls: list[Control] = Field(default_factory=list)
    forms: list[Form] = Field(default_factory=list)
    images: list[Image] = Field(default_factory=list)
    trust: list[TrustSignal] = Field(default_factory=list)
    copy_blocks: list[CopyBlock] = Field(default_factory=list)
    navigation: Navigation = Navigation(link_count=0)
    meta: Meta = Meta()
    text: TextStats
    overlays: list[Overlay] = Field(default_factory=list)
    layout: Layout
    metrics: Metrics = Metrics()
    field: FieldData = Field(
        FieldData(reason="not looked up"), description="Real visitors' speed on this form factor (Chrome UX Report)."
    )
    a11y: list[AxeViolation] = Field(default_factory=list)
    timed_out: list[str] = Field(
        default_factory=list, description="Waits that hit their budget: 'load', 'network_quiet', 'axe', ..."
    )
    truncated: bool = Field(False, description="The full-page screenshot was cut at the height cap.")
    behaviour: PageBehaviour = PageBehaviour()
    quality: CaptureQuality = CaptureQuality()

    def elements(self) -> Iterator[Element]:
        """Every element a finding may cite on this device, form fields included."""
        for group in (
            self.headings,
            self.ctas,
            self.controls,
            self.forms,
            self.images,
            self.trust,
            self.copy_blocks,
            self.overlays,
        ):
            yield from group
        if self.first_view.logo:
            yield self.first_view.logo
        yield from self.first_view.text_blocks
        yield from self.first_view.prices
        for form in self.forms:
            yield from form.fields

    def element_ids(self) -> set[str]:
        ids = {element.id for element in self.elements()}
        if self.navigation.id:
            ids.add(self.navigation.id)
        return ids

    def find_box(self, element_id: str) -> Box | None:
        return next((element.box for element in self.elements() if element.id == element_id), None)


class PageFacts(FactModel):
    requested_url: str
    final_url: str
    devices: dict[Device, DeviceFacts]
