"""Other readings of a heard text: where a run of number words may be cut.

"nine hundred thousand two years earlier" is 900002 to the grammar, but also
900000 and 2 ("900,000 two years earlier"); "nine hundred thousand twenty
five" may be 900000, 20 and 5. compare() asks for these readings only when the
first one leaves script numbers unmatched, and only for the segmentations of
a run whose every part has the value of a script number (the fewest parts
first); it keeps one only if every part then matches a script number, so
"eight hundred ninety eight" heard for "890" stays a changed number, not 890
and a stray 8. Hyphenated words ("twenty-five") are never cut.

A run of three or more digits said one by one ("one two three zero zero zero",
"nine five zero five one", "four oh one") is also read as the digits it spells
(digit_runs), a reading compare() offers only for a script number of that value.

"one hundredth" is 1/100 to the grammar and fr "un quatrième" a rank, 4th; each is
also the other (rank_or_part): compare() offers it when the script has a number of
that kind, so the script's kind decides ("100th" heard "one hundredth" is ok,
"101st" is changed; "1/4" heard "un quatrième" is ok, "un quatrième mandat" a rank).
"""

from __future__ import annotations

from decimal import Decimal
from types import ModuleType

from .canon import decimal_str
from .draft import Draft
from .extract import drafts_of
from .tokens import HYPHENS, Token
from .wordnum import lookup, parse_words

MIN_DIGIT_RUN = 3  # "one two" may be two counts; three digits in a row are a number read out


def cut_readings(text: str, lang: ModuleType, drafts: list[Draft], tokens: list[Token],
                 wanted: set[str], values: set[str]) -> list[tuple[Draft, list[Draft], list[Token]]]:
    """(run, its parts, their tokens) for each run of number words that can be
    cut into parts that all have a script value (`values`), one of them `wanted`."""
    found = []
    for draft in drafts:
        if not draft.words or draft.kind == "date":
            continue
        cuts = _segmentation(tokens, draft.first, lang, wanted, values)
        if not cuts:
            continue
        again, again_tokens = drafts_of(text, lang, frozenset(cuts))
        parts = [d for d in again if d.first <= draft.last and d.last >= draft.first]
        if len(parts) > 1:
            found.append((draft, parts, again_tokens))
    return found


def _segmentation(tokens: list[Token], first: int, lang: ModuleType, wanted: set[str],
                  values: set[str]) -> list[int] | None:
    """Cut points that split the run of number words at `first` into the fewest
    phrases with script values, at least two; None if there are none."""
    whole = parse_words(tokens, first, lang)
    if whole is None or whole.last == first:
        return None
    end = whole.last + 1
    starts = [j for j in range(first + 1, end) if tokens[j].is_word and tokens[j - 1].text not in HYPHENS]
    best: dict[int, tuple[int, int | None, bool]] = {first: (0, None, False)}  # parts, previous, wanted seen
    for a in [first] + starts:
        if a not in best:
            continue
        for b in [s for s in starts if s > a] + [end]:
            value = _part_value(tokens, a, b, lang)
            if value in values:
                parts, _, seen = best[a]
                if b not in best or parts + 1 < best[b][0]:
                    best[b] = (parts + 1, a, seen or value in wanted)
    if end not in best or best[end][0] < 2 or not best[end][2]:
        return None
    cuts, at = [], best[end][1]
    while at is not None and at != first:
        cuts.append(at)
        at = best[at][1]
    return sorted(cuts)


def _part_value(tokens: list[Token], a: int, b: int, lang: ModuleType) -> str | None:
    """The value of tokens a..b-1 read as one number phrase, maybe followed by a
    link ("one hundred and | two thousand"); None if they are not one."""
    if b < len(tokens):
        tokens[b].stop = True
    try:
        part = parse_words(tokens, a, lang)
    finally:
        if b < len(tokens):
            tokens[b].stop = False
    if part is None or any(t.low != lang.LINK_WORD and t.text != "," for t in tokens[part.last + 1:b]):
        return None
    return decimal_str(part.value)


def digit_runs(tokens: list[Token], lang: ModuleType) -> list[tuple[str, int, int]]:
    """(value, first token, last token) of each run of digits said one by one, a
    space between them; "oh" is a zero inside a run ("one three oh oh oh" = 13000)."""
    runs: list[tuple[str, int, int]] = []
    digits, first = "", 0
    for j in range(len(tokens) + 1):
        digit = _said_digit(tokens, j, lang, bool(digits)) if j < len(tokens) else None
        if digit is not None and (not digits or tokens[j].gap == " "):
            digits, first = (digits + digit, first) if digits else (digit, j)
            continue
        if len(digits) >= MIN_DIGIT_RUN:
            runs.append((decimal_str(Decimal(digits)), first, j - 1))
        restart = _said_digit(tokens, j, lang, False) if j < len(tokens) else None
        digits, first = (restart, j) if restart is not None else ("", 0)
    return runs


def _said_digit(tokens: list[Token], j: int, lang: ModuleType, inside: bool) -> str | None:
    tok = tokens[j]
    if not tok.is_word:
        return None
    if inside and tok.low in lang.YEAR_OH:
        return "0"
    w = lookup(tokens, j, lang)
    if w is None or w.ordinal or w.last != j or w.value > 9:
        return None
    return str(w.value)


def rank_or_part(drafts: list[Draft], tokens: list[Token], lang: ModuleType) -> list[tuple[str, str, int, int]]:
    """(value, kind, first token, last token) of the other reading of "one hundredth"
    (a rank: 100) and fr "un quatrième" (a part: 1/4)."""
    found = []
    for d in drafts:
        if (d.kind == "fraction" and isinstance(d.value, str) and d.value.startswith("1/")
                and d.last == d.first + 1 and _said_one(tokens, d.first, lang)):
            found.append((d.value[2:], "number", d.last, d.last))
        elif (d.kind == "number" and d.ordinal and d.words and d.first and d.amount > 2
              and _said_one(tokens, d.first - 1, lang)):
            found.append((f"1/{int(d.amount)}", "fraction", d.first - 1, d.last))
    return found


def degree_ranks(drafts: list[Draft], tokens: list[Token], lang: ModuleType,
                 values: set[str]) -> list[tuple[str, int, int]]:
    """(value, first, last) of each rank said in words ("sixième") whose value a
    script's "6°" has: fr writes a rank so too ("arrivé 6°")."""
    if not lang.DEGREE_RANKS:
        return []
    return [(decimal_str(d.amount), d.first, d.last) for d in drafts
            if d.kind == "number" and d.ordinal and d.words and decimal_str(d.amount) in values]


def _said_one(tokens: list[Token], j: int, lang: ModuleType) -> bool:
    """"one", "a", fr "un", "une": the count of a part."""
    if tokens[j].low in lang.ARTICLE_ONE:
        return True
    w = lookup(tokens, j, lang)
    return w is not None and w.value == 1 and not w.ordinal and w.last == j
