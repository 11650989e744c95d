"""Signs: "−15 %" (U+2212), "-15 %", "+19 €", "minus fifteen percent",
"moins quinze pour cent". A minus makes the value negative; a plus changes
nothing but belongs to the mention's text (it is spoken).

Not signs: the dash of a range or a name ("10-15", "COVID-19"), nor French
"au moins 15 %" (at least).
"""

from __future__ import annotations

from types import ModuleType

from .draft import Draft
from .tokens import Token, joined

MINUS = frozenset({"-", "\u2212", "\u2013"})
PLUS = frozenset({"+"})
SIGNED_KINDS = frozenset({"number", "percent", "currency", "points", "quantity"})


def apply_signs(drafts: list[Draft], tokens: list[Token], lang: ModuleType) -> None:
    for draft in drafts:
        if draft.kind not in SIGNED_KINDS or draft.first == 0:
            continue
        p = draft.first - 1
        if _symbol(tokens, p, draft.first) or _word(tokens, p, draft.first, lang):
            if tokens[p].text in MINUS or tokens[p].low in lang.MINUS_WORDS:
                draft.value = -draft.amount
            draft.first = p


def _symbol(tokens: list[Token], p: int, first: int) -> bool:
    sign = tokens[p]
    if sign.text not in MINUS | PLUS or tokens[first].gap:
        return False
    if p == 0:
        return True
    before = tokens[p - 1]
    return bool(sign.gap) or before.kind == "sym" and before.text in "([{«\"“"


def _word(tokens: list[Token], p: int, first: int, lang: ModuleType) -> bool:
    sign = tokens[p]
    if not sign.is_word or sign.low not in lang.MINUS_WORDS or not joined(tokens, first):
        return False
    return p == 0 or tokens[p - 1].low not in lang.NOT_SIGN_BEFORE
