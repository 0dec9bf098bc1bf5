"""Content (headings, value proposition, placeholder copy), SEO snippet and trust rules."""

from __future__ import annotations

import pytest

from shared.models.facts import DeviceFacts, Meta
from shared.rules.placeholder_text import placeholder_alt, placeholder_kind
from tests.support.facts_builders import (
    both,
    box,
    copy_block,
    cta,
    device,
    findings_for,
    first_view,
    heading,
    hit,
    image,
    page,
    price,
    text_block,
    trust,
)

CLEAN_META = device().meta


NO_H1_HEADLINE = first_view(text_block(text="Welcome to our studio", tag="div", level=None, font_size_px=40))


class TestH1:
    def test_no_h1_names_the_headline_a_visitor_sees(self) -> None:
        headings = [heading("heading-1", "Our work", level=2, y=1200, above_fold=False)]
        (finding,) = findings_for("content.h1_missing", both(headings=headings, first_view=NO_H1_HEADLINE))
        assert finding.id == "content.h1_missing:all"
        assert finding.evidence.elements == ["text-1"]
        assert finding.detail == (
            'The page has no H1 element; the headline a visitor sees is a <div>, "Welcome to our studio".'
        )

    def test_a_hidden_h1_does_not_count(self) -> None:
        result = hit("content.h1_missing", device(headings=[heading(visible=False)]))
        assert result is not None
        assert result.values == {"visible_h1": 0, "hidden_h1": 1, "logo_h1": 0}
        assert result.elements == ("heading-1", "text-1")

    def test_an_h1_that_only_holds_the_logo_is_no_main_heading(self) -> None:
        logo_h1 = heading("heading-1", "ARSHA", y=20, font_size_px=30).model_copy(update={"brand": True})
        hero_h2 = heading("heading-2", "Better solutions for your business", level=2)
        result = hit("content.h1_missing", device(headings=[logo_h1, hero_h2]))
        assert result is not None and result.values == {"visible_h1": 1, "hidden_h1": 0, "logo_h1": 1}
        assert result.detail.startswith('The page\'s only visible H1 is the logo, "ARSHA"; the headline')
        assert hit("content.h1_missing", device(headings=[logo_h1, heading("heading-2")])) is None

    def test_one_visible_h1_passes(self) -> None:
        assert hit("content.h1_missing", device()) is None
        assert hit("content.h1_multiple", device()) is None

    def test_two_visible_h1s(self) -> None:
        headings = [heading(), heading("heading-2", "Our pricing", y=1500, above_fold=False)]
        result = hit("content.h1_multiple", device(headings=headings))
        assert result is not None and result.elements == ("heading-1", "heading-2")
        assert result.values["logo_h1"] == 0 and result.region == headings[1].box
        hidden_second = [heading(), heading("heading-2", "Menu", visible=False)]
        assert hit("content.h1_multiple", device(headings=hidden_second)) is None

    def test_a_logo_h1_beside_the_headline_is_named(self) -> None:
        logo_h1 = heading("heading-1", "ARSHA", y=20, font_size_px=30).model_copy(update={"brand": True})
        result = hit("content.h1_multiple", device(headings=[logo_h1, heading("heading-2")]))
        assert result is not None and result.values["logo_h1"] == 1
        assert result.detail.endswith('; "ARSHA" is the logo.')
        assert result.region == logo_h1.box, "the one to change"


