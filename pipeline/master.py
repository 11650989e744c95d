"""Mastering: speech segments (+ optional music) -> a broadcast-ready MP3.

    result = master_episode(wavs, out_mp3, pause_ms=600, bitrate="64k", channels=1,
                            target_lufs=-16.0, ceiling_db=-1.0)

1. Layout. Segments are resampled to 44.1 kHz (ffmpeg's SoX resampler, exact
   sample counts) and placed one after the other with `pause_ms` of silence
   between them. Optional intro music plays alone for MUSIC_LEAD_S, then ducks
   under the first segment and fades out; optional outro music comes in ducked
   under the last segment and rises when the speech ends. The segment times
   returned are computed from sample counts and never move afterwards.
2. Dynamics. Before the layout, each segment goes through a slow leveller
   and a gentle compressor (pipeline.dynamics: gains only, local to the
   segment), so the limiter below has little left to catch.
3. Loudness. One gain brings the mix to `target_lufs` integrated (ITU-R
   BS.1770-4 K-weighting and gating, computed here with numpy). Where that
   gain pushes the true peak (max |x| of the 4x oversampled signal, BS.1770-4
   Annex 2) above the ceiling, a look-ahead limiter multiplies the signal by a
   smooth gain envelope: it never shifts a sample, so the times stay exact.
   Both analyses are linear in the segments (or local to them), so they are
   kept per segment and an edit analyses only the new one.
4. Encoding. ffmpeg/libmp3lame, constant bitrate, 44.1 kHz, LAME/Info header
   (decoders drop the encoder delay and padding, so decoded audio lines up with
   the times), bit-exact flags: the same input gives the same bytes.
5. Measurement. The MP3 is measured as a player decodes it, by an independent
   meter (ffmpeg's EBU R128 filter); when the encoder's overshoot pushed the
   true peak above the ceiling, or its low-pass moved the loudness, the margin
   or the aim moves and the episode is encoded again. Those figures are returned.
"""

from __future__ import annotations

import math
import os
import subprocess
import wave
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from .errors import EngineError, InputError

SAMPLE_RATE = 44100
OVERSAMPLE = 4                 # true-peak oversampling factor (BS.1770-4 Annex 2 at 44.1/48 kHz)
LIMIT_RADIUS_S = 0.02          # limiter look-ahead (and release) radius: gain ramps over 2x this
ENCODE_MARGIN_DB = 2.0         # first guess of the MP3 encoder's true-peak overshoot (measured: 1.0-1.8 dB at 64k mono)
ENCODE_LUFS_LOSS_DB = 0.4      # loudness the encoder's low-pass takes (measured: ~0.45 LU at 64k mono)
MAX_ENCODES = 5
BLOCK = 16                     # limiter gain envelope resolution, samples
ENVELOPE_PAD = 32              # silence around a segment that the true-peak filter reaches into
LUFS_TOLERANCE = 0.5          # re-encode when the decoded MP3 is further than this from the target
SEARCH_TOLERANCE_LU = 0.05     # the gain search stops this close to the loudness it aims at
SEARCH_ROUNDS = 8
MAX_MAKEUP_DB = 10.0           # gain above the unlimited match to the target, at most
# BS.1770-4 K-weighting pre-filter (libebur128's derivation, valid at any rate).
SHELF_F0, SHELF_GAIN_DB, SHELF_Q = 1681.974450955533, 3.999843853973347, 0.7071752369554196
SHELF_VB_EXP = 0.4996667741545416
HIGHPASS_F0, HIGHPASS_Q = 38.13547087602444, 0.5003270373238773
K_TAIL_S = 0.1                 # the pre-filter's ringing is below 1e-9 of its input after this
BLOCK_S, BLOCK_STEP = 0.4, 0.25                   # gating blocks: 400 ms, 75 % overlap
ABSOLUTE_GATE_LUFS, RELATIVE_GATE_LU = -70.0, -10.0
# Music beds.
MUSIC_LEAD_S = 3.0             # intro music alone before the first word
MUSIC_LEVEL_LU = -6.0          # music at full level, relative to the speech loudness
DUCK_DB = -18.0                # music under speech, relative to its full level
DUCK_RAMP_S = 0.4              # ducking attack/release
MUSIC_FADE_S = 1.5             # intro music fade-out after the first segment
OUTRO_TAIL_S = 8.0             # outro music after the last word (at most)
EDGE_FADE_S = 0.05             # anti-click fade at the ends of a music file
METER = "ffmpeg ebur128 (ITU-R BS.1770-4 gated loudness; true peak oversampled to 192 kHz)"
CBR_KBPS = (32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320)


