"""Overlays: cookie banners, modals and sign-up boxes that cover the page a visitor came to see.

Counted under the `mobile` category: Google's interstitial guidance is written for mobile, where an
overlay takes the largest share of the screen; the rule still runs on desktop, since a modal covering
half of a desktop first view blocks just the same.
"""

from __future__ import annotations

from shared.models.facts import DeviceFacts, Overlay
from shared.models.report import Severity
from shared.rules.spec import Hit, RuleSpec, rule
from shared.rules.wording import listing

_KIND_NAMES = {
    "cookie_banner": "cookie banner",
    "modal": "modal",
    "chat": "chat widget",
    "newsletter": "newsletter box",
    "other": "overlay",
}
_MILDER: dict[Severity, Severity] = {"high": "medium", "medium": "low", "low": "low"}


def overlay_severity(overlay: Overlay, spec: RuleSpec) -> Severity:
    """High from half the first view, medium from 30%; a cookie banner one step milder, since Google's
    guidance accepts consent banners that use a reasonable amount of the screen."""
    severity: Severity = "high" if overlay.coverage >= spec.threshold("severe_coverage") else "medium"
    return _MILDER[severity] if overlay.kind == "cookie_banner" else severity


@rule(
    RuleSpec(
        id="overlay.blocks_first_view",
        category="mobile",
        severity="medium",
        effort="low",
        title="An overlay covers the first view",
        recommendation="Do not open modals on arrival; show consent as a slim bar at the edge of the screen and "
        "offer newsletters or chat after the visitor has engaged, in a space that leaves the content readable.",
        reference="https://developers.google.com/search/docs/appearance/avoid-intrusive-interstitials",
        thresholds={"min_coverage": 0.3, "severe_coverage": 0.5},
        escalation="High from 50% coverage; one step milder for cookie banners.",
    )
)
def blocks_first_view(facts: DeviceFacts, spec: RuleSpec) -> Hit | None:
    blocking = [overlay for overlay in facts.overlays if overlay.coverage >= spec.threshold("min_coverage")]
    if not blocking:
        return None
    blocking.sort(key=lambda overlay: (-overlay.coverage, overlay.id))
    order: list[Severity] = ["high", "medium", "low"]
    severity = min((overlay_severity(overlay, spec) for overlay in blocking), key=order.index)
    described = [f"a {_KIND_NAMES[overlay.kind]} covering {overlay.coverage:.0%}" for overlay in blocking]
    return Hit(
        detail=f"On arrival, {listing(described)} of the first view.",
        elements=tuple(overlay.id for overlay in blocking),
        values={
            "overlays": [{"id": o.id, "kind": o.kind, "coverage": round(o.coverage, 3)} for o in blocking],
            "min_coverage": spec.threshold("min_coverage"),
            "severe_coverage": spec.threshold("severe_coverage"),
        },
        severity=severity,
        region=blocking[0].box,
    )


RULES = (blocks_first_view,)
