"""What the Claude step hands to the report: grounded findings, merges, summary, and how it went."""

from __future__ import annotations

from dataclasses import dataclass, field

from shared.models.report import Finding, LlmInfo, Uplift


@dataclass(frozen=True)
class LlmVerdict:
    info: LlmInfo
    findings: list[Finding] = field(default_factory=list)
    merged_into: dict[str, float] = field(default_factory=dict)
    summary: str | None = None
    actions: list[str] = field(default_factory=list)
    uplift: Uplift | None = None

    @classmethod
    def without_review(cls, info: LlmInfo) -> LlmVerdict:
        """Rules-only: Claude was off, or failed; `info` says which and why."""
        return cls(info=info)
