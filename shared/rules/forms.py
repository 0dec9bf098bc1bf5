"""Forms: how much they ask, whether each field says what it wants, and whether phones help fill them.

Every form counts, including one inside a closed modal (it is still the form a visitor will fill in).
A page without a form has no form findings.
"""

from __future__ import annotations

from shared.models.facts import INPUT_TYPES, DeviceFacts, Form, FormField
from shared.rules.field_purpose import KEYBOARD_TYPES, declared_autocomplete, field_purpose
from shared.rules.spec import Hit, RuleSpec, rule
from shared.rules.wording import listing, plural, quoted, sentence, verb


def questions(form: Form) -> list[FormField]:
    """The fields a visitor answers: a radio or checkbox group sharing a name is one question."""
    seen: set[str] = set()
    answered: list[FormField] = []
    for field in form.fields:
        if field.type in ("radio", "checkbox") and field.name:
            key = f"{field.type}:{field.name}"
            if key in seen:
                continue
            seen.add(key)
        answered.append(field)
    return answered


def form_name(form: Form) -> str:
    return f"the {quoted(form.submit_text)} form" if form.submit_text else f"form {form.id}"


def field_name(field: FormField) -> str:
    return quoted(field.label or field.placeholder or field.name or field.type)


@rule(
    RuleSpec(
        id="form.too_many_fields",
        category="forms",
        severity="medium",
        effort="medium",
        title="The form asks for too much",
        recommendation="Ask only for what the next step needs (often just an email); move everything else to "
        "after the conversion. Every extra field is a reason to give up.",
        reference="https://baymard.com/blog/checkout-flow-average-form-fields",
        thresholds={"max_fields": 5, "severe_fields": 8},
        escalation="High above 8 fields: more than Baymard finds an entire checkout needs.",
        when_degraded="keep",
    )
)
def too_many_fields(facts: DeviceFacts, spec: RuleSpec) -> Hit | None:
    limit, severe = int(spec.threshold("max_fields")), int(spec.threshold("severe_fields"))
    long_forms = [(form, len(questions(form))) for form in facts.forms if len(questions(form)) > limit]
    if not long_forms:
        return None
    longest, count = max(long_forms, key=lambda pair: pair[1])
    described = [f"{form_name(form)} asks for {n} fields" for form, n in long_forms]
    return Hit(
        detail=f"{sentence(listing(described))}; more than {limit} fields cost sign-ups.",
        elements=tuple(form.id for form, _ in long_forms),
        values={
            "fields_per_form": {form.id: n for form, n in long_forms},
            "max_fields": limit,
            "severe_fields": severe,
        },
        severity="high" if count > severe else None,
        region=longest.box,
    )


@rule(
    RuleSpec(
        id="form.missing_labels",
        category="forms",
        severity="medium",
        effort="low",
        title="Form fields without labels",
        recommendation="Give every field a visible <label> (placeholders vanish as soon as the visitor types, "
        "and screen readers may skip them); keep the placeholder for an example value at most.",
        reference="https://www.w3.org/WAI/tutorials/forms/labels/",
        escalation="High when every field of a form is unlabeled.",
        when_degraded="keep",
    )
)
def missing_labels(facts: DeviceFacts, spec: RuleSpec) -> Hit | None:
    total = sum(len(form.fields) for form in facts.forms)
    unlabeled = [(form, field) for form in facts.forms for field in form.fields if not (field.label or "").strip()]
    if not unlabeled:
        return None
    placeholder_only = sum(1 for _, field in unlabeled if (field.placeholder or "").strip())
    all_unlabeled = any(
        form.fields and all(not (field.label or "").strip() for field in form.fields) for form in facts.forms
    )
    detail = (
        f"{len(unlabeled)} of {plural(total, 'form field')} {verb(len(unlabeled), 'has', 'have')} no label: "
        f"{listing(field_name(field) for _, field in unlabeled)}"
    )
    if placeholder_only:
        detail += f" ({placeholder_only} {verb(placeholder_only, 'relies', 'rely')} on placeholder text alone)"
    return Hit(
        detail=detail + ".",
        elements=tuple(field.id for _, field in unlabeled),
        values={"unlabeled": len(unlabeled), "fields": total, "placeholder_only": placeholder_only},
        severity="high" if all_unlabeled else None,
        region=unlabeled[0][1].box,
    )


