"""verbalize() and spell_out(): the words a TTS engine should say for a number."""

from __future__ import annotations

import re
from decimal import Decimal
from types import ModuleType
from typing import Callable

from . import langs
from .canon import date_parts, decimal_str
from .exact import exact
from .extract import drafts_of
from .model import Mention
from .periods import period_parts
from .quantities import spoken as unit_words
from .quantities import unit_after

_ORDINAL_DIGITS = re.compile(r"^\d+([^\W\d_]+)$")   # "21st", "1er"; not "412 million"
_YEAR_DIGITS = re.compile(r"^\d{4}$")
_SYMBOLS = re.compile(r"[\d$€£¥₹₩¢%‰×\u2212\u00bc-\u00be\u2150-\u215e]")  # ... and vulgar fractions "¾", "⅔"
MAX_MAGNITUDE_DECIMALS = 3
_ARTICLE_BEFORE = re.compile(r"(\w+)['’\s]\s*$")
_PER_WORD = {"en": "per", "fr": "par"}


@exact
def verbalize(mention: Mention, lang: str) -> str:
    """Words for one mention: "quarante-neuf virgule deux milliards de dollars"."""
    module = langs.get(lang)
    if mention.kind == "date":
        return module.date_words(*date_parts(mention.value), mention.text)
    if mention.kind in ("code", "name"):
        return mention.text
    if mention.kind == "period":
        year, code = period_parts(mention.value)
        return module.period_words(code[0], int(code[1]), int(year) if year else None)
    if mention.kind == "time":
        hour, minute = map(int, mention.value.split(":"))
        return module.time_words(hour, minute, mention.text)
    if mention.kind == "fraction":
        n, d = map(int, mention.value.split("/"))
        return module.fraction_words(n, d)
    value = Decimal(mention.value)
    if mention.decade and value > 0:
        return module.decade_words(int(value))  # "the nineteen eighties", fr "les années quatre-vingt"
    words = _quantity(mention, abs(value), module)
    if value < 0:
        return f"{module.MINUS_WORD} {words}"
    return f"{module.PLUS_WORD} {words}" if mention.text.startswith("+") else words


def _quantity(mention: Mention, value: Decimal, module: ModuleType) -> str:
    if mention.kind == "number" and value == value.to_integral_value():
        if _is_ordinal(mention.text, module):
            return module.ordinal(int(value))
        if _YEAR_DIGITS.match(mention.text.strip()):
            return module.year(int(value))
    # cents only below a million (and so never on a value past the 28 digits that
    # Decimal's default context can divide: a 29-digit amount raised DivisionImpossible)
    if mention.kind == "currency" and value < 1 and (mention.unit == "¢" or value * 100 == int(value * 100)
                                                     and mention.unit in module.COINS_SAID_ALONE):
        coins = value * 100  # "0,20 €": "vingt centimes", read back as euros
        return f"{number(coins, module)} {module.COIN_WORDS[0 if coins == 1 else 1]}"
    if mention.kind == "currency" and mention.unit and value < 10**6:
        whole, cents = divmod(value * 100, 100)
        if cents and cents == int(cents):
            return module.money_words(mention.unit, int(whole), int(cents))
    spoken = amount(value, module)
    if mention.kind == "percent":
        return f"{spoken} {module.PERCENT_WORDS}"
    if mention.kind == "points":
        return module.points_words(spoken, value)
    if mention.kind == "multiplier":
        return module.times_words(spoken)
    if mention.kind == "quantity" and mention.unit:
        return quantity_words(spoken, value, mention.unit, module)
    if mention.kind == "currency" and mention.unit:
        return module.currency_phrase(mention.unit, value, spoken)
    return spoken


_MAGNITUDE_ENDS = ("million", "millions", "milliard", "milliards", "billion", "billions")


