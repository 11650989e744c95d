"""French: digit conventions, number words, units, months, speaking, lint cues."""

from __future__ import annotations

import re
from decimal import Decimal

CODE = "fr"

# -- digits ------------------------------------------------------------------
# "1 000 000" (space, NBSP, narrow NBSP, thin space), "1.000", "49,2"; Whisper
# also writes "49.2": a point followed by anything but groups of 3 is decimal.
# Decimals may be grouped by three too ("3,141 592"; "818,303 34"): after a decimal
# comma and three digits, a space and up to three digits continue the number.
_DECIMAL_GROUPS = r",\d{3}(?:[ \u00a0\u202f\u2009]\d{1,3}(?!\d))+(?![.,]\d)"
NUM_RE = re.compile(
    rf"\d{{1,3}}(?:[ \u00a0\u202f\u2009]\d{{3}}(?!\d))+(?:{_DECIMAL_GROUPS}|,\d+)?"
    r"|\d{1,3}(?:\.\d{3}(?!\d))+(?![.,]\d)"
    rf"|\d+(?:{_DECIMAL_GROUPS}|[,.]\d+)?"
)
GROUP_SEPARATORS = " \u00a0\u202f\u2009"
LEADING_POINT = False
_DOT_GROUPS = re.compile(r"\d{1,3}(?:\.\d{3})+")


def parse_digits(raw: str) -> Decimal:
    s = "".join(ch for ch in raw if ch not in GROUP_SEPARATORS)
    if "," in s:
        whole, frac = s.split(",", 1)
        return Decimal(whole.replace(".", "") + "." + frac)
    if _DOT_GROUPS.fullmatch(s):
        return Decimal(s.replace(".", ""))
    return Decimal(s)


def format_digits(value: Decimal, sep: str = "\u202f") -> str:
    """French digits: narrow NBSP between thousands, decimal comma."""
    text = format(value, "f")
    whole, _, frac = text.partition(".")
    groups: list[str] = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    out = sep.join(groups)
    return out + ("," + frac if frac else "")


# -- number words --------------------------------------------------------------
_UNITS = ["zéro", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf",
          "dix", "onze", "douze", "treize", "quatorze", "quinze", "seize"]
_TENS = {2: "vingt", 3: "trente", 4: "quarante", 5: "cinquante", 6: "soixante"}

CARDINALS = {word: n for n, word in enumerate(_UNITS)}
CARDINALS.update({"zero": 0, "une": 1, "vingts": 20, "cent": 100, "cents": 100,
                  "septante": 70, "huitante": 80, "octante": 80, "nonante": 90})
CARDINALS.update({word: 10 * t for t, word in _TENS.items()})
COMPOUNDS = {("quatre", "vingt"): 80, ("quatre", "vingts"): 80}
MAGNITUDES = {"mille": 10**3, "mil": 10**3, "million": 10**6, "millions": 10**6,
              "milliard": 10**9, "milliards": 10**9, "billion": 10**12, "billions": 10**12,
              "billiard": 10**15, "billiards": 10**15,
              # "une douzaine", "une vingtaine", "deux centaines": said with a count, heard as one
              **{word + end: n for word, n in (("douzaine", 12), ("dizaine", 10), ("quinzaine", 15),
                                                ("vingtaine", 20), ("trentaine", 30), ("quarantaine", 40),
                                                ("cinquantaine", 50), ("soixantaine", 60), ("centaine", 100))
                 for end in ("", "s")}}
BARE_MAGNITUDES = frozenset({"mille", "mil"})  # "mil sept cent quatre-vingt-neuf" (a year)
DIGIT_HUNDREDS: frozenset[str] = frozenset()  # "12 cents" may be coins: no "douze cents" from digits
FRACTION_WORDS = frozenset({"virgule", "point"})
MAGNITUDE_COMMA = False  # "one thousand, two hundred" (num2words)
LINK_WORD = "et"
ARTICLE_ONE: frozenset[str] = frozenset()  # French says "cent", "mille", "un million": no article needed
HALF_WORDS = frozenset({"demi", "demie"})
FRENCH_TENS = True  # soixante-dix, quatre-vingt-dix, dix-sept, "vingt et un"
YEAR_PAIRS = False
YEAR_OH: frozenset[str] = frozenset()
DECADE_WORDS: dict[str, int] = {}
YEAR_DECADE_WORDS: dict[str, int] = {}
DECADE_PHRASES: dict[str, int] = {}
PART_LINKS: frozenset[str] = frozenset()  # French says "un centième": no article "a" to tell apart
DEGREE_RANKS = True  # "arrivé 6°": a rank, sixième (a temperature writes "6 °C")
DECADE_NOUNS = frozenset({"années", "annees"})  # "les années 80", "les années 1980", "années quatre-vingt"
WEAK_WORDS = frozenset({"un", "une", "premier", "première", "premiers", "premières",
                        "second", "seconde", "seconds", "secondes"})
