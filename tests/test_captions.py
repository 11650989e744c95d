"""Captions: WebVTT, SRT and Podcasting 2.0 JSON built from Whisper word timings.

Every output is parsed back and checked for the properties players rely on.
"""

import html
import json
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.captions import LINE_CHARS, MAX_LINES, captions
from pipeline.errors import InputError

SAMPLE = Path(__file__).resolve().parent / "fixtures" / "episode_sample"
TIMING = {"vtt": re.compile(r"^(\d\d):(\d\d):(\d\d)\.(\d\d\d) --> (\d\d):(\d\d):(\d\d)\.(\d\d\d)$"),
          "srt": re.compile(r"^(\d\d):(\d\d):(\d\d),(\d\d\d) --> (\d\d):(\d\d):(\d\d),(\d\d\d)$")}


def parse(text: str, kind: str) -> list[dict]:
    """A strict reader of what captions() writes: [{start, end, lines}] in seconds."""
    assert text.endswith("\n")
    blocks = text.strip("\n").split("\n\n")
    if kind == "vtt":
        assert blocks[0] == "WEBVTT"
        blocks = blocks[1:]
    cues = []
    for n, block in enumerate(blocks, 1):
        lines = block.split("\n")
        assert lines[0] == str(n), f"cue {n}: id line {lines[0]!r}"
        m = TIMING[kind].match(lines[1])
        assert m, f"cue {n}: bad timing line {lines[1]!r}"
        g = [int(x) for x in m.groups()]
        start = g[0] * 3600 + g[1] * 60 + g[2] + g[3] / 1000
        end = g[4] * 3600 + g[5] * 60 + g[6] + g[7] / 1000
        text_lines = lines[2:]
        assert text_lines and all(line.strip() for line in text_lines), f"cue {n} has an empty line"
        if kind == "vtt":
            assert "<" not in block and ">" not in "\n".join(text_lines), "unescaped markup in VTT"
            text_lines = [html.unescape(line) for line in text_lines]
        cues.append({"start": start, "end": end, "lines": text_lines})
    return cues


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def check_properties(cues: list[dict], words: list[str], duration: float) -> None:
    assert cues or not words
    prev_end = 0.0
    prev_start = -1.0
    for c in cues:
        assert len(c["lines"]) <= MAX_LINES
        assert all(len(line) <= LINE_CHARS for line in c["lines"]), c["lines"]
        assert 0.0 <= c["start"] < c["end"] <= duration + 1e-9, c
        assert c["start"] > prev_start, "start times must strictly increase"
        assert c["start"] >= prev_end - 1e-9, "cues overlap"
        prev_start, prev_end = c["start"], c["end"]
    assert squash("".join("".join(c["lines"]) for c in cues)) == squash("".join(words))


def write_transcript(path: Path, words: list[tuple[str, float, float]], duration: float,
                     per_segment: int = 8) -> Path:
    segs = []
    for i in range(0, len(words), per_segment):
        chunk = words[i:i + per_segment]
        segs.append({"start": chunk[0][1], "end": chunk[-1][2], "text": "".join(w for w, _, _ in chunk),
                     "words": [{"word": w, "start": s, "end": e, "probability": 0.9} for w, s, e in chunk]})
    path.write_text(json.dumps({"language": "en", "engine": "test", "model": "none", "duration": duration,
                                "text": "".join(w for w, _, _ in words), "segments": segs}))
    return path


def outputs(paths: dict) -> tuple[list, list, dict]:
    return (parse(paths["vtt"].read_text(encoding="utf-8"), "vtt"),
            parse(paths["srt"].read_text(encoding="utf-8"), "srt"),
            json.loads(paths["json"].read_text(encoding="utf-8")))


def test_sample_episode_captions(tmp_path):
    paths = captions(SAMPLE / "transcript.json", tmp_path)
    assert set(paths) == {"vtt", "srt", "json"}
    assert {p.name for p in paths.values()} == {"captions.vtt", "captions.srt", "transcript.podcast.json"}
    transcript = json.loads((SAMPLE / "transcript.json").read_text())
    words = [w["word"] for s in transcript["segments"] for w in s["words"]]
    vtt, srt, pj = outputs(paths)
    check_properties(vtt, words, transcript["duration"])
    assert vtt == srt
    assert vtt[0]["lines"][0].startswith("Welcome.")
    # the first cue starts with the first word, the last ends with the last word
    first_word = transcript["segments"][0]["words"][0]
    last_word = transcript["segments"][-1]["words"][-1]
    assert vtt[0]["start"] == pytest.approx(first_word["start"], abs=0.001)
    assert vtt[-1]["end"] == pytest.approx(last_word["end"], abs=0.001)
    # a cue never spans the pause between two segments
    assert all(not (c["start"] < 1.3 < c["end"]) for c in vtt)
    # Podcasting 2.0 JSON: same cues, same text
    assert pj["version"] == "1.0.0"
    assert [(s["startTime"], s["endTime"]) for s in pj["segments"]] == [(c["start"], c["end"]) for c in vtt]
    assert [s["body"] for s in pj["segments"]] == [" ".join(c["lines"]) for c in vtt]
    assert squash("".join(s["body"] for s in pj["segments"])) == squash(transcript["text"])
    assert not list(tmp_path.glob(".*")), "temporary files left behind"


