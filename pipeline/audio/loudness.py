"""Loudness and true peak, ITU-R BS.1770-4: K-weighting, gated integrated
loudness, 4x oversampled true peak, and an independent meter (ffmpeg ebur128)."""

from __future__ import annotations

import functools
import math
import os
from pathlib import Path

import numpy as np

from .ffmpeg import SAMPLE_RATE, run_ffmpeg

OVERSAMPLE = 4                 # true-peak oversampling factor (BS.1770-4 Annex 2 at 44.1/48 kHz)
# BS.1770-4 K-weighting pre-filter (libebur128's derivation, valid at any rate).
SHELF_F0, SHELF_GAIN_DB, SHELF_Q = 1681.974450955533, 3.999843853973347, 0.7071752369554196
SHELF_VB_EXP = 0.4996667741545416
HIGHPASS_F0, HIGHPASS_Q = 38.13547087602444, 0.5003270373238773
K_TAIL_S = 0.1                 # the pre-filter's ringing is below 1e-9 of its input after this
BLOCK_S, BLOCK_STEP = 0.4, 0.25                   # gating blocks: 400 ms, 75 % overlap
ABSOLUTE_GATE_LUFS, RELATIVE_GATE_LU = -70.0, -10.0
METER = "ffmpeg ebur128 (ITU-R BS.1770-4 gated loudness; true peak oversampled to 192 kHz)"


def _shelf(sr: int) -> tuple[list[float], list[float]]:
    k = math.tan(math.pi * SHELF_F0 / sr)
    vh = 10 ** (SHELF_GAIN_DB / 20)
    vb = vh ** SHELF_VB_EXP
    a0 = 1 + k / SHELF_Q + k * k
    b = [(vh + vb * k / SHELF_Q + k * k) / a0, 2 * (k * k - vh) / a0, (vh - vb * k / SHELF_Q + k * k) / a0]
    return b, [1.0, 2 * (k * k - 1) / a0, (1 - k / SHELF_Q + k * k) / a0]


def _highpass(sr: int) -> tuple[list[float], list[float]]:
    k = math.tan(math.pi * HIGHPASS_F0 / sr)
    a0 = 1 + k / HIGHPASS_Q + k * k
    return [1.0, -2.0, 1.0], [1.0, 2 * (k * k - 1) / a0, (1 - k / HIGHPASS_Q + k * k) / a0]


def kweight_biquads(sample_rate: int = SAMPLE_RATE) -> list[tuple[list[float], list[float]]]:
    """The BS.1770-4 pre-filter as two biquads (b, a), derived for any rate the way
    libebur128 does it; at 48 kHz they are the coefficients tabled in the standard."""
    return [_shelf(sample_rate), _highpass(sample_rate)]


