"""The second hearing: a number lost or changed in the episode's hearing, heard again
in its sentence alone.

Whisper hears a whole segment (a key point of several sentences) at once, and its
decoder writes what the words around a number make likely: French small numbers
said inside a sentence come out as homophones glued to their neighbours ("dont cent
un" -> "dont sans un"). verify then cuts out the audio of the sentence that holds
a failing number and has the same engine, model and decode settings hear that clip
alone (pipeline.transcribe.hear_clip). It stays blind: the engine is given the
clip's samples and the language, never a prompt, prefix or hotword, and nothing of
the script but where the sentence lies in time.

The number counts as heard only when that hearing holds the script's exact value
(numbers.compare says "ok" with the same value and unit) and the words that say it
lie inside the sentence's time window; the row keeps what the first hearing heard.
A number the voice said otherwise is heard otherwise alone too: it stays failing.

Where a sentence lies: the script's words are aligned (difflib, as the word diff)
with the words heard in the segment; the cut between two sentences is the middle of
the longest pause between the last heard word aligned to the one and the first
aligned to the next (a voice pauses between sentences). A sentence none of whose
words was heard has no window and is not heard again.
"""

from __future__ import annotations

import difflib
import logging
import os
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .. import numbers
from ..contracts import NumberRow, Word
from ..errors import PipelineError
from ..numbers import FAILING
from ..transcribe import Listener, hear_clip
from ..tts.sentences import sentence_of_numbers, sentence_spans
from .heard import heard_in

log = logging.getLogger(__name__)

# The clip reaches this far past the sentence's window (inside the segment's), so a
# word Whisper timed a little early or late is not cut; the value must still be heard
# inside the window itself.
PAD_S = 0.1
# A pause: FRAME_S frames under QUIET of the segment's loud frames, at least MIN_PAUSE_S long
# (Kokoro's pauses between sentences are near digital silence; a stop's closure is not).
FRAME_S = 0.02
QUIET = 0.02
MIN_PAUSE_S = 0.06
TOKEN_RE = re.compile(r"\S+")


def _norm(token: str) -> str:
    return re.sub(r"[^\w%$€£]", "", token.lower())


@dataclass(frozen=True)
class Window:
    """Where one sentence of a segment lies in the episode, in seconds."""
    start: float
    end: float

    def clip(self, lo: float, hi: float) -> tuple[float, float]:
        """The window padded by PAD_S, kept inside the segment's [lo, hi)."""
        return max(lo, self.start - PAD_S), min(hi, self.end + PAD_S)

    def holds(self, t0: float, t1: float) -> bool:
        return self.start <= (t0 + t1) / 2 <= self.end


def sentence_labels(text: str, lang: str, words: list[Word]) -> list[int | None]:
    """For each heard word, the index of the script sentence it was aligned to (None: not
    aligned, e.g. a misheard number)."""
    spans = sentence_spans(text, lang)
    tokens = list(TOKEN_RE.finditer(text))
    of_token = [next((i for i, (a, b) in enumerate(spans) if a <= m.start() < b), len(spans) - 1)
                for m in tokens]
    sm = difflib.SequenceMatcher(a=[_norm(m.group()) for m in tokens],
                                 b=[_norm(w["word"]) for w in words], autojunk=False)
    labels: list[int | None] = [None] * len(words)
    for i, j, n in sm.get_matching_blocks():
        for k in range(n):
            if _norm(words[j + k]["word"]):
                labels[j + k] = of_token[i + k]
    return labels


def pauses_in(samples, rate: int, offset: float) -> list[tuple[float, float]]:
    """The quiet stretches of mono `samples` (times from `offset` s): runs of FRAME_S frames
    whose loudness is under QUIET of the loud frames' (their 95th percentile)."""
    import numpy as np

    n = int(rate * FRAME_S)
    frames = len(samples) // n
    if frames == 0:
        return []
    rms = np.sqrt(np.mean(np.asarray(samples[:frames * n], dtype=np.float64).reshape(frames, n) ** 2, axis=1))
    quiet = list(rms < QUIET * float(np.percentile(rms, 95))) + [False]
    runs, start = [], None
    for i, q in enumerate(quiet):
        if q and start is None:
            start = i
        elif not q and start is not None:
            runs.append((offset + start * FRAME_S, offset + i * FRAME_S))
            start = None
    return runs


def _cut(words: list[Word], labels: list[int | None], k: int, pauses: list[tuple[float, float]]) -> float | None:
    """Where sentence k starts: the middle of the longest pause between the start of the last
    word aligned to an earlier sentence and the end of the first aligned to sentence k or a
    later one (Whisper stretches a word over the pause beside it, so the audio's pauses
    are looked at first; without one, the longest gap between the words' times)."""
    before = [j for j, s in enumerate(labels) if s is not None and s < k]
    after = [j for j, s in enumerate(labels) if s is not None and s >= k]
    if not before or not after:
        return None
    p, n = before[-1], after[0]
    lo, hi = words[p]["start"], words[n]["end"]
    inside = [(max(a, lo), min(b, hi)) for a, b in pauses if min(b, hi) - max(a, lo) >= MIN_PAUSE_S]
    if inside:
        a, b = max(inside, key=lambda ab: ab[1] - ab[0])
        return (a + b) / 2
    gaps = [(words[j + 1]["start"] - words[j]["end"], j) for j in range(p, n)]
    _, j = max(gaps, key=lambda g: (g[0], -g[1]))
    return (words[j]["end"] + words[j + 1]["start"]) / 2


