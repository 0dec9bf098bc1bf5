"""Keeping only what Claude can point at, and folding what the rules already said into their findings.

Grounded: a model finding names a captured device and cites at least one piece of evidence, and all of
it exists: every element id is in that device's facts, and a region lies inside an image of that device
as sent. One invented id or one region off the image drops the whole finding (counted as rejected).

Duplicate: a grounded model finding M repeats rule finding R when R applies to M's device (R without a
device applies to all) and one of these holds, tried in this order:
  1. M's `same_as` is R's id (Claude said so, and R is in the report);
  2. M and R have the same category and cite at least one common element id;
  3. M and R have the same category and their areas overlap with intersection-over-union >= 0.5, where
     an area is the finding's region, else the bounding box of the elements it cites.
M is then not reported on its own; R is marked `also_flagged_by_llm` (through `merged_into`, which keeps
Claude's highest confidence per rule finding).
"""

from __future__ import annotations

from dataclasses import dataclass

from shared.llm.images import PreparedImage
from shared.llm.schema import ModelFinding
from shared.models.facts import Box, Device, PageFacts
from shared.models.report import Evidence, Finding, Region

DUPLICATE_IOU = 0.5


@dataclass(frozen=True)
class Grounded:
    findings: list[Finding]
    merged_into: dict[str, float]
    rejected: int
    merged: int


@dataclass(frozen=True)
class _Evidence:
    device: Device
    elements: list[str]
    region: Region | None
    screenshot: str | None


def ground(
    proposals: list[ModelFinding], facts: PageFacts, images: list[PreparedImage], rule_findings: list[Finding]
) -> Grounded:
    by_number = {image.number: image for image in images}
    kept: list[Finding] = []
    merged_into: dict[str, float] = {}
    rejected = merged = 0
    for proposal in proposals:
        evidence = _check(proposal, facts, by_number)
        if evidence is None:
            rejected += 1
            continue
        area = evidence.region or _bounding_region(facts, evidence.device, evidence.elements)
        duplicate = _duplicate_of(proposal, evidence, area, rule_findings, facts)
        if duplicate is not None:
            merged += 1
            merged_into[duplicate.id] = max(merged_into.get(duplicate.id, 0.0), proposal.confidence)
            continue
        kept.append(_finding(proposal, evidence, area, len(kept) + 1))
    return Grounded(kept, merged_into, rejected, merged)


def _check(proposal: ModelFinding, facts: PageFacts, images: dict[int, PreparedImage]) -> _Evidence | None:
    device_facts = facts.devices.get(proposal.device)
    if device_facts is None or not (proposal.elements or proposal.region):
        return None
    elements = list(dict.fromkeys(proposal.elements))
    if not set(elements) <= device_facts.element_ids():
        return None
    region = screenshot = None
    if proposal.region is not None:
        image = images.get(proposal.region.image)
        if image is None or image.device != proposal.device:
            return None
        region = image.to_document(proposal.region)
        if region is None:
            return None
        screenshot = image.cut.source.ref.name
    return _Evidence(proposal.device, elements, region, screenshot)


def _duplicate_of(
    proposal: ModelFinding, evidence: _Evidence, area: Region | None, rule_findings: list[Finding], facts: PageFacts
) -> Finding | None:
    applicable = [r for r in rule_findings if r.evidence.device in (None, evidence.device)]
    declared = next((r for r in applicable if r.id == proposal.same_as), None)
    if declared is not None:
        return declared
    same_category = [r for r in applicable if r.category == proposal.category]
    cited = set(evidence.elements)
    sharing = [(len(cited & set(r.evidence.elements)), r) for r in same_category]
    best_shared = max(sharing, key=lambda item: item[0], default=(0, None))
    if best_shared[0] > 0:
        return best_shared[1]
    if area is None:
        return None
    overlaps = [(_iou(area, _rule_area(r, evidence.device, facts)), r) for r in same_category]
    best_overlap = max(overlaps, key=lambda item: item[0], default=(0.0, None))
    return best_overlap[1] if best_overlap[0] >= DUPLICATE_IOU else None


def _rule_area(finding: Finding, device: Device, facts: PageFacts) -> Region | None:
    if finding.region is not None and finding.region.device == device:
        return finding.region
    return _bounding_region(facts, device, finding.evidence.elements)


def _bounding_region(facts: PageFacts, device: Device, element_ids: list[str]) -> Region | None:
    device_facts = facts.devices.get(device)
    if device_facts is None:
        return None
    boxes = [box for box in (device_facts.find_box(element_id) for element_id in element_ids) if box is not None]
    if not boxes:
        return None
    return _union(device, boxes)


def _union(device: Device, boxes: list[Box]) -> Region:
    left = min(box.x for box in boxes)
    top = min(box.y for box in boxes)
    right = max(box.x + box.w for box in boxes)
    bottom = max(box.y + box.h for box in boxes)
    return Region(device=device, x=left, y=top, w=right - left, h=bottom - top)


def _iou(a: Region, b: Region | None) -> float:
    if b is None:
        return 0.0
    width = min(a.x + a.w, b.x + b.w) - max(a.x, b.x)
    height = min(a.y + a.h, b.y + b.h) - max(a.y, b.y)
    if width <= 0 or height <= 0:
        return 0.0
    inter = width * height
    union = a.w * a.h + b.w * b.h - inter
    return inter / union if union > 0 else 0.0


def _finding(proposal: ModelFinding, evidence: _Evidence, area: Region | None, number: int) -> Finding:
    return Finding(
        id=f"llm-{number}",
        rule=f"llm.{proposal.topic}",
        category=proposal.category,
        severity=proposal.severity,
        source="llm",
        title=proposal.title,
        detail=proposal.detail,
        recommendation=proposal.recommendation,
        evidence=Evidence(
            device=evidence.device,
            elements=evidence.elements,
            values={"screenshot": evidence.screenshot} if evidence.screenshot else {},
        ),
        region=area,
        confidence=proposal.confidence,
        effort=proposal.effort,
    )
