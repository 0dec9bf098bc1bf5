"""Calls to action: is there one in the first view, can it be read, is it one clear choice, does it say
what happens, and does it go anywhere.

"Primary" CTAs are the ones outside the navigation: a nav "Sign up" is useful but is not the offer
of the page. New-age-style app-store badges (image links) count as CTAs like buttons do. Controls (menu
toggles, carousel dots, close buttons, icon-only buttons) are not CTAs and never reach these rules.
"""

from __future__ import annotations

import re

from shared.models.facts import Cta, DeviceFacts
from shared.rules.spec import Hit, RuleSpec, first_viewport, rule
from shared.rules.wording import listing, plural, quoted, verb

WCAG_CONTRAST = "https://www.w3.org/WAI/WCAG22/Understanding/contrast-minimum.html"

# Lighthouse's non-descriptive link texts (audit `link-text`, English list) plus the form and hero
# labels that say nothing about the offer. Matched against the whole label after normalisation
# ("Learn more »" -> "learn more"), never as a substring: "Learn more about pricing" is specific.
GENERIC_CTA_TEXTS: frozenset[str] = frozenset(
    {
        # Lighthouse link-text
        "click here",
        "click this",
        "go",
        "here",
        "information",
        "learn more",
        "more",
        "more info",
        "more information",
        "right here",
        "read more",
        "see more",
        "start",
        "this",
        # form and hero labels
        "submit",
        "send",
        "ok",
        "click",
        "find out more",
        "tell me more",
        "discover more",
        "view more",
        "details",
        "more details",
    }
)
_NOT_WORD = re.compile(r"[^\w\s]+")
_SPACE = re.compile(r"\s+")


def normalised_label(text: str) -> str:
    return _SPACE.sub(" ", _NOT_WORD.sub(" ", text.lower())).strip()


def says_nothing(text: str) -> bool:
    """A generic label, or one without a single word (an icon, or an image alt of "...")."""
    words = normalised_label(text)
    return not words or words in GENERIC_CTA_TEXTS


def label(cta: Cta) -> str:
    return quoted(cta.text) if cta.text.strip() else "(no text)"


def primary_above_fold(facts: DeviceFacts) -> list[Cta]:
    return [cta for cta in facts.ctas if cta.above_fold and not cta.in_nav]


def required_contrast(cta: Cta, spec: RuleSpec) -> float:
    """WCAG 1.4.3: large text (>= 24 px, or >= 18.66 px bold) needs 3:1, other text 4.5:1."""
    size = cta.font_size_px or 0.0
    bold = (cta.font_weight or 400) >= 700
    large = size >= spec.threshold("large_text_px") or (bold and size >= spec.threshold("large_bold_text_px"))
    return spec.threshold("min_ratio_large") if large else spec.threshold("min_ratio")


@rule(
    RuleSpec(
        id="cta.missing_above_fold",
        category="cta",
        severity="high",
        effort="medium",
        title="No call to action in the first view",
        recommendation="Put the page's main call to action (a button that names the offer) in the first "
        "screen, next to the headline, on every device: most visitors decide before they scroll.",
        reference="https://www.nngroup.com/articles/scrolling-and-attention/",
        thresholds={"min_primary_ctas": 1},
        escalation="Always high: without it the first view asks the visitor to do nothing.",
        when_degraded="suppress",
    )
)
def missing_above_fold(facts: DeviceFacts, spec: RuleSpec) -> Hit | None:
    primary = primary_above_fold(facts)
    if len(primary) >= spec.threshold("min_primary_ctas"):
        return None
    below = [cta for cta in facts.ctas if cta.visible and not cta.in_nav and not cta.above_fold]
    first_below = min(below, key=lambda cta: (cta.box.y, cta.box.x), default=None)
    nav = [cta for cta in facts.ctas if cta.above_fold and cta.in_nav]
    fold = facts.layout.viewport_h
    detail = f"No call to action outside the navigation is visible in the first {fold} px of the page"
    if first_below is not None:
        detail += f"; the first one, {label(first_below)}, starts at {first_below.box.y:.0f} px"
    else:
        detail += "; the page has none anywhere else either"
    if nav:
        detail += f" (the navigation offers {listing(label(cta) for cta in nav)})"
    return Hit(
        detail=detail + ".",
        elements=(first_below.id,) if first_below else (),
        values={
            "primary_ctas_above_fold": len(primary),
            "nav_ctas_above_fold": len(nav),
            "fold_px": fold,
            "first_primary_cta_y": round(first_below.box.y) if first_below else None,
            "min_primary_ctas": int(spec.threshold("min_primary_ctas")),
        },
        region=first_viewport(facts),
    )


@rule(
    RuleSpec(
        id="cta.low_contrast",
        category="cta",
        severity="medium",
        effort="low",
        title="Call to action text is hard to read",
        recommendation="Give call-to-action labels at least 4.5:1 contrast against the button (3:1 for text of "
        "24 px, or 18.66 px bold, and up); a button that does not stand out is not clicked.",
        reference=WCAG_CONTRAST,
        thresholds={"min_ratio": 4.5, "min_ratio_large": 3.0, "large_text_px": 24.0, "large_bold_text_px": 18.66},
        escalation="High when a call to action in the first view falls below 3:1 (fails even for large text).",
    )
)
def low_contrast(facts: DeviceFacts, spec: RuleSpec) -> Hit | None:
    failing = [
        (cta, required_contrast(cta, spec))
        for cta in facts.ctas
        if cta.visible and cta.contrast_ratio is not None and cta.contrast_ratio < required_contrast(cta, spec)
    ]
    if not failing:
        return None
    failing.sort(key=lambda pair: pair[0].contrast_ratio or 0.0)
    severe = any(cta.above_fold and (cta.contrast_ratio or 0) < spec.threshold("min_ratio_large") for cta, _ in failing)
    worst = next((cta for cta, _ in failing if cta.above_fold), failing[0][0])
    described = [f"{label(cta)} {cta.contrast_ratio:.2f}:1 (needs {need:g}:1)" for cta, need in failing]
    return Hit(
        detail=f"{plural(len(failing), 'call to action', 'calls to action')} {verb(len(failing), 'falls', 'fall')} "
        "below WCAG AA text contrast: "
        f"{listing(described)}.",
        elements=tuple(cta.id for cta, _ in failing),
        values={
            "failing": [
                {"id": cta.id, "ratio": round(cta.contrast_ratio or 0.0, 2), "required": need} for cta, need in failing
            ],
            "min_ratio": spec.threshold("min_ratio"),
            "min_ratio_large": spec.threshold("min_ratio_large"),
        },
        severity="high" if severe else None,
        region=worst.box,
    )


