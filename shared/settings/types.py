"""Types settings share: lists read from one comma-separated environment variable."""

from __future__ import annotations

from typing import Annotated

from pydantic import BeforeValidator, SecretStr
from pydantic_settings import NoDecode


def split_commas(value: object) -> object:
    """`a, b,,c` -> ["a", "b", "c"]; a list (from code or tests) passes as it is."""
    if isinstance(value, str):
        return [item.strip() for item in value.split(",") if item.strip()]
    return value


CommaList = Annotated[list[str], NoDecode, BeforeValidator(split_commas)]
CommaSecrets = Annotated[list[SecretStr], NoDecode, BeforeValidator(split_commas)]
