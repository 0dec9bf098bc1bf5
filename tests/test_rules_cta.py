"""CTA rules: first view, contrast, number of choices, generic labels, dead links."""

from __future__ import annotations

import pytest

from shared.models.report import Region
from tests.support.facts_builders import both, clean_page, cta, device, findings_for, hit, page


class TestMissingAboveFold:
    def test_fires_when_the_only_cta_is_below_the_fold(self) -> None:
        facts = both(ctas=[cta("cta-7", "Get started", y=1400, above_fold=False)])
        (finding,) = findings_for("cta.missing_above_fold", page(facts.devices["desktop"]))
        assert finding.severity == "high"
        assert finding.evidence.elements == ["cta-7"]
        assert finding.evidence.values["first_primary_cta_y"] == 1400
        assert finding.region == Region(device="desktop", x=0, y=0, w=1440, h=900)
        assert '"Get started", starts at 1400 px' in finding.detail

    def test_clean_page_has_one_above_the_fold(self) -> None:
        assert findings_for("cta.missing_above_fold", clean_page()) == []

    def test_a_navigation_cta_alone_does_not_count(self) -> None:
        facts = device(ctas=[cta("cta-1", "Sign up", in_nav=True, y=10)])
        result = hit("cta.missing_above_fold", facts)
        assert result is not None
        assert result.values["nav_ctas_above_fold"] == 1
        assert 'navigation offers "Sign up"' in result.detail

    def test_a_form_submit_and_an_image_link_count_as_ctas(self) -> None:
        submit = cta("cta-2", "Submit", kind="submit", in_form=True, href=None)
        badge = cta("cta-3", "Download on the App Store", kind="image_link", contrast_ratio=None)
        assert hit("cta.missing_above_fold", device(ctas=[submit])) is None
        assert hit("cta.missing_above_fold", device(ctas=[badge])) is None

    def test_reported_per_device(self) -> None:
        facts = page(
            device("desktop"),
            device("mobile", ctas=[cta("cta-1", y=1000, above_fold=False)]),
        )
        (finding,) = findings_for("cta.missing_above_fold", facts)
        assert finding.id == "cta.missing_above_fold:mobile"
        assert finding.evidence.device == "mobile"
        assert finding.region is not None and (finding.region.w, finding.region.h) == (390, 844)


class TestLowContrast:
    @pytest.mark.parametrize(
        ("ratio", "size", "weight", "fires"),
        [
            (4.49, 16, 400, True),  # just below 4.5:1
            (4.5, 16, 400, False),  # exactly the line passes (WCAG: at least 4.5:1)
            (3.2, 24, 400, False),  # large text needs 3:1
            (2.99, 24, 400, True),
            (3.1, 18.66, 700, False),  # large bold
            (3.1, 18.66, 400, True),  # same size, not bold: normal text
            (3.1, 18.6, 700, True),  # just under the bold-large size
        ],
    )
    def test_wcag_lines(self, ratio: float, size: float, weight: int, fires: bool) -> None:
        facts = device(ctas=[cta(contrast_ratio=ratio, font_size_px=size, font_weight=weight)])
        assert (hit("cta.low_contrast", facts) is not None) is fires

    def test_unknown_contrast_is_not_a_failure(self) -> None:
        assert hit("cta.low_contrast", device(ctas=[cta(contrast_ratio=None)])) is None

    def test_below_three_in_the_first_view_is_high(self) -> None:
        result = hit("cta.low_contrast", device(ctas=[cta(contrast_ratio=2.5)]))
        assert result is not None and result.severity == "high"
        assert result.values["failing"] == [{"id": "cta-1", "ratio": 2.5, "required": 4.5}]

    def test_below_the_fold_stays_medium(self) -> None:
        facts = both(ctas=[cta(), cta("cta-9", "Buy now", y=2000, above_fold=False, contrast_ratio=2.5)])
        (finding,) = findings_for("cta.low_contrast", facts)
        assert finding.severity == "medium"
        assert finding.id == "cta.low_contrast:all"
        assert finding.evidence.elements == ["cta-9"]
        assert "2.50:1 (needs 4.5:1)" in finding.detail


class TestTooManyAboveFold:
    @staticmethod
    def labels(*texts: str) -> list:
        return [cta(f"cta-{n}", text, x=20 + n) for n, text in enumerate(texts, start=1)]

    def test_four_distinct_choices_fire(self) -> None:
        result = hit("cta.too_many_above_fold", device(ctas=self.labels("Buy", "Try free", "Book a demo", "Call us")))
        assert result is not None
        assert result.values == {"distinct_ctas_above_fold": 4, "max_distinct": 3}

    def test_three_do_not(self) -> None:
        assert hit("cta.too_many_above_fold", device(ctas=self.labels("Buy", "Try free", "Book a demo"))) is None

    def test_repeated_labels_are_one_choice(self) -> None:
        ctas = self.labels("Buy now", "BUY NOW!", "Try free", "Book a demo")
        assert hit("cta.too_many_above_fold", device(ctas=ctas)) is None

    def test_navigation_is_not_counted(self) -> None:
        ctas = [*self.labels("Buy", "Try free", "Book a demo"), cta("cta-9", "Log in", in_nav=True)]
        assert hit("cta.too_many_above_fold", device(ctas=ctas)) is None