class TestValueProp:
    @staticmethod
    def with_headline(text: str, fold_words: int = 40, **overrides: object) -> DeviceFacts:
        """The clean page's logo says "Acme"."""
        stats = device().text.model_copy(update={"above_fold_word_count": fold_words})
        return device(first_view=first_view(text_block(text=text)), text=stats, **overrides)

    @staticmethod
    def reasons(facts: DeviceFacts) -> list[str] | None:
        result = hit("content.value_prop_unclear", facts)
        return result.values["reasons"] if result else None

    def test_nothing_stands_out_in_the_first_view(self) -> None:
        result = hit("content.value_prop_unclear", device(first_view=first_view()))
        assert result is not None
        assert result.values["reasons"] == ["no_headline"]
        assert result.elements == ()
        assert result.detail == "No text at the top of the first view stands out as a headline."

    def test_body_sized_text_is_no_headline(self) -> None:
        # the clean page's body text is 16 px: a headline is set at 20 px or more
        body = text_block(text="Bookkeeping for freelancers, done in ten minutes", tag="p", level=None)
        small = device(first_view=first_view(body.model_copy(update={"font_size_px": 19.9})))
        assert self.reasons(small) == ["no_headline"]
        assert self.reasons(device(first_view=first_view(body.model_copy(update={"font_size_px": 20})))) is None

    @pytest.mark.parametrize(
        ("words", "reason"),
        [(2, "headline_too_short"), (3, None), (20, None), (21, "headline_too_long")],
    )
    def test_headline_length_bounds(self, words: int, reason: str | None) -> None:
        assert self.reasons(self.with_headline(" ".join(["word"] * words))) == ([reason] if reason else None)

    @pytest.mark.parametrize(("fold_words", "fires"), [(7, True), (8, False)])
    def test_too_little_text_in_the_first_view(self, fold_words: int, fires: bool) -> None:
        result = hit("content.value_prop_unclear", self.with_headline("Landing pages that convert", fold_words))
        assert (result is not None) is fires

    def test_text_low_in_the_first_view_opens_the_next_section(self) -> None:
        # the desktop fold is 900 px: the headline zone ends at 675 px
        low = device(first_view=first_view(text_block(text="Our design services", y=675)))
        assert self.reasons(low) == ["no_headline"]
        assert self.reasons(device(first_view=first_view(text_block(text="Our design services", y=674)))) is None

    def test_the_most_prominent_text_is_the_headline_whatever_its_tag(self) -> None:
        blocks = (
            text_block("text-1", "Hi", tag="div", level=None, font_size_px=80),
            text_block("text-2", "Sell more online with one page", font_size_px=40, y=300),
        )
        result = hit("content.value_prop_unclear", device(first_view=first_view(*blocks)))
        assert result is not None and result.elements == ("text-1",)
        assert result.values["reasons"] == ["headline_is_greeting"]

    @pytest.mark.parametrize(
        ("text", "reason", "says"),
        [
            ("ACME", "headline_names_brand", "names the brand, not the offer"),
            ("HiFi Aesthete", "headline_names_brand", "names the brand, not the offer"),
            ("Welcome to Acme", "headline_is_greeting", "greets the visitor and names the brand, not the offer"),
            ("Hello, and welcome to the Acme!", "headline_is_greeting", "greets the visitor and names the brand"),
            ("Welcome", "headline_is_greeting", "is a greeting; it does not say what is on offer"),
            ("Welcome to Siimple", "headline_is_greeting", "is a greeting; it does not say what is on offer"),
            ("It's nice to meet you", "headline_is_greeting", "is a greeting; it does not say what is on offer"),
        ],
    )
    def test_a_greeting_or_the_brand_names_no_offer(self, text: str, reason: str, says: str) -> None:
        meta = device().meta.model_copy(update={"site_name": "HiFi Aesthete"})
        result = hit("content.value_prop_unclear", self.with_headline(text, meta=meta))
        assert result is not None and result.values["reasons"] == [reason]
        assert says in result.detail

    @pytest.mark.parametrize(
        "text",
        [
            "Welcome to the easiest bookkeeping for freelancers",
            "Hi-Fi speakers for small rooms",
            "Acme bookkeeping for freelancers",
            "Hello, I'm Jane, a freelance designer",
        ],
    )
    def test_a_headline_that_says_more_passes(self, text: str) -> None:
        assert self.reasons(self.with_headline(text)) is None

    def test_the_brand_comes_from_the_logo_the_site_name_or_the_title(self) -> None:
        def named(logo_text: str | None, site_name: str | None, title: str) -> list[str] | None:
            meta = device().meta.model_copy(update={"site_name": site_name, "title": title})
            blocks = first_view(text_block(text="Ledgerly Books Online"), logo_text=logo_text)
            return self.reasons(device(first_view=blocks, meta=meta))

        names_brand = ["headline_names_brand"]
        assert named("LEDGERLY BOOKS ONLINE.", None, "Bookkeeping") == names_brand
        assert named(None, "Ledgerly Books Online", "Bookkeeping") == names_brand
        assert named(None, None, "Ledgerly Books Online - Home") == names_brand
        assert named(None, None, "Home | Ledgerly Books Online") == names_brand
        # A title of two parts is often "headline | brand": neither part is the brand by itself.
        assert named(None, None, "Ledgerly Books Online | Acme") is None

    def test_a_greeting_cites_the_logo_when_it_names_the_brand(self) -> None:
        result = hit("content.value_prop_unclear", self.with_headline("Welcome to Acme"))
        assert result is not None and result.elements == ("text-1", "logo-1")

    def test_a_product_name_beside_its_price_states_the_offer(self) -> None:
        name = text_block(text="Aeron Chair", tag="h1", y=150, h=40, font_size_px=32)
        near = first_view(name, prices=(price(y=190 + 200),))
        far = first_view(name, prices=(price(y=190 + 201),))
        assert self.reasons(device(first_view=near)) is None
        assert self.reasons(device(first_view=far)) == ["headline_too_short"]

    def test_a_greeting_beside_a_price_still_names_no_offer(self) -> None:
        greeting = first_view(text_block(text="Welcome to Acme", y=150, h=40), prices=(price(y=200),))
        assert self.reasons(device(first_view=greeting)) == ["headline_is_greeting"]

    def test_a_finding_is_a_heuristic(self) -> None:
        (finding,) = findings_for("content.value_prop_unclear", both(first_view=first_view()))
        assert finding.confidence == 0.6
        assert finding.id == "content.value_prop_unclear:all", "the same on both devices: one finding"


