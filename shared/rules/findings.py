"""Runs the catalogue over the facts of every device and turns hits into report findings.

One finding per (rule, device); when a rule finds exactly the same thing (same detail, elements,
values and severity) on every analysed device, the hits merge into one finding with `device=None`,
id `<rule>:all`. Order is deterministic: catalogue order, then the merged finding or desktop before
mobile.
"""

from __future__ import annotations

from shared.models.facts import DEVICES, Device, PageFacts
from shared.models.report import Evidence, Finding, Region
from shared.rules.catalogue import CATALOGUE
from shared.rules.priority import priority
from shared.rules.spec import Hit, RuleSpec


def evaluate(facts: PageFacts) -> list[Finding]:
    devices = [device for device in DEVICES if device in facts.devices]
    findings: list[Finding] = []
    for item in CATALOGUE:
        applicable = [device for device in devices if device in item.spec.devices]
        hits = [(device, hit) for device in applicable if (hit := item.run(facts.devices[device])) is not None]
        findings.extend(_findings(item.spec, hits, merge=len(applicable) > 1 and len(hits) == len(applicable)))
    return findings


def _findings(spec: RuleSpec, hits: list[tuple[Device, Hit]], *, merge: bool) -> list[Finding]:
    if merge and all(hit.same_evidence(hits[0][1]) for _, hit in hits[1:]):
        device, hit = hits[0]
        return [to_finding(spec, hit, device=None, region_device=device)]
    return [to_finding(spec, hit, device=device, region_device=device) for device, hit in hits]


def to_finding(spec: RuleSpec, hit: Hit, *, device: Device | None, region_device: Device) -> Finding:
    """`region_device` is where the region box was measured; a merged finding shows the first device's."""
    region = None
    if hit.region is not None:
        box = hit.region
        region = Region(device=region_device, x=box.x, y=box.y, w=box.w, h=box.h)
    finding = Finding(
        id=f"{spec.id}:{device or 'all'}",
        rule=spec.id,
        category=spec.category,
        severity=hit.severity or spec.severity,
        source="rule",
        title=spec.title,
        detail=hit.detail,
        recommendation=spec.recommendation,
        evidence=Evidence(device=device, elements=list(hit.elements), values=dict(hit.values)),
        region=region,
        confidence=spec.confidence,
        effort=spec.effort,
        reference=spec.reference,
    )
    return finding.model_copy(update={"priority": priority(finding)})
