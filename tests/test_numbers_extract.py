"""extract(): the scope of the number engine, French and English."""

from __future__ import annotations

import pytest

from pipeline.errors import UnsupportedLanguage
from pipeline.numbers import SUPPORTED_LANGUAGES, Mention, compare, extract


def values(text: str, lang: str) -> list[tuple]:
    return [(m.kind, m.value, m.unit) for m in extract(text, lang)]


CASES = [
    # French digits
    ("fr", "Il y a 1 000 000 d'auditeurs.", [("number", "1000000", None)]),
    ("fr", "Soit 1\u00a0200 et 3\u202f400 salariés.", [("number", "1200", None), ("number", "3400", None)]),
    ("fr", "Un total de 1.000 participants.", [("number", "1000", None)]),
    ("fr", "Il a levé 49.2 milliards de dollars.", [("currency", "49200000000", "USD")]),
    ("fr", "Un taux de 12,25 %.", [("percent", "12.25", "%")]),
    ("fr", "Soit 0,05 seconde.", [("quantity", "0.05", "s")]),
    # French words
    ("fr", "quatre-vingt-dix-sept startups", [("number", "97", None)]),
    ("fr", "soixante et onze, vingt et un, quatre-vingts", [("number", "71", None), ("number", "21", None),
                                                         ("number", "80", None)]),
    ("fr", "un million et demi d'utilisateurs", [("number", "1500000", None)]),
    ("fr", "trois cent cinquante et quatre cents milliards de dollars",
     [("currency", "350000000000", "USD"), ("currency", "400000000000", "USD")]),
    ("fr", "quarante-neuf virgule deux milliards de dollars", [("currency", "49200000000", "USD")]),
    ("fr", "douze virgule deux cinq pour cent", [("percent", "12.25", "%")]),
    ("fr", "deux mille vingt-cinq", [("number", "2025", None)]),
    ("fr", "un billion d'euros", [("currency", "1000000000000", "EUR")]),
    ("fr", "quatre-vingt-quinze pourcent", [("percent", "95", "%")]),
    # French magnitudes, units, currencies
    ("fr", "1,2 Md€ puis 5 M€ et 10 k€", [("currency", "1200000000", "EUR"), ("currency", "5000000", "EUR"),
                                          ("currency", "10000", "EUR")]),
    ("fr", "2 milliards de livres sterling", [("currency", "2000000000", "GBP")]),
    ("fr", "Il a lu trois livres.", [("number", "3", None)]),
    ("fr", "49,2 $ et 5 €", [("currency", "49.2", "USD"), ("currency", "5", "EUR")]),
    # French dates and ordinals
    ("fr", "Le 8 août 2025 puis le 1er octobre.", [("date", "2025-08-08", None), ("date", "--10-01", None)]),
    ("fr", "le huit août deux mille vingt-cinq", [("date", "2025-08-08", None)]),
    ("fr", "le premier août", [("date", "--08-01", None)]),
    # a period said alone is verified by compare() but is not a number (periods.py)
    ("fr", "En août 2025, le 3e trimestre.", [("date", "2025-08", None)]),
    ("fr", "Le rapport du 18/08/2025 et du 2025-08-19.", [("date", "2025-08-18", None),
                                                          ("date", "2025-08-19", None)]),
    # French articles, codes
    ("fr", "Un article d'un auteur, la une.", []),
    # "Llama 3" is a model name (names.py), like "Windows 11"
    ("fr", "GPT-4, COVID-19, H1 2025, T3, A320, la 5G et Llama 3.", [("period", "2025-H1", None)]),
    ("fr", "mi-2025", [("number", "2025", None)]),
    # English digits and words
    ("en", "There were 15,300 filings and 1\u00a0000 more.", [("number", "15300", None),
                                                          ("number", "1000", None)]),
    ("en", "twenty twenty-five and nineteen oh five", [("number", "2025", None), ("number", "1905", None)]),
    ("en", "one and a half million users", [("number", "1500000", None)]),
    ("en", "twelve hundred employees", [("number", "1200", None)]),
    ("en", "two hundred twenty three devices", [("number", "223", None)]),
    ("en", "one hundred and twenty", [("number", "120", None)]),
    ("en", "between one hundred and two hundred", [("number", "100", None), ("number", "200", None)]),
    ("en", "The delay is point zero five seconds.", [("quantity", "0.05", "s")]),
    ("en", "a million dollars and a hundred euros", [("currency", "1000000", "USD"), ("currency", "100", "EUR")]),
    ("en", "between three hundred fifty and four hundred billion dollars",
     [("currency", "350000000000", "USD"), ("currency", "400000000000", "USD")]),
    ("en", "from 55% to 78%", [("percent", "55", "%"), ("percent", "78", "%")]),
    ("en", "from 55 to 78 per cent", [("percent", "55", "%"), ("percent", "78", "%")]),
    ("en", "$49.2 billion, €1.2bn, £3m, $10K, USD 5 million", [
        ("currency", "49200000000", "USD"), ("currency", "1200000000", "EUR"), ("currency", "3000000", "GBP"),
        ("currency", "10000", "USD"), ("currency", "5000000", "USD")]),
    ("en", "forty-nine point two billion dollars", [("currency", "49200000000", "USD")]),
    ("en", "seventy-six point four percent", [("percent", "76.4", "%")]),
    # English dates and ordinals
    ("en", "August 8, 2025; August eighth, twenty twenty-five; the 8th of August",
     [("date", "2025-08-08", None), ("date", "2025-08-08", None), ("date", "--08-08", None)]),
    ("en", "In August 2025 the 3rd round closed.", [("date", "2025-08", None), ("number", "3", None)]),
    ("en", "Rates may rise in march.", []),
    # English articles, codes
    ("en", "One of them is the first one.", []),
    ("en", "In H1 2025 and the first half of 2025, Q3, GPT-4o, 4K video, 5m away.",
     [("period", "2025-H1", None), ("period", "2025-H1", None)]),
    ("en", "Version 2.5.1 at 14:30.", [("time", "14:30", "24h")]),
    ("en", "In the 1990s a third of them, the third one.", [("number", "1990", None), ("fraction", "1/3", None),
                                                          ("number", "3", None)]),
    ("en", "Whisper writes $20000000 and 95%.", [("currency", "20000000", "USD"), ("percent", "95", "%")]),
    ("fr", "Le XXIe siècle, une heure et demie.", [("number", "21", None)]),  # a century is verified
    ("fr", "Louis XIV et le CV.", []),  # other Roman numerals are names
]