ORDINALS: dict[str, int] = {"premier": 1, "première": 1, "premiers": 1, "premières": 1,
                            "second": 2, "seconde": 2, "unième": 1}


def _ordinal_word(card: str) -> str:
    if card in ("cinq",):
        return "cinquième"
    if card == "neuf":
        return "neuvième"
    if card.endswith("s") and card not in ("trois", "six"):
        card = card[:-1]
    if card.endswith("e"):
        card = card[:-1]
    return card + "ième"


for _w, _n in list(CARDINALS.items()) + list(MAGNITUDES.items()):
    if _w not in ("une", "zero", "mil", "un") and _n != 0:
        ORDINALS.setdefault(_ordinal_word(_w), _n)
for _w in list(ORDINALS):
    if _w.endswith("ième"):
        ORDINALS.setdefault(_w + "s", ORDINALS[_w])
ORDINALS.setdefault("deuxième", 2)
ORDINALS.update({"centsième": 100, "centsièmes": 100})  # num2words' spelling of 500e, 700e
FRACTION_COUNTS: frozenset[str] = frozenset()  # French says "un tiers", not an ordinal

# -- fractions: "two-thirds", "un tiers", "half" (ratios.py) -----------------------
LONE_FRACTIONS = {"moitié": 2}
FRACTION_COUNT_WORDS = {"un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6,
                        "sept": 7, "huit": 8, "neuf": 9}
FRACTION_NAMES = {"demi": 2, "tiers": 3, "quart": 4, "quarts": 4}
# "the first half": a period, not 1/2
PERIOD_ORDINALS = frozenset({"premier", "première", "second", "seconde", "deuxième", "troisième", "quatrième",
                             "dernier", "dernière"})

# periods (periods.py): "T3", "S1", "le troisième trimestre", "le premier semestre 2025"
PERIOD_LETTERS = {"T": "Q", "S": "H", "Q": "Q", "H": "H"}
_PERIOD_CUES = frozenset({"au", "du", "le", "ce", "chaque", "par", "l", "d", "dernier", "prochain", "ou", "et"})
PERIOD_LETTERS_AFTER = {"T": _PERIOD_CUES, "S": _PERIOD_CUES}  # "un T3" is a flat, "au T3" a quarter
PERIOD_RANKS = {"premier": 1, "première": 1, "deuxième": 2, "second": 2, "seconde": 2, "troisième": 3,
                "quatrième": 4}
PERIOD_NOUNS = {"trimestre": "Q", "semestre": "H", "moitié": "H"}
PERIOD_YEAR_LINKS = frozenset({"de", "du"})
PERIOD_ARTICLES = frozenset({"le", "au", "du", "ce", "chaque", "par", "l", "dernier", "prochain", "son", "leur"})

# "twice"; "2x", "3×", "two times", "deux fois" are found by units.py
MULTIPLIER_WORDS: dict[str, int] = {}

