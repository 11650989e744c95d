"""Property tests: digits in each language's convention and spoken words both
come back as the same value, kind and unit."""

from __future__ import annotations

import datetime as dt
import os
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.numbers import extract, verbalize

LANGS = ("fr", "en")
SETTINGS = settings(max_examples=int(os.environ.get("NUMBERS_EXAMPLES", "150")), deadline=None)
FR_SEPARATORS = (" ", "\u00a0", "\u202f", "")
FR_MONTHS = ["", "janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
             "octobre", "novembre", "décembre"]
EN_MONTHS = ["", "January", "February", "March", "April", "May", "June", "July", "August", "September",
             "October", "November", "December"]
CURRENCY_WORDS = {"fr": {"USD": "dollars", "EUR": "euros", "GBP": "livres sterling"},
                  "en": {"USD": "dollars", "EUR": "euros", "GBP": "pounds"}}
SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£"}


def canonical(value: Decimal) -> str:
    text = format(value.normalize(), "f") if value else "0"
    return text.rstrip("0").rstrip(".") if "." in text else text


def digits(value: Decimal, lang: str, sep: str | None = None) -> str:
    """Digits as each language writes them: fr "1 234,5", en "1,234.5"."""
    whole, _, frac = format(value, "f").partition(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    if lang == "fr":
        sep = "\u202f" if sep is None else sep
        return sep.join(groups) + ("," + frac if frac else "")
    return (sep if sep is not None else ",").join(groups) + ("." + frac if frac else "")


def only(text: str, lang: str):
    found = extract(text, lang)
    assert len(found) == 1, (text, found)
    return found[0]


def round_trip(text: str, lang: str, kind: str, value: str, unit: str | None):
    mention = only(text, lang)
    assert (mention.kind, mention.value, mention.unit) == (kind, value, unit), text
    spoken = verbalize(mention, lang)
    again = only(spoken, lang)
    assert (again.kind, again.value, again.unit) == (kind, value, unit), spoken


decimals = st.builds(
    lambda whole, frac: Decimal(f"{whole}.{frac}") if frac else Decimal(whole),
    st.integers(0, 999_999),
    st.one_of(st.just(""), st.integers(1, 999).map(str).filter(lambda f: not f.endswith("0"))),
)


@SETTINGS
@given(lang=st.sampled_from(LANGS), value=st.integers(2, 10**13), sep_index=st.integers(0, 3))
def test_integers(lang, value, sep_index):
    sep = FR_SEPARATORS[sep_index] if lang == "fr" else (",", "\u00a0", "\u202f", ",")[sep_index]
    if value >= 10000 and sep == "":
        sep = " "  # an ungrouped long number is not a convention of either language
    round_trip(digits(Decimal(value), lang, sep), lang, "number", str(value), None)


@SETTINGS
@given(lang=st.sampled_from(LANGS), value=decimals)
def test_decimals(lang, value):
    if value == 1:
        value = Decimal("1.5")
    round_trip(digits(value, lang), lang, "number", canonical(value), None)


@SETTINGS
@given(lang=st.sampled_from(LANGS), value=decimals.filter(lambda d: d < 1000), space=st.booleans())
def test_percents(lang, value, space):
    text = digits(value, lang) + (" %" if space else "%")
    round_trip(text, lang, "percent", canonical(value), "%")


@SETTINGS
@given(lang=st.sampled_from(LANGS), value=decimals.filter(lambda d: 0 < d < 1000),
       mag=st.sampled_from([0, 6, 9]), unit=st.sampled_from(["USD", "EUR", "GBP"]), words=st.booleans())
def test_currencies(lang, value, mag, unit, words):
    scaled = value * 10**mag
    mag_word = {"fr": {6: "millions", 9: "milliards"}, "en": {6: "million", 9: "billion"}}[lang].get(mag)
    amount = digits(value, lang) + (f" {mag_word}" if mag_word else "")
    if words:
        link = (" d'" if CURRENCY_WORDS[lang][unit][0] == "e" else " de ") if lang == "fr" and mag_word else " "
        text = amount + link + CURRENCY_WORDS[lang][unit]
    elif lang == "fr":
        text = f"{amount} {SYMBOLS[unit]}"
    else:
        text = SYMBOLS[unit] + amount
    round_trip(text, lang, "currency", canonical(scaled), unit)


@SETTINGS
@given(lang=st.sampled_from(LANGS), year=st.integers(1900, 2100))
def test_years(lang, year):
    round_trip(str(year), lang, "number", str(year), None)


@SETTINGS
@given(lang=st.sampled_from(LANGS), date=st.dates(dt.date(1900, 1, 1), dt.date(2100, 12, 31)),
       form=st.sampled_from(["full", "day-month", "month-year", "day-first"]))
def test_dates(lang, date, form):
    d, m, y = date.day, date.month, date.year
    if lang == "fr":
        day = "1er" if d == 1 else str(d)
        text = {"full": f"le {day} {FR_MONTHS[m]} {y}", "day-month": f"le {day} {FR_MONTHS[m]}",
                "month-year": f"{FR_MONTHS[m]} {y}", "day-first": f"{day} {FR_MONTHS[m]} {y}"}[form]
    else:
        text = {"full": f"{EN_MONTHS[m]} {d}, {y}", "day-month": f"{EN_MONTHS[m]} {d}",
                "month-year": f"{EN_MONTHS[m]} {y}", "day-first": f"{d} {EN_MONTHS[m]} {y}"}[form]
    value = {"full": date.isoformat(), "day-first": date.isoformat(), "day-month": f"--{m:02d}-{d:02d}",
             "month-year": f"{y:04d}-{m:02d}"}[form]
    round_trip(text, lang, "date", value, None)


@SETTINGS
@given(value=decimals)
def test_french_dot_thousands(value):
    whole = int(value)
    if whole < 1000:
        whole += 1000
    text = digits(Decimal(whole), "fr", ".")
    assert only(text, "fr").value == str(whole)


@pytest.mark.parametrize("lang", LANGS)
def test_one_is_weak_but_kept_with_a_unit(lang):
    assert extract({"fr": "un", "en": "one"}[lang], lang) == []
    assert only({"fr": "un pour cent", "en": "one percent"}[lang], lang).value == "1"
