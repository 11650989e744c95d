"""Incremental episode transcription: one Whisper pass, words split per segment, reused by speech identity."""

import json
from pathlib import Path

import pytest
import yaml

from pipeline import asr
from pipeline import transcribe as stage
from pipeline.audio.ffmpeg import duration_s
from pipeline.audio.wav import write_wav
from pipeline.episode import segment_windows
from pipeline.provision import whisper as models

SCRIPT = {
    "title": "Tiny",
    "language": "en",
    "intro": "Welcome to a short episode about numbers.",
    "points": [
        {"title": "Sales", "text": "The company sold 350 units last year."},
        {"title": "Staff", "text": "It now employs 42 people in two offices."},
    ],
    "outro": "Thanks for listening, see you soon.",
}


def write_script(path: Path, data: dict) -> Path:
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def words_of(transcript: dict) -> list[dict]:
    return [w for s in transcript["segments"] for w in s.get("words") or []]


def heard_per_segment(transcript: dict, timeline: dict) -> dict[str, str]:
    wins = segment_windows(timeline)
    out = {}
    for seg, (lo, hi) in zip(timeline["segments"], wins):
        out[seg["id"]] = "".join(w["word"] for w in words_of(transcript)
                                 if lo <= (w["start"] + w["end"]) / 2 < hi)
    return out


def assert_words_inside_windows(transcript: dict, timeline: dict) -> None:
    wins = segment_windows(timeline)
    starts = [w["start"] for w in words_of(transcript)]
    assert starts == sorted(starts), "word times must not go backwards"
    for seg, (lo, hi) in zip(timeline["segments"], wins):
        for s in transcript["segments"]:
            ws = s.get("words") or []
            mids = [(w["start"] + w["end"]) / 2 for w in ws]
            inside = [lo <= m < hi for m in mids]
            # a transcript segment never straddles two script segments
            assert all(inside) or not any(inside), (seg["id"], s)


# --- pure parts -------------------------------------------------------------------


def test_split_by_windows_cuts_straddling_segments():
    words = [{"word": " a", "start": 0.1, "end": 0.3, "probability": 1.0},
             {"word": " b", "start": 0.9, "end": 1.1, "probability": 1.0},
             {"word": " c", "start": 2.1, "end": 2.3, "probability": 1.0}]
    segs = [{"start": 0.0, "end": 2.4, "text": " a b c", "words": words},
            {"start": 3.0, "end": 3.5, "text": " (no words)", "words": []}]
    parts = stage.split_by_windows(segs, [(0.0, 1.5), (1.5, 2.8), (2.8, 9.0)])
    assert [[w["word"] for s in p for w in s["words"]] for p in parts] == [[" a", " b"], [" c"], []]
    assert parts[0][0]["text"] == "a b" and parts[1][0]["start"] == 2.1
    assert parts[2][0]["text"] == " (no words)"


def test_segment_key_covers_speech_engine_model_language_and_music():
    base = stage.segment_cache_key("k", "faster-whisper", "base", "en")
    assert base == stage.segment_cache_key("k", "faster-whisper", "base", " EN ")
    others = {stage.segment_cache_key("k2", "faster-whisper", "base", "en"),
              stage.segment_cache_key("k", "whisper", "base", "en"),
              stage.segment_cache_key("k", "faster-whisper", "tiny", "en"),
              stage.segment_cache_key("k", "faster-whisper", "base", "fr"),
              stage.segment_cache_key("k", "faster-whisper", "base", "en", [["intro", "m", -3.0, 5.0]])}
    assert base not in others and len(others) == 5


class _FakeEngine:
    """Hears one word per script segment (given by the test per audio length); records each call."""

    name = "fake"
    model = "base"
    model_path = Path("/nonexistent")
    calls: list = []

    def __init__(self, model="base"):
        self.model = model

    def transcribe(self, audio, language, *, progress=False):
        length = duration_s(audio)
        _FakeEngine.calls.append(round(length, 2))
        return asr.build_transcript("fake", self.model, language, length, [
            {"start": 0.0, "end": length, "text": " heard",
             "words": [{"word": " heard", "start": length / 2 - 0.1, "end": length / 2 + 0.1,
                        "probability": 1.0}]}])


