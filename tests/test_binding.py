"""A verdict belongs to the exact files it checked (issue 11, section 1).

The three tampering cases of the issue, each ending not verified with a message
naming what changed: a number edited in script.yaml after the build (check,
publish, feed), episode.mp3 replaced or truncated (check, then verify again),
a segment removed from timeline.json (verify).
"""

import json
import subprocess
import sys

import pytest
import yaml

from pipeline.verify import binding_status, verify_episode

from .conftest import ROOT
from .test_verify import make_episode

POINTS = ["The ferry carried 1,250 passengers in 2024.", "Tickets cost $45 each."]


@pytest.fixture
def built(tmp_path):
    """A verified episode in episodes/trip, built from episodes/trip.md."""
    episodes = tmp_path / "episodes"
    ep = episodes / "trip"
    ep.mkdir(parents=True)
    r = make_episode(ep, POINTS, POINTS)
    assert r["verified"], r
    source = episodes / "trip.md"
    source.write_text("# Trip\n\n" + " ".join(POINTS) + "\n")
    post = json.loads((ep / "post.json").read_text())
    (ep / "post.json").write_text(json.dumps({**post, "source": str(source), "title": "Trip"}))
    report = verify_episode(ep)
    assert report["verified"] and binding_status(ep).fresh
    assert set(report["inputs"]) == {"post.json", "script.yaml", "timeline.json", "transcript.json",
                                     "episode.mp3", "settings"}
    return ep


