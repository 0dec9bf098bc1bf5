"""Mobile rules (viewport, overflow, tap targets, text size) and the first-view overlay rule."""

from __future__ import annotations

import pytest

from shared.models.facts import Control, Layout, Meta
from shared.models.report import Region
from tests.support.facts_builders import axe, both, control, cta, device, findings_for, hit, overlay, page


def with_viewport(content: str | None) -> Meta:
    return Meta(title="Shop", description="Shop online.", viewport=content)


class TestViewport:
    def test_missing_viewport_is_a_mobile_finding(self) -> None:
        (finding,) = findings_for("mobile.viewport_meta_missing", both(meta=with_viewport(None)))
        assert (finding.id, finding.severity, finding.evidence.device) == (
            "mobile.viewport_meta_missing:mobile",
            "high",
            "mobile",
        )
        assert "no viewport meta tag" in finding.detail

    def test_desktop_only_analysis_does_not_judge_it(self) -> None:
        assert findings_for("mobile.viewport_meta_missing", page(device("desktop", meta=with_viewport(None)))) == []

    @pytest.mark.parametrize(
        ("content", "fires"),
        [
            ("width=device-width, initial-scale=1", False),
            ("initial-scale=1", False),
            ("WIDTH = device-width", False),
            ("user-scalable=no", True),
            ("", True),
        ],
    )
    def test_lighthouse_definition(self, content: str, fires: bool) -> None:
        assert (hit("mobile.viewport_meta_missing", device("mobile", meta=with_viewport(content))) is not None) is fires


class TestOverflow:
    @staticmethod
    def overflowing(px: int, name: str = "mobile") -> object:
        width, height = (390, 844) if name == "mobile" else (1440, 900)
        layout = Layout(
            viewport_w=width, viewport_h=height, document_w=width + px, document_h=3000, horizontal_overflow_px=px
        )
        return device(name, layout=layout)  # type: ignore[arg-type]

    @pytest.mark.parametrize(("px", "severity"), [(0, "none"), (1, None), (39, None), (40, "high")])
    def test_bands(self, px: int, severity: str | None) -> None:
        result = hit("mobile.horizontal_overflow", self.overflowing(px))  # type: ignore[arg-type]
        if severity == "none":
            assert result is None
        else:
            assert result is not None and result.severity == severity
            assert result.values["overflow_px"] == px

    def test_desktop_overflow_counts_too(self) -> None:
        (finding,) = findings_for("mobile.horizontal_overflow", page(self.overflowing(300, "desktop")))  # type: ignore[arg-type]
        assert finding.evidence.device == "desktop"
        assert finding.region == Region(device="desktop", x=0, y=0, w=1740, h=900)


class TestTapTargets:
    def test_small_crowded_targets_fire(self) -> None:
        # centres 20 px apart: the 24 px circles around them overlap
        ctas = [cta("cta-1", "A", x=10, y=100, w=20, h=20), cta("cta-2", "B", x=30, y=100, w=20, h=20)]
        (finding,) = findings_for("mobile.tap_targets_small", page(device("mobile", ctas=[cta("cta-0"), *ctas])))
        assert finding.evidence.elements == ["cta-1", "cta-2"]
        assert finding.evidence.values["undersized_ctas"] == 2
        assert finding.evidence.values["min_px"] == 24

    def test_a_small_target_with_room_around_it_passes(self) -> None:
        lonely = cta("cta-1", "x", x=300, y=700, w=20, h=20)
        assert hit("mobile.tap_targets_small", device("mobile", ctas=[cta(), lonely])) is None

    def test_a_small_target_next_to_a_big_one_fires(self) -> None:
        # 1 px right of the 200x48 default button: its centre is 11 px from it, inside the 12 px radius
        close = cta("cta-2", "x", x=221, y=310, w=20, h=20)
        result = hit("mobile.tap_targets_small", device("mobile", ctas=[cta(), close]))
        assert result is not None and result.elements == ("cta-2",)

    def test_circles_that_only_touch_pass(self) -> None:
        ctas = [cta("cta-1", "A", x=10, y=100, w=20, h=20), cta("cta-2", "B", x=34, y=100, w=20, h=20)]
        assert hit("mobile.tap_targets_small", device("mobile", ctas=ctas)) is None
        beside = cta("cta-3", "x", x=222, y=310, w=20, h=20)
        assert hit("mobile.tap_targets_small", device("mobile", ctas=[cta(), beside])) is None

    def test_exactly_24_px_passes(self) -> None:
        ctas = [cta("cta-1", "A", x=10, y=100, w=24, h=24), cta("cta-2", "B", x=34, y=100, w=24, h=24)]
        assert hit("mobile.tap_targets_small", device("mobile", ctas=ctas)) is None

    def test_axe_target_size_alone_fires(self) -> None:
        result = hit("mobile.tap_targets_small", device("mobile", a11y=[axe("target-size", 3, ["cta-1"])]))
        assert result is not None
        assert result.values["axe_undersized_targets"] == 3
        assert result.elements == ("cta-1",)

    def test_not_judged_on_desktop(self) -> None:
        ctas = [cta("cta-1", "A", x=10, y=100, w=20, h=20), cta("cta-2", "B", x=30, y=100, w=20, h=20)]
        assert findings_for("mobile.tap_targets_small", page(device("desktop", ctas=ctas))) == []

    @staticmethod
    def dots(count: int = 3, gap: float = 13) -> list[Control]:
        return [control(f"ctl-{n}", "carousel", "", x=100 + n * gap, y=1500, w=7, h=7) for n in range(count)]

    def test_controls_are_tap_targets_named_by_their_kind(self) -> None:
        result = hit("mobile.tap_targets_small", device("mobile", controls=self.dots()))
        assert result is not None and result.elements == ("ctl-0", "ctl-1", "ctl-2")
        assert result.values["undersized_controls"] == 3 and result.values["undersized_ctas"] == 0
        assert result.detail == (
            "3 tap targets are smaller than 24x24 px without room around them: carousel control 7x7 px ×3."
        )

    def test_spaced_out_controls_pass(self) -> None:
        assert hit("mobile.tap_targets_small", device("mobile", controls=self.dots(gap=30))) is None

    def test_a_control_crowds_a_small_cta(self) -> None:
        """The spacing exception counts every target: a CTA beside a big control is crowded by it."""
        small = cta("cta-2", "Buy", x=100, y=1500, w=20, h=20)
        big = control("ctl-1", "icon_button", "Cart", x=121, y=1490, w=40, h=40)
        result = hit("mobile.tap_targets_small", device("mobile", ctas=[cta(), small], controls=[big]))
        assert result is not None and result.elements == ("cta-2",) and result.severity is None

    def test_only_minor_controls_is_low(self) -> None:
        result = hit("mobile.tap_targets_small", device("mobile", controls=self.dots()))
        assert result is not None and result.severity == "low"

    def test_a_small_menu_toggle_is_not_minor(self) -> None:
        toggle = control("ctl-9", "menu_toggle", "", x=108, y=1500, w=20, h=20)
        result = hit("mobile.tap_targets_small", device("mobile", controls=[*self.dots(), toggle]))
        assert result is not None and result.severity is None

    def test_axe_targets_beyond_the_controls_are_not_minor(self) -> None:
        facts = device("mobile", controls=self.dots(), a11y=[axe("target-size", 4, ["ctl-0", "ctl-1", "ctl-2"])])
        result = hit("mobile.tap_targets_small", facts)
        assert result is not None and result.severity is None, "axe saw a fourth target the facts do not list"


