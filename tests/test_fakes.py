"""The fake engines themselves: a build with them is a real build of tones, heard back."""

import json
import subprocess
import sys

from .conftest import ROOT

POST = """# The Harbor Ferry Returns

The harbor ferry restarted service in May. It now carries 4,200 passengers a day.

The new boats cost 12 million dollars. Each crossing takes 18 minutes.
"""


def build(tmp_path, *extra, env=None, out="ep"):
    src = tmp_path / "ferry.md"
    src.write_text(POST)
    out = tmp_path / out
    r = subprocess.run([sys.executable, "-m", "pipeline", "build", str(src), "--out", str(out),
                        "--tts", "fake", "--asr", "fake", *extra], cwd=ROOT, capture_output=True,
                       text=True, timeout=120, env=env)
    return r, out


def test_the_fake_ear_hears_what_the_fake_voice_said(tmp_path, fake_engines):
    wav = tmp_path / "a.wav"
    fake_engines.FakeTts().synthesize("It carries 4,200 passengers.", "en", wav)
    heard = fake_engines.FakeAsr().transcribe(wav, "en")
    assert heard["text"] == "It carries 4,200 passengers."
    assert heard["duration"] > 1.0 and len(heard["segments"][0]["words"]) == 4


def test_a_build_with_fake_engines_verifies_every_number(tmp_path, fake_engines):
    r, out = build(tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    report = json.loads((out / "verify.json").read_text())
    assert report["tts_engine"] == "fake" and report["asr_engine"] == "fake"
    assert report["verified"] and {"4200", "12000000"} <= {n["value"] for n in report["numbers"]}


def test_a_misheard_number_is_caught_and_healed(tmp_path, fake_engines):
    """The ear writes 4,300 for 4,200: not verified, then verbalize spells it out
    ('four thousand two hundred', which the ear hears right) and the episode heals."""
    r, out = build(tmp_path, "--asr-model", "mishear:4,200=4,300")
    report = json.loads((out / "verify.json").read_text())
    assert report["healing"] and report["healing"][0]["fixed_by"] == "verbalize", report["healing"]
    assert report["verified"] and r.returncode == 0, r.stdout + r.stderr
    seg = report["healing"][0]["segment"]       # the round says which number it is for
    assert f"heal round 1: {seg} ('4,200' heard '4,300') -> verbalize" in r.stderr, r.stderr
    # without healing (and without the overrides the first build kept): exit 1, the number named
    r, out = build(tmp_path, "--asr-model", "mishear:4,200=4,300", "--heal-rounds", "0", out="unhealed")
    assert r.returncode == 1 and "NOT VERIFIED" in r.stdout and "4,200" in r.stdout, r.stdout


def test_a_plugin_that_cannot_be_imported_is_named_with_its_fix(monkeypatch):
    import pytest

    from pipeline.errors import EngineError
    from pipeline.tts import REGISTRY

    monkeypatch.setenv("PIPELINE_PLUGINS", "no_such_engines_module")
    with pytest.raises(EngineError, match="no_such_engines_module") as e:
        REGISTRY.names()
    assert "PIPELINE_PLUGINS" in e.value.fix
