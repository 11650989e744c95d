"""The core-token scheduler of pipeline.overlap: a build of T threads never runs more than
T units of work at once (speaking and mastering, hearing one piece); with T = 2 the
pieces left when synthesis ends are heard two at a time; with T = 1 speaking and
hearing take turns. Real piper and faster-whisper where the test is about what they hear
(two hearers at once, the same words as one by one); the fake engines (tests/fakes.py)
where it is about the turns and the failures."""

import threading
import time

import pytest

from pipeline import asr, overlap, threads
from pipeline import transcribe as stage
from pipeline.audio import assemble, pieces
from pipeline.errors import EngineError
from pipeline.provision import whisper as models

from .test_pieces import write_episode
from .test_transcribe import heard_per_segment


@pytest.fixture(scope="module")
def provisioned():
    return models.provision(progress=False)


class Units:
    """Counts the units of work running at once, wrapped around the real functions."""

    def __init__(self):
        self.lock = threading.Lock()
        self.running = {"speak": 0, "hear": 0}
        self.most = 0
        self.most_hearing = 0
        self.order: list[str] = []

    def wrap(self, kind: str, fn):
        def unit(*args, **kwargs):
            with self.lock:
                self.running[kind] += 1
                self.order.append(kind)
                self.most = max(self.most, sum(self.running.values()))
                self.most_hearing = max(self.most_hearing, self.running["hear"])
            try:
                return fn(*args, **kwargs)
            finally:
                with self.lock:
                    self.running[kind] -= 1
        return unit


@pytest.fixture
def units(monkeypatch):
    """The work of a build, counted while it runs: speaking a segment, loading its WAV
    for mastering, mastering one piece (the synthesis thread); hearing one piece."""
    u = Units()
    monkeypatch.setattr(overlap.synth_stage._Voices, "speak", u.wrap("speak", overlap.synth_stage._Voices.speak))
    monkeypatch.setattr(assemble, "load_dynamics", u.wrap("speak", assemble.load_dynamics))
    monkeypatch.setattr(pieces, "master_piece", u.wrap("speak", pieces.master_piece))
    monkeypatch.setattr(stage, "hear_piece", u.wrap("hear", stage.hear_piece))
    return u


def build(ep, tts="piper", asr="faster-whisper"):
    return overlap.synthesize_and_transcribe(ep, "en", tts, asr, "base", {"on_event": lambda m: None})


def heard_one_by_one(ep, timeline: dict, cache_dir) -> list[str]:
    """Each piece of the MP3 heard alone, one after the other, on one thread (another cache)."""
    data = (ep / "episode.mp3").read_bytes()
    listener = stage.Listener("faster-whisper", "base", "en", cache_dir)
    out = []
    with threads.share(1):
        for p in timeline["pieces"]:
            segs, cached = stage.hear_piece(data[p["offset"]:p["offset"] + p["bytes"]], p["samples"], listener)
            assert not cached
            out.append("".join(w["word"] for s in segs for w in s["words"]))
    return out


@pytest.mark.slow
def test_two_tokens_hear_the_tail_two_at_a_time_and_the_same_words(tmp_path, isolated_cache, provisioned,
                                                                   monkeypatch, units):
    """The tiny episode is under 30 s of speech, so its pieces are all mastered at the end
    of synthesis: with T = 2 two hearers take them at once, and never more than 2 units run."""
    monkeypatch.setenv("PIPELINE_THREADS", "2")
    ep = write_episode(tmp_path / "ep")
    tl, tr, secs = build(ep)
    assert tl["loudness"]["layout"] == "pieces" and secs["pieces_heard_meanwhile"] == len(tl["segments"]) == 4
    assert units.most <= 2
    assert units.most_hearing == 2
    assert secs["synthesize"] > 0 and secs["transcribe"] > 0
    # what the build heard, piece by piece, is what hearing each piece alone gives
    alone = heard_one_by_one(ep, tl, tmp_path / "other-cache")
    by_segment = heard_per_segment(tr, tl)
    assert [by_segment[s["id"]] for s in tl["segments"]] == alone


def test_one_token_never_runs_two_units(tmp_path, isolated_cache, fake_engines, monkeypatch, units):
    """A batch worker's budget (T = 1): speaking and hearing take turns."""
    monkeypatch.setenv("PIPELINE_THREADS", "1")
    ep = write_episode(tmp_path / "ep")
    tl, tr, secs = build(ep, "fake", "fake")
    assert secs["pieces_heard_meanwhile"] == 4
    assert units.most == 1 and units.most_hearing == 1
    last_speak = max(i for i, kind in enumerate(units.order) if kind == "speak")
    assert "hear" in units.order[:last_speak]       # turns: pieces heard before the synthesis ended


def test_a_hearer_failure_fails_the_build(tmp_path, isolated_cache, fake_engines, monkeypatch):
    monkeypatch.setenv("PIPELINE_THREADS", "2")
    real = stage.hear_piece
    calls = []

    def second_fails(mp3, samples, listener):
        calls.append(mp3)
        if len(calls) == 2:
            raise EngineError("whisper failed on the second piece")
        return real(mp3, samples, listener)

    monkeypatch.setattr(stage, "hear_piece", second_fails)
    ep = write_episode(tmp_path / "ep")
    with pytest.raises(EngineError, match="second piece"):
        build(ep, "fake", "fake")
    assert not (ep / "transcript.json").exists()


