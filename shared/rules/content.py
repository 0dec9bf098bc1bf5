"""Content: one clear main heading, and a first view that says what is on offer.

`content.value_prop_unclear` is the deterministic half of "is the value proposition clear": it checks
what can be measured (a headline in the first view, its length, enough words to say anything); whether
the words are persuasive is left to the model.
"""

from __future__ import annotations

import re

from shared.models.facts import DeviceFacts, Heading
from shared.rules.spec import Hit, RuleSpec, first_viewport, rule
from shared.rules.wording import listing, plural, quoted, sentence

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
        when_degraded="suppress",
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
        when_degraded="keep",
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
        when_degraded="suppress",
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


RULES = (h1_missing, h1_multiple, value_prop_unclear)
