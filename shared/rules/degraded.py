"""What the report says about a degraded capture: why, and which rules held back because of it."""

from __future__ import annotations

from shared.models.facts import DEVICES, CaptureQuality, PageFacts
from shared.models.report import ReportQuality
from shared.rules.catalogue import CATALOGUE
from shared.rules.findings import degraded


def describe(quality: CaptureQuality) -> list[str]:
    words = {
        "blank_fold": "the first view rendered as one flat colour",
        "own_requests_failed": f"{quality.own_requests_failed} of {quality.own_requests} requests to the page's own "
        "site failed without an answer",
    }
    return [words[reason] for reason in quality.reasons]


def report_quality(facts: PageFacts) -> ReportQuality:
    devices = [facts.devices[device] for device in DEVICES if device in facts.devices]
    broken = [device for device in devices if degraded(device)]
    if not broken:
        return ReportQuality()
    suppressed: set[str] = set()
    lowered: set[str] = set()
    for item in CATALOGUE:
        if item.spec.when_degraded == "keep":
            continue
        for device in broken:
            if device.device in item.spec.devices and item.run(device) is not None:
                (suppressed if item.spec.when_degraded == "suppress" else lowered).add(item.spec.id)
    return ReportQuality(
        status="degraded",
        reasons=[f"{device.device}: {reason}" for device in broken for reason in describe(device.quality)],
        suppressed_rules=sorted(suppressed),
        lowered_rules=sorted(lowered),
    )