class TestSnippet:
    def test_missing_title(self) -> None:
        (finding,) = findings_for("seo.title_missing", both(meta=CLEAN_META.model_copy(update={"title": None})))
        assert (finding.id, finding.category, finding.severity) == ("seo.title_missing:all", "content", "medium")
        assert finding.evidence.values == {"title": "missing"}
        assert finding.region is None

    def test_empty_meta_description_once_for_all_devices(self) -> None:
        meta = Meta(title="Shop", description="", viewport="width=device-width")
        (finding,) = findings_for("seo.meta_description_missing", both(meta=meta))
        assert finding.evidence.device is None and finding.severity == "low"
        assert finding.detail == "The page's meta description is empty."

    def test_present_title_and_description_pass(self) -> None:
        assert findings_for("seo.title_missing", both()) == []
        assert findings_for("seo.meta_description_missing", both()) == []

    def test_differing_devices_are_reported_apart(self) -> None:
        facts = page(
            device("desktop", meta=Meta(title="Shop", description=None)),
            device("mobile", meta=Meta(title="Shop", description="")),
        )
        ids = [finding.id for finding in findings_for("seo.meta_description_missing", facts)]
        assert ids == ["seo.meta_description_missing:desktop", "seo.meta_description_missing:mobile"]


class TestSocialProof:
    @pytest.mark.parametrize("kind", ["testimonial", "rating", "review", "client_logos"])
    def test_social_proof_passes(self, kind: str) -> None:
        assert hit("trust.social_proof_missing", device(trust=[trust(kind=kind)])) is None

    def test_only_contact_details_is_medium(self) -> None:
        result = hit("trust.social_proof_missing", device(trust=[trust(kind="contact", text="+1 555 0100")]))
        assert result is not None and result.severity is None
        assert result.values["other_trust_signals"] == {"contact": 1}

    def test_no_trust_at_all_is_high(self) -> None:
        (finding,) = findings_for("trust.social_proof_missing", both(trust=[]))
        assert finding.severity == "high" and finding.confidence == 0.8

    def test_hidden_social_proof_does_not_count_but_is_mentioned(self) -> None:
        hidden = [trust(f"trust-{n}", "rating", "5 star icons").model_copy(update={"visible": False}) for n in (1, 2)]
        result = hit("trust.social_proof_missing", device(trust=hidden))
        assert result is not None and result.severity is None
        assert result.values["hidden_social_proof"] == 2 and result.elements == ("trust-1", "trust-2")
        assert "(2 signals of that kind are in the page but not visible)" in result.detail


LATIN = {"min_latin_words": 4, "min_latin_share": 0.6}


class TestPlaceholderText:
    @pytest.mark.parametrize(
        ("text", "kind"),
        [
            ("Lorem Ipsum", "lorem_ipsum"),
            ("Lorem ipsum dolor sit amet, consectetur adipiscing elit.", "lorem_ipsum"),
            # Shuffled generator Latin, no "lorem ipsum" anywhere
            ("Quis quorum aliqua sint quem legam fore sunt eram irure aliqua veniam tempor noster", "lorem_ipsum"),
            (
                "Magnam dolores commodi suscipit. Necessitatibus eius consequatur ex aliquid fuga eum quidem.",
                "lorem_ipsum",
            ),
            ("Card title", "template_filler"),
            ("Featured title", "template_filler"),
            ("Your Company", "template_filler"),
            (
                "Some quick example text to build on the card title and make up the bulk of the card's content.",
                "template_filler",
            ),
            ("Copyright © Your Website 2023", "template_filler"),
            ("© 2024 Company Name. All rights reserved.", "template_filler"),
            ("Write your headline here", "template_filler"),
            ("Heading", "template_filler"),
        ],
    )
    def test_filler(self, text: str, kind: str) -> None:
        assert placeholder_kind(text, **LATIN) == kind  # type: ignore[arg-type]

    @pytest.mark.parametrize(
        "text",
        [
            "Grow your company with one simple landing page",
            "Es justo que la culpa sea nuestra",  # Spanish sharing justo, culpa
            "Non è nulla di grave, la porta è aperta",  # Italian sharing nulla, porta
            "Our integer error is minus the alias",  # English words that are Latin filler too
            "Carpe diem, quam minimum credula postero",
            "Description",
            "Happy Clients",
        ],
    )
    def test_real_copy_is_no_filler(self, text: str) -> None:
        assert placeholder_kind(text, **LATIN) is None

    @pytest.mark.parametrize(
        ("alt", "src", "placeholder"),
        [
            ("...", "/img/hero.jpg", True),
            ("image", "/img/hero.jpg", True),
            ("Photo 3", "/img/hero.jpg", True),
            ("IMG_1234.jpg", "/img/a.jpg", True),
            ("DSC_0042", "/img/a.jpg", True),
            ("hero-bg-2", "/img/hero-bg-2.jpg", True),
            ("hero.jpg", "https://cdn.example/img/hero.jpg?v=3", True),
            ("team", "/img/team.jpg", False),
            ("Maria at her desk", "/img/maria.jpg", False),
            ("", "/img/divider.png", False),
        ],
    )
    def test_alt_texts(self, alt: str, src: str, placeholder: bool) -> None:
        assert placeholder_alt(alt, src) is placeholder


