"""The deterministic CRO rule catalogue: page facts in, findings out (and scores, and priorities).

Each rule is a `RuleSpec` (id, category, severity, effort, thresholds, wording, public source) bound to
one pure check function; `shared.rules.catalogue` lists them in report order. `evaluate` is the entry
point the engine calls; `scoring.compute_scores` and `priority.rank` serve the report assembly.

`RULES_VERSION` (shared/version.py, beside the analyser's) moves whenever a rule, threshold, wording,
category, severity or formula changes: it is part of the cache fingerprint, so a changed catalogue never
serves a report made by the old one.
"""

from __future__ import annotations

from shared.rules.findings import evaluate
from shared.version import RULES_VERSION

__all__ = ["RULES_VERSION", "evaluate"]
