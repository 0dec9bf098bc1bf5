"""What the facts script, the metrics and axe report on pages whose content we wrote, so every value is known.

tests/pages/capture/facts.html has one element for each case the facts must tell apart (CTA kinds and
dead links, labelled and placeholder-only fields, alt present/empty/missing, trust signals, 10 px text,
a 600 px wide strip that overflows a phone), plus a console error, an uncaught error, a 404 image, a
request the URL policy refuses, a layout shift and a 300 ms long task after load. controls.html has the
controls that are no calls to action (menu toggle, carousel dots, close, skip link, switches, a
disclosure, icon-only links), a pricing card whose CTA is a styled span inside the card's link, links
to "http://", a transparent fixed header over a dark hero, and filler copy.
"""

from __future__ import annotations

import io
from collections.abc import AsyncIterator

import pytest
from PIL import Image as PILImage

from harness.servers import LoopbackServer
from shared.capture.browser import BrowserPool
from shared.capture.page_capture import capture_page
from shared.capture.result import CaptureResult
from shared.models.facts import Control, Cta, DeviceFacts
from shared.netguard.egress import EgressGuard
from tests.support.browser import quick_settings

pytestmark = pytest.mark.browser

BANNER_RGB = (200, 0, 150)


@pytest.fixture(scope="module")
async def facts_page(
    browser_pool: BrowserPool, capture_guard: EgressGuard, hostile_server: LoopbackServer
) -> AsyncIterator[CaptureResult]:
    yield await capture_page(
        hostile_server.url("/capture/facts.html"),
        ("desktop", "mobile"),
        browser=browser_pool,
        guard=capture_guard,
        settings=quick_settings(hostile_server, load_budget_s=5.0, network_quiet_budget_s=2.0),
    )


@pytest.fixture(scope="module")
async def banner_page(
    browser_pool: BrowserPool, capture_guard: EgressGuard, hostile_server: LoopbackServer
) -> AsyncIterator[CaptureResult]:
    yield await capture_page(
        hostile_server.url("/capture/cookie-banner.html"),
        ("desktop", "mobile"),
        browser=browser_pool,
        guard=capture_guard,
        settings=quick_settings(hostile_server),
    )


@pytest.fixture(scope="module")
async def controls_page(
    browser_pool: BrowserPool, capture_guard: EgressGuard, hostile_server: LoopbackServer
) -> AsyncIterator[CaptureResult]:
    yield await capture_page(
        hostile_server.url("/capture/controls.html"),
        ("desktop", "mobile"),
        browser=browser_pool,
        guard=capture_guard,
        settings=quick_settings(hostile_server),
    )


def ctas_by_text(facts: DeviceFacts) -> dict[str, Cta]:
    return {cta.text: cta for cta in facts.ctas}


@pytest.mark.parametrize("device", ["desktop", "mobile"])
def test_ctas(facts_page: CaptureResult, device: str) -> None:
    facts = facts_page.facts.devices[device]  # type: ignore[index]
    ctas = ctas_by_text(facts)
    assert [cta.id for cta in facts.ctas] == [f"cta-{n}" for n in range(1, len(facts.ctas) + 1)]
    assert list(ctas) == [
        "Sign up",
        "Start free trial",
        "Learn more",
        "See pricing",
        "Watch demo",
        "Download on the App Store",
        "Subscribe",
    ], "nav links, the tel: link and the menu toggle are not CTAs"
    assert [(control.kind, control.name) for control in facts.controls] == [("menu_toggle", "Menu")]
    assert ctas["Sign up"].in_nav and not ctas["Start free trial"].in_nav
    assert ctas["Start free trial"].kind == "link_button" and ctas["Start free trial"].above_fold
    assert ctas["Download on the App Store"].kind == "image_link"
    assert ctas["Subscribe"].kind == "submit" and ctas["Subscribe"].in_form
    assert not ctas["Subscribe"].above_fold
    assert ctas["Learn more"].dead_reason == "hash_only"
    assert ctas["See pricing"].dead_reason == "missing_anchor"
    assert ctas["Watch demo"].dead_reason == "javascript_href"
    assert ctas["Start free trial"].dead_reason is None
    assert ctas["Start free trial"].href and ctas["Start free trial"].href.endswith("/trial")
    # White on #0b5ed7 is 5.84:1; #c8c8c8 on #f0f0f0 is 1.47:1 (WCAG 2 relative luminance).
    assert ctas["Start free trial"].bg_color == "rgb(11, 94, 215)"
    assert ctas["Start free trial"].contrast_ratio == pytest.approx(5.84, abs=0.02)
    assert ctas["See pricing"].contrast_ratio == pytest.approx(1.47, abs=0.01)
    assert ctas["Download on the App Store"].contrast_ratio is None
    box = ctas["Start free trial"].box
    assert box.w > 100 and box.h > 30


