"""Synthesis and transcription at once: each segment's MP3 piece is transcribed
in a second thread while the next segment is spoken.

The pieces are the episode's own frames (pipeline.audio.pieces), so what the
transcriber hears here is what pipeline.transcribe.transcribe_episode would
hear in the finished episode.mp3: it keeps the words by the piece's bytes,
and transcribe_episode, run once synthesis ends, finds every piece heard and
only puts the words in place (checking that the MP3 holds those very bytes).
When the episode could not be joined from pieces (music beds, short pauses,
loudness outside the tolerances), transcribe_episode hears it as before.

Threads: the build's budget (pipeline.threads) is split between the two
engines, so they share the cores instead of fighting over them.
"""

from __future__ import annotations

import hashlib
import queue
import threading
import time
from pathlib import Path

from . import progress, threads
from . import synthesize as synth_stage
from . import transcribe as asr_stage
from .contracts import Timeline
from .episode import AUDIO, SCRIPT, TIMELINE, TRANSCRIPT

_DONE = None


class PieceTranscriber:
    """`on_piece` for pipeline.synthesize: pieces queue up and one thread transcribes them."""

    def __init__(self, language: str, engine: str, model: str, threads_: int = 1,
                 cache_dir: Path | None = None):
        self.listener = asr_stage.Listener(engine, model, language, cache_dir)
        self.threads = threads_
        self.busy_s = 0.0
        self.heard: set[str] = set()     # sha256 of the pieces transcribed (not found in the cache)
        self._queue: queue.Queue = queue.Queue()
        self._error: BaseException | None = None
        self._abandoned = False
        self._thread = threading.Thread(target=self._run, name="transcribe-pieces", daemon=True)
        self._thread.start()

    def __call__(self, index: int, piece) -> None:
        self._queue.put(piece)

    def _run(self) -> None:
        with threads.share(self.threads), progress.quiet():   # the bar is the synthesis's
            while (piece := self._queue.get()) is not _DONE:
                if self._error is not None or self._abandoned:
                    continue            # drain: an error is raised by close()
                t0 = time.perf_counter()
                try:
                    _, cached = asr_stage.hear_piece(piece.mp3, piece.samples, self.listener)
                    if not cached:
                        self.heard.add(hashlib.sha256(piece.mp3).hexdigest())
                except BaseException as e:  # noqa: BLE001  (handed to the synthesizing thread)
                    self._error = e
                self.busy_s += time.perf_counter() - t0

    def abandon(self) -> None:
        """Synthesis failed (or was interrupted): hear nothing more, wait for nothing."""
        self._abandoned = True
        self._queue.put(_DONE)

    def close(self) -> None:
        """Wait for the queued pieces; raise what went wrong in the thread."""
        self._queue.put(_DONE)
        self._thread.join()
        if self._error is not None:
            raise self._error


def split_threads() -> tuple[int, int]:
    """(speech engine's threads, transcriber's threads) out of the build's budget."""
    total = threads.build_threads()
    tts = max(1, total // 2)
    return tts, max(1, total - tts)


def synthesize_and_transcribe(out: Path, language: str, tts: str, asr: str, model: str,
                              synthesize_kw: dict | None = None) -> tuple[Timeline, dict, dict]:
    """out/script.yaml -> episode.mp3, timeline.json and transcript.json, the two engines
    at once. Returns (timeline, transcript, seconds): each engine's own busy time
    ("synthesize", "transcribe") and the wall time of the whole ("wall")."""
    out = Path(out)
    tts_threads, asr_threads = split_threads()
    t0 = time.perf_counter()
    hearing = PieceTranscriber(language, asr, model, asr_threads)
    try:
        with threads.share(tts_threads):
            timeline = synth_stage.synthesize(out / SCRIPT, out, engine=tts, on_piece=hearing,
                                              **(synthesize_kw or {}))
    except BaseException:
        hearing.abandon()
        raise
    synth_s = time.perf_counter() - t0
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
