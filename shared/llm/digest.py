"""The measured facts and the rule findings, as compact text Claude can cite from.

Only what our instruments produced goes here: ids, kinds, boxes, flags and numbers. Anything the page
author wrote (headings, button labels, alt text, URLs, titles) is left to `page_text`, inside the
untrusted delimiters. Elements are written `device/id` so a citation names both halves of its key.
"""

from __future__ import annotations

from collections.abc import Iterable

from shared.models.facts import (
    INPUT_TYPES,
    Control,
    CopyBlock,
    Cta,
    Device,
    DeviceFacts,
    Element,
    Form,
    FormField,
    Heading,
    Image,
    Logo,
    Overlay,
    PageFacts,
    Price,
    TextBlock,
    TrustSignal,
)
from shared.models.report import Finding

SEVERITY_ORDER = {"high": 0, "medium": 1, "low": 2}


# A finding's first few elements show its evidence; all 36 unnamed icon links of one would fill the digest.
CITED_PER_FINDING = 5


def cited_ids(findings: Iterable[Finding], facts: PageFacts) -> dict[Device, set[str]]:
    """Element ids the rule findings cite (their first `CITED_PER_FINDING`), per device (a finding without
    a device cites on every device)."""
    cited: dict[Device, set[str]] = {device: set() for device in facts.devices}
    for finding in findings:
        devices = [finding.evidence.device] if finding.evidence.device else list(facts.devices)
        for device in devices:
            if device in cited:
                cited[device].update(finding.evidence.elements[:CITED_PER_FINDING])
    return cited


def select_elements(facts: PageFacts, rule_findings: list[Finding], limit: int) -> dict[Device, list[Element]]:
    """Per device, the elements worth Claude's tokens, at most `limit`, in document order.

    Cited ones first (so every rule finding's evidence is visible), then rendered before hidden (closed
    modals), then what a visitor sees first, then the kinds that drive conversion before decorative images.
    """
    cited = cited_ids(rule_findings, facts)
    kind_rank = {Heading: 0, Cta: 1, Form: 2, FormField: 3, TrustSignal: 4, Overlay: 5, Image: 6}
    selected: dict[Device, list[Element]] = {}
    for device, device_facts in facts.devices.items():
        ranked = sorted(
            device_facts.elements(),
            key=lambda e: (
                e.id not in cited[device],
                not e.visible,
                not e.above_fold,
                kind_rank.get(type(e), 7),
                e.box.y,
                e.box.x,
            ),
        )
        selected[device] = sorted(ranked[:limit], key=lambda e: (e.box.y, e.box.x))
    return selected


def facts_digest(facts: PageFacts, listed: dict[Device, list[Element]]) -> str:
    sections = [_device_section(device_facts, listed[device]) for device, device_facts in facts.devices.items()]
    return "Measured facts (boxes are x,y,w,h in CSS px from the document's top-left; fold = above the fold):\n" + (
        "\n\n".join(sections)
    )


def findings_digest(rule_findings: list[Finding], limit: int) -> str:
    if not rule_findings:
        return "Rule findings already reported: none."
    ordered = sorted(rule_findings, key=lambda f: (SEVERITY_ORDER[f.severity], f.id))[:limit]
    lines = [f"Rule findings already reported ({len(rule_findings)}; id | severity | title | elements):"]
    for finding in ordered:
        prefix = f"{finding.evidence.device}/" if finding.evidence.device else ""
        elements = " ".join(prefix + element for element in finding.evidence.elements) or "-"
        lines.append(f"{finding.id} | {finding.severity} | {_clip(finding.title, 90)} | {elements}")
    if len(rule_findings) > len(ordered):
        lines.append(f"({len(rule_findings) - len(ordered)} lower-severity rule findings not listed)")
    return "\n".join(lines)


