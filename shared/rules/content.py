"""Content: one clear main heading, a first view that says what is on offer, and no placeholder copy.

`content.value_prop_unclear` is the deterministic half of "is the value proposition clear": it checks
what can be measured (a headline in the first view, its length, enough words to say anything); whether
the words are persuasive is left to the model.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from shared.models.facts import Box, DeviceFacts, Heading
from shared.rules.placeholder_text import PlaceholderKind, placeholder_alt, placeholder_kind
from shared.rules.spec import Hit, RuleSpec, first_viewport, rule
from shared.rules.wording import listing, plural, quoted, sentence, verb

HEADINGS_TUTORIAL = "https://www.w3.org/WAI/tutorials/page-structure/headings/"
# A headline starts in the upper 60% of the first view: a heading whose top edge is lower than that
# opens the next section (agency's "SERVICES" at 841 of 900 px), it does not head the hero.
HEADLINE_ZONE = 0.6
_WORD = re.compile(r"\w+")


def word_count(text: str) -> int:
    return len(_WORD.findall(text))


def headline(facts: DeviceFacts) -> Heading | None:
    """The heading a visitor reads as the headline: among the visible headings starting in the upper
    `HEADLINE_ZONE` of the first view, an H1 if there is one, else the largest (ties: the higher level,
    then the one nearer the top)."""
    zone = HEADLINE_ZONE * facts.layout.viewport_h
    above = [h for h in facts.headings if h.above_fold and h.box.y < zone and h.text.strip()]
    pool = [heading for heading in above if heading.level == 1] or above
    return max(pool, key=lambda h: (h.font_size_px or 0.0, -h.level, -h.box.y), default=None)


def visible_h1s(facts: DeviceFacts) -> list[Heading]:
    return [heading for heading in facts.headings if heading.level == 1 and heading.visible]


@rule(
    RuleSpec(
        id="content.h1_missing",
        category="content",
        severity="medium",
        effort="low",
        title="No main heading (H1)",
        recommendation="Mark the headline that states the offer up as the page's one <h1>; search engines and "
        "screen readers use it to tell what the page is about.",
        reference=HEADINGS_TUTORIAL,
        escalation="Always medium.",
    )
)
def h1_missing(facts: DeviceFacts, spec: RuleSpec) -> Hit | None:
    if visible_h1s(facts):
        return None
    hidden = [heading for heading in facts.headings if heading.level == 1]
    candidate = headline(facts)
    detail = "The page has no visible H1" if hidden else "The page has no H1 element"
    if hidden:
        detail += f" ({plural(len(hidden), 'H1')} hidden on this device)"
    if candidate is not None:
        detail += f"; the headline a visitor sees is an H{candidate.level}, {quoted(candidate.text)}"
    return Hit(
        detail=detail + ".",
        elements=tuple(heading.id for heading in hidden) + ((candidate.id,) if candidate else ()),
        values={"visible_h1": 0, "hidden_h1": len(hidden)},
        region=first_viewport(facts),
    )


@rule(
    RuleSpec(
        id="content.h1_multiple",
        category="content",
        severity="low",
        effort="low",
        title="Several competing H1 headings",
        recommendation="Keep one <h1> for the page's main message and demote the others to <h2>; one headline "
        "reads as one promise.",
        reference="https://developer.mozilla.org/en-US/docs/Web/HTML/Element/Heading_Elements",
        thresholds={"max_h1": 1},
        escalation="Always low.",
    )
)
def h1_multiple(facts: DeviceFacts, spec: RuleSpec) -> Hit | None:
    h1s = visible_h1s(facts)
    if len(h1s) <= spec.threshold("max_h1"):
        return None
    return Hit(
        detail=f"The page shows {len(h1s)} H1 headings: {listing(quoted(heading.text) for heading in h1s)}.",
        elements=tuple(heading.id for heading in h1s),
        values={"visible_h1": len(h1s), "max_h1": int(spec.threshold("max_h1"))},
        region=h1s[1].box,
    )


@rule(
    RuleSpec(
        id="content.value_prop_unclear",
        category="content",
        severity="medium",
        effort="medium",
        title="The first view does not state the offer",
        recommendation="Open with a headline of a few words that says what the visitor gets and why it matters, "
        "with a supporting line beneath it, all inside the first screen.",
        reference="https://www.nngroup.com/articles/scrolling-and-attention/",
        thresholds={
            "headline_zone": HEADLINE_ZONE,
            "min_headline_words": 3,
            "max_headline_words": 20,
            "min_fold_words": 8,
        },
        escalation="Always medium; whether the words persuade is the model's call.",
        # Measurable proxies (presence, length, amount of text) for a qualitative question.
        confidence=0.6,
    )
)
def value_prop_unclear(facts: DeviceFacts, spec: RuleSpec) -> Hit | None:
    shortest, longest = int(spec.threshold("min_headline_words")), int(spec.threshold("max_headline_words"))
    min_fold_words = int(spec.threshold("min_fold_words"))
    top = headline(facts)
    words = word_count(top.text) if top else 0
    fold_words = facts.text.above_fold_word_count
    problems: list[str] = []
    reasons: list[str] = []
    if top is None:
        reasons.append("no_headline")
        problems.append("no heading stands at the top of the first view")
    elif words < shortest:
        reasons.append("headline_too_short")
        problems.append(f"the headline {quoted(top.text)} has {plural(words, 'word')} (fewer than {shortest})")
    elif words > longest:
        reasons.append("headline_too_long")
        problems.append(f"the headline has {words} words (more than {longest}), too many to take in at a glance")
    if fold_words < min_fold_words:
        reasons.append("too_little_text")
        problems.append(f"the first view holds only {plural(fold_words, 'word')} (fewer than {min_fold_words})")
    if not problems:
        return None
    return Hit(
        detail=sentence("; ".join(problems)) + ".",
        elements=(top.id,) if top else (),
        values={
            "reasons": reasons,
            "headline_words": words,
            "above_fold_words": fold_words,
            "min_headline_words": shortest,
            "max_headline_words": longest,
            "min_fold_words": min_fold_words,
        },
        region=first_viewport(facts),
    )


# Where placeholder copy stands, most damaging first: what every visitor reads (the headline, a call to
# action, the first view) and social proof that reads as invented, then the rest of the copy, then alt text.
PLACES: dict[str, tuple[str, str]] = {
    "headline": ("headline", "headlines"),
    "cta": ("call to action", "calls to action"),
    "testimonial": ("testimonial", "testimonials"),
    "first_view": ("text in the first view", "texts in the first view"),
    "heading": ("heading", "headings"),
    "copy": ("text block", "text blocks"),
    "alt": ("image", "images"),
}
PROMINENT_PLACES = frozenset({"headline", "cta", "testimonial", "first_view"})
# A template can hold a hundred filler paragraphs: the most prominent ones show where they are.
MAX_CITED = 20


@dataclass(frozen=True)
class Placeholder:
    id: str
    place: str
    kind: PlaceholderKind | Literal["placeholder_alt"]
    text: str
    box: Box


def _across(box: Box, width: int) -> bool:
    """Wholly inside the page's width: not slid out of view to the left or right."""
    return box.x >= 0 and box.x + box.w <= width


