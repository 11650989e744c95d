"""verify() on hand-made timelines and transcripts: statuses, times, sources."""

import hashlib
import json

import yaml

from pipeline.publish.diff import as_terminal, episode_diff
from pipeline.publish.notes import LABELS
from pipeline.publish.package import numbers_lines
from pipeline.publish.terminal import shown, table, verdict
from pipeline.verify import verify_episode

AUDIO = b"not really an mp3: verify only hashes it"


def words_at(text, start, step=0.4):
    out, t = [], start
    for w in text.split():
        out.append({"word": " " + w, "start": round(t, 2), "end": round(t + step - 0.05, 2),
                    "probability": 0.9})
        t += step
    return out


def make_episode(d, points, heard, lang="en"):
    script = {"title": "T", "language": lang, "intro": "Welcome.", "outro": "Bye.",
              "points": [{"title": f"P{i}", "text": t} for i, t in enumerate(points, 1)]}
    (d / "script.yaml").write_text(yaml.safe_dump(script))
    segs, t, words = [], 0.0, []
    texts = ["Welcome."] + points + ["Bye."]
    ids = ["intro"] + [f"point-{i}" for i in range(1, len(points) + 1)] + ["outro"]
    for sid, txt, said in zip(ids, texts, ["Welcome."] + heard + ["Bye."]):
        dur = 0.4 * len(txt.split())
        segs.append({"id": sid, "text": txt, "start": t, "end": t + dur, "engine": "piper"})
        words += words_at(said, t)
        t += dur + 0.6
    (d / "episode.mp3").write_bytes(AUDIO)
    sha = hashlib.sha256(AUDIO).hexdigest()
    (d / "timeline.json").write_text(json.dumps({"tts_engine": "piper", "segments": segs,
                                                 "duration": t, "audio_sha256": sha}))
    (d / "transcript.json").write_text(json.dumps({
        "engine": "faster-whisper", "model": "base", "duration": t, "audio_sha256": sha,
        "segments": [{"start": 0, "end": t, "text": "", "words": words}]}))
    post = {"sentences": [{"id": f"s{i}", "section": 0, "text": p} for i, p in enumerate(points, 1)],
            "lint": []}
    (d / "post.json").write_text(json.dumps(post))
    return verify_episode(d)


def test_all_heard_is_verified_with_times(tmp_path):
    r = make_episode(tmp_path, ["Sales grew 38% in 2024.", "They raised $3.2 billion."],
                     ["Sales grew 38% in 2024.", "They raised 3.2 billion dollars."])
    assert r["verified"] and r["survival"] == 1.0
    assert [n["status"] for n in r["numbers"]] == ["ok", "ok", "ok"]
    first = r["numbers"][0]
    assert first["segment"] == "point-1" and first["heard"] == "38%"
    assert first["start"] < first["end"]
    assert r["numbers"][2]["segment"] == "point-2"
    assert r["numbers"][2]["start"] > r["numbers"][1]["end"]
    assert all(n["source"]["status"] == "sourced" for n in r["numbers"])
    assert json.loads((tmp_path / "verify.json").read_text()) == r


def test_lost_and_changed_numbers_fail_verification(tmp_path):
    r = make_episode(tmp_path, ["Sales grew 38% in 2024.", "They raised $3.2 billion."],
                     ["Sales grew 83% in 2024.", "They raised a lot."])
    statuses = [n["status"] for n in r["numbers"]]
    assert statuses == ["changed", "ok", "lost"]
    assert not r["verified"]
    assert r["survival"] == round(1 / 3, 4)
    lost = r["numbers"][2]
    assert lost["heard"] is None and lost["segment"] == "point-2"


def test_numbers_are_looked_for_in_their_own_segment_only(tmp_path):
    # 2024 is said in point 2, not point 1 where the script has it.
    r = make_episode(tmp_path, ["It began in 2024.", "Nothing else."],
                     ["It began long ago.", "Nothing else in 2024."])
    assert r["numbers"][0]["status"] == "lost"



