"""French posts built offline: gTTS unreachable, the French chain (kokoro, pico,
espeak) speaks, Whisper base hears every number back after healing."""

import json
import os
import subprocess
import sys

import pytest

from .conftest import ROOT, SEED_POST
from .gtts_stub import free_closed_port

SEED = SEED_POST
OWN_POST = ROOT / "episodes" / "velo-france.md"
NEWS_POST = ROOT / "episodes" / "bourse-energie.md"


def build_offline(src, out, *extra):
    """`pipeline build` with the default engine (gtts) pointed at a closed local port."""
    env = {**os.environ,
           "PIPELINE_GTTS_URL": f"http://127.0.0.1:{free_closed_port()}", "PIPELINE_GTTS_RETRIES": "0"}
    r = subprocess.run([sys.executable, "-m", "pipeline", "build", str(src), "--out", str(out), *extra],
                       cwd=ROOT, capture_output=True, text=True, timeout=3600, env=env)
    return r, json.loads((out / "verify.json").read_text()), json.loads((out / "timeline.json").read_text())


def assert_spoken_in_french_offline(r, report, timeline):
    assert report["language"] == "fr"
    assert timeline["requested_engine"] == "gtts" and "gtts" in timeline["fallback_reason"]
    assert set(timeline["engines"]) <= {"kokoro", "pico", "espeak"} and timeline["tts_engine"] == "kokoro"


def assert_verified_in_french_offline(r, report, timeline):
    assert_spoken_in_french_offline(r, report, timeline)
    assert r.returncode == 0, r.stdout + r.stderr
    assert report["verified"]
    assert all(n["status"] not in ("lost", "changed") for n in report["numbers"])


@pytest.mark.slow
def test_the_french_seed_builds_offline_and_verifies(tmp_path):
    """At one minute (43 s of build here; 168 s at the default 150 s, most of it healing
    one point, which the news post below and test_heal*.py exercise): the sound figures
    are headline figures, so they are in the script at any length."""
    r, report, timeline = build_offline(SEED, tmp_path / "seed", "--minutes", "1")
    assert_verified_in_french_offline(r, report, timeline)
    assert report["lint"], "the scrambled figures of the post are listed"
    assert "2024 milliards de dollars" in r.stdout
    said = {n["value"] for n in report["numbers"]}
    assert {"49200000000", "350000000000", "400000000000"} <= said, "the sound figures are kept"
    assert "2024000000000" not in said and "130" not in said, "the scrambled ones are not spoken"


@pytest.mark.long   # the post at its full length: the seed and velo-france prove French in make test
def test_a_french_news_post_of_our_own_builds_offline_and_verifies(tmp_path):
    r, report, timeline = build_offline(NEWS_POST, tmp_path / "ep")
    assert_verified_in_french_offline(r, report, timeline)
    assert len(report["numbers"]) >= 20


@pytest.mark.long   # a second real French post: the seed proves French in make test
def test_velo_france_keeps_its_numbers_offline_and_names_any_it_lost(tmp_path):
    """A third real French post, at one minute (its 6 points at the default length cost
    a 100 s build here for what the news post above already shows). It verified 11/11
    on this machine, but which figure Kokoro's French garbles depends on the voice's
    rendering (it ended 22/23 at the default length in an earlier version), so this
    asserts what holds on any machine: spoken in French offline, most numbers heard,
    and a verdict that names each number lost (in single quotes) and never passes one. One
    heal round: the full healing is the subject of test_heal*.py and of the seed's
    build above."""
    r, report, timeline = build_offline(OWN_POST, tmp_path / "ep", "--minutes", "1", "--heal-rounds", "1")
    assert_spoken_in_french_offline(r, report, timeline)
    assert report["survival"] >= 0.8, r.stdout
    failing = [n for n in report["numbers"] if n["status"] in ("lost", "changed")]
    assert report["verified"] == (not failing) and (r.returncode == 0) == (not failing)
    for n in failing:
        assert f"'{n['text']}'" in r.stdout, "each lost number is named"
