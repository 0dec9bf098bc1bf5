"""Accessibility rules: image alt text and axe-core's contrast check."""

from __future__ import annotations

from shared.models.report import Region
from tests.support.facts_builders import axe, both, cta, device, findings_for, hit, image


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
