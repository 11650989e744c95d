"""The fast mastering paths give, bit for bit, what the straightforward code gives.

The episode's MP3 bytes depend on every float that reaches the encoder (a
last-bit change in the limiter's gain can move LAME's bit allocation), so the
speedups of pipeline.audio are checked for exact equality (==), not closeness,
against the plain implementations kept here: an (n, 4) array of the four
oversampled phases reduced along its short axis, and one full envelope per
call. scipy's resample_poly is the independent reference for the values."""

import numpy as np
import pytest
from scipy.signal import resample_poly

from pipeline.audio import limiter, loudness, pieces

RNG = np.random.default_rng(7)


def reference_oversampled_abs(audio: np.ndarray) -> np.ndarray:
    """The original: |x| of the 4x oversampled signal, max over channels, shape (n, 4)."""
    x = np.asarray(audio, dtype=np.float64)
    if x.ndim == 1:
        x = x[:, None]
    n = len(x)
    out = np.zeros((n, loudness.OVERSAMPLE))
    for p, (offset, taps) in enumerate(loudness._interpolator()):
        for c in range(x.shape[1]):
            y = np.convolve(x[:, c], taps)[offset: offset + n]
            np.maximum(out[:, p], np.abs(y), out=out[:, p])
    return out


def reference_peak_envelope(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x)
    if x.ndim == 1:
        x = x[:, None]
    env = np.maximum(reference_oversampled_abs(x).max(axis=1), np.abs(x).max(axis=1))
    env[1:] = np.maximum(env[1:], env[:-1])
    return env


