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


def _words(clue: str) -> str:
    # "firstName" and "first_name" read as "first name".
    text = re.sub(r"([a-z])([A-Z])", r"\1 \2", clue)
    return re.sub(r"[_\-.\[\]]+", " ", text).lower()


def field_purpose(field: FormField) -> str | None:
    """The autocomplete token this field's data has, or None when it is not recognisable personal data.

    The clues are read one at a time, the name attribute first: it is the developer's own word for what the
    server receives, where a label can belong to another field (a template pointing every <label for> at its
    first input gives that input the label "Your Name Your Email Subject Message")."""
    if field.tag == "input" and field.type in _TYPE_PURPOSE:
        return _TYPE_PURPOSE[field.type]
    declared = declared_autocomplete(field)
    if declared:
        return declared
    for clue in (field.name, field.label, field.placeholder):
        words = _words(clue or "")
        for token, pattern in _PURPOSE_PATTERNS:
            if pattern.search(words):
                return token
    return None


def declared_autocomplete(field: FormField) -> str | None:
    """The field's own autocomplete token (last word: `shipping email` -> `email`), if it declares one."""
    value = (field.autocomplete or "").strip().lower()
    if value in _UNDECLARED:
        return None
    return value.split()[-1]