class TestGenericText:
    def test_generic_hero_cta_is_medium(self) -> None:
        result = hit("cta.generic_text", device(ctas=[cta(text="Submit")]))
        assert result is not None
        assert result.severity == "medium"
        assert result.values["generic_labels"] == ["submit"]

    @pytest.mark.parametrize("text", ["Learn More »", "Read more…", "click here", "Find Out More", "Tell Me More"])
    def test_generic_labels_after_normalisation(self, text: str) -> None:
        assert hit("cta.generic_text", device(ctas=[cta(text=text)])) is not None

    @pytest.mark.parametrize("text", ["Learn more about pricing", "Submit my application", "Start my free trial"])
    def test_specific_labels_pass(self, text: str) -> None:
        assert hit("cta.generic_text", device(ctas=[cta(text=text)])) is None

    def test_generic_label_below_the_fold_is_low(self) -> None:
        ctas = [cta(), cta("cta-2", "Read more", y=1500, above_fold=False)]
        result = hit("cta.generic_text", device(ctas=ctas))
        assert result is not None and result.severity is None
        assert result.elements == ("cta-2",)

    def test_labels_without_words_say_nothing(self) -> None:
        ctas = [cta("cta-1", "...", kind="button"), cta("cta-2", "...", kind="button"), cta("cta-3", "", kind="button")]
        result = hit("cta.generic_text", device(ctas=ctas))
        assert result is not None
        assert result.values["generic_labels"] == ["(no words)"]
        assert (
            result.detail == '3 calls to action use a label that says nothing about the offer: "..." ×2 and (no text).'
        )

    def test_an_image_link_is_labelled_by_its_picture(self) -> None:
        """A store badge says "Get it on Google Play" in its image; its alt of "..." is an alt-text finding."""
        badges = [cta(f"cta-{n}", "...", kind="image_link", contrast_ratio=None) for n in (1, 2)]
        assert hit("cta.generic_text", device(ctas=badges)) is None

    def test_one_generic_label_reads_in_the_singular(self) -> None:
        result = hit("cta.generic_text", device(ctas=[cta(text="Submit")]))
        assert result is not None
        assert result.detail == '1 call to action uses a label that says nothing about the offer: "Submit".'

    def test_invisible_ctas_are_ignored(self) -> None:
        ctas = [cta(), cta("cta-2", "Submit", visible=False)]
        assert hit("cta.generic_text", device(ctas=ctas)) is None


class TestDeadLink:
    def test_hash_links_below_the_fold(self) -> None:
        carts = [
            cta(f"cta-{n}", "Add to cart", y=1200, above_fold=False, href="#", dead_reason="hash_only")
            for n in range(2, 10)
        ]
        (finding,) = findings_for("cta.dead_link", both(ctas=[cta(), *carts]))
        assert finding.severity == "medium"
        assert finding.confidence == 0.8
        assert len(finding.evidence.elements) == 8
        assert finding.evidence.values["reasons"] == ["hash_only"]
        assert 'href="#"' in finding.detail

    def test_dead_hero_cta_is_high(self) -> None:
        result = hit("cta.dead_link", device(ctas=[cta(href="javascript:void(0)", dead_reason="javascript_href")]))
        assert result is not None and result.severity == "high"

    def test_dead_navigation_link_stays_medium(self) -> None:
        ctas = [cta(), cta("cta-2", "Menu", in_nav=True, href="#", dead_reason="hash_only")]
        result = hit("cta.dead_link", device(ctas=ctas))
        assert result is not None and result.severity is None

    def test_a_web_address_without_a_host(self) -> None:
        ctas = [cta(), cta("cta-2", "Book a call", y=1500, above_fold=False, href="http://", dead_reason="no_host")]
        result = hit("cta.dead_link", device(ctas=ctas))
        assert result is not None and result.values["reasons"] == ["no_host"]
        assert result.detail == '1 call to action goes nowhere (a web address without a host): "Book a call".'

    def test_live_or_hidden_links_pass(self) -> None:
        ctas = [cta(), cta("cta-2", "Send", visible=False, href="#", dead_reason="hash_only")]
        assert hit("cta.dead_link", device(ctas=ctas)) is None
