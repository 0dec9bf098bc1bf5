"""Mobile: does the page fit a phone, can its text be read and its buttons be hit with a thumb.

Viewport, tap targets and text size are judged on the mobile device only (desktop browsers ignore the
viewport tag and are driven by a mouse); overflow matters on every device.
"""

from __future__ import annotations

import math
import re

from shared.models.facts import Box, Control, Cta, DeviceFacts
from shared.rules.spec import Hit, RuleSpec, first_viewport, rule
from shared.rules.wording import CONTROL_NAMES, listing, plural, quoted, verb

_VIEWPORT_SEPARATOR = re.compile(r"[,;]")


def viewport_properties(content: str) -> dict[str, str]:
    properties: dict[str, str] = {}
    for part in _VIEWPORT_SEPARATOR.split(content.lower()):
        key, _, value = part.partition("=")
        if key.strip():
            properties[key.strip()] = value.strip()
    return properties


@rule(
    RuleSpec(
        id="mobile.viewport_meta_missing",
        category="mobile",
        severity="high",
        effort="low",
        title="No mobile viewport",
        recommendation='Add <meta name="viewport" content="width=device-width, initial-scale=1"> so phones lay '
        "the page out at their own width instead of shrinking a desktop layout.",
        reference="https://developer.mozilla.org/en-US/docs/Web/HTML/Viewport_meta_tag",
        escalation="Always high.",
        devices=("mobile",),
        when_degraded="keep",
    )
)
def viewport_meta_missing(facts: DeviceFacts, spec: RuleSpec) -> Hit | None:
    content = facts.meta.viewport
    # Lighthouse's `viewport` audit: a viewport tag that sets a width or an initial scale.
    if content is not None and {"width", "initial-scale"} & viewport_properties(content).keys():
        return None
    detail = (
        "The page has no viewport meta tag"
        if content is None
        else f"The viewport meta tag ({quoted(content)}) sets neither a width nor an initial scale"
    )
    return Hit(
        detail=detail + ", so phones render it as a zoomed-out desktop page.",
        values={"viewport": content},
        region=first_viewport(facts),
    )


@rule(
    RuleSpec(
        id="mobile.horizontal_overflow",
        category="mobile",
        severity="medium",
        effort="medium",
        title="The page is wider than the screen",
        recommendation="Find the element wider than the screen (fixed widths, wide images or tables, long "
        "words) and let it shrink or wrap; sideways scrolling hides content and looks broken.",
        reference="https://www.w3.org/WAI/WCAG22/Understanding/reflow.html",
        thresholds={"tolerance_px": 0, "severe_share": 0.1},
        escalation="High when the page is more than 10% wider than the screen.",
    )
)
def horizontal_overflow(facts: DeviceFacts, spec: RuleSpec) -> Hit | None:
    overflow = facts.layout.horizontal_overflow_px
    if overflow <= spec.threshold("tolerance_px"):
        return None
    width = facts.layout.viewport_w
    share = overflow / width if width else 1.0
    return Hit(
        detail=f"The page is {overflow} px wider than the {width} px screen and scrolls sideways.",
        values={
            "overflow_px": overflow,
            "screen_px": width,
            "overflow_share": round(share, 3),
            "tolerance_px": int(spec.threshold("tolerance_px")),
            "severe_share": spec.threshold("severe_share"),
        },
        severity="high" if share > spec.threshold("severe_share") else None,
        region=Box(x=0, y=0, w=width + overflow, h=facts.layout.viewport_h),
    )


def _distance_to_box(x: float, y: float, box: Box) -> float:
    dx = max(box.x - x, 0.0, x - (box.x + box.w))
    dy = max(box.y - y, 0.0, y - (box.y + box.h))
    return math.hypot(dx, dy)


def _centre(box: Box) -> tuple[float, float]:
    return box.x + box.w / 2, box.y + box.h / 2


Target = Cta | Control
MINOR_CONTROLS = frozenset({"carousel", "icon_button", "disclosure", "skip_link", "other"})


def target_label(target: Target) -> str:
    """A CTA by its label; a control by its name, or by its kind when it has none."""
    if isinstance(target, Cta):
        return quoted(target.text) if target.text.strip() else "(no text)"
    return quoted(target.name) if target.name.strip() else CONTROL_NAMES[target.kind]