def quantity_words(spoken: str, value: Decimal, unit: str, module: ModuleType) -> str:
    """"two point five gigawatts", "douze millions de tonnes", "one kilometer per hour"."""
    plural = abs(value) >= 2 if module.CODE == "fr" else abs(value) != 1
    words = unit_words(unit, module.CODE, plural)
    if module.CODE == "fr" and spoken.split()[-1] in _MAGNITUDE_ENDS:
        return f"{spoken} d'{words}" if words[0] in "aeiouéh" else f"{spoken} de {words}"
    return f"{spoken} {words}"


def _is_ordinal(text: str, module: ModuleType) -> bool:
    m = _ORDINAL_DIGITS.match(text.strip())
    if m:
        return m.group(1).lower() in module.ORDINAL_SUFFIXES
    last = re.split(r"[\s\-]+", text.strip().lower())[-1]
    return last in module.ORDINALS


def amount(value: Decimal, module: ModuleType) -> str:
    """A quantity in words, with a magnitude word when that is how people say it."""
    return with_magnitude(value, module, number)


def with_magnitude(value: Decimal, module: ModuleType, say: Callable[[Decimal, ModuleType], str]) -> str:
    """`value` said by `say`, with the magnitude word people use ("2.5 billion", "3 millions")."""
    for size, name in module.SPOKEN_MAGNITUDES:
        count = value / size
        if 1 <= count < 1000 and -count.normalize().as_tuple().exponent <= MAX_MAGNITUDE_DECIMALS:
            return f"{say(count, module)} {module.magnitude_word(name, count)}"
    return say(value, module)


def number(value: Decimal, module: ModuleType) -> str:
    text = decimal_str(value)
    whole, _, frac = text.partition(".")
    spoken = module.cardinal(int(whole))
    if not frac:
        return spoken
    if len(frac) <= 2 and frac[0] != "0":
        tail = module.cardinal(int(frac))
    else:
        tail = " ".join(module.cardinal(int(ch)) for ch in frac)
    return f"{spoken} {module.POINT_WORD} {tail}"


@exact
def spell_out(text: str, lang: str, kinds: set[str] | None = None,
              select: Callable[[Mention], bool] | None = None) -> str:
    """`text` with every mention (of `kinds`, and for which `select` is true;
    all by default) replaced by its words."""
    module = langs.get(lang)
    drafts, tokens = drafts_of(text, module)
    out, pos, spelled_to = [], 0, -1
    for draft in drafts:
        if draft.kind in ("code", "name") or draft.weak or (kinds is not None and draft.kind not in kinds):
            continue
        mention = draft.mention(text, tokens)
        if not _SYMBOLS.search(mention.text):
            continue  # already words
        if select is not None and not select(mention):
            continue
        if draft.carried or draft.carried_unit:
            mention = _as_written(mention, draft.carried)
        between = text[pos:mention.start]
        spoken = verbalize(mention, lang)
        if mention.kind == "period" and _ARTICLE_BEFORE.search(between) and \
                _ARTICLE_BEFORE.search(between).group(1).lower() in module.PERIOD_ARTICLES:  # type: ignore[union-attr]
            spoken = spoken.split(" ", 1)[1]  # "in the Q3": "in the third quarter", not "the the"
        # a ratio "1:4" is two mentions: said "one to four", not "one:four"; fr "les 17/18 juin": two days
        joiner = {":": module.RATIO_WORD, "/": module.LINK_WORD}.get(between) if spelled_to == pos else None
        out.append(f" {joiner} " if joiner else between)
        out.append(_padded(spoken, text, mention.start, mention.end))
        pos = spelled_to = mention.end
        if mention.kind == "currency" and (per := _per_unit(text, pos, lang)):
            out.append(per[0])
            pos = spelled_to = per[1]
    out.append(text[pos:])
    return "".join(out)


