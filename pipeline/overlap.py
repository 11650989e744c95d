"""Synthesis and transcription at once: each segment's MP3 piece is transcribed
by a hearer thread while the next segment is spoken.

The pieces are the episode's own frames (pipeline.audio.pieces), so what the
transcriber hears here is what pipeline.transcribe.transcribe_episode would
hear in the finished episode.mp3: it keeps the words by the piece's bytes,
and transcribe_episode, run once synthesis ends, finds every piece heard and
only puts the words in place (checking that the MP3 holds those very bytes).
When the episode could not be joined from pieces (music beds, short pauses,
loudness outside the tolerances), transcribe_episode hears it as before.

Cores: the build's thread budget T (pipeline.threads) is T core tokens. Every
unit of work holds one token while it runs, on one thread: the synthesis
thread speaking and mastering up to its next piece (in order, as before), or a
hearer hearing one piece. Up to T hearers pull the queued pieces (one, for an
engine that cannot be called from two threads at once). With T = 2 (one build
on two cores) synthesis and one hearer run side by side, and once synthesis is
done the pieces still queued are heard two at a time instead of one by one
beside an idle core. With T = 1 (a batch worker's share of the cores) speaking
and hearing take turns, so a worker never keeps two cores busy.
"""

from __future__ import annotations

import hashlib
import queue
import threading
import time
from contextlib import contextmanager
from pathlib import Path

from . import progress, threads
from . import synthesize as synth_stage
from . import transcribe as asr_stage
from .asr import REGISTRY as ASR_ENGINES
from .contracts import Timeline
from .episode import AUDIO, SCRIPT, TIMELINE, TRANSCRIPT
from .errors import EngineError

_DONE = None


class CoreTokens:
    """T tokens; a unit of work holds one while it runs. The speaker (the synthesis
    thread) goes first when it waits, since it feeds the hearers; but at each piece
    it hands its token to a waiting hearer when none is hearing (with T = 1 they
    take turns; with T >= 2 a hearer always has a token of its own)."""

    def __init__(self, total: int):
        self.total = max(1, total)
        self._free = self.total
        self._cond = threading.Condition()
        self._speaker_waits = False
        self._speaking = False
        self._hearers_waiting = 0
        self._hearing = 0
        self._hearer_takes = 0       # tokens taken by hearers so far: a hand-over is seen taken
        self.running = 0             # units holding a token now
        self.most = 0                # the most units that ever ran at once
        self.speaker_waited_s = 0.0  # the synthesis thread's time without a token

    def _take(self) -> None:
        self._free -= 1
        self.running += 1
        self.most = max(self.most, self.running)

    def _give(self) -> None:
        self._free += 1
        self.running -= 1
        self._cond.notify_all()

    @contextmanager
    def hearing(self):
        """Hold a token while hearing one piece."""
        with self._cond:
            self._hearers_waiting += 1
            try:
                self._cond.wait_for(lambda: self._free > 0 and not self._speaker_waits)
            finally:
                self._hearers_waiting -= 1
            self._take()
            self._hearing += 1
            self._hearer_takes += 1
            self._cond.notify_all()      # a speaker that handed its token over waits for this
        try:
            yield
        finally:
            with self._cond:
                self._hearing -= 1
                self._give()

    def start_speaking(self) -> None:
        t0 = time.perf_counter()
        with self._cond:
            self._take_as_speaker()
        self.speaker_waited_s += time.perf_counter() - t0

    def _take_as_speaker(self) -> None:
        """(Holding the lock.) Wait for a token, ahead of the hearers, and take it."""
        self._speaker_waits = True
        try:
            self._cond.wait_for(lambda: self._free > 0)
        finally:
            self._speaker_waits = False
        self._take()
        self._speaking = True

    def stop_speaking(self) -> None:
        with self._cond:
            if self._speaking:
                self._speaking = False
                self._give()

    def between_pieces(self) -> None:
        """The synthesis thread made a piece: when a hearer waits and none hears, hand it
        the token, wait until it took it, then wait for a token again (ahead of the hearers)."""
        t0 = time.perf_counter()
        with self._cond:
            if not (self._speaking and self._hearers_waiting and self._hearing == 0):
                return
            takes = self._hearer_takes
            self._speaking = False
            self._give()
            self._cond.wait_for(lambda: self._hearer_takes != takes or not self._hearers_waiting)
            self._take_as_speaker()
        self.speaker_waited_s += time.perf_counter() - t0


def hearers_for(engine: str, tokens: int) -> int:
    """As many hearers as tokens, for an engine that may be called from several threads."""
    try:
        concurrent = bool(getattr(ASR_ENGINES.get(engine), "concurrent", False))
    except EngineError:     # unknown: it fails when it is first asked to hear, as before
        concurrent = False
    return tokens if concurrent else 1


