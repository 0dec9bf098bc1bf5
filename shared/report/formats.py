"""How numbers read in the report: times, layout shift, sizes."""

from __future__ import annotations


def format_ms(value: float) -> str:
    return f"{value:,.0f} ms" if value < 1000 else f"{value / 1000:,.1f} s"


def format_cls(value: float) -> str:
    return f"{value:.3f}".rstrip("0").rstrip(".") if value else "0"


def format_bytes(value: int) -> str:
    for unit, size in (("MB", 1_000_000), ("kB", 1_000)):
        if value >= size:
            return f"{value / size:,.1f} {unit}"
    return f"{value} B"
