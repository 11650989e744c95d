"""French healing and text preparation: Pico's years, and sentences re-spoken on their own.

Real engines (Pico, Kokoro) and real Whisper base on a few seconds of audio;
skipped with the reason when an engine cannot run here.
"""

import numpy as np
import pytest

from pipeline import numbers
from pipeline.audio.ffmpeg import to_rate
from pipeline.audio.wav import read_wav
from pipeline.tts import describe, get_engine
from pipeline.tts.pico_engine import prepare_text
from pipeline.tts.sentences import (
    OUT_RATE,
    PIECE_PAUSE_S,
    pieces,
    plan_key,
    sentence_of_numbers,
    speak_sentences,
)
from pipeline.tts.speech import cache_key, spoken_text


def _need(name: str, lang: str = "fr"):
    eng = get_engine(name)
    if not eng.supports(lang):
        pytest.skip(f"{name} cannot speak {lang} here: {describe(name)}")
    return eng


def _heard(wav, lang="fr") -> str:
    from pipeline.asr import get_engine as asr

    return asr("faster-whisper", "base").transcribe(wav, lang)["text"]


# --- Pico's French years --------------------------------------------------------------------------

def test_pico_spells_french_years_and_nothing_else():
    said = prepare_text("Le 14 juillet 2025, 12 400 vélos en 2023 pour 2 150 euros, soit 1500 % ; 1 800 logements.", "fr")
    assert "juillet deux mille vingt-cinq" in said and "en deux mille vingt-trois" in said
    assert "Le 14 juillet" in said, "a date's day stays as written (spelled, it was misheard)"
    for kept in ("12 400", "2 150 euros", "1500 %", "1 800"):
        assert kept in said, kept
    assert prepare_text("In 2023 sales rose.", "en") == "In 2023 sales rose."
    assert get_engine("pico").voice_id("fr") != get_engine("pico").voice_id("en").replace("en-US", "fr-FR")


@pytest.mark.slow
def test_pico_french_years_are_heard_back(tmp_path):
    """Read by Pico's own front end, Whisper base heard these years as 2003, 2002 and
    "2000, 25"; spelled out first, every one comes back."""
    eng = _need("pico")
    for i, text in enumerate(["L'entreprise a vendu 12 400 véhicules en 2023.",
                              "Le chiffre d'affaires a reculé en 2022.",
                              "La réunion aura lieu le 14 juillet 2025 à Lyon."]):
        eng.synthesize(text, "fr", tmp_path / f"{i}.wav")
        heard = _heard(tmp_path / f"{i}.wav")
        assert all(m.status == "ok" for m in numbers.compare(text, heard, "fr")), (text, heard)


# --- a segment spoken in pieces -------------------------------------------------------------------

TWO = "Le vélo pèse 58 % du marché. Son prix moyen atteint 2 150 euros."


def test_each_number_is_placed_in_its_sentence_and_pieces_keep_the_rest_whole():
    text = TWO + " La prime de M. Dupont est de 400 euros. Elle date de 2023."
    assert sentence_of_numbers(text, "fr") == [0, 1, 2, 3]
    got = pieces(text, "fr", {"1": {"engine": "pico"}})
    assert got == [("Le vélo pèse 58 % du marché.", {}), ("Son prix moyen atteint 2 150 euros.", {"engine": "pico"}),
                   ("La prime de M. Dupont est de 400 euros. Elle date de 2023.", {})]
    assert plan_key({}) == "" and plan_key({"sentences": {"1": {}}}) != plan_key({"sentences": {"1": {"rate": 0.85}}})


@pytest.mark.slow
def test_a_sentence_is_spoken_by_another_voice_and_the_rest_as_before(tmp_path):
    """Kokoro speaks the first sentence as it would alone, Pico the planned one; the
    joined segment WAV holds both, in order, and Whisper base hears both numbers."""
    kokoro, _ = _need("kokoro"), _need("pico")
    plan = {"sentences": {"1": {"spell": "all", "engine": "pico"}}}
    cache = tmp_path / "cache"
    cache.mkdir()
    speak_sentences(TWO, "kokoro", "fr", tmp_path / "seg.wav", 1.0, plan, get_engine, cache)
    first = "Le vélo pèse 58 % du marché."
    alone = cache / f"{cache_key('kokoro', kokoro.voice_id('fr'), 'fr', 1.0, spoken_text(first, 'kokoro', 'fr'))}.wav"
    x, sr = read_wav(alone)
    head = to_rate(x, sr, OUT_RATE)
    seg, seg_sr = read_wav(tmp_path / "seg.wav")
    assert seg_sr == OUT_RATE and len(seg) > len(head) + PIECE_PAUSE_S * OUT_RATE
    assert np.abs(seg[:len(head)] - head).max() < 1e-3, "the unplanned sentence is Kokoro's own rendition"
    heard = _heard(tmp_path / "seg.wav")
    assert [m.status for m in numbers.compare(TWO, heard, "fr")] == ["ok", "ok"], heard
