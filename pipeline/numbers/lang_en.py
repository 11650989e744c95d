"""English: digit conventions, number words, units, months, speaking, lint cues."""

from __future__ import annotations

import re
from decimal import Decimal

CODE = "en"

# -- digits ------------------------------------------------------------------
NUM_RE = re.compile(
    r"\d{1,3}(?:,\d{3}(?!\d))+(?:\.\d+)?"
    r"|\d{1,3}(?:[ \u00a0\u202f\u2009]\d{3}(?!\d))+(?:\.\d+)?"
    r"|\d+(?:\.\d+)?"
    r"|\.\d+"
)
GROUP_SEPARATORS = ", \u00a0\u202f\u2009"
LEADING_POINT = True  # ".05"


def parse_digits(raw: str) -> Decimal:
    s = "".join(ch for ch in raw if ch not in GROUP_SEPARATORS)
    return Decimal("0" + s if s.startswith(".") else s)


# -- number words --------------------------------------------------------------
_ONES = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
         "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
         "eighteen", "nineteen"]
_TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]

CARDINALS = {word: n for n, word in enumerate(_ONES)}
CARDINALS.update({word: 10 * t for t, word in enumerate(_TENS) if word})
CARDINALS.update({"hundred": 100, "fourty": 40})
COMPOUNDS: dict[tuple[str, str], int] = {}
MAGNITUDES = {"thousand": 10**3, "million": 10**6, "millions": 10**6, "billion": 10**9,
              "billions": 10**9, "trillion": 10**12, "trillions": 10**12,
              "quadrillion": 10**15, "quintillion": 10**18, "sextillion": 10**21,
              "dozen": 12}  # "a dozen", "two dozen": counts the listener hears as 12, 24
BARE_MAGNITUDES: frozenset[str] = frozenset()
DIGIT_HUNDREDS = frozenset({"hundred"})  # "12 hundred" = 1200 (units.py)
FRACTION_WORDS = frozenset({"point"})
MAGNITUDE_COMMA = True  # "one thousand, two hundred" (num2words)
LINK_WORD = "and"
ARTICLE_ONE = frozenset({"a", "an"})  # "a hundred", "a million"
HALF_WORDS = frozenset({"half"})
FRENCH_TENS = False
YEAR_PAIRS = True  # "twenty twenty-five", "nineteen oh five"
YEAR_OH = frozenset({"oh", "o"})
DECADE_WORDS = {"twenties": 20, "thirties": 30, "forties": 40, "fifties": 50, "sixties": 60, "seventies": 70,
                "eighties": 80, "nineties": 90}  # "the eighties", "nineteen eighties"
YEAR_DECADE_WORDS = {**DECADE_WORDS, "tens": 10, "hundreds": 0}  # after a century: "nineteen tens" (alone a count)
DECADE_PHRASES = {"two thousands": 2000}  # "the two thousands": the 2000s
PART_LINKS = frozenset({"of"})  # "a hundredth of a second": a part, 1/100
DEGREE_RANKS = False  # "6°" is six degrees, never a rank
DECADE_NOUNS: frozenset[str] = frozenset()  # English says the decade with its "s"
WEAK_WORDS = frozenset({"one", "first", "second"})
_IRREGULAR = {"one": "first", "two": "second", "three": "third", "five": "fifth",
              "eight": "eighth", "nine": "ninth", "twelve": "twelfth"}


def _ordinal_word(card: str) -> str:
    if card in _IRREGULAR:
        return _IRREGULAR[card]
    if card.endswith("y"):
        return card[:-1] + "ieth"
    return card + "th"


ORDINALS = {_ordinal_word(w): n for w, n in list(CARDINALS.items()) + list(MAGNITUDES.items())
            if n and not w.endswith("s") and w != "fourty"}
ORDINALS["zeroth"] = 0
# "a third", "two fifths" are fractions, not ranks
FRACTION_COUNTS = frozenset({"a", "an", "one", "two", "three", "four", "five"})

# -- fractions: "two-thirds", "un tiers", "half" (ratios.py) -----------------------
LONE_FRACTIONS = {"half": 2}
FRACTION_COUNT_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
                        "six": 6, "seven": 7, "eight": 8, "nine": 9}
