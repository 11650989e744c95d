"""Magnitudes, percents and currencies around a number.

"49,2 milliards de dollars", "$49.2 billion", "€1.2bn", "1,2 Md€", "95 %",
"quatre-vingt-quinze pour cent", "USD 5 million", "5 M€".
"""

from __future__ import annotations

import re
from decimal import Decimal
from types import ModuleType

from .atoms import ABBR_ALWAYS, ABBR_WITH_CURRENCY, CURRENCY_SYMBOLS
from .draft import Draft
from .model import TEXT_KINDS
from .phrases import match_any, skip_link
from .quantities import unit_after
from .tokens import Token, joined, next_word
from .wordnum import lookup, parse_words

ISO_CODES = {"USD": "USD", "EUR": "EUR", "GBP": "GBP", "US$": "USD", "CHF": "CHF", "JPY": "JPY", "CNY": "CNY",
             "RMB": "CNY", "INR": "INR", "Rs": "INR", "CAD": "CAD", "AUD": "AUD", "KRW": "KRW"}
# "C$5", "A$5": the letters before a dollar sign say which dollar
_DOLLAR_PREFIXES = {"US": "USD", "U.S.": "USD", "C": "CAD", "CA": "CAD", "CAN": "CAD", "A": "AUD", "AU": "AUD"}
_SPACED_ABBR_EXCLUDED = frozenset({"M", "k"})  # "5 M" alone is too vague; "5 M€" is fine
MAX_SYMBOL_GAP = 1
MULTIPLIER_SIGNS = frozenset({"x", "X", "×"})


def attach_units(drafts: list[Draft], tokens: list[Token], lang: ModuleType, text: str = "") -> None:
    for draft in drafts:
        if draft.kind == "code" and text:
            _glued_unit(draft, tokens, text)  # "12kg", "250ms": a quantity, not a code
        if draft.kind == "code" or draft.kind in TEXT_KINDS:
            continue
        _prefix_currency(draft, tokens)
        if draft.digits is not None and not draft.mag and not draft.ordinal:
            if not draft.decimal:
                _and_a_half(draft, tokens, lang, step=1)  # "2 and a half (million)"
            _magnitude(draft, tokens, lang)
        if not draft.ordinal:
            _suffix(draft, tokens, lang)
        _decade(draft, tokens, lang)
        if draft.kind == "number" and draft.unit is None and not draft.ordinal and not draft.decade and text:
            _measure(draft, tokens, text, lang)


def _decade(draft: Draft, tokens: list[Token], lang: ModuleType) -> None:
    """fr "les années 80", "années 1980"; en "1980 s", a decade's "s" set apart (not seconds)."""
    if draft.kind != "number" or draft.decade or draft.ordinal or draft.decimal or draft.mag:
        return
    value, i, k = draft.amount, draft.first, draft.last + 1
    if not (10 <= value < 100 or 1900 <= value <= 2090) or value % 10:  # range first: a huge figure
        return
    if i and tokens[i - 1].low in lang.DECADE_NOUNS:
        draft.decade = True
    elif (draft.year_like and k < len(tokens) and tokens[k].text == "s" and tokens[k].gap == " "
          and (k + 1 >= len(tokens) or tokens[k + 1].kind != "num")):
        draft.decade, draft.last = True, k


def _glued_unit(draft: Draft, tokens: list[Token], text: str) -> None:
    """A number glued to a unit symbol ("12kg", "3GB", "130km/h") was read as a code."""
    i = draft.first
    if (draft.name or draft.digits is None or tokens[i].kind != "num" or i + 1 >= len(tokens)
            or tokens[i + 1].gap or (i and not tokens[i].gap and tokens[i - 1].kind != "sym")):
        return
    if unit_after(text, tokens[i].end) is not None:
        draft.kind, draft.last = "number", i