@dataclass
class MasterResult:
    times: list[tuple[float, float]]          # each segment's (start_s, end_s) in the episode
    duration: float                           # episode length, seconds
    loudness: dict                            # measured on the decoded MP3
    music: dict = field(default_factory=dict)


# ------------------------------------------------------------------ ffmpeg

def ffmpeg_exe() -> str:
    from .audio import ffmpeg_exe as exe

    return exe()


def run_ffmpeg(args: list[str], failure: str, data: bytes | None = None,
               error: type[EngineError] | type[InputError] = EngineError, fix: str | None = None) -> bytes:
    """ffmpeg with an argument list (no shell); its stdout, or `error` naming
    `failure` and ffmpeg's last line of complaint."""
    proc = subprocess.run([ffmpeg_exe(), "-nostdin", "-v", "error", *args], input=data, capture_output=True)
    if proc.returncode != 0:
        lines = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise error(f"{failure}: {lines[-1] if lines else f'exit status {proc.returncode}'}", fix)
    return proc.stdout


def decode(path: str | os.PathLike, channels: int = 1, sample_rate: int = SAMPLE_RATE,
           start_s: float | None = None, end_s: float | None = None) -> np.ndarray:
    """Any audio file ffmpeg reads -> float32 array (n, channels) at `sample_rate`.

    `start_s`/`end_s`: only that part, cut before resampling (sample 0 is
    start_s); ffmpeg stops reading at end_s."""
    cut = []
    if start_s is not None or end_s is not None:
        bounds = [f"start={max(0.0, start_s or 0.0):.6f}"] + ([f"end={end_s:.6f}"] if end_s is not None else [])
        cut = ["-af", "atrim=" + ":".join(bounds)]
    raw = run_ffmpeg(["-i", str(path), "-map", "0:a:0", *cut,
                      "-f", "f32le", "-ac", str(channels), "-ar", str(sample_rate), "-"],
                     f"cannot decode audio file {path}", error=InputError,
                     fix="use a complete WAV, MP3, FLAC or OGG file")
    return np.frombuffer(raw, np.float32).reshape(-1, channels)


def parse_bitrate(bitrate: str) -> int:
    """'64k' -> 64 (kbit/s); only the MPEG-1 Layer III constant bitrates."""
    s = str(bitrate).strip().lower().removesuffix("k")
    if not s.isdigit() or int(s) not in CBR_KBPS:
        raise InputError(f"bitrate {bitrate!r} is not an MP3 constant bitrate",
                         f"use one of {', '.join(f'{k}k' for k in CBR_KBPS)}")
    return int(s)


def encode_mp3(audio: np.ndarray, out_path: str | os.PathLike, bitrate_kbps: int,
               sample_rate: int = SAMPLE_RATE) -> None:
    """float (n, ch) -> CBR MP3 at `out_path`, no tags, deterministic bytes."""
    ch = audio.shape[1]
    run_ffmpeg(["-y", "-f", "f32le", "-ar", str(sample_rate), "-ac", str(ch), "-i", "pipe:0",
                "-map_metadata", "-1", "-fflags", "+bitexact", "-flags:a", "+bitexact",
                "-c:a", "libmp3lame", "-b:a", f"{bitrate_kbps}k", "-abr", "0",
                "-ar", str(sample_rate), "-ac", str(ch),
                "-write_xing", "1", "-id3v2_version", "0", "-write_id3v1", "0",
                "-f", "mp3", str(out_path)],
               f"ffmpeg could not encode {Path(out_path).name}",
               data=np.ascontiguousarray(audio, dtype="<f4").tobytes())


# ------------------------------------------------------------------ meters

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


