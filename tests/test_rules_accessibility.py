"""Accessibility rules: image alt text, names of buttons and links, and axe-core's contrast check."""

from __future__ import annotations

from shared.models.report import Region
from tests.support.facts_builders import axe, both, control, cta, device, findings_for, hit, image


class TestImageAlt:
    def test_missing_alt_fires(self) -> None:
        images = [image("image-1"), image("image-2", "https://shop.example/img/hero-photo.jpg?v=2", alt=None)]
        (finding,) = findings_for("a11y.image_alt_missing", both(images=images))
        assert finding.evidence.elements == ["image-2"]
        assert finding.evidence.values == {"missing_alt": 1, "images": 2}
        assert finding.detail == "1 of 2 visible images has no alt attribute: hero-photo.jpg?v=2."

    def test_decorative_hidden_and_described_images_pass(self) -> None:
        images = [
            image("image-1", alt=""),
            image("image-2", alt=None, decorative=True),
            image("image-3", alt=None, visible=False),
            image("image-4"),
        ]
        assert hit("a11y.image_alt_missing", device(images=images)) is None


class TestNames:
    def test_unnamed_controls_are_low(self) -> None:
        controls = [control(f"ctl-{n}", "carousel", "") for n in (1, 2)] + [control("ctl-3", "icon_button", "")]
        (finding,) = findings_for("a11y.name_missing", both(controls=controls))
        assert finding.severity == "low" and finding.category == "accessibility"
        assert finding.evidence.elements == ["ctl-1", "ctl-2", "ctl-3"]
        assert finding.evidence.values == {
            "unnamed_ctas": 0,
            "unnamed_controls": {"carousel": 2, "icon_button": 1},
            "axe_unnamed": 0,
        }
        assert finding.detail == (
            "3 buttons and links have no accessible name: carousel control ×2 and icon-only button or link."
        )

    def test_named_or_hidden_controls_pass(self) -> None:
        controls = [
            control("ctl-1", "icon_button", "Acme on Twitter"),
            control("ctl-2", "menu_toggle", "", visible=False),
        ]
        assert hit("a11y.name_missing", device(controls=controls)) is None

    def test_an_unnamed_menu_toggle_or_cta_is_medium(self) -> None:
        toggle = hit("a11y.name_missing", device(controls=[control("ctl-1", "menu_toggle", "")]))
        assert toggle is not None and toggle.severity == "medium"
        badge = hit("a11y.name_missing", device(ctas=[cta(), cta("cta-2", "", kind="image_link")]))
        assert badge is not None and badge.severity == "medium" and badge.elements == ("cta-2",)
        assert badge.detail == "1 button or link has no accessible name: image link."

    def test_axe_alone_fires(self) -> None:
        result = hit("a11y.name_missing", device(a11y=[axe("link-name", 3, ["ctl-7"]), axe("label", 2)]))
        assert result is not None and result.elements == ("ctl-7",)
        assert result.detail == "axe-core reports 3 buttons and links without an accessible name."
        assert result.values["axe_unnamed"] == 3


class TestContrast:
    def test_axe_failures_fire_with_the_first_mapped_box(self) -> None:
        facts = device(ctas=[cta("cta-1", y=333)], a11y=[axe("color-contrast", 3, ["unknown-9", "cta-1"])])
        result = hit("a11y.contrast_low", facts)
        assert result is not None and result.severity is None
        assert result.elements == ("unknown-9", "cta-1")
        assert result.region is not None and result.region.y == 333

    def test_ten_failures_are_high(self) -> None:
        (finding,) = findings_for("a11y.contrast_low", both(a11y=[axe("color-contrast", 10)]))
        assert finding.severity == "high" and finding.region is None
        assert finding.evidence.values["failing_elements"] == 10

    def test_other_axe_rules_and_no_violations_pass(self) -> None:
        assert hit("a11y.contrast_low", device(a11y=[axe("image-alt", 4)])) is None
        assert hit("a11y.contrast_low", device()) is None

    def test_region_is_on_the_finding_device(self) -> None:
        facts = device("mobile", ctas=[cta("cta-1", y=50)], a11y=[axe("color-contrast", 1, ["cta-1"])])
        (finding,) = findings_for("a11y.contrast_low", both().model_copy(update={"devices": {"mobile": facts}}))
        assert finding.region == Region(device="mobile", x=20, y=50, w=200, h=48)