@pytest.mark.parametrize("device", ["desktop", "mobile"])
def test_controls_are_no_ctas(controls_page: CaptureResult, device: str) -> None:
    facts = controls_page.facts.devices[device]  # type: ignore[index]
    assert list(ctas_by_text(facts)) == [
        "Get started",
        "Start free trial",
        "Install now",
        "Try the beta New",
        "Book a call",
        "Get a quote",
    ]
    controls: list[tuple[str, str]] = [(control.kind, control.name) for control in facts.controls]
    assert controls == [
        ("skip_link", "Skip to content"),
        ("menu_toggle", ""),
        ("close", "Close"),
        ("carousel", ""),
        ("carousel", ""),
        ("carousel", ""),
        ("carousel", "Slide 2"),
        ("switch", ""),
        ("switch", "Yearly"),
        ("disclosure", "How does billing work?"),
        # An icon's own title or label names the link; a bare glyph names nothing.
        ("icon_button", ""),
        ("icon_button", "Acme on Twitter"),
        ("icon_button", "X"),  # a profile on X, not a close button
        ("icon_button", "Cart"),
        ("icon_button", "Share"),
    ]
    assert [control.id for control in facts.controls] == [f"ctl-{n}" for n in range(1, len(controls) + 1)]
    by_kind: dict[str, Control] = {control.kind: control for control in reversed(facts.controls)}
    assert not by_kind["skip_link"].visible, "off-screen until focused"
    dot = by_kind["carousel"]
    assert dot.visible and (dot.box.w, dot.box.h) == (10, 10)
    billing = by_kind["switch"]
    assert billing.visible and (billing.box.w, billing.box.h) == (48, 28), "the hidden checkbox is tapped on its label"


@pytest.mark.parametrize("device", ["desktop", "mobile"])
def test_a_styled_span_inside_a_card_link_is_the_cta(controls_page: CaptureResult, device: str) -> None:
    install = ctas_by_text(controls_page.facts.devices[device])["Install now"]  # type: ignore[index]
    assert install.kind == "link_button" and install.href and install.href.endswith("/install")
    # White on #22c55e, measured on the span, not on the card's dark text over light grey.
    assert (install.fg_color, install.bg_color) == ("rgb(255, 255, 255)", "rgb(34, 197, 94)")
    assert install.contrast_ratio == pytest.approx(2.28, abs=0.01)
    assert install.box.w < 200 and install.box.h < 60, "the span's box, not the 260 px card"
    beta = ctas_by_text(controls_page.facts.devices[device])["Try the beta New"]  # type: ignore[index]
    assert beta.bg_color == "rgb(11, 94, 215)", "measured on the button, not on the badge inside it"


def test_links_to_a_scheme_without_a_host_are_dead(controls_page: CaptureResult) -> None:
    ctas = ctas_by_text(controls_page.facts.devices["desktop"])
    assert ctas["Book a call"].dead_reason == ctas["Get a quote"].dead_reason == "no_host"
    assert ctas["Install now"].dead_reason is None


@pytest.mark.parametrize("device", ["desktop", "mobile"])
def test_a_fixed_header_link_is_measured_on_the_hero_beneath(controls_page: CaptureResult, device: str) -> None:
    header_cta = ctas_by_text(controls_page.facts.devices[device])["Get started"]  # type: ignore[index]
    assert header_cta.bg_color == "rgb(27, 42, 74)", "the navy hero under the transparent header, not white"
    assert header_cta.contrast_ratio is not None and header_cta.contrast_ratio > 10


def test_copy_blocks_leave_out_headings_ctas_and_controls(controls_page: CaptureResult) -> None:
    blocks = controls_page.facts.devices["desktop"].copy_blocks
    texts = [block.text for block in blocks]
    lorem = next(block for block in blocks if block.text.startswith("Lorem ipsum"))
    assert lorem.above_fold and not lorem.in_testimonial and lorem.id.startswith("copy-")
    quote = next(block for block in blocks if block.text.startswith("Quis quorum"))
    assert quote.in_testimonial and not quote.above_fold and quote.text.endswith("Jane Roe")
    assert "Monthly, by card." in texts
    leftovers = [
        text
        for text in texts
        if any(word in text for word in ("Know your", "Install", "$29", "billing work", "Yearly"))
    ]
    assert leftovers == [], "headings, CTAs (the whole card link) and controls have facts of their own"
    assert [block.id for block in blocks] == [f"copy-{n}" for n in range(1, len(blocks) + 1)]