# Dropped from HTML before any browser shipped a picker for it: a text field, and the type that replaced it.
OBSOLETE_TYPES = {"datetime": "datetime-local"}
# Invalid types written for a valid one.
MISSPELT_TYPES = {
    "num": "number",
    "numeric": "number",
    "integer": "number",
    "int": "number",
    "phone": "tel",
    "telephone": "tel",
    "mail": "email",
    "e-mail": "email",
}


def wrong_type(field: FormField) -> tuple[str, str | None] | None:
    """What is wrong with an input's type, and the type it should have: "obsolete" or "invalid" (a type
    browsers render as plain text), or "plain_text" (a text input for an email, phone number or web
    address); None when the type fits."""
    if field.tag != "input":
        return None
    expected = KEYBOARD_TYPES.get(field_purpose(field) or "")
    if field.type in OBSOLETE_TYPES:
        return "obsolete", OBSOLETE_TYPES[field.type]
    if field.type not in INPUT_TYPES:
        return "invalid", expected or MISSPELT_TYPES.get(field.type)
    if field.type == "text" and expected:
        return "plain_text", expected
    return None


def type_problem(field: FormField, problem: str, expected: str | None) -> str:
    written = {
        "plain_text": "type=text",
        "invalid": f"type={quoted(field.type)} (no such type: a text field)",
        "obsolete": f"type={quoted(field.type)} (obsolete: a text field, no picker)",
    }[problem]
    return f"{field_name(field)} is {written}" + (f", not type={expected}" if expected else "")


@rule(
    RuleSpec(
        id="form.input_type",
        category="forms",
        severity="low",
        effort="low",
        title="Fields with the wrong input type",
        recommendation='Use type="email" for email addresses, type="tel" for phone numbers and type="url" for '
        'web addresses, and only types HTML defines (type="num" is not one; the obsolete type="datetime" '
        'is now "datetime-local"): phones then show the matching keyboard or picker and browsers validate '
        "the value.",
        reference="https://developer.mozilla.org/en-US/docs/Web/HTML/Element/input#input_types",
        escalation="Medium on mobile, where the keyboard is what the visitor types with.",
        when_degraded="keep",
    )
)
def input_type(facts: DeviceFacts, spec: RuleSpec) -> Hit | None:
    """A type browsers do not know is the same defect as a plain text input for structured data, with the
    same fix in the same attribute: both give the visitor a text keyboard and no validation."""
    wrong = [(field, *problem) for form in facts.forms for field in form.fields if (problem := wrong_type(field))]
    if not wrong:
        return None
    return Hit(
        detail=f"{plural(len(wrong), 'field')} {verb(len(wrong), 'has', 'have')} the wrong input type: "
        f"{listing(type_problem(field, problem, expected) for field, problem, expected in wrong)}.",
        elements=tuple(field.id for field, _, _ in wrong),
        values={
            "fields": [
                {"id": field.id, "type": field.type, "problem": problem, "expected": expected}
                for field, problem, expected in wrong
            ]
        },
        severity="medium" if facts.device == "mobile" else None,
        region=wrong[0][0].box,
    )


@rule(
    RuleSpec(
        id="form.autocomplete_missing",
        category="forms",
        severity="low",
        effort="low",
        title="Personal-data fields without autocomplete",
        recommendation='Declare what each personal-data field holds (autocomplete="email", "name", "tel", '
        '"postal-code", ...) so browsers fill it in one tap.',
        reference="https://www.w3.org/WAI/WCAG22/Understanding/identify-input-purpose.html",
        escalation="Always low.",
        when_degraded="keep",
    )
)
def autocomplete_missing(facts: DeviceFacts, spec: RuleSpec) -> Hit | None:
    missing: list[tuple[FormField, str]] = []
    for form in facts.forms:
        for field in form.fields:
            purpose = field_purpose(field)
            if purpose and declared_autocomplete(field) is None:
                missing.append((field, purpose))
    if not missing:
        return None
    return Hit(
        detail=f"{plural(len(missing), 'personal-data field')} {verb(len(missing), 'declares', 'declare')} "
        "no autocomplete: "
        f"{listing(f'{field_name(field)} (autocomplete={purpose})' for field, purpose in missing)}.",
        elements=tuple(field.id for field, _ in missing),
        values={"fields": [{"id": field.id, "expected": purpose} for field, purpose in missing]},
        region=missing[0][0].box,
    )


RULES = (too_many_fields, missing_labels, input_type, autocomplete_missing)