class TestPlaceholderCopy:
    def test_clean_copy_passes(self) -> None:
        assert hit("content.placeholder_copy", device()) is None

    def test_body_copy_is_medium(self) -> None:
        blocks = [
            copy_block(),
            copy_block("copy-2", "Tortor vitae purus faucibus ornare, varius vel pharetra vel turpis"),
        ]
        (finding,) = findings_for("content.placeholder_copy", both(copy_blocks=blocks))
        assert finding.severity == "medium" and finding.category == "content" and finding.confidence == 0.9
        assert finding.evidence.elements == ["copy-2"]
        assert finding.evidence.values["by_place"] == {"copy": 1}
        assert finding.detail == (
            'Lorem ipsum or template filler stands in 1 text block ("Tortor vitae purus faucibus ornare, var…").'
        )

    @pytest.mark.parametrize(
        "facts",
        [
            device(headings=[heading(text="Lorem ipsum dolor sit amet")]),
            device(ctas=[cta(text="Button")]),
            device(copy_blocks=[copy_block(text="Lorem ipsum dolor sit amet, consectetur", above_fold=True, y=400)]),
            device(copy_blocks=[copy_block(text="Quis quorum aliqua sint quem legam fore", in_testimonial=True)]),
        ],
        ids=["headline", "cta", "first view", "testimonial"],
    )
    def test_what_every_visitor_reads_is_high(self, facts: object) -> None:
        result = hit("content.placeholder_copy", facts)  # type: ignore[arg-type]
        assert result is not None and result.severity == "high"

    def test_alt_text_alone_is_low_and_counts_every_image(self) -> None:
        images = [image(f"img-{n}", alt="...") for n in (1, 2)] + [image("img-3", alt="", decorative=True)]
        result = hit("content.placeholder_copy", device(images=images))
        assert result is not None and result.severity == "low"
        assert result.elements == ("img-1", "img-2")
        assert result.detail == '2 images have placeholder alt text: "..." ×2.'

    def test_a_carousel_repeating_a_slide_counts_once_where_it_is_seen(self) -> None:
        quote = "Export tempor illum tamen malis malis eram quae irure esse labore quem cillum"
        clone = copy_block("copy-1", quote, in_testimonial=True).model_copy(update={"box": box(x=-300, y=1100)})
        blocks = [clone, *(copy_block(f"copy-{n}", quote, in_testimonial=True) for n in (2, 3))]
        result = hit("content.placeholder_copy", device(copy_blocks=blocks))
        assert result is not None and result.elements == ("copy-2",), "not the clone slid out to the left"
        assert result.values["by_place"] == {"testimonial": 1}
        assert result.region is not None and result.region.x >= 0

    def test_what_is_in_view_is_cited_first(self) -> None:
        slid_out = copy_block("copy-1", "Lorem ipsum dolor sit amet", in_testimonial=True)
        slid_out = slid_out.model_copy(update={"box": box(x=1500, y=1100)})
        in_view = copy_block("copy-2", "Proin iaculis purus consequat donec suscipit rhoncus", in_testimonial=True)
        result = hit("content.placeholder_copy", device(copy_blocks=[slid_out, in_view]))
        assert result is not None and result.elements == ("copy-2", "copy-1")
        assert result.region is not None and result.region.x == 20

    def test_an_image_link_is_judged_by_its_alt_not_as_a_label(self) -> None:
        badge = cta("cta-2", "...", kind="image_link", contrast_ratio=None)
        assert hit("content.placeholder_copy", device(ctas=[cta(), badge])) is None

    def test_hidden_copy_is_not_reported(self) -> None:
        hidden = copy_block(text="Lorem ipsum dolor sit amet", visible=False)
        assert hit("content.placeholder_copy", device(copy_blocks=[hidden])) is None
