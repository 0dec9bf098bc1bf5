"""Content: one clear main heading, a first view that says what is on offer, and no placeholder copy.

`content.value_prop_unclear` is the deterministic half of "is the value proposition clear": it checks
what can be measured on the headline a visitor sees (the most prominent text of the first view, whatever
its tag, never the logo): that there is one, that it is not a greeting or the brand's name alone, that it
has enough words to say anything and not too many to read, and that the first view holds some text. A
product page states its offer with the product's name and price. Whether the words persuade is left to
the model.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from shared.models.facts import Box, DeviceFacts, Heading, Price, TextBlock
from shared.rules.placeholder_text import PlaceholderKind, placeholder_alt, placeholder_kind
from shared.rules.spec import Hit, RuleSpec, first_viewport, rule
from shared.rules.wording import listing, plural, quoted, sentence, verb

HEADINGS_TUTORIAL = "https://www.w3.org/WAI/tutorials/page-structure/headings/"
# A headline starts in the upper 75% of the first view: lower down, text opens the next section (agency's
# "SERVICES" at 841 of 900 px); a phone hero often puts its illustration above the headline (Arsha's at
# 482 of 844 px).
HEADLINE_ZONE = 0.75
# A headline is set larger than the page's body text (its median font size).
MIN_HEADLINE_SCALE = 1.25
_WORD = re.compile(r"\w+")
_SQUASH = re.compile(r"[\W_]+")
# A greeting at the start of a headline ("Welcome", "Hello, and welcome", "It's nice to meet you"; not the
# "Hi" of "Hi-Fi"), and the filler after it ("to the", "to our").
_GREETING = re.compile(
    r"^(?:(?:(?:hello|hi|hey)(?: there)?|howdy|greetings|welcome(?: back)?|and|"
    r"(?:it'?s |we'?re )?(?:so )?(?:nice|good|great|glad|happy) to (?:meet|see|have) you)\b(?![-'’]\w)[\s,.!:;–—-]*)+",
    re.IGNORECASE,
)
_FILLER = re.compile(r"^(?:(?:to|at|on|in|the|our|my|this)\b\s*)+", re.IGNORECASE)
# What a greeting may add and still name no offer: "Welcome to Siimple", "Welcome to our studio".
MAX_GREETING_REST_WORDS = 2
# Title parts that name the page, not the site: the other part of "Acme - Home" is the brand.
_TITLE_SEPARATOR = re.compile(r"\s+[|\-–—·:]\s+|:\s+")
_PAGE_NAMES = {"home", "homepage", "home page", "index", "welcome", "main page", "official site", "official website"}


def word_count(text: str) -> int:
    return len(_WORD.findall(text))


def squashed(text: str) -> str:
    """Letters and digits only, case-folded: "BizLand." and "BIZLAND" are one name."""
    return _SQUASH.sub("", text.casefold())


def headline(facts: DeviceFacts) -> TextBlock | None:
    """The text a visitor reads as the headline: the most prominent text block (largest, then boldest, then
    highest; capture lists them in that order) that starts in the upper `HEADLINE_ZONE` of the first view
    and is set at least `MIN_HEADLINE_SCALE` times the body text."""
    zone = HEADLINE_ZONE * facts.layout.viewport_h
    body_px = facts.text.median_font_px or 0.0
    return next(
        (
            block
            for block in facts.first_view.text_blocks
            if block.visible
            and block.box.y < zone
            and block.font_size_px >= MIN_HEADLINE_SCALE * body_px
            and word_count(block.text)
        ),
        None,
    )


def brand_names(facts: DeviceFacts) -> set[str]:
    """The site's name, squashed: its logo's text, og:site_name, and the title's brand part ("Acme" in
    "Acme - Home")."""
    names = [facts.meta.site_name, facts.first_view.logo.text if facts.first_view.logo else None]
    parts = [part.strip() for part in _TITLE_SEPARATOR.split(facts.meta.title or "")]
    page_parts = [part for part in parts if part.casefold() in _PAGE_NAMES]
    if len(parts) == 2 and len(page_parts) == 1:
        names += [part for part in parts if part not in page_parts]
    return {squashed(name) for name in names if name and squashed(name)}


def brand_reason(text: str, brands: set[str]) -> str | None:
    """Why a headline names no offer: it is the brand's name ("brand"), a greeting and the brand ("greeting
    and brand": "Welcome to Acme"), or a greeting with at most a couple of words after it ("greeting":
    "Welcome to our studio", "It's nice to meet you"); None when it says more."""
    if squashed(text) in brands:
        return "brand"
    greeting = _GREETING.match(text)
    if not greeting:
        return None
    rest = _FILLER.sub("", text[greeting.end() :]).strip()
    if rest and squashed(rest) in brands:
        return "greeting and brand"
    return "greeting" if word_count(rest) <= MAX_GREETING_REST_WORDS else None


NAMING_PROBLEMS = {
    "brand": "names the brand, not the offer",
    "greeting and brand": "greets the visitor and names the brand, not the offer",
    "greeting": "is a greeting; it does not say what is on offer",
}


def box_gap(a: Box, b: Box) -> float:
    """Vertical distance between two boxes, 0 when they overlap in height."""
    return max(0.0, a.y - (b.y + b.h), b.y - (a.y + a.h))


def visible_h1s(facts: DeviceFacts) -> list[Heading]:
    return [heading for heading in facts.headings if heading.level == 1 and heading.visible]


def described(block: TextBlock) -> str:
    kind = f"an H{block.level}" if block.level else f"a <{block.tag}>"
    return f"{kind}, {quoted(block.text)}"


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
        when_degraded="suppress",
    )
)
def h1_missing(facts: DeviceFacts, spec: RuleSpec) -> Hit | None:
    """An H1 that only holds the logo heads nothing: the page still lacks its main heading."""
    shown = visible_h1s(facts)
    if any(not heading.brand for heading in shown):
        return None
    hidden = [heading for heading in facts.headings if heading.level == 1 and not heading.visible]
    candidate = headline(facts)
    if shown:
        detail = f"The page's only visible H1 is the logo, {listing(quoted(heading.text) for heading in shown)}"
    elif hidden:
        detail = f"The page has no visible H1 ({plural(len(hidden), 'H1')} hidden on this device)"
    else:
        detail = "The page has no H1 element"
    if candidate is not None:
        detail += f"; the headline a visitor sees is {described(candidate)}"
    return Hit(
        detail=detail + ".",
        elements=tuple(heading.id for heading in shown + hidden) + ((candidate.id,) if candidate else ()),
        values={"visible_h1": len(shown), "hidden_h1": len(hidden), "logo_h1": len(shown)},
        region=first_viewport(facts),
    )


@rule(
    RuleSpec(
        id="content.h1_multiple",
        category="content",
        severity="low",
        effort="low",
        title="Several competing H1 headings",
        recommendation="Keep one <h1> for the page's main message and demote the others to <h2> (a logo needs "
        "no heading at all); one headline reads as one promise.",
        reference="https://developer.mozilla.org/en-US/docs/Web/HTML/Element/Heading_Elements",
        thresholds={"max_h1": 1},
        escalation="Always low.",
        when_degraded="keep",
    )
)
def h1_multiple(facts: DeviceFacts, spec: RuleSpec) -> Hit | None:
    """A logo marked up as an H1 beside the hero's H1 counts: two H1s tell search engines and screen readers
    of two main topics, one of them the site's name."""
    h1s = visible_h1s(facts)
    if len(h1s) <= spec.threshold("max_h1"):
        return None
    logos = [heading for heading in h1s if heading.brand]
    detail = f"The page shows {len(h1s)} H1 headings: {listing(quoted(heading.text) for heading in h1s)}"
    if logos:
        detail += f"; {listing(quoted(heading.text) for heading in logos)} is the logo"
    return Hit(
        detail=detail + ".",
        elements=tuple(heading.id for heading in h1s),
        values={"visible_h1": len(h1s), "logo_h1": len(logos), "max_h1": int(spec.threshold("max_h1"))},
        region=(logos or h1s[1:])[0].box,
    )