# -- units ---------------------------------------------------------------------
PERCENT_PHRASES = (("pour", "cent"), ("pourcent",), ("pourcents",))
POINTS_PHRASES = (("points", "de", "pourcentage"), ("point", "de", "pourcentage"), ("pp",))
# units that are a percent or percentage points at another scale: "5 pour mille" is 0,5 %,
# "50 points de base" 0,5 point (value = number x factor)
SCALED_PHRASES = {
    ("pour", "mille"): ("percent", "%", "0.1"), ("‰",): ("percent", "%", "0.1"),
    ("points", "de", "base"): ("points", "pp", "0.01"), ("point", "de", "base"): ("points", "pp", "0.01"),
    ("pb",): ("points", "pp", "0.01"),
}
# words of unit phrases that are not numbers ("cent" of "pour cent", "mille" of "pour mille")
TAGGED_PHRASES = PERCENT_PHRASES + tuple(SCALED_PHRASES)
TIMES_WORDS = frozenset({"fois"})  # "three times": a multiplier
MINUS_WORDS = frozenset({"moins"})
# "au moins 15 %": at least, not minus
NOT_SIGN_BEFORE = frozenset({"au", "du", "de", "le", "les", "pas", "en", "un", "bien", "à", "a"})
CURRENCY_PHRASES = {
    ("dollars", "canadiens"): "CAD", ("dollar", "canadien"): "CAD", ("dollars", "australiens"): "AUD",
    ("dollar", "australien"): "AUD", ("francs", "suisses"): "CHF", ("franc", "suisse"): "CHF", ("francs",): "CHF",
    ("yens",): "JPY", ("yen",): "JPY", ("yuans",): "CNY", ("yuan",): "CNY", ("roupies",): "INR",
    ("roupie",): "INR",
    ("dollars",): "USD", ("dollar",): "USD", ("euros",): "EUR", ("euro",): "EUR",
    ("livres", "sterling"): "GBP", ("livre", "sterling"): "GBP", ("wons",): "KRW", ("won",): "KRW",
}
# only after "de"/"d'" ("2 milliards de livres"): alone, "livres" is books
CURRENCY_PHRASES_AFTER_DE = {("livres",): "GBP"}
CURRENCY_LINKS = frozenset({"de", "d"})
# coins said alone: "cinquante centimes" for "0,50 €"
COINS_ALONE = {"centimes": "EUR", "centime": "EUR", "pence": "GBP", "penny": "GBP", "¢": "¢"}
# the coins after the amount: "two dollars and twenty-five cents"
SUBUNIT_LINKS = frozenset({",", "et"})
SUBUNITS = {"USD": frozenset({"cents", "cent"}), "EUR": frozenset({"centimes", "centime", "cents"}),
            "GBP": frozenset({"pence", "penny"})}
# money only when coins follow: fr "trois livres et huit pence" (alone, "livres" are books)
CURRENCY_BEFORE_COINS: dict[tuple[str, ...], str] = {("livres",): "GBP", ("livre",): "GBP"}
RANGE_WORDS = frozenset({"et", "à", "a", "ou"})

# -- times of day: "14h30", "quatorze heures trente" (en uses am/pm) ----------
HOUR_WORDS = frozenset({"h", "heure", "heures"})
ROMAN_CENTURY_WORDS = frozenset({"siècle", "siècles", "siecle", "siecles"})  # "XXIe siècle" (atoms.py)
# after the hour: minutes added ("deux heures et demie" = 02:30) or, if negative, taken
# from the next hour ("midi moins le quart"; "trois heures moins le quart" = 02:45)
NAMED_HOURS = {"midi": 12, "minuit": 0}  # "midi et demi", "minuit"
# a unit then its subunit said bare: fr "un mètre quatre-vingts" = 1,80 m (units.py)
UNIT_THEN_SUBUNIT = {"m": 100, "kg": 1000}
CLOCK_PHRASES = {("et", "demie"): 30, ("et", "demi"): 30, ("et", "quart"): 15,
                 ("et", "trois", "quarts"): 45, ("moins", "le", "quart"): -15, ("moins", "quart"): -15}
# the part of the day after an hour said on a 12-hour clock: "huit heures du soir" = 20:00
DAY_PARTS = {("du", "soir"): 12, ("de", "l", "après", "midi"): 12, ("de", "l", "apres", "midi"): 12}

# capitalized words that never name a product before a number (names.py)
NOT_NAMES = frozenset({"lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche",
                       "plus", "page", "étape", "top", "numéro"})

# -- dates ---------------------------------------------------------------------
MONTHS = {"janvier": 1, "février": 2, "fevrier": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6,
          "juillet": 7, "août": 8, "aout": 8, "septembre": 9, "octobre": 10,
          "novembre": 11, "décembre": 12, "decembre": 12,
          # abbreviations ("25 déc.", "1er janv."); not "sept", the number seven
          "janv": 1, "févr": 2, "fév": 2, "avr": 4, "juil": 7, "oct": 10, "nov": 11, "déc": 12}