def undersized_targets(targets: list[Target], min_px: float) -> list[Target]:
    """WCAG 2.5.8: a target under `min_px` in either dimension fails unless a `min_px`-wide circle centred
    on it touches no other target and no other undersized target's circle (the spacing exception)."""
    small = [target for target in targets if target.box.w < min_px or target.box.h < min_px]
    small_ids = {target.id for target in small}
    radius = min_px / 2
    failing: list[Target] = []
    for target in small:
        cx, cy = _centre(target.box)
        crowded = False
        for other in targets:
            if other.id == target.id:
                continue
            if other.id in small_ids:
                ox, oy = _centre(other.box)
                crowded = math.hypot(cx - ox, cy - oy) < 2 * radius
            else:
                crowded = _distance_to_box(cx, cy, other.box) < radius
            if crowded:
                break
        if crowded:
            failing.append(target)
    return failing


@rule(
    RuleSpec(
        id="mobile.tap_targets_small",
        category="mobile",
        severity="medium",
        effort="medium",
        title="Buttons and links too small to tap",
        recommendation="Make every tap target at least 24x24 CSS px (44-48 px is comfortable), or keep small "
        "ones apart so a thumb cannot hit the wrong one.",
        reference="https://www.w3.org/WAI/WCAG22/Understanding/target-size-minimum.html",
        thresholds={"min_px": 24},
        escalation="Low when the only undersized targets are minor controls (carousel dots and arrows, icon "
        "links, accordion toggles) and axe-core finds no other.",
        devices=("mobile",),
    )
)
def tap_targets_small(facts: DeviceFacts, spec: RuleSpec) -> Hit | None:
    min_px = spec.threshold("min_px")
    # Calls to action and controls alike: a carousel dot or a menu toggle is tapped like a button.
    targets: list[Target] = [*facts.ctas, *facts.controls]
    failing = undersized_targets([target for target in targets if target.visible], min_px)
    # axe-core's target-size check also sees plain text links, which the CTA facts leave out.
    axe = [violation for violation in facts.a11y if violation.rule == "target-size"]
    axe_nodes = sum(violation.node_count for violation in axe)
    if not failing and not axe_nodes:
        return None
    axe_ids = [element for violation in axe for element in violation.element_ids]
    ids = [target.id for target in failing]
    ids += [element for element in dict.fromkeys(axe_ids) if element not in ids]
    described = [f"{target_label(target)} {target.box.w:.0f}x{target.box.h:.0f} px" for target in failing]
    detail = (
        f"{plural(len(failing), 'tap target')} {verb(len(failing), 'is', 'are')} smaller than {min_px:g}x{min_px:g} px"
    )
    detail += f" without room around them: {listing(described)}" if failing else ""
    if axe_nodes:
        detail += f"; axe-core reports {plural(axe_nodes, 'undersized target')} in all"
    # Missing a carousel dot costs a retry; missing the menu, the close button or the offer costs the visit.
    axe_on_failing = len(axe_ids) == axe_nodes and set(axe_ids) <= {target.id for target in failing}
    minor = axe_on_failing and all(isinstance(t, Control) and t.kind in MINOR_CONTROLS for t in failing)
    return Hit(
        detail=detail + ".",
        elements=tuple(ids),
        severity="low" if minor else None,
        values={
            "undersized_ctas": sum(isinstance(target, Cta) for target in failing),
            "undersized_controls": sum(isinstance(target, Control) for target in failing),
            "axe_undersized_targets": axe_nodes,
            "min_px": min_px,
            "examples": [{"id": t.id, "w": round(t.box.w), "h": round(t.box.h)} for t in failing[:5]],
        },
        region=failing[0].box if failing else None,
    )


@rule(
    RuleSpec(
        id="mobile.text_too_small",
        category="mobile",
        severity="medium",
        effort="medium",
        title="Text too small to read on a phone",
        recommendation="Set body text to 16 px and nothing a visitor must read below 12 px; small print makes "
        "phone visitors pinch and zoom, or leave.",
        reference="https://developer.chrome.com/docs/lighthouse/seo/font-size",
        thresholds={"min_font_px": 12, "max_small_share": 0.4},
        escalation="Always medium.",
        devices=("mobile",),
    )
)
def text_too_small(facts: DeviceFacts, spec: RuleSpec) -> Hit | None:
    total, small = facts.text.text_chars, facts.text.small_text_chars
    if total <= 0:
        return None
    share = small / total
    # Lighthouse's font-size audit passes when at least 60% of the text is legible.
    if share <= spec.threshold("max_small_share"):
        return None
    return Hit(
        detail=f"{share:.0%} of the visible text ({small:,} of {total:,} characters) is set below "
        f"{spec.threshold('min_font_px'):g} px.",
        values={
            "small_text_share": round(share, 3),
            "small_text_chars": small,
            "text_chars": total,
            "min_font_px": spec.threshold("min_font_px"),
            "max_small_share": spec.threshold("max_small_share"),
        },
        region=first_viewport(facts),
    )


RULES = (viewport_meta_missing, horizontal_overflow, tap_targets_small, text_too_small)
