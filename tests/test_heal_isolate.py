"""Heal's "isolate" strategies: a number the voice says and Whisper writes as a
homophone glued to the word before ("des cent un" -> "descend un"), found on the
French corpus post (tests/corpus/financement-par-projet.fr.md), is won back by a
pause before and after it (pipeline.heal.wording).

The slow test uses real Kokoro (ff_siwis) and real Whisper base, on one sentence.
"""

import pytest

from pipeline import numbers
from pipeline.heal.wording import set_apart_numbers
from pipeline.tts import describe, get_engine
from pipeline.tts.speech import spoken_text

# The corpus post's sentence whose "101" every earlier strategy lost.
LOST = "Nous constatons que 103 projets sont en cours, dont 101 nécessitent une présentation au Conseil du Trésor."


def test_a_pause_before_and_after_each_count_or_time_where_there_is_none():
    assert set_apart_numbers("dont 101 projets, 61 % des 101 et (2 ans) de 5 millions de dollars", "fr") == \
        "dont, 101, projets, 61 % des, 101, et (2, ans) de 5 millions de dollars"
    assert set_apart_numbers("12 projets. Fin 12", "fr") == "12, projets. Fin, 12", "no pause at an edge"
    assert set_apart_numbers("between 4:30 and 6:30 pm", "en") == "between, 4:30, and, 6:30 pm"


def test_the_isolated_spelling_is_every_number_in_words_each_after_a_pause():
    said = spoken_text(LOST, "kokoro", "fr", spell="isolated")
    assert said == ("Nous constatons que, cent trois, projets sont en cours, dont, cent un, nécessitent "
                    "une présentation au Conseil du Trésor.")
    # the listener hears the same numbers: the comparer reads the spoken form as the script's
    assert [m.status for m in numbers.compare(LOST, said, "fr")] == ["ok", "ok"]


@pytest.mark.slow
def test_kokoro_s_lost_101_is_heard_once_isolated(tmp_path):
    """As first spoken (and spelled out, reworded, slower, by Pico) Whisper base
    writes "dont sans un": lost. Isolated, it writes the number."""
    eng = get_engine("kokoro")
    if not eng.supports("fr"):
        pytest.skip(f"kokoro cannot speak fr here: {describe('kokoro')}")
    from pipeline.asr import get_engine as asr

    heard = {}
    for spell in (None, "isolated"):
        wav = tmp_path / f"{spell}.wav"
        eng.synthesize(spoken_text(LOST, "kokoro", "fr", spell=spell), "fr", wav)
        text = asr("faster-whisper", "base").transcribe(wav, "fr")["text"]
        heard[spell] = [m.status for m in numbers.compare(LOST, text, "fr")], text
    assert heard[None][0][1] != "ok", f"Kokoro's 101 was heard as first spoken: {heard[None]}"
    assert heard["isolated"][0] == ["ok", "ok"], heard["isolated"]
