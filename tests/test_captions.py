"""Captions: WebVTT, SRT and Podcasting 2.0 JSON carry the script's words, timed by Whisper.

Every output is parsed back and checked for the properties players rely on,
and for the promise: the numbers listeners read are the script's, verbatim.
"""

import html
import json
import re
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline import numbers
from pipeline.errors import InputError
from pipeline.publish.captions import LINE_CHARS, MAX_LINES, captions

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


def check_properties(cues: list[dict], words: list[str], duration: float, kind: str = "vtt",
                     spans: list[tuple[float, float]] | None = None) -> None:
    """Players' needs, plus: the text is the given words; each cue inside one spoken span."""
    assert cues or not words
    prev_end = 0.0
    prev_start = -1.0
    for c in cues:
        assert len(c["lines"]) <= MAX_LINES
        assert all(len(line) <= LINE_CHARS[kind] for line in c["lines"]), c["lines"]
        assert 0.0 <= c["start"] < c["end"] <= duration + 1e-9, c
        if spans is not None:     # no cue in a pause between segments
            assert any(lo - 1e-3 <= c["start"] and c["end"] <= hi + 1e-3 for lo, hi in spans), c
        assert c["start"] > prev_start, "start times must strictly increase"
        assert c["start"] >= prev_end - 1e-9, "cues overlap"
        prev_start, prev_end = c["start"], c["end"]
    assert squash("".join("".join(c["lines"]) for c in cues)) == squash("".join(words))


def write_episode(d: Path, texts: list[str], heard: list[list[tuple[str, float, float]]],
                  times: list[tuple[float, float]], duration: float, lang: str = "en") -> Path:
    """An episode folder: script (intro, points, outro), timeline, and what Whisper heard."""
    d.mkdir(parents=True, exist_ok=True)
    ids = ["intro"] + [f"point-{i}" for i in range(1, len(texts) - 1)] + ["outro"]
    script = {"title": "T", "language": lang, "intro": texts[0], "outro": texts[-1],
              "points": [{"title": f"P{i}", "text": t} for i, t in enumerate(texts[1:-1], 1)]}
    (d / "script.yaml").write_text(yaml.safe_dump(script, allow_unicode=True))
    segs = [{"id": i, "text": t, "start": s, "end": e} for i, t, (s, e) in zip(ids, texts, times)]
    (d / "timeline.json").write_text(json.dumps({"duration": duration, "segments": segs}))
    words = [{"word": w, "start": s, "end": e, "probability": 0.9} for part in heard for w, s, e in part]
    (d / "transcript.json").write_text(json.dumps({
        "language": lang, "engine": "test", "model": "none", "duration": duration,
        "text": "".join(w["word"] for w in words),
        "segments": [{"start": 0.0, "end": duration, "text": "", "words": words}]}))
    return d


def said(text: str, start: float, step: float = 0.3) -> list[tuple[str, float, float]]:
    return [(" " + w, start + i * step, start + i * step + step - 0.05) for i, w in enumerate(text.split())]


def outputs(paths: dict) -> tuple[list, list, dict]:
    return (parse(paths["vtt"].read_text(encoding="utf-8"), "vtt"),
            parse(paths["srt"].read_text(encoding="utf-8"), "srt"),
            json.loads(paths["json"].read_text(encoding="utf-8")))


def joined(cues: list[dict]) -> str:
    return " ".join(" ".join(c["lines"]) for c in cues)


