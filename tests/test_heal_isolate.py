"""Heal's "isolate" strategies: a number the voice says and Whisper writes as a
homophone glued to the word before ("des cent un" -> "descend un"), found on the
French corpus post (tests/corpus/financement-par-projet.fr.md), is won back by a
pause before and after it (pipeline.tts.wording).

The slow test uses real Kokoro (ff_siwis) and real Whisper base, on one sentence.
"""

import pytest

from pipeline import numbers
from pipeline.tts import describe, get_engine
from pipeline.tts.speech import spoken_text
from pipeline.tts.wording import set_apart_numbers

# The corpus post's sentence whose "101" every earlier strategy lost.
LOST = "Nous constatons que 103 projets sont en cours, dont 101 nécessitent une présentation au Conseil du Trésor."


def test_a_pause_before_and_after_each_count_or_time_where_there_is_none():
    # "2 ans" is a quantity (a duration): like an amount, its unit word sets it apart
    assert set_apart_numbers("dont 101 projets, 61 % des 101 et (2 ans) de 5 millions de dollars", "fr") == \
        "dont, 101, projets, 61 % des, 101, et (2 ans) de 5 millions de dollars"
    assert set_apart_numbers("dont 101 projets et 2 autres", "fr") == "dont, 101, projets et, 2, autres"
    assert set_apart_numbers("12 projets. Fin 12", "fr") == "12, projets. Fin, 12", "no pause at an edge"
    assert set_apart_numbers("between 4:30 and 6:30 pm", "en") == "between, 4:30 pm, and, 6:30 pm", \
        "the range's meridiem said on both times"
    assert set_apart_numbers("at 4:30, then 6:30 pm", "en") == "at, 4:30, then, 6:30 pm"


def test_the_isolated_spelling_is_every_number_in_words_each_after_a_pause():
    said = spoken_text(LOST, "kokoro", "fr", spell="isolated")
    assert said == ("Nous constatons que, cent trois, projets sont en cours, dont, cent un, nécessitent "
                    "une présentation au Conseil du Trésor.")
    # the listener hears the same numbers: the comparer reads the spoken form as the script's
    assert [m.status for m in numbers.compare(LOST, said, "fr")] == ["ok", "ok"]


@pytest.mark.long   # Kokoro's French: the meridiem test below isolates in make test
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


@pytest.mark.slow
def test_a_time_in_a_range_is_judged_once_its_meridiem_is_said_on_both_times(tmp_path):
    """Piper says "between four thirty and six thirty p.m." and Whisper base writes it
    right, "between 4.30 and 6.30 pm": the comparer reads the dotted "4.30" as a time
    with the range's meridiem (it was lost in every earlier way when a bare "4.30" was
    a decimal). Isolated, the range's "p.m." is said on both times: heard too."""
    text = "The clinic is open between 4:30 and 6:30 pm on weekdays."
    eng = get_engine("piper")
    if not eng.supports("en"):
        pytest.skip(f"piper cannot speak en here: {describe('piper')}")
    from pipeline.asr import get_engine as asr

    heard = {}
    for spell in ("all", "isolated"):
        wav = tmp_path / f"{spell}.wav"
        eng.synthesize(spoken_text(text, "piper", "en", spell=spell), "en", wav)
        said = asr("faster-whisper", "base").transcribe(wav, "en")["text"]
        heard[spell] = [m.status for m in numbers.compare(text, said, "en")], said
    assert heard["all"][0] == ["ok", "ok"], heard["all"]
    assert heard["isolated"][0] == ["ok", "ok"], heard["isolated"]