def test_incremental_logic_with_a_fake_engine(tmp_path, isolated_cache, monkeypatch):
    """Cut windows, shifts and the fallback rules, without Whisper (a WAV stands in for the MP3)."""
    import numpy as np

    monkeypatch.setitem(asr.REGISTRY._factories, "fake", _FakeEngine)
    _FakeEngine.calls = []
    audio = tmp_path / "episode.wav"

    def episode(noise: float, keys: list[str]) -> dict:
        write_wav(audio, (np.full(16000 * 10, noise) * 1000).astype("<i2").tobytes(), 16000)
        spans = [(0.0, 2.0), (3.0, 5.0), (6.0, 8.0), (9.0, 10.0)]
        tl = {"duration": 10.0, "audio_sha256": stage.audio_sha256(audio),
              "segments": [{"id": f"s{i}", "start": a, "end": b, "audio_key": k}
                           for i, ((a, b), k) in enumerate(zip(spans, keys))]}
        (tmp_path / "timeline.json").write_text(json.dumps(tl))
        return tl

    def run():
        t = stage.transcribe_episode(audio, tmp_path / "timeline.json", tmp_path / "t.json", "en", engine="fake")
        # every path (whole, cached, reused, cut) says which audio was heard: verify checks it
        written = json.loads((tmp_path / "t.json").read_text())
        assert written["audio_sha256"] == t["audio_sha256"] == stage.audio_sha256(audio)
        return t

    # cold: whole audio once (every segment is new), split and cached per segment
    episode(0.1, ["a", "b", "c", "d"])
    first = run()
    assert _FakeEngine.calls == [10.0] and first["incremental"]["transcribed"] == ["s0", "s1", "s2", "s3"]
    # same bytes: the episode cache, no engine
    assert run()["cached"] is True and _FakeEngine.calls == [10.0]
    # other bytes (e.g. a new loudness target), same speech: everything reused, no engine
    episode(0.2, ["a", "b", "c", "d"])
    t = run()
    assert t["cached"] is True and _FakeEngine.calls == [10.0]
    assert t["incremental"] == {"reused": ["s0", "s1", "s2", "s3"], "transcribed": [], "episode_cache": False}
    # one segment changed: only its window (2.5 .. 5.5 s) is cut out and transcribed, times shifted back
    episode(0.3, ["a", "B", "c", "d"])
    t = run()
    assert _FakeEngine.calls == [10.0, 3.0] and t["cached"] is False
    assert t["incremental"]["transcribed"] == ["s1"] and t["incremental"]["reused"] == ["s0", "s2", "s3"]
    assert [w["start"] for w in words_of(t)] == [pytest.approx(2.5 + 1.5 - 0.1)]  # the fake hears mid-cut
    # two adjacent segments changed: one cut for both
    episode(0.4, ["a", "B2", "c2", "d"])
    t = run()
    assert _FakeEngine.calls[-1] == 6.0 and t["incremental"]["transcribed"] == ["s1", "s2"]
    # more than half changed: the whole episode again
    episode(0.5, ["a3", "b3", "c3", "d"])
    t = run()
    assert _FakeEngine.calls[-1] == 10.0 and len(t["incremental"]["transcribed"]) == 4
    # a timeline that does not describe this audio: no reuse, whole episode
    audio.write_bytes(audio.read_bytes()[:-2] + b"\x01\x00")
    t = run()
    assert _FakeEngine.calls[-1] == 10.0 and t["incremental"]["reused"] == []


# --- real faster-whisper on espeak speech --------------------------------------------


@pytest.fixture(scope="module")
def provisioned():
    return models.provision(progress=False)


