"""Times of day: "3:45 pm", "3pm", "3.45 p.m.", "14:30", fr "14h30", "14 h",
"quatorze heures trente", en "three forty-five p.m.".

Found on tokens before bare numbers (like numeric dates), so that their digits
are not read as counts. The value is "HH:MM" on a 24-hour clock; "3:45"
alone is "03:45" with no unit, and compare pairs it with "15:45" too.
"""

from __future__ import annotations

import re
from types import ModuleType

from .draft import Draft
from .phrases import match_any
from .tokens import APOSTROPHES, HYPHENS, Token, joined, next_word
from .wordnum import lookup, parse_words

_DOTTED = re.compile(r"(\d{1,2})\.(\d{2})")
_MERIDIEMS = {"am": 0, "pm": 12, "a.m": 0, "p.m": 12}
# a time's unit says how its hour was given: "am"/"pm", H24 ("14:30", "14h30"), or
# None ("3:45": either; compare pairs it with 03:45 and 15:45)
H24 = "24h"
_CUES = frozenset({"am", "pm", "a", "p"})  # the first token of a meridiem


def clock_times(tokens: list[Token], lang: ModuleType, used: set[int]) -> tuple[list[Draft], set[int]]:
    found: list[Draft] = []
    taken: set[int] = set()
    said = any(t.low in lang.HOUR_WORDS or t.low in _CUES or t.low in lang.NAMED_HOURS
               for t in tokens)  # else no time in words
    i = 0
    while i < len(tokens):
        hit = None if i in used else (_digits(tokens, i, lang) or (said and _words(tokens, i, lang)) or None)
        if hit is None:
            i += 1
            continue
        hour, minute, last, unit = hit
        found.append(Draft(f"{hour:02d}:{minute:02d}", "time", i, last, unit=unit))
        taken.update(range(i, last + 1))
        i = last + 1
    return found, taken


def _digits(tokens: list[Token], i: int, lang: ModuleType):
    tok = tokens[i]
    if tok.kind != "num" or (i and not tok.gap and tokens[i - 1].kind != "sym"):
        return None
    if i >= 2 and not tok.gap and tokens[i - 1].text in ":." and tokens[i - 2].kind == "num":
        return None  # the tail of "2:05:30"
    dotted = _DOTTED.fullmatch(tok.text)
    if dotted and lang.CODE == "en":  # "3.45 pm": a decimal unless am/pm follows
        hour, minute = int(dotted.group(1)), int(dotted.group(2))
        return _with_meridiem(tokens, i, hour, minute, required=True) or \
            _range_meridiem(tokens, i, hour, minute, lang)
    if not (tok.text.isdigit() and len(tok.text) <= 2):
        return None
    hour = int(tok.text)
    nxt = tokens[i + 1] if i + 1 < len(tokens) else None
    if nxt is not None and not nxt.gap and nxt.text in (":", "h") and i + 2 < len(tokens):
        mins = tokens[i + 2]
        more = i + 3 < len(tokens) and tokens[i + 3].text in ":." and not tokens[i + 3].gap \
            and i + 4 < len(tokens) and tokens[i + 4].kind == "num" and not tokens[i + 4].gap
        if more:
            return None  # "2:05:30": a duration or a timestamp, not a time of day
        if not mins.gap and mins.kind == "num" and len(mins.text) == 2 and mins.text.isdigit():
            return _with_meridiem(tokens, i + 2, hour, int(mins.text), required=False)
    if nxt is not None and nxt.low in lang.HOUR_WORDS and joined(tokens, i + 1) and hour <= 23:
        return _french_minutes(tokens, i + 1, hour, lang)
    return _with_meridiem(tokens, i, hour, 0, required=True)


def _with_meridiem(tokens: list[Token], last: int, hour: int, minute: int, required: bool):
    """The time ending at token `last`, with the am/pm after it; None if `required` and none."""
    end, offset = _meridiem(tokens, last + 1)
    if end is None:
        if required or not _valid(hour, minute):
            return None
        return hour, minute, last, (H24 if hour > 12 or hour == 0 else None)
    if not 1 <= hour <= 12 or minute > 59:
        return None
    return (hour % 12) + offset, minute, end, ("pm" if offset else "am")


