"""The rules on facts shaped like the corpus pages (tests/corpus/README.md), built by hand.

These pin the verdicts the README's facts call for without a browser; the same pages captured by
Chromium are checked in tests/test_rules_corpus_capture.py once capture is available.
"""

from __future__ import annotations

from shared.models.facts import Meta, PageFacts
from shared.models.report import Finding
from shared.rules import evaluate
from tests.support.facts_builders import both, cta, field, first_view, form, heading, text_block, trust

EMPTY_DESCRIPTION = Meta(title="Start Bootstrap", description="", viewport="width=device-width, initial-scale=1")


def rules_of(facts: PageFacts) -> dict[str, Finding]:
    return {finding.id: finding for finding in evaluate(facts)}


def agency() -> PageFacts:
    fields = [
        field("field-1", "text", name="name", label=None, placeholder="Your Name *", autocomplete=None, y=4200),
        field("field-2", "email", name="email", label=None, placeholder="Your Email *", autocomplete=None, y=4260),
        field("field-3", "tel", name="phone", label=None, placeholder="Your Phone *", autocomplete=None, y=4320),
        field("field-4", "textarea", tag="textarea", name="message", label=None, placeholder="Your Message *"),
    ]
    hero = (
        text_block("text-1", "IT'S NICE TO MEET YOU", tag="div", level=None, y=340, font_size_px=72),
        text_block("text-2", "Welcome To Our Studio!", tag="div", level=None, y=272, font_size_px=36),
    )
    return both(
        headings=[heading("heading-1", "Services", level=2, y=1100, above_fold=False)],
        # The navbar logo is an image whose alt is "...".
        first_view=first_view(*hero, logo_text=""),
        ctas=[cta("cta-1", "Tell Me More", y=476)],
        forms=[form("form-1", fields, submit_text="Send Message", y=4100)],
        trust=[trust("trust-1", "client_logos", "4 client logos")],
        meta=EMPTY_DESCRIPTION,
    )


def test_agency() -> None:
    found = rules_of(agency())
    assert found["content.h1_missing:all"].detail.endswith(
        'the headline a visitor sees is a <div>, "IT\'S NICE TO MEET YOU".'
    )
    value_prop = found["content.value_prop_unclear:all"]
    assert value_prop.evidence.values["reasons"] == ["headline_is_greeting"]
    assert value_prop.evidence.elements == ["text-1"]
    labels = found["form.missing_labels:all"]
    assert labels.severity == "high" and labels.evidence.values["placeholder_only"] == 4
    assert "cta.missing_above_fold:all" not in found
    assert not any(rule.startswith("trust.") for rule in found)
    assert found["cta.generic_text:all"].evidence.elements == ["cta-1"]
    assert "seo.meta_description_missing:all" in found


def test_one_page_wonder_has_no_form_findings() -> None:
    facts = both(
        headings=[heading("heading-1", "One Page Wonder")],
        first_view=first_view(text_block(text="One Page Wonder", font_size_px=96), logo_text="START BOOTSTRAP"),
        ctas=[cta("cta-1", "Learn More", y=520)],
        forms=[],
        trust=[],
        meta=EMPTY_DESCRIPTION,
    )
    found = rules_of(facts)
    assert not [finding for finding in found.values() if finding.category == "forms"]
    assert found["cta.generic_text:all"].severity == "medium"
    assert "content.value_prop_unclear:all" not in found


def test_landing_page_has_its_cta_above_the_fold() -> None:
    hero_form = form("form-1", [field("field-1", name="emailAddress", label=None, placeholder="Email Address")], y=380)
    facts = both(
        headings=[heading("heading-1", "Generate more leads with a professional landing page!")],
        ctas=[
            cta("cta-1", "Sign Up", in_nav=True, y=12),
            cta("cta-2", "Submit", kind="submit", in_form=True, href=None, y=420),
        ],
        forms=[hero_form, form("form-2", [field("field-2", name="emailAddress", label=None)], y=3800)],
        trust=[trust("trust-1", "testimonial")],
        meta=EMPTY_DESCRIPTION,
    )
    found = rules_of(facts)
    assert not any(rule.startswith("cta.missing_above_fold") for rule in found)
    assert found["cta.generic_text:all"].evidence.elements == ["cta-2"]


def test_new_age_store_badges_are_ctas() -> None:
    badges = [
        cta("cta-2", "Get it on Google Play", kind="image_link", contrast_ratio=None, y=520),
        cta("cta-3", "Download on the App Store", kind="image_link", contrast_ratio=None, x=240, y=520),
    ]
    feedback = [
        field(f"field-{n}", "text", name=name, label=name.title(), autocomplete=None)
        for n, name in enumerate(("name", "email", "phone", "message"), 1)
    ]
    facts = both(
        headings=[heading("heading-1", "Showcase your app beautifully.")],
        ctas=[cta("cta-1", "Send Feedback", in_nav=True, y=12), *badges],
        forms=[form("form-1", feedback, in_modal=True)],
        meta=EMPTY_DESCRIPTION,
    )
    found = rules_of(facts)
    assert not any(rule.startswith("cta.missing_above_fold") for rule in found)
    assert not any(rule.startswith("cta.too_many_above_fold") for rule in found)
    assert "form.autocomplete_missing:all" in found  # the modal form is still a form


def test_shop_homepage_add_to_cart_links_are_dead() -> None:
    carts = [
        cta(f"cta-{n}", "Add to cart", y=1100 + 40 * n, above_fold=False, href="#", dead_reason="hash_only")
        for n in range(2, 10)
    ]
    facts = both(
        headings=[heading("heading-1", "Shop in style")],
        ctas=[cta("cta-1", "Cart 0", in_nav=True, kind="button", href=None, y=12), *carts],
        forms=[],
        trust=[trust("trust-1", "rating", "5 stars")],
        meta=EMPTY_DESCRIPTION,
    )
    found = rules_of(facts)
    dead = found["cta.dead_link:all"]
    assert dead.evidence.elements == [f"cta-{n}" for n in range(2, 10)]
    assert dead.severity == "medium"
    # only the nav's cart button is in the first view (fold heights differ, so one finding per device)
    assert {"cta.missing_above_fold:desktop", "cta.missing_above_fold:mobile"} <= found.keys()
