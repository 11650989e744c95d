"""The same post, settings and engines, built twice from empty caches: the same bytes.

Real engines on a one-point post (intro, point, outro), heard by real Whisper
base. One build runs in its own process, the other in this one after it (its
engines warm, their state left as that build left it): episode.mp3,
timeline.json and transcript.json are byte-identical, and verify.json is the
same apart from timing fields (the second hearing's cpu_seconds). gTTS is online and not
covered: Google's service makes its audio.
"""

import json
import os
import subprocess
import sys

import pytest

import pipeline.paths as paths
from pipeline.build import BuildOptions, build
from pipeline.episode import SAME_BYTES, untimed

from .conftest import ROOT

POSTS = {
    "en": "# The ferry\n\nThe harbor ferry carried 1,250 passengers a day in 2024, 12% more than before.\n",
    "fr": "# Le vélo\n\nLa ville a compté 1 250 cyclistes par jour en 2024, soit 12 % de plus qu'avant.\n",
}


@pytest.mark.slow
@pytest.mark.parametrize("engine,lang", [
    ("piper", "en"),
    pytest.param("kokoro", "fr", marks=pytest.mark.long),    # make test-long: the French voices
    pytest.param("pico", "fr", marks=pytest.mark.long),
])
def test_two_cold_builds_give_the_same_bytes(tmp_path, monkeypatch, engine, lang):
    from pipeline.tts import describe, get_engine
    if not get_engine(engine).supports(lang):
        pytest.skip(f"{engine} cannot speak {lang} here: {describe(engine)}")
    src = tmp_path / "post.md"
    src.write_text(POSTS[lang], encoding="utf-8")
    args = ["--tts", engine, "--lang", lang, "--heal-rounds", "1", "--allow-unverified"]
    first, second = tmp_path / "first", tmp_path / "second"
    r = subprocess.run([sys.executable, "-m", "pipeline", "build", str(src), "--out", str(first), *args],
                       cwd=ROOT, capture_output=True, text=True, timeout=900,
                       env={**os.environ, "PIPELINE_CACHE_DIR": str(tmp_path / "cache1")})
    assert r.returncode in (0, 1), r.stdout + r.stderr
    cache2 = tmp_path / "cache2"                         # empty too
    monkeypatch.setenv("PIPELINE_CACHE_DIR", str(cache2))
    monkeypatch.setattr(paths, "CACHE_DIR", cache2)
    build(src, second, BuildOptions(tts=engine, lang=lang, heal_rounds=1))
    timeline = json.loads((second / "timeline.json").read_text())
    assert set(timeline["engines"]) == {engine}, timeline["engines"]
    assert len(list((cache2 / "tts").glob("*.wav"))) >= len(timeline["segments"])   # spoken here, into cache2
    for name in SAME_BYTES:
        assert (first / name).read_bytes() == (second / name).read_bytes(), f"{engine}: {name} differs"
    reports = [untimed(json.loads((d / "verify.json").read_text())) for d in (first, second)]
    assert reports[0] == reports[1]