_RANGE_WORDS = frozenset({"and", "to", "through", "until", "till", "-", "–"})


def _range_meridiem(tokens: list[Token], i: int, hour: int, minute: int, lang: ModuleType):
    """"4.30 and 6.30 pm": the first time of a range takes the meridiem of the last
    ("11.30 to 1.30 pm": the other one).
    Whisper base writes piper's "between four thirty and six thirty p.m." so, and a
    dotted "4.30" alone is a decimal."""
    if i + 2 >= len(tokens) or tokens[i + 1].low not in _RANGE_WORDS or not 1 <= hour <= 12 or minute > 59:
        return None
    nxt = _digits(tokens, i + 2, lang)
    if nxt is None or nxt[3] not in ("am", "pm"):
        return None
    unit = nxt[3]
    if hour % 12 > nxt[0] % 12:   # "11.30 to 1.30 pm": the range crosses noon (or midnight)
        unit = "am" if unit == "pm" else "pm"
    return hour % 12 + (12 if unit == "pm" else 0), minute, i, unit


def _meridiem(tokens: list[Token], j: int) -> tuple[int | None, int]:
    """("pm" | "p.m." | "PM" at j) -> (last token, 0 or 12); (None, 0) if none."""
    if j >= len(tokens) or len(tokens[j].gap) > 1 or "\n" in tokens[j].gap:
        return None, 0
    low = tokens[j].low
    if low in ("am", "pm"):
        return j, _MERIDIEMS[low]
    if (low in ("a", "p") and j + 1 < len(tokens) and tokens[j + 1].low == "m" and tokens[j + 1].gap == " "
            and (j + 2 >= len(tokens) or tokens[j + 2].kind == "sym" or tokens[j + 2].gap)):
        return j + 1, _MERIDIEMS[low + ".m"]  # "eleven forty a m": Whisper's letters
    if (low in ("a", "p") and j + 2 < len(tokens) and tokens[j + 1].text == "."
            and tokens[j + 2].low == "m" and not tokens[j + 1].gap and not tokens[j + 2].gap):
        end = j + 3 if j + 3 < len(tokens) and tokens[j + 3].text == "." and not tokens[j + 3].gap else j + 2
        return end, _MERIDIEMS[low + ".m"]
    return None, 0


def _french_minutes(tokens: list[Token], h: int, hour: int, lang: ModuleType):
    """After "14 h", "14 heures", "quatorze heures": the minutes, if any, then the part
    of the day ("huit heures du soir" = 20:00)."""
    hour, minute, last, unit = _minutes_after(tokens, h, hour, lang)
    part = _day_part(tokens, last + 1, lang)
    if part is not None and 1 <= hour <= 11:
        return hour + part[1], minute, part[0], unit
    return hour, minute, last, unit


def _day_part(tokens: list[Token], j: int, lang: ModuleType) -> tuple[int, int] | None:
    """fr "du soir", "de l'après-midi" at j: (last token, hours to add); None if none."""
    for phrase, offset in lang.DAY_PARTS.items():
        k, last = j, None
        for word in phrase:
            while k < len(tokens) and tokens[k].kind == "sym" and tokens[k].text in APOSTROPHES + HYPHENS:
                k += 1
            if k >= len(tokens) or tokens[k].low != word or not joined(tokens, k, 1):
                break
            last, k = k, k + 1
        else:
            if last is not None:
                return last, offset
    return None


def _minutes_after(tokens: list[Token], h: int, hour: int, lang: ModuleType):
    j = h + 1
    if j >= len(tokens) or not joined(tokens, j, 1) or (tokens[h].low == "h" and not tokens[h].gap
                                                        and tokens[j].gap):
        return hour, 0, h, H24
    tok = tokens[j]
    said = match_any(tokens, j, lang.CLOCK_PHRASES)
    if said is not None:  # "et demie": a half hour the listener must hear
        minutes = hour * 60 + said[1]
        return minutes // 60 % 24, minutes % 60, said[0], H24
    if tok.kind == "num" and tok.text.isdigit() and len(tok.text) == 2 and int(tok.text) < 60:
        return hour, int(tok.text), j, H24
    before = _minutes_before(tokens, j, lang)
    if before is not None:  # "midi moins trois" = 11:57, "dix heures moins dix" = 09:50
        minutes = hour * 60 - before[1]
        return minutes // 60 % 24, minutes % 60, before[0], H24
    mins = parse_words(tokens, j, lang, simple=True) if tok.is_word else None
    if mins is not None and not mins.ordinal and 1 <= mins.value < 60 and mins.single not in lang.WEAK_WORDS:
        return hour, int(mins.value), mins.last, H24
    return hour, 0, h, H24


