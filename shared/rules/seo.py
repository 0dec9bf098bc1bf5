"""Search snippet basics: the title and description a search result (the page's first ad) is built from.

Both count under the `content` category: they are the page's words, read before the visit.
"""

from __future__ import annotations

from shared.models.facts import DeviceFacts
from shared.rules.spec import Hit, RuleSpec, rule


@rule(
    RuleSpec(
        id="seo.title_missing",
        category="content",
        severity="medium",
        effort="low",
        title="No page title",
        recommendation="Give the page a <title> that names the offer and the brand in about 60 characters; it "
        "is the link text of every search result, tab and bookmark.",
        reference="https://developers.google.com/search/docs/appearance/title-link",
        escalation="Always medium.",
        when_degraded="keep",
    )
)
def title_missing(facts: DeviceFacts, spec: RuleSpec) -> Hit | None:
    if (facts.meta.title or "").strip():
        return None
    state = "empty" if facts.meta.title is not None else "missing"
    return Hit(detail=f"The page's <title> is {state}.", values={"title": state})


@rule(
    RuleSpec(
        id="seo.meta_description_missing",
        category="content",
        severity="low",
        effort="low",
        title="No meta description",
        recommendation='Write a <meta name="description"> of one or two sentences that sells the click; '
        "without it search engines show whatever text they pick from the page.",
        reference="https://developers.google.com/search/docs/appearance/snippet",
        escalation="Always low.",
        when_degraded="keep",
    )
)
def meta_description_missing(facts: DeviceFacts, spec: RuleSpec) -> Hit | None:
    if (facts.meta.description or "").strip():
        return None
    state = "empty" if facts.meta.description is not None else "missing"
    return Hit(detail=f"The page's meta description is {state}.", values={"meta_description": state})


RULES = (title_missing, meta_description_missing)