FRACTION_NAMES = {"half": 2, "halves": 2, "third": 3, "thirds": 3, "quarter": 4, "quarters": 4}
# "the first half": a period, not 1/2
PERIOD_ORDINALS = frozenset({"first", "second", "third", "fourth", "last", "other", "latter",
                             "1st", "2nd", "3rd", "4th"})

# periods (periods.py): "Q3", "H1", "the third quarter", "the second half of 2025"
PERIOD_LETTERS = {"Q": "Q", "H": "H"}
PERIOD_LETTERS_AFTER: dict[str, frozenset[str]] = {}
PERIOD_RANKS = {"first": 1, "second": 2, "third": 3, "fourth": 4}
PERIOD_NOUNS = {"quarter": "Q", "half": "H"}
PERIOD_YEAR_LINKS = frozenset({"of"})
PERIOD_ARTICLES = frozenset({"the", "this", "that", "each", "every", "a", "its", "their", "our", "per", "last", "next"})

# "twice"; "2x", "3×", "two times", "deux fois" are found by units.py
MULTIPLIER_WORDS: dict[str, int] = {"twice": 2, "thrice": 3}

# -- units ---------------------------------------------------------------------
PERCENT_PHRASES = (("percent",), ("per", "cent"), ("pct",))
POINTS_PHRASES = (("percentage", "points"), ("percentage", "point"), ("pp",), ("ppt",), ("ppts",))
# units that are a percent or percentage points at another scale: "5 per mille" is 0.5%,
# "50 bps" 0.5 percentage points (value = number x factor)
SCALED_PHRASES = {
    ("per", "mille"): ("percent", "%", "0.1"), ("per", "mil"): ("percent", "%", "0.1"),
    ("per", "thousand"): ("percent", "%", "0.1"), ("‰",): ("percent", "%", "0.1"),
    ("basis", "points"): ("points", "pp", "0.01"), ("basis", "point"): ("points", "pp", "0.01"),
    ("bps",): ("points", "pp", "0.01"), ("bp",): ("points", "pp", "0.01"),
}
# words of unit phrases that are not numbers ("thousand" of "per thousand")
TAGGED_PHRASES = PERCENT_PHRASES + tuple(SCALED_PHRASES)
TIMES_WORDS = frozenset({"times", "x"})  # "three times", "four point four x": a multiplier
MINUS_WORDS = frozenset({"minus", "negative"})
NOT_SIGN_BEFORE: frozenset[str] = frozenset()  # "au moins 15 %": at least, not minus
CURRENCY_PHRASES = {
    ("canadian", "dollars"): "CAD", ("canadian", "dollar"): "CAD", ("australian", "dollars"): "AUD",
    ("australian", "dollar"): "AUD", ("swiss", "francs"): "CHF", ("swiss", "franc"): "CHF", ("francs",): "CHF",
    ("yen",): "JPY", ("yuan",): "CNY", ("renminbi",): "CNY", ("rupees",): "INR", ("rupee",): "INR",
    ("dollars",): "USD", ("dollar",): "USD", ("euros",): "EUR", ("euro",): "EUR",
    ("pounds", "sterling"): "GBP", ("pound", "sterling"): "GBP", ("pounds",): "GBP", ("pound",): "GBP",
    ("us", "dollars"): "USD", ("us", "dollar"): "USD", ("united", "states", "dollars"): "USD", ("won",): "KRW",
}
CURRENCY_PHRASES_AFTER_DE: dict[tuple[str, ...], str] = {}
# coins said alone: "twenty cents" for "$0.20" ("¢": the cents of a dollar or a euro, align.py)
COINS_ALONE = {"cents": "¢", "cent": "¢", "pence": "GBP", "penny": "GBP", "p": "GBP", "¢": "¢"}
CURRENCY_LINKS = frozenset({"of"})
# the coins after the amount: "two dollars and twenty-five cents"
SUBUNIT_LINKS = frozenset({",", "and"})
SUBUNITS = {"USD": frozenset({"cents", "cent"}), "EUR": frozenset({"cents", "cent"}),
            "GBP": frozenset({"pence", "penny"})}
# money only when coins follow: fr "trois livres et huit pence" (alone, "livres" are books)
CURRENCY_BEFORE_COINS: dict[tuple[str, ...], str] = {}
RANGE_WORDS = frozenset({"and", "to", "or"})

