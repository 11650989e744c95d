"""The offline French voices: Kokoro (provisioned from PyPI parts + npm voices) and Pico.

Real engines on short audio, real Whisper base where a number must be heard.
Skipped with the reason when an engine cannot run here; in CI `make setup`
installs both (npm is present there).
"""

import hashlib
import io
import tarfile

import numpy as np
import pytest

from pipeline import numbers
from pipeline.audio.ffmpeg import duration_s
from pipeline.errors import EngineUnavailable, SetupError
from pipeline.provision import kokoro as kokoro_assets
from pipeline.provision import whisper as models
from pipeline.tts import describe, get_engine, wav_ok
from pipeline.tts.kokoro_engine import KokoroEngine


def _need(name: str, lang: str = "fr"):
    eng = get_engine(name)
    if not eng.supports(lang):
        pytest.skip(f"{name} cannot speak {lang} here: {describe(name)}")
    return eng


# --- provisioning -------------------------------------------------------------------------------

def _fake_tarball(path, voices: dict[str, bytes]):
    with tarfile.open(path, "w:gz") as tar:
        for name, raw in voices.items():
            info = tarfile.TarInfo(f"package/voices/{name}.bin")
            info.size = len(raw)
            tar.addfile(info, io.BytesIO(raw))
    return path


def test_voices_are_read_checked_and_shaped_for_kokoro_onnx(tmp_path, monkeypatch):
    raw = np.arange(510 * 256, dtype="<f4").tobytes()
    monkeypatch.setattr(kokoro_assets, "VOICE_SHA256", {"ff_test": hashlib.sha256(raw).hexdigest()})
    voices = kokoro_assets.voices_from_tarball(_fake_tarball(tmp_path / "ok.tgz", {"ff_test": raw}))
    assert voices["ff_test"].shape == (510, 1, 256) and voices["ff_test"][1, 0, 0] == 256.0
    sha = kokoro_assets.write_voices(tmp_path / "v.npz", voices)
    assert sha == models.sha256_file(tmp_path / "v.npz")
    assert np.load(tmp_path / "v.npz")["ff_test"].shape == (510, 1, 256)

    bad = _fake_tarball(tmp_path / "bad.tgz", {"ff_test": raw[:-4] + b"\0\0\0\1"})
    with pytest.raises(SetupError, match="ff_test .* corrupt"):
        kokoro_assets.voices_from_tarball(bad)
    with pytest.raises(SetupError, match="no voice ff_test"):
        kokoro_assets.voices_from_tarball(_fake_tarball(tmp_path / "none.tgz", {}))


def test_a_tarball_with_another_hash_is_refused(tmp_path):
    fake_npm = tmp_path / "npm"
    fake_npm.write_text("#!/bin/sh\necho not kokoro > \"$4/kokoro-js-1.2.1.tgz\"\n")
    fake_npm.chmod(0o755)
    (tmp_path / "dest").mkdir()
    with pytest.raises(SetupError, match="not the expected package"):
        kokoro_assets.npm_pack(tmp_path / "dest", npm=str(fake_npm))


def test_without_npm_setup_says_so_and_only_kokoro_is_unavailable(tmp_path, monkeypatch):
    monkeypatch.setattr(kokoro_assets.shutil, "which", lambda name: None)
    real = kokoro_assets.kokoro_dir()
    if not (real / kokoro_assets.MODEL_NAME).is_file():
        pytest.skip("the Kokoro model is not provisioned here (make setup)")
    # The model is joined again into a private folder (92 MB, seconds): the real one is never touched.
    summary = kokoro_assets.provision(progress=False, root=tmp_path)   # what `pipeline setup` runs
    said = kokoro_assets.outcome(summary)                             # and the one line it logs
    assert said.count("npm not found") == 1, "said in one line"
    assert (tmp_path / "kokoro" / kokoro_assets.MODEL_NAME).stat().st_size == kokoro_assets.MODEL_SIZE
    eng = KokoroEngine(root=tmp_path)
    assert not eng.supports("fr") and "voices are not provisioned" in eng.unavailable_reason()
    with pytest.raises(EngineUnavailable, match="npm"):
        eng.synthesize("Bonjour.", "fr", tmp_path / "x.wav")
    again = kokoro_assets.provision(progress=False, root=tmp_path)
    assert again["actions"] == [], "the model is not joined twice"


def test_a_damaged_model_is_rebuilt_from_the_parts(tmp_path):
    real = kokoro_assets.kokoro_dir()
    if not (real / kokoro_assets.VOICES_NAME).is_file():
        pytest.skip("Kokoro is not provisioned here (make setup)")
    d = tmp_path / "kokoro"
    d.mkdir()
    for name in (kokoro_assets.VOICES_NAME, models.MANIFEST_NAME):
        (d / name).write_bytes((real / name).read_bytes())
    (d / kokoro_assets.MODEL_NAME).write_bytes(b"half a model")
    with pytest.raises(SetupError):
        kokoro_assets.installed(tmp_path)
    summary = kokoro_assets.provision(progress=False, root=tmp_path, npm="/nonexistent/npm")
    assert any("assembled" in a for a in summary["actions"])
    assert models.sha256_file(d / kokoro_assets.MODEL_NAME) == kokoro_assets.MODEL_SHA256
    assert not any("voices" in a for a in summary["actions"]), "checked voices are kept (no npm needed)"


