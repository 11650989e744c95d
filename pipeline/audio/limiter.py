"""Look-ahead true-peak limiter: a smooth gain envelope that never shifts a sample."""

from __future__ import annotations

import numpy as np

from .ffmpeg import SAMPLE_RATE
from .loudness import db, filter_reach, oversampled_phases

LIMIT_RADIUS_S = 0.02          # limiter look-ahead (and release) radius: gain ramps over 2x this
BLOCK = 16                     # limiter gain envelope resolution, samples
ENVELOPE_PAD = 32              # silence around a segment that the true-peak filter reaches into


def forward_peaks(x: np.ndarray) -> np.ndarray:
    """Per sample: the true-peak level from x[n] to just before x[n+1].

    The max over |x| and every oversampled phase and channel, taken one
    contiguous phase at a time (an (n, 4) array reduced along its short axis
    cost more than the convolutions)."""
    x = np.asarray(x)
    if x.ndim == 1:
        x = x[:, None]
    if not len(x):
        return np.zeros(0)
    peaks = np.abs(x).max(axis=1).astype(np.float64) if x.shape[1] > 1 else np.abs(x[:, 0]).astype(np.float64)
    for y in oversampled_phases(x):
        np.maximum(peaks, y, out=peaks)
    return peaks


def both_sides(env: np.ndarray) -> np.ndarray:
    env[1:] = np.maximum(env[1:], env[:-1])               # the interval before x[n] too
    return env


def peak_envelope(x: np.ndarray) -> np.ndarray:
    """Per-sample true-peak level: the oversampled peaks on both sides of each sample."""
    return both_sides(forward_peaks(x))


def segment_peaks(seg: np.ndarray) -> np.ndarray:
    """`forward_peaks` of one segment alone in silence, ENVELOPE_PAD samples each side.

    The interpolation filter reaches only a few samples, so in an episode
    whose segments are apart by at least 2 * ENVELOPE_PAD samples of silence
    the episode's envelope is these, put side by side: a segment's can be
    cached with its audio, and an edit recomputes only the new one's."""
    pad = np.zeros(ENVELOPE_PAD, dtype=np.float32)
    return forward_peaks(np.concatenate([pad, np.asarray(seg, dtype=np.float32), pad]))


def padded_peaks(peaks: np.ndarray, seg: np.ndarray, before: int, after: int) -> np.ndarray:
    """`forward_peaks` of `seg` with `before` zeros in front and `after` behind, from
    `peaks` = forward_peaks(seg) instead of convolving the whole signal again.

    Each oversampled value is one dot product of the taps with the samples
    within reach, the same numbers whatever lies further away, so away from
    the edges the values are `peaks`, out in the zeros they are 0, and only the
    few within reach of an edge that gained zeros are computed again (from a
    short slice: bit for bit what the whole signal gives)."""
    n, r = len(seg), 2 * filter_reach()
    total = before + n + after
    if n <= 4 * r:
        return forward_peaks(_zero_padded(seg, before, after, 0, total))
    out = np.zeros(total)
    out[before:before + n] = peaks
    edges = ([(before - r, before + r)] if before else []) + ([(before + n - r, before + n + r)] if after else [])
    for a, b in edges:
        a, b = max(a, 0), min(b, total)
        lo, hi = max(a - r, 0), min(b + r, total)
        out[a:b] = forward_peaks(_zero_padded(seg, before, after, lo, hi))[a - lo:b - lo]
    return out


def _zero_padded(seg: np.ndarray, before: int, after: int, lo: int, hi: int) -> np.ndarray:
    """Samples lo..hi of `seg` with `before` zeros in front and `after` behind."""
    out = np.zeros(hi - lo, dtype=np.asarray(seg).dtype)
    s, t = max(lo, before), min(hi, before + len(seg))
    if t > s:
        out[s - lo:t - lo] = seg[s - before:t - before]
    return out


def layout_envelope(length: int, spans: list[tuple[int, int]], segs: list[np.ndarray],
                    peaks: list[np.ndarray]) -> np.ndarray:
    """`peak_envelope` of segments laid out in silence at `spans` (apart by more than
    2 * ENVELOPE_PAD), from each one's `forward_peaks` (exact: see padded_peaks)."""
    env = np.zeros(length)
    for (a, b), seg, p in zip(spans, segs, peaks):
        before, after = min(a, ENVELOPE_PAD), min(length - b, ENVELOPE_PAD)
        env[a - before:b + after] = np.maximum(env[a - before:b + after], padded_peaks(p, seg, before, after))
    return both_sides(env)


def envelope_from_segments(length: int, spans: list[tuple[int, int]],
                           peaks: list[np.ndarray]) -> np.ndarray:
    env = np.zeros(length)
    for (a, _), p in zip(spans, peaks):
        lo = a - ENVELOPE_PAD
        s, t = max(lo, 0), min(lo + len(p), length)
        env[s:t] = np.maximum(env[s:t], p[s - lo:t - lo])
    return both_sides(env)