def _fft_size(n: int) -> int:
    """The smallest 2^a 3^b 5^c >= n: pocketfft is fastest on those."""
    best, p5 = 1 << max(0, (n - 1).bit_length()), 1
    while p5 < best:
        p35 = p5
        while p35 < best:
            m = p35 << max(0, (-(-n // p35) - 1).bit_length())
            best = min(best, m)
            p35 *= 3
        p5 *= 5
    return best


def kweight(x: np.ndarray, sample_rate: int = SAMPLE_RATE, tail: int = 0) -> np.ndarray:
    """K-weighted signal (1-D), `len(x) + tail` samples.

    The biquads are applied in the frequency domain, exactly (their response
    H(e^jw) at every FFT bin), on a transform long enough that the filters'
    ringing has died out (K_TAIL_S) before it could wrap around: numpy alone,
    where a sample-by-sample IIR loop would need scipy (2.5 s just to import).
    """
    x = np.asarray(x, dtype=np.float64)
    n = len(x)
    nfft = _fft_size(n + max(tail, round(K_TAIL_S * sample_rate)))
    z = np.exp(-1j * np.pi * np.arange(nfft // 2 + 1) / (nfft / 2))   # e^-jw at each bin
    h = np.ones_like(z)
    for b, a in kweight_biquads(sample_rate):
        h *= (b[0] + z * (b[1] + z * b[2])) / (a[0] + z * (a[1] + z * a[2]))
    return np.fft.irfft(np.fft.rfft(x, nfft) * h, nfft)[: n + tail]


def k_power(audio: np.ndarray, sample_rate: int = SAMPLE_RATE) -> np.ndarray:
    """Per sample, the K-weighted power summed over channels (BS.1770 weights 1.0 for L and R)."""
    x = np.asarray(audio, dtype=np.float64)
    if x.ndim == 1:
        x = x[:, None]
    power = np.zeros(len(x))
    for c in range(x.shape[1]):
        power += kweight(x[:, c], sample_rate) ** 2
    return power


def lufs_from_power(power: np.ndarray, sample_rate: int = SAMPLE_RATE, hop: int = 1) -> float:
    """BS.1770-4 gated integrated loudness from `k_power`: 400 ms blocks every 100 ms,
    -70 LUFS absolute gate, then -10 LU relative gate. -inf when nothing passes.

    `hop` > 1: each value of `power` is the sum over `hop` samples; block edges
    inside a value take their share of it (for the mastering search)."""
    block, step = round(BLOCK_S * sample_rate), round(BLOCK_S * sample_rate * BLOCK_STEP)
    n = len(power) * hop
    if n < block:
        return float("-inf")
    cum = np.concatenate([[0.0], np.cumsum(power)])
    starts = np.arange(0, n - block + 1, step)
    at = np.arange(len(cum))    # cumulative power at block edges (exact at hop 1)
    z = (np.interp((starts + block) / hop, at, cum) - np.interp(starts / hop, at, cum)) / block
    with np.errstate(divide="ignore"):
        lk = -0.691 + 10 * np.log10(np.maximum(z, 0))
    gated = z[lk > ABSOLUTE_GATE_LUFS]
    if not len(gated):
        return float("-inf")
    rel = -0.691 + 10 * np.log10(gated.mean()) + RELATIVE_GATE_LU
    gated = z[(lk > rel) & (lk > ABSOLUTE_GATE_LUFS)]
    return float(-0.691 + 10 * np.log10(gated.mean())) if len(gated) else float("-inf")


def integrated_lufs(audio: np.ndarray, sample_rate: int = SAMPLE_RATE) -> float:
    """BS.1770-4 integrated loudness (gated), LUFS; -inf for silence or < 400 ms."""
    x = np.asarray(audio, dtype=np.float64)
    if not np.any(x):
        return float("-inf")
    return lufs_from_power(k_power(x, sample_rate), sample_rate)


@functools.cache
def _interpolator() -> tuple[tuple[int, np.ndarray], ...]:
    """The 4x polyphase interpolation filter, as (offset, taps) per output phase.

    Windowed sinc, 81 taps, Kaiser beta 5 (what scipy's resample_poly uses for
    4x, so both agree to rounding); phase p of output sample 4k+p is
    sum_j x[k-j] h[4j+p+HALF]. Built once (read-only arrays)."""
    half = 10 * OVERSAMPLE
    t = np.arange(2 * half + 1) - half
    h = np.sinc(t / OVERSAMPLE) * np.kaiser(2 * half + 1, 5.0)
    h *= OVERSAMPLE / h.sum()
    phases = []
    for p in range(OVERSAMPLE):
        j = np.arange(-((half + p) // OVERSAMPLE), (half - p) // OVERSAMPLE + 1)
        taps = h[OVERSAMPLE * j + p + half]
        taps.flags.writeable = False
        phases.append((int(-j[0]), taps))
    return tuple(phases)


def filter_reach() -> int:
    """How far (samples) an oversampled value looks either side of its sample, rounded up."""
    return max(len(taps) for _, taps in _interpolator())


def oversampled_phases(audio: np.ndarray):
    """|x| of each phase of the 4x oversampled signal, per channel: contiguous arrays of
    len(audio) samples, one at a time (np.convolve in float64, as the figures always were)."""
    x = np.asarray(audio, dtype=np.float64)
    if x.ndim == 1:
        x = x[:, None]
    n = len(x)
    for offset, taps in _interpolator():
        for c in range(x.shape[1]):
            y = np.convolve(x[:, c], taps)[offset: offset + n]
            yield np.abs(y, out=y)


def oversampled_abs(audio: np.ndarray) -> np.ndarray:
    """|x| of the 4x oversampled signal, max over channels, shape (n, 4)."""
    x = np.asarray(audio)
    channels = 1 if x.ndim == 1 else x.shape[1]
    out = np.zeros((OVERSAMPLE, len(x)))
    for i, y in enumerate(oversampled_phases(x)):
        np.maximum(out[i // channels], y, out=out[i // channels])
    return out.T


def true_peak(audio: np.ndarray) -> float:
    """True peak, linear: max |x| of the 4x oversampled signal (and of the samples)."""
    if len(audio) == 0:
        return 0.0
    return float(max(oversampled_abs(audio).max(), np.abs(audio).max()))


def db(x: float) -> float:
    return 20 * math.log10(x) if x > 0 else float("-inf")


def true_peak_dbtp(audio: np.ndarray) -> float:
    return db(true_peak(audio))


def measure(path: str | os.PathLike) -> dict:
    """Integrated loudness, true peak and loudness range of an audio file, as a
    listener's player decodes it, by ffmpeg's EBU R128 meter (ebur128: BS.1770-4
    gating, true peak on the signal oversampled to 192 kHz)."""
    graph = "ebur128=peak=true:metadata=1,ametadata=mode=print:file=-"
    out = run_ffmpeg(["-i", str(path), "-map", "0:a:0", "-af", graph, "-f", "null", "-"],
                     f"ffmpeg could not measure {Path(path).name}")
    last: dict[str, str] = {}
    for line in out.decode("ascii", "replace").splitlines():
        key, sep, value = line.partition("=")
        if sep and key.startswith("lavfi.r128."):
            last[key[len("lavfi.r128."):]] = value

    def number(key: str, scale=float) -> float:
        try:
            v = scale(float(last[key]))
        except (KeyError, ValueError):
            return float("-inf")
        return v if math.isfinite(v) and v > -70 else float("-inf")

    return {"integrated_lufs": number("I"), "true_peak_dbtp": number("true_peak", db),
            "loudness_range_lu": number("LRA")}


def segment_kweighted(seg: np.ndarray) -> np.ndarray:
    """The segment's K-weighted signal with its ringing (K_TAIL_S): the filter is
    linear, so an episode's is these added at the segments' places (exact)."""
    return kweight(seg, tail=round(K_TAIL_S * SAMPLE_RATE)).astype(np.float32)


def power_from_segments(length: int, spans: list[tuple[int, int]], kweighted: list[np.ndarray],
                        channels: int = 1) -> np.ndarray:
    """`k_power` of the speech-only mix (each channel the same) from `segment_kweighted`."""
    y = np.zeros(length)
    for (a, _), k in zip(spans, kweighted):
        t = min(a + len(k), length)
        y[a:t] += k[: t - a]
    return channels * y * y
