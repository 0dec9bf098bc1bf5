"""`python -m shared.rules` prints the rule catalogue as a Markdown table, for the README.

The table is generated from the specs, so the documentation cannot drift from what the rules do.
"""

from __future__ import annotations

from shared.rules import RULES_VERSION
from shared.rules.catalogue import CATALOGUE
from shared.rules.cta import GENERIC_CTA_TEXTS
from shared.rules.placeholder_text import LOREM_WORDS, PLACEHOLDER_ALTS, TEMPLATE_TEXTS


def catalogue_markdown() -> str:
    lines = [
        f"Rules version {RULES_VERSION}. Severity is the default; 'escalates' says when it rises; 'degraded "
        "capture' says what a rule does on a device whose capture went wrong (a blank first view, the page's own "
        "files not arriving): suppress (holds back), lower (half the confidence) or keep.",
        "",
        "| rule | category | severity | effort | confidence | thresholds | escalates | degraded capture | source |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for item in CATALOGUE:
        spec = item.spec
        thresholds = ", ".join(f"{name} {_number(value)}" for name, value in spec.thresholds.items()) or "-"
        devices = "" if len(spec.devices) > 1 else f" ({', '.join(spec.devices)} only)"
        lines.append(
            f"| `{spec.id}`{devices} | {spec.category} | {spec.severity} | {spec.effort} | {spec.confidence:g} | "
            f"{thresholds} | {spec.escalation} | {spec.when_degraded} | {spec.reference} |"
        )
    lines += ["", "Generic CTA labels: " + _quoted(GENERIC_CTA_TEXTS) + "."]
    lines += [
        "",
        f"Placeholder copy: lorem ipsum (the phrase, or a text of Latin filler by a vocabulary of {len(LOREM_WORDS)} "
        "words, `shared/rules/placeholder_text.py`), template texts "
        + _quoted(TEMPLATE_TEXTS)
        + ", and alt texts "
        + _quoted(PLACEHOLDER_ALTS)
        + ", punctuation only, or a file name.",
    ]
    return "\n".join(lines)


def _quoted(texts: frozenset[str]) -> str:
    return ", ".join(f'"{text}"' for text in sorted(texts))


def _number(value: float) -> str:
    """`2731010` rather than `2.73101e+06`: thresholds are read by people."""
    return f"{value:,.0f}" if value == int(value) and abs(value) >= 10_000 else f"{value:g}"


if __name__ == "__main__":
    print(catalogue_markdown())