def _measure(draft: Draft, tokens: list[Token], text: str, lang: ModuleType) -> None:
    """A unit of measure after the number: "2.5 GW", "130 km/h", "douze kilogrammes"."""
    end = tokens[draft.last].end
    hit = unit_after(text, end, glued_ok=draft.digits is not None, linked=bool(draft.mag))
    if hit is None:
        return
    k = draft.last + 1
    while k < len(tokens) and tokens[k].end < hit.end:
        k += 1
    if k >= len(tokens) or tokens[k].end != hit.end:
        return
    if hit.factor != 1:
        draft.value = draft.amount * hit.factor
        draft.mag = int(hit.factor) if not draft.mag else draft.mag * int(hit.factor)
    draft.kind, draft.unit, draft.last = "quantity", hit.unit.symbol + (hit.rate or ""), k
    if hit.unit.symbol in lang.UNIT_THEN_SUBUNIT and not hit.rate and not draft.decimal and not draft.mag:
        _subunit_after(draft, tokens, lang, lang.UNIT_THEN_SUBUNIT[hit.unit.symbol])
    half = _HALF_AFTER_UNIT.match(text, hit.end)
    if half is not None and not hit.rate and not draft.decimal and not draft.mag:
        k2 = k + 1
        while k2 < len(tokens) and tokens[k2].end < half.end():
            k2 += 1
        if k2 < len(tokens) and tokens[k2].end == half.end():
            draft.value, draft.decimal, draft.last = draft.amount + Decimal("0.5"), True, k2  # "deux jours et demi"


def _subunit_after(draft: Draft, tokens: list[Token], lang: ModuleType, per: int) -> None:
    """fr "un mètre quatre-vingts" = 1,80 m, "deux kilos cinq cents" = 2,5 kg: the smaller
    unit said bare after the unit, like a price's cents."""
    k = draft.last + 1
    if k >= len(tokens) or not joined(tokens, k, 1) or tokens[k].stop:
        return
    if tokens[k].kind == "num" and tokens[k].text.isdigit():
        value, last = int(tokens[k].text), k
    elif tokens[k].is_word:
        num = parse_words(tokens, k, lang)
        if num is None or num.ordinal or num.decimal or num.value != int(num.value):
            return
        value, last = int(num.value), num.last
    else:
        return
    after = last + 1
    if not 0 < value < per or (after < len(tokens) and tokens[after].kind != "sym" and "\n" not in tokens[after].gap):
        return
    draft.value = draft.amount + Decimal(value) / per
    draft.decimal, draft.last = True, last


# fr "deux jours et demi", "trois kilomètres et demi": the half after the unit
_HALF_AFTER_UNIT = re.compile(r"[ \u00a0]et[ \u00a0]demie?(?![^\W_])", re.IGNORECASE)


def _near(tokens: list[Token], j: int) -> bool:
    return len(tokens[j].gap) <= MAX_SYMBOL_GAP and tokens[j].gap.strip() == ""


def _prefix_currency(draft: Draft, tokens: list[Token]) -> None:
    p = draft.first - 1
    if p < 0 or not _near(tokens, draft.first):
        return
    sym = tokens[p].text
    if sym in CURRENCY_SYMBOLS:
        draft.kind, draft.unit, draft.first = "currency", CURRENCY_SYMBOLS[sym], p
        if sym == "$" and p and tokens[p - 1].text in _DOLLAR_PREFIXES and not tokens[p].gap:
            draft.first, draft.unit = p - 1, _DOLLAR_PREFIXES[tokens[p - 1].text]
    elif sym in ISO_CODES and tokens[draft.first].gap:
        draft.kind, draft.unit, draft.first = "currency", ISO_CODES[sym], p


def _magnitude(draft: Draft, tokens: list[Token], lang: ModuleType) -> None:
    j = draft.last + 1
    if j >= len(tokens) or not tokens[j].is_word or not joined(tokens, j) or not tokens[j].gap:
        return
    word = tokens[j].text
    if tokens[j].low in lang.MAGNITUDES:
        mag = lang.MAGNITUDES[tokens[j].low]
    elif tokens[j].low in lang.DIGIT_HUNDREDS and not draft.decimal and 0 < draft.amount < 100:
        mag = 100  # Whisper's "12 hundred" for "twelve hundred" (1200)
    elif word in ABBR_ALWAYS and word not in _SPACED_ABBR_EXCLUDED:
        mag = ABBR_ALWAYS[word]
    elif word in ABBR_WITH_CURRENCY or word in _SPACED_ABBR_EXCLUDED:
        nxt = tokens[j + 1] if j + 1 < len(tokens) else None
        if not (draft.unit or (nxt is not None and not nxt.gap and nxt.text in CURRENCY_SYMBOLS)):
            return
        mag = ABBR_WITH_CURRENCY.get(word) or ABBR_ALWAYS[word]
    else:
        return
    draft.value *= mag
    draft.mag, draft.last = mag, j
    if draft.digits and draft.digits.isdigit():
        _and_a_half(draft, tokens, lang, step=mag)


