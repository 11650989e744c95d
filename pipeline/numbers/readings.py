"""Other readings of a heard text: where a run of number words may be cut.

"nine hundred thousand two years earlier" is 900002 to the grammar, but also
900000 and 2 ("900,000 two years earlier"). compare() asks for these readings
only when the first one leaves script numbers unmatched, and only for cuts
where one side of the cut has the value of such a number; it keeps a cut only
if every part of it then matches a script number (so "eight hundred ninety
eight" heard for "890" stays a changed number, not 890 and a stray 8).
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
    """(run, its parts, their tokens) for each cut of a run of number words
    where both sides have a script value (`values`), one of them `wanted`.
    Hyphenated words are never cut."""
    found = []
    for draft in drafts:
        if not draft.words or draft.kind == "date":
            continue
        for cut in range(draft.first + 1, draft.last + 1):
            if (not tokens[cut].is_word or tokens[cut - 1].text in HYPHENS
                    or not _worth_cutting(tokens, draft.first, cut, lang, wanted, values)):
                continue
            again, again_tokens = drafts_of(text, lang, frozenset({cut}))
            parts = [d for d in again if d.first <= draft.last and d.last >= draft.first]
            if len(parts) > 1:
                found.append((draft, parts, again_tokens))
    return found


def _worth_cutting(tokens: list[Token], first: int, cut: int, lang: ModuleType,
                   wanted: set[str], values: set[str]) -> bool:
    tokens[cut].stop = True
    try:
        left = parse_words(tokens, first, lang)
    finally:
        tokens[cut].stop = False
    right = parse_words(tokens, cut, lang)
    if left is None or right is None:
        return False
    sides = {decimal_str(left.value), decimal_str(right.value)}
    return sides <= values and bool(sides & wanted)
