"""Periods of a year: "Q3", "H1", fr "T3", "S1", "the third quarter", "second half",
"troisième trimestre", "premier semestre", "3e trimestre", with or without a year.

A period is a value checked like a date: "Q3" (said without a year), "2025-Q3"
(with one). Quarters are Q1-Q4 in both languages (fr "T3", "trimestre"), halves
H1-H2 (fr "S1", "semestre"). "Q3" heard as "the second quarter" is changed;
"Q3 2025" heard as "the third quarter of 2025" is ok. Found on tokens before bare
numbers (like times), so that "Q3" is not a code and "third" not a rank.
"""

from __future__ import annotations

import re
from types import ModuleType

from .draft import Draft
from .tokens import Token, joined, next_word
from .wordnum import parse_words

LIMITS = {"Q": 4, "H": 2}
_VALUE = re.compile(r"(?:(\d{4})-)?([QH])([1-4])")


def find_periods(tokens: list[Token], lang: ModuleType, used: set[int]) -> tuple[list[Draft], set[int]]:
    found: list[Draft] = []
    taken: set[int] = set()
    i = 0
    while i < len(tokens):
        hit = None if i in used else (_code(tokens, i, lang) or _digit_first(tokens, i, lang)
                                      or _said(tokens, i, lang))
        if hit is None:
            i += 1
            continue
        letter, n, last = hit
        year, last = _year_after(tokens, last, lang, used)
        value = f"{year}-{letter}{n}" if year else f"{letter}{n}"
        found.append(Draft(value, "period", i, last))
        taken.update(range(i, last + 1))
        i = last + 1
    return found, taken


def _code(tokens: list[Token], i: int, lang: ModuleType) -> tuple[str, int, int] | None:
    """"Q3", "H1", fr "T3", "S2" (not "MQ3", "H1N1", "un T3", an apartment)."""
    tok = tokens[i]
    letter = lang.PERIOD_LETTERS.get(tok.text) if tok.is_word else None
    if letter is None or i + 1 >= len(tokens) or (i and not tok.gap and tokens[i - 1].kind != "sym"):
        return None
    num = tokens[i + 1]
    if num.kind != "num" or num.gap or not num.text.isdigit() or not 1 <= int(num.text) <= LIMITS[letter]:
        return None
    if i + 2 < len(tokens) and not tokens[i + 2].gap and (tokens[i + 2].kind != "sym"
                                                          or tokens[i + 2].text in "/:" or tokens[i + 2].text == "."
                                                          and i + 3 < len(tokens) and tokens[i + 3].kind == "num"):
        return None
    cues = lang.PERIOD_LETTERS_AFTER.get(tok.text)
    if cues is not None and (i == 0 or tokens[i - 1].low not in cues):
        if _year_after(tokens, i + 1, lang, set())[0] is None:
            return None  # fr "un T3" is a flat; "au T3", "T3 2025" are quarters
    return letter, int(num.text), i + 1


def _digit_first(tokens: list[Token], i: int, lang: ModuleType) -> tuple[str, int, int] | None:
    """"1H 2025", "2H24"-style halves and "3Q 2025" quarters, with their year only."""
    tok = tokens[i]
    if tok.kind != "num" or not tok.text.isdigit() or i + 1 >= len(tokens) or (i and not tok.gap):
        return None
    word = tokens[i + 1]
    letter = {"H": "H", "Q": "Q"}.get(word.text)
    if letter is None or word.gap or not 1 <= int(tok.text) <= LIMITS[letter]:
        return None
    if i + 2 < len(tokens) and not tokens[i + 2].gap:
        return None
    if _year_after(tokens, i + 1, lang, set())[0] is None:
        return None  # "2H" alone may be a pencil; with a year it is a half
    return letter, int(tok.text), i + 1


def _said(tokens: list[Token], i: int, lang: ModuleType) -> tuple[str, int, int] | None:
    """"third quarter", "second half", "troisième trimestre", "3e trimestre", "1st half"."""
    tok = tokens[i]
    n, last = None, i
    if tok.is_word and tok.low in lang.PERIOD_RANKS:
        n = lang.PERIOD_RANKS[tok.low]
    elif (tok.kind == "num" and tok.text.isdigit() and i + 1 < len(tokens) and not tokens[i + 1].gap
          and tokens[i + 1].low in lang.ORDINAL_SUFFIXES):
        n, last = int(tok.text), i + 1
    if n is None:
        return None
    k = next_word(tokens, last)
    if k is None or tokens[k].low not in lang.PERIOD_NOUNS:
        return None
    letter = lang.PERIOD_NOUNS[tokens[k].low]
    if not 1 <= n <= LIMITS[letter]:
        return None
    return letter, n, k


def _year_after(tokens: list[Token], last: int, lang: ModuleType, used: set[int]) -> tuple[int | None, int]:
    """The year of a period: "Q3 2025", "Q3, 2025", "third quarter of 2025", "T3 de 2025"."""
    k = last + 1
    if k < len(tokens) and (tokens[k].low in lang.PERIOD_YEAR_LINKS or tokens[k].text == ",") \
            and joined(tokens, k):
        k += 1
    if k >= len(tokens) or k in used or not joined(tokens, k):
        return None, last
    tok = tokens[k]
    if tok.kind == "num" and tok.text.isdigit() and len(tok.text) == 4 and 1900 <= int(tok.text) <= 2100:
        if k + 1 < len(tokens) and not tokens[k + 1].gap and tokens[k + 1].kind != "sym":
            return None, last
        return int(tok.text), k
    if tok.is_word:
        num = parse_words(tokens, k, lang)
        if num is not None and not num.ordinal and not num.decimal and 1900 <= num.value <= 2100:
            return int(num.value), num.last
    return None, last


def period_parts(value: str) -> tuple[str | None, str]:
    """("2025", "Q3") for "2025-Q3"; (None, "H1") for "H1"."""
    m = _VALUE.fullmatch(value)
    if m is None:
        return None, value
    return m.group(1), m.group(2) + m.group(3)


def period_covers(said: str, heard: str) -> bool:
    """A period said without a year ("Q3") is heard in "Q3 2025"."""
    (y1, p1), (_, p2) = period_parts(said), period_parts(heard)
    return y1 is None and p1 == p2