MONTH_NAMES = ["", "janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
               "septembre", "octobre", "novembre", "décembre"]
MONTHS_CAPITALIZED = False
MONTH_NAMES_LOWER: frozenset[str] = frozenset()
LOWER_MONTH_CUES: frozenset[str] = frozenset()
MONTH_VERBS: frozenset[str] = frozenset()
DATE_ARTICLES = frozenset({"le"})
DAY_FIRST = True
ORDINAL_SUFFIXES = frozenset({"er", "re", "ère", "e", "ème", "eme", "è", "nd", "nde", "ᵉ", "ᵉʳ",
                              "es", "èmes", "emes"})


# -- speaking ------------------------------------------------------------------
def _below_100(n: int, final: bool = True) -> str:
    if n <= 16:
        return _UNITS[n]
    if n < 20:
        return "dix-" + _UNITS[n - 10]
    tens, unit = divmod(n, 10)
    if tens == 7:
        return "soixante et onze" if unit == 1 else "soixante-" + _below_100(10 + unit)
    if tens == 8:
        return ("quatre-vingts" if final else "quatre-vingt") if unit == 0 else "quatre-vingt-" + _UNITS[unit]
    if tens == 9:
        return "quatre-vingt-" + _below_100(10 + unit)
    word = _TENS[tens]
    if unit == 0:
        return word
    return word + (" et un" if unit == 1 else "-" + _UNITS[unit])


def _below_1000(n: int, final: bool = True) -> str:
    hundreds, rest = divmod(n, 100)
    parts = []
    if hundreds:
        word = "cent" if hundreds == 1 else _UNITS[hundreds] + " cent"
        if hundreds > 1 and rest == 0 and final:
            word += "s"
        parts.append(word)
    if rest:
        parts.append(_below_100(rest, final))
    return " ".join(parts)


_SCALES = ((10**12, "billion"), (10**9, "milliard"), (10**6, "million"))


def cardinal(n: int) -> str:
    if n == 0:
        return "zéro"
    parts = []
    for size, name in _SCALES:
        count, n = divmod(n, size)
        if count:
            head = cardinal(count) if count >= 1000 else _below_1000(count)
            parts.append(f"{head} {name}{'s' if count > 1 else ''}")
    thousands, n = divmod(n, 1000)
    if thousands:
        parts.append("mille" if thousands == 1 else _below_1000(thousands, final=False) + " mille")
    if n:
        parts.append(_below_1000(n))
    return " ".join(parts)


def ordinal(n: int) -> str:
    if n == 1:
        return "premier"
    words = cardinal(n)
    head, _, last = words.rpartition(" ")
    if "-" in last:
        pre, _, last = last.rpartition("-")
        head = (head + " " if head else "") + pre + "-"
    elif head:
        head += " "
    if last == "un":
        return head + "unième"
    return head + _ordinal_word(last)


def year(n: int) -> str:
    return cardinal(n)


def decade_words(n: int) -> str:
    """After "années": "quatre-vingt" (80, invariable there), "mille neuf cent quatre-vingt"."""
    words = cardinal(n)
    return words[:-1] if words.endswith("vingts") else words


POINT_WORD = "virgule"
MINUS_WORD = "moins"
PLUS_WORD = "plus"
RATIO_WORD = "sur"          # "1:4" said aloud
PERCENT_WORDS = "pour cent"
_CURRENCY_NAMES = {"USD": ("dollar", "dollars"), "EUR": ("euro", "euros"), "GBP": ("livre sterling", "livres sterling"),
                   "CHF": ("franc suisse", "francs suisses"), "JPY": ("yen", "yens"), "CNY": ("yuan", "yuans"),
                   "INR": ("roupie", "roupies"), "CAD": ("dollar canadien", "dollars canadiens"),
                   "AUD": ("dollar australien", "dollars australiens"), "KRW": ("won", "wons"),
                   "¢": ("centime", "centimes")}
COINS_SAID_ALONE = frozenset({"EUR"})  # "centimes" are read back as euros
COIN_WORDS = ("centime", "centimes")