# -- times of day: "14h30", "quatorze heures trente" (en uses am/pm) ----------
HOUR_WORDS: frozenset[str] = frozenset()
ROMAN_CENTURY_WORDS: frozenset[str] = frozenset()  # English writes "21st century"
NAMED_HOURS = {"noon": 12, "midnight": 0}  # "midi et demi", "minuit"
# a unit then its subunit said bare: fr "un mètre quatre-vingts" = 1,80 m (units.py)
UNIT_THEN_SUBUNIT: dict[str, int] = {}
CLOCK_PHRASES: dict[tuple[str, ...], int] = {}  # fr "deux heures et demie"
DAY_PARTS: dict[tuple[str, ...], int] = {}  # fr "huit heures du soir"

# capitalized words that never name a product before a number (names.py)
NOT_NAMES = frozenset({"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
                       "chapter", "page", "step", "top", "number", "no", "about", "nearly", "over",
                       "fy"})  # "FY2024", "FY 2024": the fiscal year, a year to verify

# -- dates ---------------------------------------------------------------------
MONTH_NAMES = ["", "January", "February", "March", "April", "May", "June", "July", "August",
               "September", "October", "November", "December"]
MONTHS = {name.lower(): i for i, name in enumerate(MONTH_NAMES) if name}
MONTHS.update({"jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8,
               "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12})
MONTHS_CAPITALIZED = True
# a lower-case month ("on march 14") only after one of these words or a day
MONTH_NAMES_LOWER = frozenset(name.lower() for name in MONTH_NAMES if name)
# "they march 14 miles", "mar 2 surfaces": lower-case months only after a cue or before a rank
MONTH_VERBS = frozenset({"march", "may", "mar"})
LOWER_MONTH_CUES = frozenset({"on", "in", "of", "since", "by", "until", "till", "from", "early", "late",
                              "mid", "before", "after", "during", "the", "last", "next", "this"})
DATE_ARTICLES = frozenset({"the"})
DAY_FIRST = False
ORDINAL_SUFFIXES = frozenset({"st", "nd", "rd", "th"})


# -- speaking ------------------------------------------------------------------
def _below_100(n: int) -> str:
    if n < 20:
        return _ONES[n]
    tens, unit = divmod(n, 10)
    return _TENS[tens] + ("-" + _ONES[unit] if unit else "")


def _below_1000(n: int) -> str:
    hundreds, rest = divmod(n, 100)
    parts = [_ONES[hundreds] + " hundred"] if hundreds else []
    if rest:
        parts.append(_below_100(rest))
    return " ".join(parts)


_SCALES = ((10**12, "trillion"), (10**9, "billion"), (10**6, "million"), (10**3, "thousand"))


def cardinal(n: int) -> str:
    if n == 0:
        return "zero"
    parts = []
    for size, name in _SCALES:
        count, n = divmod(n, size)
        if count:
            head = cardinal(count) if count >= 1000 else _below_1000(count)
            parts.append(f"{head} {name}")
    if n:
        parts.append(_below_1000(n))
    return " ".join(parts)


def ordinal(n: int) -> str:
    words = cardinal(n)
    cut = max(words.rfind(" "), words.rfind("-"))
    return words[: cut + 1] + _ordinal_word(words[cut + 1:])


def year(n: int) -> str:
    """"twenty twenty-five", "nineteen oh five", "nineteen hundred", "two thousand five"."""
    if not 1100 <= n <= 2999 or 2000 <= n <= 2009:
        return cardinal(n)
    high, low = divmod(n, 100)
    if low == 0:
        return _below_100(high) + " hundred"
    if low < 10:
        return f"{_below_100(high)} oh {_ONES[low]}"
    return f"{_below_100(high)} {_below_100(low)}"


def decade_words(n: int) -> str:
    """"nineteen eighties" (1980), "two thousands" (2000), "nineteen tens", "eighties" (80)."""
    words = year(n) if n >= 100 else cardinal(n)
    return words[:-1] + "ies" if words.endswith("y") else words + "s"


POINT_WORD = "point"
MINUS_WORD = "minus"
PLUS_WORD = "plus"
RATIO_WORD = "to"          # "1:4" said aloud
PERCENT_WORDS = "percent"
_CURRENCY_NAMES = {"USD": ("dollar", "dollars"), "EUR": ("euro", "euros"), "GBP": ("pound", "pounds"),
                   "CHF": ("Swiss franc", "Swiss francs"), "JPY": ("yen", "yen"), "CNY": ("yuan", "yuan"),
                   "INR": ("rupee", "rupees"), "CAD": ("Canadian dollar", "Canadian dollars"),
                   "AUD": ("Australian dollar", "Australian dollars"), "KRW": ("won", "won"), "¢": ("cent", "cents")}
COINS_SAID_ALONE: frozenset[str] = frozenset()  # "cents" would be read back as any dollar or euro
COIN_WORDS = ("cent", "cents")


def currency_phrase(iso: str, amount: Decimal, spoken: str) -> str:
    return f"{spoken} {_CURRENCY_NAMES[iso][0 if amount == 1 else 1]}"


def date_words(year_: int | None, month: int, day: int | None, text: str) -> str:
    name = MONTH_NAMES[month]
    if day is None:
        return f"{name} {year(year_)}" if year_ is not None else name
    day_first = text[:1].isdigit() or text.lower().startswith("the ")
    head = f"the {ordinal(day)} of {name}" if day_first else f"{name} {ordinal(day)}"
    return f"{head}, {year(year_)}" if year_ is not None else head

SPOKEN_MAGNITUDES = ((10**12, "trillion"), (10**9, "billion"), (10**6, "million"))


def magnitude_word(name: str, count: Decimal) -> str:
    return name


_FRACTION_NAMES = {2: ("half", "halves"), 4: ("quarter", "quarters")}


def fraction_words(n: int, d: int) -> str:
    one, many = _FRACTION_NAMES.get(d) or (ordinal(d), ordinal(d) + "s")
    return f"{cardinal(n)}-{one if n == 1 else many}"


def time_words(hour: int, minute: int, text: str) -> str:
    """"three forty-five p.m.", "two thirty p.m." for "14:30", "three o'clock"."""
    low = text.lower().replace(".", "")
    meridiem = "p.m." if "pm" in low or hour > 12 else ("a.m." if "am" in low or hour == 0 else "")
    h12 = hour % 12 or 12 if meridiem else hour
    if minute == 0:
        spoken = f"{cardinal(h12)} o'clock" if not meridiem else cardinal(h12)
    elif minute < 10:
        spoken = f"{cardinal(h12)} oh {cardinal(minute)}"
    else:
        spoken = f"{cardinal(h12)} {cardinal(minute)}"
    return f"{spoken} {meridiem}" if meridiem else spoken


def period_words(letter: str, n: int, year_: int | None) -> str:
    """"the third quarter of twenty twenty-five", "the second half"."""
    head = f"the {ordinal(n)} {'quarter' if letter == 'Q' else 'half'}"
    return f"{head} of {year(year_)}" if year_ else head


def points_words(spoken: str, amount: Decimal) -> str:
    return f"{spoken} percentage point{'' if abs(amount) == 1 else 's'}"


def times_words(spoken: str) -> str:
    return f"{spoken} times"


_COINS = {"USD": ("cent", "cents"), "EUR": ("cent", "cents"), "GBP": ("penny", "pence")}


def money_words(iso: str, whole: int, cents: int) -> str:
    """"two dollars and twenty-five cents"."""
    coin = _COINS.get(iso, COIN_WORDS)[0 if cents == 1 else 1]
    return f"{currency_phrase(iso, Decimal(whole), cardinal(whole))} and {cardinal(cents)} {coin}"


# -- lint cues -------------------------------------------------------------------
YEAR_CUE_RE = re.compile(r"(?:\b(?:since|until|by\s+the\s+end\s+of|(?:early|mid|late)-?))\s*$",
                         re.IGNORECASE)
PERIOD_CUE_RE = re.compile(r"\b(?:first|second|third|fourth|1st|2nd|3rd|4th)\s+(?:half|quarter)"
                           r"(?:\s+of)?\s*$|\b[HQ][1-4]\s*$", re.IGNORECASE)
COUNT_DET_RE = re.compile(r"(?!x)x")  # English puts years before nouns ("the 2025 report")
