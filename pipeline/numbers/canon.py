"""Canonical value strings: exact decimals and ISO dates."""

from __future__ import annotations

import calendar
from decimal import Decimal


def decimal_str(value: Decimal) -> str:
    """Exact decimal, fully scaled, no exponent, no trailing zeros: 4.92E+10 -> "49200000000"."""
    if value == 0:
        return "0"
    text = format(value.normalize(), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def date_str(year: int | None, month: int, day: int | None) -> str | None:
    """ISO date with the parts that exist ("2025-08-18", "--08-01", "2025-08"); None if impossible."""
    if not 1 <= month <= 12:
        return None
    if day is not None:
        last = calendar.monthrange(year if year else 2000, month)[1]  # 2000: leap, allows 29 Feb
        if not 1 <= day <= last:
            return None
        return f"{year:04d}-{month:02d}-{day:02d}" if year else f"--{month:02d}-{day:02d}"
    if year is None:
        return None
    return f"{year:04d}-{month:02d}"


def date_parts(value: str) -> tuple[int | None, int, int | None]:
    """Inverse of date_str: (year, month, day) with None for missing parts."""
    if value.startswith("--"):
        month_text, day_text = value[2:].split("-")
        return None, int(month_text), int(day_text)
    parts = value.split("-")
    year, month = int(parts[0]), int(parts[1])
    return year, month, int(parts[2]) if len(parts) > 2 else None
