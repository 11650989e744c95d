"""Other readings of a heard text: where a run of number words may be cut.

"nine hundred thousand two years earlier" is 900002 to the grammar, but also
900000 and 2 ("900,000 two years earlier"); "nine hundred thousand twenty
five" may be 900000, 20 and 5. compare() asks for these readings only when the
first one leaves script numbers unmatched, and only for the segmentations of
a run whose every part has the value of a script number (the fewest parts
first); it keeps one only if every part then matches a script number, so
"eight hundred ninety eight" heard for "890" stays a changed number, not 890
and a stray 8. Hyphenated words ("twenty-five") are never cut.
"""

from __future__ import annotations

from types import ModuleType

from .canon import decimal_str
from .draft import Draft
from .extract import drafts_of
from .tokens import HYPHENS, Token
from .wordnum import parse_words


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
