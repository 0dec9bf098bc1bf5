"""Arguments of the store's Redis scripts, named once.

A Lua script reads `KEYS[n]` and `ARGV[n]` by position; a dataclass lists them in that order, and
`bindings` writes the script's first lines from the same fields (`local job_id = ARGV[1]` ...), so the
Python call and the script cannot disagree about which position means what.
"""

from __future__ import annotations

from dataclasses import astuple, fields
from typing import Any


def bindings(keys: type, argv: type) -> str:
    """Lua `local` lines naming every KEYS and ARGV entry after the fields of `keys` and `argv`."""
    lines = [f"local {field.name} = KEYS[{index}]" for index, field in enumerate(fields(keys), start=1)]
    lines += [f"local {field.name} = ARGV[{index}]" for index, field in enumerate(fields(argv), start=1)]
    return "\n".join(lines) + "\n"


def values(arguments: Any) -> list[Any]:
    """The fields of a keys or argv dataclass, in script order."""
    return list(astuple(arguments))