def test_headings_meta_navigation(facts_page: CaptureResult) -> None:
    facts = facts_page.facts.devices["desktop"]
    assert [(h.id, h.level, h.text) for h in facts.headings] == [
        ("h-1", 1, "Know your numbers"),
        ("h-2", 2, "What customers say"),
        ("h-3", 2, "Get started"),
    ]
    assert facts.headings[0].above_fold and not facts.headings[2].above_fold
    assert facts.meta.title == "Acme Analytics – Know your numbers"
    assert facts.meta.description == "Analytics for small shops."
    assert facts.meta.viewport == "width=device-width, initial-scale=1"
    assert facts.meta.lang == "en"
    assert facts.meta.canonical == "https://acme.example/"
    assert facts.navigation.link_count == 4 and facts.navigation.id == "nav-1"
    assert "nav-1" in facts.element_ids()


def test_forms(facts_page: CaptureResult) -> None:
    (form,) = facts_page.facts.devices["desktop"].forms
    assert form.id == "form-1" and form.submit_text == "Subscribe" and not form.in_modal
    fields = {field.id: field for field in form.fields}
    assert list(fields) == [f"field-1-{n}" for n in range(1, 6)], "the hidden input is no field"
    email, company, coupon, size, notes = fields.values()
    assert (email.type, email.label, email.required, email.autocomplete) == ("email", "Work email", True, "email")
    assert (company.label, company.placeholder, company.required) == (None, "Company", False)
    assert (coupon.label, coupon.placeholder, coupon.autocomplete) == (None, None, None)
    assert (size.tag, size.type, size.label) == ("select", "select", "Team size")
    assert (notes.tag, notes.label) == ("textarea", "Anything else?")


def test_images(facts_page: CaptureResult) -> None:
    images = facts_page.facts.devices["desktop"].images
    assert [image.alt for image in images] == [
        "Download on the App Store",
        "SSL secured checkout",
        "",
        None,
        "Broken",
        "",
    ]
    missing_alt = images[3]
    assert (missing_alt.natural_w, missing_alt.natural_h) == (1, 1)
    assert (missing_alt.box.w, missing_alt.box.h) == (300, 300)
    assert missing_alt.loaded
    assert not images[4].loaded, "missing.png answers 404"
    assert not images[5].visible, "a 1x1 tracking pixel is not visible content"


def test_trust_signals(facts_page: CaptureResult) -> None:
    trust = facts_page.facts.devices["desktop"].trust
    assert [signal.id for signal in trust] == [f"trust-{n}" for n in range(1, len(trust) + 1)]
    kinds = [signal.kind for signal in trust]
    assert kinds == ["guarantee", "testimonial", "rating", "review", "guarantee", "security_badge", "contact"]
    assert trust[1].text == "Acme doubled our repeat orders in a month."
    assert trust[-1].text == "+1 555 123 4567"


def test_text_and_layout(facts_page: CaptureResult) -> None:
    desktop = facts_page.facts.devices["desktop"]
    mobile = facts_page.facts.devices["mobile"]
    assert desktop.text.small_text_chars == len("Terms apply. Cancel anytime.")
    assert desktop.text.median_font_px == 16
    assert desktop.text.word_count == mobile.text.word_count > 40
    assert 0 < desktop.text.above_fold_word_count <= desktop.text.word_count
    assert desktop.text.excerpt.startswith("Home")
    assert "Know your numbers" in desktop.text.excerpt
    assert (desktop.layout.viewport_w, desktop.layout.viewport_h) == (1440, 900)
    assert desktop.layout.horizontal_overflow_px == 0
    # body padding 8 + the 600 px strip = 608 px of document on a 390 px phone.
    assert (mobile.layout.viewport_w, mobile.layout.viewport_h) == (390, 844)
    assert mobile.layout.document_w == 608
    assert mobile.layout.horizontal_overflow_px == 608 - 390
    assert desktop.overlays == [] and mobile.overlays == []


