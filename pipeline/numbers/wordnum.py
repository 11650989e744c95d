"""Number words -> value, one grammar driven by each language's tables.

The grammar decides where a number phrase ends, so that "trois cent cinquante
et quatre cents" is two numbers (350, 400) while "soixante et onze" is one (71),
"two hundred twenty three" is 223 and "twenty twenty-five" is the year 2025.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from types import ModuleType

from .tokens import Token, next_word

_INF = 10**30
_FRENCH_LINK_TENS = (20, 30, 40, 50, 60, 70, 90)  # 70, 90: "septante et un", "nonante et un"


@dataclass
class WordNumber:
    value: Decimal
    first: int
    last: int
    ordinal: bool = False
    decimal: bool = False
    mag: int | None = None  # magnitude word the phrase ends with ("milliards")
    words: int = 0
    pure: bool = False  # only units/teens/tens, no hundred or magnitude
    max_scale: int = 1
    single: str | None = None  # the word, when the phrase is one word
    decade: bool = False  # "nineteen eighties", "nineteen tens": the decade 1980, 1910


@dataclass
class _Word:
    value: int
    cls: str  # zero | unit | teen | tens | hundred | mag
    last: int
    ordinal: bool


def _cls(value: int) -> str:
    if value == 0:
        return "zero"
    if value < 10:
        return "unit"
    if value < 20:
        return "teen"
    if value < 100:
        return "tens"
    return "hundred" if value == 100 else "mag"


def lookup(tokens: list[Token], j: int, lang: ModuleType) -> _Word | None:
    tok = tokens[j]
    if not tok.is_word or tok.tag:
        return None
    if tok.stop or (j + 1 < len(tokens) and tokens[j + 1].stop) or j + 2 < len(tokens) and tokens[j + 2].stop:
        return _lookup(tokens, j, lang)  # another reading: no cache
    if tok.looked is None:
        tok.looked = (_lookup(tokens, j, lang),)
    return tok.looked[0]


def _lookup(tokens: list[Token], j: int, lang: ModuleType) -> _Word | None:
    tok = tokens[j]
    low = tok.low
    if lang.COMPOUNDS:
        k = next_word(tokens, j)
        if k is not None:
            nxt = tokens[k].low
            if (low, nxt) in lang.COMPOUNDS:
                return _Word(lang.COMPOUNDS[(low, nxt)], "tens", k, False)
            if low == "quatre" and nxt in ("vingtième", "vingtièmes", "vingtsième"):
                return _Word(80, "tens", k, True)
    if low in lang.CARDINALS:
        value = lang.CARDINALS[low]
        return _Word(value, _cls(value), j, False)
    if low in lang.MAGNITUDES:
        return _Word(lang.MAGNITUDES[low], "mag", j, False)
    if low in lang.ORDINALS:
        value = lang.ORDINALS[low]
        return _Word(value, _cls(value), j, True)
    return None


class _Acc:
    def __init__(self) -> None:
        self.total = 0
        self.group = 0
        self.last_mag = _INF
        self.last_cls = ""
        self.last_value = 0
        self.n = 0
        self.max_scale = 1

    def can_take(self, w: _Word, lang: ModuleType, simple: bool, word: str) -> bool:
        if simple and w.cls in ("hundred", "mag"):
            return False
        if self.n == 0:
            return w.cls != "mag" or w.ordinal or word in lang.BARE_MAGNITUDES
        if self.last_cls == "zero" or w.cls == "zero":
            return False
        if lang.FRENCH_TENS and w.value in (1, 2) and w.ordinal and word in lang.WEAK_WORDS:
            return False  # "premier", "second" only start a phrase
        low = self.group % 100
        if w.cls == "unit":
            if lang.FRENCH_TENS:
                # "soixante-dix-sept" (a teen then 7-9), but "septante-deux" (one tens word)
                if low in (10, 70, 90) and not (self.last_cls == "tens" and self.last_value == low):
                    return w.value >= 7 and self.last_cls in ("teen", "tens")
                return low == 0 or (low >= 20 and low % 10 == 0)
            return low == 0 or (low >= 20 and low % 10 == 0)
        if w.cls == "teen":
            return low == 0 or (lang.FRENCH_TENS and low in (60, 80) and self.last_cls == "tens")
        if w.cls == "tens":
            return low == 0 and self.last_cls != "tens"
        if w.cls == "hundred":
            if self.group < 10:
                return True
            return self.group < 100 and self.total == 0 and self.last_mag == _INF
        # magnitude
        if w.value < self.last_mag:
            return self.group > 0 or word in lang.BARE_MAGNITUDES  # "millions mille"
        if self.group == 0:
            return 0 < self.total < w.value
        # "mille cinq cents milliards", "one thousand five hundred million": the
        # whole phrase so far counts the larger magnitude
        return self.last_mag * 1000 <= w.value

    def take(self, w: _Word) -> None:
        if w.cls == "hundred":
            self.group = max(self.group, 1) * 100
            self.max_scale = max(self.max_scale, 100)
        elif w.cls == "mag":
            if w.value < self.last_mag:
                self.total += max(self.group, 1) * w.value
            else:
                self.total = (self.total + self.group) * w.value
            self.group = 0
            self.last_mag = w.value
            self.max_scale = max(self.max_scale, w.value)
        else:
            self.group += w.value
        self.last_cls = w.cls
        self.last_value = w.value
        self.n += 1

    @property
    def value(self) -> int:
        return self.total + self.group


def parse_words(tokens: list[Token], i: int, lang: ModuleType, simple: bool = False,
                allow_link: bool = True) -> WordNumber | None:
    """Parse the longest number phrase starting at token i; None if there is none."""
    if tokens[i].low not in lang.ARTICLE_ONE and lookup(tokens, i, lang) is None:
        return None
    acc = _Acc()
    last: int | None = None
    j = i
    if tokens[i].low in lang.ARTICLE_ONE and not simple:
        k = next_word(tokens, i)
        head = lookup(tokens, k, lang) if k is not None else None
        if k is None or head is None or head.cls not in ("hundred", "mag") or head.ordinal:
            return None
        acc.group, acc.n, acc.last_cls = 1, 1, "unit"
        j = k
    ordinal = False
    while True:
        w = lookup(tokens, j, lang)
        if w is None or not acc.can_take(w, lang, simple, tokens[j].low):
            break
        acc.take(w)
        last = w.last
        if w.ordinal:
            ordinal = True
            break
        k = next_word(tokens, last)
        if k is None:
            k = _after_comma(acc, tokens, last, lang)
            if k is None:
                break
            j = k
            continue
        if tokens[k].low == lang.LINK_WORD:
            k2 = next_word(tokens, k)
            if allow_link and k2 is not None and _link_ok(acc, tokens, k2, lang):
                j = k2
                continue
            break
        j = k
    if last is None:
        return None
    num = WordNumber(Decimal(acc.value), i, last, ordinal, words=acc.n,
                     pure=acc.max_scale == 1, max_scale=acc.max_scale)
    if acc.last_cls == "mag":
        num.mag = acc.last_mag
    if acc.n == 1 and last == i:
        num.single = tokens[i].low
    if simple or ordinal:
        return num
    if not (_half(num, acc, tokens, lang) or _fraction(num, tokens, lang)):
        if lang.YEAR_PAIRS:
            _year_pair(num, tokens, lang)
        return num
    _trailing_magnitude(num, tokens, lang)
    return num


def _link_ok(acc: _Acc, tokens: list[Token], k2: int, lang: ModuleType) -> bool:
    nxt = tokens[k2].low
    if lang.FRENCH_TENS:
        low = acc.group % 100
        if acc.last_cls != "tens" or low not in _FRENCH_LINK_TENS:
            return False
        return nxt in ("un", "une", "unième") or (low == 60 and nxt in ("onze", "onzième"))
    if acc.last_cls == "hundred":
        # "two hundred and fifty (thousand)": the tens and units of the same group,
        # not "one hundred and two hundred" (two numbers)
        sub = parse_words(tokens, k2, lang, simple=True)
        if sub is None:
            return False
        after = next_word(tokens, sub.last)
        head = lookup(tokens, after, lang) if after is not None and not sub.ordinal else None
        return head is None or head.cls != "hundred"
    if acc.last_cls != "mag":
        return False
    sub = parse_words(tokens, k2, lang, allow_link=False)
    return sub is not None and sub.max_scale < acc.last_value


def _after_comma(acc: _Acc, tokens: list[Token], last: int, lang: ModuleType) -> int | None:
    """English "one thousand, two hundred and thirty-four" (num2words' spelling):
    a comma after a magnitude continues the number with what is below it."""
    j = last + 1
    if not (lang.MAGNITUDE_COMMA and acc.last_cls == "mag" and j + 1 < len(tokens)):
        return None
    comma, word = tokens[j], tokens[j + 1]
    if comma.text != "," or comma.gap or word.gap != " " or not word.is_word or word.stop:
        return None
    top = _top_scale(tokens, j + 1, lang)
    return j + 1 if 0 < top < acc.last_mag else None


def _top_scale(tokens: list[Token], j: int | None, lang: ModuleType) -> int:
    """The largest word value in the run of number words from j (0: none)."""
    top = 0
    while j is not None:
        w = lookup(tokens, j, lang)
        if w is None:
            if tokens[j].low != lang.LINK_WORD:
                break
        else:
            top = max(top, w.value)
            j = w.last
        j = next_word(tokens, j)
    return top


def _half(num: WordNumber, acc: _Acc, tokens: list[Token], lang: ModuleType) -> bool:
    """"un million et demi" = 1.5e6, "one and a half" = 1.5."""
    k = next_word(tokens, num.last)
    if k is None or tokens[k].low != lang.LINK_WORD:
        return False
    k2 = next_word(tokens, k)
    if k2 is not None and tokens[k2].low in lang.ARTICLE_ONE:
        k2 = next_word(tokens, k2)
    if k2 is None or tokens[k2].low not in lang.HALF_WORDS:
        return False
    step = acc.last_mag if acc.last_cls == "mag" else 1
    num.value += Decimal(step) / 2
    num.last, num.decimal, num.pure, num.single = k2, True, False, None
    return True


def _fraction(num: WordNumber, tokens: list[Token], lang: ModuleType) -> bool:
    """"quarante-neuf virgule deux", "douze virgule deux cinq", "zero point zero five"."""
    k = next_word(tokens, num.last)
    if k is None or tokens[k].low not in lang.FRACTION_WORDS:
        return False
    digits, last = fraction_digits(tokens, k, lang)
    if digits is None:
        return False
    num.value = Decimal(f"{int(num.value)}.{digits}")
    num.last, num.decimal, num.pure, num.single = last, True, False, None
    return True


def fraction_digits(tokens: list[Token], k: int, lang: ModuleType) -> tuple[str | None, int]:
    """Digits said after the decimal word at k: digit by digit or in groups under 100
    ("treize treize" = 1313, "zéro zéro vingt-huit" = 0028, "vingt-quatre zéro zéro"
    = 2400), or one group under 1000 ("trois cent trois")."""
    k2 = next_word(tokens, k)
    chunk = _decimal_group(tokens, k2, lang) if k2 is not None else None
    if chunk is None or chunk.ordinal:
        return None, k
    digits, last = str(int(chunk.value)), chunk.last
    while chunk.value < 100 and (chunk.words == 1 or chunk.value >= 10):
        k3 = next_word(tokens, last)
        chunk = _digit_word(tokens, k3, lang) if k3 is not None else None
        if chunk is None or chunk.ordinal or chunk.value >= 100 or (chunk.value < 10 and chunk.words != 1):
            break
        digits += str(int(chunk.value))
        last = chunk.last
    if set(digits) == {"0"} and tokens[last].low in lang.YEAR_OH:
        return None, k  # "nineteen point oh": an "oh" alone may be a sigh; "point zero" is a digit
    return digits, last


def _decimal_group(tokens: list[Token], k: int, lang: ModuleType) -> WordNumber | None:
    """The first group after the decimal word: under 100, or a unit and the word for
    hundred with what follows it ("virgule trois cent trois" = ,303)."""
    chunk = _digit_word(tokens, k, lang)
    if chunk is None or chunk.ordinal or chunk.words != 1 or not 1 <= chunk.value <= 9:
        return chunk
    h = next_word(tokens, chunk.last)
    word = lookup(tokens, h, lang) if h is not None else None
    if word is None or word.cls != "hundred" or word.ordinal:
        return chunk
    value, last = chunk.value * 100, word.last
    k3 = next_word(tokens, last)
    rest = parse_words(tokens, k3, lang, simple=True) if k3 is not None else None
    if rest is not None and not rest.ordinal and rest.value < 100:
        value, last = value + rest.value, rest.last
    return WordNumber(value, chunk.first, last, words=3)


def _digit_word(tokens: list[Token], k: int, lang: ModuleType) -> WordNumber | None:
    """A number after the decimal word, "oh" being zero: "eighteen point oh five"."""
    if tokens[k].low in lang.YEAR_OH and lang.YEAR_PAIRS:
        return WordNumber(Decimal(0), k, k, words=1)
    return parse_words(tokens, k, lang, simple=True)


def _trailing_magnitude(num: WordNumber, tokens: list[Token], lang: ModuleType) -> None:
    k = next_word(tokens, num.last)
    # "forty-nine point two billion"; any decimal: "two thousand eight hundred five point eight billion"
    if k is not None and tokens[k].low in lang.MAGNITUDES and (num.value < 1000 or num.decimal):
        mag = lang.MAGNITUDES[tokens[k].low]
        num.value *= mag
        num.mag, num.last = mag, k


def _year_pair(num: WordNumber, tokens: list[Token], lang: ModuleType) -> None:
    """English years: "twenty twenty-five" -> 2025, "nineteen oh five" -> 1905."""
    if not (num.pure and 11 <= num.value <= 29):
        return
    k = next_word(tokens, num.last)
    if k is None or tokens[k].gap.strip() or tokens[k].gap == "":
        return
    if tokens[k].low in lang.YEAR_OH:
        k2 = next_word(tokens, k)
        w = lookup(tokens, k2, lang) if k2 is not None else None
        if k2 is not None and w is not None and w.cls == "unit" and not w.ordinal:
            num.value = num.value * 100 + w.value
            num.last, num.pure, num.single = k2, False, None
        return
    if tokens[k].low in lang.YEAR_DECADE_WORDS:  # "nineteen eighties", "nineteen tens": the decade 1980
        num.value = num.value * 100 + lang.YEAR_DECADE_WORDS[tokens[k].low]
        num.last, num.pure, num.single, num.decade = k, False, None, True
        return
    sub = parse_words(tokens, k, lang, simple=True)
    if sub is not None and sub.pure and 10 <= sub.value <= 99 and not sub.ordinal:
        num.value = num.value * 100 + sub.value
        num.last, num.pure, num.single = sub.last, False, None
