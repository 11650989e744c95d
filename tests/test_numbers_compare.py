"""compare(), trace(), verbalize(), spell_out()."""

from __future__ import annotations

import pytest

from pipeline.errors import UnsupportedLanguage
from pipeline.numbers import Match, compare, extract, spell_out, trace, verbalize


def statuses(script, heard, lang):
    return [m.status for m in compare(script, heard, lang)]


def test_compare_match_fields():
    [match] = compare("Venture funding reached $49.2 billion.", "It reached 49.2 billion.", "en")
    assert isinstance(match, Match)
    assert match.status == "unit-missing"
    assert match.heard.text == "49.2 billion"
    assert match.to_dict() == {"text": "$49.2 billion", "value": "49200000000", "kind": "currency",
                               "unit": "USD", "status": "unit-missing", "heard": "49.2 billion"}


def test_compare_accepts_mentions_and_ignores_extras():
    script = extract("Only 5 % in 2025.", "fr")
    heard = "Oui, seulement cinq pour cent en deux mille vingt-cinq, et 12 autres choses."
    assert statuses(script, heard, "fr") == ["ok", "ok"]


def test_compare_keeps_order():
    # the heard numbers are swapped: only one of the two can be aligned in order
    assert statuses("5 % puis 30 %.", "30 % puis 5 %.", "fr").count("ok") == 1


def test_compare_lost_and_changed_mix():
    script = "Le marché a atteint 130 milliards de dollars en 2024, soit 30 % de croissance."
    heard = "Le marché a atteint 103 milliards de dollars, soit 30 % de croissance."
    assert statuses(script, heard, "fr") == ["changed", "lost", "ok"]


def test_compare_weak_heard_words_only_match_exactly():
    assert statuses("Il reste 1 place.", "Il reste une place.", "fr") == ["ok"]
    assert statuses("Il reste 2 places.", "Il reste une place.", "fr") == ["lost"]
    assert statuses("The 1st round.", "The first round.", "en") == ["ok"]


def test_compare_dates_with_more_parts_heard():
    assert statuses("le 1er août", "le premier août deux mille vingt-cinq", "fr") == ["ok"]
    assert statuses("le 1er août", "le deux août", "fr") == ["changed"]


def test_compare_unsupported_language():
    with pytest.raises(UnsupportedLanguage):
        compare("1", "1", "xx")


def test_trace():
    source = "Selon EY, 49,2 milliards de dollars au premier semestre 2025 ; 95 % échouent (18 août 2025)."
    script = "Le financement a atteint 49,2 milliards, 95 % des projets échouent, en 2025, et 12 % de plus."
    found = trace(script, source, "fr")
    # the year comes from the period it was written in
    assert [m.text if m else None for m in found] == ["49,2 milliards de dollars", "95 %", "premier semestre 2025", None]


def test_trace_dates():
    source = "Published on August 18, 2025."
    assert [m.value for m in trace("On August 18 it said", source, "en")] == ["2025-08-18"]


@pytest.mark.parametrize("text,lang,spoken", [
    ("49,2 milliards de dollars", "fr", "quarante-neuf virgule deux milliards de dollars"),
    ("95 %", "fr", "quatre-vingt-quinze pour cent"),
    ("le 1er août", "fr", "le premier août"),
    ("2025", "fr", "deux mille vingt-cinq"),
    ("1,5 million d'euros", "fr", "un virgule cinq million d'euros"),
    ("3 €", "fr", "trois euros"),
    ("80 000", "fr", "quatre-vingt mille"),
    ("71", "fr", "soixante et onze"),
    ("le 18 août 2025", "fr", "le dix-huit août deux mille vingt-cinq"),
    ("$49.2 billion", "en", "forty-nine point two billion dollars"),
    ("2025", "en", "twenty twenty-five"),
    ("2005", "en", "two thousand five"),
    ("76.4%", "en", "seventy-six point four percent"),
    ("0.05", "en", "zero point zero five"),
    ("1,200", "en", "one thousand two hundred"),
    ("8th", "en", "eighth"),
    ("August 8, 2025", "en", "August eighth, twenty twenty-five"),
    ("£1", "en", "one pound"),
])
def test_verbalize(text, lang, spoken):
    [mention] = extract(text, lang)
    assert verbalize(mention, lang) == spoken


def test_spell_out_keeps_the_rest():
    text = "Entre 350 et 400 milliards de dollars (GPT-4), soit 95 % ; un article."
    assert spell_out(text, "fr") == ("Entre trois cent cinquante et quatre cents milliards de dollars (GPT-4), "
                                     "soit quatre-vingt-quinze pour cent ; un article.")


def test_spell_out_kinds():
    text = "In 2025, 95% of $3 million."
    assert spell_out(text, "en", {"percent"}) == "In 2025, ninety-five percent of $3 million."
    assert spell_out(text, "en", {"currency"}) == "In 2025, 95% of three million dollars."


@pytest.mark.parametrize("lang,text,spoken", [
    ("en", "In the 1980s, the 1980 s, the 2000s, the 80s and the 1900s.",
     "In the nineteen eighties, the nineteen eighties, the two thousands, the eighties and the nineteen hundreds."),
    ("fr", "Dans les années 1980 et les années 80.",
     "Dans les années mille neuf cent quatre-vingt et les années quatre-vingt."),
])
def test_spell_out_says_a_decade(lang, text, spoken):
    # a decade is said as one ("the nineteen eighties"), never "one thousand nine hundred eighty (seconds)"
    assert spell_out(text, lang) == spoken
    assert all(m.status == "ok" for m in compare(text, spoken, lang))


def test_spell_out_says_two_days_with_their_link():
    assert spell_out("Rendez-vous le 17/06, puis les 17/18 juin.", "fr") == (
        "Rendez-vous le dix-sept juin, puis les dix-sept et dix-huit juin.")
    assert spell_out("Closed on Jan-15-2020.", "en") == "Closed on January fifteenth, twenty twenty."


def test_spell_out_time_ending_a_sentence_keeps_one_stop():
    # the spoken "p.m." carries its own stop: the sentence's stop is not added after it
    assert spell_out("We meet at 5 pm. Then at 6:30 p.m. Done at 7 pm", "en") == (
        "We meet at five p.m. Then at six thirty p.m. Done at seven p.m.")
    assert spell_out("Doors open at 9 am.", "en") == "Doors open at nine a.m."


@pytest.mark.parametrize("lang,text", [
    ("fr", "Le 8 août 2025, 49,2 milliards de dollars, soit 95 % ; entre 350 et 400 milliards de dollars ; "
           "1 000 participants, 1,5 million d'utilisateurs, 2 milliards d'euros, 71 startups, le 1er août."),
    ("en", "On August 8, 2025, $49.2 billion, 76.4%; between 350 and 400 billion dollars; 1,200 employees, "
           "0.05 seconds, €3 per month, 15,300 filings, 223 devices, the 3rd round, in 2025."),
])
def test_spell_out_round_trips(lang, text):
    spoken = spell_out(text, lang)
    assert not any(ch.isdigit() for ch in spoken), spoken
    assert all(m.status == "ok" for m in compare(text, spoken, lang)), spoken
