"""Trust: does the page show that other people already chose it.

(`tech.not_https` also counts under trust; it is declared with the other technical checks.)
"""

from __future__ import annotations

from collections import Counter

from shared.models.facts import DeviceFacts, TrustKind
from shared.rules.spec import Hit, RuleSpec, rule
from shared.rules.wording import listing, plural, verb

SOCIAL_PROOF: frozenset[TrustKind] = frozenset({"testimonial", "rating", "review", "client_logos"})


@rule(
    RuleSpec(
        id="trust.social_proof_missing",
        category="trust",
        severity="medium",
        effort="medium",
        title="No social proof",
        recommendation="Show that others chose you, near the call to action: a short testimonial with a name "
        "and photo, a rating with its count, or the logos of known clients.",
        reference="https://www.nngroup.com/articles/social-proof-ux/",
        escalation="High when the page has no trust signal of any kind (no guarantee, badge or contact either, "
        "and no hidden social proof).",
        # Testimonials and logo strips are found by structure and keywords; one may go unrecognised.
        confidence=0.8,
        when_degraded="suppress",
    )
)
def social_proof_missing(facts: DeviceFacts, spec: RuleSpec) -> Hit | None:
    visible = [signal for signal in facts.trust if signal.visible]
    if any(signal.kind in SOCIAL_PROOF for signal in visible):
        return None
    # Present in the page but not rendered: e.g. star ratings drawn with an icon font that failed.
    hidden = [signal for signal in facts.trust if not signal.visible and signal.kind in SOCIAL_PROOF]
    others = Counter(signal.kind for signal in visible)
    detail = "The page shows no testimonials, ratings, reviews or client logos"
    if hidden:
        detail += f" ({plural(len(hidden), 'signal')} of that kind {verb(len(hidden), 'is', 'are')} in the page "
        detail += "but not visible)"
    if others:
        detail += f"; its only trust signals are {listing(plural(n, kind) for kind, n in sorted(others.items()))}"
    return Hit(
        detail=detail + ".",
        elements=tuple(signal.id for signal in [*visible, *hidden]),
        values={
            "social_proof_signals": 0,
            "hidden_social_proof": len(hidden),
            "other_trust_signals": dict(sorted(others.items())),
        },
        severity=None if others or hidden else "high",
    )


RULES = (social_proof_missing,)