LOOP = "400," + "000," * 250      # Whisper base on espeak at rate 2.0: one kilobyte of it


def test_a_long_heard_text_is_cut_where_it_is_read(tmp_path):
    """Whisper looped on "400,000,000,...": verify.json keeps the whole text; the verdict,
    make diff and the show notes' table show it cut, with an ellipsis."""
    r = make_episode(tmp_path, ["It must recycle 400,000 of them by 2028. Only 18% are."],
                     [f"It must recycle more than {LOOP}"])
    assert not r["verified"] and "ok" not in {n["status"] for n in r["numbers"]}
    saved = json.loads((tmp_path / "verify.json").read_text())
    assert max(len(n["heard"] or "") for n in saved["numbers"]) > 900     # the whole text stays
    text = verdict(shown(r))
    assert max(len(line) for line in text.splitlines()) < 200 and "…" in text, text
    assert "NOT VERIFIED" in text
    diff = as_terminal(episode_diff(tmp_path), colour=False)       # make diff
    assert "400,000,000,000" in diff and "…" in diff and len(diff) < 400, diff
    notes = numbers_lines(r, LABELS["en"])                          # shownotes.md's table
    assert max(len(line) for line in notes) < 120 and any("…" in line for line in notes)


def with_transcript_text(d):
    """Give the hand-made transcript one Whisper segment per script segment, with its text
    (what compression ratios are measured on), then verify again."""
    transcript = json.loads((d / "transcript.json").read_text())
    timeline = json.loads((d / "timeline.json").read_text())
    words = transcript["segments"][0]["words"]
    segs = []
    for s in timeline["segments"]:
        mine = [w for w in words if s["start"] - 0.25 <= w["start"] < s["end"] + 0.5]
        segs.append({"start": s["start"], "end": s["end"], "text": "".join(w["word"] for w in mine),
                     "words": mine})
    transcript["segments"] = segs
    (d / "transcript.json").write_text(json.dumps(transcript))
    return verify_episode(d)


def test_a_repetition_loop_is_marked_and_said_with_its_numbers(tmp_path):
    """Whisper's own loop signal (compression ratio over 2.4) marks the segment, so the
    reader knows why its numbers are lost or changed; they stay lost and changed."""
    make_episode(tmp_path, ["It must recycle 400,000 of them by 2028. Only 18% are."],
                 [f"It must recycle more than {LOOP}"])
    r = with_transcript_text(tmp_path)
    assert not r["verified"] and "ok" not in {n["status"] for n in r["numbers"]}
    assert [(loop["segment"], loop["chars"] > 1000, loop["compression_ratio"] > 2.4)
            for loop in r["loops"]] == [("point-1", True, True)]
    text = verdict(shown(r))
    problems = [line for line in text.splitlines() if line.startswith(("  lost:", "  changed:"))]
    assert problems and all(line.endswith("in a repetition loop)") for line in problems), text
    assert "repetition loop: Whisper repeated itself in point-1" in text and "transcript.json" in text
    assert "NOT VERIFIED" in text


def test_speech_that_does_not_loop_is_not_marked(tmp_path):
    make_episode(tmp_path, ["Sales grew 38% in 2024.", "They raised $3.2 billion."],
                 ["Sales grew 38% in 2024.", "They raised 3.2 billion dollars."])
    r = with_transcript_text(tmp_path)
    assert r["verified"] and r["loops"] == []
    assert "repetition loop" not in verdict(r)