def currency_phrase(iso: str, amount: Decimal, spoken: str) -> str:
    name = _CURRENCY_NAMES[iso][1 if amount >= 2 else 0]
    last = spoken.rsplit(" ", 1)[-1]
    if last.rstrip("s") in ("million", "milliard", "billion"):
        return f"{spoken} d'{name}" if name[0] in "aeiouy" else f"{spoken} de {name}"
    return f"{spoken} {name}"


def date_words(year_: int | None, month: int, day: int | None, text: str) -> str:
    parts = []
    if day is not None:
        article = text.split()[0] if text.split()[0].lower() in DATE_ARTICLES else ""
        parts.append(article)
        parts.append(ordinal(1) if day == 1 else cardinal(day))
    parts.append(MONTH_NAMES[month])
    if year_ is not None:
        parts.append(year(year_))
    return " ".join(p for p in parts if p)

SPOKEN_MAGNITUDES = ((10**12, "billion"), (10**9, "milliard"), (10**6, "million"))


def magnitude_word(name: str, count: Decimal) -> str:
    return name + ("s" if count >= 2 else "")


_FRACTION_NAMES = {2: ("demi", "demis"), 3: ("tiers", "tiers"), 4: ("quart", "quarts")}


def fraction_words(n: int, d: int) -> str:
    one, many = _FRACTION_NAMES.get(d) or (ordinal(d), ordinal(d) + "s")
    return f"{cardinal(n)} {one if n == 1 else many}"


def time_words(hour: int, minute: int, text: str) -> str:
    """"quatorze heures trente"; "une heure", "vingt et une heures" (heure is feminine)."""
    hours = cardinal(hour)
    spoken = f"{hours + 'e' if hours.endswith('un') else hours} heure{'s' if hour > 1 else ''}"
    return f"{spoken} {cardinal(minute)}" if minute else spoken


def period_words(letter: str, n: int, year_: int | None) -> str:
    """"le troisième trimestre deux mille vingt-cinq", "le premier semestre"."""
    head = f"le {ordinal(n)} {'trimestre' if letter == 'Q' else 'semestre'}"
    return f"{head} {year(year_)}" if year_ else head


def points_words(spoken: str, amount: Decimal) -> str:
    return f"{spoken} point{'s' if abs(amount) >= 2 else ''} de pourcentage"


def times_words(spoken: str) -> str:
    return f"{spoken} fois"


_COINS = {"USD": ("cent", "cents"), "EUR": ("centime", "centimes"), "GBP": ("penny", "pence")}


def money_words(iso: str, whole: int, cents: int) -> str:
    """"deux euros et vingt-cinq centimes"."""
    coin = _COINS.get(iso, COIN_WORDS)[0 if cents == 1 else 1]
    return f"{currency_phrase(iso, Decimal(whole), cardinal(whole))} et {cardinal(cents)} {coin}"


# -- lint cues -------------------------------------------------------------------
# a preposition that wants a year right after it ("d'ici 2030", "en 2024")
YEAR_CUE_RE = re.compile(r"(?:\b(?:en|depuis|dès|jusqu['’]en|fin|début|courant|d['’]ici)|\bmi-)\s*$",
                         re.IGNORECASE)
# "au premier semestre 2025": a period name that wants a year
PERIOD_CUE_RE = re.compile(
    r"\b(?:premier|première|second|seconde|deuxième|troisième|quatrième|1er|2e|3e|4e|dernier)\s+"
    r"(?:semestre|trimestre)\s*$", re.IGNORECASE)
# "les 2025 premières startups": a plural determiner before a count
COUNT_DET_RE = re.compile(r"\b(?:les|des|ces|ses|leurs|nos|vos|aux)\s+$", re.IGNORECASE)


# -- heard compositions ----------------------------------------------------------
# Whisper base writes French compounds by their parts: "soixante et onze" as
# "60 et 11", "soixante et un pour cent" as "60 et 1%", "quatre-vingt-dix-sept" as "4 20 17", "deux millions trois cent
# mille" as "2 millions 300 000". Read by French composition,
# and only when the script says that number (so two real numbers are never merged).
_COMPOSE_GAP = re.compile(r"\s*(?:-|,|\bet\b)?\s*")
_DIGIT_WORDS = {"zéro": 0, "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6,
                "sept": 7, "huit": 8, "neuf": 9}
