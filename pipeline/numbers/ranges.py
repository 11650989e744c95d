"""Ranges carry the last item's magnitude and unit back to the first.

"entre 350 et 400 milliards de dollars" -> 350e9 USD and 400e9 USD;
"from 55 to 78%" -> two percents; "350 milliards et 400 milliards de dollars" ->
both USD. A French "et" inside one number ("vingt et un") never gets here: the
word grammar has already joined it.
"""

from __future__ import annotations

from types import ModuleType

from .draft import Draft
from .tokens import DASHES, HYPHENS, Token, joined

_QUANTITIES = ("number", "percent", "currency", "points", "multiplier", "quantity")


def carry_back(drafts: list[Draft], tokens: list[Token], lang: ModuleType) -> None:
    for b_index in range(len(drafts) - 1, 0, -1):
        a, b = drafts[b_index - 1], drafts[b_index]
        if _linked(a, b, tokens, lang) and a.kind in _QUANTITIES and b.kind in _QUANTITIES:
            _carry(a, b)


def _linked(a: Draft, b: Draft, tokens: list[Token], lang: ModuleType) -> bool:
    if b.first != a.last + 2 or a.weak or a.ordinal or b.ordinal:
        return False
    link = tokens[a.last + 1]
    if not joined(tokens, a.last + 1, 3) or not joined(tokens, b.first, 3):
        return False
    return link.low in lang.RANGE_WORDS or link.text in HYPHENS or link.text in DASHES


def _carry(a: Draft, b: Draft) -> None:
    # a percent is never scaled ("fell by 7% to 3.2 million dollars"), nor is an
    # amount in another unit than the magnitude's
    if (b.mag and not a.mag and not a.carried and a.unit in (None, b.unit) and a.kind != "percent"
            and a.amount < 1000 and a.amount < b.amount / b.mag * 10):
        a.value = a.amount * b.mag
        a.carried = b.mag
    if b.unit and a.unit is None and not (a.year_like and not b.year_like):
        a.kind, a.unit, a.carried_unit = b.kind, b.unit, True
        if b.scale:  # "3 à 5 ‰": 0,3 % and 0,5 %
            a.value, a.scale = a.amount * b.scale, b.scale
