"""Two hosts at one level: each turn brought to the same loudness before mastering,
and each host's loudness measured in the finished episode.

Two voices come out of the leveller and compressor (pipeline.audio.dynamics) at
different levels: the compressor takes more off a peaky voice. So each turn's
processed speech is trimmed to one level (`level_matched`, kept in the TTS
cache beside the raw speech, where the assembly finds it), and the episode's
one gain then masters both voices alike (docs/conversation.md).
"""

from __future__ import annotations

import hashlib
import math
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from .ffmpeg import SAMPLE_RATE
from .loudness import integrated_lufs
from .wav import pcm16, read_wav, wav_ok, write_wav

VERSION = 4                 # part of the matched WAV's name: bump when the matching changes
MATCH_LUFS = -26.0          # every turn after the compressor (the episode's gain does the rest)
TURN_GAP_MS = 250           # between two turns of a point (a reply, not a new topic)


def level_matched(wav: Path, tail_ms: int = 0, aim_lufs: float = -16.0, ceiling_db: float = -1.0) -> Path:
    """`wav` with `tail_ms` of silence after it (the longer pause that closes a point),
    beside it, whose dynamics (leveller and compressor, as load_dynamics keeps them) are
    trimmed to MATCH_LUFS: the compressor takes more off a peaky voice (piper's joe lost
    2.2 LU more than Kokoro's af_heart on the demo), so two voices only meet after it.
    The true-peak limiter, too, takes more off a peaky voice: the trim is judged on the
    turn as the episode's limiter will leave it (`trim_db`, for `aim_lufs` under `ceiling_db`).
    Silence or < 400 ms of speech keeps its level."""
    from . import dynamics
    from .assemble import dynamics_path, load_at_rate, store_dynamics

    wav = Path(wav)
    out = wav.with_name(f"{wav.stem}.lm{VERSION}_{tail_ms}_{round(aim_lufs * 10)}_{round(ceiling_db * 10)}.wav")
    if wav_ok(out) and dynamics_path(out).exists():
        return out
    x, sr = read_wav(wav)
    write_wav(out, pcm16(np.concatenate([x, np.zeros(round(sr * tail_ms / 1000))])), sr)
    dyn = dynamics.process(load_at_rate(out))
    trim = trim_db(dyn.samples, aim_lufs, ceiling_db)
    dyn.samples = (dyn.samples * 10 ** (trim / 20)).astype(np.float32)
    store_dynamics(out, dyn)
    return out


def matched_key(wav: Path) -> str:
    """A level-matched turn's identity: its WAV and its trimmed dynamics (the piece cache
    and the transcript reuse key on it: a new trim is new audio)."""
    from ..fsio import sha256_file
    from .assemble import dynamics_path

    return hashlib.sha256((sha256_file(wav) + sha256_file(dynamics_path(wav))).encode()).hexdigest()


def trim_db(samples: np.ndarray, aim_lufs: float, ceiling_db: float, rounds: int = 3) -> float:
    """The gain that puts `samples` at MATCH_LUFS as the episode's true-peak limiter will
    leave them (the episode's gain is about aim_lufs - MATCH_LUFS); 0 for silence."""
    from .limiter import limit
    from .pieces import ENCODE_MARGIN_DB  # the limiter holds peaks this far under the ceiling

    episode_gain = aim_lufs - MATCH_LUFS
    trim = 0.0
    for _ in range(rounds):
        limited, _ = limit(samples * 10 ** ((trim + episode_gain) / 20), ceiling_db - ENCODE_MARGIN_DB)
        lufs = integrated_lufs(limited[:, 0], SAMPLE_RATE) - episode_gain
        if not math.isfinite(lufs):
            return 0.0
        trim += MATCH_LUFS - lufs
    return trim



def turn_gaps(segs: Sequence[Mapping[str, Any]], pause_ms: int) -> tuple[int, list[int]]:
    """(the pause between two turns, each turn's tail of silence): a short TURN_GAP_MS
    between the turns of a point, `pause_ms` in all after the last turn of a point."""
    gap = min(pause_ms, TURN_GAP_MS)
    tails = [0 if i + 1 == len(segs) or nxt.get("chapter") == seg.get("chapter") else pause_ms - gap
             for i, (seg, nxt) in enumerate(zip(segs, [*segs[1:], {}]))]
    return gap, tails