def test_sample_episode_captions_are_the_scripts_words(tmp_path):
    ep = tmp_path / "sample"
    ep.mkdir()
    for name in ("script.yaml", "timeline.json", "transcript.json"):
        (ep / name).write_bytes((SAMPLE / name).read_bytes())
    paths = captions(ep)
    assert {p.name for p in paths.values()} == {"captions.vtt", "captions.srt", "transcript.podcast.json"}
    script = yaml.safe_load((SAMPLE / "script.yaml").read_text())
    timeline = json.loads((SAMPLE / "timeline.json").read_text())
    texts = [script["intro"]] + [p["text"] for p in script["points"]] + [script["outro"]]
    spans = [(s["start"], s["end"]) for s in timeline["segments"]]
    vtt, srt, pj = outputs(paths)
    for kind, cues in (("vtt", vtt), ("srt", srt)):
        check_properties(cues, texts, timeline["duration"], kind, spans)
    # Whisper heard 108 where the script says 180: listeners read the script's 180
    assert "180 kilometres" in joined(vtt) and "108" not in joined(vtt) + joined(srt)
    # each cue starts with the word Whisper heard at that time
    assert vtt[1]["start"] == pytest.approx(1.6, abs=0.001) and vtt[1]["lines"][0].startswith("Bike")
    # Podcasting 2.0 JSON: the VTT cues, same text
    assert pj["version"] == "1.0.0"
    assert [(s["startTime"], s["endTime"]) for s in pj["segments"]] == [(c["start"], c["end"]) for c in vtt]
    assert [s["body"] for s in pj["segments"]] == [" ".join(c["lines"]) for c in vtt]
    assert not list(ep.glob(".*")), "temporary files left behind"


# The demo's numbers, heard the way Whisper writes them (the cues that broke them before).
DEMO_LIKE = [
    "Welcome. Today: why city bikes finally took off.",
    "The survey counted 1.5 million shared bikes in 120 cities, up from 900,000 two years earlier.",
    "Riders took 412 million trips in 2024, a 38% increase, and cycled 14,800 km of new lanes.",
    "Operators raised $3.2 billion on March 14, 2025, and one bike costs about €1,250.",
    "Thanks for listening.",
]
DEMO_HEARD = [
    "Welcome. Today: why city bikes finally took off.",
    "The survey counted 1 .5 million shared bikes in 120 cities, up from 900 ,000 two years earlier.",
    "Riders took 412 million trips in 2024, a 38 % increase, and cycled 14 ,800 km of new lanes.",
    "Operators raised $3 .2 billion on March 14, 2025, and one bike costs about €1 ,250.",
    "Thanks for listening.",
]


def whisper_like(text: str, start: float, step: float = 0.3) -> list[tuple[str, float, float]]:
    """Whisper's word list: a piece after " ." or " ," comes without a leading space."""
    out, t = [], start
    for w in text.split():
        if w[0] in ".,%" and out:
            out.append((w, t - 0.1, t))
            continue
        out.append((" " + w, t, t + step - 0.05))
        t += step
    return out


def demo_like(d: Path) -> Path:
    times, heard, t = [], [], 0.0
    for spoken in DEMO_HEARD:
        part = whisper_like(spoken, t)
        times.append((t, part[-1][2] + 0.05))
        heard.append(part)
        t = times[-1][1] + 0.6
    # a hallucination in the last pause, as Whisper does in silence
    heard.insert(-1, [(" I'm sorry.", times[-2][1] + 0.1 + i * 0.01, times[-2][1] + 0.11 + i * 0.01)
                      for i in range(20)])
    return write_episode(d, DEMO_LIKE, heard, times, t + 1.0)


def test_every_script_number_reaches_captions_verbatim(tmp_path):
    ep = demo_like(tmp_path / "demo")
    timeline = json.loads((ep / "timeline.json").read_text())
    spans = [(s["start"], s["end"]) for s in timeline["segments"]]
    vtt, srt, pj = outputs(captions(ep))
    for kind, cues in (("vtt", vtt), ("srt", srt)):
        check_properties(cues, DEMO_LIKE, timeline["duration"], kind, spans)
    body = " ".join(s["body"] for s in pj["segments"])
    mentions = [m.text for text in DEMO_LIKE for m in numbers.extract(text, "en")]
    assert {"1.5 million", "900,000", "14,800 km", "$3.2 billion", "€1,250"} <= set(mentions)
    for text in mentions:
        # verbatim in each file, and never broken across two cues or two lines
        assert any(text in line for c in vtt for line in c["lines"]), (text, "vtt")
        assert any(text in line for c in srt for line in c["lines"]), (text, "srt")
        assert text in body
    assert "14,800 km" in joined(srt).replace("\n", " ")
    assert "sorry" not in joined(vtt) + joined(srt) + body