def test_long_text_wraps_in_lines_of_42_and_two_lines_per_cue(tmp_path):
    text = ("Cycling in Paris grew faster than anyone expected, and the city now plans to "
            "double its network of protected lanes before the end of the decade, with a "
            "budget of two hundred and fifty million euros").split()
    words = [(" " + w, i * 0.3, i * 0.3 + 0.25) for i, w in enumerate(text)]
    paths = captions(write_transcript(tmp_path / "t.json", words, 60.0), tmp_path / "out")
    vtt, srt, _ = outputs(paths)
    check_properties(vtt, [w for w, _, _ in words], 60.0)
    assert max(len(c["lines"]) for c in vtt) == 2
    assert max(len(line) for c in vtt for line in c["lines"]) > 30     # lines are actually filled


def test_markup_in_words_is_escaped_in_vtt_and_kept_as_text(tmp_path):
    raw = [" <script>alert(1)</script>", " &amp;", " -->", " <b>bold</b>", " R&D", " a<b"]
    words = [(w, i * 0.5, i * 0.5 + 0.4) for i, w in enumerate(raw)]
    paths = captions(write_transcript(tmp_path / "t.json", words, 10.0), tmp_path)
    vtt_text = paths["vtt"].read_text()
    assert "<script>" not in vtt_text and "&lt;script&gt;" in vtt_text
    assert "-->" not in "\n".join(line for line in vtt_text.splitlines() if " --> " not in line)
    vtt, srt, pj = outputs(paths)          # parse() rejects any '<' or '>' left in VTT text
    check_properties(vtt, raw, 10.0)
    check_properties(srt, raw, 10.0)
    assert squash(" ".join(s["body"] for s in pj["segments"])) == squash("".join(raw))


def test_messy_whisper_timings_are_made_monotonic_and_inside_the_audio(tmp_path):
    words = [(" one", 0.0, 0.0), (" two", 0.0, 0.0), (" three.", 0.5, 0.4),   # zero/negative length
             (" four", 0.3, 0.9), (" five", 2.0, 9.5),                          # overlap, beyond end
             (" six", 9.8, 10.4), (" " + "x" * 100, 9.9, 10.0)]                 # a word longer than a line
    paths = captions(write_transcript(tmp_path / "t.json", words, 10.0), tmp_path)
    vtt, srt, _ = outputs(paths)
    check_properties(vtt, [w for w, _, _ in words], 10.0)
    check_properties(srt, [w for w, _, _ in words], 10.0)


def test_segments_without_word_timings_fall_back_to_even_spreading(tmp_path):
    t = {"language": "en", "duration": 8.0, "text": " Hello there. General Kenobi.",
         "segments": [{"start": 0.5, "end": 2.0, "text": " Hello there."},
                      {"start": 3.0, "end": 5.0, "text": " General Kenobi.", "words": []}]}
    (tmp_path / "t.json").write_text(json.dumps(t))
    vtt, _, _ = outputs(captions(tmp_path / "t.json", tmp_path))
    check_properties(vtt, ["Hello", "there.", "General", "Kenobi."], 8.0)
    assert vtt[0]["start"] == 0.5 and vtt[-1]["end"] == 5.0


def test_empty_transcript_gives_empty_but_valid_files(tmp_path):
    (tmp_path / "t.json").write_text(json.dumps({"duration": 3.0, "text": "", "segments": []}))
    paths = captions(tmp_path / "t.json", tmp_path)
    assert paths["vtt"].read_text() == "WEBVTT\n\n"
    assert json.loads(paths["json"].read_text()) == {"version": "1.0.0", "segments": []}


@pytest.mark.parametrize("content", ["not json", "[]", '{"segments": 3}'])
def test_unusable_transcript_is_an_input_error(tmp_path, content):
    (tmp_path / "t.json").write_text(content)
    with pytest.raises(InputError) as err:
        captions(tmp_path / "t.json", tmp_path)
    assert err.value.fix
    assert not (tmp_path / "captions.vtt").exists()


def test_missing_transcript_is_an_input_error(tmp_path):
    with pytest.raises(InputError):
        captions(tmp_path / "nope.json", tmp_path)


WORD = st.text(alphabet=st.sampled_from("abcdefghijklmnopqrstuvwxyzé.,!?%<>&'\"-0123456789"),
               min_size=1, max_size=60)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(items=st.lists(st.tuples(WORD, st.floats(0, 30), st.floats(0, 3)), min_size=1, max_size=80),
       duration=st.floats(1, 40))
def test_properties_hold_for_any_words_and_timings(tmp_path, items, duration):
    items = sorted(items, key=lambda x: x[1])
    words = [(" " + w, s, s + d) for w, s, d in items]
    paths = captions(write_transcript(tmp_path / "t.json", words, duration), tmp_path / "out")
    vtt, srt, pj = outputs(paths)
    check_properties(vtt, [w for w, _, _ in words], duration)
    check_properties(srt, [w for w, _, _ in words], duration)
    assert len(pj["segments"]) == len(vtt)
