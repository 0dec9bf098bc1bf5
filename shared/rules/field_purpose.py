"""What a form field asks for, read from its type, autocomplete, name, label and placeholder.

The answer is an HTML autocomplete token (WHATWG "autofill field names", the list WCAG 1.3.5 refers
to), so one guess serves two rules: the autocomplete a field should declare, and the input type that
brings up the right phone keyboard. Only purposes a visitor recognises as personal data are guessed;
everything else (messages, search boxes, quantities) has no purpose and is left alone.
"""

from __future__ import annotations

import re

from shared.models.facts import FormField

# Checked in order: "email address" is an email, not a street address; "company name" is an
# organisation, not a person's name.
_PURPOSE_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (token, re.compile(pattern))
    for token, pattern in (
        ("email", r"e[- ]?mail"),
        ("tel", r"phone|\btel\b|telephone|mobile|\bcell\b"),
        ("url", r"\burl\b|website|web site|homepage"),
        ("postal-code", r"\bzip\b|zip ?code|postal|post ?code"),
        ("country", r"country"),
        ("address-level2", r"\bcity\b|\btown\b"),
        ("organization", r"company|organi[sz]ation|business"),
        ("street-address", r"address|street"),
        ("given-name", r"first ?name|given ?name|\bfname\b|forename"),
        ("family-name", r"last ?name|family ?name|\blname\b|surname"),
        ("name", r"\bname\b|full ?name|your ?name"),
    )
)

# Input types that already say what the field holds; the keyboard follows from them.
_TYPE_PURPOSE = {"email": "email", "tel": "tel", "url": "url"}

# The input type each purpose should use so phones show the matching keyboard.
KEYBOARD_TYPES = {"email": "email", "tel": "tel", "url": "url"}

# autocomplete values that declare nothing about the purpose.
_UNDECLARED = {"", "on", "off"}


def _clues(field: FormField) -> list[str]:
    """The field's own words, most telling first: its name attribute (what the form sends), its label, its
    placeholder. One at a time, so a template whose labels all point at one field ("Your Name Your Email
    Subject Message" on the name input) does not make that field an email field."""
    clues = []
    for part in (field.name, field.label, field.placeholder):
        if part:
            # "firstName" and "first_name" read as "first name".
            text = re.sub(r"([a-z])([A-Z])", r"\1 \2", part)
            clues.append(re.sub(r"[_\-.\[\]]+", " ", text).lower())
    return clues


def field_purpose(field: FormField) -> str | None:
    """The autocomplete token this field's data has, or None when it is not recognisable personal data."""
    if field.tag == "input" and field.type in _TYPE_PURPOSE:
        return _TYPE_PURPOSE[field.type]
    declared = declared_autocomplete(field)
    if declared:
        return declared
    for clue in _clues(field):
        for token, pattern in _PURPOSE_PATTERNS:
            if pattern.search(clue):
                return token
    return None


def declared_autocomplete(field: FormField) -> str | None:
    """The field's own autocomplete token (last word: `shipping email` -> `email`), if it declares one."""
    value = (field.autocomplete or "").strip().lower()
    if value in _UNDECLARED:
        return None
    return value.split()[-1]