@pytest.mark.parametrize("lang,text,expected", CASES, ids=[c[1][:40] for c in CASES])
def test_extract_scope(lang, text, expected):
    assert values(text, lang) == expected


@pytest.mark.parametrize("lang", SUPPORTED_LANGUAGES)
def test_spans_are_exact(lang):
    text = "Le 18 août 2025, 49,2 milliards de dollars ; $49.2 billion, 95 %, twenty twenty-five."
    for m in extract(text, lang):
        assert text[m.start:m.end] == m.text


def test_mention_to_dict():
    [m] = extract("$49.2 billion", "en")
    assert m == Mention("49200000000", "currency", "USD", "$49.2 billion", 0, 13)
    assert m.to_dict() == {"value": "49200000000", "kind": "currency", "unit": "USD",
                           "text": "$49.2 billion", "start": 0, "end": 13}


def test_codes_on_request():
    kinds = [(m.kind, m.text) for m in extract("GPT-4 in H1", "en", include_codes=True)]
    assert kinds == [("code", "4"), ("period", "H1")]


@pytest.mark.parametrize("lang", ["de", "", None, "FR"])
def test_unsupported_language(lang):
    with pytest.raises(UnsupportedLanguage) as err:
        extract("1", lang)
    assert "en, fr" in str(err.value)


def test_empty_and_numberless():
    assert extract("", "fr") == []
    assert extract("Bonjour, je m'appelle Jon.", "fr") == []


def test_long_figures_keep_every_digit():
    """Past 28 digits (Python's default decimal precision) a figure must not be rounded:
    a wrong digit there would otherwise pass as heard."""
    long = "123456789012345678901234567890123"
    [m] = extract(f"They owe {long} dollars.", "en")
    assert m.value == long
    [match] = compare(f"They owe {long} dollars.", f"They owe {long[:-1]}4 dollars.", "en")
    assert match.status == "changed"
