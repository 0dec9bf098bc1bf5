"""The rule catalogue, in the order findings are reported (ARCHITECTURE.md section 7)."""

from __future__ import annotations

from shared.rules import accessibility, content, cta, forms, mobile, overlay, performance, seo, technical, trust
from shared.rules.spec import Rule, RuleSpec

CATALOGUE: tuple[Rule, ...] = (
    *cta.RULES,
    *forms.RULES,
    *trust.RULES,
    *content.RULES,
    *seo.RULES,
    *mobile.RULES,
    *overlay.RULES,
    *performance.RULES,
    *technical.RULES,
    *accessibility.RULES,
)

SPECS: dict[str, RuleSpec] = {item.spec.id: item.spec for item in CATALOGUE}
if len(SPECS) != len(CATALOGUE):
    raise RuntimeError("two rules share an id")
