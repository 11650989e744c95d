"""trace(): where did each number of the script come from in the source post?"""

from __future__ import annotations

from decimal import Decimal

from .align import date_covers, script_mentions
from .canon import date_parts
from .exact import exact
from .extract import mentions
from .model import Mention
from .periods import period_covers, period_parts


@exact
def trace(script: str | list[Mention], source: str | list[Mention], lang: str) -> list[Mention | None]:
    """For each script number, the source mention it came from, or None (unsourced).

    `source` may be the source's mentions already extracted (a long post is
    then read once, not once per call)."""
    said = script_mentions(script, lang)
    found = source if isinstance(source, list) else mentions(source, lang)
    return [_source_of(m, found) for m in said]


def _source_of(said: Mention, found: list[Mention]) -> Mention | None:
    for test in (_same, _unit_changed, _date_part):
        for cand in found:
            if test(said, cand):
                return cand
    return None


def _same(a: Mention, b: Mention) -> bool:
    return a.value == b.value and a.kind == b.kind and a.unit == b.unit


def _unit_changed(a: Mention, b: Mention) -> bool:
    """Same quantity, a unit added or dropped ("95" from "95 %")."""
    return (a.value == b.value and "date" not in (a.kind, b.kind)
            and (a.unit is None or b.unit is None))


def _date_part(a: Mention, b: Mention) -> bool:
    """"le 18 août" from "18 août 2025"; the year 2025 from "18 août 2025" or from
    "premier semestre 2025"; "Q3" from "Q3 2025"."""
    if b.kind == "period":
        written, _ = period_parts(b.value)
        return (a.kind == "number" and written is not None and Decimal(a.value) == int(written)
                or a.kind == "period" and period_covers(a.value, b.value))
    if b.kind != "date":
        return False
    if a.kind == "date":
        return date_covers(a.value, b.value)
    year = date_parts(b.value)[0]
    return a.kind == "number" and year is not None and Decimal(a.value) == year
