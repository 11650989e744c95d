"""Dates: "18 août 2025", "le 1er octobre", "August 8, 2025", "the 8th of August",
"août 2025", "2025-08-18", "18/08/2025" (fr) or "08/18/2025" (en), "Jan-15-2020", "15-Jan-2020",
fr "le 17/06" (day first, after its article) and "les 17/18 juin" (two days: 17 and 18 juin)."""

from __future__ import annotations

from decimal import Decimal
from types import ModuleType

from .canon import date_str
from .draft import Draft
from .tokens import Token, joined, next_word
from .wordnum import parse_words

_NUMERIC_SEPARATORS = "-/."


def numeric_dates(tokens: list[Token], lang: ModuleType) -> tuple[list[Draft], set[int]]:
    """ISO and slash dates, found on tokens before anything else reads their digits."""
    found: list[Draft] = []
    used: set[int] = set()
    for i in range(len(tokens) - 4):
        parts = tokens[i:i + 5]
        if (any(t.kind != "num" and _month_word(t, lang) is None for t in parts[::2]) or any(t.gap for t in parts[1:])
                or parts[1].text != parts[3].text or parts[1].text not in _NUMERIC_SEPARATORS):
            continue
        a, b, c = (t.text for t in parts[::2])
        if parts[1].text == "-" and parts[0].kind != parts[2].kind and parts[4].kind == "num":
            value = _month_hyphened(parts, lang)  # "Jan-15-2020", "15-Jan-2020"
        elif len(a) == 4 and parts[1].text == "-":
            value = _date(a, b, c)
        elif len(c) == 4:  # "25/07/2012", "25.07.2012", "25-07-2012"
            # the language's order first; the other when only it is a date ("14/03/2025" in en)
            first, other = ((b, a), (a, b)) if lang.DAY_FIRST else ((a, b), (b, a))
            value = _date(c, *first) or _date(c, *other)
        else:
            continue
        if value:
            found.append(Draft(value, "date", i, i + 4))
            used.update(range(i, i + 5))
    if lang.DAY_FIRST:
        _day_slashes(tokens, lang, found, used)
    return found, used


def _month_word(tok: Token, lang: ModuleType) -> int | None:
    return lang.MONTHS.get(tok.low) if tok.is_word else None


def _month_hyphened(parts: list[Token], lang: ModuleType) -> str | None:
    """"Jan-15-2020" or "15-Jan-2020": a month's name between hyphens, the year last."""
    year = parts[4].text
    if len(year) != 4 or not year.isdigit():
        return None
    month, day = (parts[0], parts[2]) if parts[0].kind != "num" else (parts[2], parts[0])
    number = _month_word(month, lang)
    if number is None or day.kind != "num" or not day.text.isdigit() or len(day.text) > 2:
        return None
    return date_str(int(year), number, int(day.text))


def _day_slashes(tokens: list[Token], lang: ModuleType, found: list[Draft], used: set[int]) -> None:
    """fr "le 17/06": a day and month (a fraction elsewhere); "les 17/18 juin": the day
    17 said like "les 17 et 18 juin" (its month is read with 18)."""
    for i in range(len(tokens) - 2):
        a, slash, b = tokens[i:i + 3]
        if (i in used or slash.text != "/" or a.kind != "num" or b.kind != "num" or slash.gap or b.gap
                or not (a.text.isdigit() and b.text.isdigit() and len(a.text) <= 2 and len(b.text) <= 2)
                or i + 3 < len(tokens) and not tokens[i + 3].gap and tokens[i + 3].kind != "sym"):
            continue
        k = i + 3
        if k < len(tokens) and _month_word(tokens[k], lang) and 1 <= int(a.text) < int(b.text) <= 31:
            found += [Draft(Decimal(int(t.text)), "number", j, j, digits=t.text) for j, t in ((i, a), (i + 2, b))]
            used.update((i, i + 1, i + 2))
        elif i and tokens[i - 1].low in lang.DATE_ARTICLES and (value := date_str(None, int(b.text), int(a.text))):
            found.append(Draft(value, "date", i - 1, i + 2))
            used.update(range(i - 1, i + 3))


def _date(year: str, month: str, day: str) -> str | None:
    if not (year.isdigit() and month.isdigit() and day.isdigit()):
        return None
    return date_str(int(year), int(month), int(day))


