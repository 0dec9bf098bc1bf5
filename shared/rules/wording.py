"""Small helpers that turn measured facts into the plain sentences of a finding's `detail`.

Page text (CTA labels, headings, console messages) is untrusted and can be long: it is always
shortened before it goes into a finding, so a hostile page cannot flood the report or the prompt.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

QUOTE_CHARS = 40
LIST_ITEMS = 4
_SPACE = re.compile(r"\s+")

# A control (shared.models.facts.ControlKind) in words, for one that has no name of its own to quote.
CONTROL_NAMES: dict[str, str] = {
    "menu_toggle": "menu toggle",
    "carousel": "carousel control",
    "close": "close button",
    "skip_link": "skip link",
    "switch": "switch",
    "disclosure": "expand/collapse control",
    "icon_button": "icon-only button or link",
    "other": "control",
}


def clip(text: str, limit: int = QUOTE_CHARS) -> str:
    text = _SPACE.sub(" ", text).strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def quoted(text: str) -> str:
    return f'"{clip(text)}"'


def sentence(text: str) -> str:
    """Capitalises the first letter only, leaving quoted page text as it was."""
    return text[:1].upper() + text[1:]


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    word = singular if count == 1 else (plural_form or f"{singular}s")
    return f"{count} {word}"


def verb(count: int, singular: str, plural_form: str) -> str:
    """The verb form that agrees with `count`: `verb(1, "has", "have")` -> "has"."""
    return singular if count == 1 else plural_form


def listing(items: Iterable[str], limit: int = LIST_ITEMS) -> str:
    """`a, b ×3, c and 2 more`: repeats folded into a count, enough to recognise the elements, short
    enough to read."""
    counts = Counter(items)
    items = [item if n == 1 else f"{item} ×{n}" for item, n in counts.items()]
    shown = items[:limit]
    rest = len(items) - len(shown)
    if rest:
        return f"{', '.join(shown)} and {rest} more"
    if len(shown) <= 1:
        return "".join(shown)
    return f"{', '.join(shown[:-1])} and {shown[-1]}"


def kib(byte_count: float) -> str:
    return f"{byte_count / 1024:,.0f} KiB"


def seconds(ms: float) -> str:
    return f"{ms / 1000:.1f} s"