def test_the_verdict_quotes_every_number_the_same_way():
    """repr() quoted "3,2 milliards d'euros" in double quotes (its apostrophe) and the
    others in single quotes: now every number, heard text and lint flag is in single
    quotes whatever it holds."""
    rows = [{"text": text, "value": "0", "kind": "number", "unit": None, "segment": "point-1", "status": status,
             "heard": heard, "start": 1.0, "end": 2.0}
            for text, status, heard in (("3,2 milliards d'euros", "changed", "1,3 milliards d'euros"),
                                        ("49,2 %", "lost", None), ('the "12" items', "changed", "twelve\n items"))]
    report = {"numbers": rows, "counts": {"ok": 0, "unit-missing": 0, "changed": 2, "lost": 1}, "survival": 0.0,
              "verified": False, "lint": [{"text": "l'an 130", "reason": "a year used as an amount"}]}
    text = verdict(shown(report))
    assert "changed: '3,2 milliards d'euros' in point-1 at 1.0s (heard '1,3 milliards d'euros')" in text, text
    assert "lost: '49,2 %' in point-1 at 1.0s (not heard)" in text, text
    assert "changed: 'the \"12\" items' in point-1 at 1.0s (heard 'twelve items')" in text, text
    assert "    'l'an 130': a year used as an amount" in text, text


def test_units_and_a_changed_unit_s_note_reach_the_reader(tmp_path):
    """verify.json rows carry each number's unit, and a changed unit's note (the unit heard,
    the conversion); `pipeline check`'s table, its verdict and shownotes.md show them."""
    r = make_episode(tmp_path, ["The farm makes 2.5 GW.", "Cars drive at 130 km/h, 12% faster."],
                     ["The farm makes 2.5 gigawatts.", "Cars drive at 80.78 miles per hour, 12% faster."])
    rows = {n["text"]: n for n in json.loads((tmp_path / "verify.json").read_text())["numbers"]}
    assert rows["2.5 GW"]["unit"] == "GW" and rows["2.5 GW"]["status"] == "ok" and "note" not in rows["2.5 GW"]
    changed = rows["130 km/h"]
    assert changed["unit"] == "km/h" and changed["status"] == "changed"
    assert changed["note"] == "130 km/h heard in mph: 130 km/h = 80.78 mph (a conversion)"
    lines = table(shown(r)).splitlines()
    assert lines[0].split() == ["number", "unit", "heard", "status", "time", "segment", "source", "note"]
    gw = next(line for line in lines if line.startswith("2.5 GW"))
    assert gw.split()[2] == "GW" and gw.rstrip().endswith("sourced"), gw
    kmh = next(line for line in lines if line.startswith("130 km/h"))
    assert " km/h " in kmh and kmh.endswith("(a conversion)"), kmh
    assert " %  " in next(line for line in lines if line.startswith("12%"))
    assert "heard '80.78 miles per hour'; 130 km/h heard in mph: 130 km/h = 80.78 mph" in verdict(shown(r))
    md = numbers_lines(r, LABELS["en"])
    assert md[3] == "| Number | Unit | Heard | Status | Time |"
    assert "| 130 km/h | km/h | 80.78 miles per hour | changed: 130 km/h heard in mph: 130 km/h = 80.78 mph " \
           "(a conversion) |" in "\n".join(md)


def test_a_french_episode_says_its_unit_change_and_statuses_in_french(tmp_path):
    """The note is in the episode's language (its show notes are French): "2,5 GW
    entendu en MW", French decimals, and the statuses a French reader reads."""
    r = make_episode(tmp_path, ["Le parc produit 2,5 GW et 12 % de plus."],
                     ["Le parc produit 2,5 mégawatts et 12 % de plus."], lang="fr")
    gw = next(n for n in r["numbers"] if n["text"] == "2,5 GW")
    assert gw["status"] == "changed" and gw["note"] == "2,5 GW entendu en MW : 2,5 GW = 2500 MW", gw
    md = "\n".join(numbers_lines(r, LABELS["fr"]))
    assert "| 2,5 GW | GW | 2,5 mégawatts | changé : 2,5 GW entendu en MW : 2,5 GW = 2500 MW |" in md, md
    assert "| 12 % | % | 12 % | entendu |" in md, md
    assert "changed" not in md and "heard in" not in md


def test_a_table_without_a_changed_unit_has_no_note_column(tmp_path):
    r = make_episode(tmp_path, ["Sales grew 38% in 2024."], ["Sales grew 38% in 2024."])
    head = table(shown(r)).splitlines()[0].split()
    assert head == ["number", "unit", "heard", "status", "time", "segment", "source"]