def test_a_number_is_never_split_and_stays_with_its_unit(tmp_path):
    texts = ["Hi.", "x" * 25 + " 1.5 million and then 14,800 km and 3 new routes.", "Bye."]
    ep = write_episode(tmp_path / "e", texts, [said(t, i * 10.0) for i, t in enumerate(texts)],
                       [(i * 10.0, i * 10.0 + 6.0) for i in range(3)], 30.0)
    _, srt, _ = outputs(captions(ep))
    lines = [line for c in srt for line in c["lines"]]
    assert "1.5 million" in " ".join(lines)
    assert any("1.5 million" in line for line in lines), lines
    assert any("14,800 km" in line for line in lines), lines
    assert any("3 new" in line for line in lines), lines


def test_french_numbers_keep_their_non_breaking_spaces(tmp_path):
    texts = ["Bonjour.", "Le réseau compte 1\u00a0500\u00a0km de pistes, soit 95\u202f% de plus.", "Au revoir."]
    heard = ["Bonjour.", "Le réseau compte 1 500 km de pistes, soit 95 % de plus.", "Au revoir."]
    ep = write_episode(tmp_path / "e", texts, [said(t, i * 10.0) for i, t in enumerate(heard)],
                       [(i * 10.0, i * 10.0 + 6.0) for i in range(3)], 30.0, lang="fr")
    vtt, srt, pj = outputs(captions(ep))
    for cues in (vtt, srt):
        assert any("1\u00a0500\u00a0km" in line for c in cues for line in c["lines"])
        assert any("95\u202f%" in line for c in cues for line in c["lines"])


def test_a_segment_never_spoken_gets_no_cue_and_unheard_words_are_spread_inside(tmp_path):
    texts = ["Hello there.", "This point was spoken but Whisper heard nothing.", "Bye now."]
    ep = write_episode(tmp_path / "e", texts, [said(texts[0], 0.0), [], said(texts[2], 8.0)],
                       [(0.0, 0.6), (1.2, 7.0), (8.0, 8.6)], 9.0)
    timeline = json.loads((ep / "timeline.json").read_text())
    timeline["segments"] = [s for s in timeline["segments"] if s["id"] != "outro"]
    (ep / "timeline.json").write_text(json.dumps(timeline))
    vtt, _, _ = outputs(captions(ep))
    assert "Bye" not in joined(vtt)
    middle = [c for c in vtt if "Whisper" in " ".join(c["lines"]) or "point" in " ".join(c["lines"])]
    assert middle and all(1.2 - 1e-3 <= c["start"] and c["end"] <= 7.0 + 1e-3 for c in middle)
    check_properties(vtt, texts[:2], 9.0, "vtt", [(0.0, 0.6), (1.2, 7.0)])


def test_long_text_wraps_in_lines_of_42_and_two_lines_per_cue(tmp_path):
    long = ("Cycling in Paris grew faster than anyone expected, and the city now plans to "
            "double its network of protected lanes before the end of the decade, with a "
            "budget of two hundred and fifty million euros")
    texts = ["Hi.", long, "Bye."]
    ep = write_episode(tmp_path / "e", texts, [said(texts[0], 0.0), said(long, 1.0), said("Bye.", 20.0)],
                       [(0.0, 0.3), (1.0, 1.0 + 0.3 * len(long.split())), (20.0, 20.3)], 21.0)
    vtt, srt, _ = outputs(captions(ep))
    check_properties(vtt, texts, 21.0, "vtt")
    check_properties(srt, texts, 21.0, "srt")
    assert max(len(c["lines"]) for c in vtt) == 2
    assert max(len(line) for c in vtt for line in c["lines"]) > 32     # VTT lines really are longer
    assert max(len(line) for c in srt for line in c["lines"]) <= 32