def _minutes_before(tokens: list[Token], j: int, lang: ModuleType) -> tuple[int, int] | None:
    """fr "moins vingt-deux" after an hour: (last token, minutes taken from the hour)."""
    k = next_word(tokens, j) if tokens[j].low in lang.MINUS_WORDS else None
    if k is None or not lang.HOUR_WORDS:
        return None
    mins = parse_words(tokens, k, lang, simple=True)
    if mins is None or mins.ordinal or not 1 <= mins.value <= 30 or mins.single in lang.WEAK_WORDS:
        return None
    return mins.last, int(mins.value)


def _words(tokens: list[Token], i: int, lang: ModuleType):
    """en "three forty-five p.m.", "three p.m."; fr "quatorze heures (trente)"."""
    tok = tokens[i]
    if not tok.is_word or (i and tokens[i - 1].kind == "sym" and not tok.gap):
        return None
    if tok.low in lang.NAMED_HOURS:  # fr "midi", "minuit et demi", "midi moins le quart"
        return _french_minutes(tokens, i, lang.NAMED_HOURS[tok.low], lang)
    hour = parse_words(tokens, i, lang, simple=True)
    if hour is None or hour.ordinal or hour.value > 23:
        return None
    if hour.single in lang.WEAK_WORDS and _meridiem(tokens, hour.last + 1)[0] is None:
        return None  # "une heure" is an hour long, not one o'clock; "one a.m." is a time
    nxt = next_word(tokens, hour.last)
    if nxt is None:
        return None
    if tokens[nxt].low in lang.HOUR_WORDS and tokens[nxt].low != "h":
        return _french_minutes(tokens, nxt, int(hour.value), lang)
    if lang.CODE != "en":
        return None
    minute, last = 0, hour.last
    mins = parse_words(tokens, nxt, lang, simple=True)
    if tokens[nxt].low in lang.YEAR_OH:  # "three oh five p.m."
        k = next_word(tokens, nxt)
        mins = parse_words(tokens, k, lang, simple=True) if k is not None else None
        if mins is None or mins.value >= 10:
            return None
    if mins is not None and not mins.ordinal and mins.value < 60:
        minute, last = int(mins.value), mins.last
    return _with_meridiem(tokens, last, int(hour.value), minute, required=True)


def _valid(hour: int, minute: int) -> bool:
    return 0 <= hour <= 23 and 0 <= minute <= 59


def said_times(drafts: list[Draft], tokens: list[Token], lang: ModuleType) -> list[Draft]:
    """"three forty-five" said for "3:45": two counts in words that may be a time
    (hour 1-12, then minutes 10-59). Only offered to compare() when the script
    has a time left unmatched: alone, they stay two numbers."""
    found = []
    for a, b in zip(drafts, drafts[1:]):
        if (a.kind == b.kind == "number" and a.words and b.words and b.first == a.last + 1
                and joined(tokens, b.first, 1) and not (a.decimal or b.decimal or a.mag or b.mag)
                and 1 <= a.amount <= 12 and 10 <= b.amount <= 59 and not (a.ordinal or b.ordinal)):
            found.append(Draft(f"{int(a.amount):02d}:{int(b.amount):02d}", "time", a.first, b.last))
    return found + _paired_times(drafts, tokens, lang)


def _paired_times(drafts: list[Draft], tokens: list[Token], lang: ModuleType) -> list[Draft]:
    """"eleven thirty", "seventeen forty-five": read as a year by the grammar (1130), a
    time when the script has one unmatched (hour 11 to 23, then minutes 10-59)."""
    found = []
    for d in drafts:
        if d.kind != "number" or not d.words or d.decimal or d.mag or d.ordinal or d.last == d.first:
            continue
        hour, minute = divmod(int(d.amount), 100)
        head = lookup(tokens, d.first, lang)
        if d.amount == int(d.amount) and 11 <= hour <= 23 and 10 <= minute <= 59 and head is not None \
                and head.value == hour and head.last == d.first:
            found.append(Draft(f"{hour:02d}:{minute:02d}", "time", d.first, d.last))
    return found


