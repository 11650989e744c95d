"""Speech dynamics before the limiter: a slow leveller, then a gentle compressor.

    dyn = process(samples)          # one segment, mono 44.1 kHz
    dyn.samples, dyn.level_db, dyn.comp_db

Offline TTS speaks evenly but with a high peak-to-loudness ratio (piper: about
-20.5 LUFS with sample peaks at 0 dBFS, 20-21 dB) while -16 LUFS under a
-3 dBTP pre-encode ceiling allows about 13. Without this stage the limiter
takes that difference off alone (up to 17 dB, over 3 dB on half the speech).

1. Leveller: rides each segment towards LEVEL_TARGET_LUFS, judging the level
   on the speech around each point (LEVEL_WINDOW_S of gated momentary
   loudness: pauses and breaths do not count) and moving the gain slowly
   (LEVEL_SMOOTH_S), at most LEVEL_RANGE_DB either way.
2. Compressor: RMS detector over COMP_DETECT_S, COMP_RATIO above
   COMP_THRESHOLD_DBFS with a soft knee; its gain reduction falls at
   COMP_RELEASE_DB_S after a loud syllable and, offline, rises ahead of it at
   COMP_ATTACK_DB_S (look-ahead without latency: the gain is computed for
   the whole segment before it is applied).

Both are gains only: no sample moves and the length never changes, so the
segment times stay exact. Both are local to a segment (music is never
compressed), so the result is kept beside the segment's audio and an edit
processes the new segment only. Measured against ffmpeg's speechnorm,
dynaudnorm and acompressor on the demo: see docs/audio.md, "Why this chain".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .ffmpeg import SAMPLE_RATE
from .limiter import BLOCK, per_sample, running_mean
from .loudness import kweight, lufs_from_power

VERSION = 1                     # part of the cache file names: bump when a constant below changes
LEVEL_TARGET_LUFS = -20.0       # the leveller aims here; the episode's one gain does the rest
LEVEL_WINDOW_S = 3.0            # speech judged over this much time around each point
LEVEL_SMOOTH_S = 1.0            # the leveller's gain moves over about this long
LEVEL_RANGE_DB = 6.0            # at most this much gain either way
LEVEL_HOP = 4410                # leveller resolution, samples (100 ms)
MOMENTARY_S = 0.4               # BS.1770 momentary window
SPEECH_GATE_LU = -20.0          # momentary loudness this far under the segment's is a pause
COMP_THRESHOLD_DBFS = -24.0     # RMS level (over COMP_DETECT_S) where compression starts
COMP_RATIO = 4.0
COMP_KNEE_DB = 6.0
COMP_DETECT_S = 0.002
COMP_ATTACK_DB_S = 2000.0       # 6 dB in 3 ms, ahead of the syllable
COMP_RELEASE_DB_S = 300.0       # 6 dB in 20 ms after it
COMP_SMOOTH_S = 0.003           # rounds the corners of the gain


@dataclass
class Dynamics:
    samples: np.ndarray         # the processed segment, float32, same length
    level_db: np.ndarray        # leveller gain per LEVEL_HOP, dB; NaN where no speech
    comp_db: np.ndarray         # compressor reduction per master.BLOCK, dB; NaN where no speech

    def speech_blocks(self) -> np.ndarray:
        """Which master.BLOCK blocks of the segment are speech (not pause)."""
        return ~np.isnan(self.comp_db)


def hop_count(n: int) -> int:
    return max(0, -(-(n - LEVEL_HOP // 2) // LEVEL_HOP))


def packed_length(n: int) -> int:
    """Length of `pack` for a segment of n samples (the size of its cache file)."""
    return n + hop_count(n) + -(-n // BLOCK)


def pack(dyn: Dynamics) -> np.ndarray:
    return np.concatenate([dyn.samples, dyn.level_db, dyn.comp_db]).astype(np.float32)


def unpack(data: np.ndarray, n: int) -> Dynamics:
    h = hop_count(n)
    return Dynamics(data[:n], data[n:n + h], data[n + h:])


def process(seg: np.ndarray, sample_rate: int = SAMPLE_RATE) -> Dynamics:
    """Leveller, then compressor, on one segment (mono float)."""
    x = np.asarray(seg, dtype=np.float64)
    level_gain, level_db, active = level(x, sample_rate)
    y = x * level_gain
    comp_gain, comp_db = compress(y, sample_rate)
    centres = np.arange(len(comp_db)) * BLOCK + BLOCK // 2
    hop = np.minimum(centres // LEVEL_HOP, max(0, len(active) - 1))   # the nearest hop centre
    speech = active[hop] if len(active) else np.zeros(len(comp_db), bool)
    return Dynamics((y * comp_gain).astype(np.float32),
                    np.where(active, level_db, np.nan).astype(np.float32),
                    np.where(speech, comp_db, np.nan).astype(np.float32))


def level(x: np.ndarray, sample_rate: int = SAMPLE_RATE) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The leveller's per-sample gain, its gain per hop (dB) and which hops are speech."""
    n = len(x)
    power = kweight(x, sample_rate)[:n] ** 2
    centres = np.arange(LEVEL_HOP // 2, n, LEVEL_HOP)
    cum = np.concatenate([[0.0], np.cumsum(power)])
    half = round(MOMENTARY_S * sample_rate) // 2
    lo, hi = np.clip(centres - half, 0, n), np.clip(centres + half, 0, n)
    momentary = (cum[hi] - cum[lo]) / np.maximum(hi - lo, 1)
    loudness = lufs_from_power(power, sample_rate)
    if not len(centres) or not np.isfinite(loudness):
        return np.ones(n), np.zeros(len(centres)), np.zeros(len(centres), bool)
    with np.errstate(divide="ignore"):
        active = -0.691 + 10 * np.log10(momentary) > max(-70.0, loudness + SPEECH_GATE_LU)
    if not active.any():
        return np.ones(n), np.zeros(len(centres)), active
    # the loudness of the speech around each hop: the mean power of its speech hops
    w = round(LEVEL_WINDOW_S * sample_rate / LEVEL_HOP) | 1
    speech_power = running_mean(np.where(active, momentary, 0.0), w)
    share = running_mean(active.astype(np.float64), w)
    with np.errstate(divide="ignore", invalid="ignore"):
        around = -0.691 + 10 * np.log10(speech_power / share)
    gain = np.clip(LEVEL_TARGET_LUFS - around, -LEVEL_RANGE_DB, LEVEL_RANGE_DB)
    idx = np.flatnonzero(active)
    gain = np.interp(np.arange(len(gain)), idx, gain[idx])          # pauses keep their neighbours' gain
    gain = running_mean(gain, round(LEVEL_SMOOTH_S * sample_rate / LEVEL_HOP) | 1)
    return 10 ** (np.interp(np.arange(n), centres, gain) / 20), gain, active


def compress(x: np.ndarray, sample_rate: int = SAMPLE_RATE) -> tuple[np.ndarray, np.ndarray]:
    """The compressor's per-sample gain and its reduction per master.BLOCK (dB)."""
    n = len(x)
    nb = -(-n // BLOCK)
    if nb == 0:
        return np.ones(0), np.zeros(0)
    sq = np.zeros(nb * BLOCK)
    sq[:n] = x * x
    rms = running_mean(sq.reshape(nb, BLOCK).mean(axis=1), max(1, round(COMP_DETECT_S * sample_rate / BLOCK)) | 1)
    over = 10 * np.log10(np.maximum(rms, 1e-12)) - COMP_THRESHOLD_DBFS
    slope, k = 1 - 1 / COMP_RATIO, COMP_KNEE_DB / 2
    need = np.where(over <= -k, 0.0,
                    np.where(over >= k, over * slope, slope * (over + k) ** 2 / (2 * COMP_KNEE_DB)))
    # Release: the reduction falls at most COMP_RELEASE_DB_S after a peak, i.e. the
    # running max of need[j] - rate * (t - t_j); attack: the same, backwards in time.
    t = np.arange(nb) * (BLOCK / sample_rate)
    held = np.maximum.accumulate(need + COMP_RELEASE_DB_S * t) - COMP_RELEASE_DB_S * t
    ahead = np.maximum.accumulate((held - COMP_ATTACK_DB_S * t)[::-1])[::-1] + COMP_ATTACK_DB_S * t
    reduction = running_mean(ahead, max(1, round(COMP_SMOOTH_S * sample_rate / BLOCK)) | 1)
    return per_sample(10 ** (-reduction / 20), n), reduction


def figures(dyns: list[Dynamics]) -> dict:
    """The leveller's gain range and the compressor's reduction over the speech, dB."""
    lev = np.concatenate([d.level_db for d in dyns]) if dyns else np.zeros(0)
    comp = np.concatenate([d.comp_db for d in dyns]) if dyns else np.zeros(0)
    lev, comp = lev[~np.isnan(lev)], comp[~np.isnan(comp)]
    return {"leveller_gain_db": percentiles(lev, ("min", "p5", "p50", "p95", "max")),
            "compressor_reduction_db": percentiles(comp, ("p50", "p95", "max"))}


def percentiles(x: np.ndarray, names: tuple[str, ...]) -> dict:
    """{"p50": ..., "max": ...} of x, rounded to 0.01; zeros when x is empty."""
    q = {"min": 0.0, "max": 100.0}
    return {k: round(float(np.percentile(x, q[k] if k in q else float(k[1:]))), 2) if len(x) else 0.0
            for k in names}