def _heading_place(heading: Heading, top: Heading | None) -> str:
    if heading.level == 1 or (top is not None and heading.id == top.id):
        return "headline"
    return "first_view" if heading.above_fold else "heading"


def placeholders(facts: DeviceFacts, spec: RuleSpec) -> list[Placeholder]:
    """Every visible placeholder text, most prominent place first and, within a place, what is in view
    first: one per distinct text in a place (a carousel repeats its slides), one per image for alt texts."""
    latin = {
        "min_latin_words": int(spec.threshold("min_latin_words")),
        "min_latin_share": spec.threshold("min_latin_share"),
    }
    top = headline(facts)
    texts: list[tuple[str, str, str, Box]] = []
    for heading in facts.headings:
        if heading.visible:
            texts.append((heading.id, _heading_place(heading, top), heading.text, heading.box))
    # An image link's label is its picture: its alt text is judged as alt text.
    texts += [(cta.id, "cta", cta.text, cta.box) for cta in facts.ctas if cta.visible and cta.kind != "image_link"]
    for block in facts.text_blocks:
        if block.visible:
            place = "testimonial" if block.in_testimonial else "first_view" if block.above_fold else "copy"
            texts.append((block.id, place, block.text, block.box))
    width = facts.layout.viewport_w
    found: dict[tuple[str, str], Placeholder] = {}
    for element_id, place, text, box in texts:
        kind = placeholder_kind(text, **latin)
        seen = found.get((place, text))
        # Of a carousel's copies of one slide, cite one a visitor sees, not a clone parked off-screen.
        if kind is not None and (seen is None or (not _across(seen.box, width) and _across(box, width))):
            found[(place, text)] = Placeholder(element_id, place, kind, text, box)
    for image in facts.images:
        if not image.visible or image.decorative or image.alt is None:
            continue
        # Every image counts: each one needs its own description.
        if placeholder_alt(image.alt, image.src) or placeholder_kind(image.alt, **latin) is not None:
            found[("alt", image.id)] = Placeholder(image.id, "alt", "placeholder_alt", image.alt, image.box)
    order = list(PLACES)
    return sorted(found.values(), key=lambda item: (order.index(item.place), not _across(item.box, width)))