def cli(*args):
    return subprocess.run([sys.executable, "-m", "pipeline", *map(str, args)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def edit_number(ep):
    script = yaml.safe_load((ep / "script.yaml").read_text())
    script["points"][0]["text"] = script["points"][0]["text"].replace("1,250", "1,350")
    (ep / "script.yaml").write_text(yaml.safe_dump(script))


def test_a_fresh_episode_checks_verified(built):
    r = cli("check", built, "--brief")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "VERIFIED" in r.stdout and "stale" not in r.stdout


def test_a_number_edited_in_the_script_after_the_build_is_stale_everywhere(built, tmp_path):
    edit_number(built)
    status = binding_status(built)
    assert status.stale and status.changed == ("script.yaml",)
    assert status.fix.startswith("make episode SRC=")

    r = cli("check", built, "--allow-unverified")
    assert r.returncode == 1
    assert "script.yaml changed" in r.stdout and "make episode SRC=" in r.stdout
    assert "\nVERIFIED" not in r.stdout

    r = cli("publish", built, "--config", ROOT / "podcast.yaml")
    assert r.returncode == 0, r.stderr
    page = (built / "shownotes.html").read_text()
    assert "Verified: every number" not in page and "stale" in page and "script.yaml" in page
    assert not (built / "captions.vtt").exists(), "captions of an unchecked script"

    config = tmp_path / "podcast.yaml"
    config.write_text("require_verified: true\n")
    for cfg in (config, ROOT / "podcast.yaml"):
        r = cli("feed", "--episodes", built.parent, "--config", cfg)
        assert r.returncode == 0, r.stderr
        assert "leaving out trip" in r.stderr and "script.yaml changed" in r.stderr
        feed = (built.parent / "feed.xml").read_text()
        assert "<item>" not in feed and "1,350" not in feed

    # package (shownotes.md) says so too
    r = cli("package", built)
    assert r.returncode == 0, r.stderr
    notes = (built / "shownotes.md").read_text()
    assert "Not verified (stale)" in notes and "script.yaml" in notes


def test_a_replaced_or_truncated_mp3_is_stale_then_not_verified(built):
    audio = built / "episode.mp3"
    audio.write_bytes(audio.read_bytes()[:10])                 # truncated
    r = cli("check", built)
    assert r.returncode == 1
    assert "episode.mp3 changed" in r.stdout
    assert "python -m pipeline synthesize" in r.stdout           # make cannot see a replaced MP3

    # judged again as it is now: the timeline and the transcript describe other audio
    report = verify_episode(built)
    assert not report["verified"]
    causes = " ".join(p["cause"] for p in report["problems"])
    assert "timeline.json does not describe this episode.mp3" in causes
    assert "transcript.json was not heard from this episode.mp3" in causes
    r = cli("check", built, "--brief")
    assert r.returncode == 1 and "not heard from this episode.mp3" in r.stdout


def test_a_segment_missing_from_the_timeline_is_never_spoken_and_not_verified(built):
    timeline = json.loads((built / "timeline.json").read_text())
    timeline["segments"] = [s for s in timeline["segments"] if s["id"] != "point-2"]
    (built / "timeline.json").write_text(json.dumps(timeline))
    status = binding_status(built)
    assert status.changed == ("timeline.json",)
    assert status.fix.startswith("python -m pipeline synthesize ")    # make would trust it

    report = verify_episode(built)
    assert not report["verified"]
    assert any(p["segment"] == "point-2" and "never spoken" in p["cause"] for p in report["problems"])
    lost = [n for n in report["numbers"] if n["segment"] == "point-2"]
    assert lost and all(n["status"] == "lost" for n in lost)
    r = cli("check", built, "--brief")
    assert r.returncode == 1 and "point-2 is in script.yaml but not in timeline.json" in r.stdout


def test_a_segment_outside_the_transcript_or_from_other_text_is_not_verified(built):
    transcript = json.loads((built / "transcript.json").read_text())
    transcript["duration"] = 2.0                                 # heard only the start
    (built / "transcript.json").write_text(json.dumps(transcript))
    report = verify_episode(built)
    assert not report["verified"]
    assert any("lies outside the transcript" in p["cause"] for p in report["problems"])

    timeline = json.loads((built / "timeline.json").read_text())
    timeline["segments"][1]["text"] = "Something else was spoken."
    (built / "timeline.json").write_text(json.dumps(timeline))
    report = verify_episode(built)
    assert any(p["segment"] == "point-1" and "other text" in p["cause"] for p in report["problems"])


def test_settings_and_post_are_bound_too(built):
    settings = built.parent / "trip.yaml"
    settings.write_text("# a comment changes nothing heard\n")
    assert binding_status(built).fresh
    settings.write_text("pause_ms: 900\n")
    assert binding_status(built).changed == ("settings",)
    settings.write_text("pause_ms: [not, a, number]\n")    # no longer loads: still a change
    assert binding_status(built).changed == ("settings",)
    settings.unlink()
    post = json.loads((built / "post.json").read_text())
    (built / "post.json").write_text(json.dumps({**post, "title": "Other"}))
    assert binding_status(built).changed == ("post.json",)


def test_a_report_without_hashes_is_stale(built):
    report = json.loads((built / "verify.json").read_text())
    report.pop("inputs")
    (built / "verify.json").write_text(json.dumps(report))
    status = binding_status(built)
    assert status.stale and status.unbound and "python -m pipeline verify" in status.fix
    assert cli("check", built, "--brief").returncode == 1


@pytest.mark.parametrize("text", ['{"verified": tr', "[]", '{"verified": true}'])
def test_a_broken_verify_json_is_one_line_and_never_verified(built, text, caplog):
    """A truncated or hand-made verify.json ended check and feed in a traceback (and
    check's exit 1 by accident); now: check exits 2 with one line, the feed leaves
    the episode out and is still written, the server withholds its notes."""
    from pipeline.publish.feed import write_feed
    from pipeline.publish.server import stale_episodes
    (built / "verify.json").write_text(text)
    r = cli("check", built, "--brief")
    assert r.returncode == 2 and "Traceback" not in r.stderr, r.stderr
    assert "verify.json is not" in r.stderr and "fix:" in r.stderr
    out = write_feed(built.parent)
    assert "<item>" not in out.read_text()
    assert "leaving out trip: " in caplog.text
    assert "verify.json is not" in stale_episodes(built.parent)["trip"]
