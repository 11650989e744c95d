"""Tokens -> bare numbers (digits or words) and codes, before dates and units."""

from __future__ import annotations

import re
from decimal import Decimal
from types import ModuleType

from .draft import Draft
from .ratios import digit_fraction, word_fraction
from .tokens import HYPHENS, Token, is_latin_letter, next_word
from .wordnum import fraction_digits, lookup, parse_words

# a letter word glued to digits that still leaves a number: "mi-2025", "mid-2025"
NOT_CODE_PREFIXES = frozenset({"mi", "mid", "pre", "post", "fin", "début", "debut", "early", "late",
                               "fy"})  # "FY2024": the fiscal year 2024
ABBR_ALWAYS = {"bn": 10**9, "Bn": 10**9, "BN": 10**9, "mn": 10**6, "tn": 10**12, "trn": 10**12, "tr": 10**12,
               "Md": 10**9, "Mds": 10**9, "Mrd": 10**9, "Mrds": 10**9, "M": 10**6, "k": 10**3}
ABBR_WITH_CURRENCY = {"m": 10**6, "K": 10**3, "B": 10**9, "b": 10**9, "T": 10**12}
CURRENCY_SYMBOLS = {"$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "₹": "INR", "₩": "KRW", "¢": "¢"}
CODE_JOINERS = ".:/,"
# vulgar fraction characters: "¾" alone is 3/4, "3½" is 3.5
VULGAR_FRACTIONS = {"½": (1, 2), "⅓": (1, 3), "⅔": (2, 3), "¼": (1, 4), "¾": (3, 4), "⅕": (1, 5), "⅖": (2, 5),
                    "⅗": (3, 5), "⅘": (4, 5), "⅙": (1, 6), "⅚": (5, 6), "⅛": (1, 8), "⅜": (3, 8), "⅝": (5, 8),
                    "⅞": (7, 8)}
# glued letters that are a unit, left for units.py: "10pp", "2x"
GLUED_UNITS = frozenset({"pp", "ppt", "ppts", "x", "X"})


def scan(tokens: list[Token], lang: ModuleType, used: set[int]) -> list[Draft]:
    drafts: list[Draft] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        draft = None
        if i in used:
            pass
        elif tok.kind == "num":
            draft = _digits(tokens, i, lang)
        elif tok.is_word:
            draft = _words(tokens, i, lang)
        if draft is None:
            i += 1
            continue
        drafts.append(draft)
        i = draft.last + 1
    return drafts


def _digits(tokens: list[Token], i: int, lang: ModuleType) -> Draft:
    tok = tokens[i]
    fraction = digit_fraction(tokens, i)
    if fraction is not None:
        return fraction
    draft = Draft(lang.parse_digits(tok.text), "number", i, i, digits=tok.text)
    draft.decimal = "." in format(draft.value, "f")
    mixed = _mixed_number(tokens, i, draft)
    if mixed is not None:
        return mixed
    if _powered(draft, tokens, lang):
        return draft
    if _glued_to_code(tokens, i):
        draft.kind = "code"
    nxt = tokens[i + 1] if i + 1 < len(tokens) else None
    if nxt is not None and nxt.is_word and not nxt.gap:
        _suffix(draft, tokens, i + 1, lang)
    return draft


def _mixed_number(tokens: list[Token], i: int, draft: Draft) -> Draft | None:
    """"2 1/2" = 2.5 ("two and a half"): a whole number, a space, a fraction with an
    exact decimal (halves, quarters, fifths, eighths)."""
    if not tokens[i].text.isdigit() or i + 1 >= len(tokens) or tokens[i + 1].gap != " ":
        return None
    fraction = digit_fraction(tokens, i + 1)
    if fraction is None or not isinstance(fraction.value, str):
        return None
    n, d = map(int, fraction.value.split("/"))
    if d not in (2, 4, 5, 8):
        return None
    draft.value = draft.amount + Decimal(n) / d
    draft.decimal, draft.last, draft.digits = True, fraction.last, None
    return draft


MAX_EXPONENT = 15


def _powered(draft: Draft, tokens: list[Token], lang: ModuleType) -> bool:
    """Scientific notation: "1e6", "2.5e9", "10^6" are the amounts a listener hears
    ("a million"), not a number and a code. Only whole exponents up to 10^15."""
    i = draft.first
    if i + 2 >= len(tokens) or tokens[i + 1].gap or tokens[i + 2].gap or (i and not tokens[i].gap
                                                                           and tokens[i - 1].kind != "sym"):
        return False
    mark, exp = tokens[i + 1], tokens[i + 2]
    after = tokens[i + 3] if i + 3 < len(tokens) and not tokens[i + 3].gap else None
    if exp.kind != "num" or not exp.text.isdigit() or int(exp.text) > MAX_EXPONENT or (
            after is not None and (after.kind != "sym" or after.text in CODE_JOINERS + "^" and i + 4 < len(tokens)
                                   and tokens[i + 4].kind == "num" and not tokens[i + 4].gap)):
        return False
    if mark.low == "e" and draft.digits and draft.digits[-1].isdigit():
        draft.value = draft.amount * 10 ** int(exp.text)
    elif mark.text == "^" and draft.digits == "10":
        draft.value = Decimal(10) ** int(exp.text)
    else:
        return False
    draft.last, draft.decimal = i + 2, "." in format(draft.amount.normalize(), "f")
    return True


def _glued_to_code(tokens: list[Token], i: int) -> bool:
    """H1, Q3, A320, GPT-4, COVID-19, 2.5.1, 2:05:30 (but not a ratio "1:4")."""
    tok = tokens[i]
    if _in_ratio(tokens, i):
        return False
    prev = tokens[i - 1] if i else None
    if prev is not None and not tok.gap:
        if prev.is_word and is_latin_letter(prev.text[-1]) and prev.low not in NOT_CODE_PREFIXES:
            return True
        if prev.text in HYPHENS and i >= 2 and not prev.gap:
            word = tokens[i - 2]
            return word.is_word and is_latin_letter(word.text[-1]) and word.low not in NOT_CODE_PREFIXES
        if prev.text in CODE_JOINERS and i >= 2 and not prev.gap and tokens[i - 2].kind == "num":
            return True
    if i + 2 < len(tokens):
        sep, after = tokens[i + 1], tokens[i + 2]
        if sep.text in CODE_JOINERS and not sep.gap and not after.gap and after.kind == "num":
            return True
    return False


def _in_ratio(tokens: list[Token], i: int) -> bool:
    """Token i is a side of a lone "1:4", "16:9": two numbers the listener hears ("one to
    four"). Times ("14:30") were taken before; "2:05:30" has more than two sides."""
    a = i if i + 1 < len(tokens) and tokens[i + 1].text == ":" else i - 2
    if a < 0 or a + 2 >= len(tokens) or tokens[a + 1].text != ":" or tokens[a + 1].gap or tokens[a + 2].gap:
        return False
    if not (tokens[a].text.isdigit() and tokens[a + 2].text.isdigit()):
        return False
    return not (_glued_side(tokens, a, -1) or _glued_side(tokens, a + 2, 1))


def _glued_side(tokens: list[Token], k: int, step: int) -> bool:
    """Something glued to token k on one side: a letter ("1:4a") or a joined number ("2:05:30")."""
    n = k + step
    if not 0 <= n < len(tokens) or (tokens[max(k, n)].gap):
        return False
    if tokens[n].kind == "word":
        return True
    m = n + step
    return (tokens[n].text in CODE_JOINERS and 0 <= m < len(tokens) and not tokens[max(n, m)].gap
            and tokens[m].kind == "num")


def _suffix(draft: Draft, tokens: list[Token], j: int, lang: ModuleType) -> None:
    word = tokens[j].text
    if word in GLUED_UNITS and not (j + 1 < len(tokens) and tokens[j + 1].kind == "num" and not tokens[j + 1].gap):
        return  # "10pp", "2x"; but "4x4", "1920x1080" are codes
    digits = draft.digits or ""      # always set: the draft was read from digits
    if word.lower() in lang.ORDINAL_SUFFIXES and digits.isdigit():
        draft.ordinal, draft.last = True, j
    elif word in VULGAR_FRACTIONS and digits.isdigit() and VULGAR_FRACTIONS[word][1] in (2, 4, 5, 8):
        n, d = VULGAR_FRACTIONS[word]  # "3½" = 3.5 (a third has no exact decimal: "2⅓" stays a name)
        draft.value = Decimal(int(digits)) + Decimal(n) / d
        draft.decimal, draft.last = True, j
    elif word == "s" and digits.isdigit() and (len(digits) == 4 or len(digits) == 2 and digits.endswith("0")):
        draft.last, draft.decade = j, True  # a decade: "the 1990s", "the '90s" (90: its century unsaid)
    elif (word in ABBR_ALWAYS or (word in ABBR_WITH_CURRENCY and _currency_near(tokens, draft.first, j))
          or (word == "K" and (draft.decimal or draft.amount >= 10))):  # "3.5K", "50K"; "4K" is a screen
        draft.mag = ABBR_ALWAYS.get(word) or ABBR_WITH_CURRENCY[word]
        draft.value *= draft.mag
        draft.last = j
    else:
        draft.kind, draft.last = "code", j  # 4G, 3D, 5m (metres)


def _currency_near(tokens: list[Token], first: int, last: int) -> bool:
    before = tokens[first - 1].text if first else ""
    after = tokens[last + 1].text if last + 1 < len(tokens) else ""
    return before in CURRENCY_SYMBOLS or after in CURRENCY_SYMBOLS


def _words(tokens: list[Token], i: int, lang: ModuleType) -> Draft | None:
    tok = tokens[i]
    if tok.tag:
        return None
    if tok.low in lang.FRACTION_WORDS:
        return _leading_fraction(tokens, i, lang)
    century = _roman_century(tokens, i, lang)
    if century is not None:
        return century
    if tok.text in VULGAR_FRACTIONS:  # "¾ of users" (a glued "3½" is read with its digits)
        n, d = VULGAR_FRACTIONS[tok.text]
        return Draft(f"{n}/{d}", "fraction", i, i)
    fraction = word_fraction(tokens, i, lang)
    if fraction is not None:
        return fraction
    if tok.low in lang.DECADE_WORDS:  # "the eighties": '80s, its century unsaid; "ten eighties" says a wrong one
        said_century = i > 0 and lookup(tokens, i - 1, lang) is not None
        return Draft(Decimal(lang.DECADE_WORDS[tok.low]), "number", i, i, words=True, decade=not said_century)
    k = next_word(tokens, i)
    if k is not None and f"{tok.low} {tokens[k].low}" in lang.DECADE_PHRASES:  # "the two thousands"
        return Draft(Decimal(lang.DECADE_PHRASES[f"{tok.low} {tokens[k].low}"]), "number", i, k, words=True,
                     decade=True)
    if tok.low in lang.MULTIPLIER_WORDS:  # "twice"
        return Draft(Decimal(lang.MULTIPLIER_WORDS[tok.low]), "multiplier", i, i, unit="x", words=True)
    if (i and tokens[i - 1].text in HYPHENS and not tok.gap and not tokens[i - 1].gap
            and not (i >= 2 and lookup(tokens, i - 2, lang) is not None)):
        return None  # "COVID-dix-neuf", "Llama-three": part of a name; "two-five" is two numbers
    num = parse_words(tokens, i, lang)
    if num is None:
        return None
    if num.ordinal and num.words == 1 and i and tokens[i - 1].low in lang.FRACTION_COUNTS:
        return None  # "a fifth of them": a fraction, not a rank
    kind = "code" if num.value == 0 and _compound(tokens, num.last) else "number"
    return Draft(num.value, kind, num.first, num.last, ordinal=num.ordinal,
                 decimal=num.decimal, mag=num.mag, words=True, single=num.single, decade=num.decade)


_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}
_ROMAN_ORDINAL = re.compile(r"([IVXLC]+)(?:e|er|ème|eme)")