@rule(
    RuleSpec(
        id="content.placeholder_copy",
        category="content",
        severity="medium",
        effort="low",
        title="Placeholder copy left on the page",
        recommendation='Replace every lorem ipsum and template text ("Card title", "Your Company") with real '
        "copy about the offer, and describe each image in its alt text; filler makes a page look unfinished, "
        "and an unfinished page is not trusted with an order.",
        reference="https://www.nngroup.com/articles/trustworthy-design/",
        thresholds={"min_latin_words": 4, "min_latin_share": 0.6},
        escalation="High when it is in the headline, a call to action, a testimonial or the first view (every "
        "visitor reads it, or the social proof reads as invented); low when only image alt texts are "
        "placeholders.",
        # Latin filler is told by vocabulary: a page really written in Latin would be taken for it.
        confidence=0.9,
    )
)
def placeholder_copy(facts: DeviceFacts, spec: RuleSpec) -> Hit | None:
    found = placeholders(facts, spec)
    if not found:
        return None
    by_place: dict[str, list[Placeholder]] = {}
    for item in found:
        by_place.setdefault(item.place, []).append(item)
    parts = [
        f"{plural(len(items), *PLACES[place])} ({quoted(items[0].text)})"
        for place, items in by_place.items()
        if place != "alt"
    ]
    alts = by_place.get("alt", [])
    sentences = [f"Lorem ipsum or template filler stands in {listing(parts)}"] if parts else []
    if alts:
        described = listing(quoted(item.text) for item in alts)
        have = verb(len(alts), "has", "have")
        sentences.append(f"{plural(len(alts), *PLACES['alt'])} {have} placeholder alt text: {described}")
    if by_place.keys() & PROMINENT_PLACES:
        severity = "high"
    elif parts:
        severity = None
    else:
        severity = "low"
    return Hit(
        detail="; ".join(sentences) + ".",
        elements=tuple(item.id for item in found[:MAX_CITED]),
        values={
            "by_place": {place: len(items) for place, items in by_place.items()},
            "kinds": sorted({item.kind for item in found}),
            "min_latin_words": int(spec.threshold("min_latin_words")),
            "min_latin_share": spec.threshold("min_latin_share"),
        },
        severity=severity,
        region=found[0].box,
    )


RULES = (h1_missing, h1_multiple, value_prop_unclear, placeholder_copy)