def _and_a_half(draft: Draft, tokens: list[Token], lang: ModuleType, step: int) -> None:
    """"2 and a half", "3 millions et demi": half a `step` more (2.5, 3.5e6), as wordnum
    reads it after words; else '3 millions' heard would pass for '3 millions et demi'."""
    k = next_word(tokens, draft.last)
    if k is None or tokens[k].low != lang.LINK_WORD:
        return
    k2 = next_word(tokens, k)
    if k2 is not None and tokens[k2].low in lang.ARTICLE_ONE:
        k2 = next_word(tokens, k2)
    if k2 is not None and tokens[k2].low in lang.HALF_WORDS:
        draft.value = draft.amount + Decimal(step) / 2
        draft.last, draft.decimal = k2, True


def _suffix(draft: Draft, tokens: list[Token], lang: ModuleType) -> None:
    j = draft.last + 1
    if j >= len(tokens) or not joined(tokens, j):
        return
    tok = tokens[j]
    if draft.unit is None and _other_unit(draft, tokens, j, lang):
        return
    if draft.unit is None and tok.text == "%" and _near(tokens, j):
        draft.kind, draft.unit, draft.last = "percent", "%", j
        return
    if draft.unit is None and tok.tag == "pct":
        hit = match_any(tokens, j, lang.PERCENT_PHRASES)
        if hit:
            draft.kind, draft.unit, draft.last = "percent", "%", hit[0]
        return
    if tok.text in CURRENCY_SYMBOLS and _near(tokens, j):
        _set_currency(draft, CURRENCY_SYMBOLS[tok.text], j)
        return
    if tok.text in ISO_CODES and tok.gap:
        _set_currency(draft, ISO_CODES[tok.text], j)
        return
    hit = match_any(tokens, j, lang.CURRENCY_PHRASES) if tok.gap else None
    if hit is None and (draft.mag or draft.words):
        k = skip_link(tokens, j, lang.CURRENCY_LINKS)
        if k is not None:
            hit = match_any(tokens, k, lang.CURRENCY_PHRASES) or match_any(
                tokens, k, lang.CURRENCY_PHRASES_AFTER_DE)
    if hit:
        _set_currency(draft, hit[1], hit[0])
    elif draft.unit is None and tok.low in lang.COINS_ALONE and not draft.decimal and not draft.mag:
        draft.value = draft.amount / 100  # "twenty cents", "cinquante centimes": a price below one
        draft.kind, draft.unit, draft.last, draft.decimal = "currency", lang.COINS_ALONE[tok.low], j, True


def _other_unit(draft: Draft, tokens: list[Token], j: int, lang: ModuleType) -> bool:
    """Percentage points ("10pp", "10 percentage points", "10 points de pourcentage"),
    scaled ones ("5 ‰" is 0.5 %, "50 bps" 0.5 points: compared by value, so "5 %"
    heard for "5 ‰" is changed) and multipliers ("2x", "3×", "three times", "deux fois")."""
    scaled = match_any(tokens, j, lang.SCALED_PHRASES)
    if scaled:
        kind, unit, factor = scaled[1]
        draft.scale = Decimal(factor)
        draft.value = draft.amount * draft.scale
        draft.kind, draft.unit, draft.last = kind, unit, scaled[0]
        return True
    hit = match_any(tokens, j, lang.POINTS_PHRASES)
    if hit:
        draft.kind, draft.unit, draft.last = "points", "pp", hit[0]
        return True
    tok = tokens[j]
    glued = tok.text in MULTIPLIER_SIGNS and (not tok.gap or tok.text == "×" and _near(tokens, j))
    said = tok.low in lang.TIMES_WORDS and tok.gap and draft.value != 1 and not draft.ordinal and not (
        tok.text in MULTIPLIER_SIGNS and _number_after(tokens, j, lang))  # "four point four x"; "two x eight" a size
    if (glued or said) and not draft.weak and draft.single not in lang.WEAK_WORDS:
        draft.kind, draft.unit, draft.last = "multiplier", "x", j
        return True
    return False


def _number_after(tokens: list[Token], j: int, lang: ModuleType) -> bool:
    return j + 1 < len(tokens) and (tokens[j + 1].kind == "num" or lookup(tokens, j + 1, lang) is not None)


def _set_currency(draft: Draft, iso: str, last: int) -> None:
    if draft.unit not in (None, iso):
        return
    draft.kind, draft.unit, draft.last = "currency", iso, last