def test_metrics(facts_page: CaptureResult) -> None:
    metrics = facts_page.facts.devices["desktop"].metrics
    assert metrics.ttfb_ms is not None and metrics.ttfb_ms > 0
    assert metrics.fcp_ms is not None and metrics.lcp_ms is not None and metrics.lcp_ms >= metrics.fcp_ms
    assert metrics.cls is not None and metrics.cls > 0, "a 60 px block is inserted above the content after load"
    assert metrics.tbt_ms is not None and metrics.tbt_ms >= 200, "a 300 ms task runs after load"
    assert metrics.request_count >= 4
    assert metrics.transfer_bytes > 3000
    assert metrics.dom_nodes > 40
    assert "facts page: deliberate console error" in metrics.console_errors
    assert any("deliberate uncaught error" in error for error in metrics.console_errors)
    failures = {failure.url.rsplit("/", 1)[-1]: failure for failure in metrics.failed_requests}
    assert failures["missing.png"].reason == "404" and not failures["missing.png"].blocked
    assert failures["track.gif"].blocked and failures["track.gif"].resource_type == "image"


def test_axe_names_our_elements(facts_page: CaptureResult) -> None:
    violations = {violation.rule: violation for violation in facts_page.facts.devices["desktop"].a11y}
    assert "img-4" in violations["image-alt"].element_ids
    # axe accepts a placeholder as a label; a field with neither is a violation.
    assert violations["label"].element_ids == ["field-1-3"]
    assert "cta-4" in violations["color-contrast"].element_ids
    assert violations["image-alt"].impact == "critical"
    assert violations["image-alt"].help_url and violations["image-alt"].selectors


def test_screenshots(facts_page: CaptureResult) -> None:
    sizes = {(shot.ref.device, shot.ref.kind): (shot.ref.width, shot.ref.height) for shot in facts_page.screenshots}
    desktop = facts_page.facts.devices["desktop"]
    assert sizes[("desktop", "fold")] == (1440, 900)
    assert sizes[("mobile", "fold")] == (390, 844)
    assert sizes[("desktop", "full")] == (1440, desktop.layout.document_h)
    for shot in facts_page.screenshots:
        assert PILImage.open(io.BytesIO(shot.png)).size == (shot.ref.width, shot.ref.height)
        assert not shot.ref.truncated
    assert {"capture", "capture.desktop.facts", "capture.mobile.full_screenshot"} <= set(facts_page.timings_ms)


def _banner_pixels(png: bytes) -> int:
    image = PILImage.open(io.BytesIO(png)).convert("RGB")
    return sum(count for count, colour in image.getcolors(maxcolors=1 << 20) or [] if colour == BANNER_RGB)


@pytest.mark.parametrize("device", ["desktop", "mobile"])
def test_cookie_banner_measured_then_hidden(banner_page: CaptureResult, device: str) -> None:
    facts = banner_page.facts.devices[device]  # type: ignore[index]
    (overlay,) = facts.overlays
    assert overlay.id == "overlay-1" and overlay.kind == "cookie_banner"
    assert overlay.coverage == pytest.approx(0.45, abs=0.02)
    assert overlay.visible and overlay.above_fold
    assert "We use cookies" in overlay.text
    assert "Accept all" not in [cta.text for cta in facts.ctas if cta.visible], "hidden with the banner"
    assert [cta.text for cta in facts.ctas if cta.above_fold] == ["Start free trial"]
    fold = banner_page.screenshot(device, "fold")  # type: ignore[arg-type]
    full = banner_page.screenshot(device, "full")  # type: ignore[arg-type]
    assert fold is not None and full is not None
    assert _banner_pixels(fold.png) >= 0.4 * fold.ref.width * fold.ref.height
    assert _banner_pixels(full.png) == 0


async def test_newsletter_modal_and_chat_bubble(
    browser_pool: BrowserPool, capture_guard: EgressGuard, hostile_server: LoopbackServer
) -> None:
    result = await capture_page(
        hostile_server.url("/capture/popups.html"),
        ("desktop",),
        browser=browser_pool,
        guard=capture_guard,
        settings=quick_settings(hostile_server),
    )
    facts = result.facts.devices["desktop"]
    overlays = [(overlay.kind, overlay.coverage) for overlay in facts.overlays]
    # The fixed navigation bar and the hero's tint layer are page design, not overlays.
    assert [kind for kind, _ in overlays] == ["newsletter", "chat"]
    assert overlays[0][1] == pytest.approx(0.36, abs=0.01)
    assert overlays[1][1] == pytest.approx(60 * 60 / (1440 * 900), abs=0.001)
    (form,) = facts.forms
    assert form.in_modal and not form.visible
    assert [h.text for h in facts.headings if h.visible] == ["Fresh coffee, every morning"]
    full = result.screenshot("desktop", "full")
    assert full is not None and full.ref.height == facts.layout.document_h > 2000, "the whole page, scroll lock or not"