def _roman_century(tokens: list[Token], i: int, lang: ModuleType) -> Draft | None:
    """fr "XXIe siècle": a rank written in Roman numerals, read only before the word
    for century (elsewhere "XI", "CV" or "Louis XIV" are names and initials)."""
    hit = _ROMAN_ORDINAL.fullmatch(tokens[i].text)
    k = next_word(tokens, i)
    if hit is None or k is None or tokens[k].low not in lang.ROMAN_CENTURY_WORDS:
        return None
    value = _roman_value(hit.group(1))
    if value is None:
        return None
    return Draft(Decimal(value), "number", i, i, ordinal=True, words=True)


def _roman_value(text: str) -> int | None:
    """Standard (subtractive) Roman numerals up to 399; None for malformed ones ("IIX")."""
    total = 0
    for a, b in zip(text, text[1:] + " "):
        v = _ROMAN[a]
        total += -v if b != " " and _ROMAN[b] > v else v
    return total if 0 < total < 400 and _roman(total) == text else None


def _roman(n: int) -> str:
    out = ""
    for v, sym in ((100, "C"), (90, "XC"), (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= v:
            out, n = out + sym, n - v
    return out


def _compound(tokens: list[Token], last: int) -> bool:
    """"zero-carbon", "zero-trust": an adjective made with a number, not a quantity."""
    if last + 2 >= len(tokens):
        return False
    hyphen, word = tokens[last + 1], tokens[last + 2]
    return hyphen.text in HYPHENS and not hyphen.gap and not word.gap and word.is_word


_NOT_BEFORE_POINT = frozenset({"the", "this", "that", "a", "one", "each", "every", "some", "any",
                               "which", "what", "no", "at", "le", "ce", "un", "du", "au"})


def _leading_fraction(tokens: list[Token], i: int, lang: ModuleType) -> Draft | None:
    """"point zero five" = 0.05 (not after "at this point ...")."""
    if i and tokens[i - 1].low in _NOT_BEFORE_POINT:
        return None
    digits, last = fraction_digits(tokens, i, lang)
    if digits is None:
        return None
    draft = Draft(Decimal("0." + digits), "number", i, last, decimal=True, words=True)
    k = next_word(tokens, last)
    if k is not None and tokens[k].low in lang.MAGNITUDES:
        draft.mag = lang.MAGNITUDES[tokens[k].low]
        draft.value *= draft.mag
        draft.last = k
    return draft
