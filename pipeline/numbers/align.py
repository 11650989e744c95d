"""compare(): did every number of the script reach the listener?

In-order alignment (Needleman-Wunsch style) of script mentions with the
mentions of the transcript, scored by value, kind and unit. Extra heard numbers
cost nothing; a script number without a partner is "lost".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from decimal import Decimal
from fractions import Fraction

from .canon import date_parts, date_str, decimal_str
from .clock import clock_words, said_times
from .exact import exact
from .extract import drafts_of, mentions
from .langs import get as get_lang
from .model import TEXT_KINDS, Match, Mention
from .names import name_readings
from .periods import period_covers
from .quantities import conversion, generic, info
from .readings import cut_readings, degree_ranks, digit_runs, rank_or_part

# The statuses that fail an episode's verdict (ok and unit-missing keep the value).
FAILING = ("lost", "changed")
SCORE_OK = 4.0
SCORE_OK_LOOSE = 3.5  # date with extra parts heard, or a unit heard that the script lacks
SCORE_UNIT_MISSING = 3.0
SCORE_CHANGED = 1.0
BONUS_SAME_UNIT = 0.5  # a changed number is more likely the one with the same kind and unit
BONUS_SAME_SCALE = 0.25  # ... and the same order of magnitude (42,9 for 49,2)
# a unit and a currency said with the same word ("pounds"): the heard money may be the weight
SAME_WORDS = frozenset({("lb", "GBP")})
# a heard name reading with no capitalized word before it ("one twenty three Elm Street"):
# pairs with a script name or a plain number of its value, never with a quantity
NOT_AFTER_NAME = "?"


def pair(script: Mention, heard: Mention, weak: bool = False) -> tuple[float, str] | None:
    """Score and status of hearing `heard` where `script` was; None if they cannot pair."""
    if (script.kind, heard.kind) == ("quantity", "currency") and (script.unit, heard.unit) in SAME_WORDS:
        return (SCORE_OK_LOOSE, "ok") if script.value == heard.value else None  # "3 lbs" heard "three pounds"
    if script.kind == "number" and heard.kind == "name":
        # "Office 365 daily" is a count to the grammar, "Office three sixty-five" a name;
        # "123 Elm Street" read in pairs, "one twenty three", is the same digits
        return (SCORE_OK_LOOSE, "ok") if script.value == heard.value and heard.unit in (None, NOT_AFTER_NAME) else None
    across = _across_kinds(script, heard)
    if across is not None:
        return (SCORE_OK_LOOSE, "ok") if across else None
    if (script.kind in TEXT_KINDS or heard.kind in TEXT_KINDS) and script.kind != heard.kind:
        return None  # a time never pairs with a percent, a date with a count
    if script.kind in TEXT_KINDS:
        if script.value == heard.value:
            return SCORE_OK, "ok"
        if script.kind == "date" and date_covers(script.value, heard.value):
            return SCORE_OK_LOOSE, "ok"
        if script.kind == "period" and period_covers(script.value, heard.value):
            return SCORE_OK_LOOSE, "ok"
        if script.kind == "time" and None in (script.unit, heard.unit) and same_clock(script.value, heard.value):
            return SCORE_OK_LOOSE, "ok"
        return None if weak else (SCORE_CHANGED + BONUS_SAME_UNIT, "changed")
    if script.decade and heard.decade and script.value != heard.value:
        return (SCORE_OK_LOOSE, "ok") if same_decade(script.value, heard.value) else (
            None if weak else (_changed_score(script, heard), "changed"))
    if script.value == heard.value:
        if script.unit == heard.unit:
            return SCORE_OK, "ok"
        if heard.unit is None:
            return SCORE_UNIT_MISSING, "unit-missing"
        if script.unit is None or generic(script.unit, heard.unit) or (
                script.kind == heard.kind == "currency" and "¢" in (script.unit, heard.unit)
                and "GBP" not in (script.unit, heard.unit)):
            return SCORE_OK_LOOSE, "ok"
    return None if weak else (_changed_score(script, heard), "changed")


# A unit change said in the episode's language (verify.json, `make verify`, the show notes).
UNIT_NOTE_WORDS = {
    "en": {"heard_in": "heard in", "dimension": "another dimension", "unit": "another unit",
           "conversion": "a conversion", "point": "."},
    "fr": {"heard_in": "entendu en", "dimension": "une autre grandeur", "unit": "une autre unité",
           "conversion": "une conversion", "point": ","},
}


def unit_note(script: Mention, heard: Mention | None, lang: str = "en") -> str | None:
    """What a listener heard instead of a quantity's unit: another unit or scale, and
    the conversion when it is one ("130 km/h heard in mph: 130 km/h = 80.78 mph";
    in French "130 km/h entendu en mph : 130 km/h = 80,78 mph")."""
    if heard is None or script.kind != "quantity" or heard.kind != "quantity" or script.unit == heard.unit:
        return None
    w = UNIT_NOTE_WORDS.get(lang, UNIT_NOTE_WORDS["en"])
    colon = " :" if lang == "fr" else ":"
    said = f"{script.text.strip()} {w['heard_in']} {heard.unit}"
    value = conversion(Decimal(script.value), str(script.unit), str(heard.unit))
    if value is None:
        a, b = info(script.unit), info(heard.unit)
        return f"{said} ({w['dimension'] if a and b and a.dimension != b.dimension else w['unit']})"
    shown = value.quantize(Decimal("0.01")) if abs(value) >= 1 else value.normalize()
    same = f" ({w['conversion']})" if abs(value - Decimal(heard.value)) <= abs(value) / 50 else ""
    number = decimal_str(Decimal(shown)).replace(".", w["point"])
    return f"{said}{colon} {script.value.replace('.', w['point'])} {script.unit} = {number} {heard.unit}{same}"


def with_notes(matches: list[Match], lang: str) -> list[Match]:
    """Each changed quantity with the note saying its unit change, in `lang`."""
    return [replace(m, note=unit_note(m.script, m.heard, lang)) if m.status == "changed" else m
            for m in matches]


def _changed_score(script: Mention, heard: Mention) -> float:
    score = SCORE_CHANGED
    if script.kind == heard.kind and script.unit == heard.unit:
        score += BONUS_SAME_UNIT
    a, b = abs(Decimal(script.value)), abs(Decimal(heard.value))
    if a and b and Decimal("0.1") < a / b < 10:
        score += BONUS_SAME_SCALE
    return score


def _across_kinds(script: Mention, heard: Mention) -> bool | None:
    """Two kinds that may say one amount: whether they do; None for other kinds.
    "0.5" heard "half" or "1/4" heard "0.25"; "2/22" heard "February twenty-second";
    fr "1 h" (a time to the extractor) heard "une heure" (a duration)."""
    kinds = {script.kind, heard.kind}
    if kinds == {"number", "fraction"} and script.unit is None and heard.unit is None:
        return Fraction(script.value) == Fraction(heard.value)
    if (script.kind, heard.kind) == ("fraction", "date"):
        return heard.value in slash_dates(script.text)
    if kinds == {"time", "quantity"}:
        time, hours = (script, heard) if script.kind == "time" else (heard, script)
        amount = Decimal(hours.value)
        return hours.unit == "h" and amount == int(amount) and time.value == f"{int(amount):02d}:00"
    return None


def slash_dates(text: str) -> set[str]:
    """The days "3/4" may be without a year: 4 March or 3 April (a fraction to the extractor)."""
    hit = re.fullmatch(r"\D*(\d{1,2})/(\d{1,2})", text.strip())
    if hit is None:
        return set()
    a, b = int(hit.group(1)), int(hit.group(2))
    return {d for d in (date_str(None, a, b), date_str(None, b, a)) if d}


def same_decade(said: str, heard: str) -> bool:
    """"1980" and "80" are one decade when one of them leaves its century unsaid ("the eighties")."""
    a, b = Decimal(said), Decimal(heard)
    return min(a, b) < 100 and max(a, b) < 10000 and max(a, b) % 100 == min(a, b)


def same_clock(said: str, heard: str) -> bool:
    """"03:45" and "15:45" are the same clock face (for a time said without am/pm)."""
    (h1, m1), (h2, m2) = (map(int, v.split(":")) for v in (said, heard))
    return m1 == m2 and h1 % 12 == h2 % 12 and min(h1, h2) < 12


def date_covers(said: str, heard: str) -> bool:
    """Every part of `said` ("--08-01") is in `heard` ("2025-08-01")."""
    return all(a is None or a == b for a, b in zip(date_parts(said), date_parts(heard)))


@dataclass(frozen=True)
class Heard:
    """A heard mention and the tokens it covers (readings of one text share tokens)."""
    mention: Mention
    weak: bool
    first: int
    last: int


def align(script: list[Mention], heard: list[Heard]) -> list[Match]:
    """Best in-order pairing of script mentions with heard ones that do not overlap.

    The heard mentions form a lattice over token positions: several readings
    of one run of words ("900002" or "900000", "2") compete, and the path with
    the best score wins."""
    points = sorted({h.first for h in heard} | {h.last + 1 for h in heard}) or [0]
    at = {p: k for k, p in enumerate(points)}
    ending: dict[int, list[Heard]] = {}
    for h in heard:
        ending.setdefault(at[h.last + 1], []).append(h)
    n, m = len(script), len(points)
    best = [[0.0] * m for _ in range(n + 1)]
    for i in range(1, n + 1):
        for k in range(m):
            score = max(best[i - 1][k], best[i][k - 1] if k else 0.0)
            for h in ending.get(k, ()):
                p = pair(script[i - 1], h.mention, h.weak)
                if p:
                    score = max(score, best[i - 1][at[h.first]] + p[0])
            best[i][k] = score
    return _trace_back(script, best, ending, at, m - 1)


def _trace_back(script, best, ending, at, k) -> list[Match]:
    matches: list[Match] = []
    i = len(script)
    while i > 0:
        hit = None
        for h in ending.get(k, ()):
            p = pair(script[i - 1], h.mention, h.weak)
            if p and best[i][k] == best[i - 1][at[h.first]] + p[0]:
                hit = h, p[1]
                break
        if hit:
            matches.append(Match(script[i - 1], hit[1], hit[0].mention))
            i, k = i - 1, at[hit[0].first]
        elif k > 0 and best[i][k] == best[i][k - 1]:
            k -= 1
        else:
            matches.append(Match(script[i - 1], "lost", None))
            i -= 1
    return matches[::-1]


def script_mentions(script: str | list[Mention], lang: str) -> list[Mention]:
    get_lang(lang)
    if isinstance(script, str):
        return mentions(script, lang)
    return list(script)


@exact
def compare(script: str | list[Mention], heard: str, lang: str) -> list[Match]:
    """One Match per script number, in order: ok | changed | lost | unit-missing.

    When the first reading of `heard` leaves numbers unmatched, the other
    readings of its runs of number words compete too (see readings.py)."""
    said = script_mentions(script, lang)
    matches, found = _best_reading(said, heard, lang)
    return with_notes(_with_compositions(said, heard, lang, matches, found), lang)


def _best_reading(said: list[Mention], heard: str, lang: str) -> tuple[list[Match], list[Heard]]:
    module = get_lang(lang)
    if not isinstance(heard, str):
        raise TypeError(f"numbers: heard must be str, not {type(heard).__name__}")
    drafts, tokens = drafts_of(heard, module)
    found = _heard(heard, drafts, tokens, lang, said)
    matches = align(said, found)
    wanted = {m.script.value for m in matches if m.status != "ok"}
    if any(m.status != "ok" and m.script.kind == "time" for m in matches):
        times = said_times(drafts, tokens, module) + clock_words(tokens, module)
        found = sorted(found + _heard(heard, times, tokens), key=lambda h: h.first)
        matches = align(said, found)
    if not wanted or len(said) < 2:  # a cut makes two numbers: both must be in the script
        return matches, found
    values = {m.value for m in said}
    for run, parts, part_tokens in cut_readings(heard, module, drafts, tokens, wanted, values):
        pieces = _heard(heard, parts, part_tokens)
        others = [h for h in found if h.last < run.first or h.first > run.last]
        again = align(said, sorted(others + pieces, key=lambda h: h.first))
        ok = {id(m.heard) for m in again if m.status == "ok"}
        if _oks(again) > _oks(matches) and all(id(p.mention) in ok for p in pieces):
            matches, found = again, others + pieces
    return matches, found


def _with_compositions(said: list[Mention], heard: str, lang: str, matches: list[Match],
                       found: list[Heard]) -> list[Match]:
    """A language's own ways of writing what it heard (fr: "60 et 11" may be 71),
    kept only where they match more script numbers."""
    compose = getattr(get_lang(lang), "compose_heard", None)
    if compose is None or all(m.status == "ok" for m in matches):
        return matches
    found = sorted(found, key=lambda h: h.mention.start)
    pairs = compose([(h.mention, h.weak) for h in found], heard, said)
    merged = []
    tokens = None
    for mention, weak in pairs:
        covered = [h for h in found if h.mention.start < mention.end and h.mention.end > mention.start]
        if covered:
            merged.append(Heard(mention, weak, min(h.first for h in covered),
                                max(h.last for h in covered)))
        else:      # read from words that held no number ("d'y fois": dix fois): its own tokens
            tokens = tokens if tokens is not None else drafts_of(heard, get_lang(lang))[1]
            inside = [i for i, t in enumerate(tokens) if mention.start <= t.start and t.end <= mention.end]
            if inside:
                merged.append(Heard(mention, weak, inside[0], inside[-1]))
    composed = align(said, merged)
    return composed if _oks(composed) > _oks(matches) else matches


def _oks(matches: list[Match]) -> int:
    return sum(m.status == "ok" for m in matches)


def _heard(text: str, drafts: list, tokens: list, lang: str | None = None,
           said: list[Mention] | None = None) -> list[Heard]:
    """Heard mentions; a product name's number ("Employs 400" at a segment's
    start looks like one) also as a weak candidate for a number: the same value or
    nothing. With `lang`, the runs of numbers that may be the number of a name
    ("Office three sixty-five") too, which pair only with a script's names; "one hundredth"
    also as a rank and fr "un quatrième" as a part when the script has that kind, and fr
    "sixième" as the script's "6°" (readings.py)."""
    found = []
    for d in drafts:
        if d.kind == "code":
            continue
        mention = d.mention(text, tokens)
        found.append(Heard(mention, d.weak, d.first, d.last))
        if d.name and d.digits is not None:
            amount = Mention(decimal_str(Decimal(d.digits.replace(",", "."))) if _plain(d.digits) else mention.value,
                             "number", None, mention.text, mention.start, mention.end)
            found.append(Heard(amount, True, d.first, d.last))
    if lang is not None and said:
        # only readings that can match: runs of numbers with a script value, or any when the script has names
        values = {m.value for m in said if m.kind in ("number", "name")}
        names = {m.value for m in said if m.kind == "name"}
        spans = {(d.first, d.last) for d in drafts}
        for value, first, last, named in name_readings(drafts, tokens, get_lang(lang)):
            # a number's own value: needed only for a script name ("Apollo 11" heard "apollo eleven")
            single = (first, last) in spans
            if not (names and (named or value in names)) if single else value not in values:
                continue
            start, end = tokens[first].start, tokens[last].end
            unit = None if named else NOT_AFTER_NAME
            found.append(Heard(Mention(value, "name", unit, text[start:end], start, end), False, first, last))
        for value, first, last in digit_runs(tokens, get_lang(lang)):  # "one two three": 123, or nothing
            if value in values:
                start, end = tokens[first].start, tokens[last].end
                kind = "name" if value in names else "number"  # "CA 95051": a name to the script
                found.append(Heard(Mention(value, kind, None, text[start:end], start, end), True, first, last))
        kinds = {m.kind for m in said}
        for value, kind, first, last in rank_or_part(drafts, tokens, get_lang(lang)):  # the script's kind decides
            if kind in kinds:
                start, end = tokens[first].start, tokens[last].end
                found.append(Heard(Mention(value, kind, None, text[start:end], start, end), False, first, last))
        ranks = {m.value for m in said if m.kind == "quantity" and m.unit == "°" and _GLUED_DEGREE.search(m.text)}
        for value, first, last in degree_ranks(drafts, tokens, get_lang(lang), ranks):  # fr "6°" heard "sixième"
            start, end = tokens[first].start, tokens[last].end
            found.append(Heard(Mention(value, "quantity", "°", text[start:end], start, end), False, first, last))
    return found


_GLUED_DEGREE = re.compile(r"\d°$")  # "6°" (a rank or degrees), not "6 °" nor "6 degrés"


def _plain(digits: str) -> bool:
    return digits.replace(",", "").replace(".", "", 1).isdigit() and digits.count(",") <= 1
