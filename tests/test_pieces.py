"""An episode joined from per-segment MP3 pieces, transcribed piece by piece while it is
synthesized: what the transcriber heard is the published MP3 (pipeline.audio.pieces,
pipeline.overlap)."""

import hashlib
import json
from pathlib import Path

import numpy as np
import pytest
import yaml

from pipeline import overlap
from pipeline import transcribe as stage
from pipeline.audio import pieces
from pipeline.audio.ffmpeg import decode
from pipeline.fsio import sha256_file
from pipeline.provision import whisper as models

from .test_transcribe import SCRIPT  # the same tiny three-segment script


@pytest.fixture(scope="module")
def provisioned():
    return models.provision(progress=False)


def write_episode(ep: Path, data: dict = SCRIPT) -> Path:
    ep.mkdir(exist_ok=True)
    (ep / "script.yaml").write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return ep


@pytest.mark.slow
def test_the_transcriber_hears_the_published_mp3(tmp_path, isolated_cache, provisioned):
    ep = write_episode(tmp_path / "ep")
    tl, tr, secs = overlap.synthesize_and_transcribe(ep, "en", "espeak", "faster-whisper", "base",
                                                     {"on_event": lambda m: None})
    assert tl["loudness"]["layout"] == "pieces"
    assert secs["pieces_heard_meanwhile"] == len(tl["segments"])       # all heard during synthesis
    assert tr["incremental"]["transcribed"] == [s["id"] for s in tl["segments"]] and tr["cached"] is False
    # the same build again: nothing heard, nothing re-encoded
    tl2, tr2, secs2 = overlap.synthesize_and_transcribe(ep, "en", "espeak", "faster-whisper", "base",
                                                        {"on_event": lambda m: None})
    assert secs2["pieces_heard_meanwhile"] == 0 and tr2["cached"] is True and not tl2["reassembled"]

    # the MP3 is the pieces, byte for byte, after its ID3 tag
    data = (ep / "episode.mp3").read_bytes()
    rows = tl["pieces"]
    assert rows[-1]["offset"] + rows[-1]["bytes"] == len(data)
    frames = [data[p["offset"]:p["offset"] + p["bytes"]] for p in rows]
    assert [hashlib.sha256(f).hexdigest() for f in frames] == [p["sha256"] for p in rows]
    # ... and the words were kept by those bytes: heard in them, for this listener
    listener = stage.Listener("faster-whisper", "base", "en", None)
    assert all(stage.piece_cache_path(p["sha256"], listener).is_file() for p in rows)

    # decoded, the episode is the pieces decoded one by one, put end to end (the joins are
    # silent), less the decoder's own delay that the Info header in front tells it to drop
    whole = decode(ep / "episode.mp3")[:, 0]
    parts = np.concatenate([pieces.decode_frames(f, 1)[:, 0] for f in frames])[pieces.DECODER_SKIP:]
    assert len(whole) == len(parts) == round(tl["duration"] * 44100)
    assert np.max(np.abs(whole - parts)) < 1e-6     # measured: 0.0 (bit-exact) on the demo
    assert np.max(np.abs(parts)) > 0.1

    # the transcript is bound to this MP3, and its words sit in their segments
    written = json.loads((ep / "transcript.json").read_text())
    assert written["audio_sha256"] == sha256_file(ep / "episode.mp3") == tl["audio_sha256"]
    text = " ".join(s["text"] for s in written["segments"])
    assert "350" in text and "42" in text
    for s, p in zip(tl["segments"], rows):
        assert p["start"] <= s["start"] < s["end"] <= p["start"] + p["samples"] / 44100

    # players see one CBR stream of the right length (the Info header in front)
    from mutagen.mp3 import MP3, BitrateMode

    info = MP3(ep / "episode.mp3").info
    assert info.bitrate_mode == BitrateMode.CBR and abs(info.length - tl["duration"]) < 0.03
    # measured on the MP3 a player decodes: the mastering tolerances hold
    assert abs(tl["loudness"]["integrated_lufs"] + 16) <= 0.5 and tl["loudness"]["true_peak_dbtp"] <= -1.0


