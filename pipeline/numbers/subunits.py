"""Money said in two units: "two dollars and twenty-five cents" = 2.25 USD.

Also num2words' "twenty dollars, fifty-five cents", French "vingt euros et
trente centimes", and French "dollars et quatre-vingt-dix-neuf cents" where
"cents" is the coin, not the hundred.
"""

from __future__ import annotations

from decimal import Decimal
from types import ModuleType

from .draft import Draft
from .phrases import match_any
from .tokens import Token, joined

_HUNDRED_WORDS = frozenset({"cent", "cents"})


def join_subunits(drafts: list[Draft], tokens: list[Token], lang: ModuleType) -> list[Draft]:
    kept: list[Draft] = []
    skip = None
    for n, draft in enumerate(drafts):
        if draft is skip:
            continue
        nxt = drafts[n + 1] if n + 1 < len(drafts) else None
        if nxt is not None and _join(draft, nxt, tokens, lang):
            skip = nxt
        kept.append(draft)
    return kept


def _join(a: Draft, b: Draft, tokens: list[Token], lang: ModuleType) -> bool:
    unit, last = _money(a, tokens, lang)
    if unit is None or a.decimal or not tokens[last].is_word:
        return False
    link = last + 1
    if b.first == link + 1 and tokens[link].low in lang.SUBUNIT_LINKS:
        pass
    elif b.first != link:  # num2words without its comma: "twenty dollars fifty-five cents"
        return False
    if not joined(tokens, b.first):
        return False
    coins = lang.SUBUNITS.get(unit, frozenset())
    if b.kind == "currency" and tokens[b.last].low in coins and b.first < b.last and b.amount < 1:
        cents, end = b.amount * 100, b.last  # the coins were read alone: "twenty-five cents"
    elif b.kind != "number" or b.decimal or b.mag or b.ordinal:
        return False
    elif _coin_after(tokens, b.last + 1, coins) and b.amount < 100:
        cents, end = b.amount, b.last + 1
    elif tokens[b.last].low in _HUNDRED_WORDS & coins and b.amount % 100 == 0 and b.amount < 10000:
        cents, end = b.amount / 100, b.last  # "quatre-vingt-dix-neuf cents": 99 cents, not 9900
    elif b.first == link and 0 < b.amount < 100 and _ends_phrase(tokens, b.last):
        cents, end = b.amount, b.last  # a price said "cinq euros quatre-vingt-dix-neuf" = 5,99 €
    else:
        return False
    a.value = a.amount + Decimal(cents) / 100
    a.kind, a.unit, a.decimal, a.last = "currency", unit, True, end
    return True


def _coin_after(tokens: list[Token], after: int, coins: frozenset[str]) -> bool:
    return after < len(tokens) and tokens[after].low in coins and joined(tokens, after)


def _ends_phrase(tokens: list[Token], last: int) -> bool:
    """Nothing but punctuation or a line end after token `last`: "5 euros 99." is a price,
    "5 euros 20 fois" is not."""
    nxt = last + 1
    return nxt >= len(tokens) or tokens[nxt].kind == "sym" or "\n" in tokens[nxt].gap


def _money(a: Draft, tokens: list[Token], lang: ModuleType) -> tuple[str | None, int]:
    """The draft's currency, or one its coins confirm: fr "trois livres et huit pence"."""
    if a.kind == "currency":
        return a.unit, a.last
    hit = match_any(tokens, a.last + 1, lang.CURRENCY_BEFORE_COINS) if a.kind == "number" else None
    if hit is None or not joined(tokens, a.last + 1):
        return None, a.last
    return hit[1], hit[0]