def _running_min(x: np.ndarray, size: int) -> np.ndarray:
    """Minimum over `size` values centred on each one (edges held), in O(n) whatever the
    size (van Herk / Gil-Werman): a window spans at most two chunks of `size` values,
    so its minimum is the min of one chunk's suffix minimum and the next one's prefix
    minimum. The same values as a sliding min: min is exact."""
    r = size // 2
    padded = np.pad(np.asarray(x, dtype=np.float64), r, mode="edge")
    n, chunks = len(padded) - size + 1, -(-len(padded) // size)
    if n <= 0:
        return np.zeros(0)
    flat = np.full(chunks * size, np.inf)
    flat[: len(padded)] = padded
    q = flat.reshape(chunks, size)
    prefix = np.minimum.accumulate(q, axis=1).ravel()
    suffix = np.minimum.accumulate(q[:, ::-1], axis=1)[:, ::-1].ravel()
    return np.minimum(suffix[:n], prefix[size - 1: size - 1 + n])


def running_mean(x: np.ndarray, size: int) -> np.ndarray:
    r = size // 2
    cum = np.concatenate([[0.0], np.cumsum(np.pad(x, r, mode="edge"))])
    return (cum[size:] - cum[:-size]) / size


def block_reduce(x: np.ndarray, reduce) -> np.ndarray:
    """`reduce` (np.max, np.sum) over consecutive BLOCK-sample blocks (the last one padded with 0)."""
    nb = -(-len(x) // BLOCK)
    padded = np.zeros(nb * BLOCK)
    padded[: len(x)] = x
    return reduce(padded.reshape(nb, BLOCK), axis=1)


def block_gain(block_peaks: np.ndarray, ceiling_db: float, sample_rate: int = SAMPLE_RATE,
                radius_s: float = LIMIT_RADIUS_S) -> np.ndarray:
    """The limiter's smoothed gain per block, from each block's true-peak level."""
    # aim a hair under the ceiling: the gain ramps reshape the peaks very slightly
    need = np.minimum(1.0, (10 ** (ceiling_db / 20) * 0.995) / np.maximum(block_peaks, 1e-12))
    r = max(1, int(round(radius_s * sample_rate / BLOCK)))
    held = _running_min(need, 2 * (r + 1) + 1)
    return np.minimum(running_mean(held, 2 * r + 1), need)


def limiter_gain(envelope: np.ndarray, ceiling_db: float, sample_rate: int = SAMPLE_RATE,
                 radius_s: float = LIMIT_RADIUS_S, block_peaks: np.ndarray | None = None) -> np.ndarray:
    """Per-sample gain (<= 1) that keeps a signal with this true-peak `envelope` under the ceiling.

    The gain g[n] each sample needs is spread with a minimum filter of radius
    R (look-ahead and hold), then averaged over 2R+1 samples: every value
    averaged at a peak is already <= the gain that peak needs, so the peak
    lands at or under the ceiling, and the gain moves in ramps of 2R instead
    of jumps. Built on blocks of BLOCK samples, then interpolated linearly
    between block centres: a block's smoothed gain only averages held values
    whose hold window covers every neighbour block, so the interpolated gain
    at any sample stays <= the gain its own block needs.
    """
    n = len(envelope)
    if n == 0 or envelope.max() <= 10 ** (ceiling_db / 20):
        return np.ones(n)
    peaks = block_reduce(envelope, np.max) if block_peaks is None else block_peaks
    return per_sample(block_gain(peaks, ceiling_db, sample_rate, radius_s), n)


def per_sample(per_block: np.ndarray, n: int) -> np.ndarray:
    """Linear interpolation between block centres (held flat before the first and after
    the last): np.interp(np.arange(n), centres, per_block), without its search."""
    nb, half = len(per_block), BLOCK // 2
    ext = np.concatenate([per_block[:1], per_block, per_block[-1:]])
    j = np.arange(BLOCK)
    out = np.empty((nb, BLOCK))
    step = np.diff(ext)[:, None]
    # samples before a block's centre lie between the previous centre and this one
    # (lo + (hi - lo) * t, written in place: the same two roundings)
    np.multiply(step[:nb], (j[:half] + (BLOCK + 1) / 2) / BLOCK, out=out[:, :half])
    out[:, :half] += ext[:nb, None]
    np.multiply(step[1:], (j[half:] - (BLOCK - 1) / 2) / BLOCK, out=out[:, half:])
    out[:, half:] += ext[1:nb + 1, None]
    return out.ravel()[:n]


def limit(audio: np.ndarray, ceiling_db: float, sample_rate: int = SAMPLE_RATE,
          radius_s: float = LIMIT_RADIUS_S, envelope: np.ndarray | None = None,
          ) -> tuple[np.ndarray, float]:
    """True-peak limiter (see `limiter_gain`): samples are only multiplied, never moved.

    Returns (limited audio (n, ch), largest gain reduction in dB). `envelope`:
    the per-sample true-peak level of `audio` when the caller already has it.
    """
    x = np.asarray(audio, dtype=np.float64)
    if x.ndim == 1:
        x = x[:, None]
    env = peak_envelope(x) if envelope is None else envelope
    gain = limiter_gain(env, ceiling_db, sample_rate, radius_s)
    if not len(gain) or gain.min() >= 1.0:
        return x, 0.0
    return x * gain[:, None], max(0.0, -db(float(gain.min())))
