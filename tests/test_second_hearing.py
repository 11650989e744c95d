"""The second hearing (pipeline.verify.second_hearing): a failing number's sentence heard again
alone, counted only when that hearing holds its exact value inside the sentence's window.

The fast tests cover where a sentence lies (words aligned to the script, cut at the
longest pause) and the judging, with words as Whisper gives them and a stand-in hearer;
the slow ones use real Kokoro and real Whisper base (the promise: blind, and a number
said otherwise is never rescued).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline import numbers
from pipeline.verify import check_segment, heard_in
from pipeline.verify.second_hearing import PAD_S, Window, recheck, sentence_labels, sentence_windows

TEXT = "Nous avons 12 projets. Dont 101 sont finis. Le reste attend."


def timed(tokens: list[str], start: float = 10.0, step: float = 0.3, pauses: dict[int, float] | None = None):
    """Words as Whisper gives them: leading space, times; a pause before word i of `pauses`."""
    out, t = [], start
    for i, tok in enumerate(tokens):
        t += (pauses or {}).get(i, 0.0)
        out.append({"word": " " + tok, "start": round(t, 3), "end": round(t + step - 0.05, 3), "probability": 0.9})
        t += step
    return out


HEARD = "Nous avons 12 projets. Dont sans un sont finis. Le reste attend.".split()
# a voice pauses between sentences: 0.6 s before "Dont" (4) and "Le" (9); 0.2 s inside one
WORDS = timed(HEARD, pauses={4: 0.6, 6: 0.2, 9: 0.6})


def test_each_heard_word_is_labelled_with_its_script_sentence_and_a_mishearing_with_none():
    assert sentence_labels(TEXT, "fr", WORDS) == [0, 0, 0, 0, 1, None, None, 1, 1, 2, 2, 2]


def test_a_sentence_window_is_cut_in_the_middle_of_the_longest_pause_around_it():
    wins = sentence_windows(TEXT, "fr", WORDS, 9.5, 20.0)
    assert len(wins) == 3 and all(wins)
    # "projets." ends at 10.0 + 3 * 0.3 + 0.25 = 11.15; "Dont" starts at 11.2 + 0.6 = 11.8
    assert wins[0] == Window(9.5, pytest.approx((11.15 + 11.8) / 2))
    assert wins[1].start == wins[0].end
    # the cut after sentence 1 is the 0.6 s pause before "Le", not the 0.2 s one inside it
    le = WORDS[9]
    assert wins[1].end == pytest.approx((WORDS[8]["end"] + le["start"]) / 2)
    assert wins[2] == Window(wins[1].end, 20.0)
    # the clip reaches PAD_S past the window, never past the segment
    assert wins[1].clip(9.5, 20.0) == pytest.approx((wins[1].start - PAD_S, wins[1].end + PAD_S))
    assert wins[0].clip(9.5, 20.0)[0] == 9.5


def test_a_sentence_none_of_whose_words_was_heard_has_no_window():
    heard = timed("Nous avons 12 projets. Le reste attend.".split(), pauses={4: 0.6})
    wins = sentence_windows(TEXT, "fr", heard, 9.5, 20.0)
    assert wins[1] is None and wins[0] is not None and wins[2] is not None


class Clips:
    """A stand-in for second_hearing.Hearer: the words it 'hears' in a clip are given."""

    def __init__(self, words):
        self.words, self.asked = words, []

    def pauses(self, lo, hi):
        return []

    def hear(self, lo, hi):
        self.asked.append((lo, hi))
        return [w for w in self.words if lo <= (w["start"] + w["end"]) / 2 < hi]


def rows_of(words, lo=9.5, hi=20.0):
    seg = {"id": "point-1", "title": "P", "text": TEXT, "start": lo, "end": hi}
    return check_segment(seg, heard_in(words, lo, hi), "fr", None)


def test_a_number_heard_with_its_exact_value_in_its_sentence_alone_counts_and_says_so():
    rows = rows_of(WORDS)
    assert [r["status"] for r in rows] == ["ok", "lost"]
    alone = timed("Dont 101 sont finis.".split(), start=11.8)
    clips = Clips(alone)
    recheck(TEXT, rows, WORDS, 9.5, 20.0, "fr", clips)  # type: ignore[arg-type]
    assert len(clips.asked) == 1, "only the failing number's sentence is heard again"
    lo, hi = clips.asked[0]
    assert lo < 11.8 and hi < WORDS[9]["start"], "the clip is that sentence, not its neighbours"
    assert rows[0].get("second_hearing") is None
    assert rows[1]["status"] == "ok" and rows[1]["heard"] == "101"
    second = rows[1]["second_hearing"]
    assert second["counted"] is True and second["text"] == "Dont 101 sont finis."
    assert second["first"] == {"status": "lost", "heard": None}


@pytest.mark.parametrize("said", ["Dont 102 sont finis.", "Dont sans un sont finis.", "Dont 101,5 sont finis."])
def test_another_value_heard_alone_is_not_counted(said):
    rows = rows_of(WORDS)
    recheck(TEXT, rows, WORDS, 9.5, 20.0, "fr", Clips(timed(said.split(), start=11.8)))  # type: ignore[arg-type]
    assert rows[1]["status"] == "lost", rows[1]
    assert rows[1]["second_hearing"]["counted"] is False


def test_the_value_must_be_heard_inside_the_sentence_s_window_not_in_the_padding():
    rows = rows_of(WORDS)
    wins = sentence_windows(TEXT, "fr", WORDS, 9.5, 20.0)
    late = wins[1].end + PAD_S / 2        # inside the clip, outside the window
    alone = timed("Dont sont finis.".split(), start=11.8) + [
        {"word": " 101", "start": late - 0.02, "end": late + 0.02, "probability": 0.9}]
    recheck(TEXT, rows, WORDS, 9.5, 20.0, "fr", Clips(alone))  # type: ignore[arg-type]
    assert rows[1]["status"] == "lost" and rows[1]["second_hearing"]["heard"] == "101"
    assert rows[1]["second_hearing"]["counted"] is False


def test_nothing_is_heard_again_when_no_number_failed():
    words = timed("Nous avons 12 projets. Dont 101 sont finis. Le reste attend.".split(), pauses={4: 0.6})
    rows = rows_of(words)
    clips = Clips(words)
    recheck(TEXT, rows, words, 9.5, 20.0, "fr", clips)  # type: ignore[arg-type]
    assert clips.asked == [] and [r["status"] for r in rows] == ["ok", "ok"]
    assert [m.status for m in numbers.compare(TEXT, " ".join(w["word"] for w in words), "fr")] == ["ok", "ok"]


def test_the_reader_is_told_which_numbers_only_the_second_hearing_heard():
    from pipeline.publish.diff import as_terminal, diff_segment, second_hearings
    from pipeline.publish.terminal import table, verdict

    rows = rows_of(WORDS)
    recheck(TEXT, rows, WORDS, 9.5, 20.0, "fr", Clips(timed("Dont 101 sont finis.".split(), start=11.8)))  # type: ignore[arg-type]
    report = {"counts": {"ok": 2, "unit-missing": 0, "changed": 0, "lost": 0}, "survival": 1.0, "verified": True,
              "numbers": rows, "tts_engine": "kokoro", "asr_engine": "faster-whisper",
              "second_hearing": {"sentences": 1, "cached": 0, "counted": 1, "cpu_seconds": 1.84}}
    said = verdict(report)  # type: ignore[arg-type]
    assert "ok on a second hearing: '101' in point-1" in said and "(first lost, not heard)" in said
    assert "sentences heard again alone 1 (0 cached), numbers counted 1, 1.8 CPU-s" in said
    assert "101 (2nd hearing)" in table(report)  # type: ignore[arg-type]
    seg = {"id": "point-1", "title": "P", "text": TEXT, "second": second_hearings(rows)}  # type: ignore[arg-type]
    shown = as_terminal([(seg, diff_segment(TEXT, " ".join(HEARD), []))], colour=False)
    assert "the sentence alone: Dont 101 sont finis. (counted: 101)" in shown


class _SaysRaised:
    """A stand-in engine, registered for the wiring test: whatever clip it is given, it
    hears "They raised 3.2 billion dollars." spread over the clip."""

    name, model, model_path, concurrent = "says-raised", "base", Path("/nonexistent"), False
    heard: list = []

    def __init__(self, model="base"):
        self.model = model

    def transcribe(self, audio, language):
        from pipeline.asr import build_transcript
        from pipeline.audio.ffmpeg import duration_s

        length = duration_s(audio)
        _SaysRaised.heard.append(round(length, 2))
        return build_transcript(self.name, self.model, language, length, [
            {"start": 0.0, "end": length, "text": " They raised 3.2 billion dollars.",
             "words": timed("They raised 3.2 billion dollars.".split(), start=0.1, step=(length - 0.2) / 5)}])


def wired_episode(d: Path, heard_sha: str | None = None) -> dict:
    """One point of two sentences whose "$3.2 billion" the first hearing lost, over real
    (silent) audio; the transcript made by the stand-in engine."""
    import hashlib
    import json

    import numpy as np
    import yaml

    from pipeline.audio.wav import write_wav
    from pipeline.verify import verify_episode

    text = "Sales grew 38% in 2024. They raised $3.2 billion."
    (d / "script.yaml").write_text(yaml.safe_dump({"title": "T", "language": "en",
                                                   "points": [{"title": "P", "text": text}]}))
    write_wav(d / "episode.mp3", np.zeros(16000 * 6, "<i2").tobytes(), 16000)   # a WAV: ffmpeg reads it
    sha = hashlib.sha256((d / "episode.mp3").read_bytes()).hexdigest()
    words = timed("Sales grew 38% in 2024.".split(), start=0.2) + timed("They raised a lot.".split(), start=2.5)
    (d / "timeline.json").write_text(json.dumps({"tts_engine": "piper", "duration": 6.0, "audio_sha256": sha,
                                                 "segments": [{"id": "point-1", "text": text, "start": 0.1,
                                                               "end": 5.9}]}))
    (d / "transcript.json").write_text(json.dumps({
        "engine": "says-raised", "model": "base", "language": "en", "duration": 6.0,
        "audio_sha256": heard_sha or sha, "segments": [{"start": 0, "end": 6.0, "text": "", "words": words}]}))
    return verify_episode(d)


def test_verify_hears_a_failing_sentence_again_with_the_transcript_s_engine(tmp_path, isolated_cache,
                                                                             monkeypatch):
    from pipeline import asr

    monkeypatch.setitem(asr.REGISTRY._factories, "says-raised", _SaysRaised)
    _SaysRaised.heard = []
    report = wired_episode(tmp_path)
    assert [r["status"] for r in report["numbers"]] == ["ok", "ok", "ok"] and report["verified"]
    assert report["numbers"][2]["second_hearing"]["first"] == {"status": "lost", "heard": None}
    assert report["second_hearing"]["sentences"] == 1 and report["second_hearing"]["counted"] == 1
    # the second sentence alone: from the middle of the pause before "They" (less PAD_S) to the end
    assert _SaysRaised.heard == [pytest.approx(6.0 - ((1.65 + 2.5) / 2 - PAD_S), abs=0.02)]
    assert wired_episode(tmp_path)["second_hearing"]["cached"] == 1 and len(_SaysRaised.heard) == 1
    # a transcript heard from other audio: nothing is heard again (and the verdict says why)
    other = wired_episode(tmp_path, heard_sha="0" * 64)
    assert "second_hearing" not in other and other["numbers"][2]["status"] == "lost" and not other["verified"]


# ------------------------------------------------------------------ real voices, real Whisper

FIXTURES = Path(__file__).parent / "fixtures" / "second_hearing"
# point-5 of the demo post (episodes/demo.md) built by Pico at 6 minutes: the piece of
# episode.mp3 that Whisper heard for that segment, byte for byte.
CLAIMS = ("In American cities a ride is closer to $3.75. Even at those prices, only 3 operators out of "
          "the 10 largest reported a profit last year. Insurance is a growing line in every budget. "
          "Claims rose to 14,800 in 2024, most of them for minor falls, and premiums went up by 12.5% on average.")


def first_and_second(audio: Path, text: str, lang: str, cache: Path):
    """The segment heard whole (its rows), then its failing sentences heard again alone."""
    from pipeline.asr import get_engine as asr
    from pipeline.verify import words_in
    from pipeline.verify.second_hearing import Hearer

    heard = asr("faster-whisper", "base").transcribe(audio, lang)
    words = [w for s in heard["segments"] for w in s["words"]]
    lo, hi = 0.0, heard["duration"]
    seg = {"id": "point-1", "title": "P", "text": text, "start": lo, "end": hi}
    rows = check_segment(seg, heard_in(words, lo, hi), lang, None)
    first = [(r["status"], r["heard"]) for r in rows]
    hearer = Hearer(audio, "faster-whisper", "base", lang, cache)
    recheck(text, rows, words_in(words, lo, hi), lo, hi, lang, hearer)
    return first, rows, hearer


@pytest.mark.slow
def test_a_number_said_and_misheard_in_its_segment_is_heard_in_its_sentence_alone(tmp_path):
    """Whisper base, hearing Pico's whole segment, glues "14,800 in 2024" into
    "14,802,024"; its sentence heard alone is written "14,800 in 2024"."""
    first, rows, hearer = first_and_second(FIXTURES / "claims-14800.pico.en.mp3", CLAIMS, "en", tmp_path)
    assert first[3:5] == [("lost", None), ("changed", "14,802,024")], first
    assert [r["status"] for r in rows] == ["ok"] * 6
    assert [r["second_hearing"]["counted"] for r in rows[3:5]] == [True, True]
    assert rows[3]["second_hearing"]["text"].endswith("rose to 14,800 in 2024, most of them for minor falls, "
                                                      "and premiums went up by 12.5% on average.")
    assert hearer.clips == 1 and hearer.cached == 0
    # heard again: the clip's words come from the cache, keyed by its samples
    again, rows2, hearer2 = first_and_second(FIXTURES / "claims-14800.pico.en.mp3", CLAIMS, "en", tmp_path)
    assert (hearer2.clips, hearer2.cached) == (1, 1) and rows2 == rows


@pytest.mark.slow
def test_no_number_of_a_real_segment_passes_when_the_script_says_another(tmp_path):
    """The script's numbers mutated one at a time (last digit + 1) against the real audio of
    the Pico fixture: every one fails the first hearing, is heard again, and is not counted."""
    import re

    from pipeline.asr import get_engine as asr
    from pipeline.verify import words_in
    from pipeline.verify.second_hearing import Hearer

    audio = FIXTURES / "claims-14800.pico.en.mp3"
    heard = asr("faster-whisper", "base").transcribe(audio, "en")
    words, hi = [w for s in heard["segments"] for w in s["words"]], heard["duration"]
    hearer = Hearer(audio, "faster-whisper", "base", "en", tmp_path)
    mentions = numbers.extract(CLAIMS, "en")
    for k, m in enumerate(mentions):
        digit = list(re.finditer(r"\d", m.text))[-1]
        said = m.text[:digit.start()] + str((int(digit.group()) + 1) % 10) + m.text[digit.end():]
        text = CLAIMS[:m.start] + said + CLAIMS[m.end:]
        rows = check_segment({"id": "p", "title": "P", "text": text, "start": 0.0, "end": hi},
                             heard_in(words, 0.0, hi), "en", None)
        recheck(text, rows, words_in(words, 0.0, hi), 0.0, hi, "en", hearer)
        assert rows[k]["status"] in ("lost", "changed") and rows[k]["second_hearing"]["counted"] is False, rows[k]
    assert hearer.clips - hearer.cached <= 4, "each of the 4 sentences is heard once, then comes from the cache"


MUTATED = [
    # (engine, language, the script, what the voice is made to say)
    ("piper", "en", "Insurance is a growing line in every budget. Claims rose to 14,800 in 2024, most of them "
     "for minor falls.", "Insurance is a growing line in every budget. Claims rose to 14,900 in 2024, most of "
     "them for minor falls."),
    # the script's value is said, but in the sentence before: it must not count for this one
    ("piper", "en", "Only 40 operators reported a profit last year. Another 40 reported a loss.",
     "Only 40 operators reported a profit last year. Another 30 reported a loss."),
    ("kokoro", "fr", "Le budget total atteint 29 millions de dollars. L'équipe compte 26 personnes depuis le "
     "début du projet.", "Le budget total atteint 29 millions de dollars. L'équipe compte 36 personnes depuis "
     "le début du projet."),
]


@pytest.mark.slow
@pytest.mark.parametrize("engine,lang,script,said", [   # kokoro-fr: make test-long
    pytest.param(*m, id=i, marks=[pytest.mark.long] if i == "kokoro-fr" else [])
    for m, i in zip(MUTATED, ["other-value", "value-next-door", "kokoro-fr"], strict=True)])
def test_a_number_the_voice_said_otherwise_is_never_rescued_by_the_second_hearing(tmp_path, engine, lang,
                                                                                 script, said):
    from pipeline.tts import describe, get_engine
    from pipeline.tts.speech import spoken_text

    voice = get_engine(engine)
    if not voice.supports(lang):
        pytest.skip(f"{engine} cannot speak {lang} here: {describe(engine)}")
    wav = tmp_path / "said.wav"
    voice.synthesize(spoken_text(said, engine, lang), lang, wav)
    first, rows, hearer = first_and_second(wav, script, lang, tmp_path / "cache")
    changed = [i for i, (a, b) in enumerate(zip(numbers.extract(script, lang), numbers.extract(said, lang)))
               if a.value != b.value]
    assert len(changed) == 1 and first[changed[0]][0] in ("lost", "changed"), first
    row = rows[changed[0]]
    assert hearer.clips == 1 and "second_hearing" in row, "the failing sentence was heard again"
    assert row["second_hearing"]["counted"] is False and row["status"] in ("lost", "changed"), row
    assert [r["status"] for i, r in enumerate(rows) if i != changed[0]] == ["ok"] * (len(rows) - 1), rows