_WORD_POINT = re.compile(r"\b(" + "|".join(_DIGIT_WORDS) + r")\s+virgule\s+$", re.IGNORECASE)
_LEADING_DIGITS = re.compile(r"\d+")


def _composed(parts: list[int]) -> int | None:
    big = parts[0]
    if len(parts) == 2 and big in (1000, 2000) and 0 < parts[1] < 1000:   # "2000, 25": a year split
        return big + parts[1]
    if len(parts) == 2 and big >= 10**6 and big % 10**6 == 0:   # "2 millions 300 000"
        unit = 10**9 if big % 10**9 == 0 else 10**6
        if 0 < parts[1] < unit:
            return big + parts[1]
    if len(parts) == 2 and parts[0] in (20, 30, 40, 50, 60) and parts[1] == 1:   # "60 et 1%": soixante et un
        return parts[0] + 1
    if len(parts) == 2 and parts[0] == 60 and 10 <= parts[1] <= 19:
        return 60 + parts[1]
    if len(parts) == 2 and parts[0] == 80 and 1 <= parts[1] <= 19:
        return 80 + parts[1]
    if parts[:2] == [4, 20] and (len(parts) == 2 or (len(parts) == 3 and 1 <= parts[2] <= 19)):
        return 80 + sum(parts[2:])
    if parts[0] >= 100 and all(0 < b < _place(a) for a, b in zip(parts, parts[1:])):
        return sum(parts)     # "2000, 100, 50": "deux mille cent cinquante" written group by group
    return None


def _place(n: int) -> int:
    """The place value of a round number's last non-zero digit: 2000 -> 1000, 150 -> 10."""
    place = 1
    while n and n % (place * 10) == 0:
        place *= 10
    return place


_ENGLISH_GROUPS = re.compile(r"\d{1,3}((?:,\d{3})+)(?!\d)")


def _english_thousands(m, wanted: set):
    """Whisper's English habit in French, "2,150 euros" for 2 150 euros: read the
    commas as thousands when the script says that number."""
    from .canon import decimal_str
    from .model import Mention

    g = _ENGLISH_GROUPS.match(m.text)
    if not g:
        return m
    value = decimal_str(Decimal(m.value) * 1000 ** g.group(1).count(","))
    return Mention(value, m.kind, m.unit, m.text, m.start, m.end) if (value, m.kind, m.unit) in wanted else m


def _word_then_decimals(m, heard: str, wanted: set):
    """"un virgule 5 millions": the whole part as a word, the rest as digits."""
    from .canon import decimal_str
    from .model import Mention

    w = _WORD_POINT.search(heard, 0, m.start)
    digits = _LEADING_DIGITS.match(m.text)
    if not w or not digits or w.end() != m.start or not Decimal(digits.group()):
        return m
    scale = Decimal(m.value) / Decimal(digits.group())
    value = decimal_str(Decimal(f"{_DIGIT_WORDS[w.group(1).lower()]}.{digits.group()}") * scale)
    if (value, m.kind, m.unit) not in wanted:
        return m
    return Mention(value, m.kind, m.unit, heard[w.start():m.end], w.start(), m.end)


_EST_GAP = re.compile(r"\s+est\s+", re.IGNORECASE)
_COINS_AFTER = re.compile(r"\s+centimes?\b", re.IGNORECASE)


def _coins_after_est(found: list, heard: str, wanted: set) -> list:
    """"0 euros est 85 centimes": "et" and "est" sound the same, and Whisper base
    writes either; the verbalizer said "zéro euro et quatre-vingt-cinq centimes"."""
    from .canon import decimal_str
    from .model import Mention

    out: list[tuple[Mention, bool]] = []
    for (m, weak) in found:
        prev = out[-1][0] if out else None
        if (prev is not None and prev.kind == "currency" and "." not in prev.value and m.kind == "number"
                and m.value.isdigit() and 0 < int(m.value) < 100
                and _EST_GAP.fullmatch(heard[prev.end:m.start])
                and (coins := _COINS_AFTER.match(heard, m.end))):
            value = decimal_str(Decimal(prev.value) + Decimal(m.value) / 100)
            if (value, "currency", prev.unit) in wanted:
                end = coins.end()
                out[-1] = (Mention(value, "currency", prev.unit, heard[prev.start:end], prev.start, end), False)
                continue
        out.append((m, weak))
    return out