@rule(
    RuleSpec(
        id="cta.too_many_above_fold",
        category="cta",
        severity="medium",
        effort="low",
        title="Too many competing calls to action in the first view",
        recommendation="Lead with one primary action and at most one secondary one; demote the rest to links "
        "or move them further down. Every extra choice slows the decision (Hick's law).",
        reference="https://lawsofux.com/hicks-law/",
        thresholds={"max_distinct": 3},
        escalation="Always medium.",
        when_degraded="suppress",
    )
)
def too_many_above_fold(facts: DeviceFacts, spec: RuleSpec) -> Hit | None:
    distinct: dict[str, Cta] = {}
    for cta in primary_above_fold(facts):
        distinct.setdefault(normalised_label(cta.text) or cta.id, cta)
    limit = int(spec.threshold("max_distinct"))
    if len(distinct) <= limit:
        return None
    ctas = list(distinct.values())
    return Hit(
        detail=f"The first view offers {len(ctas)} different calls to action outside the navigation "
        f"({listing(label(cta) for cta in ctas)}); more than {limit} compete for one decision.",
        elements=tuple(cta.id for cta in ctas),
        values={"distinct_ctas_above_fold": len(ctas), "max_distinct": limit},
        region=first_viewport(facts),
    )


@rule(
    RuleSpec(
        id="cta.generic_text",
        category="cta",
        severity="low",
        effort="low",
        title="Call to action labels say nothing about the offer",
        recommendation='Name the outcome on the button ("Get my free quote", "Start 14-day trial") instead of '
        '"Submit", "Learn more" or "Click here".',
        reference="https://developer.chrome.com/docs/lighthouse/seo/link-text",
        escalation="Medium when the first primary call to action in the first view is one of them.",
        when_degraded="keep",
    )
)
def generic_text(facts: DeviceFacts, spec: RuleSpec) -> Hit | None:
    # An image link's label is its picture (a store badge says "Get it on Google Play"): its alt text is
    # no label a visitor reads.
    generic = [cta for cta in facts.ctas if cta.visible and cta.kind != "image_link" and says_nothing(cta.text)]
    if not generic:
        return None
    hero = min(primary_above_fold(facts), key=lambda cta: (cta.box.y, cta.box.x), default=None)
    hero_generic = hero is not None and hero.id in {cta.id for cta in generic}
    return Hit(
        detail=f"{plural(len(generic), 'call to action', 'calls to action')} {verb(len(generic), 'uses', 'use')} "
        f"a label that says nothing about the offer: {listing(label(cta) for cta in generic)}.",
        elements=tuple(cta.id for cta in generic),
        values={
            "generic_labels": sorted({normalised_label(cta.text) or "(no words)" for cta in generic}),
            "count": len(generic),
        },
        severity="medium" if hero_generic else None,
        region=hero.box if hero is not None and hero_generic else generic[0].box,
    )


_DEAD_REASONS = {
    "empty_href": "an empty href",
    "hash_only": 'href="#"',
    "javascript_href": "a javascript: href",
    "missing_anchor": "a link to an anchor that does not exist",
    "no_host": "a web address without a host",
}


@rule(
    RuleSpec(
        id="cta.dead_link",
        category="cta",
        severity="medium",
        effort="low",
        title="Calls to action that lead nowhere",
        recommendation="Point every call to action at a real destination (a page, a form, an existing anchor); "
        'use a <button> for actions handled by script, never href="#".',
        reference="https://developers.google.com/search/docs/crawling-indexing/links-crawlable",
        escalation="High when a dead call to action sits in the first view outside the navigation.",
        # A script may still handle the click of an href="#" link; the facts cannot see listeners.
        confidence=0.8,
        when_degraded="keep",
    )
)
def dead_link(facts: DeviceFacts, spec: RuleSpec) -> Hit | None:
    dead = [cta for cta in facts.ctas if cta.visible and cta.dead_reason is not None]
    if not dead:
        return None
    reasons = sorted({_DEAD_REASONS[cta.dead_reason] for cta in dead if cta.dead_reason})
    severe = any(cta.above_fold and not cta.in_nav for cta in dead)
    return Hit(
        detail=f"{plural(len(dead), 'call to action', 'calls to action')} {verb(len(dead), 'goes', 'go')} nowhere "
        f"({listing(reasons)}): {listing(label(cta) for cta in dead)}.",
        elements=tuple(cta.id for cta in dead),
        values={"dead_ctas": len(dead), "reasons": sorted({cta.dead_reason for cta in dead if cta.dead_reason})},
        severity="high" if severe else None,
        region=dead[0].box,
    )


RULES = (missing_above_fold, low_contrast, too_many_above_fold, generic_text, dead_link)