def speechlike(n: int, channels: int = 1) -> np.ndarray:
    """Bursts of loud noise between quiet stretches and silence, float32 like the segments."""
    x = RNG.standard_normal((n, channels)) * 0.05
    for start in RNG.integers(0, max(1, n - 2000), 8):
        x[start: start + 1500] *= 15
    x[: n // 10] = 0
    return np.clip(x, -1, 1).astype(np.float32)


@pytest.mark.parametrize("channels", [1, 2])
def test_oversampling_and_envelope_equal_the_plain_code_bit_for_bit(channels):
    x = speechlike(30011, channels)
    assert np.array_equal(loudness.oversampled_abs(x), reference_oversampled_abs(x))
    assert np.array_equal(limiter.peak_envelope(x), reference_peak_envelope(x))
    # and the values are the 4x oversampled signal (scipy, independent code)
    up = np.abs(resample_poly(x.astype(np.float64), 4, 1, axis=0)).reshape(len(x), 4, channels).max(axis=2)
    assert np.allclose(loudness.oversampled_abs(x), up, atol=1e-9)


def test_short_and_empty_signals():
    for n in (1, 5, 21, 40):
        x = speechlike(n)
        assert np.array_equal(limiter.peak_envelope(x), reference_peak_envelope(x))
    assert len(limiter.peak_envelope(np.zeros(0, np.float32))) == 0
    assert pieces.true_peak_dbtp(np.zeros((0, 1), np.float32)) == float("-inf")


@pytest.mark.parametrize("before, after", [(0, 25355), (32, 32), (7, 0), (0, 0), (300, 5)])
def test_padded_peaks_are_the_padded_signal_s_bit_for_bit(before, after):
    """A segment's forward peaks with silence added, from its own: what convolving the
    whole padded signal gives (each value is the same dot product), for long and short segments."""
    for n in (20000, 100, 3):
        seg = speechlike(n)[:, 0]
        seg[-5:] = 0.9                      # loud at the very end: the edge values matter
        padded = np.concatenate([np.zeros(before, np.float32), seg, np.zeros(after, np.float32)])
        got = limiter.padded_peaks(limiter.forward_peaks(seg), seg, before, after)
        assert np.array_equal(got, limiter.forward_peaks(padded))
        assert np.array_equal(limiter.both_sides(got), reference_peak_envelope(padded))


def test_layout_envelope_is_the_whole_episode_s_bit_for_bit():
    segs = [speechlike(n)[:, 0] for n in (15000, 9001, 20000)]
    for s in segs:
        s[:3] = s[-3:] = 0.8
    pause = 4410
    x = np.concatenate([np.concatenate([s, np.zeros(pause, np.float32)]) for s in segs])
    starts = np.cumsum([0] + [len(s) + pause for s in segs[:-1]])
    spans = [(int(a), int(a) + len(s)) for a, s in zip(starts, segs)]
    got = limiter.layout_envelope(len(x), spans, segs, [limiter.forward_peaks(s) for s in segs])
    assert np.array_equal(got, reference_peak_envelope(x))


def test_the_piece_figures_from_kept_peaks_are_the_recomputed_ones():
    """master_piece's limiter and the report's limiter blocks, from the segment's peaks
    computed once, equal what they give computing the envelope themselves."""
    seg = speechlike(44100)[:, 0] * 3
    peaks = limiter.forward_peaks(seg)
    blocks = pieces.speech_block_peaks(peaks)
    assert np.array_equal(blocks, limiter.block_reduce(reference_peak_envelope(seg), np.max))
    assert np.array_equal(pieces.limiter_blocks(seg, 6.0, -3.0, blocks), pieces.limiter_blocks(seg, 6.0, -3.0))
    kept = pieces.master_piece(seg, 6.0, 26460, -1.0, 64, peaks=peaks)
    again = pieces.master_piece(seg, 6.0, 26460, -1.0, 64)
    assert kept.mp3 == again.mp3 and kept.true_peak_dbtp == again.true_peak_dbtp


def reference_per_sample(per_block: np.ndarray, n: int) -> np.ndarray:
    nb, half, block = len(per_block), limiter.BLOCK // 2, limiter.BLOCK
    ext = np.concatenate([per_block[:1], per_block, per_block[-1:]])
    j = np.arange(block)
    out = np.empty((nb, block))
    lo, hi = ext[:nb, None], ext[1:nb + 1, None]
    out[:, :half] = lo + (hi - lo) * ((j[:half] + (block + 1) / 2) / block)
    lo, hi = ext[1:nb + 1, None], ext[2:, None]
    out[:, half:] = lo + (hi - lo) * ((j[half:] - (block - 1) / 2) / block)
    return out.ravel()[:n]


@pytest.mark.parametrize("n", [1, 2, 57, 113, 5000])
def test_running_min_and_per_sample_equal_the_plain_code(n):
    from numpy.lib.stride_tricks import sliding_window_view

    x = np.minimum(1.0, RNG.uniform(0.2, 1.5, n))
    for size in (1, 3, 113):
        plain = sliding_window_view(np.pad(x, size // 2, mode="edge"), size).min(axis=1)
        assert np.array_equal(limiter._running_min(x, size), plain)
    for samples in (n * limiter.BLOCK, n * limiter.BLOCK - 5):
        assert np.array_equal(limiter.per_sample(x, samples), reference_per_sample(x, samples))


def test_episode_gain_is_normalize_s_gain():
    """The gain search alone, on the segments' kept peaks, gives normalize's gain on the
    whole laid-out mix (what the episode gain was computed with)."""
    from pipeline.audio import master

    segs = [speechlike(n)[:, 0] * 0.5 for n in (30000, 17000, 26000)]
    pause = 26460
    x = np.concatenate([np.concatenate([s, np.zeros(pause)]) for s in segs])
    want = master.normalize(x[:, None], -15.6, -1.0 - pieces.ENCODE_MARGIN_DB)[1]["gain_db"]
    assert pieces.episode_gain(segs, pause, -15.6, -1.0) == want
    assert pieces.episode_gain(segs, pause, -15.6, -1.0, [limiter.forward_peaks(s) for s in segs]) == want
    assert pieces.episode_gain([np.zeros(5000, np.float32)], pause, -15.6, -1.0) == 0.0