def _dates_with_year_apart(found: list, heard: str, wanted: set) -> list:
    """"12 mars, 2025": a comma between the day and month and the year."""
    from .model import Mention

    out: list = []
    for (m, weak) in found:
        prev = out[-1][0] if out else None
        if (prev is not None and prev.kind == "date" and prev.value.startswith("--") and m.kind == "number"
                and re.fullmatch(r"\s*,\s*", heard[prev.end:m.start]) and re.fullmatch(r"\d{4}", m.text)):
            value = f"{m.text}{prev.value[1:]}"
            if (value, "date", None) in wanted:
                out[-1] = (Mention(value, "date", None, heard[prev.start:m.end], prev.start, m.end), False)
                continue
        out.append((m, weak))
    return out


# "dix fois", "six fois" said right (/di fwa/, /si fwa/: the final consonant is silent
# before a consonant) are written by Whisper base as the homophones "d'y fois", "si fois";
# no French sentence puts these words before "fois". Read only when the script says it.
_HOMOPHONE_TIMES = re.compile(r"\b(d['’]y|dis|di|si|scie|ci)\s+fois\b", re.IGNORECASE)
_HOMOPHONE_VALUES = {"d'y": "10", "d’y": "10", "dis": "10", "di": "10", "si": "6", "scie": "6", "ci": "6"}


def _homophone_times(found: list, heard: str, wanted: set) -> list:
    from .model import Mention

    out = list(found)
    for h in _HOMOPHONE_TIMES.finditer(heard):
        value = _HOMOPHONE_VALUES[h.group(1).lower()]
        if (value, "multiplier", "x") in wanted and not any(m.start < h.end() and h.start() < m.end for m, _ in out):
            out.append((Mention(value, "multiplier", "x", h.group(), h.start(), h.end()), False))
    return sorted(out, key=lambda pair: pair[0].start)


# "mille deux cent quatre-vingt-onze" written "1 200 411": "quatre-vingt-onze" as "4" glued
# to "11" and each part as its own group. Read only when the script says that number.
_GLUED_EIGHTY = re.compile(r"4(1[1-9])")


def _glued_eighty(m, wanted: set):
    from .model import Mention

    groups = [g for g in m.text.split() if g[:1].isdigit()]      # "1 200 411 jours": the unit is no part
    tail = _GLUED_EIGHTY.fullmatch(groups[-1]) if len(groups) > 1 and all(g.isdigit() for g in groups) else None
    if tail is None:
        return m
    rest = [int(g) for g in groups[:-1]]
    eighty = 80 + int(tail.group(1))
    # the first part may be the thousands said alone ("mille", "deux mille": "1", "2")
    for first_scale in (1000, 1):
        value = eighty + sum(rest) + (rest[0] * (first_scale - 1) if rest and rest[0] < 1000 else 0)
        if (str(value), m.kind, m.unit) in wanted:
            return Mention(str(value), m.kind, m.unit, m.text, m.start, m.end)
    return m


def compose_heard(found: list, heard: str, said: list) -> list:
    """`found` [(Mention, weak)] with French compositions the script says merged into
    one, and English-style thousands the script says read as such."""
    from .model import Mention

    wanted = {(m.value, m.kind, m.unit) for m in said}
    out = [(_glued_eighty(_word_then_decimals(_english_thousands(m, wanted), heard, wanted), wanted), weak)
           for m, weak in found]
    out = _coins_after_est(_dates_with_year_apart(out, heard, wanted), heard, wanted)
    out = _homophone_times(out, heard, wanted)
    i = 0
    while i < len(out):
        for n in (3, 2):
            run = [m for m, _ in out[i:i + n]]
            if len(run) < n or any(not _COMPOSE_GAP.fullmatch(heard[a.end:b.start]) for a, b in zip(run, run[1:])):
                continue
            if any(not m.value.isdigit() for m in run):
                continue
            total = _composed([int(m.value) for m in run])
            last = run[-1]
            if total is not None and (str(total), last.kind, last.unit) in wanted:
                merged = Mention(str(total), last.kind, last.unit, heard[run[0].start:last.end], run[0].start, last.end)
                out[i:i + n] = [(merged, False)]
                break
        i += 1
    return out
