"""How a rule is declared: one frozen `RuleSpec` (id, category, severity, effort, thresholds, wording,
source) next to one pure check function, like a Lighthouse audit with its own threshold and doc link.

A check sees the facts of one device and returns a `Hit` (what it measured, which elements, how bad)
or None; turning hits into report findings (ids, regions, merging identical devices, priority) is
`shared.rules.findings`' job, so checks stay small and testable on their own.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal

from shared.models.facts import DEVICES, Box, Device, DeviceFacts
from shared.models.report import Category, Effort, Severity

# What a rule does on a device whose capture is degraded (shared/capture/quality.py: a blank first view, the
# page's own files not arriving): "suppress" for rules that would read the missing content as the page's
# fault (an absence, a first-view judgement, a metric of a broken load); "lower" for measurements that
# still see something real but maybe not as styled; "keep" for what the markup says either way.
WhenDegraded = Literal["keep", "lower", "suppress"]


def _frozen(values: Mapping[str, float]) -> Mapping[str, float]:
    return MappingProxyType(dict(values))


@dataclass(frozen=True)
class RuleSpec:
    """Everything a reader needs to know about a rule, in one place.

    `thresholds` are the numbers the check compares against (each also lands in the finding's
    `evidence.values`, so a reader sees the measured value next to the line it crossed);
    `escalation` says in words when the severity rises above `severity`; `confidence` is below 1.0
    only where the check relies on a heuristic the facts cannot settle (it lowers the priority);
    `when_degraded` says what happens to its findings on a degraded capture (see `WhenDegraded`).
    """

    id: str
    category: Category
    severity: Severity
    effort: Effort
    title: str
    recommendation: str
    reference: str
    thresholds: Mapping[str, float] = field(default_factory=dict)
    escalation: str = ""
    devices: tuple[Device, ...] = DEVICES
    confidence: float = 1.0
    when_degraded: WhenDegraded = "lower"

    def __post_init__(self) -> None:
        object.__setattr__(self, "thresholds", _frozen(self.thresholds))
        if not 0 < self.confidence <= 1:
            raise ValueError(f"{self.id}: confidence must be in (0, 1]")

    def threshold(self, name: str) -> float:
        return self.thresholds[name]


@dataclass(frozen=True)
class Hit:
    """What a check found on one device.

    `detail` states the measured fact in plain words, without naming the device (the finding's
    evidence carries it, and identical hits on every device merge into one finding). `region` is
    the box of the main cited element, the first viewport for findings about the fold, or None for
    page-wide absences (no meta description, no social proof).
    """

    detail: str
    elements: tuple[str, ...] = ()
    values: Mapping[str, Any] = field(default_factory=dict)
    severity: Severity | None = None
    region: Box | None = None

    def same_evidence(self, other: Hit) -> bool:
        return (
            self.detail == other.detail
            and self.elements == other.elements
            and dict(self.values) == dict(other.values)
            and self.severity == other.severity
        )


Check = Callable[[DeviceFacts, RuleSpec], Hit | None]


@dataclass(frozen=True)
class Rule:
    spec: RuleSpec
    check: Check

    def run(self, facts: DeviceFacts) -> Hit | None:
        return self.check(facts, self.spec)


def rule(spec: RuleSpec) -> Callable[[Check], Rule]:
    """Binds a check to its spec: `@rule(RuleSpec(...))` above `def check(facts, spec)`."""

    def bind(check: Check) -> Rule:
        return Rule(spec=spec, check=check)

    return bind


def first_viewport(facts: DeviceFacts) -> Box:
    """The region of fold findings: what a visitor sees before scrolling."""
    return Box(x=0, y=0, w=facts.layout.viewport_w, h=facts.layout.viewport_h)