@pytest.mark.slow
def test_edit_transcribes_only_the_changed_segment(tmp_path, isolated_cache, provisioned, monkeypatch):
    from pipeline.synthesize import synthesize

    ep = tmp_path / "ep"
    ep.mkdir()
    script = write_script(ep / "script.yaml", SCRIPT)
    tl1 = synthesize(script, ep, engine="espeak", pause_ms=800, on_event=lambda m: None)
    assert all(s.get("audio_key") for s in tl1["segments"])
    t1 = stage.transcribe_episode(ep / "episode.mp3", ep / "timeline.json", ep / "transcript.json", "en")
    assert t1["cached"] is False
    # one piece per segment (pipeline.audio.pieces), each heard from its own frames
    assert t1["incremental"] == {"reused": [], "transcribed": [s["id"] for s in tl1["segments"]],
                                 "episode_cache": False, "pieces": True}
    heard1 = heard_per_segment(t1, tl1)
    assert "350" in heard1[tl1["segments"][1]["id"]]
    assert_words_inside_windows(t1, tl1)
    assert len(list((isolated_cache / "transcripts" / "pieces").glob("*.json"))) == len(tl1["segments"])

    # edit one key point: new words and a new number
    data = json.loads(json.dumps(SCRIPT))
    data["points"][1]["text"] = "The firm now has 87 workers."
    write_script(script, data)
    tl2 = synthesize(script, ep, engine="espeak", pause_ms=800, on_event=lambda m: None)
    assert tl2["resynthesized"] == 1
    edited = tl2["segments"][2]["id"]

    calls = []
    real_get_engine = stage.get_engine

    def counting(*a, **k):
        engine = real_get_engine(*a, **k)
        real = engine.transcribe

        def transcribe(path, language, **kw):
            calls.append(Path(path))
            return real(path, language, **kw)

        engine.transcribe = transcribe
        return engine

    monkeypatch.setattr(stage, "get_engine", counting)
    t2 = stage.transcribe_episode(ep / "episode.mp3", ep / "timeline.json", ep / "transcript.json", "en")
    assert t2["incremental"]["transcribed"] == [edited]
    assert t2["incremental"]["reused"] == [s["id"] for s in tl2["segments"] if s["id"] != edited]
    assert len(calls) == 1 and calls[0].suffix == ".mp3" and not calls[0].exists(), "one temporary piece"
    assert set(t2) >= {"language", "engine", "model", "duration", "text", "segments", "incremental"}
    assert (t2["engine"], t2["model"], t2["language"]) == ("faster-whisper", "base", "en")

    assert_words_inside_windows(t2, tl2)
    heard2 = heard_per_segment(t2, tl2)
    assert "87" in heard2[edited], heard2
    assert "350" in heard2[tl2["segments"][1]["id"]]
    for seg in tl2["segments"]:
        assert heard2[seg["id"]].strip(), f"nothing heard in {seg['id']}"
        if seg["id"] != edited:   # reused words: the same words, moved with their segment
            assert heard2[seg["id"]] == heard1[seg["id"]]
    on_disk = json.loads((ep / "transcript.json").read_text())
    assert on_disk["incremental"] == t2["incremental"] and "cached" not in on_disk

    # the same episode again: nothing transcribed
    calls.clear()
    t3 = stage.transcribe_episode(ep / "episode.mp3", ep / "timeline.json", ep / "transcript.json", "en")
    assert t3["cached"] is True and calls == []
    assert t3["text"] == t2["text"]


def test_a_clip_heard_alone_is_cached_by_its_samples(tmp_path, isolated_cache, monkeypatch):
    """pipeline.verify.second_hearing's clips: the same samples are heard once (also from another
    file), other samples again; words come back in the file's times."""
    import numpy as np

    monkeypatch.setitem(asr.REGISTRY._factories, "fake", _FakeEngine)
    _FakeEngine.calls = []
    tone = (np.sin(np.arange(16000 * 6) / 5.0) * 8000).astype("<i2")
    for name, samples in (("a.wav", tone), ("b.wav", np.concatenate([tone[:16000 * 2], tone]))):
        write_wav(tmp_path / name, samples.tobytes(), 16000)
    listener = stage.Listener("fake", "base", "en", None)
    segs, cached = stage.hear_clip(tmp_path / "a.wav", 1.0, 3.0, listener)
    assert not cached and _FakeEngine.calls == [2.0]
    assert segs[0]["words"][0]["start"] == pytest.approx(1.0 + 1.0 - 0.1)      # the clip's middle
    assert stage.hear_clip(tmp_path / "a.wav", 1.0, 3.0, listener) == (segs, True)
    assert stage.hear_clip(tmp_path / "b.wav", 3.0, 5.0, listener)[1] is True, "the same samples, elsewhere"
    assert stage.hear_clip(tmp_path / "a.wav", 1.5, 3.5, listener)[1] is False
    assert _FakeEngine.calls == [2.0, 2.0]
    assert len(list((isolated_cache / "transcripts" / "clips").glob("*.json"))) == 2