@pytest.fixture(scope="module")
async def fixture_pages(
    browser_pool: BrowserPool, capture_guard: EgressGuard, hostile_server: LoopbackServer
) -> AsyncIterator[dict[str, CaptureResult]]:
    """tests/pages/capture/first-view.html, header-hero.html and fields.html, on both devices."""
    pages = {}
    for name in ("first-view", "header-hero", "fields"):
        pages[name] = await capture_page(
            hostile_server.url(f"/capture/{name}.html"),
            ("desktop", "mobile"),
            browser=browser_pool,
            guard=capture_guard,
            settings=quick_settings(hostile_server),
        )
    yield pages


@pytest.mark.parametrize("device", ["desktop", "mobile"])
def test_first_view(fixture_pages: dict[str, CaptureResult], device: str) -> None:
    facts = fixture_pages["first-view"].facts.devices[device]  # type: ignore[index]
    view = facts.first_view
    assert view.logo is not None and (view.logo.id, view.logo.text) == ("logo-1", "Siimple")
    # The logo <h1> names the site; the largest text, a <div>, is the headline candidate. The 64 px link,
    # the hidden 90 px slide, the aria-hidden watermark and everything below the fold are no candidates.
    (logo_h1,) = [heading for heading in facts.headings if heading.level == 1]
    assert logo_h1.brand and logo_h1.text == "Siimple"
    assert not next(heading for heading in facts.headings if heading.text == "Our work").brand
    assert [(block.tag, block.level, block.text) for block in view.text_blocks] == [
        ("div", None, "Welcome to Siimple"),
        ("p", None, "We design and build websites for small shops. Plans from $9.00 a month."),
        ("element", None, "Free first call"),
        ("div", None, "DESIGN STUDIO"),
    ]
    headline = view.text_blocks[0]
    assert (headline.id, headline.font_size_px, headline.font_weight) == ("text-1", 60, 700)
    assert headline.above_fold and headline.box.y == pytest.approx(145, abs=2)
    assert [(price.id, price.text) for price in view.prices] == [("price-1", "$9.00")], "first view only"
    assert facts.meta.site_name == "Siimple Studio"
    assert {"logo-1", "text-1", "price-1"} <= facts.element_ids()


@pytest.mark.parametrize("device", ["desktop", "mobile"])
def test_a_header_holding_the_hero_is_content(fixture_pages: dict[str, CaptureResult], device: str) -> None:
    facts = fixture_pages["header-hero"].facts.devices[device]  # type: ignore[index]
    (h1,) = facts.headings
    assert h1.text == "Bookkeeping for freelancers" and not h1.brand
    assert facts.first_view.text_blocks[0].text == "Bookkeeping for freelancers"
    assert facts.first_view.logo is not None and facts.first_view.logo.text == "Ledgerly"
    assert "Ledgerly" not in [block.text for block in facts.first_view.text_blocks], "the logo is no candidate"


@pytest.mark.parametrize("device", ["desktop", "mobile"])
def test_fields_outside_forms(fixture_pages: dict[str, CaptureResult], device: str) -> None:
    facts = fixture_pages["fields"].facts.devices[device]  # type: ignore[index]
    contact, booking, popup, newsletter = facts.forms
    assert (contact.id, contact.formless, [field.id for field in contact.fields]) == ("form-1", False, ["field-1-1"])
    # The hidden menu checkbox, the search box beside a menu toggle and the sort select with no control
    # near it are in no group.
    assert (booking.id, booking.formless, booking.submit_text) == ("formless-1", True, "Book a table")
    assert [(field.id, field.type, field.label) for field in booking.fields] == [
        ("field-formless-1-1", "num", "Guests"),
        ("field-formless-1-2", "datetime", "When"),
    ], "the type as written, not as the browser normalises it"
    assert (popup.id, popup.submit_text, popup.in_modal, popup.visible) == ("formless-2", "Get 10% off", True, False)
    assert [field.id for field in popup.fields] == ["field-formless-2-1"]
    assert (newsletter.id, newsletter.submit_text) == ("formless-3", "Subscribe"), "type=button submits here"
    (email,) = newsletter.fields
    assert (email.type, email.label, email.placeholder) == ("text", None, "Your email")
    # The group spans its fields and its control, not the whole footer.
    assert newsletter.box.h < 60 and newsletter.box.y >= email.box.y - 1
    assert newsletter.visible and not newsletter.in_modal
    assert {"formless-1", "field-formless-1-2", "formless-3"} <= facts.element_ids()