@rule(
    RuleSpec(
        id="content.value_prop_unclear",
        category="content",
        severity="medium",
        effort="medium",
        title="The first view does not state the offer",
        recommendation="Open with a headline of a few words that says what the visitor gets and why it matters, "
        "with a supporting line beneath it, all inside the first screen; a greeting or the brand's name leaves "
        "the visitor to guess.",
        reference="https://www.nngroup.com/articles/scrolling-and-attention/",
        thresholds={
            "headline_zone": HEADLINE_ZONE,
            "min_headline_scale": MIN_HEADLINE_SCALE,
            "max_greeting_rest_words": MAX_GREETING_REST_WORDS,
            "min_headline_words": 3,
            "max_headline_words": 20,
            "min_fold_words": 8,
            "max_price_gap_px": 200,
        },
        escalation="Always medium; whether the words persuade is the model's call.",
        # Measurable proxies (prominence, greeting and brand words, length, amount of text) for a
        # qualitative question.
        confidence=0.6,
        when_degraded="suppress",
    )
)
def value_prop_unclear(facts: DeviceFacts, spec: RuleSpec) -> Hit | None:
    shortest, longest = int(spec.threshold("min_headline_words")), int(spec.threshold("max_headline_words"))
    min_fold_words = int(spec.threshold("min_fold_words"))
    top = headline(facts)
    naming = brand_reason(top.text, brand_names(facts)) if top else None
    # A greeting is no product's name, whatever price stands beside it.
    if top is not None and not naming and product_price(facts, top, spec.threshold("max_price_gap_px")):
        return None
    words = word_count(top.text) if top else 0
    fold_words = facts.text.above_fold_word_count
    logo = facts.first_view.logo
    problems: list[str] = []
    reasons: list[str] = []
    cited: tuple[str, ...] = (top.id,) if top else ()
    if top is None:
        reasons.append("no_headline")
        problems.append("no text at the top of the first view stands out as a headline")
    elif naming:
        reasons.append("headline_names_brand" if naming == "brand" else "headline_is_greeting")
        problems.append(f"the headline {quoted(top.text)} {NAMING_PROBLEMS[naming]}")
        cited += (logo.id,) if logo and naming != "greeting" else ()
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
        elements=cited,
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


def product_price(facts: DeviceFacts, top: TextBlock, max_gap_px: float) -> Price | None:
    """A price shown beside the headline: the headline is a product's name, and name and price state the
    offer, however few words the name has."""
    return next(
        (price for price in facts.first_view.prices if price.visible and box_gap(price.box, top.box) <= max_gap_px),
        None,
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


def _heading_place(heading: Heading, top: TextBlock | None) -> str:
    # The headline a visitor reads is a first-view text block; a heading is it when it is the same box.
    if heading.level == 1 or (top is not None and heading.box == top.box):
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
    for block in facts.copy_blocks:
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
        when_degraded="keep",
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
