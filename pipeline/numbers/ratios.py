"""Fractions: "1/3", "one-third", "a third", "two-thirds", "half", fr "un tiers",
"trois quarts", "la moitié". The value is the fraction in lowest terms ("1/3").

"the third one" stays a rank; "the first half", "the third quarter" are
periods, not fractions; "one and a half" is 1.5 (wordnum).
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from types import ModuleType

from .draft import Draft
from .phrases import match_any
from .tokens import HYPHENS, Token, next_word
from .wordnum import parse_words

MAX_DENOMINATOR = 100


def digit_fraction(tokens: list[Token], i: int) -> Draft | None:
    """"1/3", "3/4": a smaller number over a larger one, nothing glued around."""
    if i + 2 >= len(tokens):
        return None
    num, bar, den = tokens[i], tokens[i + 1], tokens[i + 2]
    if bar.text != "/" or bar.gap or den.gap or den.kind != "num" or not (num.text.isdigit() and den.text.isdigit()):
        return None
    after = tokens[i + 3] if i + 3 < len(tokens) else None
    beyond = tokens[i + 4] if i + 4 < len(tokens) else None
    dotted = after is not None and after.text == "." and beyond is not None and not beyond.gap
    if after is not None and not after.gap and (after.text in "/-" or dotted or after.kind == "num"):
        return None  # "1/3/2025", "24/7-...", "1/3.5"; not a sentence's stop: "cut to 1/2."
    if i and not num.gap and tokens[i - 1].text in "/-":
        return None
    n, d = int(num.text), int(den.text)
    if not 0 < n < d <= MAX_DENOMINATOR:
        return None
    return Draft(_value(n, d), "fraction", i, i + 2, digits=num.text)


def _part_of(tokens: list[Token], k: int, lang: ModuleType) -> bool:
    """"a hundredth of": a part ("a hundredth time" is a rank)."""
    n = next_word(tokens, k)
    return n is not None and tokens[n].low in lang.PART_LINKS


def word_fraction(tokens: list[Token], i: int, lang: ModuleType) -> Draft | None:
    """A count word then a fraction name ("two-thirds", "un tiers"), or a name
    that is a fraction by itself ("half", "la moitié")."""
    tok = tokens[i]
    if (tok.low in lang.LONE_FRACTIONS and not _period(tokens, i, lang) and not _hyphen_after(tokens, i)
            and not _count_before(tokens, i, lang)):
        return _half_a(tokens, i, lang) or Draft(_value(1, lang.LONE_FRACTIONS[tok.low]), "fraction", i, i,
                                                  words=True)
    count = lang.FRACTION_COUNT_WORDS.get(tok.low)
    k = next_word(tokens, i)
    if count is None or k is None:
        return None
    name, rank = tokens[k].low, _rank(tokens, k, lang)
    if name in lang.FRACTION_NAMES:
        den = lang.FRACTION_NAMES[name]
    elif count > 1 and name.endswith("s") and lang.ORDINALS.get(name[:-1], 0) > 2:
        den = lang.ORDINALS[name[:-1]]  # "two fifths", "trois cinquièmes"
    elif (count == 1 and rank is not None and rank[0] > 4 and not (i and tokens[i - 1].low in lang.DATE_ARTICLES)
          and (tok.low not in lang.ARTICLE_ONE or _part_of(tokens, rank[1], lang))):
        den, k = rank  # "one-fifth", "un dix-septième", "a hundredth of a second"; not "the one hundredth time"
    else:
        return None
    if den > MAX_DENOMINATOR or count >= den or _period(tokens, k, lang):
        return None
    k2 = next_word(tokens, k)
    mag = lang.MAGNITUDES.get(tokens[k2].low) if k2 is not None else None
    if mag and k2 is not None and (count * mag) % den == 0:  # "a quarter million", "un demi-million"
        return Draft(Decimal(count * mag // den), "number", i, k2, words=True, mag=mag)
    return Draft(_value(count, den), "fraction", i, k, words=True)


def _rank(tokens: list[Token], k: int, lang: ModuleType) -> tuple[int, int] | None:
    """(value, last token) of the rank said at k: "cinquième", "dix-septième",
    "quatre-vingt-dixième" (a compound ends on its ordinal word); None if none."""
    if tokens[k].low in lang.ORDINALS:
        return lang.ORDINALS[tokens[k].low], k
    rank = parse_words(tokens, k, lang, simple=True)
    if rank is None or not rank.ordinal or any(tokens[j].gap.strip() or tokens[j].gap == " "
                                               for j in range(k + 1, rank.last + 1)):
        return None  # only a hyphenated compound: "un vingt et unième" is 1 and a 21st
    return int(rank.value), rank.last


def join_mixed(drafts: list[Draft], tokens: list[Token], lang: ModuleType) -> list[Draft]:
    """A whole number, the link word and a fraction in words: "four and three quarters"
    = 4.75, "quatre et deux quarts" = 4.5 (when the sum is an exact decimal)."""
    kept: list[Draft] = []
    for draft in drafts:
        prev = kept[-1] if kept else None
        if (prev is not None and draft.kind == "fraction" and draft.words and prev.kind == "number"
                and prev.words and not (prev.decimal or prev.ordinal or prev.mag)
                and next_word(tokens, prev.last) == draft.first - 1
                and tokens[draft.first - 1].low == lang.LINK_WORD and isinstance(draft.value, str)):
            total = Fraction(prev.amount) + Fraction(draft.value)
            if _exact(total):
                prev.value = Decimal(total.numerator) / total.denominator
                prev.last, prev.decimal, prev.single = draft.last, True, None
                continue
        kept.append(draft)
    return kept


def _exact(f: Fraction) -> bool:
    d = f.denominator
    for p in (2, 5):
        while d % p == 0:
            d //= p
    return d == 1


def _half_a(tokens: list[Token], i: int, lang: ModuleType) -> Draft | None:
    """"half a million" is one amount (500000), "half a percent" 0.5 %: not the
    fraction 1/2 and then a million (one listener's number, not two)."""
    k = next_word(tokens, i)
    if k is None or tokens[k].low not in lang.ARTICLE_ONE:
        return None
    k2 = next_word(tokens, k)
    if k2 is None:
        return None
    half = Decimal(1) / lang.LONE_FRACTIONS[tokens[i].low]
    if tokens[k2].low in lang.MAGNITUDES:
        mag = lang.MAGNITUDES[tokens[k2].low]
        return Draft(half * mag, "number", i, k2, words=True, decimal=True, mag=mag)
    if tokens[k2].tag or match_any(tokens, k2, lang.POINTS_PHRASES):  # the unit is attached later
        return Draft(half, "number", i, k, words=True, decimal=True)
    return None


def _value(n: int, d: int) -> str:
    f = Fraction(n, d)
    return f"{f.numerator}/{f.denominator}"


def _period(tokens: list[Token], k: int, lang: ModuleType) -> bool:
    """"the first half", "the third quarter": a part of a year, not a fraction."""
    j = k - 1
    while j >= 0 and tokens[j].text in HYPHENS:
        j -= 1
    return j >= 0 and tokens[j].low in lang.PERIOD_ORDINALS


def _count_before(tokens: list[Token], i: int, lang: ModuleType) -> bool:
    """"two half": a count the fraction word does not take; "half" is no fraction alone there."""
    return i > 0 and tokens[i].gap == " " and tokens[i - 1].low in lang.FRACTION_COUNT_WORDS \
        and tokens[i - 1].low not in lang.ARTICLE_ONE


def _hyphen_after(tokens: list[Token], i: int) -> bool:
    """"half-year", "half-time": part of a compound word."""
    return i + 1 < len(tokens) and tokens[i + 1].text in HYPHENS and not tokens[i + 1].gap
