"""Units, currencies and periods are said in words to every engine (pipeline.tts.speech.
spoken_text through pipeline.numbers.spell_symbols), digits kept: no engine guesses
"GW", "km/h", "£236bn" or "Q3".

Measured before the symbols were said (Whisper base, one sentence each): piper said
"130 km/h" as "130 km slash H" (changed: heard in km); Kokoro's French "130 km/h" was
heard "130 kmH" (its unit lost); both now heard "130 kilometers per hour" / "130 kmh".
"""

import re

import pytest

from pipeline import numbers
from pipeline.tts import describe, get_engine
from pipeline.tts.speech import cache_key, spoken_text

SYMBOL = re.compile(r"\bGW\b|km/h|£|\bMd\b|\b[QT]3\b")

# (lang, engine, sentences): the four symbols of issue 24, one short sentence each
HEARD = [
    ("en", "piper", ["Wind farms reached 2.5 GW.", "Cars drive at 130 km/h.", "The plan costs £236bn.",
                     "Sales rose in Q3 2025."]),
    ("fr", "kokoro", ["La capacité installée est de 2,5 GW.", "La vitesse est limitée à 130 km/h.",
                      "Le plan coûte 236 Md£.", "Les ventes ont augmenté au T3 2025."]),
]


@pytest.mark.parametrize("engine", ["piper", "kokoro", "pico", "espeak", "gtts"])
@pytest.mark.parametrize("lang,sentences", [(lang, s) for lang, _, s in HEARD])
def test_no_engine_is_given_a_unit_currency_or_period_symbol(engine, lang, sentences):
    for text in sentences:
        said = spoken_text(text, engine, lang)
        assert not SYMBOL.search(said), said
        assert [m.status for m in numbers.compare(text, said, lang)] == ["ok"], (text, said)


def test_the_symbols_in_words():
    assert spoken_text("Cars drive at 130 km/h in Q3 2025.", "piper", "en") == \
        "Cars drive at 130 kilometers per hour in the third quarter of 2025."
    assert spoken_text("Le parc produit 2,5 GW au T3.", "kokoro", "fr") == \
        "Le parc produit 2,5 gigawatts au troisième trimestre."
    assert spoken_text("It costs £236bn.", "gtts", "en") == "It costs 236\u00a0billion\u00a0pounds."
    # money with cents is left to each engine's spelling ("3.5 dollars" would lose the cents)
    assert spoken_text("It costs $3.50.", "gtts", "en") == "It costs $3.50."
    assert spoken_text("It costs $3.50.", "piper", "en") == "It costs three dollars and fifty cents."


def test_digit_groups_get_plain_spaces_but_for_engines_that_cut_at_spaces():
    # espeak-ng (piper, Kokoro) reads "2\u00a0400 employés" as "deux quatre cents employés"
    text = "Il y a 2\u00a0400 employés et 5\u202f000 GW."
    assert spoken_text(text, "kokoro", "fr") == "Il y a 2 400 employés et 5 000 gigawatts."
    assert spoken_text(text, "gtts", "fr") == "Il y a 2\u00a0400 employés et 5\u00a0000\u00a0gigawatts."


def test_a_symbol_said_differently_is_a_new_cache_key():
    said = spoken_text("Cars drive at 130 km/h.", "piper", "en")
    assert cache_key("piper", "v", "en", 1.0, said) != \
        cache_key("piper", "v", "en", 1.0, "Cars drive at 130 km/h.")


@pytest.mark.slow
@pytest.mark.parametrize("lang,engine,sentences", [   # French (Kokoro): make test-long
    pytest.param(*h, id=h[0], marks=[pytest.mark.long] if h[0] == "fr" else []) for h in HEARD])
def test_units_currencies_and_periods_are_heard_back(tmp_path, lang, engine, sentences):
    """Real piper (en) and Kokoro (fr), real Whisper base, each sentence alone."""
    eng = get_engine(engine)
    if not eng.supports(lang):
        pytest.skip(f"{engine} cannot speak {lang} here: {describe(engine)}")
    from pipeline.asr import get_engine as asr

    whisper = asr("faster-whisper", "base")
    heard = []
    for i, text in enumerate(sentences):
        wav = tmp_path / f"{i}.wav"
        eng.synthesize(spoken_text(text, engine, lang), lang, wav)
        said = whisper.transcribe(wav, lang)["text"]
        heard.append(([m.status for m in numbers.compare(text, said, lang)], text, said))
    assert all(statuses == ["ok"] for statuses, _, _ in heard), heard


@pytest.mark.parametrize("lang,engine,text,said", [
    # tests/corpus/sobriete-energetique.fr.md: "plus de 1000 €/MWh" reached Kokoro as "mille euros/MWh"
    ("fr", "kokoro", "Les prix dépassent 1000 €/MWh.", "Les prix dépassent mille euros par mégawattheure."),
    ("fr", "kokoro", "Le tarif passe à 0,25 €/kWh.", "Le tarif passe à vingt-cinq centimes par kilowattheure."),
    ("fr", "pico", "Il gagne 2000 €/mois.", "Il gagne deux mille euros par mois."),
    ("en", "piper", "Power costs $50/MWh today.", "Power costs fifty dollars per megawatt-hour today."),
    ("fr", "kokoro", "Le ratio 3/4 tient.", "Le ratio 3/4 tient."),          # no price: not a rate
])
def test_a_price_per_unit_is_said_per_unit(lang, engine, text, said):
    assert spoken_text(text, engine, lang) == said
    assert [m.status for m in numbers.compare(text, said, lang)] == ["ok"]


@pytest.mark.parametrize("engine", ["kokoro", "piper", "pico", "espeak"])
def test_french_times_and_the_number_sign_are_said_in_words(engine):
    # tests/corpus/recap-reseau-2022.fr.md with Kokoro: "de 11h à 12h30" was said "onze ache",
    # "Infolettre n°9" "enne neuf"; both Whisper engines wrote "H-12H-30" and "N9". Said
    # "onze heures", "numéro 9", both were heard right (faster-whisper and openai-whisper).
    text = "Le 20 janvier 2023 de 11h à 12h30, l'Infolettre n°9."
    said = spoken_text(text, engine, "fr")
    assert said == "Le 20 janvier 2023 de onze heures à douze heures trente, l'Infolettre numéro 9."
    assert [m.status for m in numbers.compare(text, said, "fr")] == ["ok"] * 4
    assert "n°9" in spoken_text("Item n°9.", engine, "en")          # the number sign rule is French