def clock_words(tokens: list[Token], lang: ModuleType) -> list[Draft]:
    """en "three o'clock", "half past three", "a quarter to twelve", "ten to eleven",
    "twenty past six", "eight oh six": times said in words. Like said_times, only
    offered to compare() when the script has a time left unmatched ("ten to eleven"
    is also a range)."""
    found: list[Draft] = []
    for i, tok in enumerate(tokens):
        if not tok.is_word:
            continue
        hit = _oclock(tokens, i, lang) or _past_to(tokens, i, lang) or _oh_minutes(tokens, i, lang)
        if hit is not None:
            hour, minute, last = hit
            end, offset = _meridiem(tokens, last + 1)
            unit = None
            if end is not None and 1 <= hour <= 12:
                hour, last, unit = hour % 12 + offset, end, ("pm" if offset else "am")
            found.append(Draft(f"{hour:02d}:{minute:02d}", "time", i, last, unit=unit))
    return found


def _hour_at(tokens: list[Token], k: int | None, lang: ModuleType, top: int = 12):
    if k is None:
        return None
    if tokens[k].kind == "num" and tokens[k].text.isdigit() and 1 <= int(tokens[k].text) <= top:
        return int(tokens[k].text), k
    num = parse_words(tokens, k, lang, simple=True) if tokens[k].is_word else None
    if num is None or num.ordinal or not 1 <= num.value <= top or num.value != int(num.value):
        return None
    return int(num.value), num.last


def _oclock(tokens: list[Token], i: int, lang: ModuleType):
    """"three o'clock", "eight oclock", "twenty-three o'clock"."""
    hour = _hour_at(tokens, i, lang, top=23)
    if hour is None:
        return None
    k = hour[1] + 1
    if k + 2 < len(tokens) and tokens[k].low == "o" and tokens[k + 1].text in "'’" and tokens[k + 2].low == "clock":
        return hour[0], 0, k + 2
    if k < len(tokens) and tokens[k].low == "oclock" and tokens[k].gap == " ":
        return hour[0], 0, k
    return None


_QUARTERS = {"half": 30, "quarter": 15}


def _past_to(tokens: list[Token], i: int, lang: ModuleType):
    """"(a) quarter past six", "half past three", "twenty past six", "ten to eleven",
    "five minutes to nine"."""
    j = i
    if tokens[i].low == "a" and i + 1 < len(tokens) and tokens[i + 1].low == "quarter":
        j = i + 1
    if tokens[j].low in _QUARTERS:
        minutes, k = _QUARTERS[tokens[j].low], next_word(tokens, j)
    else:
        num = parse_words(tokens, j, lang, simple=True) if tokens[j].is_word else None
        if num is None or num.ordinal or not 1 <= num.value <= 29 or num.value != int(num.value):
            return None
        minutes, k = int(num.value), next_word(tokens, num.last)
        if k is not None and tokens[k].low in ("minutes", "minute", "mins", "min"):
            k = next_word(tokens, k)
    if k is None or tokens[k].low not in ("past", "to", "after", "before", "till"):
        return None
    if tokens[k].low in ("to", "till") and tokens[j].low == "half":
        return None
    hour = _hour_at(tokens, k + 1 if k + 1 < len(tokens) and tokens[k + 1].gap else None, lang)
    if hour is None:
        return None
    if tokens[k].low in ("past", "after"):
        return hour[0], minutes, hour[1]
    return (hour[0] - 1) or 12, 60 - minutes, hour[1]


def _oh_minutes(tokens: list[Token], i: int, lang: ModuleType):
    """"eight oh six" = 8:06."""
    hour = _hour_at(tokens, i, lang)
    if hour is None or not tokens[i].is_word:
        return None
    k = next_word(tokens, hour[1])
    if k is None or tokens[k].low not in lang.YEAR_OH:
        return None
    m = next_word(tokens, k)
    num = parse_words(tokens, m, lang, simple=True) if m is not None else None
    if num is None or num.ordinal or not 1 <= num.value <= 9:
        return None
    return hour[0], int(num.value), num.last