def _padded(words: str, text: str, start: int, end: int) -> str:
    """Keep spoken words apart from letters the digits were glued to ("Outils95 %")."""
    if start and text[start - 1].isalnum():
        words = " " + words
    if end < len(text) and text[end].isalnum():
        words += " "
    if words.endswith(".") and text.startswith(".", end):
        words = words[:-1]  # "at 5 pm." said "five p.m." ends its sentence with one stop, not "p.m.."
    return words


def _as_written(mention: Mention, carried: int | None) -> Mention:
    """The first end of a range, without what it borrows from the second: "350"."""
    value = Decimal(mention.value) / (carried or 1)
    return Mention(decimal_str(value), "number", None, mention.text, mention.start, mention.end)


SYMBOL_KINDS = ("quantity", "currency", "period")


@exact
def spell_symbols(text: str, lang: str) -> str:
    """`text` with the digits kept and every unit, currency and period symbol said in
    words, so that no engine guesses a symbol: "130 km/h" -> "130 kilometers per hour",
    "£236bn" -> "236 billion pounds", "2,5 GW" -> "2,5 gigawatts", "T3 2025" ->
    "le troisième trimestre 2025"."""
    module = langs.get(lang)
    drafts, tokens = drafts_of(text, module)
    out, pos = [], 0
    for draft in drafts:
        if draft.kind not in SYMBOL_KINDS or draft.weak or draft.carried or draft.carried_unit:
            continue
        mention = draft.mention(text, tokens)
        if not _SYMBOLS.search(mention.text) or mention.unit == "¢":
            continue
        words = _symbol_words(mention, module)
        if words is None:
            continue
        between = text[pos:mention.start]
        if mention.kind == "period" and _ARTICLE_BEFORE.search(between) and \
                _ARTICLE_BEFORE.search(between).group(1).lower() in module.PERIOD_ARTICLES:  # type: ignore[union-attr]
            words = words.split(" ", 1)[1]
        out.append(between)
        out.append(_padded(words, text, mention.start, mention.end))
        pos = mention.end
        if mention.kind == "currency" and (per := _per_unit(text, pos, module.CODE)):
            out.append(per[0])
            pos = per[1]
    out.append(text[pos:])
    return "".join(out)


def _per_unit(text: str, end: int, lang: str) -> tuple[str, int] | None:
    """The unit a price is per, in words, and where it ends: "1000 €/MWh" is "mille euros par
    mégawattheure", never "euros slash MWh" (an engine's guess at the symbol)."""
    if not text.startswith("/", end):
        return None
    hit = unit_after(text, end + 1)
    if hit is None or hit.factor != 1 or hit.rate:
        return None
    return f" {_PER_WORD[lang]} {unit_words(hit.unit.symbol, lang, False)}", hit.end


def _symbol_words(mention: Mention, module: ModuleType) -> str | None:
    if mention.kind == "period":
        year, code = period_parts(mention.value)
        head = module.period_words(code[0], int(code[1]), None)
        if year is None:
            return head
        return f"{head} of {year}" if module.CODE == "en" else f"{head} {year}"
    value = Decimal(mention.value)
    if mention.kind == "currency" and value != value.to_integral_value() and abs(value) < 10**6:
        return None   # "$3.50", "0,20 €": "3.5 dollars" would lose the cents; money is spelled per engine
    digits = _digits_with_magnitude(abs(value), module)
    if value < 0:
        digits = f"{module.MINUS_WORD} {digits}"
    if mention.kind == "currency" and mention.unit:
        return module.currency_phrase(mention.unit, abs(value), digits)
    if mention.kind == "quantity" and mention.unit:
        return quantity_words(digits, abs(value), mention.unit, module)
    return None


def _digits_with_magnitude(value: Decimal, module: ModuleType) -> str:
    """"236 billion", "2,5 milliards", "5 000": digits, and the magnitude word people say."""
    return with_magnitude(value, module, _digits)


def _digits(value: Decimal, module: ModuleType) -> str:
    text = decimal_str(value)
    if module.CODE == "fr":
        return module.format_digits(Decimal(text), "\u202f")
    return f"{Decimal(text):,f}"