class PieceTranscriber:
    """`on_piece` for pipeline.synthesize: pieces queue up and hearer threads transcribe
    them, each holding a core token (`tokens`) while it hears one."""

    def __init__(self, language: str, engine: str, model: str, tokens: CoreTokens | None = None,
                 cache_dir: Path | None = None, warm: bool = False):
        self.listener = asr_stage.Listener(engine, model, language, cache_dir)
        self._warm = warm
        self.tokens = tokens or CoreTokens(1)
        self.busy_s = 0.0                # the hearers' busy time, added up
        self.heard: set[str] = set()     # sha256 of the pieces transcribed (not found in the cache)
        self._queue: queue.Queue = queue.Queue()
        self._lock = threading.Lock()
        self._error: BaseException | None = None
        self._abandoned = False
        n = hearers_for(engine, self.tokens.total)
        self._threads = [threading.Thread(target=self._run, args=(n,), name=f"hear-pieces-{i}", daemon=True)
                         for i in range(n)]
        for t in self._threads:
            t.start()

    def __call__(self, index: int, piece) -> None:
        self._queue.put(piece)

    def _stopped(self) -> bool:
        return self._error is not None or self._abandoned

    def _run(self, hearers: int) -> None:
        # one thread per hearer; `hearers` of them may call the engine at once
        with threads.share(1, hearers), progress.quiet():   # the bar is the synthesis's
            if self._warm and threading.current_thread() is self._threads[0]:
                self._warm_up()
            while (piece := self._queue.get()) is not _DONE:
                if self._stopped():
                    continue            # drain: an error is raised by close()
                with self.tokens.hearing():
                    if not self._stopped():
                        self._hear(piece)

    def _warm_up(self) -> None:
        """Load the model while the first pieces are spoken: until GAIN_SPEECH_S of speech
        is in (pipeline.audio.assemble) there is nothing to hear and a core is idle."""
        with self.tokens.hearing():
            try:
                self.listener.warm()
            except BaseException as e:  # noqa: BLE001  (handed to the synthesizing thread)
                with self._lock:
                    self._error = self._error or e

    def _hear(self, piece) -> None:
        t0 = time.perf_counter()
        try:
            _, cached = asr_stage.hear_piece(piece.mp3, piece.samples, self.listener)
            if not cached:
                with self._lock:
                    self.heard.add(hashlib.sha256(piece.mp3).hexdigest())
        except BaseException as e:  # noqa: BLE001  (handed to the synthesizing thread)
            with self._lock:
                self._error = self._error or e
        finally:
            with self._lock:
                self.busy_s += time.perf_counter() - t0

    def _stop_all(self) -> None:
        for _ in self._threads:
            self._queue.put(_DONE)

    def abandon(self) -> None:
        """Synthesis failed (or was interrupted): hear nothing more, wait for nothing."""
        self._abandoned = True
        self._stop_all()

    def close(self) -> None:
        """Wait for the queued pieces; raise what went wrong in a hearer."""
        self._stop_all()
        for t in self._threads:
            t.join()
        if self._error is not None:
            raise self._error


def synthesize_and_transcribe(out: Path, language: str, tts: str, asr: str, model: str,
                              synthesize_kw: dict | None = None) -> tuple[Timeline, dict, dict]:
    """out/script.yaml -> episode.mp3, timeline.json and transcript.json, the two engines
    at once. Returns (timeline, transcript, seconds): each engine's own busy time
    ("synthesize", "transcribe": the time its units held a core token, added up)
    and the wall time of the whole ("wall")."""
    out = Path(out)
    tokens = CoreTokens(threads.build_threads())
    t0 = time.perf_counter()
    # a first build of this folder hears everything: the model loads while the head is spoken
    hearing = PieceTranscriber(language, asr, model, tokens, warm=not (out / TRANSCRIPT).exists())

    def on_piece(index: int, piece) -> None:
        hearing(index, piece)
        tokens.between_pieces()

    try:
        timeline = _speak_holding_a_token(tokens, out, tts, on_piece, synthesize_kw or {})
    except BaseException:
        hearing.abandon()
        raise
    synth_s = time.perf_counter() - t0 - tokens.speaker_waited_s   # busy: not waiting for a token
    hearing.close()
    t1 = time.perf_counter()
    transcript = asr_stage.transcribe_episode(out / AUDIO, out / TIMELINE, out / TRANSCRIPT, language,
                                              engine=asr, model=model,
                                              heard_meanwhile=frozenset(hearing.heard))
    merge_s = time.perf_counter() - t1
    return timeline, transcript, {"synthesize": round(synth_s, 3),
                                  "transcribe": round(hearing.busy_s + merge_s, 3),
                                  "wall": round(time.perf_counter() - t0, 3),
                                  "pieces_heard_meanwhile": len(hearing.heard)}


def _speak_holding_a_token(tokens: CoreTokens, out: Path, tts: str, on_piece, synthesize_kw: dict) -> Timeline:
    """pipeline.synthesize in this thread, one token held (handed over between pieces)."""
    with threads.share(1):      # one unit, one thread: piper's onnxruntime gets 1 intra-op thread
        tokens.start_speaking()
        try:
            spare = tokens.hearing if tokens.total >= 2 else None     # the head's idle core (tts.ahead)
            return synth_stage.synthesize(out / SCRIPT, out, engine=tts, on_piece=on_piece, spare_core=spare,
                                          **synthesize_kw)
        finally:
            tokens.stop_speaking()
