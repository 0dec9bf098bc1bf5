"""The settings as a Markdown table for the README: `python -m shared.settings_table`.

The README embeds this output between markers and a test compares the two, so the documented names,
defaults and meanings cannot drift from `shared.config.Settings`.
"""

from __future__ import annotations

from pydantic_core import PydanticUndefined

from shared.config import GROUPS, Settings


def _default(name: str) -> str:
    field = Settings.model_fields[name]
    value = field.get_default(call_default_factory=True) if field.default is PydanticUndefined else field.default
    if value is None or value == []:
        return "unset"
    if isinstance(value, bool):
        return str(value).lower()
    return f"`{value}`"


def markdown_table() -> str:
    """One row per variable, grouped by the part of the service that reads it (shared/settings/)."""
    rows = ["| group | variable | default | meaning |", "| --- | --- | --- | --- |"]
    for group in GROUPS:
        label = f"`{group.__name__}`"
        for name, field in group.model_fields.items():
            meaning = (field.description or "").replace("|", "\\|")
            rows.append(f"| {label} | `{name.upper()}` | {_default(name)} | {meaning} |")
            label = ""
    return "\n".join(rows) + "\n"


if __name__ == "__main__":
    print(markdown_table(), end="")