# --- the engines --------------------------------------------------------------------------------

@pytest.mark.parametrize("name,lang", [pytest.param("kokoro", "fr", marks=pytest.mark.slow),
                                       pytest.param("kokoro", "en", marks=pytest.mark.slow),
                                       ("pico", "fr"), ("pico", "en")])
def test_engine_speaks_and_rate_changes_duration(tmp_path, name, lang):
    eng = _need(name, lang)
    text = {"fr": "Bonjour à tous.", "en": "Hello everyone."}[lang]
    eng.synthesize(text, lang, tmp_path / "a.wav")
    eng.synthesize(text, lang, tmp_path / "b.wav", rate=1.6)
    assert wav_ok(tmp_path / "a.wav") and wav_ok(tmp_path / "b.wav")
    assert duration_s(tmp_path / "b.wav") < 0.85 * duration_s(tmp_path / "a.wav")
    assert eng.voice_id(lang) != eng.voice_id("de" if lang == "fr" else "fr")


@pytest.mark.slow   # a neural voice in two processes; Kokoro's whole builds: test_reproducible (make test-long)
@pytest.mark.parametrize("name", [pytest.param("kokoro", marks=pytest.mark.long), "pico"])
def test_the_same_text_is_the_same_bytes_in_any_process(tmp_path, name):
    """Kokoro samples no noise; Pico read memory it had not written (the first call of
    a process differed from the later ones) until each call got zeroed memory: both
    now say the same text as the same WAV, call after call and process after process."""
    import os
    import subprocess
    import sys

    eng = _need(name)
    text = "Il a coûté 3,2 milliards d'euros en 2025."
    code = ("import sys; from pathlib import Path; from pipeline.tts import get_engine;"
            f"get_engine({name!r}).synthesize(sys.argv[1], 'fr', Path(sys.argv[2]))")
    subprocess.run([sys.executable, "-c", code, text, str(tmp_path / "other.wav")], check=True,
                   env={**os.environ, "PIPELINE_THREADS": "1"})
    junk = [np.ones(n) for n in (300_000, 400_000)]      # heap churn, as a build leaves it
    del junk
    for i in range(2):      # Pico's first call of a process was the one that differed
        eng.synthesize(text, "fr", tmp_path / f"{i}.wav")
    first = (tmp_path / "0.wav").read_bytes()
    assert (tmp_path / "1.wav").read_bytes() == first
    assert (tmp_path / "other.wav").read_bytes() == first


def test_engines_without_a_voice_refuse(tmp_path):
    assert not get_engine("kokoro").supports("de")
    with pytest.raises(EngineUnavailable):
        get_engine("kokoro").synthesize("Hallo.", "de", tmp_path / "x.wav")
    assert not get_engine("pico").supports("xx")
    with pytest.raises(EngineUnavailable):
        get_engine("pico").synthesize("hello", "xx", tmp_path / "x.wav")


@pytest.mark.slow
def test_kokoro_phonemizer_and_espeak_share_one_process(tmp_path):
    """Both use the espeak-ng library: phonemizer loads its own copy, so neither
    disturbs the other (same phonemes, same espeak speech, in either order)."""
    kokoro = _need("kokoro")
    espeak = get_engine("espeak")
    espeak.synthesize("Il y a 42 chats.", "fr", tmp_path / "e1.wav")
    kokoro.synthesize("Il y a 42 chats.", "fr", tmp_path / "k.wav")
    tok = kokoro._load().tokenizer
    before = tok.phonemize("Il y a quarante-deux chats.", "fr-fr")
    espeak.synthesize("There are 42 cats.", "en", tmp_path / "e2.wav")
    assert tok.phonemize("Il y a quarante-deux chats.", "fr-fr") == before
    espeak.synthesize("Il y a 42 chats.", "fr", tmp_path / "e3.wav")
    # espeak's own output varies by a few ms from call to call, never more
    assert abs(duration_s(tmp_path / "e1.wav") - duration_s(tmp_path / "e3.wav")) < 0.05
    assert "k" in before and wav_ok(tmp_path / "k.wav")


@pytest.mark.slow
@pytest.mark.parametrize("name", ["kokoro", "pico"])
def test_french_numbers_are_heard_back(tmp_path, name):
    """A short French sentence through the engine and Whisper base: its numbers come back."""
    from pipeline.asr import get_engine as asr

    eng = _need(name)
    text = "En 2025, les ventes ont atteint 340 millions d'euros, soit 12 % de plus."
    eng.synthesize(text, "fr", tmp_path / "s.wav")
    heard = asr("faster-whisper", "base").transcribe(tmp_path / "s.wav", "fr")["text"]
    statuses = [m.status for m in numbers.compare(text, heard, "fr")]
    assert statuses.count("ok") >= 2, (heard, statuses)
