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
