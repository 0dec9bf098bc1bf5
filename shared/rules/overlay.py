"""Overlays: cookie banners, modals, sign-up boxes and loading screens that cover the page a visitor came to see.

Severity follows Google's guidance on intrusive interstitials: what hides the content (a modal, a
newsletter box, a loading screen that never goes away) costs the visit, a consent banner that a legal
obligation asks for is acceptable while it stays a reasonable bar. Overlays that appear after loading
(capture watches for them, shared/capture/overlay_watch.py) count like those there on arrival: the visitor
meets them within seconds.

Counted under the `mobile` category: the guidance is written for mobile, where an overlay takes the
largest share of the screen; the rule still runs on desktop, since a modal covering half of a desktop first
view blocks just the same.
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
    "preloader": "loading screen",
    "other": "overlay",
}
_POSITION_NAMES = {
    "full": "over the whole screen",
    "top": "as a bar along the top",
    "bottom": "as a bar along the bottom",
    "center": "in the middle of the screen",
    "corner": "in a corner",
}
_ORDER: list[Severity] = ["high", "medium", "low"]


def overlay_severity(overlay: Overlay, spec: RuleSpec) -> Severity:
    """A consent banner: low, medium once it covers half the first view (a consent wall). Anything else:
    low from `min_coverage`, medium from `medium_coverage`, high from `severe_coverage`."""
    severe = overlay.coverage >= spec.threshold("severe_coverage")
    if overlay.kind == "cookie_banner":
        return "medium" if severe else "low"
    if severe:
        return "high"
    return "medium" if overlay.coverage >= spec.threshold("medium_coverage") else "low"


def describe(overlay: Overlay) -> str:
    when = "appears shortly after loading and " if overlay.late else ""
    text = f"a {_KIND_NAMES[overlay.kind]} {when}covers {overlay.coverage:.0%} {_POSITION_NAMES[overlay.position]}"
    if not overlay.dismissible and overlay.kind != "preloader":
        text += " with no visible control to close it"
    return text


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
        thresholds={"min_coverage": 0.15, "medium_coverage": 0.3, "severe_coverage": 0.5},
        escalation="Low from 15% of the first view, medium from 30%, high from 50%; a cookie banner stays low "
        "until it covers 50% (then medium).",
        when_degraded="suppress",
    )
)
def blocks_first_view(facts: DeviceFacts, spec: RuleSpec) -> Hit | None:
    blocking = [overlay for overlay in facts.overlays if overlay.coverage >= spec.threshold("min_coverage")]
    if not blocking:
        return None
    blocking.sort(key=lambda overlay: (-overlay.coverage, overlay.id))
    severity = min((overlay_severity(overlay, spec) for overlay in blocking), key=_ORDER.index)
    return Hit(
        detail=f"In the first view, {listing(describe(overlay) for overlay in blocking)}.",
        elements=tuple(overlay.id for overlay in blocking),
        values={
            "overlays": [
                {
                    "id": o.id,
                    "kind": o.kind,
                    "coverage": round(o.coverage, 3),
                    "position": o.position,
                    "dismissible": o.dismissible,
                    "late": o.late,
                }
                for o in blocking
            ],
            "min_coverage": spec.threshold("min_coverage"),
            "medium_coverage": spec.threshold("medium_coverage"),
            "severe_coverage": spec.threshold("severe_coverage"),
        },
        severity=severity,
        region=blocking[0].box,
    )


RULES = (blocks_first_view,)