def speaker_loudness(audio: np.ndarray, spans: list[tuple[str, float, float]],
                     sample_rate: int) -> dict[str, float]:
    """{speaker: integrated LUFS of all their turns joined}, from the episode's samples and
    (speaker, start s, end s) of each turn."""
    parts: dict[str, list[np.ndarray]] = {}
    for speaker, start, end in spans:
        parts.setdefault(speaker, []).append(audio[int(start * sample_rate):int(end * sample_rate)])
    return {name: round(integrated_lufs(np.concatenate(p), sample_rate), 2) for name, p in parts.items()}


def episode_speaker_loudness(mp3: str | os.PathLike, segments: Sequence[Mapping[str, Any]]) -> dict[str, float]:
    """speaker_loudness of a built episode (timeline segments with speaker, start, end)."""
    from .ffmpeg import decode

    spans = [(s["speaker"], s["start"], s["end"]) for s in segments if s.get("speaker")]
    if not spans:
        return {}
    audio = decode(mp3, 1)[:, 0]
    return speaker_loudness(audio, spans, SAMPLE_RATE)


PITCH_RANGE_HZ = (60.0, 400.0)     # speaking voices, low male to high female
YIN_VOICED = 0.3                   # a frame whose best dip is shallower is unvoiced
YIN_MARGIN = 0.05


def median_pitch(audio: np.ndarray, sample_rate: int, frame_s: float = 0.04, hop_s: float = 0.01) -> float | None:
    """The median fundamental frequency (Hz) of the voiced frames of `audio` (YIN's
    cumulative mean normalized difference); None when no frame is voiced. What tells
    two hosts apart from the audio alone (tests/test_conversation_audio.py)."""
    x = np.asarray(audio, dtype=np.float64)
    n, hop = int(frame_s * sample_rate), int(hop_s * sample_rate)
    lo, hi = int(sample_rate / PITCH_RANGE_HZ[1]), int(sample_rate / PITCH_RANGE_HZ[0])
    if len(x) < n + hi + hop:
        return None
    starts = np.arange(0, len(x) - n - hi, hop)
    frames = x[starts[:, None] + np.arange(n + hi)]
    voiced = np.sqrt(np.mean(frames[:, :n] ** 2, axis=1)) > max(0.3 * np.sqrt(np.mean(x ** 2)), 1e-6)
    frames = frames[voiced]                          # pauses and breaths skipped
    if not len(frames):
        return None
    cmnd = _cmnd(frames, n, hi)
    found = [f for f in (_period(row, lo) for row in cmnd) if f is not None]
    return float(np.median(sample_rate / np.array(found))) if found else None


def _cmnd(frames: np.ndarray, n: int, hi: int) -> np.ndarray:
    """YIN's cumulative mean normalized difference of each frame, lags 1..hi."""
    size = 1 << int(np.ceil(np.log2(2 * (n + hi))))
    spec = np.fft.rfft(frames, size) * np.conj(np.fft.rfft(frames[:, :n], size))
    corr = np.fft.irfft(spec, size)[:, :hi + 1]      # sum base[j] * frame[j + tau]
    sq = np.concatenate([np.zeros((len(frames), 1)), np.cumsum(frames ** 2, axis=1)], axis=1)
    energy = sq[:, n:n + hi + 1] - sq[:, :hi + 1]    # sum frame[tau:tau + n] ** 2
    diff = sq[:, n:n + 1] + energy - 2 * corr
    lags = np.arange(1, hi + 1)
    return diff[:, 1:] * lags / np.maximum(np.cumsum(diff[:, 1:], axis=1), 1e-12)


def _period(cmnd: np.ndarray, lo: int) -> float | None:
    """The period (samples, parabolic-refined) of one frame, or None when it is unvoiced:
    the first dip within YIN_MARGIN of the deepest one (the deepest alone may be twice the
    period; the first under a fixed threshold, half of it when the second harmonic is strong)."""
    span = cmnd[lo - 1:]
    deepest = float(span.min())
    if deepest > YIN_VOICED:
        return None
    tau = int(np.nonzero(span <= deepest + YIN_MARGIN)[0][0]) + lo - 1
    while tau + 1 < len(cmnd) and cmnd[tau + 1] < cmnd[tau]:
        tau += 1                                     # down to the dip's bottom
    if 0 < tau < len(cmnd) - 1:
        a, b, c = cmnd[tau - 1], cmnd[tau], cmnd[tau + 1]
        curve = a - 2 * b + c
        return tau + 1 + (0.5 * (a - c) / curve if curve else 0.0)
    return float(tau + 1)
