"""Accessibility: images without a text alternative, buttons and links without a name, and text that does
not stand out from its background.

Contrast over the whole page comes from axe-core's `color-contrast` check (the same WCAG 1.4.3 lines as
`cta.low_contrast`, which looks at calls to action only). When axe did not run (disabled, or it hit its
budget) there are no axe violations and no finding: an unchecked page is not a failing one.
"""

from __future__ import annotations

from collections import Counter

from shared.models.facts import Box, DeviceFacts
from shared.rules.spec import Hit, RuleSpec, rule
from shared.rules.wording import CONTROL_NAMES, clip, listing, plural, verb

# axe-core's checks of the same WCAG 4.1.2 failure: a button, an input button or a link without a name.
AXE_NAME_RULES = frozenset({"button-name", "input-button-name", "link-name"})
CTA_KINDS = {"button": "button", "link_button": "button link", "submit": "submit button", "image_link": "image link"}


@rule(
    RuleSpec(
        id="a11y.image_alt_missing",
        category="accessibility",
        severity="medium",
        effort="low",
        title="Images without alt text",
        recommendation="Describe every meaningful image in its alt attribute (what it shows or, for a linked "
        'image, where it leads); mark purely decorative images with alt="".',
        reference="https://www.w3.org/WAI/WCAG22/Understanding/non-text-content.html",
        escalation="Always medium.",
        when_degraded="keep",
    )
)
def image_alt_missing(facts: DeviceFacts, spec: RuleSpec) -> Hit | None:
    visible = [image for image in facts.images if image.visible and not image.decorative]
    missing = [image for image in visible if image.alt is None]
    if not missing:
        return None
    names = [clip(image.src.rsplit("/", 1)[-1] or image.src, 40) for image in missing]
    return Hit(
        detail=f"{len(missing)} of {plural(len(visible), 'visible image')} {verb(len(missing), 'has', 'have')} "
        f"no alt attribute: {listing(names)}.",
        elements=tuple(image.id for image in missing),
        values={"missing_alt": len(missing), "images": len(visible)},
        region=missing[0].box,
    )


@rule(
    RuleSpec(
        id="a11y.contrast_low",
        category="accessibility",
        severity="medium",
        effort="low",
        title="Text with too little contrast",
        recommendation="Darken light-grey text or lighten its background until body text reaches 4.5:1 and large "
        "text 3:1; low contrast is unreadable in sunlight and for many older visitors.",
        reference="https://www.w3.org/WAI/WCAG22/Understanding/contrast-minimum.html",
        thresholds={"min_ratio": 4.5, "min_ratio_large": 3.0, "severe_nodes": 10},
        escalation="High from 10 failing elements.",
    )
)
def contrast_low(facts: DeviceFacts, spec: RuleSpec) -> Hit | None:
    violations = [violation for violation in facts.a11y if violation.rule == "color-contrast"]
    nodes = sum(violation.node_count for violation in violations)
    if not nodes:
        return None
    element_ids = tuple(dict.fromkeys(e for violation in violations for e in violation.element_ids))
    selectors = [s for violation in violations for s in violation.selectors][:5]
    region: Box | None = next((box for e in element_ids if (box := facts.find_box(e)) is not None), None)
    return Hit(
        detail=f"axe-core found {plural(nodes, 'text element')} below WCAG AA contrast "
        f"({spec.threshold('min_ratio'):g}:1, or {spec.threshold('min_ratio_large'):g}:1 for large text).",
        elements=element_ids,
        values={
            "failing_elements": nodes,
            "selectors": [clip(selector, 80) for selector in selectors],
            "min_ratio": spec.threshold("min_ratio"),
            "min_ratio_large": spec.threshold("min_ratio_large"),
            "severe_nodes": int(spec.threshold("severe_nodes")),
        },
        severity="high" if nodes >= spec.threshold("severe_nodes") else None,
        region=region,
    )


@rule(
    RuleSpec(
        id="a11y.name_missing",
        category="accessibility",
        severity="low",
        effort="low",
        title="Buttons and links without a name",
        recommendation='Give every icon-only button and link a name a screen reader can announce (aria-label="Open '
        'menu", "Next slide", "Close"), or visually hidden text; an unnamed control is announced as "button" '
        "and nothing more.",
        reference="https://www.w3.org/WAI/WCAG22/Understanding/name-role-value.html",
        escalation="Medium when a call to action or the menu toggle has none: a screen-reader visitor cannot "
        "find the offer or the navigation.",
        when_degraded="keep",
    )
)
def name_missing(facts: DeviceFacts, spec: RuleSpec) -> Hit | None:
    ctas = [cta for cta in facts.ctas if cta.visible and not cta.text.strip()]
    controls = [control for control in facts.controls if control.visible and not control.name.strip()]
    # axe computes names to the letter of the spec; what it flags beyond our lenient reading counts too.
    axe = [violation for violation in facts.a11y if violation.rule in AXE_NAME_RULES]
    axe_nodes = sum(violation.node_count for violation in axe)
    if not ctas and not controls and not axe_nodes:
        return None
    unnamed = [*ctas, *controls]
    ids = [element.id for element in unnamed]
    ids += [element for violation in axe for element in violation.element_ids if element not in ids]
    described = [CTA_KINDS[cta.kind] for cta in ctas] + [CONTROL_NAMES[control.kind] for control in controls]
    parts = []
    if unnamed:
        have = verb(len(unnamed), "has", "have")
        parts.append(
            f"{plural(len(unnamed), 'button or link', 'buttons and links')} {have} no accessible name: "
            f"{listing(described)}"
        )
    if axe_nodes:
        unnamed_by_axe = plural(axe_nodes, "button or link", "buttons and links")
        parts.append(
            f"axe-core reports {unnamed_by_axe} without one in all"
            if unnamed
            else f"axe-core reports {unnamed_by_axe} without an accessible name"
        )
    severe = bool(ctas) or any(control.kind == "menu_toggle" for control in controls)
    region = unnamed[0].box if unnamed else next((box for e in ids if (box := facts.find_box(e)) is not None), None)
    return Hit(
        detail="; ".join(parts) + ".",
        elements=tuple(ids),
        values={
            "unnamed_ctas": len(ctas),
            "unnamed_controls": dict(sorted(Counter(control.kind for control in controls).items())),
            "axe_unnamed": axe_nodes,
        },
        severity="medium" if severe else None,
        region=region,
    )


RULES = (image_alt_missing, name_missing, contrast_low)