def month_dates(drafts: list[Draft], tokens: list[Token], lang: ModuleType) -> list[Draft]:
    """Replace day/month/year drafts around month names with date drafts."""
    by_first = {d.first: d for d in drafts}
    by_last = {d.last: d for d in drafts}
    covered = {k for d in drafts for k in range(d.first, d.last + 1)}
    consumed: set[int] = set()
    dates = []
    for t in range(len(tokens)):
        month = _month(tokens, t, lang)
        if month is None or t in covered:
            continue
        date = _around(t, month, tokens, lang, by_first, by_last)
        if date is None:
            continue
        draft, parts = date
        if any(id(p) in consumed for p in parts):
            continue
        consumed.update(id(p) for p in parts)
        dates.append(draft)
    kept = [d for d in drafts if id(d) not in consumed]
    return sorted(kept + dates, key=lambda d: d.first)


def _month(tokens: list[Token], t: int, lang: ModuleType) -> int | None:
    tok = tokens[t]
    if not tok.is_word or tok.low not in lang.MONTHS:
        return None
    if lang.MONTHS_CAPITALIZED and not tok.text[0].isupper() and not _lower_month(tokens, t, lang):
        return None
    return lang.MONTHS[tok.low]


def _lower_month(tokens: list[Token], t: int, lang: ModuleType) -> bool:
    """English "on march 14", "in may 2025", "14 march", "july 25": a lower-case month
    name that is a verb too ("they march 14 miles") counts only after a date word or
    a day, or before a day said as a rank; like any month, only with a day or a year
    next to it (_around)."""
    before = tokens[t - 1] if t else None
    if before is not None and joined(tokens, t) and (before.kind == "num" or (
            before.low in lang.ORDINAL_SUFFIXES and t >= 2 and tokens[t - 2].kind == "num")):
        return True  # "25 jul 2012", "25th jul", "25 sept.": after a day's digits, an abbreviation too
    if tokens[t].low in lang.MONTH_VERBS:
        return (before is not None and before.low in lang.LOWER_MONTH_CUES) or _ordinal_after(tokens, t, lang)
    if tokens[t].low in lang.MONTH_NAMES_LOWER:
        return True  # "july 25 2012": no other word is spelt "july"
    return _digits_after(tokens, t)


def _digits_after(tokens: list[Token], t: int) -> bool:
    """"jul 25 2012", "jan. 15": an abbreviated month before a day's digits."""
    k = t + 1
    if k < len(tokens) and tokens[k].text == "." and not tokens[k].gap:
        k += 1
    return k < len(tokens) and tokens[k].kind == "num" and tokens[k].gap == " "


def _ordinal_after(tokens: list[Token], t: int, lang: ModuleType) -> bool:
    """"august fifth", "january twenty-first": a day said as a rank right after the month."""
    k = next_word(tokens, t)
    if k is None or not joined(tokens, k):
        return False
    day = parse_words(tokens, k, lang, simple=True)
    return day is not None and day.ordinal and 1 <= day.value <= 31


def _around(t, month, tokens, lang, by_first, by_last):
    end = t
    abbreviated = tokens[t].low not in (name.lower() for name in lang.MONTH_NAMES)
    if abbreviated and t + 1 < len(tokens) and tokens[t + 1].text == "." and not tokens[t + 1].gap:
        end = t + 1
    day, first = None, t
    before = by_last.get(t - 1)
    if before is not None and joined(tokens, t) and _is_day(before):
        day, first = before, before.first
    elif (not lang.DAY_FIRST and t >= 2 and tokens[t - 1].low == "of" and (t - 2) in by_last
          and _is_day(by_last[t - 2])):
        day = by_last[t - 2]
        first = day.first
    after_day = None
    if day is None and not lang.DAY_FIRST:
        cand = by_first.get(end + 1)
        if cand is not None and joined(tokens, end + 1) and _is_day(cand):
            after_day = day = cand
            end = cand.last
    year_at = end + 1
    if year_at < len(tokens) and tokens[year_at].text == "," and not lang.DAY_FIRST:
        year_at += 1
    year = by_first.get(year_at)
    if year is None or not joined(tokens, year_at) or not _is_year(year):
        year = None
    if day is None and year is None:
        return None
    if day is not None and day is not after_day:
        art = first - 1
        if art >= 0 and tokens[art].low in lang.DATE_ARTICLES and joined(tokens, first):
            first = art
    last = year.last if year is not None else end
    value = date_str(int(year.value) if year else None, month, int(day.value) if day else None)
    if value is None:
        return None
    return Draft(value, "date", first, last), [p for p in (day, year) if p is not None]


def _is_day(d: Draft) -> bool:
    return (d.kind == "number" and not d.decimal and not d.mag and isinstance(d.value, Decimal)
            and 1 <= d.value <= 31 and (d.digits is None or len(d.digits) <= 2 or d.ordinal))


def _is_year(d: Draft) -> bool:
    return (d.kind == "number" and not d.decimal and not d.ordinal and d.unit is None
            and 1000 <= d.amount <= 2999 and (d.digits is None or (d.digits.isdigit() and not d.mag)))