class TestTextSize:
    @staticmethod
    def text(small: int, total: int = 1000) -> object:
        return device("mobile", text=device().text.model_copy(update={"small_text_chars": small, "text_chars": total}))

    @pytest.mark.parametrize(("small", "fires"), [(400, False), (401, True)])
    def test_lighthouse_forty_percent_line(self, small: int, fires: bool) -> None:
        assert (hit("mobile.text_too_small", self.text(small)) is not None) is fires  # type: ignore[arg-type]

    def test_no_text_no_finding(self) -> None:
        assert hit("mobile.text_too_small", self.text(0, 0)) is None  # type: ignore[arg-type]

    def test_reports_the_share(self) -> None:
        result = hit("mobile.text_too_small", self.text(700))  # type: ignore[arg-type]
        assert result is not None and result.values["small_text_share"] == 0.7
        assert result.detail.startswith("70% of the visible text")


class TestOverlay:
    @pytest.mark.parametrize(
        ("kind", "coverage", "severity"),
        [
            ("modal", 0.14, None),
            ("modal", 0.15, "low"),
            ("modal", 0.29, "low"),
            ("modal", 0.3, "medium"),
            ("newsletter", 0.49, "medium"),
            ("modal", 0.5, "high"),
            ("cookie_banner", 0.35, "low"),
            ("cookie_banner", 0.6, "medium"),
            ("chat", 0.05, None),
            ("cookie_banner", 0.14, None),
            ("cookie_banner", 0.2, "low"),
            ("preloader", 1.0, "high"),
        ],
    )
    def test_coverage_bands(self, kind: str, coverage: float, severity: str | None) -> None:
        result = hit("overlay.blocks_first_view", device("mobile", overlays=[overlay(kind=kind, coverage=coverage)]))
        assert (result.severity if result else None) == severity

    def test_the_worst_overlay_sets_severity_and_region(self) -> None:
        overlays = [overlay("overlay-1", "cookie_banner", 0.35), overlay("overlay-2", "modal", 0.8)]
        (finding,) = findings_for("overlay.blocks_first_view", page(device("mobile", overlays=overlays)))
        assert finding.category == "mobile" and finding.severity == "high"
        assert finding.evidence.elements == ["overlay-2", "overlay-1"]
        assert finding.region == Region(device="mobile", x=0, y=0, w=300, h=400)
        assert "a modal covers 80% in the middle of the screen" in finding.detail

    def test_detail_says_when_it_came_and_whether_it_can_be_closed(self) -> None:
        late_bar = overlay("overlay-1", "cookie_banner", 0.2, position="bottom", late=True)
        stuck = overlay("overlay-2", "preloader", 1.0, position="full", dismissible=False)
        modal = overlay("overlay-3", "newsletter", 0.4, dismissible=False)
        result = hit("overlay.blocks_first_view", device("mobile", overlays=[late_bar, stuck, modal]))
        assert result is not None and result.severity == "high"
        assert "a loading screen covers 100% over the whole screen" in result.detail
        assert "no visible control to close it" in result.detail.split("loading screen")[1]
        assert "a cookie banner appears shortly after loading and covers 20% as a bar along the bottom" in result.detail
        assert result.values["overlays"][-1] == {
            "id": "overlay-1",
            "kind": "cookie_banner",
            "coverage": 0.2,
            "position": "bottom",
            "dismissible": True,
            "late": True,
        }