def _interpolator() -> list[tuple[int, np.ndarray]]:
    """The 4x polyphase interpolation filter, as (offset, taps) per output phase.

    Windowed sinc, 81 taps, Kaiser beta 5 (what scipy's resample_poly uses for
    4x, so both agree to rounding); phase p of output sample 4k+p is
    sum_j x[k-j] h[4j+p+HALF]."""
    half = 10 * OVERSAMPLE
    t = np.arange(2 * half + 1) - half
    h = np.sinc(t / OVERSAMPLE) * np.kaiser(2 * half + 1, 5.0)
    h *= OVERSAMPLE / h.sum()
    phases = []
    for p in range(OVERSAMPLE):
        j = np.arange(-((half + p) // OVERSAMPLE), (half - p) // OVERSAMPLE + 1)
        phases.append((int(-j[0]), h[OVERSAMPLE * j + p + half]))
    return phases


def _oversampled_abs(audio: np.ndarray) -> np.ndarray:
    """|x| of the 4x oversampled signal, max over channels, shape (n, 4)."""
    x = np.asarray(audio, dtype=np.float64)
    if x.ndim == 1:
        x = x[:, None]
    n = len(x)
    out = np.zeros((n, OVERSAMPLE))
    for p, (offset, taps) in enumerate(_interpolator()):
        for c in range(x.shape[1]):
            y = np.convolve(x[:, c], taps)[offset: offset + n]
            np.maximum(out[:, p], np.abs(y), out=out[:, p])
    return out


def true_peak(audio: np.ndarray) -> float:
    """True peak, linear: max |x| of the 4x oversampled signal (and of the samples)."""
    if len(audio) == 0:
        return 0.0
    return float(max(_oversampled_abs(audio).max(), np.abs(audio).max()))


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


# ------------------------------------------------------------------ limiter

def _forward_peaks(x: np.ndarray) -> np.ndarray:
    """Per sample: the true-peak level from x[n] to just before x[n+1]."""
    x = np.asarray(x)
    if x.ndim == 1:
        x = x[:, None]
    return np.maximum(_oversampled_abs(x).max(axis=1), np.abs(x).max(axis=1))


def _both_sides(env: np.ndarray) -> np.ndarray:
    env[1:] = np.maximum(env[1:], env[:-1])               # the interval before x[n] too
    return env


def _peak_envelope(x: np.ndarray) -> np.ndarray:
    """Per-sample true-peak level: the oversampled peaks on both sides of each sample."""
    return _both_sides(_forward_peaks(x))


def segment_peaks(seg: np.ndarray) -> np.ndarray:
    """`_forward_peaks` of one segment alone in silence, ENVELOPE_PAD samples each side.

    The interpolation filter reaches only a few samples, so in an episode
    whose segments are apart by at least 2 * ENVELOPE_PAD samples of silence
    the episode's envelope is these, put side by side: a segment's can be
    cached with its audio, and an edit recomputes only the new one's."""
    pad = np.zeros(ENVELOPE_PAD, dtype=np.float32)
    return _forward_peaks(np.concatenate([pad, np.asarray(seg, dtype=np.float32), pad]))


def envelope_from_segments(length: int, spans: list[tuple[int, int]],
                           peaks: list[np.ndarray]) -> np.ndarray:
    env = np.zeros(length)
    for (a, _), p in zip(spans, peaks):
        lo = a - ENVELOPE_PAD
        s, t = max(lo, 0), min(lo + len(p), length)
        env[s:t] = np.maximum(env[s:t], p[s - lo:t - lo])
    return _both_sides(env)


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


def _running_min(x: np.ndarray, size: int) -> np.ndarray:
    r = size // 2
    return sliding_window_view(np.pad(x, r, mode="edge"), size).min(axis=1)


def _running_mean(x: np.ndarray, size: int) -> np.ndarray:
    r = size // 2
    cum = np.concatenate([[0.0], np.cumsum(np.pad(x, r, mode="edge"))])
    return (cum[size:] - cum[:-size]) / size


def _blocks(x: np.ndarray, reduce) -> np.ndarray:
    """`reduce` (np.max, np.sum) over consecutive BLOCK-sample blocks (the last one padded with 0)."""
    nb = -(-len(x) // BLOCK)
    padded = np.zeros(nb * BLOCK)
    padded[: len(x)] = x
    return reduce(padded.reshape(nb, BLOCK), axis=1)


def _block_gain(block_peaks: np.ndarray, ceiling_db: float, sample_rate: int = SAMPLE_RATE,
                radius_s: float = LIMIT_RADIUS_S) -> np.ndarray:
    """The limiter's smoothed gain per block, from each block's true-peak level."""
    # aim a hair under the ceiling: the gain ramps reshape the peaks very slightly
    need = np.minimum(1.0, (10 ** (ceiling_db / 20) * 0.995) / np.maximum(block_peaks, 1e-12))
    r = max(1, int(round(radius_s * sample_rate / BLOCK)))
    held = _running_min(need, 2 * (r + 1) + 1)
    return np.minimum(_running_mean(held, 2 * r + 1), need)


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
    peaks = _blocks(envelope, np.max) if block_peaks is None else block_peaks
    return _per_sample(_block_gain(peaks, ceiling_db, sample_rate, radius_s), n)


def _per_sample(per_block: np.ndarray, n: int) -> np.ndarray:
    """Linear interpolation between block centres (held flat before the first and after
    the last): np.interp(np.arange(n), centres, per_block), without its search."""
    nb, half = len(per_block), BLOCK // 2
    ext = np.concatenate([per_block[:1], per_block, per_block[-1:]])
    j = np.arange(BLOCK)
    out = np.empty((nb, BLOCK))
    # samples before a block's centre lie between the previous centre and this one
    lo, hi = ext[:nb, None], ext[1:nb + 1, None]
    out[:, :half] = lo + (hi - lo) * ((j[:half] + (BLOCK + 1) / 2) / BLOCK)
    lo, hi = ext[1:nb + 1, None], ext[2:, None]
    out[:, half:] = lo + (hi - lo) * ((j[half:] - (BLOCK - 1) / 2) / BLOCK)
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
    env = _peak_envelope(x) if envelope is None else envelope
    gain = limiter_gain(env, ceiling_db, sample_rate, radius_s)
    if not len(gain) or gain.min() >= 1.0:
        return x, 0.0
    return x * gain[:, None], max(0.0, -db(float(gain.min())))


# ------------------------------------------------------------------ layout

def read_wav(path: str | os.PathLike) -> tuple[np.ndarray, int]:
    """PCM WAV -> (mono float64 samples, sample rate); no ffmpeg needed."""
    try:
        with wave.open(str(path), "rb") as w:
            sr, ch, width, n = w.getframerate(), w.getnchannels(), w.getsampwidth(), w.getnframes()
            raw = w.readframes(n)
    except (OSError, EOFError, wave.Error) as e:
        raise EngineError(f"unreadable WAV {path}: {e}") from e
    if width == 2:
        x = np.frombuffer(raw, "<i2").astype(np.float64) / 32768.0
    elif width == 4:
        x = np.frombuffer(raw, "<i4").astype(np.float64) / 2147483648.0
    elif width == 1:
        x = (np.frombuffer(raw, np.uint8).astype(np.float64) - 128) / 128.0
    else:
        raise EngineError(f"unsupported WAV sample width {width} in {path}")
    x = x[: len(x) // ch * ch].reshape(-1, ch).mean(axis=1)
    return x, sr


def to_rate(x: np.ndarray, sr: int, target: int = SAMPLE_RATE) -> np.ndarray:
    """Resampled by ffmpeg's SoX resampler (float32); the length is exactly
    `resampled_length(len(x), sr)` and sample 0 stays at time 0."""
    x = np.asarray(x, dtype="<f4")
    if sr == target:
        return x
    raw = run_ffmpeg(["-f", "f32le", "-ar", str(sr), "-ac", "1", "-i", "pipe:0",
                      "-af", f"aresample={target}:resampler=soxr:precision=28",
                      "-f", "f32le", "-ar", str(target), "-ac", "1", "pipe:1"],
                     f"ffmpeg could not resample {sr} Hz audio", data=x.tobytes())
    y = np.frombuffer(raw, np.float32)
    n = resampled_length(len(x), sr, target)
    return np.pad(y, (0, max(0, n - len(y))))[:n]


def resampled_length(n: int, sr: int, target: int = SAMPLE_RATE) -> int:
    g = math.gcd(target, sr)
    return -(-n * (target // g) // (sr // g))


def _ramp(n: int) -> np.ndarray:
    """Raised-cosine 0 -> 1 over n samples."""
    if n <= 0:
        return np.ones(0)
    return 0.5 - 0.5 * np.cos(np.pi * (np.arange(n) + 0.5) / n)


def duck_envelope(length: int, speech: list[tuple[int, int]], duck_db: float = DUCK_DB,
                  ramp_s: float = DUCK_RAMP_S, sample_rate: int = SAMPLE_RATE) -> np.ndarray:
    """Gain (linear) for a music bed: 1 in the clear, duck_db under speech (ramps start early)."""
    low = 10 ** (duck_db / 20)
    # depth: 1 = fully ducked; ramps finish before speech starts / begin after it ends
    depth = np.zeros(length)
    r = max(1, int(ramp_s * sample_rate))
    up = _ramp(r)
    for a, b in speech:
        a, b = max(0, a), min(length, b)
        if b <= a:
            continue
        depth[a:b] = 1.0
        lo = max(0, a - r)
        depth[lo:a] = np.maximum(depth[lo:a], up[r - (a - lo):])
        hi = min(length, b + r)
        depth[b:hi] = np.maximum(depth[b:hi], up[::-1][: hi - b])
    return 1.0 - depth * (1.0 - low)


def _fit_music(music: np.ndarray, speech_lufs: float) -> np.ndarray:
    """Scale a music bed to MUSIC_LEVEL_LU relative to the speech, with anti-click edges."""
    m = music.astype(np.float64)
    lufs = integrated_lufs(m)
    if np.isfinite(lufs) and np.isfinite(speech_lufs):
        m = m * 10 ** ((speech_lufs + MUSIC_LEVEL_LU - lufs) / 20)
    e = min(len(m) // 2, int(EDGE_FADE_S * SAMPLE_RATE))
    if e:
        m[:e] *= _ramp(e)[:, None]
        m[-e:] *= _ramp(e)[::-1][:, None]
    return m


def layout(segments: list[np.ndarray], pause_ms: int, channels: int = 1,
           music_intro: np.ndarray | None = None, music_outro: np.ndarray | None = None,
           ) -> tuple[np.ndarray, list[tuple[int, int]], dict]:
    """Place segments (mono, 44.1 kHz) with pauses and optional music beds.

    Returns (mix (n, channels), [(start, end) sample index per segment], music info).
    """
    if not segments:
        raise EngineError("nothing to assemble: no audio segments")
    if pause_ms < 0:
        raise EngineError(f"pause must be >= 0 ms, got {pause_ms}")
    pause = round(SAMPLE_RATE * pause_ms / 1000)
    lead = 0
    if music_intro is not None and len(music_intro):
        lead = min(len(music_intro), int(MUSIC_LEAD_S * SAMPLE_RATE))
    spans, cursor = [], lead
    for i, seg in enumerate(segments):
        if i:
            cursor += pause
        spans.append((cursor, cursor + len(seg)))
        cursor += len(seg)
    end = cursor
    info: dict = {}
    outro_start = spans[-1][0]
    if music_outro is not None and len(music_outro):
        end = max(end, outro_start + min(len(music_outro), spans[-1][1] - outro_start
                                         + int(OUTRO_TAIL_S * SAMPLE_RATE)))
    speech = np.zeros(end)
    for (a, b), seg in zip(spans, segments):
        speech[a:b] = seg
    mix = speech[:, None] if channels == 1 else np.repeat(speech[:, None], channels, axis=1)

    if (music_intro is not None and len(music_intro)) or (music_outro is not None and len(music_outro)):
        speech_lufs = integrated_lufs(speech)
        if music_intro is not None and len(music_intro):
            m = _fit_music(music_intro, speech_lufs)
            a0, b0 = spans[0]
            fade = int(MUSIC_FADE_S * SAMPLE_RATE)
            n = min(len(m), b0 + fade, end)
            m = m[:n].copy()
            if n > b0:   # fade out after the first segment
                k = n - b0
                m[b0:n] *= _ramp(fade)[::-1][:k, None]
            m *= duck_envelope(n, spans)[:, None]
            mix[:n] += m
            info["intro"] = {"start": 0.0, "end": n / SAMPLE_RATE, "lead": lead / SAMPLE_RATE}
        if music_outro is not None and len(music_outro):
            m = _fit_music(music_outro, speech_lufs)
            n = min(len(m), end - outro_start)
            m = m[:n].copy()
            tail = int(MUSIC_FADE_S * SAMPLE_RATE)
            if n > tail:
                m[n - tail:] *= _ramp(tail)[::-1][:, None]
            rel = [(a - outro_start, b - outro_start) for a, b in spans if b > outro_start]
            m *= duck_envelope(n, rel)[:, None]
            mix[outro_start:outro_start + n] += m
            info["outro"] = {"start": outro_start / SAMPLE_RATE, "end": (outro_start + n) / SAMPLE_RATE}
    return mix, spans, info


# ------------------------------------------------------------------ mastering

def _analyses(mix: np.ndarray, spans: list[tuple[int, int]], pause_ms: int, channels: int,
              peaks: list[np.ndarray] | None, kweighted: list[np.ndarray] | None,
              ) -> tuple[np.ndarray, np.ndarray]:
    """The mix's true-peak envelope and K-weighted power, from the segments' own
    when given (exact for speech alone: see segment_peaks, segment_kweighted)."""
    apart = round(SAMPLE_RATE * pause_ms / 1000) >= 2 * ENVELOPE_PAD
    if peaks is not None and apart:
        env = envelope_from_segments(len(mix), spans, peaks)
    else:
        env = _peak_envelope(mix)
    if kweighted is not None:
        power = power_from_segments(len(mix), spans, kweighted, channels)
    else:
        power = k_power(mix)
    return env, power


def normalize(mix: np.ndarray, target_lufs: float | None, ceiling_db: float,
              envelope: np.ndarray | None = None, power: np.ndarray | None = None,
              start_gain_db: float | None = None, speech: np.ndarray | None = None,
              ) -> tuple[np.ndarray, dict]:
    """One gain to the target loudness, then true-peak limiting to the ceiling.

    Limiting lowers the loudness a little; the gain is searched so that the
    limited mix lands on the target. Each try is cheap: the true-peak envelope
    and the K-weighted power of the mix are computed once, reduced to blocks
    of BLOCK samples, and both scale with the gain; the limiter's slow gain
    envelope is applied to the power as it would be to the signal
    (K-weighting a signal multiplied by a gain that moves over tens of ms is,
    to a few hundredths of a LU, the K-weighted signal multiplied by that gain).
    `speech`: which BLOCK-sample blocks are speech; the limiter's reduction
    over them is reported as percentiles (all blocks when not given).
    """
    env = _peak_envelope(mix) if envelope is None else envelope
    power = k_power(mix) if power is None else power
    block_peaks, block_power = _blocks(env, np.max), _blocks(power, np.sum)
    base = lufs_from_power(block_power, hop=BLOCK) if target_lufs is not None else float("-inf")
    gain = 0.0
    if np.isfinite(base):
        gain = target_lufs - base if start_gain_db is None else start_gain_db
        tried: list[tuple[float, float]] = []
        for _ in range(SEARCH_ROUNDS):
            g = 10 ** (gain / 20)
            lim = _block_gain(block_peaks * g, ceiling_db)
            got = lufs_from_power(block_power * (g * lim) ** 2, hop=BLOCK)
            if not np.isfinite(got) or abs(got - target_lufs) < SEARCH_TOLERANCE_LU:
                break
            tried.append((gain, got))
            # Under heavy limiting a dB of gain buys less than a dB of loudness:
            # step by the slope measured between the last two tries (secant).
            slope = 1.0
            if len(tried) >= 2 and tried[-1][0] != tried[-2][0]:
                (g1, l1), (g2, l2) = tried[-2:]
                slope = min(1.0, max(0.2, (l2 - l1) / (g2 - g1)))
            step = min(gain + (target_lufs - got) / slope, target_lufs - base + MAX_MAKEUP_DB) - gain
            if abs(step) < 0.01:   # at the make-up cap: more gain would only feed the limiter
                break
            gain += step
    g = 10 ** (gain / 20)
    total = g * limiter_gain(env * g, ceiling_db, block_peaks=block_peaks * g)
    stats = {"gain_db": round(gain, 2),
             "limiter_reduction_db": limiter_reduction(block_peaks * g, ceiling_db, speech)}
    return mix * total[:, None], stats


def limiter_reduction(block_peaks: np.ndarray, ceiling_db: float, speech: np.ndarray | None) -> dict:
    """The limiter's gain reduction (dB) over the speech blocks: p50, p95, max."""
    from .dynamics import percentiles

    reduction = -20 * np.log10(np.minimum(1.0, _block_gain(block_peaks, ceiling_db)))
    if speech is not None:
        reduction = reduction[speech[: len(reduction)]]
    return percentiles(np.maximum(reduction, 0.0), ("p50", "p95", "max"))


def speech_blocks(length: int, spans: list[tuple[int, int]], dyns: list) -> np.ndarray:
    """Per BLOCK of the episode: whether it is speech (dynamics.Dynamics.speech_blocks
    of the segment placed there)."""
    active = np.zeros(length, dtype=bool)
    for (a, b), d in zip(spans, dyns):
        active[a:b] = np.repeat(d.speech_blocks(), BLOCK)[: b - a]
    return _blocks(active, np.max).astype(bool)


def master_episode(segments: list[np.ndarray], out_mp3: str | os.PathLike, pause_ms: int = 600,
                   bitrate: str = "64k", channels: int = 1, target_lufs: float | None = -16.0,
                   ceiling_db: float = -1.0, music_intro: np.ndarray | None = None,
                   music_outro: np.ndarray | None = None, hint: dict | None = None,
                   peaks: list[np.ndarray] | None = None,
                   kweighted: list[np.ndarray] | None = None,
                   dynamics: list | None = None) -> MasterResult:
    """Mono 44.1 kHz float segments -> `out_mp3` (written in place; callers make it atomic).

    Each segment goes through the leveller and compressor (pipeline.dynamics)
    first; `dynamics`: their results (dynamics.process of each segment) when
    the caller keeps them. `hint`: the loudness figures of the last mastering
    of (almost) the same episode; its gain, encoder margin and aim are the
    first guesses. `peaks` and `kweighted`: each processed segment's
    `segment_peaks` and `segment_kweighted`, when the caller keeps them (an
    edit then analyses only the new segment)."""
    from . import dynamics as dyn

    if channels not in (1, 2):
        raise InputError(f"channels must be 1 (mono) or 2 (stereo), got {channels}",
                         "set channels: 1 or 2 in the episode settings")
    kbps = parse_bitrate(bitrate)
    dyns = dynamics if dynamics is not None else [dyn.process(s) for s in segments]
    mix, spans, music = layout([d.samples for d in dyns], pause_ms, channels, music_intro, music_outro)
    env, power = _analyses(mix, spans, pause_ms, channels, None if music else peaks,
                           None if music else kweighted)
    speech = speech_blocks(len(mix), spans, dyns)
    margin = ENCODE_MARGIN_DB
    aim = None if target_lufs is None else target_lufs + ENCODE_LUFS_LOSS_DB
    start_gain = None
    if hint and target_lufs is not None:
        margin = max(hint["encoder_margin_db"], ENCODE_MARGIN_DB)
        aim, start_gain = hint["aim_lufs"], hint["gain_db"]
    for attempt in range(MAX_ENCODES):
        # the encoder overshoots the true peak a little and its low-pass takes some
        # loudness: master to a lower ceiling and a corrected target, measure, repeat
        mastered, stats = normalize(mix, aim, ceiling_db - margin, env, power, start_gain, speech)
        start_gain = stats["gain_db"]
        encode_mp3(mastered.astype(np.float32), out_mp3, kbps)
        measured = measure(out_mp3)
        lufs, tp = measured["integrated_lufs"], measured["true_peak_dbtp"]
        tp_ok = tp <= ceiling_db
        lufs_ok = target_lufs is None or not np.isfinite(lufs) or abs(lufs - target_lufs) <= LUFS_TOLERANCE
        if (tp_ok and lufs_ok) or attempt == MAX_ENCODES - 1:
            break
        if not tp_ok:
            margin += tp - ceiling_db + 0.25
        if not lufs_ok:
            aim += target_lufs - lufs
    loudness = {
        "integrated_lufs": round(lufs, 2) if np.isfinite(lufs) else None,
        "true_peak_dbtp": round(tp, 2) if np.isfinite(tp) else None,
        "loudness_range_lu": (round(measured["loudness_range_lu"], 2)
                              if np.isfinite(measured["loudness_range_lu"]) else None),
        "target_lufs": target_lufs,
        "ceiling_dbtp": ceiling_db,
        "gain_db": stats["gain_db"],
        "limiter_reduction_db": stats["limiter_reduction_db"],
        **dyn.figures(dyns),
        "encoder_margin_db": round(margin, 2),
        "aim_lufs": None if aim is None else round(aim, 3),
        "encodes": attempt + 1,
        "measured_on": "decoded mp3",
        "meter": METER,
    }
    times = [(a / SAMPLE_RATE, b / SAMPLE_RATE) for a, b in spans]
    return MasterResult(times=times, duration=len(mix) / SAMPLE_RATE, loudness=loudness, music=music)
