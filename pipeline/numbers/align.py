"""compare(): did every number of the script reach the listener?

In-order alignment (Needleman-Wunsch style) of script mentions with the
mentions of the transcript, scored by value, kind and unit. Extra heard numbers
cost nothing; a script number without a partner is "lost".
"""

from __future__ import annotations

from decimal import Decimal

from .canon import date_parts
from .extract import annotated, mentions
from .langs import get as get_lang
from .model import Match, Mention

SCORE_OK = 4.0
SCORE_OK_LOOSE = 3.5  # date with extra parts heard, or a unit heard that the script lacks
SCORE_UNIT_MISSING = 3.0
SCORE_CHANGED = 1.0
BONUS_SAME_UNIT = 0.5  # a changed number is more likely the one with the same kind and unit
BONUS_SAME_SCALE = 0.25  # ... and the same order of magnitude (42,9 for 49,2)


def pair(script: Mention, heard: Mention, weak: bool = False) -> tuple[float, str] | None:
    """Score and status of hearing `heard` where `script` was; None if they cannot pair."""
    if (script.kind == "date") != (heard.kind == "date"):
        return None
    if script.kind == "date":
        if script.value == heard.value:
            return SCORE_OK, "ok"
        if date_covers(script.value, heard.value):
            return SCORE_OK_LOOSE, "ok"
        return None if weak else (SCORE_CHANGED + BONUS_SAME_UNIT, "changed")
    if script.value == heard.value:
        if script.unit == heard.unit:
            return SCORE_OK, "ok"
        if heard.unit is None:
            return SCORE_UNIT_MISSING, "unit-missing"
        if script.unit is None:
            return SCORE_OK_LOOSE, "ok"
    return None if weak else (_changed_score(script, heard), "changed")


def _changed_score(script: Mention, heard: Mention) -> float:
    score = SCORE_CHANGED
    if script.kind == heard.kind and script.unit == heard.unit:
        score += BONUS_SAME_UNIT
    a, b = abs(Decimal(script.value)), abs(Decimal(heard.value))
    if a and b and Decimal("0.1") < a / b < 10:
        score += BONUS_SAME_SCALE
    return score


def date_covers(said: str, heard: str) -> bool:
    """Every part of `said` ("--08-01") is in `heard` ("2025-08-01")."""
    return all(a is None or a == b for a, b in zip(date_parts(said), date_parts(heard)))


def align(script: list[Mention], heard: list[tuple[Mention, bool]]) -> list[Match]:
    n, m = len(script), len(heard)
    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            p = pair(script[i - 1], *heard[j - 1])
            diag = best[i - 1][j - 1] + p[0] if p else -1.0
            best[i][j] = max(best[i - 1][j], best[i][j - 1], diag)
    matches: list[Match] = []
    i, j = n, m
    while i > 0:
        p = pair(script[i - 1], *heard[j - 1]) if j > 0 else None
        if p and best[i][j] == best[i - 1][j - 1] + p[0]:
            matches.append(Match(script[i - 1], p[1], heard[j - 1][0]))
            i, j = i - 1, j - 1
        elif j > 0 and best[i][j] == best[i][j - 1]:
            j -= 1
        else:
            matches.append(Match(script[i - 1], "lost", None))
            i -= 1
    return matches[::-1]


def script_mentions(script: str | list[Mention], lang: str) -> list[Mention]:
    get_lang(lang)
    if isinstance(script, str):
        return mentions(script, lang)
    return list(script)


def compare(script: str | list[Mention], heard: str, lang: str) -> list[Match]:
    """One Match per script number, in order: ok | changed | lost | unit-missing."""
    said = script_mentions(script, lang)
    found = [(m, d.weak) for m, d in annotated(heard, lang) if d.kind != "code"]
    matches = align(said, found)
    compose = getattr(get_lang(lang), "compose_heard", None)   # fr: "60 et 11" may be 71
    if compose and any(m.status != "ok" for m in matches):
        composed = align(said, compose(found, heard, said))
        if sum(m.status == "ok" for m in composed) > sum(m.status == "ok" for m in matches):
            return composed
    return matches
