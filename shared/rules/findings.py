"""Runs the catalogue over the facts of every device and turns hits into report findings.

One finding per (rule, device); when a rule finds exactly the same thing (same detail, elements,
values and severity) on every analysed device, the hits merge into one finding with `device=None`,
id `<rule>:all`. Order is deterministic: catalogue order, then the merged finding or desktop before
mobile.

On a device whose capture is degraded, a rule acts as its spec's `when_degraded` says: suppressed rules
do not run, lowered ones keep their finding at `DEGRADED_CONFIDENCE` times their confidence, marked
`capture_degraded` in its values (shared/rules/degraded.py tells the report which).
"""

from __future__ import annotations

from dataclasses import dataclass

from shared.models.facts import DEVICES, Device, DeviceFacts, PageFacts
from shared.models.report import Evidence, Finding, Region
from shared.rules.catalogue import CATALOGUE
from shared.rules.priority import priority
from shared.rules.spec import Hit, Rule, RuleSpec

DEGRADED_CONFIDENCE = 0.5


@dataclass(frozen=True)
class DeviceHit:
    device: Device
    hit: Hit
    lowered: bool


def degraded(facts: DeviceFacts) -> bool:
    return facts.quality.status == "degraded"


def run_on(item: Rule, facts: DeviceFacts) -> DeviceHit | None:
    """The rule's hit on one device, as the capture's quality allows it."""
    lowered = degraded(facts) and item.spec.when_degraded != "keep"
    if lowered and item.spec.when_degraded == "suppress":
        return None
    hit = item.run(facts)
    return None if hit is None else DeviceHit(facts.device, hit, lowered)


def evaluate(facts: PageFacts) -> list[Finding]:
    devices = [device for device in DEVICES if device in facts.devices]
    findings: list[Finding] = []
    for item in CATALOGUE:
        applicable = [device for device in devices if device in item.spec.devices]
        hits = [found for device in applicable if (found := run_on(item, facts.devices[device])) is not None]
        findings.extend(_findings(item.spec, hits, merge=len(applicable) > 1 and len(hits) == len(applicable)))
    return findings


def _findings(spec: RuleSpec, hits: list[DeviceHit], *, merge: bool) -> list[Finding]:
    first = hits[0] if hits else None
    if merge and first and all(h.hit.same_evidence(first.hit) and h.lowered == first.lowered for h in hits[1:]):
        return [to_finding(spec, first.hit, device=None, region_device=first.device, lowered=first.lowered)]
    return [to_finding(spec, h.hit, device=h.device, region_device=h.device, lowered=h.lowered) for h in hits]


def to_finding(
    spec: RuleSpec, hit: Hit, *, device: Device | None, region_device: Device, lowered: bool = False
) -> Finding:
    """`region_device` is where the region box was measured; a merged finding shows the first device's."""
    region = None
    if hit.region is not None:
        box = hit.region
        region = Region(device=region_device, x=box.x, y=box.y, w=box.w, h=box.h)
    values = dict(hit.values) | ({"capture_degraded": True} if lowered else {})
    finding = Finding(
        id=f"{spec.id}:{device or 'all'}",
        rule=spec.id,
        category=spec.category,
        severity=hit.severity or spec.severity,
        source="rule",
        title=spec.title,
        detail=hit.detail,
        recommendation=spec.recommendation,
        evidence=Evidence(device=device, elements=list(hit.elements), values=values),
        region=region,
        confidence=round(spec.confidence * (DEGRADED_CONFIDENCE if lowered else 1.0), 4),
        effort=spec.effort,
        reference=spec.reference,
    )
    return finding.model_copy(update={"priority": priority(finding)})
