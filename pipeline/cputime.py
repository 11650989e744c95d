"""CPU seconds by part of a build (speech, mastering, model loads), for `make bench`.

Synthesis and hearing run at once on threads (pipeline.overlap), so the
process's CPU clock cannot tell them apart. A part that runs on one Python
thread is counted on that thread's own clock (time.thread_time), plus the CPU
of the subprocesses that finished meanwhile (ffmpeg's encodes; only the
synthesis thread starts any while others run). An account opened inside
another is not counted again in the outer one: the TTS engine's time is taken
out of the synthesis thread's, which leaves its mastering.

Work on native threads shows on no Python thread's clock: CTranslate2 runs
faster-whisper's encode and decode on its own workers. scripts/bench.py counts
hearing as the CPU of the overlapped stage less what this ledger holds.

Standard library only, and a few clock reads per segment: always on.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

TTS, MASTERING, MODEL_LOADS = "tts", "mastering", "model loads"

_lock = threading.Lock()
_totals: dict[str, float] = {}
_local = threading.local()


def children_seconds() -> float:
    """CPU of this process's finished children (user + system)."""
    t = os.times()
    return t.children_user + t.children_system


def _clock() -> float:
    return time.thread_time() + children_seconds()


@contextmanager
def account(part: str) -> Iterator[None]:
    """Add this thread's CPU inside the block (less any account opened inside it) to `part`."""
    stack: list[list[float]] = getattr(_local, "stack", None) or []
    _local.stack = stack
    frame = [_clock(), 0.0]       # start, spent in inner accounts
    stack.append(frame)
    try:
        yield
    finally:
        stack.pop()
        spent = _clock() - frame[0]
        if stack:
            stack[-1][1] += spent
        with _lock:
            _totals[part] = _totals.get(part, 0.0) + spent - frame[1]


def snapshot() -> dict[str, float]:
    """CPU seconds by part so far in this process (subtract two to time a stretch)."""
    with _lock:
        return dict(_totals)


def since(before: dict[str, float]) -> dict[str, float]:
    """CPU seconds by part since `before` (a snapshot)."""
    now = snapshot()
    return {k: v - before.get(k, 0.0) for k, v in now.items()}