def test_a_synthesis_failure_abandons_the_hearers(tmp_path, isolated_cache, monkeypatch):
    """abandon(): the build raises the synthesis's error at once, the hearers stop."""
    monkeypatch.setenv("PIPELINE_THREADS", "2")

    def broken(*args, **kwargs):
        raise EngineError("piper broke")

    monkeypatch.setattr(overlap.synth_stage, "synthesize", broken)
    before = threading.active_count()
    with pytest.raises(EngineError, match="piper broke"):
        build(write_episode(tmp_path / "ep"))
    deadline = time.monotonic() + 5
    while threading.active_count() > before and time.monotonic() < deadline:
        time.sleep(0.01)
    assert threading.active_count() == before


# ---- the tokens alone, with instrumented units (no engines)

def fake_transcriber(monkeypatch, tokens, hear_s: float, log: list):
    def hear(mp3, samples, listener):
        log.append("hear")
        time.sleep(hear_s)
        return [], False

    monkeypatch.setattr(stage, "hear_piece", hear)
    return overlap.PieceTranscriber("en", "faster-whisper", "base", tokens)


def eventually(condition, timeout: float = 5.0) -> bool:
    """Whether `condition()` holds within `timeout`: threads are polled, not slept
    for, so a loaded machine slows the test down instead of failing it."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.002)
    return True


class FakePiece:
    def __init__(self, i):
        self.mp3, self.samples = bytes([i]), 0


def test_one_token_alternates_speaking_and_hearing(monkeypatch):
    tokens = overlap.CoreTokens(1)
    log: list[str] = []
    hearing = fake_transcriber(monkeypatch, tokens, 0.05, log)
    tokens.start_speaking()
    for i in range(5):
        log.append("speak")
        time.sleep(0.02)
        hearing(i, FakePiece(i))
        assert eventually(lambda: tokens._hearers_waiting == 1)   # the hearer took the piece, waits for the token
        tokens.between_pieces()
    tokens.stop_speaking()
    hearing.close()
    assert tokens.most == 1
    assert log == ["speak", "hear"] * 5
    assert tokens.speaker_waited_s >= 5 * 0.05 * 0.9       # the hearing, not counted as synthesis


def test_two_tokens_hear_two_pieces_at_once_once_synthesis_is_done(monkeypatch):
    tokens = overlap.CoreTokens(2)
    log: list[str] = []
    hearing = fake_transcriber(monkeypatch, tokens, 0.2, log)
    tokens.start_speaking()
    for i in range(4):
        hearing(i, FakePiece(i))
        tokens.between_pieces()      # a hearer has its own token: the speaker keeps its
    assert eventually(lambda: tokens.running == 2)       # the speaker and one hearer
    tokens.stop_speaking()
    assert eventually(lambda: tokens.running == 2)       # two hearers
    hearing.close()
    assert tokens.most == 2 and log.count("hear") == 4
    assert tokens.speaker_waited_s < 0.05


def test_engines_not_safe_in_two_threads_get_one_hearer():
    assert asr.REGISTRY.get("faster-whisper").concurrent is True
    assert asr.REGISTRY.get("whisper").concurrent is False     # its transcribe hooks the shared model
    assert overlap.hearers_for("faster-whisper", 2) == 2
    assert overlap.hearers_for("whisper", 2) == 1
    assert overlap.hearers_for("faster-whisper", 1) == 1


def test_a_model_is_loaded_once_when_two_threads_ask_at_once():
    made = []

    @asr.loaded_once(maxsize=2)
    def load(name):
        made.append(name)
        time.sleep(0.1)              # long enough for the other thread to ask meanwhile
        return object()

    got = []
    ts = [threading.Thread(target=lambda: got.append(load("base"))) for _ in range(2)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    assert made == ["base"] and got[0] is got[1]
    assert load.cache_info().misses == 1       # type: ignore[attr-defined]


@pytest.mark.slow
@pytest.mark.parametrize("warm", [True, False])
def test_a_first_build_loads_the_model_on_the_core_the_head_leaves_idle(provisioned, warm):
    """Nothing can be heard until GAIN_SPEECH_S of speech is in: a first build (warm) loads
    faster-whisper with the free token meanwhile, not counted as hearing; a rebuild does
    not (its pieces may all be in the cache)."""
    from pipeline.asr.faster import load_model

    load_model.cache_clear()
    tokens = overlap.CoreTokens(2)
    tokens.start_speaking()                      # the speaker holds one token throughout
    hearing = overlap.PieceTranscriber("en", "faster-whisper", "base", tokens, warm=warm)
    loaded = eventually(lambda: load_model.cache_info().currsize == 1, timeout=60 if warm else 2)
    tokens.stop_speaking()
    hearing.close()
    assert loaded is warm
    assert tokens.most == (2 if warm else 1) and not hearing.listener.ran and not hearing.heard