def sentence_windows(text: str, lang: str, words: list[Word], lo: float, hi: float,
                     pauses: Sequence[tuple[float, float]] = ()) -> list[Window | None]:
    """Each sentence of a segment's `text` -> its window inside the segment's [lo, hi),
    from the words heard there and the audio's `pauses` (pauses_in); None for a sentence
    none of whose words was heard."""
    labels = sentence_labels(text, lang, words)
    count = len(sentence_spans(text, lang))
    starts = [lo] + [_cut(words, labels, k, list(pauses)) for k in range(1, count)]
    out: list[Window | None] = []
    for k in range(count):
        if k not in labels:
            out.append(None)
            continue
        start = starts[k]
        end = next((s for s in starts[k + 1:] if s is not None), hi)
        out.append(Window(lo if start is None else start, end))
    return out


class Hearer:
    """The episode's MP3 and the engine, model and language that heard it: hears clips of
    it alone, and counts them and their CPU seconds (the engine's own threads included)."""

    def __init__(self, audio: Path, engine: str, model: str, language: str, cache_dir: Path | None = None):
        self.audio, self.listener = audio, Listener(engine, model, language, cache_dir)
        self.clips, self.cached, self.seconds = 0, 0, 0.0
        self.error: str | None = None    # why no clip could be heard (then none is tried again)

    def pauses(self, lo: float, hi: float) -> list[tuple[float, float]] | None:
        """The audio's pauses in [lo, hi) s (pauses_in); None when it cannot be read."""
        from ..asr.audio import SAMPLE_RATE, load_audio

        if self.error is not None:
            return None
        try:
            return pauses_in(load_audio(self.audio, start_s=lo, end_s=hi), SAMPLE_RATE, lo)
        except PipelineError as e:
            self.error = str(e)
            log.warning("no second hearing: %s", e)
            return None

    def hear(self, lo: float, hi: float) -> list[Word] | None:
        """The words heard in [lo, hi) s alone (episode times); None when it cannot hear."""
        if self.error is not None:
            return None
        t0 = _cpu()
        try:
            segs, cached = hear_clip(self.audio, lo, hi, self.listener)
        except PipelineError as e:
            self.error = str(e)
            log.warning("no second hearing: %s", e)
            return None
        finally:
            self.seconds += _cpu() - t0
        self.clips += 1
        self.cached += cached
        return [w for seg in segs for w in seg.get("words") or []]

    def summary(self, counted: int) -> dict:
        out = {"sentences": self.clips, "cached": self.cached, "counted": counted,
               "cpu_seconds": round(self.seconds, 2)}
        return {**out, "error": self.error} if self.error else out


def _cpu() -> float:
    t = os.times()
    return time.process_time() + t.children_user + t.children_system


def recheck(text: str, rows: list[NumberRow], words: list[Word], lo: float, hi: float,
            lang: str, hearer: Hearer) -> None:
    """Hear again, alone, each sentence of a segment holding a failing number of `rows`
    (numbers.extract order of `text`); a number heard there with its exact value is ok."""
    failing = [i for i, r in enumerate(rows) if r["status"] in FAILING]
    if not failing:
        return
    mentions = numbers.extract(text, lang)
    where = sentence_of_numbers(text, lang)
    pauses = hearer.pauses(lo, hi)
    if pauses is None:
        return
    windows = sentence_windows(text, lang, words, lo, hi, pauses)
    for k in sorted({where[i] for i in failing}):
        window = windows[k]
        if window is None:
            continue
        clip = window.clip(lo, hi)
        heard = hearer.hear(*clip)
        if heard is None:
            return
        said = [i for i, s in enumerate(where) if s == k]
        _judge(heard, said, [i for i in said if i in failing], mentions, rows, window, clip, lang)


def _judge(clip_words: list[Word], said: list[int], failing: list[int], mentions: list,
           rows: list[NumberRow], window: Window, clip: tuple[float, float], lang: str) -> None:
    """Compare the sentence's numbers with the clip's words; count the exact ones in the window."""
    heard = heard_in(clip_words, clip[0], clip[1] + 1.0)     # every word the clip gave
    matches = numbers.compare([mentions[i] for i in said], heard.text, lang)
    for i in failing:
        m = matches[said.index(i)]
        times = heard.times(m.heard.start, m.heard.end) if m.heard else None
        exact = (m.status == "ok" and m.heard is not None and times is not None and window.holds(*times)
                 and (m.heard.value, m.heard.unit) == (m.script.value, m.script.unit))
        row = rows[i]
        row["second_hearing"] = {"start": round(window.start, 2), "end": round(window.end, 2),
                                 "text": heard.text, "heard": m.heard.text if m.heard else None,
                                 "status": m.status, "counted": exact,
                                 "first": {"status": row["status"], "heard": row["heard"]}}
        if exact and times is not None and m.heard is not None:
            row["status"], row["heard"] = "ok", m.heard.text
            row["start"], row["end"] = round(times[0], 2), round(times[1], 2)
