"""A short post built into a real MP3 with an offline voice, heard by real Whisper."""

import json
import subprocess
import sys

import pytest
from mutagen.mp3 import MP3

from pipeline import contracts

from .conftest import ROOT
from .test_contracts import assert_follows

POST = """# Small numbers, big trip

## The journey
The ferry carried 1,250 passengers in 2024. Tickets cost $45 each.

## The result
Sales rose by 12% compared with the year before, and the company expects
3 new routes next summer.
"""


@pytest.mark.slow
def test_build_offline_end_to_end(tmp_path):
    src = tmp_path / "trip.md"
    src.write_text(POST)
    out = tmp_path / "ep"
    r = subprocess.run([sys.executable, "-m", "pipeline", "build", str(src), "--out", str(out),
                        "--tts", "piper"], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stdout + r.stderr
    for name in ("post.json", "script.yaml", "episode.mp3", "timeline.json", "transcript.json",
                 "verify.json", "shownotes.md"):
        assert (out / name).stat().st_size > 0, name
    audio = MP3(out / "episode.mp3")
    assert audio.info.length > 5
    report = json.loads((out / "verify.json").read_text())
    assert report["tts_engine"] == "piper" and report["asr_engine"] == "faster-whisper"
    values = [n["value"] for n in report["numbers"]]
    assert {"1250", "2024", "45", "12", "3"} <= set(values)
    assert report["survival"] == 1.0 and report["verified"]
    for n in report["numbers"]:
        assert 0 <= n["start"] <= n["end"] <= audio.info.length + 0.5
        assert n["segment"].startswith("point-")
    notes = (out / "shownotes.md").read_text()
    assert "Small numbers, big trip" in notes and "1,250" in notes
    assert "VERIFIED" in r.stdout
    assert_captions_carry_the_script_numbers(out, audio.info.length)
    for name, contract in (("timeline.json", contracts.Timeline), ("transcript.json", contracts.Transcript),
                           ("verify.json", contracts.Report)):
        assert_follows(json.loads((out / name).read_text()), contract)   # the stage contracts hold

    # the verdict belongs to these files: a number edited afterwards makes the episode stale
    check = [sys.executable, "-m", "pipeline", "check", str(out), "--brief"]
    assert subprocess.run(check, cwd=ROOT, capture_output=True).returncode == 0
    script = out / "script.yaml"
    script.write_text(script.read_text().replace("1,250", "1,350"))
    r = subprocess.run(check, cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 1 and "script.yaml changed" in r.stdout, r.stdout


def assert_captions_carry_the_script_numbers(out, duration):
    """Listeners read the script's numbers, verbatim, in cues inside the audio."""
    import yaml

    from pipeline import numbers
    script = yaml.safe_load((out / "script.yaml").read_text())
    texts = [script.get("intro") or "", *(p["text"] for p in script["points"]), script.get("outro") or ""]
    mentions = [m.text for t in texts for m in numbers.extract(t, script["language"])]
    vtt = (out / "captions.vtt").read_text()
    srt_lines = (out / "captions.srt").read_text().splitlines()
    body = [s["body"] for s in json.loads((out / "transcript.podcast.json").read_text())["segments"]]
    assert "1,250" in mentions
    for m in mentions:
        assert m in vtt and any(m in line for line in srt_lines) and any(m in b for b in body), m
    starts = [s["startTime"] for s in json.loads((out / "transcript.podcast.json").read_text())["segments"]]
    assert starts == sorted(starts) and starts[0] >= 0
    ends = [s["endTime"] for s in json.loads((out / "transcript.podcast.json").read_text())["segments"]]
    assert max(ends) <= duration + 0.05