def test_a_tampered_piece_is_not_trusted(tmp_path, isolated_cache, provisioned):
    """An MP3 whose bytes are not the pieces its timeline lists is heard whole, not from the cache."""
    from pipeline.synthesize import synthesize

    ep = write_episode(tmp_path / "ep")
    tl = synthesize(ep / "script.yaml", ep, engine="espeak", on_event=lambda m: None)
    mp3 = bytearray((ep / "episode.mp3").read_bytes())
    p = tl["pieces"][1]
    mp3[p["offset"] + p["bytes"] // 2] ^= 0x55
    (ep / "episode.mp3").write_bytes(bytes(mp3))
    tl["audio_sha256"] = sha256_file(ep / "episode.mp3")      # even with a timeline that says so
    (ep / "timeline.json").write_text(json.dumps(tl))
    assert not stage._pieces_in(ep / "episode.mp3", tl)


def test_pieces_out_of_tolerance_master_the_whole_episode(tmp_path, isolated_cache, provisioned, monkeypatch):
    """A gain fixed up front that misses the loudness target: nothing joined, the whole episode mastered."""
    from pipeline.synthesize import synthesize

    real = pieces.episode_gain
    monkeypatch.setattr(pieces, "episode_gain", lambda *a, **k: real(*a, **k) - 4.0)
    events = []
    ep = write_episode(tmp_path / "ep")
    tl = synthesize(ep / "script.yaml", ep, engine="espeak", on_event=events.append)
    assert tl["pieces"] is None and tl["loudness"].get("layout") != "pieces"
    assert any("whole episode" in e for e in events)
    assert abs(tl["loudness"]["integrated_lufs"] + 16) <= 0.5 and tl["loudness"]["true_peak_dbtp"] <= -1.0


@pytest.mark.parametrize("speech", [1, 5000, 44100 * 3 + 17])
def test_piece_times_are_sample_counts(speech):
    rng = np.random.default_rng(speech)
    x = (rng.standard_normal(speech) * 0.05).astype(np.float32)
    p = pieces.master_piece(x, 0.0, 26460, -1.0, 64)
    assert p.samples % pieces.FRAME == 0 and p.samples >= speech + 26460
    decoded = pieces.decode_frames(p.mp3, 1)[:, 0]
    assert len(decoded) == p.samples
    (start, end), = pieces.piece_times([p])[0]
    lead = pieces.ENCODER_DELAY - pieces.DECODER_SKIP
    assert round(start * 44100) == lead and round(end * 44100) == lead + speech
    if speech > 44100:     # the speech starts ENCODER_DELAY samples in, not one sample off
        err = {lag: float(np.sum((decoded[lag:lag + speech] - x) ** 2)) for lag in range(1100, 1111)}
        assert min(err, key=err.get) == pieces.ENCODER_DELAY


def test_a_failure_in_the_transcribing_thread_reaches_the_build(monkeypatch):
    """The second thread's error is raised by close(); after one failure nothing more is heard."""
    from pipeline.errors import EngineError

    calls = []

    def failing(mp3, samples, listener):
        calls.append(mp3)
        raise EngineError("whisper failed")

    monkeypatch.setattr(stage, "hear_piece", failing)
    hearing = overlap.PieceTranscriber("en", "faster-whisper", "base")
    piece = pieces.Piece(b"frames", 1, pieces.FRAME, 2.0, -2.0)
    hearing(0, piece)
    hearing(1, piece)
    with pytest.raises(EngineError, match="whisper failed"):
        hearing.close()
    assert len(calls) == 1


def test_each_unit_runs_on_one_thread_of_the_build(monkeypatch):
    """pipeline.overlap: the budget is the number of core tokens; a unit uses one thread,
    and faster-whisper is told how many hearers may call it at once."""
    from pipeline import threads

    monkeypatch.setenv("PIPELINE_THREADS", "4")
    assert threads.build_threads() == 4 and threads.callers() == 1
    with threads.share(1, 4):
        assert threads.build_threads() == 1 and threads.callers() == 4
    assert threads.build_threads() == 4 and threads.callers() == 1


@pytest.mark.slow
def test_a_rebuild_with_every_piece_cached_computes_no_peaks(tmp_path, isolated_cache, monkeypatch):
    """Nothing changed: the pieces come from the cache and the true-peak envelopes (the
    costliest mastering step) are not computed at all; the MP3 is the same bytes."""
    from pipeline.audio import assemble
    from pipeline.synthesize import synthesize

    ep = write_episode(tmp_path / "ep")
    first = synthesize(ep / "script.yaml", ep, engine="espeak")
    mp3 = (ep / "episode.mp3").read_bytes()
    calls = []
    real = assemble.forward_peaks
    monkeypatch.setattr(assemble, "forward_peaks", lambda x: calls.append(len(x)) or real(x))
    again = synthesize(ep / "script.yaml", ep, engine="espeak")
    assert calls == []
    assert (ep / "episode.mp3").read_bytes() == mp3 and again["loudness"] == first["loudness"]