def test_markup_in_the_script_is_escaped_in_vtt_and_kept_as_text(tmp_path):
    raw = "<script>alert(1)</script> &amp; --> <b>bold</b> R&D a<b"
    texts = ["Hi.", raw, "Bye."]
    ep = write_episode(tmp_path / "e", texts, [said(t, i * 5.0) for i, t in enumerate(texts)],
                       [(i * 5.0, i * 5.0 + 2.5) for i in range(3)], 15.0)
    paths = captions(ep)
    vtt_text = paths["vtt"].read_text()
    assert "<script>" not in vtt_text and "&lt;script&gt;" in vtt_text
    assert "-->" not in "\n".join(line for line in vtt_text.splitlines() if " --> " not in line)
    vtt, srt, pj = outputs(paths)          # parse() rejects any '<' or '>' left in VTT text
    check_properties(vtt, texts, 15.0, "vtt")
    check_properties(srt, texts, 15.0, "srt")
    assert squash(" ".join(s["body"] for s in pj["segments"])) == squash("".join(texts))


def test_messy_whisper_timings_are_made_monotonic_and_inside_the_audio(tmp_path):
    texts = ["one two three.", "four five six " + "x" * 100, "seven."]
    heard = [[(" one", 0.0, 0.0), (" two", 0.0, 0.0), (" three.", 0.5, 0.4)],
             [(" four", 0.3, 0.9), (" five", 2.0, 9.5), (" six", 9.8, 10.4)], []]
    ep = write_episode(tmp_path / "e", texts, heard, [(0.0, 1.0), (1.5, 9.0), (9.5, 10.5)], 10.0)
    vtt, srt, _ = outputs(captions(ep))
    check_properties(vtt, texts, 10.0, "vtt")
    check_properties(srt, texts, 10.0, "srt")


@pytest.mark.parametrize("content", ["not json", "[]", '{"segments": 3}'])
def test_unusable_transcript_is_an_input_error(tmp_path, content):
    ep = write_episode(tmp_path / "e", ["a.", "b.", "c."], [[], [], []], [(0, 1), (2, 3), (4, 5)], 6.0)
    (ep / "transcript.json").write_text(content)
    with pytest.raises(InputError) as err:
        captions(ep)
    assert err.value.fix
    assert not (ep / "captions.vtt").exists()


def test_missing_transcript_is_an_input_error(tmp_path):
    ep = write_episode(tmp_path / "e", ["a.", "b.", "c."], [[], [], []], [(0, 1), (2, 3), (4, 5)], 6.0)
    (ep / "transcript.json").unlink()
    with pytest.raises(InputError):
        captions(ep)


WORD = st.text(alphabet=st.sampled_from("abcdefghijklmnopqrstuvwxyzé.,!?%<>&'\"-0123456789"),
               min_size=1, max_size=60)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(script=st.lists(st.lists(WORD, min_size=1, max_size=25), min_size=3, max_size=6),
       heard=st.lists(st.tuples(WORD, st.floats(0, 30), st.floats(0, 3)), max_size=80),
       gaps=st.lists(st.floats(0.1, 3), min_size=12, max_size=12))
def test_properties_hold_for_any_script_and_heard_words(tmp_path, script, heard, gaps):
    texts = [" ".join(words) for words in script]
    times, t = [], 0.0
    for i, words in enumerate(script):
        times.append((t, t + gaps[i] * len(words) / 3 + 0.1))
        t = times[-1][1] + gaps[-1 - i]
    words = sorted(((" " + w, s, s + d) for w, s, d in heard), key=lambda x: x[1])
    ep = write_episode(tmp_path / "e", texts, [words], times, t)
    vtt, srt, pj = outputs(captions(ep))
    check_properties(vtt, texts, t, "vtt", times)
    check_properties(srt, texts, t, "srt", times)
    assert len(pj["segments"]) == len(vtt)