def _device_section(facts: DeviceFacts, elements: list[Element]) -> str:
    layout, metrics, text = facts.layout, facts.metrics, facts.text
    lines = [
        f"[{facts.device}] viewport {layout.viewport_w}x{layout.viewport_h}, document "
        f"{layout.document_w}x{layout.document_h}, HTTP {facts.status_code or '?'}, horizontal overflow "
        f"{layout.horizontal_overflow_px} px, nav links {facts.navigation.link_count}",
        "metrics: "
        + ", ".join(
            part
            for part in (
                _metric("TTFB", metrics.ttfb_ms, "ms"),
                _metric("FCP", metrics.fcp_ms, "ms"),
                _metric("LCP", metrics.lcp_ms, "ms"),
                f"CLS {metrics.cls:.3f}" if metrics.cls is not None else None,
                _metric("TBT", metrics.tbt_ms, "ms"),
                f"{metrics.request_count} requests",
                f"{metrics.transfer_bytes // 1024} kB",
                f"{len(metrics.console_errors)} console errors",
                f"{len(metrics.failed_requests)} failed requests",
            )
            if part
        ),
        f"text: {text.word_count} words ({text.above_fold_word_count} above the fold), median font "
        f"{_number(text.median_font_px)} px, {text.small_text_chars} chars below 12 px",
    ]
    if facts.timed_out:
        lines.append("waits that hit their budget: " + ", ".join(facts.timed_out))
    lines.append("elements:")
    lines.extend(f"{facts.device}/{element.id} {_describe(element)}" for element in elements)
    if facts.navigation.id:
        lines.append(f"{facts.device}/{facts.navigation.id} navigation links={facts.navigation.link_count}")
    hidden = sum(1 for _ in facts.elements()) - len(elements)
    if hidden > 0:
        lines.append(f"({hidden} more elements not listed)")
    for violation in facts.a11y:
        ids = " ".join(f"{facts.device}/{element_id}" for element_id in violation.element_ids[:6])
        lines.append(f"axe {violation.rule} {violation.impact or ''} {violation.node_count} nodes {ids}".rstrip())
    return "\n".join(lines)


def _describe(element: Element) -> str:
    box = element.box
    parts = [_kind(element), f"box={box.x:.0f},{box.y:.0f},{box.w:.0f},{box.h:.0f}"]
    if element.above_fold:
        parts.append("fold")
    if not element.visible:
        parts.append("hidden")
    parts.extend(_extras(element))
    return " ".join(parts)


def _kind(element: Element) -> str:
    match element:
        case Heading():
            return f"h{element.level}"
        case Cta():
            return element.kind
        case FormField():
            # An unknown type is page-authored text: it stays out of the trusted digest.
            known = element.type in INPUT_TYPES or element.tag != "input"
            return f"field:{element.type if known else 'unknown_type'}"
        case Form():
            return "form"
        case Image():
            return "image"
        case TrustSignal():
            return element.kind
        case Overlay():
            return f"overlay:{element.kind}"
        case TextBlock():
            return f"text:{element.tag}"
        case Logo():
            return "logo"
        case Price():
            return "price"
        case Control():
            return f"control:{element.kind}"
        case CopyBlock():
            return "copy"
    return "element"


def _extras(element: Element) -> list[str]:
    match element:
        case Heading():
            extras = [f"font={_number(element.font_size_px)}px"] if element.font_size_px else []
            return extras + (["brand"] if element.brand else [])
        case Cta():
            extras = []
            if element.contrast_ratio is not None:
                extras.append(f"contrast={element.contrast_ratio:.2f}")
            if element.font_size_px:
                extras.append(f"font={_number(element.font_size_px)}px/{element.font_weight or '?'}")
            extras += [flag for flag, on in (("nav", element.in_nav), ("in_form", element.in_form)) if on]
            if element.dead_reason:
                extras.append(f"dead={element.dead_reason}")
            return extras
        case Form():
            required = sum(1 for field in element.fields if field.required)
            flags = [flag for flag, on in (("modal", element.in_modal), ("formless", element.formless)) if on]
            return [f"fields={len(element.fields)}", f"required={required}", *flags]
        case FormField():
            extras = ["label" if element.label else "no_label"]
            if element.placeholder:
                extras.append("placeholder")
            if element.required:
                extras.append("required")
            extras.append(f"autocomplete={element.autocomplete or 'none'}")
            return extras
        case Image():
            alt = "missing" if element.alt is None else ("empty" if element.alt == "" else "text")
            extras = [f"alt={alt}", f"natural={element.natural_w}x{element.natural_h}"]
            extras += [
                flag for flag, on in (("decorative", element.decorative), ("not_loaded", not element.loaded)) if on
            ]
            return extras
        case Overlay():
            return [f"covers={element.coverage:.0%}_of_first_view"]
        case TextBlock():
            return [f"font={_number(element.font_size_px)}px/{element.font_weight or '?'}"]
        case Control():
            return [] if element.name else ["no_name"]
        case CopyBlock():
            return ["testimonial"] if element.in_testimonial else []
    return []


def _metric(name: str, value: float | None, unit: str) -> str | None:
    return None if value is None else f"{name} {value:.0f} {unit}"


def _number(value: float | None) -> str:
    return "?" if value is None else f"{value:g}"


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
