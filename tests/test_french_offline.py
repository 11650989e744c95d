"""The user's French post, built offline with espeak-ng: Whisper base hears
little of espeak's French, and the build must say so honestly."""

import json
import os
import subprocess
import sys

import pytest

from .conftest import ROOT, SHARED


@pytest.mark.slow
def test_french_seed_offline_reports_honestly(tmp_path, isolated_cache):
    seed = next((SHARED / "seeds").glob("*.txt"), None)
    if seed is None:
        pytest.skip(f"no seed post under {SHARED / 'seeds'}")
    out = tmp_path / "seed"
    env = {**os.environ, "PIPELINE_CACHE_DIR": str(isolated_cache)}
    r = subprocess.run([sys.executable, "-m", "pipeline", "build", str(seed), "--out", str(out),
                        "--tts", "espeak", "--heal-rounds", "0"],
                       cwd=ROOT, capture_output=True, text=True, timeout=900, env=env)
    report = json.loads((out / "verify.json").read_text())
    assert report["language"] == "fr" and report["tts_engine"] == "espeak"
    failing = [n for n in report["numbers"] if n["status"] in ("lost", "changed")]
    if failing:
        assert r.returncode == 1 and not report["verified"]
        assert "NOT VERIFIED" in r.stdout and "gtts" in r.stdout
        for n in failing:     # each one named, with where it is in the audio
            assert f"{n['status']}: {n['text']!r} in {n['segment']}" in r.stdout
    else:
        assert r.returncode == 0 and report["verified"]
    assert report["lint"], "the scrambled figures of the post are listed"
    assert "2024 milliards de dollars" in r.stdout
    assert (out / "episode.mp3").stat().st_size > 0
